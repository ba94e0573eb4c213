"""The snapshot cache: used when the file is unchanged, never believed when it is not."""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from gbastd import __version__, cache, catalogue, cli
from gbastd.cli import app
from gbastd.errors import CatalogueInvalid
from gbastd.records import Catalogue

from .conftest import DATA, imported_by


@pytest.fixture(name="copy")
def _copy(tmp_path: Path) -> Path:
    """A private copy of the fixture catalogue, free to edit."""
    path = tmp_path / "cat.toml"
    path.write_bytes((DATA / "mini.toml").read_bytes())
    return path


def snapshots() -> list[Path]:
    folder = cache.directory()
    assert folder is not None
    return sorted(folder.glob("*.snapshot"))


def test_unchanged_file_is_answered_from_the_snapshot(copy: Path, parses: list[str]) -> None:
    """The second load of the same content parses nothing and gives the same catalogue."""
    first = catalogue.load(copy)
    second = catalogue.load(copy)
    assert parses == [str(copy)]
    assert second == first
    assert len(snapshots()) == 1


def test_changed_file_is_read_again(copy: Path, parses: list[str]) -> None:
    """An edit gives the edited answer, and only one snapshot per file is kept."""
    catalogue.load(copy)
    copy.write_text(copy.read_text(encoding="utf-8").replace("测试米", "测试面"), encoding="utf-8")
    assert catalogue.load(copy).standards[0].title_zh == "测试面"
    assert len(parses) == 2
    assert len(snapshots()) == 1


def test_edit_that_keeps_size_and_modification_time_is_seen(
    copy: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even with the file's status remembered, a same-size edit with its mtime put back is read."""
    monkeypatch.setattr(cache, "_now_ns", lambda: 2**62)  # every file counts as settled
    catalogue.load(copy)
    catalogue.load(copy)
    assert len(parses) == 1  # answered by the remembered status, without reading
    status = copy.stat()
    copy.write_text(copy.read_text(encoding="utf-8").replace("测试米", "测试面"), encoding="utf-8")
    os.utime(copy, ns=(status.st_atime_ns, status.st_mtime_ns))
    assert copy.stat().st_size == status.st_size
    assert catalogue.load(copy).standards[0].title_zh == "测试面"


def test_recently_changed_file_is_not_remembered_by_status(copy: Path) -> None:
    """A file written moments ago could change again within one clock tick: hash it each time."""
    catalogue.load(copy)
    assert cache.remembered_key(copy, cache.salt(__version__)) is None
    folder = cache.directory()
    assert folder is not None and not list(folder.glob("*.stat"))


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[:-10],  # truncated
        lambda blob: blob[:-5] + bytes([blob[-5] ^ 0x01]) + blob[-4:],  # one flipped bit
        lambda blob: b"not a snapshot at all",
        lambda blob: b"",
    ],
    ids=["truncated", "bit-flip", "garbage", "empty"],
)
def test_damaged_snapshot_is_ignored(copy: Path, parses: list[str], damage: object) -> None:
    """A damaged snapshot is never believed: the file is parsed again, the answer is right."""
    expected = catalogue.load(copy)
    (snapshot,) = snapshots()
    snapshot.write_bytes(damage(snapshot.read_bytes()))  # type: ignore[operator]
    assert catalogue.load(copy) == expected
    assert len(parses) == 2


def _reshaped(about: tuple[Any, ...], body: tuple[Any, ...], how: str) -> Any:
    """A snapshot's payload with its header or body changed the way ``how`` names."""
    info, domains, tags, blobs = body
    short_entry = marshal.dumps(tuple(marshal.loads(blobs[0]))[:-1])
    return {
        "not-a-pair": ("not", "a", "catalogue", "snapshot"),
        "short-entry": (about, (info, domains, tags, (short_entry, *blobs[1:]))),
        "entry-not-a-tuple": (about, (info, domains, tags, (marshal.dumps("x"), *blobs[1:]))),
        "fewer-entries-than-tags": (about, (info, domains, tags, blobs[1:])),
        "tags-not-text": (about, (info, domains, ((1,), *tags[1:]), blobs)),
        "info-too-short": (about, (info[1:], domains, tags, blobs)),
        "older-format": ((3, *about[1:]), body),
        "other-fields": ((about[0], ("gba_id",), *about[2:]), body),
    }[how]


@pytest.mark.parametrize(
    "how",
    [
        "not-a-pair",
        "short-entry",
        "entry-not-a-tuple",
        "fewer-entries-than-tags",
        "tags-not-text",
        "info-too-short",
        "older-format",
        "other-fields",
    ],
)
def test_snapshot_of_another_shape_is_rebuilt(copy: Path, parses: list[str], how: str) -> None:
    """A snapshot with a sound checksum but the wrong structure is rebuilt, not trusted, and
    never turns into an internal error later, when an entry is decoded."""
    expected = catalogue.load(copy)
    (snapshot,) = snapshots()
    about, body = marshal.loads(snapshot.read_bytes()[len(cache.seal(b"")) :])
    snapshot.write_bytes(cache.seal(marshal.dumps(_reshaped(about, body, how))))
    reloaded = catalogue.load(copy)
    assert list(reloaded.standards) == list(expected.standards)
    assert len(parses) == 2


def test_snapshot_of_another_file_is_not_believed(
    copy: Path, tmp_path: Path, parses: list[str]
) -> None:
    """B's snapshot planted under A's name is refused: a later write would otherwise put B's
    entries into A's file."""
    other = tmp_path / "other.toml"
    other.write_text(copy.read_text(encoding="utf-8").replace("测试米", "别的米"), encoding="utf-8")
    expected = catalogue.load(copy)
    catalogue.load(other)
    mine = next(p for p in snapshots() if p.name.startswith(cache._path_prefix(copy)))
    theirs = next(p for p in snapshots() if p != mine)
    mine.write_bytes(theirs.read_bytes())
    assert catalogue.load(copy).standards[0].title_zh == expected.standards[0].title_zh == "测试米"
    assert len(parses) == 3


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_something_else_where_a_snapshot_should_be_is_ignored(
    copy: Path, parses: list[str], kind: str
) -> None:
    """A FIFO (which would block a reader) or a directory in the snapshot's place: rebuilt."""
    expected = catalogue.load(copy)
    (snapshot,) = snapshots()
    snapshot.unlink()
    if kind == "fifo":
        os.mkfifo(snapshot)
    else:
        snapshot.mkdir()
    assert catalogue.load(copy) == expected
    assert len(parses) == 2


def test_a_fifo_where_the_status_record_should_be_is_ignored(copy: Path) -> None:
    """A FIFO in the place of the record of the file's status (``.stat``) does not block a
    run: the file is read and answered as usual."""
    folder = cache.directory()
    assert folder is not None
    folder.mkdir(parents=True, exist_ok=True)
    os.mkfifo(folder / f"{cache._path_prefix(copy)}.stat")
    env = {**os.environ, "GBASTD_CACHE_DIR": str(folder)}
    args = [sys.executable, "-m", "gbastd", "show", "WQ1-9", "-c", str(copy), "-f", "csv"]
    for _ in range(2):  # parsed, then from the snapshot
        done = subprocess.run(args, capture_output=True, env=env, timeout=30, check=False)
        assert (done.returncode, done.stderr) == (0, b""), done.stderr
        assert done.stdout.startswith(b"gba_id,code,")


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"XDG_CACHE_HOME": "relative/cache", "HOME": "/home/u"}, "/home/u/.cache/gbastd"),
        ({"XDG_CACHE_HOME": "/abs/cache", "HOME": "/home/u"}, "/abs/cache/gbastd"),
        ({"XDG_CACHE_HOME": "", "HOME": ""}, None),
        ({"XDG_CACHE_HOME": "", "HOME": "~"}, None),
    ],
)
def test_cache_location_is_absolute_or_none(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], expected: str | None
) -> None:
    """A relative XDG_CACHE_HOME is ignored (as the XDG specification says) and a user with
    no home directory gets no cache, never a ./~/.cache in the working directory."""
    monkeypatch.delenv("GBASTD_CACHE_DIR")
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    found = cache.directory()
    assert (str(found) if found else None) == expected


def test_a_killed_writers_temporaries_are_cleared(copy: Path) -> None:
    """Temporaries older than any writer could take are removed by the next write."""
    catalogue.load(copy)
    folder = cache.directory()
    assert folder is not None
    old, fresh = folder / ".tmp-old", folder / ".tmp-fresh"
    old.write_bytes(b"debris")
    fresh.write_bytes(b"someone is writing this")
    os.utime(old, ns=(0, 0))
    copy.write_text(copy.read_text(encoding="utf-8").replace("测试米", "测试面"), encoding="utf-8")
    catalogue.load(copy)
    assert not old.exists() and fresh.exists()


def test_changed_code_is_not_answered_by_old_snapshots(tmp_path: Path) -> None:
    """The issue's case: in a copy of the package, change how text.py writes a GBA id (not
    model.py); a warm cache then shows the new ids, as a cold run does, never the old ones."""
    copy = tmp_path / "pkg"
    shutil.copytree(Path(cache.__file__).parent, copy / "gbastd", ignore=_PYCACHE)
    env = {**os.environ, "PYTHONPATH": str(copy), "GBASTD_CACHE_DIR": str(tmp_path / "c")}
    args = [sys.executable, "-m", "gbastd", "list", "-c", str(DATA / "mini.toml"), "-f", "csv"]

    def ids() -> list[str]:
        done = subprocess.run(
            [*args, "-F", "gba_id"], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.splitlines()[1:3]

    assert ids() == ids() == ["WQ 1-9", "WQ 1-10"]  # the second answered by the snapshot
    text_module = copy / "gbastd" / "text.py"
    source = text_module.read_text(encoding="utf-8")
    for old, new in (
        ('_CANONICAL_GBA_ID = r"WQ [1-9]\\d*-[1-9]\\d*"', '_CANONICAL_GBA_ID = r"(?!)"'),
        (
            'return f"WQ {int(match[1])}-{int(match[2])}"',
            'return f"WQ {int(match[1])}/{int(match[2])}"',
        ),
    ):
        assert source.count(old) == 1, old
        source = source.replace(old, new)
    text_module.write_text(source, encoding="utf-8")
    assert ids() == ["WQ 1/9", "WQ 1/10"]


_PYCACHE = shutil.ignore_patterns("__pycache__")


def test_an_entry_that_will_not_decode_is_rebuilt_not_an_error(copy: Path) -> None:
    """A snapshot whose checksum is sound but whose entry is cut short after its first bytes
    (which are all the shape check reads) answers from the file instead: through the real
    CLI, the right rows, exit 0, and a sound snapshot written in its place."""
    args = [sys.executable, "-m", "gbastd", "list", "-c", str(copy), "-f", "csv", "-F", "code"]
    env = {**os.environ, "GBASTD_CACHE_DIR": str(cache.directory())}
    expected = subprocess.run(args, env=env, capture_output=True, check=True).stdout
    (snapshot,) = snapshots()
    about, (info, domains, tags, blobs) = marshal.loads(
        snapshot.read_bytes()[len(cache.seal(b"")) :]
    )
    damaged = (about, (info, domains, tags, (blobs[0][:5], *blobs[1:])))  # type code, length
    snapshot.write_bytes(cache.seal(marshal.dumps(damaged)))
    again = subprocess.run(args, env=env, capture_output=True, check=False)
    assert (again.returncode, again.stdout, again.stderr) == (0, expected, b"")
    (rebuilt,) = snapshots()
    assert catalogue.load(copy).standards[0].code == "T/TEST 9-2022"
    assert rebuilt.read_bytes() != cache.seal(marshal.dumps(damaged))


def test_unwritable_cache_only_costs_speed(
    copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parses: list[str]
) -> None:
    """A cache location that cannot be created is ignored without a word."""
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("GBASTD_CACHE_DIR", str(blocker / "cache"))
    assert catalogue.load(copy) == catalogue.load(copy)
    assert len(parses) == 2


def test_cache_can_be_turned_off(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """GBASTD_NO_CACHE=1 writes nothing."""
    monkeypatch.setenv("GBASTD_NO_CACHE", "1")
    catalogue.load(copy)
    assert cache.directory() is None
    monkeypatch.delenv("GBASTD_NO_CACHE")
    assert snapshots() == []


def test_invalid_catalogue_is_never_cached(copy: Path) -> None:
    """Only validated catalogues are stored."""
    copy.write_text(
        copy.read_text(encoding="utf-8").replace('"WQ 1-10"', '"WQ 1-9"'), encoding="utf-8"
    )
    for _ in range(2):
        with pytest.raises(CatalogueInvalid):
            catalogue.load(copy)
    assert snapshots() == []


@pytest.fixture(name="loads")
def _loads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[object, ...]]:
    """Record every call of ``catalogue.load``, which cli.py calls through the module."""
    calls: list[tuple[object, ...]] = []
    real = catalogue.load

    def recording(*args: object, **kwargs: object) -> Catalogue:
        calls.append((*args, *kwargs.items()))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalogue, "load", recording)
    return calls


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (["--help"], "Usage: gbastd"),
        (["list", "--help"], "Usage: gbastd list"),
        (["--version"], f"gbastd {__version__}"),
        ([], "Usage: gbastd"),
    ],
)
def test_help_and_version_read_no_catalogue(
    runner: CliRunner, loads: list[tuple[object, ...]], args: list[str], shown: str
) -> None:
    """Help, version and the bare command never call catalogue.load."""
    result = runner.invoke(app, args)
    assert shown in result.stdout + result.stderr
    assert loads == []


def test_load_recorder_sees_a_load_during_version(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, loads: list[tuple[object, ...]]
) -> None:
    """Control: a planted catalogue load inside --version is recorded, so the guard would fail."""
    real_emit = cli._emit

    def loading_emit(text: str) -> None:
        catalogue.load()
        real_emit(text)

    monkeypatch.setattr(cli, "_emit", loading_emit)
    result = runner.invoke(app, ["--version"])
    assert f"gbastd {__version__}" in result.stdout
    assert loads == [()]


def test_load_recorder_sees_the_commands_loads(
    runner: CliRunner, loads: list[tuple[object, ...]]
) -> None:
    """Control: a command that reads a catalogue is recorded, so the patch is where cli looks."""
    result = runner.invoke(app, ["list", "-c", str(DATA / "mini.toml"), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert len(loads) == 1 and loads[0][0] == DATA / "mini.toml"


def imported_modules(*args: str, env: dict[str, str]) -> set[str]:
    """Run gbastd in a fresh interpreter and return the modules it imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gbastd", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        check=True,
        timeout=60,
    )
    return imported_by(result.stderr)


def test_piped_list_imports_neither_rich_nor_pydantic(tmp_path: Path) -> None:
    """The warm pipeline path loads the snapshot: no rich, no pydantic, no tomllib."""
    env = {"GBASTD_CACHE_DIR": str(tmp_path / "cache")}
    args = ("list", "--domain", "food", "--format", "csv", "-c", str(DATA / "mini.toml"))
    cold = imported_modules(*args, env=env)
    assert "pydantic" in cold and "rich" not in cold
    warm = imported_modules(*args, env=env)
    assert not {"rich", "pydantic", "tomllib", "json"} & warm


_WATCH_OPENS = """
import os, sys
def watch(event, args):
    # Every file a catalogue or the cache could be read from: say so on stderr at once
    # (main leaves with os._exit, so nothing may wait for the end).
    if event == "open" and isinstance(args[0], str) and args[0].endswith(
        (".toml", ".snapshot", ".stat", ".rejected")
    ):
        os.write(2, ("OPENED " + args[0] + "\\n").encode())
sys.addaudithook(watch)
from gbastd.cli import main
main(sys.argv[1:])
"""


def opened_files(*args: str, tmp_path: Path) -> list[str]:
    """Run gbastd in a fresh interpreter and list every catalogue or cache file it opened,
    however the code reaches it (Python's audit hook sees every open)."""
    done = subprocess.run(
        [sys.executable, "-c", _WATCH_OPENS, *args],
        capture_output=True,
        text=True,
        env={**os.environ, "GBASTD_CACHE_DIR": str(tmp_path / "c"), "GBASTD_CATALOGUE": ""},
        timeout=60,
        check=False,
    )
    return [line for line in done.stderr.splitlines() if line.startswith("OPENED ")]


@pytest.mark.parametrize(
    "args", [["--version"], ["--help"], ["list", "--help"], ["show", "--help"], []]
)
def test_help_and_version_open_no_catalogue_and_no_cache(args: list[str], tmp_path: Path) -> None:
    """No catalogue, snapshot or status record is opened for help or the version."""
    assert opened_files(*args, tmp_path=tmp_path) == []


def test_the_open_watch_sees_a_catalogue_being_read(tmp_path: Path) -> None:
    """Control: the same watch reports the catalogue and cache a real command reads."""
    seen = opened_files("list", "-c", str(DATA / "mini.toml"), tmp_path=tmp_path)
    assert any(line.endswith("mini.toml") for line in seen)
    assert any(line.endswith(".snapshot") for line in seen)

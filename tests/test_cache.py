"""The snapshot cache: used when the file is unchanged, never believed when it is not."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbastd import __version__, cache, catalogue, cli
from gbastd.cli import app
from gbastd.errors import CatalogueInvalid
from gbastd.records import Catalogue

from .conftest import DATA


@pytest.fixture(name="copy")
def _copy(tmp_path: Path) -> Path:
    """A private copy of the fixture catalogue, free to edit."""
    path = tmp_path / "cat.toml"
    path.write_bytes((DATA / "mini.toml").read_bytes())
    return path


@pytest.fixture(name="parses")
def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every real parse-and-validate, which the cache exists to avoid."""
    calls: list[str] = []
    real = catalogue.parse

    def counting(data: bytes, path: str, **kwargs: object) -> Catalogue:
        calls.append(path)
        return real(data, path, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(catalogue, "parse", counting)
    return calls


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
    assert cache.remembered_key(copy, cache.salt("any")) is None
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


def test_snapshot_of_another_shape_is_rebuilt(copy: Path, parses: list[str]) -> None:
    """A sound snapshot holding the wrong structure is rebuilt, not trusted."""
    expected = catalogue.load(copy)
    (snapshot,) = snapshots()
    key = snapshot.stem.split("-", 1)[1]
    cache.write(copy, key, ("not", "a", "catalogue", "snapshot"))
    assert catalogue.load(copy) == expected
    assert len(parses) == 2


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
    return {line.rsplit("|", 1)[1].strip() for line in result.stderr.splitlines() if "|" in line}


def test_piped_list_imports_neither_rich_nor_pydantic(tmp_path: Path) -> None:
    """The warm pipeline path loads the snapshot: no rich, no pydantic, no tomllib."""
    env = {"GBASTD_CACHE_DIR": str(tmp_path / "cache")}
    args = ("list", "--domain", "food", "--format", "csv", "-c", str(DATA / "mini.toml"))
    cold = imported_modules(*args, env=env)
    assert "pydantic" in cold and "rich" not in cold
    warm = imported_modules(*args, env=env)
    assert not {"rich", "pydantic", "tomllib", "json"} & warm

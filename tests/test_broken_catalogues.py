"""Broken catalogues (tests/data/invalid/, one file per fault): one clear report, never a crash.

Each file is named for what is wrong with it. For every one, `validate` exits 1 and lists every
problem, each naming the file (and the line, entry and field where they apply); any other command
refuses it the same way on stderr; nothing is written anywhere. The full reports are pinned in
tests/golden/invalid-reports.txt, so a reviewer can read exactly what each case produces.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gbastd import cache, catalogue
from gbastd.cli import app
from gbastd.errors import CatalogueError

from .conftest import DATA, GoldenCheck

INVALID = DATA / "invalid"
CASES = sorted(path.name for path in INVALID.glob("*.toml"))


def test_the_corpus_covers_at_least_thirty_faults() -> None:
    """The issue asks for at least 30 distinct broken files."""
    assert len(CASES) >= 30


@pytest.mark.parametrize("name", CASES)
def test_validate_reports_every_problem(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Exit 1, each problem a line that starts with the file's name, no traceback."""
    monkeypatch.chdir(INVALID)
    result = runner.invoke(app, ["validate", name])
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines and all(line.startswith(f"{name}:") for line in lines)
    assert result.stderr == f"Error: {name}: not a valid catalogue ({_count(len(lines))}).\n"
    assert "Traceback" not in result.output


def _count(problems: int) -> str:
    return f"{problems} problem" + ("" if problems == 1 else "s")


def test_reports_match_the_reviewed_golden_file(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, golden: GoldenCheck
) -> None:
    """What each broken file produces, word for word."""
    monkeypatch.chdir(INVALID)
    report = "".join(
        f"## {name}\n{runner.invoke(app, ['validate', name]).stdout}\n" for name in CASES
    )
    golden("invalid-reports.txt", report.encode("utf-8"))


@pytest.mark.parametrize("name", CASES)
def test_other_commands_refuse_and_write_nothing(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    """list and export refuse a broken catalogue on stderr, write no file and no cache."""
    monkeypatch.chdir(tmp_path)
    for args in (["list"], ["export", "-o", "out.csv"]):
        result = runner.invoke(app, [*args, "--catalogue", str(INVALID / name)])
        assert result.exit_code == 1
        assert result.stdout == ""
        assert result.stderr.startswith(f"Error: {INVALID / name}: not a valid catalogue (")
    assert list(tmp_path.iterdir()) == []
    folder = cache.directory()
    assert folder is None or not folder.exists() or list(folder.iterdir()) == []


def test_a_fifty_megabyte_file_is_refused_quickly(runner: CliRunner, tmp_path: Path) -> None:
    """A 50 MB value is reported by its length, not echoed back."""
    huge = tmp_path / "huge.toml"
    head = (INVALID / "empty-title.toml").read_text(encoding="utf-8")
    with huge.open("w", encoding="utf-8") as stream:
        stream.write(head.replace('title_zh = ""', 'title_zh = "丝苗米"'))
        stream.write('notes = "' + "x" * (50 * 1024 * 1024) + '"\n')
    result = runner.invoke(app, ["validate", str(huge)])
    assert result.exit_code == 1
    assert result.stdout == (
        f"{huge}:9: standard #1 (WQ 1-8): notes: is 52,428,800 characters long; "
        "at most 1,000 are allowed\n"
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_load_or_raise_the_tools_own_error(data: bytes) -> None:
    """The loader, given any bytes, returns a catalogue or raises a CatalogueError."""
    with contextlib.suppress(CatalogueError):
        catalogue.parse(data, "fuzz.toml")


MINI = (DATA / "mini.toml").read_bytes()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(MINI) - 1), st.integers(0, 255)), max_size=6))
def test_damaged_copies_of_a_valid_file_load_or_raise_the_tools_own_error(
    edits: list[tuple[int, int]],
) -> None:
    """Random byte changes to a valid catalogue never crash the loader."""
    data = bytearray(MINI)
    for offset, value in edits:
        data[offset] = value
    with contextlib.suppress(CatalogueError):
        catalogue.parse(bytes(data), "damaged.toml")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=500))
def test_arbitrary_text_after_a_valid_file_loads_or_raises(tail: str) -> None:
    """Whatever text follows a valid catalogue, the loader answers with one or an error."""
    with contextlib.suppress(CatalogueError):
        catalogue.parse(MINI + tail.encode("utf-8", "surrogatepass"), "tail.toml")


def test_nothing_is_written_beside_the_catalogue(tmp_path: Path, runner: CliRunner) -> None:
    """Reading a catalogue never writes next to it (the cache lives elsewhere)."""
    copy = tmp_path / "cat.toml"
    copy.write_bytes(MINI)
    before = sorted(os.listdir(tmp_path))
    runner.invoke(app, ["list", "--catalogue", str(copy)])
    assert sorted(os.listdir(tmp_path)) == before

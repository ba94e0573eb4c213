"""Writing files: atomic, refusing, and never inside the installed package."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import gbastd.cli
from gbastd.cli import app


class HalfWriter(io.BytesIO):
    """A file that accepts half of what it is given, then fails as a full disk or Ctrl-C would."""

    def __init__(self, target: Path, failure: BaseException) -> None:
        super().__init__()
        self.target = target
        self.failure = failure

    def write(self, data: Any) -> int:
        self.target.write_bytes(bytes(data)[: len(data) // 2])
        raise self.failure


@pytest.mark.parametrize(
    ("failure", "code", "message"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), 1, "No space left on device."),
        (KeyboardInterrupt(), 130, None),
    ],
    ids=["disk-full", "interrupted"],
)
def test_failed_write_leaves_the_old_file_and_no_debris(
    runner: CliRunner,
    mini_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    failure: BaseException,
    code: int,
    message: str | None,
) -> None:
    """An export that fails half-way keeps the previous file intact and removes its temporary."""
    out = tmp_path / "out.csv"
    out.write_text("the previous export\n", encoding="utf-8")
    real_fdopen = gbastd.cli.os.fdopen

    def failing_fdopen(handle: int, mode: str) -> Any:
        opened = Path(os.readlink(f"/proc/self/fd/{handle}"))  # only the export's temporary
        if not opened.name.startswith(".out.csv."):
            return real_fdopen(handle, mode)
        real_fdopen(handle, mode).close()
        return HalfWriter(opened, failure)

    monkeypatch.setattr(gbastd.cli.os, "fdopen", failing_fdopen)
    result = runner.invoke(app, ["export", "-o", str(out), "--force", "-c", str(mini_path)])
    assert result.exit_code == code
    if message:
        assert result.stderr == f"Error: cannot write {out}: {message}\n"
    assert out.read_text(encoding="utf-8") == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_path_under_a_file_is_refused(runner: CliRunner, mini_path: Path, tmp_path: Path) -> None:
    """A destination whose folder is a file gets one sentence."""
    blocker = tmp_path / "report.csv"
    blocker.write_text("", encoding="utf-8")
    result = runner.invoke(app, ["export", "-o", str(blocker / "x.csv"), "-c", str(mini_path)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == f"Error: cannot write to {blocker}: Not a directory.\n"


def test_export_to_stdout_dash(runner: CliRunner, mini_path: Path) -> None:
    """-o - means standard output, as in most tools."""
    result = runner.invoke(
        app, ["export", "-o", "-", "-F", "code", "-n", "1", "-c", str(mini_path)]
    )
    assert result.stdout == "code\nT/TEST 9-2022\n"


def test_interrupted_catalogue_write_leaves_the_previous_catalogue(
    runner: CliRunner, mini_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit cut off half-way (Ctrl-C) keeps the old catalogue whole and leaves no debris."""
    cat = tmp_path / "cat.toml"
    cat.write_bytes(mini_path.read_bytes())
    before = cat.read_bytes()
    real_fdopen = gbastd.cli.os.fdopen

    def failing_fdopen(handle: int, mode: str) -> Any:
        opened = Path(os.readlink(f"/proc/self/fd/{handle}"))
        if not opened.name.startswith(".cat.toml."):
            return real_fdopen(handle, mode)
        real_fdopen(handle, mode).close()
        return HalfWriter(opened, KeyboardInterrupt())

    monkeypatch.setattr(gbastd.cli.os, "fdopen", failing_fdopen)
    result = runner.invoke(app, ["edit", "WQ1-9", "--set", "notes=changed", "-c", str(cat)])
    assert result.exit_code == 130
    assert cat.read_bytes() == before
    # nothing but the catalogue: no temporary, and no lock file outlives the write
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cat.toml"]

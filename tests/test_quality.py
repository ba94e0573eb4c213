"""Lint, format and type checks run as part of the test suite, so one command checks all."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.parametrize(
    "command",
    [
        ["ruff", "check", "src", "tests", "scripts", "bench"],
        ["ruff", "format", "--check", "src", "tests", "scripts", "bench"],
        ["mypy", "--strict", "src"],
    ],
    ids=["ruff-check", "ruff-format", "mypy-strict"],
)
def test_tool_is_clean(command: list[str]) -> None:
    """The code passes ruff and mypy --strict with the settings in pyproject.toml."""
    result = subprocess.run(
        [sys.executable, "-m", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr

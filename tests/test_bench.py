"""The benchmark's generated catalogues are valid gbastd catalogues with the expected answer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from gbastd import catalogue
from gbastd.cli import app

from .conftest import ROOT


def test_generated_catalogue_loads_and_answers_as_expected(
    runner: CliRunner, tmp_path: Path
) -> None:
    """gen_catalogue.py writes a catalogue gbastd validates, whose food rows are the expected."""
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "gen_catalogue.py"),
            "--out",
            str(tmp_path),
            "-n",
            "300",
            "--formats",
            "toml",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    generated = tmp_path / "cat_300.toml"
    assert len(catalogue.load(generated).standards) == 300
    result = runner.invoke(
        app, ["list", "-d", "food", "-f", "csv", "-F", "code,title_zh", "-c", str(generated)]
    )
    expected = (tmp_path / "cat_300.expected_food.csv").read_text(encoding="utf-8")
    assert result.stdout == expected

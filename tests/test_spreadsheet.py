"""An --excel export opened by a real spreadsheet program: no formula runs, Chinese survives.

LibreOffice Calc (headless) imports the CSV and saves it as XLSX; the sheet's XML then shows
whether any cell became a formula. A control case, the same data exported without --excel,
proves that the check can fail.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gbastd.cli import app

from .conftest import edited_mini

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (Debian: libreoffice-calc-nogui; .ci/run installs it)",
)

HOSTILE_TITLES = ["=1+1", "+2+3", "-4+5", '=HYPERLINK("https://evil.example","点我")']


def hostile_catalogue(tmp_path: Path) -> Path:
    """The fixture catalogue with titles that a spreadsheet would take for formulas."""
    titles = ["测试米", "测试龙舟数据规范", "测试养老食品", "测试赛事志愿服务"]
    # A JSON string is a valid TOML basic string.
    return edited_mini(
        tmp_path / "hostile.toml",
        *(
            (f'title_zh = "{title}"', f"title_zh = {json.dumps(hostile)}")
            for title, hostile in zip(titles, HOSTILE_TITLES, strict=True)
        ),
    )


def open_in_calc(csv_file: Path, tmp_path: Path) -> tuple[str, str]:
    """Import a UTF-8 CSV into Calc, save as XLSX; return (sheet XML, shared strings XML)."""
    assert SOFFICE is not None
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--infilter=CSV:44,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(csv_file),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    with zipfile.ZipFile(csv_file.with_suffix(".xlsx")) as book:
        return (
            book.read("xl/worksheets/sheet1.xml").decode("utf-8"),
            book.read("xl/sharedStrings.xml").decode("utf-8"),
        )


def export(runner: CliRunner, catalogue: Path, out: Path, *extra: str) -> None:
    result = runner.invoke(
        app, ["export", "-F", "title_zh,publisher", "-o", str(out), "-c", str(catalogue), *extra]
    )
    assert result.exit_code == 0, result.output


def test_excel_export_runs_no_formula_and_keeps_chinese(runner: CliRunner, tmp_path: Path) -> None:
    """With --excel, Calc shows every hostile title as text and the Chinese intact."""
    export(runner, hostile_catalogue(tmp_path), tmp_path / "safe.csv", "--excel")
    sheet, strings = open_in_calc(tmp_path / "safe.csv", tmp_path)
    assert "<f>" not in sheet and "<f " not in sheet
    assert "测试标准促进会" in strings and "测试体育协会" in strings
    assert "=1+1" in strings and "HYPERLINK" in strings


def test_control_plain_csv_does_run_formulas(runner: CliRunner, tmp_path: Path) -> None:
    """Without --excel the same cells become formulas: the check above can fail."""
    export(runner, hostile_catalogue(tmp_path), tmp_path / "plain.csv")
    sheet, _ = open_in_calc(tmp_path / "plain.csv", tmp_path)
    assert "<f>" in sheet or "<f " in sheet

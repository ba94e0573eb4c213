"""Data and messages are UTF-8 whatever the locale, and so are arguments."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA, GOLDEN
from .test_streams import UNBUFFERED, stream_env

MINI = str(DATA / "mini.toml")
LOCALES = pytest.mark.parametrize(
    "locale",
    [
        {"PYTHONIOENCODING": "ascii"},
        {"PYTHONIOENCODING": "latin-1"},
        {"PYTHONUTF8": "0", "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0"},
    ],
    ids=["ascii", "latin-1", "C"],
)


def run_in(
    locale: dict[str, str], *args: str, unbuffered: bool = False
) -> tuple[int, bytes, bytes]:
    env = stream_env(unbuffered, **locale)
    for name in ("LANG", "LC_CTYPE", "PYTHONUTF8", "PYTHONIOENCODING"):
        if name not in locale:
            env.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-m", "gbastd", *args],
        capture_output=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert b"internal error" not in result.stderr and b"Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


@LOCALES
@UNBUFFERED
def test_data_is_utf_8(locale: dict[str, str], unbuffered: bool) -> None:
    """A CSV list is the same bytes as in a UTF-8 locale."""
    result = run_in(locale, "list", "-c", MINI, "-f", "csv", unbuffered=unbuffered)
    assert result == (0, (GOLDEN / "mini.csv").read_bytes(), b"")


@LOCALES
@UNBUFFERED
def test_help_is_utf_8(locale: dict[str, str], unbuffered: bool) -> None:
    """The help names the catalogue in Chinese: written as UTF-8, not an encoding error."""
    code, out, err = run_in(locale, "--help", unbuffered=unbuffered)
    assert (code, err) == (0, b"")
    assert "湾区标准".encode() in out and "Guangdong–Hong Kong–Macao".encode() in out


@LOCALES
def test_messages_are_utf_8(locale: dict[str, str]) -> None:
    """An error that names Chinese titles is UTF-8 on stderr."""
    code, out, err = run_in(locale, "show", "测试", "-c", MINI)
    assert (code, out) == (1, b"")
    assert err.startswith("Error: No standard matches '测试'. Did you mean: ".encode())
    assert "测试赛事志愿服务".encode() in err


@LOCALES
def test_a_change_is_shown_and_written_as_utf_8(locale: dict[str, str], tmp_path: Path) -> None:
    """add takes a Chinese title from the command line, shows the change, writes it."""
    copy = tmp_path / "cat.toml"
    copy.write_bytes(Path(MINI).read_bytes())
    args = ("add", "--title-zh", "新增条目", "--domain", "food", "--source", "https://e.org/x")
    code, out, err = run_in(locale, *args, "-c", str(copy), "--dry-run")
    assert (code, err) == (0, b"Dry run: nothing was written.\n")
    assert "+ 新增条目".encode() in out
    code, _, _ = run_in(locale, *args, "-c", str(copy))
    assert code == 0
    assert 'title_zh = "新增条目"' in copy.read_text(encoding="utf-8")


def test_a_chinese_key_in_the_c_locale() -> None:
    """Under LC_ALL=C without UTF-8 mode Python gives argv as surrogate escapes; gbastd reads
    them as the UTF-8 they are, so a Chinese title finds its entry."""
    c_locale = {"PYTHONUTF8": "0", "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0"}
    result = run_in(c_locale, "show", "丝苗米", "-f", "csv", "-F", "gba_id")
    assert result == (0, b"gba_id\nWQ 1-8\n", b"")


def test_chinese_file_names_in_the_c_locale(tmp_path: Path) -> None:
    """File names keep the bytes they were given, so a catalogue and an output file with
    Chinese names are still found and written there."""
    c_locale = {"PYTHONUTF8": "0", "LC_ALL": "C", "PYTHONCOERCECLOCALE": "0"}
    folder = tmp_path / "目录"
    folder.mkdir()
    source = folder / "数据.toml"
    source.write_bytes(Path(MINI).read_bytes())
    listed = run_in(c_locale, "list", "-c", str(source), "-f", "csv")
    assert listed == (0, (GOLDEN / "mini.csv").read_bytes(), b"")
    code, _, err = run_in(c_locale, "export", "-c", str(source), "-o", str(folder / "新.csv"))
    assert (code, err) == (0, f"Wrote 4 standards to {folder / '新.csv'}.\n".encode())
    assert (folder / "新.csv").read_bytes() == (GOLDEN / "mini.csv").read_bytes()
    assert run_in(c_locale, "validate", str(source))[:2] == (
        0,
        f"{source}: valid catalogue, 4 standards in 3 domains.\n".encode(),
    )

"""Finding and reading catalogue files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gbastd import catalogue
from gbastd.errors import CatalogueInvalid, CatalogueNotFound

ROOT = Path(__file__).parents[1]


def test_explicit_path_wins_over_environment(
    monkeypatch: pytest.MonkeyPatch, mini_path: Path
) -> None:
    """--catalogue beats $GBASTD_CATALOGUE, which beats the embedded catalogue."""
    monkeypatch.setenv(catalogue.ENV_VAR, "/from/env.toml")
    assert catalogue.resolve(mini_path) == mini_path
    assert catalogue.resolve(None) == Path("/from/env.toml")
    monkeypatch.delenv(catalogue.ENV_VAR)
    assert catalogue.resolve(None) == catalogue.embedded_path()


def test_source_checkout_reads_the_live_repository_file() -> None:
    """In a checkout or editable install the embedded catalogue is data/standards.toml."""
    assert catalogue.embedded_path().resolve() == (ROOT / "data" / "standards.toml").resolve()


def test_missing_file_is_named(tmp_path: Path) -> None:
    """A missing catalogue is an error that names the file."""
    missing = tmp_path / "nope.toml"
    with pytest.raises(CatalogueNotFound, match=f"^{missing}: no such catalogue file$"):
        catalogue.load(missing)


def test_directory_is_not_a_catalogue(tmp_path: Path) -> None:
    """A directory is refused with a sentence, not an IsADirectoryError."""
    with pytest.raises(CatalogueNotFound, match="is a directory"):
        catalogue.load(tmp_path)


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    """A TOML syntax error is located by line and column."""
    bad = tmp_path / "bad.toml"
    bad.write_text('[catalogue]\nname = "x"\nas_of = 2026-01-14\nbroken = \n', encoding="utf-8")
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.load(bad)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (4, 10)
    assert caught.value.lines() == [f"{bad}:4:10: TOML syntax error: Invalid value"]


def test_utf16_and_gbk_files_are_refused_with_advice(tmp_path: Path) -> None:
    """Non-UTF-8 files are explained, never read as mojibake."""
    utf16 = tmp_path / "utf16.toml"
    utf16.write_text('[catalogue]\nname = "湾区"\n', encoding="utf-16")
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('[catalogue]\nname = "湾区"\n'.encode("gbk"))
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.load(utf16)
    assert caught.value.problems[0].message == "the file is UTF-16; save it as UTF-8"
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.load(gbk)
    assert "not UTF-8 text (byte 0xcd on line 2)" in caught.value.problems[0].message


def test_utf8_bom_is_accepted(tmp_path: Path, mini_path: Path) -> None:
    """A BOM, as Windows editors write, does not stop a catalogue from loading."""
    with_bom = tmp_path / "bom.toml"
    with_bom.write_bytes(b"\xef\xbb\xbf" + mini_path.read_bytes())
    assert catalogue.load(with_bom).standards == catalogue.load(mini_path).standards


def test_problems_carry_the_line_of_their_entry(tmp_path: Path, mini_path: Path) -> None:
    """A bad entry is located by the line of its [[standard]] header."""
    text = mini_path.read_text(encoding="utf-8").replace('title_zh = "测试养老食品"', "")
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.load(bad)
    header_line = text.splitlines().index('code = "T/TEST 3-2024"')  # line after the header
    assert caught.value.lines() == [
        f"{bad}:{header_line}: standard #3 (T/TEST 3-2024): title_zh: required field is missing"
    ]


def test_endless_input_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalogue that never ends (/dev/zero) is refused after the size limit."""
    monkeypatch.setattr(catalogue, "MAX_BYTES", 1 << 20)
    with pytest.raises(CatalogueNotFound, match=r"^/dev/zero: is larger than 1 MiB"):
        catalogue.load("/dev/zero")


@pytest.fixture(name="reader", params=["tomli", "tomllib"])
def _reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with the optional tomli, and again with only the standard tomllib."""
    if request.param == "tomllib":
        monkeypatch.setitem(sys.modules, "tomli", None)  # makes `import tomli` fail
    else:
        pytest.importorskip("tomli", reason="tomli (gbastd[fast]) is not installed")
    return str(request.param)


def test_both_toml_readers_locate_syntax_errors_alike(reader: str) -> None:
    """With or without tomli, a syntax error is reported the same way."""
    assert catalogue._toml_reader().__name__ == reader
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.parse(b'[catalogue]\nname = "x"\nbroken = \n', "bad.toml")
    assert caught.value.lines() == ["bad.toml:3:10: TOML syntax error: Invalid value"]


def test_both_toml_readers_load_the_same_catalogue(
    monkeypatch: pytest.MonkeyPatch, mini_path: Path
) -> None:
    """tomli and tomllib give the same records for the same file."""
    pytest.importorskip("tomli", reason="tomli (gbastd[fast]) is not installed")
    data = mini_path.read_bytes()
    with_tomli = catalogue.parse(data, "m")
    monkeypatch.setitem(sys.modules, "tomli", None)
    assert catalogue._toml_reader().__name__ == "tomllib"
    assert catalogue.parse(data, "m") == with_tomli

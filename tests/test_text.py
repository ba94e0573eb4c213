"""Identifier normalisation, lookup keys, search folding and escaping."""

from __future__ import annotations

import re
import sys
import textwrap
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from gbastd import text
from gbastd.cli import app
from gbastd.layout import display_width


@pytest.mark.parametrize(
    "raw",
    ["WQ 1-8", "WQ1-8", "wq 1-8", "wq1-8", " WQ 1 - 8 ", "ＷＱ１－８", "WQ 1–8", "WQ 01-008"],
)
def test_gba_id_spellings_share_one_canonical_form(raw: str) -> None:
    """Every way the lists print an identifier normalises to WQ 1-8."""
    assert text.normalise_gba_id(raw) == "WQ 1-8"


@pytest.mark.parametrize("raw", ["", "WQ", "WQ 1", "XQ 1-8", "WQ 1-8a", "T/GBAS 6-2022"])
def test_non_identifiers_are_rejected(raw: str) -> None:
    """Text that is not a GBA identifier has no canonical form."""
    assert text.normalise_gba_id(raw) is None


def test_key_folds_width_case_spaces_and_script() -> None:
    """Lookup keys ignore width, case, spaces, dash style and Traditional forms."""
    assert text.key("ＴＧＢＡＳ　６－２０２２") == text.key("tgbas 6-2022")
    assert text.key("T/GBAS 6–2022") == text.key("t/gbas6-2022")
    assert text.key("廣式月餅") == text.key("广式月饼")


def test_fold_maps_traditional_and_hong_kong_forms_to_simplified() -> None:
    """Traditional, Hong Kong and Simplified spellings fold together for searching."""
    assert text.fold("養老") == "养老"
    assert text.fold("龍舟") == "龙舟"
    assert text.fold("Dragon  BOAT") == "dragon boat"


def test_escape_controls_makes_escape_sequences_visible() -> None:
    """Escape, bell, C1 and bidi override characters are shown, not obeyed."""
    hostile = "a\x1b]0;pwned\x07b\x9bc\u202ed"
    assert text.escape_controls(hostile) == "a\\x1b]0;pwned\\x07b\\x9bc\\u202ed"
    assert text.escape_controls("龙舟 ok") == "龙舟 ok"


# What key and fold were before dashes and Han forms were folded in one pass after casefold.
def _key_in_three_passes(value: str) -> str:
    folded = unicodedata.normalize("NFKC", text.visible(value)).translate(text._DASHES).casefold()
    return "".join(text.fold_han(folded).split())


def _fold_in_three_passes(value: str) -> str:
    folded = unicodedata.normalize("NFKC", text.visible(value)).translate(text._DASHES).casefold()
    return re.sub(r"\s+", " ", text.fold_han(folded)).strip()


# Cased letters (ß, Σ, ﬀ), full-width and compatibility forms, every dash, invisible characters,
# spaces, and Han characters of the table with their Simplified forms.
_HAN_SAMPLE = "".join(f"{chr(k)}{chr(v)}" for k, v in sorted(text._han_table().items())[:300])
FOLDED_ALPHABET = "aZß ẞΣσς\tＡｚ－﹣‐‑‒–—―−-()（）：:龍龙舟灣湾區区\u200b\u00adﬀ㈠①Ⅻ" + _HAN_SAMPLE


@given(st.text(alphabet=FOLDED_ALPHABET, max_size=30))
def test_one_pass_folds_as_three_did(value: str) -> None:
    """key and fold translate dashes and Han forms in one pass after casefold: the same keys and
    folded text as translating dashes before casefold and Han forms after it."""
    assert text.key(value) == _key_in_three_passes(value)
    assert text.fold(value) == _fold_in_three_passes(value)


def test_casefold_changes_no_character_the_one_pass_translates() -> None:
    """Why the order does not matter: casefold leaves every character the table maps, and every
    character it maps to, alone, and makes none of them from another character."""
    table = text._fold_table()
    made_to = {chr(value) if isinstance(value, int) else value for value in table.values()}
    involved = {chr(point) for point in table} | made_to
    for char in involved:
        assert char.casefold() == char, f"U+{ord(char):04X}"
    for point in range(sys.maxunicode + 1):
        made = chr(point).casefold()
        assert made == chr(point) or not set(made) & involved, f"U+{point:04X}"


def test_every_escaped_character_is_one_isprintable_refuses() -> None:
    """escape_controls skips its pattern for a text that isprintable() accepts: sound only if
    no character the pattern escapes is printable. Each is escaped inside a text."""
    escaped = re.compile(text._CONTROL)
    every = [chr(point) for point in range(sys.maxunicode + 1) if escaped.fullmatch(chr(point))]
    assert len(every) == 32 + 33 + 2 + 5 + 4
    for char in every:
        assert not char.isprintable(), f"U+{ord(char):04X}"
        shown = f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
        assert text.escape_controls(f"龙舟{char}ok") == f"龙舟{shown}ok"


def test_natural_key_orders_numbers_by_value() -> None:
    """WQ 1-9 sorts before WQ 1-10, and T/GBAS 6 before T/GBAS 10."""
    ids = ["WQ 1-10", "WQ 1-9", "WQ 2-1", "WQ 1-229"]
    assert sorted(ids, key=text.natural_key) == ["WQ 1-9", "WQ 1-10", "WQ 1-229", "WQ 2-1"]


INVISIBLES = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\U000e0041"]


def test_the_invisible_characters_are_unicodes_format_characters() -> None:
    """INVISIBLE holds every character of category Cf in this Python's Unicode database, and
    nothing else but characters that database does not know yet (later Unicode versions)."""
    listed = re.compile(f"[{text.INVISIBLE}]")
    every = [chr(point) for point in range(sys.maxunicode + 1)]
    assert [c for c in every if unicodedata.category(c) == "Cf" and not listed.match(c)] == []
    assert {unicodedata.category(c) for c in every if listed.match(c)} <= {"Cf", "Cn"}


def test_no_invisible_character_is_printable() -> None:
    """visible() returns a text isprintable() accepts as it is: sound only because not one
    invisible character is printable (Cf and unassigned characters never are)."""
    listed = re.compile(f"[{text.INVISIBLE}]")
    invisible = [chr(p) for p in range(sys.maxunicode + 1) if listed.match(chr(p))]
    assert len(invisible) > 150
    assert [f"U+{ord(c):04X}" for c in invisible if c.isprintable()] == []
    assert all(text.visible(f"丝{c}苗") == "丝苗" for c in invisible)


@pytest.mark.parametrize("invisible", INVISIBLES, ids=lambda c: f"U+{ord(c):04X}")
def test_keys_and_folding_see_through_invisible_characters(invisible: str) -> None:
    """A title with an invisible character inside has the key and the folded form of the
    title without it; so do codes (their ASCII fast path has none to drop)."""
    assert text.key(f"丝{invisible}苗米") == text.key("丝苗米")
    assert text.key(f"T/GBAS{invisible} 6-2022") == text.key("T/GBAS 6-2022")
    assert text.fold(f"Dragon{invisible} Boat 龍{invisible}舟") == text.fold("Dragon Boat 龍舟")
    assert text.first_invisible(f"丝苗{invisible}米{invisible}") == invisible


def test_an_invisible_character_does_not_stop_an_accent_composing() -> None:
    """Dropped before NFKC: e, a zero-width joiner and a combining acute key like é."""
    assert text.key("cafe\u200d\u0301") == text.key("café")


def test_text_without_invisible_characters_has_none_to_report() -> None:
    assert text.first_invisible("丝苗米 T/GBAS 6-2022") is None
    assert text.first_invisible("plain ascii") is None


def test_search_and_show_find_a_title_typed_with_an_invisible_character(
    runner: CliRunner, mini_path: Path
) -> None:
    """A query pasted with a zero-width space in it finds the title as it reads."""
    found = runner.invoke(app, ["search", "测试\u200b龙舟", "-c", str(mini_path), "-f", "csv"])
    assert found.exit_code == 0, found.output
    assert "测试龙舟数据规范" in found.stdout
    shown = runner.invoke(app, ["show", "测试\u200b米", "-c", str(mini_path)])
    assert shown.exit_code == 0, shown.output
    assert "WQ 1-9" in shown.stdout


# ------------------------------------------------------------------ lines of Chinese, folded

_SENTENCE = "领域标签（见 `gbastd domains`）；可重复或以逗号分隔：匹配任一即可，默认 $GBASTD_LANG。"


@pytest.mark.parametrize("width", [16, 20, 30, 41, 60])  # the longest word: 14 cells
def test_fill_cells_folds_chinese_by_display_width(width: int) -> None:
    """Lines of at most ``width`` cells; ASCII words, $GBASTD_LANG and zh-Hant whole; no line
    starts with closing punctuation nor ends with opening punctuation; nothing lost."""
    given = _SENTENCE + " zh-Hant 或 YYYY-MM-DD。"
    lines = text.fill_cells(given, width).split("\n")
    assert all(display_width(line) <= width for line in lines), lines
    assert not any(line[:1] in "，。、；：）」" for line in lines), lines
    assert not any(line[-1:] in "（「" for line in lines), lines
    shown = "\n".join(lines)
    for word in ("`gbastd", "domains`", "$GBASTD_LANG", "zh-Hant", "YYYY-MM-DD"):
        assert word in shown, (word, lines)
    assert "".join(shown.split()) == "".join(given.split())


def test_wrapping_marks_leave_no_trace() -> None:
    """ASCII text passes untouched; Chinese comes back as it went in once wrapped."""
    assert text.for_wrapping("plain - text") == "plain - text"
    assert text.as_wrapped(text.for_wrapping(_SENTENCE)) == _SENTENCE
    assert text.as_wrapped(text.for_wrapping("标准 A-1 标准")) == "标准 A-1 标准"


def test_a_chinese_word_in_english_text_breaks_only_at_spaces() -> None:
    """Without breaks between characters (English help), 湾区标准 stays one word."""
    sentence = "A catalogue of the Greater Bay Area standards (湾区标准) and the list's headers"
    for width in (20, 45, 50, 60):
        prepared = text.for_wrapping(sentence, between_characters=False)
        lines = text.as_wrapped(textwrap.fill(prepared, width=width)).split("\n")
        assert any("(湾区标准)" in line for line in lines), lines
        assert all(display_width(line) <= width for line in lines), lines

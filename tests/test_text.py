"""Identifier normalisation, lookup keys, search folding and escaping."""

from __future__ import annotations

import pytest

from gbastd import text


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


def test_natural_key_orders_numbers_by_value() -> None:
    """WQ 1-9 sorts before WQ 1-10, and T/GBAS 6 before T/GBAS 10."""
    ids = ["WQ 1-10", "WQ 1-9", "WQ 2-1", "WQ 1-229"]
    assert sorted(ids, key=text.natural_key) == ["WQ 1-9", "WQ 1-10", "WQ 1-229", "WQ 2-1"]

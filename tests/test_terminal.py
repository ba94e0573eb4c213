"""What a person sees on a terminal of any width: nothing dropped, nothing cut, nothing obeyed."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from rich.errors import MarkupError

from gbastd import query, render
from gbastd.fields import FIELDS, TABLE_COLUMNS
from gbastd.records import Catalogue

from .conftest import DATA, edited_mini, run_gbastd
from .test_streams import run_in_terminal

TODAY = "2026-11-27"
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def draw(renderable: object, width: int) -> str:
    screen = io.StringIO()
    Console(file=screen, width=width, color_system=None, force_terminal=True).print(renderable)
    return screen.getvalue()


def unfolded(screen: str) -> str:
    """The text with every line break and padding removed: what folding must keep whole."""
    return re.sub(r"\s+", "", screen)


def shown(value: str, screen: str) -> bool:
    """Whether every character of ``value`` is on the screen, in order (a folded cell's
    lines interleave with the cells beside it, but keep their order)."""
    rest = iter(unfolded(screen))
    return all(char in rest for char in unfolded(value))


@pytest.mark.parametrize("width", [120, 100, 80, 60, 40, 30, 5])
def test_list_drops_and_cuts_nothing_at_any_width(mini: Catalogue, width: int) -> None:
    """Every id, code, title and date of every entry is on the screen; from 30 columns up,
    ids, codes and dates stand whole on one line (text may fold, never vanish)."""
    rows = query.rows(mini.standards, TABLE_COLUMNS, today=TODAY)
    screen = draw(render.table(TABLE_COLUMNS, rows), width)
    lines = screen.splitlines()
    assert all(len(line.rstrip()) <= width for line in lines)
    values = [v for s in mini.standards for v in (s.gba_id, s.code, s.title_zh, s.listed) if v]
    for value in values:
        assert shown(value, screen), (width, value)
    if width >= 30:  # each whole value once per entry that has it, on one line
        wholes = [v for s in mini.standards for v in (s.gba_id, s.code, s.listed) if v]
        for whole in set(wholes):
            shown_whole = sum(line.count(whole) for line in lines)
            assert shown_whole == wholes.count(whole), (width, whole)


def test_a_wide_terminal_gets_a_table_and_a_narrow_one_blocks(mini: Catalogue) -> None:
    """The table where it fits; one `field: value` block per entry where it does not."""
    rows = query.rows(mini.standards, TABLE_COLUMNS, today=TODAY)
    wide = draw(render.table(TABLE_COLUMNS, rows), 100)
    narrow = draw(render.table(TABLE_COLUMNS, rows), 40)
    assert "gba_id: " not in wide and wide.count("WQ 1-10") == 1
    assert narrow.count("gba_id: ") == len(rows)
    assert "gba_id: WQ 1-10\ncode: T/TEST 10-2022\n" in narrow


@pytest.mark.parametrize("width", [100, 20, 8])
def test_show_keeps_every_field_at_any_width(mini: Catalogue, width: int) -> None:
    """Every field name and value of a record is on the screen, however narrow."""
    (row,) = query.rows([mini.standards[1]], FIELDS, today=TODAY)
    screen = draw(render.record(zip(FIELDS, row, strict=True), title="WQ 1-10"), width)
    for name in FIELDS:  # the name itself, whole (folded lines rejoined), not its letters
        assert unfolded(name) in unfolded(screen), (width, name)
    assert unfolded("测试龙舟数据规范") in unfolded(screen)


HOSTILE_TITLE = "[link=https://evil.example]点我[/link]\x1b]0;pwned\x07\u202e"


def test_data_is_text_never_markup_or_control(mini: Catalogue) -> None:
    """A title made of rich markup, an OSC escape and a bidi override is shown as written,
    escaped; a code '[/x]' does not crash the heading."""
    hostile = mini.standards[0]._replace(title_zh=HOSTILE_TITLE, code="[/x]")
    rows = query.rows([hostile], TABLE_COLUMNS, today=TODAY)
    for renderable in (
        render.table(TABLE_COLUMNS, rows),
        render.record(zip(FIELDS, hostile, strict=True), title="[/x]" + HOSTILE_TITLE),
    ):
        for width in (100, 20):
            try:
                screen = draw(renderable, width)
            except MarkupError as error:  # pragma: no cover - the failure this guards against
                pytest.fail(f"data was read as markup: {error}")
            assert "\x1b" not in screen and "\x07" not in screen and "\u202e" not in screen
            assert shown("[link=https://evil.example]点我[/link]", screen)
            assert shown("\\x1b]0;pwned\\x07\\u202e", screen)


@pytest.mark.parametrize("columns", ["60", "40", "30", "5", "0"])
def test_list_on_a_real_narrow_terminal(columns: str) -> None:
    """Through a pseudo-terminal at COLUMNS=60/40/30/5/0: ids and titles all there."""
    code, screen = run_in_terminal(
        "list", "-c", str(DATA / "mini.toml"), env={"COLUMNS": columns, "NO_COLOR": "1"}
    )
    plain = _ESCAPES.sub("", screen)
    assert code == 0
    for value in ("WQ 1-9", "WQ 1-10", "测试米", "测试龙舟数据规范", "测试赛事志愿服务"):
        assert shown(value, plain), (columns, value)


def test_hostile_heading_through_show_on_a_terminal(tmp_path: Path) -> None:
    """show on a real terminal: the heading (the entry's label) is text, not markup."""
    catalogue = edited_mini(tmp_path / "cat.toml", ('"T/TEST 3-2024"', '"[/x]"'))
    code, screen = run_in_terminal("show", "[/x]", "-c", str(catalogue), env={"NO_COLOR": "1"})
    assert code == 0, screen
    assert "[/x]" in screen and "MarkupError" not in screen


def test_a_search_that_finds_nothing_says_what_is_close() -> None:
    """On a terminal, an empty search names the entries and domains close to the query; in a
    pipe it stays an empty result."""
    code, screen = run_in_terminal(
        "search", "测试米饭", "-c", str(DATA / "mini.toml"), env={"NO_COLOR": "1"}
    )
    plain = _ESCAPES.sub("", screen)
    assert code == 0
    assert "No standards match '测试米饭'. Close: WQ 1-9" in plain
    code, screen = run_in_terminal("search", "sprots", "-c", str(DATA / "mini.toml"))
    assert "Close: sports." in _ESCAPES.sub("", screen)
    piped = run_gbastd("search", "sprots", "-c", str(DATA / "mini.toml"), "-f", "csv")
    assert (piped.returncode, piped.stderr) == (0, b"")
    assert piped.stdout.count(b"\n") == 1  # the header alone


def test_a_terminal_is_told_how_much_of_the_official_list_it_sees(tmp_path: Path) -> None:
    """list, search and export end, on a terminal, with the share of the catalogue shown and
    the official list's size; a pipe gets the data alone."""
    mini = str(DATA / "mini.toml")
    coverage = (
        "2 of 4 catalogued standards; the official list has 10 (2026-01-14): see gbastd stats."
    )
    for args in (["list", "-d", "food"], ["search", "测试", "-d", "food"]):
        code, screen = run_in_terminal(*args, "-c", mini, env={"NO_COLOR": "1", "COLUMNS": "200"})
        assert code == 0 and coverage in _ESCAPES.sub("", screen), args
    out = tmp_path / "food.csv"
    code, screen = run_in_terminal(
        "export", "-d", "food", "-c", mini, "-o", str(out), env={"COLUMNS": "200"}
    )
    assert code == 0 and coverage in _ESCAPES.sub("", screen)
    piped = run_gbastd("list", "-d", "food", "-c", mini)
    assert piped.returncode == 0 and piped.stderr == b""

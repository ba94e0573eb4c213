"""Terminal rendering, exactly: the tables a person sees, pinned in golden files."""

from __future__ import annotations

import io

from rich.console import Console

from gbastd import query, render
from gbastd.fields import FIELDS, TABLE_COLUMNS
from gbastd.records import Catalogue

from .conftest import GoldenCheck

TODAY = "2026-11-27"


def draw(*renderables: object) -> bytes:
    """What a 100-column, colourless terminal shows."""
    screen = io.StringIO()
    Console(file=screen, width=100, color_system=None, force_terminal=True, highlight=False).print(
        *renderables
    )
    return screen.getvalue().encode("utf-8")


def test_list_table(mini: Catalogue, golden: GoldenCheck) -> None:
    """list on a terminal: aligned columns, Chinese by display width, unknown as a dash."""
    rows = query.rows(mini.standards, TABLE_COLUMNS, today=TODAY)
    golden("mini-table.txt", draw(render.table(TABLE_COLUMNS, rows)))


def test_show_record(mini: Catalogue, golden: GoldenCheck) -> None:
    """show on a terminal: every field, unknown values spelled out, lists one per line."""
    (row,) = query.rows([mini.standards[1]], FIELDS, today=TODAY)
    golden("mini-show.txt", draw(render.record(zip(FIELDS, row, strict=True), title="WQ 1-10")))

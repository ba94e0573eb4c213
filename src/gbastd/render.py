"""Rich renderables for a terminal: tables that align Chinese by display width and fold long
text instead of cutting it. Nothing here prints; ``cli.py`` does, and only on a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from gbastd.formats import cell
from gbastd.text import escape_controls

_UNKNOWN = Text("—", style="dim")
# Columns that hold short identifiers: kept on one line; everything else folds.
_NO_WRAP = frozenset({"gba_id", "code", "batch", "listed", "issued", "effective", "status", "tag"})


def _text(value: Any) -> Text:
    """Cell text with control characters escaped and no markup interpreted."""
    if value is None or value == ():
        return _UNKNOWN
    return Text(escape_controls(cell(value)))


def table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None
) -> Table:
    """Return a table of rows; absent values show as a dim dash."""
    grid = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", header_style="bold")
    for name in columns:
        grid.add_column(name, no_wrap=name in _NO_WRAP, overflow="fold")
    for row in rows:
        grid.add_row(*(_text(value) for value in row))
    return grid


def record(pairs: Iterable[tuple[str, Any]], *, title: str | None = None) -> Table:
    """Return one record as a two-column field/value table; unknown values say so."""
    grid = Table(box=box.SIMPLE, show_header=False, title=title, title_justify="left")
    grid.add_column("field", style="bold", no_wrap=True)
    grid.add_column("value", overflow="fold")
    for name, value in pairs:
        shown = Text("unknown", style="dim") if value is None or value == () else _text(value)
        grid.add_row(name, shown)
    return grid

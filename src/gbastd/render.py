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

_STATUS_STYLES = {"current": "green", "upcoming": "yellow", "withdrawn": "red"}
# Short values kept on one line; everything else folds onto more lines as the terminal narrows.
_NO_WRAP = frozenset({"batch", "listed", "issued", "effective", "status", "tag", "count"})
# Narrower than this, a column could not show one Chinese character (two cells) and rich
# would drop them: titles get room for at least four.
_MIN_WIDTH = 4
_MIN_TEXT_WIDTH = 8
_TEXT = frozenset({"title_zh", "title_zh_hant", "title_en", "publisher", "group", "notes"})
_MIN_WIDTHS = {"status": len("withdrawn"), "listed": 10, "issued": 10, "effective": 10}


def _text(value: Any, *, separator: str | None = None) -> Text:
    """Cell text with control characters escaped and no markup interpreted."""
    if value is None or value == ():
        return Text("—", style="dim")
    if separator is not None and isinstance(value, tuple):
        return Text(separator.join(escape_controls(item) for item in value))
    return Text(escape_controls(cell(value)))


def table(
    columns: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None
) -> Table:
    """Return a table of rows; absent values show as a dim dash."""
    grid = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", header_style="bold")
    for name in columns:
        grid.add_column(
            name,
            no_wrap=name in _NO_WRAP,
            overflow="fold",
            min_width=_MIN_WIDTHS.get(name, _MIN_TEXT_WIDTH if name in _TEXT else _MIN_WIDTH),
        )
    status_column = columns.index("status") if "status" in columns else None
    for row in rows:
        cells = [_text(value) for value in row]
        if status_column is not None:
            cells[status_column].stylize(_STATUS_STYLES.get(row[status_column], ""))
        grid.add_row(*cells)
    return grid


def record(pairs: Iterable[tuple[str, Any]], *, title: str | None = None) -> Table:
    """Return one record as a two-column field/value table; unknown values say so."""
    grid = Table(box=box.SIMPLE, show_header=False, title=title, title_justify="left")
    grid.add_column("field", style="bold", no_wrap=True)
    grid.add_column("value", overflow="fold", min_width=_MIN_TEXT_WIDTH)
    for name, value in pairs:
        unknown = value is None or value == ()
        shown = Text("unknown", style="dim") if unknown else _text(value, separator="\n")
        grid.add_row(name, shown)
    return grid

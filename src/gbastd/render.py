"""Rich renderables for a terminal: tables that align Chinese by display width and fold long
text instead of cutting it. Nothing here prints; ``cli.py`` does, and only on a terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich import box
from rich.table import Table
from rich.text import Text

from gbastd.fields import ENTRY_FIELDS, Kind
from gbastd.formats import cell
from gbastd.records import Status
from gbastd.text import escape_controls

_STATUS_STYLES = {"current": "green", "upcoming": "yellow", "withdrawn": "red"}
# Narrower than this, a column could not show one Chinese character (two cells) and rich
# would drop them: text gets room for at least four.
_MIN_WIDTH = 4
_MIN_TEXT_WIDTH = 8
# Short values of a fixed shape stay on one line, as wide as they are; everything else folds
# onto more lines as the terminal narrows. The columns of domains and stats tables too.
_FIXED_WIDTHS = {
    Kind.DATE: len("2023-04-24"),
    Kind.INTEGER: _MIN_WIDTH,
    Kind.STATUS: max(map(len, Status)),
}
_NO_WRAP = frozenset({"tag", "count", *(f.name for f in ENTRY_FIELDS if f.kind in _FIXED_WIDTHS)})
_MIN_WIDTHS = {
    field.name: _FIXED_WIDTHS.get(field.kind, _MIN_TEXT_WIDTH if field.kind is Kind.TEXT else 0)
    for field in ENTRY_FIELDS
}


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
            min_width=max(_MIN_WIDTHS.get(name, 0), _MIN_WIDTH),
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

"""Rich renderables for a terminal: tables that align Chinese by display width and fold long
text instead of cutting it. Nothing here prints; ``cli.py`` does, and only on a terminal.

Every value is given to rich as ``Text`` with control characters escaped, never as markup, so
a title such as ``[link=…]…[/link]`` is shown as written. A table measures itself when it is
drawn: when the terminal is too narrow for its columns, it becomes one block per entry
(``field: value`` lines), so that no id, title or date is dropped or cut.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
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
# Values of these kinds are never broken inside (an id, a code, a date, a status, a number):
# their column is as wide as its widest value, or the table gives way to blocks.
_WHOLE = frozenset({Kind.ID, Kind.CODE, Kind.DATE, Kind.STATUS, Kind.INTEGER})
_NO_WRAP = frozenset({"tag", "count", *(f.name for f in ENTRY_FIELDS if f.kind in _WHOLE)})
_MIN_WIDTHS = {
    "status": max(map(len, Status)),
    **{f.name: _MIN_TEXT_WIDTH for f in ENTRY_FIELDS if f.kind is Kind.TEXT},
}
# A column's padding and separator in the SIMPLE_HEAD box: one cell either side.
_PADDING = 2


def _text(value: Any, *, separator: str | None = None) -> Text:
    """Cell text with control characters escaped and no markup interpreted."""
    if value is None or value == ():
        return Text("—", style="dim")
    if separator is not None and isinstance(value, tuple):
        return Text(separator.join(escape_controls(item) for item in value))
    return Text(escape_controls(cell(value)))


class Fitted:
    """A table of rows that becomes one block per row where the terminal is too narrow."""

    def __init__(self, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        self.columns = tuple(columns)
        self.rows = [tuple(row) for row in rows]
        self.min_widths = [self._min_width(index, name) for index, name in enumerate(columns)]

    def _min_width(self, index: int, name: str) -> int:
        """A whole value's column is as wide as its widest value; text keeps some room."""
        least = _MIN_WIDTHS.get(name, _MIN_WIDTH)
        if name not in _NO_WRAP:
            return least
        return max([least, *(cell_len(_text(row[index]).plain) for row in self.rows)])

    def needed_width(self) -> int:
        """The narrowest terminal on which no whole value breaks and text keeps its room."""
        return _PADDING + sum(width + _PADDING for width in self.min_widths)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if self.needed_width() <= options.max_width:
            yield self._table()
        else:
            yield from _blocks(self.columns, self.rows)

    def _table(self) -> Table:
        grid = Table(box=box.SIMPLE_HEAD, header_style="bold")
        for name, width in zip(self.columns, self.min_widths, strict=True):
            grid.add_column(name, no_wrap=name in _NO_WRAP, overflow="fold", min_width=width)
        status = self.columns.index("status") if "status" in self.columns else None
        for row in self.rows:
            cells = [_text(value) for value in row]
            if status is not None:
                cells[status].stylize(_STATUS_STYLES.get(row[status], ""))
            grid.add_row(*cells)
        return grid


def table(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Fitted:
    """Return rows as a table (absent values as a dim dash) that fits the terminal."""
    return Fitted(columns, list(rows))


def _blocks(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[Text]:
    """One block of ``field: value`` lines per row, blocks apart; text folds as it must."""
    for number, row in enumerate(rows):
        if number:
            yield Text("")
        for name, value in zip(columns, row, strict=True):
            line = Text(f"{name}: ", style="bold")
            line.append_text(_text(value))
            line.overflow = "fold"
            yield line


class Record:
    """One record as a two-column field/value table; unknown values say so. Where the
    terminal is too narrow for the field names and some text, ``field: value`` lines."""

    def __init__(self, pairs: Iterable[tuple[str, Any]], title: str | None) -> None:
        self.pairs = list(pairs)
        self.title = title

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        heading = Text(escape_controls(self.title), style="bold") if self.title else None
        widest_name = max((cell_len(name) for name, _ in self.pairs), default=0)
        if widest_name + _MIN_TEXT_WIDTH + 3 * _PADDING > options.max_width:
            if heading is not None:
                yield heading
            yield from _blocks([n for n, _ in self.pairs], [[_shown(v) for _, v in self.pairs]])
            return
        grid = Table(box=box.SIMPLE, show_header=False, title=heading, title_justify="left")
        grid.add_column("field", style="bold", no_wrap=True)
        grid.add_column("value", overflow="fold", min_width=_MIN_TEXT_WIDTH)
        for name, value in self.pairs:
            grid.add_row(name, _text(_shown(value), separator="\n"))
        yield grid


def _shown(value: Any) -> Any:
    return "unknown" if value is None or value == () else value


def record(pairs: Iterable[tuple[str, Any]], *, title: str | None = None) -> Record:
    """Return one record (field, value pairs) for the terminal, headed by ``title``."""
    return Record(pairs, title)


_EIGHTHS = " ▏▎▍▌▋▊▉"


def _bar(length: float) -> str:
    """A horizontal bar ``length`` cells long, to an eighth of a cell."""
    whole, part = divmod(round(length * 8), 8)
    return "█" * whole + (_EIGHTHS[part] if part else "")


class BarChart:
    """Horizontal bars of counts under a heading, labels right-aligned by display width (a
    Chinese character takes two cells), bars scaled to the terminal's width; an unknown
    value's bar is dim."""

    def __init__(self, title: str, bars: Sequence[tuple[str, int, bool]]) -> None:
        self.title = title
        self.bars = [(escape_controls(label), count, unknown) for label, count, unknown in bars]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Text("")
        yield Text(self.title, style="bold")
        if not self.bars:
            yield Text("—", style="dim")
            return
        label_width = max(cell_len(label) for label, _, _ in self.bars)
        count_width = max(len(str(count)) for _, count, _ in self.bars)
        room = max(options.max_width - label_width - count_width - 2, 1)
        top = max(count for _, count, _ in self.bars) or 1
        for label, count, unknown in self.bars:
            line = Text(" " * (label_width - cell_len(label)))
            line.append(label, style="dim italic" if unknown else "")
            line.append(" ")
            line.append(_bar(room * count / top) or "▏", style="dim" if unknown else "cyan")
            line.append(f" {count}")
            line.no_wrap = True
            yield line

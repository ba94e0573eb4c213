"""Rich renderables for a terminal: tables that align Chinese by display width and fold long
text instead of cutting it. Nothing here prints; ``cli.py`` does, and only on a terminal.

Every value is given to rich as ``Text`` with control characters escaped, never as markup, so
a title such as ``[link=…]…[/link]`` is shown as written. A table measures itself when it is
drawn: when the terminal is too narrow for its columns, it becomes one block per entry
(``field: value`` lines), so that no id, title or date is dropped or cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from gbastd import i18n
from gbastd.fields import BY_NAME, ENTRY_FIELDS, Kind
from gbastd.formats import cell
from gbastd.i18n import N_, _
from gbastd.records import Domain, Status
from gbastd.text import escape_controls

_STATUS_STYLES = {"current": "green", "upcoming": "yellow", "withdrawn": "red"}
# A text column keeps room for four Chinese characters (or its header, if wider) before the
# table gives way to blocks: narrower, a title would stand a character or two a line.
_MIN_TEXT_WIDTH = 8
# Values of these kinds are never broken inside (an id, a code, a date, a status, a number):
# their column is as wide as its widest value, or the table gives way to blocks.
_WHOLE = frozenset({Kind.ID, Kind.CODE, Kind.DATE, Kind.STATUS, Kind.INTEGER})
_NO_WRAP = frozenset({"tag", "count", *(f.name for f in ENTRY_FIELDS if f.kind in _WHOLE)})
# Lists whose items are never broken inside, though the list may wrap between them.
_ITEMS = frozenset(f.name for f in ENTRY_FIELDS if f.kind is Kind.TAGS)
_ITEM_SEPARATOR = ", "
# A label may fold down to its column's width, but never to fewer cells than this.
_HEADER_FOLD = 4
# Between two columns: the cell's right padding and the box's blank divider.
_GAP = 2


# ------------------------------------------------------------------ words in the run's language
#
# A terminal speaks the run's language: headers are the field table's labels, a status and a
# domain are named in words. Pipes and files keep schema keys and stored values (formats.py).

_WORDS = {
    "tag": N_("Tag"),
    "zh": N_("Simplified Chinese"),
    "zh_hant": N_("Traditional Chinese"),
    "en": N_("English"),
    "count": N_("Entries"),
    "entries": N_("Entries"),
    "domain": N_("Domain"),
    "year": N_("Year listed"),
    "field": N_("Field"),
    "value": N_("Value"),
}
"""Headers of columns that are not fields (of domains and stats)."""
_STATUS_WORDS = {
    Status.CURRENT: N_("current"),
    Status.UPCOMING: N_("upcoming"),
    Status.WITHDRAWN: N_("withdrawn"),
    "unknown": N_("unknown"),
}


def header(name: str) -> str:
    """The header of a column in the run's language: a field's label, else a word of ours."""
    field = BY_NAME.get(name)
    if field is not None:
        return i18n.pick(*field.headings)
    return _(_WORDS.get(name, name))


def label(name: str) -> str:
    """A field's label in the run's language, as ``show`` names it."""
    return i18n.pick(*BY_NAME[name].labels)


def in_words(domains: Mapping[str, Domain]) -> Callable[[str, Any], Any]:
    """How a terminal shows a value in the run's language: a status in words, domains by
    their labels in Chinese (by tag in English, as ``--domain`` takes them)."""

    def shown(name: str, value: Any) -> Any:
        if name == "status" and isinstance(value, str):
            return _(_STATUS_WORDS.get(value, value))
        if i18n.current() == i18n.ENGLISH:
            return value
        if name == "domains" and isinstance(value, tuple):
            return tuple(_domain_label(domains.get(tag), tag) for tag in value)
        if name == "domain" and isinstance(value, str):  # a count by domain
            return _domain_label(domains.get(value), value)
        return value

    return shown


def _domain_label(domain: Domain | None, tag: str) -> str:
    return tag if domain is None else i18n.pick(domain.zh, domain.zh_hant, domain.en)


def _as_stored(name: str, value: Any) -> Any:
    return value


def _text(value: Any, *, separator: str | None = None) -> Text:
    """Cell text with control characters escaped and no markup interpreted."""
    if value is None or value == ():
        return Text("—", style="dim")
    if separator is not None and isinstance(value, tuple):
        return Text(separator.join(escape_controls(item) for item in value))
    return Text(escape_controls(cell(value)))


def _unknown(value: Any) -> bool:
    return value is None or value == ()


class _Column(NamedTuple):
    """What one column needs: its name, whether it may wrap, the width below which something
    would break that must not (a header, an id, a tag) and each row's width on one line."""

    name: str
    wraps: bool
    least: int
    lines: list[int]
    heading: int  # the header's width on one line
    word: int  # the width that keeps each word of the header whole

    @property
    def most(self) -> int:
        return max([self.least, self.heading, *self.lines])


def _least_heading(heading: str) -> int:
    """The narrowest a header may fold to: a word of letters whole, a Chinese character alone."""
    runs = [run for word in heading.split() for run in _RUNS.findall(word)]
    return max(map(cell_len, runs), default=0)


_RUNS = re.compile(r"[\x21-\x7e]+|.")  # a run of ASCII (a word, a key), else one character


def _column(name: str, heading: str, cells: Sequence[Text], values: Sequence[Any]) -> _Column:
    lines = [cell_len(text.plain) for text in cells]
    least = 0
    if name in _NO_WRAP:
        least = max([least, *lines])
    elif name in _ITEMS:  # each item whole, with the separator's comma that follows it
        items = [
            f"{item}{_ITEM_SEPARATOR.rstrip()}" if number < len(value) - 1 else item
            for value in values
            if isinstance(value, tuple)
            for number, item in enumerate(map(escape_controls, value))
        ]
        least = max([least, *map(cell_len, items)])
    else:
        least = max(least, min(_MIN_TEXT_WIDTH, max(lines, default=0)))
    word = _least_heading(heading)
    # A schema key is never broken; a label's words fold like text, to the column's own
    # width (or a few cells): the widths give them back first where there is room.
    folded = word if heading == name else min(word, max(least, _HEADER_FOLD))
    least = max(least, folded)
    return _Column(name, name not in _NO_WRAP, least, lines, cell_len(heading), word)


def _widths(columns: Sequence[_Column], room: int) -> list[int] | None:
    """Column widths that fit ``room`` cells (gaps not counted) with as many rows as can be on
    one line each; None where even the least widths do not fit."""
    widths = [column.most for column in columns]
    if sum(widths) <= room:
        return widths
    widths = [column.least for column in columns]
    spare = room - sum(widths)
    if spare < 0:
        return None
    for index, column in enumerate(columns):  # first, each header's words whole where they fit
        need = column.word - widths[index]
        if 0 < need <= spare:
            widths[index] += need
            spare -= need
    flexible = [index for index, column in enumerate(columns) if column.most > column.least]
    rows = range(len(columns[0].lines)) if columns else range(0)
    while spare:  # widen the column that puts most rows on one line for each cell it takes
        best: tuple[float, int, int] | None = None
        for index in flexible:
            others = [i for i in flexible if i != index]
            held = sorted(  # rows that only this column keeps from one line
                need
                for row in rows
                if (need := columns[index].lines[row]) > widths[index]
                and all(columns[i].lines[row] <= widths[i] for i in others)
            )
            for count, need in enumerate(held, start=1):
                cost = need - widths[index]
                if cost > spare:
                    break
                if count < len(held) and held[count] == need:
                    continue  # the gain of a width counts every row that needs it
                if best is None or count / cost > best[0]:
                    best = (count / cost, index, need)
        if best is None:
            break
        _, index, need = best
        spare -= need - widths[index]
        widths[index] = need
    while spare:  # what is left goes where text is still folded most
        lacking = [index for index in flexible if widths[index] < columns[index].most]
        if not lacking:
            break
        index = max(lacking, key=lambda i: columns[i].most - widths[i])
        widths[index] += 1
        spare -= 1
    return widths


class Fitted:
    """A table of rows that fits the terminal: ids, codes, tags, dates and headers whole, the
    room left given where it puts most rows on one line, text folded between characters where
    it must; one block per row where the terminal is too narrow for that."""

    def __init__(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        *,
        drop_unknown: bool,
        headers: Mapping[str, str],
        shown: Callable[[str, Any], Any],
    ) -> None:
        kept = [
            index
            for index in range(len(columns))
            if not drop_unknown or not rows or any(not _unknown(row[index]) for row in rows)
        ] or list(range(len(columns)))
        self.dropped = tuple(
            headers.get(name, name) for index, name in enumerate(columns) if index not in kept
        )
        self.columns = tuple(columns[index] for index in kept)
        self.headers = tuple(headers.get(name, name) for name in self.columns)
        self.rows = [tuple(row[index] for index in kept) for row in rows]
        self._words = words = [
            tuple(shown(name, value) for name, value in zip(self.columns, row, strict=True))
            for row in self.rows
        ]
        self._cells = [
            [
                _text(value, separator=_ITEM_SEPARATOR if name in _ITEMS else None)
                for name, value in zip(self.columns, row, strict=True)
            ]
            for row in words
        ]
        self._measured = [
            _column(
                name,
                heading,
                [cells[index] for cells in self._cells],
                [row[index] for row in words],
            )
            for index, (name, heading) in enumerate(zip(self.columns, self.headers, strict=True))
        ]

    def needed_width(self) -> int:
        """The narrowest terminal on which no whole value breaks and text keeps its room."""
        return sum(column.least for column in self._measured) + _GAP * (len(self.columns) - 1)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = options.max_width - _GAP * (len(self.columns) - 1)
        widths = _widths(self._measured, room)
        if widths is None:
            yield from _blocks(self.headers, self._words)
        else:
            yield self._table(widths)

    def _table(self, widths: Sequence[int]) -> Table:
        grid = Table(
            box=box.SIMPLE_HEAD,
            show_edge=False,
            pad_edge=False,
            padding=(0, 1, 0, 0),
            header_style="bold",
        )
        for column, heading, width in zip(self._measured, self.headers, widths, strict=True):
            title = Text(heading, no_wrap=False, overflow="fold")  # folds as _least_heading says
            grid.add_column(title, no_wrap=not column.wraps, overflow="fold", width=width)
        status = self.columns.index("status") if "status" in self.columns else None
        for row, cells in zip(self.rows, self._cells, strict=True):
            if status is not None:
                cells[status].stylize(_STATUS_STYLES.get(row[status], ""))
            grid.add_row(*cells)
        return grid


def table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    drop_unknown: bool = False,
    headers: Mapping[str, str] | None = None,
    shown: Callable[[str, Any], Any] = _as_stored,
) -> Fitted:
    """Return rows as a table (absent values as a dim dash) that fits the terminal, its
    columns headed by ``headers`` (else their names) and each value as ``shown`` says; with
    ``drop_unknown``, a column unknown in every row is left out (``Fitted.dropped`` names it)."""
    return Fitted(
        columns, list(rows), drop_unknown=drop_unknown, headers=headers or {}, shown=shown
    )


def _blocks(names: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[Text]:
    """One block of ``name: value`` lines per row, blocks apart; text folds as it must."""
    for number, row in enumerate(rows):
        if number:
            yield Text("")
        for name, value in zip(names, row, strict=True):
            line = Text(f"{name}: ", style="bold")
            line.append_text(_text(value))
            line.overflow = "fold"
            yield line


# A record's padding and separator in the SIMPLE box: one cell either side.
_PADDING = 2


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
    return _("unknown") if value is None or value == () else value


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

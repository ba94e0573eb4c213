"""Reading a published list's table as a person would: find the header, drop what is not a row.

An official list is one table, however it was printed: a PDF splits it over pages (the header
repeated on each, a tall row continued on the next), a clerk's workbook puts a title, notes
and blank rows above it, and a note follows it. This module takes the tables a reader found
(``Grid``: rows of cell text, from a PDF page, a DOCX table, a sheet or a CSV) and gives back
the one table they hold, under its header, with what it did counted (``Assembly``):

- the header is the first row that names the title column, by any of its names (the official
  标准名称, gbastd's keys and labels), folded for quoting, spacing, line breaks, width and
  Traditional characters; rows above it are not the table;
- a later row equal to the header (a header repeated on a new page) is dropped;
- in a printed table (PDF, DOCX) a row whose 序号 cell is empty at the top of a new page or
  table continues the row before, and is merged into it;
- a row whose 序号 cell holds text that is not a number, and nothing else, is a note or a
  heading (注：…), not an entry;
- in a printed table the lines of a cell are joined as the printed text means them
  (``join_lines``); nothing else is changed, invented or "fixed".
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import NamedTuple

from gbastd import text
from gbastd.errors import SheetError
from gbastd.fields import ENTRY_FIELDS, ROW_NUMBER_HEADER
from gbastd.i18n import _, ngettext

_QUOTES = str.maketrans(dict.fromkeys("\"'“”‘’「」『』《》〈〉", ""))


def fold_header(name: str) -> str:
    """Fold a column header for matching: width, case, quotes, spaces, Traditional forms."""
    folded = text.fold_han(unicodedata.normalize("NFKC", name)).translate(_QUOTES)
    return "".join(folded.split()).casefold()


def _columns() -> dict[str, str | None]:
    """Every header a column may have (folded) and the field it fills; None: 序号, ignored.

    From the field table: the official list's header and its variants, the schema key, and
    the labels in zh, zh-Hant and en (what ``--headers`` writes).
    """
    columns: dict[str, str | None] = {fold_header(ROW_NUMBER_HEADER): None}
    for field in ENTRY_FIELDS:
        names = [field.name, *field.labels, *field.aliases]
        if field.official:
            names.insert(0, field.official)
        for name in names:
            columns.setdefault(fold_header(name), field.name)
    return columns


COLUMNS = _columns()
OFFICIAL_HEADERS = [ROW_NUMBER_HEADER, *(f.official for f in ENTRY_FIELDS if f.official)]
_TITLE = next(field.name for field in ENTRY_FIELDS if field.required and field.official)
_ROW_NUMBER = fold_header(ROW_NUMBER_HEADER)


class Line(NamedTuple):
    """One row of a table as a reader found it.

    ``cells``: the text of each cell ("" when empty), lines separated by ``\\n``;
    ``refused``: 1-based columns whose content is not data (an XLSX formula never
    calculated, an error value), with the reason.
    """

    number: int  # the row's number in its sheet, or in its table on a page or in a document
    cells: list[str]
    refused: Mapping[int, str] = MappingProxyType({})
    place: str | None = None  # the table it is in, when not the only one: "page 2", "table 3"

    def where(self) -> str:
        """The row's place, as errors name it: ``row 5`` or ``page 2, row 5``."""
        if self.place is None:
            return _("row {number}").format(number=self.number)
        return _("{place}, row {number}").format(place=self.place, number=self.number)


class Grid(NamedTuple):
    """A table a reader found: a PDF page's table, a DOCX table, a sheet, a CSV file.

    ``printed``: its cells hold lines as laid out on a page (PDF, DOCX), to be joined as
    the printed text means them; otherwise each cell's text is exact (XLSX, CSV, TSV).
    """

    rows: Iterable[Line]
    printed: bool = False
    name: str = ""  # how to name it in a message: "page 2", "sheet '清单'", "table 3"


class Assembly:
    """What reading a list did, counted as it is done (the rows come lazily)."""

    def __init__(self) -> None:
        self.header: Line | None = None
        self.tables = 0  # grids that held part of the list
        self.rows = 0  # rows given back
        self.repeated_headers = 0
        self.continued = 0  # rows continued on a new page, merged into the row before
        self.notes = 0  # note or heading rows skipped
        self.above = 0  # non-empty rows before the header skipped (titles, notes, other sheets)

    def counts(self) -> str:
        """What was dropped, merged and skipped, as a clause, or '' when nothing was."""
        parts = []
        if self.repeated_headers:
            parts.append(
                ngettext(
                    "{count} repeated header dropped",
                    "{count} repeated headers dropped",
                    self.repeated_headers,
                ).format(count=f"{self.repeated_headers:,}")
            )
        if self.continued:
            parts.append(
                ngettext(
                    "{count} continued row merged", "{count} continued rows merged", self.continued
                ).format(count=f"{self.continued:,}")
            )
        if self.notes:
            parts.append(
                ngettext(
                    "{count} note row skipped", "{count} note rows skipped", self.notes
                ).format(count=f"{self.notes:,}")
            )
        if self.above:
            parts.append(
                ngettext(
                    "{count} row before the header skipped",
                    "{count} rows before the header skipped",
                    self.above,
                ).format(count=f"{self.above:,}")
            )
        return ", ".join(parts)


# ---------------------------------------------------------------- joining printed lines

_HYPHENS = frozenset("-‐‑–－")
_BREAKS_AFTER = _HYPHENS | {"/", "／"}
_CJK_PUNCTUATION = frozenset("“”‘’·…—")


def _is_cjk(char: str) -> bool:
    """A character set solid in Chinese text (ideographs, kana, full-width forms and
    punctuation): a line break next to one stands for nothing."""
    return char in _CJK_PUNCTUATION or unicodedata.east_asian_width(char) in ("W", "F")


def join_lines(cell: str) -> str:
    """Join the printed lines of a cell as the text means them.

    A break next to a Chinese character (or full-width punctuation) stands for nothing: 标准
    + 名称 is 标准名称. A break after a hyphen or a slash stands for nothing: ``41015-`` +
    ``2023`` is ``41015-2023``. Any other break (between Latin letters or digits) was a space
    at which the line wrapped: ``DB44/T`` + ``2407-2023`` is ``DB44/T 2407-2023``, and
    ``GB/T`` + ``41015-`` + ``2023`` is ``GB/T 41015-2023``. Spaces at either side of a
    break are the break's own; empty lines are dropped.
    """
    if "\n" not in cell:
        return cell.strip()
    joined = ""
    for line in cell.split("\n"):
        line = line.strip()
        if not line:
            continue
        if joined and not (joined[-1] in _BREAKS_AFTER or _is_cjk(joined[-1]) or _is_cjk(line[0])):
            joined += " "
        joined += line
    return joined


# ---------------------------------------------------------------- the header


def _compact(cell: str) -> str:
    return "".join(cell.split())


def _names_title(cell: str) -> bool:
    return bool(cell) and len(cell) < 64 and COLUMNS.get(fold_header(cell)) == _TITLE


def names_title(cells: list[str]) -> bool:
    """Whether a row names the title column: the row that heads the list."""
    return any(_names_title(cell) for cell in cells)


def _is_known_header(cells: list[str]) -> bool:
    """Every non-empty cell is a column name gbastd knows (a header lacking the title)."""
    named = [cell for cell in cells if cell.strip()]
    return bool(named) and all(fold_header(cell) in COLUMNS for cell in named)


def _opening(cells: list[str]) -> str:
    """A row as a message shows it: its non-empty cells, each on one line, shortened."""
    shown = ", ".join(" ".join(cell.split()) for cell in cells if cell.strip())
    return shown if len(shown) <= 60 else shown[:59] + "…"


class NoHeader(NamedTuple):
    """Where no table held the header: what each table began with, for the message."""

    openings: list[str]


def assemble(path: object, grids: Iterable[Grid], assembly: Assembly) -> Iterator[Line]:
    """Yield the list's rows from the tables a reader found, the header first.

    Args:
        path: the file, as messages name it.
        grids: the tables, in reading order; each grid's rows are read lazily.
        assembly: filled in with the header and the counts as rows are given.

    Raises:
        SheetError: no table has a header naming the title column (the message names what
            the tables began with), a later table has another number of columns than the
            list, or the list has no rows.
    """
    openings: list[str] = []
    header: Line | None = None
    width = 0
    compact: list[str] = []
    title = 0  # the title column, 0-based
    serial: int | None = None  # the 序号 column, 0-based
    pending: Line | None = None  # the last row, held back in case the next one continues it
    pending_printed = False
    known = False  # the first table begins with known column names, but not the title's
    for grid in grids:
        table_started = header is not None
        first_row = True
        in_list = False
        for line in grid.rows:
            cells = line.cells
            if header is None:
                if not any(cell.strip() for cell in cells):
                    continue
                if names_title(cells):
                    header = line
                    width = len(cells)
                    compact = [_compact(cell) for cell in cells]
                    title = next(n for n, cell in enumerate(cells) if _names_title(cell))
                    folded = [fold_header(cell) for cell in cells]
                    serial = folded.index(_ROW_NUMBER) if _ROW_NUMBER in folded else None
                    assembly.header = _finished(line, grid.printed)
                    assembly.tables += 1
                    in_list = True
                    yield assembly.header
                    continue
                if first_row:
                    openings.append(_opening(cells))
                    known = known or (len(openings) == 1 and _is_known_header(cells))
                first_row = False
                assembly.above += 1
                continue
            if not any(cell.strip() for cell in cells):
                continue
            if table_started and not in_list:
                if len(cells) != width and grid.printed:
                    if _is_note(cells):  # a note boxed in a table of its own, after the list
                        assembly.notes += 1
                        continue
                    raise SheetError(
                        ngettext(
                            "{path}, {row}: a table of {count} column follows the list's "
                            "{width}; it was not read.",
                            "{path}, {row}: a table of {count} columns follows the list's "
                            "{width}; it was not read.",
                            len(cells),
                        ).format(path=path, row=line.where(), count=f"{len(cells):,}", width=width)
                    )
                in_list = True
                assembly.tables += 1
            if (
                len(cells) == len(compact)
                and _compact(cells[title]) == compact[title]  # cheap, and rarely true
                and [_compact(cell) for cell in cells] == compact
            ):
                assembly.repeated_headers += 1
                continue
            if serial is not None and serial < len(cells):
                number = cells[serial].strip()
                if number and not number.isdigit() and _only(cells, serial):
                    assembly.notes += 1
                    continue
                if (
                    not number
                    and first_row
                    and table_started
                    and grid.printed
                    and pending is not None
                    and pending_printed
                ):
                    pending = _merged(pending, line)
                    assembly.continued += 1
                    first_row = False
                    continue
            first_row = False
            if pending is not None:
                yield _finished(pending, pending_printed)
                assembly.rows += 1
            pending, pending_printed = line, grid.printed
    if pending is not None:
        yield _finished(pending, pending_printed)
        assembly.rows += 1
    if header is None:
        if known:
            spec = next(field for field in ENTRY_FIELDS if field.name == _TITLE)
            raise SheetError(
                _("{path}: no {header} column ({field}).").format(
                    path=path, header=spec.official, field=spec.name
                )
            )
        raise _no_header(path, openings)
    if assembly.rows == 0:
        raise SheetError(
            _("{path}: no rows under the list's header ({row}); nothing to import.").format(
                path=path, row=header.where()
            )
        )


def _is_note(cells: list[str]) -> bool:
    """Whether a row holds one text and nothing else, and that text is not a row's number."""
    texts = [cell.strip() for cell in cells if cell.strip()]
    return len(texts) == 1 and not texts[0].isdigit()


def _only(cells: list[str], column: int) -> bool:
    """Whether every cell but ``column`` is empty."""
    return not any(cell.strip() for index, cell in enumerate(cells) if index != column)


def _merged(line: Line, continued: Line) -> Line:
    """``line`` with each cell followed, on a new line, by the cell that continues it."""
    cells = [
        f"{before}\n{after}" if before and after else before or after
        for before, after in zip(line.cells, continued.cells, strict=False)
    ]
    cells.extend(line.cells[len(cells) :])
    return line._replace(cells=cells)


def _finished(line: Line, printed: bool) -> Line:
    return line._replace(cells=[join_lines(cell) for cell in line.cells]) if printed else line


def _no_header(path: object, openings: list[str]) -> SheetError:
    wanted = ", ".join(OFFICIAL_HEADERS)
    if not openings:
        return SheetError(
            _("{path}: no table was found in it; a list has the header {header}.").format(
                path=path, header=wanted
            )
        )
    shown = "; ".join(f"'{opening}'" for opening in dict.fromkeys(openings[:5]))
    if len(openings) > 5:
        message = _(
            "{path}: no table has the official header ({header}); the tables begin with "
            "{openings} (and {more} more)."
        )
    else:
        message = _(
            "{path}: no table has the official header ({header}); the tables begin with {openings}."
        )
    return SheetError(
        message.format(path=path, header=wanted, openings=shown, more=len(openings) - 5)
    )

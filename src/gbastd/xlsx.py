"""An Excel workbook of entries: a sheet people can sort and filter, and a sheet saying what
the file is. Returns bytes and does no other I/O; openpyxl is imported only here (and by the
importer), only when a workbook is written.

The entries sheet comes first, so that ``gbastd import`` (which reads the first sheet) takes
the file back. Its header is bold and frozen, with an autofilter; column widths follow the
display width of the values (a Chinese character counts two); titles and notes wrap; dates
are real dates and numbers real numbers; lists are joined with `` ; ``. Every text cell is
stored as text: a title ``=HYPERLINK(…)`` is shown, never calculated.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from gbastd.fields import BY_NAME, Kind
from gbastd.formats import cell
from gbastd.layout import display_width
from gbastd.text import escape_controls

ENTRIES_SHEET = "entries"
ABOUT_SHEET = "about"
MAX_WIDTH = 60
"""The widest a column grows (in characters of Latin text); longer text wraps (titles, notes)
or runs on (URLs)."""
WRAPPED_WIDTH = 40
"""The width of a column that wraps, when its longest value would be wider."""
_WRAPPED_KINDS = frozenset({Kind.TEXT})
_NUMBER_FORMAT_DATE = "yyyy-mm-dd"


def _typed(field: str | None, value: Any) -> Any:
    """The value as the cell should hold it: a date, an integer or text (lists joined)."""
    if value is None or value == ():
        return None
    if field is None or isinstance(value, int):
        return value
    kind = BY_NAME[field].kind
    if kind is Kind.DATE:
        return date.fromisoformat(value)
    return _clean(cell(value))


def _clean(text: str) -> str:
    """Text that XML can hold: control characters other than tab and line ends, which an
    XLSX cannot store, are shown escaped (``\\x1b``)."""
    if text.isprintable():
        return text
    return "\n".join(
        "\t".join(escape_controls(part) for part in line.split("\t")) for line in text.split("\n")
    )


def to_xlsx(
    headers: Sequence[str],
    fields: Sequence[str | None],
    rows: Iterable[Sequence[Any]],
    about: Sequence[tuple[str, str]],
) -> bytes:
    """Return an XLSX workbook: ``rows`` under ``headers`` on the first sheet, ``about``
    (label, value) pairs describing the file on the second.

    ``fields`` names the field of each column (None: a row number), which decides its type.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(ENTRIES_SHEET)
    typed = [
        [_typed(field, value) for field, value in zip(fields, row, strict=True)] for row in rows
    ]
    wrapped = [field is not None and BY_NAME[field].kind in _WRAPPED_KINDS for field in fields]
    widths = [display_width(header) for header in headers]
    for row in typed:
        for index, value in enumerate(row):
            if value is not None:
                shown = value.isoformat() if isinstance(value, date) else str(value)
                width = display_width(shown) if "\n" not in shown else _widest_line(shown)
                if width > widths[index]:
                    widths[index] = width
    for index, width in enumerate(widths):
        limit = WRAPPED_WIDTH if wrapped[index] else MAX_WIDTH
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width, limit) + 2
    last = get_column_letter(max(len(headers), 1))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{len(typed) + 1}"
    sheet.print_title_rows = "1:1"

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")

    def text_cell(value: Any, *, font: Font | None = None, align: Alignment = top) -> Any:
        made = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            made.data_type = "s"  # never a formula, whatever the text begins with
        if font is not None:
            made.font = font
        made.alignment = align
        return made

    sheet.append([text_cell(_clean(header), font=bold) for header in headers])
    # Styling a cell costs more than writing it: only text longer than its column is given the
    # wrapping style, and only text that begins with "=" needs marking as text.
    limits = [WRAPPED_WIDTH if wrap_column else None for wrap_column in wrapped]
    for row in typed:
        sheet.append(
            [
                text_cell(value, align=wrap)
                if limit is not None and isinstance(value, str) and _wider(value, limit)
                else text_cell(value)
                if isinstance(value, str) and value.startswith("=")
                else value
                for value, limit in zip(row, limits, strict=True)
            ]
        )

    info = book.create_sheet(ABOUT_SHEET)
    info.column_dimensions["A"].width = max([display_width(k) for k, _ in about] or [8]) + 2
    info.column_dimensions["B"].width = MAX_WIDTH + 2
    for key, value in about:
        info.append([text_cell(_clean(key), font=bold), text_cell(_clean(value), align=wrap)])

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _wider(text: str, limit: int) -> bool:
    """Tell whether ``text`` needs wrapping in a column ``limit`` characters wide."""
    return "\n" in text or (len(text) > limit // 2 and display_width(text) > limit)


def _widest_line(text: str) -> int:
    return max(display_width(line) for line in text.split("\n"))

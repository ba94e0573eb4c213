"""The ruled tables of a PDF's text layer, page by page, read with pdfplumber.

pdfplumber (and pdfminer.six under it) is the optional extra ``gbastd[pdf]``, imported only
here and only when a PDF is read, so it costs every other command nothing. What a reader
cannot honestly take from a PDF is refused in one sentence: a file cut short, a password, a
scan (pages that are images, with no text), glyphs without a Unicode mapping (which pdfminer
gives as ``(cid:NNN)``), compressed streams expanding beyond what any list needs.

A cell that a merged cell above covers (pdfplumber gives None) reads as that cell's text, as
a person reads a publisher printed once beside several rows; a cell covered from the left
(a note spanning the table) is empty.
"""

from __future__ import annotations

import contextlib
import io
import logging
import re
import warnings
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from gbastd.errors import SheetError, clause
from gbastd.i18n import _, ngettext
from gbastd.published import Grid, Line

_MIB = 1024 * 1024
MAX_PAGES = 2_000
"""The most pages read: a list of 267 items is 16 pages."""
MAX_INFLATED = 256 * _MIB
"""The most the PDF's compressed streams may inflate to, all together, checked before
pdfminer inflates any (it would inflate each whole)."""
INSTALL_HINT = "pip install 'gbastd[pdf]'"

_STREAM = re.compile(rb"stream\r?\n")
_CID = "(cid:"


class PdfTables(NamedTuple):
    """The tables of a PDF, a grid per table in page order, its number of pages, and how many
    of them have no text (images only: scanned pages, which cannot be read)."""

    grids: list[Grid]
    pages: int
    without_text: int


def read_pdf(path: Path, data: bytes) -> PdfTables:
    """Read every ruled table of every page of the PDF ``data``.

    Raises:
        SheetError: pdfplumber is missing; the PDF is cut short, damaged, encrypted, a scan
            or without Unicode mappings; it has more than ``MAX_PAGES`` pages or inflates
            beyond ``MAX_INFLATED``; it has text but no ruled table.
    """
    try:
        import pdfplumber
    except ImportError:
        raise SheetError(
            _("{path} is a PDF, and reading one needs pdfplumber: {command}.").format(
                path=path, command=INSTALL_HINT
            )
        ) from None
    if b"%%EOF" not in data[-2048:]:
        raise SheetError(
            _("{path} is cut short (a PDF ends with %%EOF): download it again, completely.").format(
                path=path
            )
        )
    _check_inflation(path, data)
    quiet = logging.getLogger("pdfminer")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL + 1)  # pdfminer logs what it repairs; the user needs none
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _read(pdfplumber, path, data)
    finally:
        quiet.setLevel(level)


def _read(pdfplumber: Any, path: Path, data: bytes) -> PdfTables:
    try:
        document = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfplumber wraps pdfminer's errors in its own
        raise _unopened(path, error) from None
    try:
        return _tables(path, document)
    finally:
        with contextlib.suppress(Exception):
            # Closing lists the pages again: a page tree too damaged to list raises once
            # more, and must not replace the refusal already raised.
            document.close()


def _tables(path: Path, document: Any) -> PdfTables:
    """The tables of an open PDF, page by page (see ``read_pdf``)."""
    grids: list[Grid] = []
    try:
        pages = document.pages
    except Exception as error:
        raise SheetError(
            _("{path}: the PDF is damaged ({reason}).").format(path=path, reason=clause(error))
        ) from None
    if len(pages) > MAX_PAGES:
        raise SheetError(
            _(
                "{path} has {count} pages, more than the {limit} any list of "
                "standards needs; it was not read."
            ).format(path=path, count=f"{len(pages):,}", limit=f"{MAX_PAGES:,}")
        )
    text_pages = 0
    for page in pages:
        try:
            chars = page.chars
            if any(_CID in char["text"] for char in chars):
                raise SheetError(
                    _(
                        "{path}, page {page}: its characters carry no Unicode "
                        "mapping (pdfminer reads them as (cid:…)), so their text cannot be "
                        "known; ask for the list as XLSX or DOCX, or a PDF with text."
                    ).format(path=path, page=page.page_number)
                )
            text_pages += any(not char["text"].isspace() for char in chars)
            for table in page.find_tables():
                grids.append(_grid(table, page.page_number))
        except SheetError:
            raise
        except Exception as error:  # pdfminer and pdfplumber raise many kinds
            raise SheetError(
                _("{path}, page {page}: the PDF is damaged ({reason}).").format(
                    path=path, page=page.page_number, reason=clause(error)
                )
            ) from None
        finally:
            page.close()  # frees the page's parsed objects: memory stays one page's
    if not text_pages:
        raise SheetError(
            ngettext(
                "{path} has no text layer: its page is an image (a scan), which gbastd does not "
                "read; ask for the list as XLSX or DOCX, or a PDF with text.",
                "{path} has no text layer: its {count} pages are images (a scan), which gbastd "
                "does not read; ask for the list as XLSX or DOCX, or a PDF with text.",
                len(pages),
            ).format(path=path, count=f"{len(pages):,}")
        )
    if not grids:
        raise SheetError(
            ngettext(
                "{path} has text but no ruled table on its {count} page; gbastd "
                "reads a list printed as a table with ruled lines.",
                "{path} has text but no ruled table on its {count} pages; gbastd "
                "reads a list printed as a table with ruled lines.",
                len(pages),
            ).format(path=path, count=f"{len(pages):,}")
        )
    return PdfTables(grids, len(pages), len(pages) - text_pages)


def _unopened(path: Path, error: Exception) -> SheetError:
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    cause = error.args[0] if error.args and isinstance(error.args[0], Exception) else error
    if isinstance(cause, PDFPasswordIncorrect):
        return SheetError(
            _(
                "{path} is encrypted with a password; save it without one (or ask for an "
                "unprotected copy) and import that."
            ).format(path=path)
        )
    if isinstance(cause, PDFEncryptionError):
        return SheetError(
            _("{path} is encrypted in a way that cannot be read ({reason}).").format(
                path=path, reason=clause(cause)
            )
        )
    return SheetError(
        _("{path} cannot be read as PDF ({reason}).").format(path=path, reason=clause(cause))
    )


def _grid(table: Any, page: int) -> Grid:
    """A table as rows of cell text; a cell a merged cell above covers reads as its text."""
    rows: Sequence[Any] = table.rows
    texts: list[list[str | None]] = table.extract()
    lines = []
    place = _("page {number}").format(number=page)
    for index, cells in enumerate(texts):
        filled = [
            value if value is not None else _covering(rows, texts, index, column)
            for column, value in enumerate(cells)
        ]
        lines.append(Line(index + 1, filled, place=place))
    return Grid(lines, printed=True, name=place)


def _covering(rows: Sequence[Any], texts: list[list[str | None]], index: int, column: int) -> str:
    """The text of the cell above that reaches down over row ``index``, else ''."""
    top = rows[index].bbox[1]
    for above in range(index - 1, -1, -1):
        cell = rows[above].cells[column]
        if cell is not None:
            return (texts[above][column] or "") if cell[3] > top + 0.5 else ""
    return ""


def _check_inflation(path: Path, data: bytes) -> None:
    """Refuse a PDF whose compressed streams together inflate beyond ``MAX_INFLATED``, by
    inflating each in bounded steps before pdfminer, which would inflate each whole."""
    budget = MAX_INFLATED
    for match in _STREAM.finditer(data):
        if data[max(match.start() - 3, 0) : match.start()] == b"end":
            continue
        start = match.end()
        end = data.find(b"endstream", start)
        if end == -1:
            end = len(data)
        inflater = zlib.decompressobj()
        pending = data[start:end]
        try:
            while pending and not inflater.eof:
                budget -= len(inflater.decompress(pending, min(budget + 1, 16 * _MIB)))
                pending = inflater.unconsumed_tail
                if budget < 0:
                    raise SheetError(
                        _(
                            "{path} inflates to more than {limit} MiB, far beyond "
                            "any list of standards; it was not read."
                        ).format(path=path, limit=MAX_INFLATED // _MIB)
                    )
        except zlib.error:
            continue  # not a deflated stream (or a damaged one: pdfminer will say)

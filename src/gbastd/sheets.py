"""Reading a published list: PDF, DOCX, XLSX, CSV or TSV, in the encodings Chinese offices
use, with the official list's columns or gbastd's own.

The file's kind comes from its content (magic bytes), not its name: ``%PDF-`` a PDF (read by
``pdftables``), a zip archive holding ``word/`` a DOCX (``docxtables``) and one holding
``xl/`` an XLSX (openpyxl), the OLE2 signature a legacy .doc or .xls (refused: save it as DOCX
or XLSX), anything else text: CSV or TSV, in UTF-8, GB18030/GBK, or UTF-16 with a byte order
mark (Excel's "Unicode text"). The tables found are read as a person would (``published``):
the header located by the official column names, titles and notes around the table left
out, a header repeated on a new page dropped, a row continued on the next page merged.

The official lists are tables of five columns: 序号, "湾区标准"识别号, 标准编号, 标准名称 and
发布单位. Headers are matched after folding quotes, spaces, width and Traditional characters,
so 「湾区标准」识别号, 灣區標準識別號 and "湾区标准" 识别号 all name the identifier.

Nothing lost, nothing raw: a file gbastd exported (CSV, CSV for Excel, TSV, XLSX) reads back
to the values it was written from, and a value the import could not place (beyond the
header, under no header, in a second column for the same field, a formula Excel never
calculated) is an error naming its row and column, never dropped. Input is bounded: a file,
an unpacked archive, rows and columns each have a limit, checked before the work they would
cost.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import warnings
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from gbastd.docxtables import read_docx
from gbastd.edit import parse_value
from gbastd.errors import GbastdError, SheetError, clause
from gbastd.fields import ENTRY_FIELDS, FIELDS
from gbastd.i18n import N_, _, ngettext
from gbastd.published import (
    COLUMNS,
    OFFICIAL_HEADERS,
    Assembly,
    Grid,
    Line,
    assemble,
)
from gbastd.published import fold_header as fold_header

_MIB = 1024 * 1024
MAX_BYTES = 256 * _MIB
"""The largest file read at all (``import /dev/zero`` stops here): the official list is tens
of kilobytes, a gbastd export of 100,000 entries about 40 MB."""
MAX_UNPACKED = 256 * _MIB
"""The most an XLSX may unpack to, all members together (its declared sizes, before reading)."""
MAX_RATIO = 100
"""The most a member of an XLSX larger than ``_RATIO_FLOOR`` may expand by; real sheets
compress 5 to 20 times, a zip bomb hundreds of times."""
_RATIO_FLOOR = _MIB
MAX_ROWS = 1_000_000
MAX_COLUMNS = 100

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What ``export --excel`` guards with a leading ``'`` (``formats._FORMULA_START``, which this
layer may not import; a test keeps the two equal)."""


_COLUMNS_NEEDED = [field for field in ENTRY_FIELDS if field.required and field.official]
ENCODINGS = ("utf-8-sig", "gb18030")
"""Tried in order when no encoding is given: UTF-8 (with or without BOM), then GB18030, the
superset of GBK that Excel on a Chinese Windows writes."""

_UNNAMED = ""
"""In the list of a header's fields: a column without a header, which must hold nothing."""


class Reading(NamedTuple):
    """A list as read: its rows (field → parsed value) and a sentence saying what was read."""

    rows: list[dict[str, Any]]
    summary: str


def read_list(path: Path, *, encoding: str | None = None, sheet: str | None = None) -> Reading:
    """Read a published list from a PDF, DOCX, XLSX, CSV or TSV file, whatever its name.

    Args:
        path: the file.
        encoding: a CSV or TSV file's encoding, when not UTF-8, GB18030 or UTF-16 with a BOM.
        sheet: an XLSX workbook's sheet, by name or 1-based number; by default the first
            whose rows hold the header.

    Raises:
        SheetError: unreadable, too large, of a kind gbastd does not read, encrypted, a scan,
            undecodable, without the header, with unknown or duplicated columns, a value the
            header does not place, or a value of the wrong type.
    """
    data = _read(path)
    if not data.strip():  # a download that failed, or a file saved before anything was in it
        raise SheetError(_("{path} is empty; there is no list in it to import.").format(path=path))
    kind, archive = _kind(path, data)
    if sheet is not None and kind != "XLSX":
        raise SheetError(
            _("{path} is {kind}; --sheet chooses a sheet of an XLSX file.").format(
                path=path, kind=_(_ARTICLE[kind])
            )
        )
    if encoding is not None and kind in _BINARY:
        raise SheetError(
            _("{path} is {kind}; --encoding names the encoding of a CSV or TSV file.").format(
                path=path, kind=_(_ARTICLE[kind])
            )
        )
    assembly = Assembly()
    if kind == "PDF":
        from gbastd.pdftables import read_pdf

        tables = read_pdf(path, data)
        grids: Iterable[Grid] = tables.grids
        pages = ngettext("{count} page", "{count} pages", tables.pages).format(
            count=f"{tables.pages:,}"
        )
        if tables.without_text:  # a scanned page among text ones: say so, it was not read
            what = _("PDF, {pages} ({count} without text, not read)").format(
                pages=pages, count=f"{tables.without_text:,}"
            )
        else:
            what = _("PDF, {pages}").format(pages=pages)
    elif kind == "DOCX":
        grids = read_docx(path, data)
        what = "DOCX"
    elif kind == "XLSX":
        assert archive is not None
        chosen: list[str] = []
        grids = _xlsx_grids(path, data, archive, sheet, assembly, chosen)
        what = "XLSX"
    else:
        grids, what = _text_grid(path, data, encoding)
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it does not read: nothing a list needs.
        warnings.simplefilter("ignore")
        rows = _parsed(path, assemble(path, grids, assembly))
    if kind == "XLSX":
        what = _("XLSX, sheet '{name}'").format(name=chosen[-1])
    elif kind in ("PDF", "DOCX"):
        what = _("{what}, {tables}").format(
            what=what,
            tables=ngettext("{count} table", "{count} tables", assembly.tables).format(
                count=f"{assembly.tables:,}"
            ),
        )
    counts = assembly.counts()
    read = ngettext("{count} row", "{count} rows", len(rows)).format(count=f"{len(rows):,}")
    if counts:
        summary = _("Read {file}: {what}, {rows} ({counts}).")
    else:
        summary = _("Read {file}: {what}, {rows}.")
    return Reading(rows, summary.format(file=path.name, what=what, rows=read, counts=counts))


def _parsed(path: Path, lines: Iterator[Line]) -> list[dict[str, Any]]:
    """Parse the rows under the header (the first line) into field → value."""
    header = next(lines)
    fields = _fields(path, header)
    rows = []
    for line in lines:
        cells = line.cells
        _check_placed(path, line, fields)
        if not any(cell.strip() for cell in cells):
            continue
        row: dict[str, Any] = {}
        for column, (field, cell) in enumerate(zip(fields, cells, strict=False), start=1):
            if not field:
                continue
            try:
                value = parse_value(field, cell)
            except GbastdError as error:
                raise SheetError(
                    _("{path}, {row}, column {column} ({field}): {error}").format(
                        path=path, row=line.where(), column=column, field=field, error=error
                    )
                ) from None
            if value not in (None, ()):
                row[field] = value
        rows.append(row)
    return rows


# ---------------------------------------------------------------- what a file is

_BINARY = frozenset({"PDF", "DOCX", "XLSX"})
_ARTICLE = {
    "PDF": N_("a PDF"),
    "DOCX": N_("a DOCX document"),
    "XLSX": N_("an XLSX workbook"),
    "text": N_("text"),
}
_PDF = re.compile(rb"%PDF-[0-9]")  # a PDF's header; readers accept it within the first 1024 bytes
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


def _kind(path: Path, data: bytes) -> tuple[str, _Archive | None]:
    """What the file is, from its first bytes: PDF, DOCX, XLSX or text (with a zip archive's
    members checked); refuse the rest."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        label = "DOCX" if path.suffix.lower() == ".docx" else "XLSX"
        archive = _checked_archive(path, data, label)
        return _archive_kind(path, archive.names), archive
    if _PDF.match(data) or (
        _PDF.search(data, 0, 1024) and b"\n" not in data[:1024].split(b"%PDF-")[0]
    ):
        return "PDF", None
    if data.startswith(_OLE2):
        raise SheetError(_legacy(path, data))
    for magic, name in _IMAGES:
        if data.startswith(magic):
            raise SheetError(
                _(
                    "{path} is a {kind} image, not a list gbastd can read; ask for the list as "
                    "XLSX or DOCX, or a PDF with text."
                ).format(path=path, kind=name)
            )
    if data.startswith(b"{\\rtf"):
        raise SheetError(
            _("{path} is an RTF document; save it as DOCX and import that.").format(path=path)
        )
    return "text", None


def _legacy(path: Path, data: bytes) -> str:
    """Why an OLE2 compound file is refused (its stream names are UTF-16 in its directory)."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        return _(
            "{path} is an Office file protected with a password; save it without one (as XLSX "
            "or DOCX) and import that."
        ).format(path=path)
    word = "WordDocument".encode("utf-16-le") in data or path.suffix.lower() == ".doc"
    if word:
        return _(
            "{path} is a Word 97-2003 document (.doc); save it as DOCX and import that."
        ).format(path=path)
    return _("{path} is an Excel 97-2003 workbook (.xls); save it as XLSX and import that.").format(
        path=path
    )


def _archive_kind(path: Path, names: frozenset[str]) -> str:
    """DOCX or XLSX, from a zip archive's members."""
    if any(name.startswith("word/") for name in names):
        return "DOCX"
    if any(name.startswith("xl/") for name in names):
        return "XLSX"
    if "mimetype" in names or "content.xml" in names:
        raise SheetError(
            _(
                "{path} is an OpenDocument file (.ods or .odt); save it as XLSX or DOCX and "
                "import that."
            ).format(path=path)
        )
    raise SheetError(
        _("{path} is a zip archive holding neither an XLSX workbook nor a DOCX.").format(path=path)
    )


def _check_placed(path: Path, line: Line, fields: list[str | None]) -> None:
    """Refuse a row holding a value that no column of the header takes in, or a cell whose
    value is not data."""
    cells = line.cells
    for column, reason in sorted(line.refused.items()):
        if column > len(fields) or fields[column - 1] is not None:  # 序号 is ignored anyway
            raise SheetError(
                _("{path}, {row}, column {column}: {reason}").format(
                    path=path, row=line.where(), column=column, reason=reason
                )
            )
    for column, (field, cell) in enumerate(zip(fields, cells, strict=False), start=1):
        if field == _UNNAMED and cell.strip():
            raise SheetError(
                _(
                    "{path}, {row}, column {column}: a value under a column with no "
                    "header; name the column or empty it."
                ).format(path=path, row=line.where(), column=column)
            )
    for column in range(len(fields) + 1, len(cells) + 1):
        if cells[column - 1].strip():
            raise SheetError(
                ngettext(
                    "{path}, {row}, column {column}: a value beyond the header's {count} column.",
                    "{path}, {row}, column {column}: a value beyond the header's {count} columns.",
                    len(fields),
                ).format(path=path, row=line.where(), column=column, count=len(fields))
            )


def _fields(path: Path, line: Line) -> list[str | None]:
    """The field each column fills: a name, None (序号, ignored) or ``_UNNAMED``."""
    header = line.cells
    fields: list[str | None] = []
    seen: dict[str, int] = {}
    for column, name in enumerate(header, start=1):
        folded = fold_header(name)
        if folded == "":
            fields.append(_UNNAMED)
            continue
        if folded not in COLUMNS:
            raise SheetError(
                _(
                    "{path}: unknown column {name}. Understood: the official list's columns "
                    "({official}) or gbastd's ({fields})."
                ).format(
                    path=path,
                    name=repr(name),
                    official=", ".join(OFFICIAL_HEADERS),
                    fields=", ".join(FIELDS),
                )
            )
        field = COLUMNS[folded]
        if field is not None and field in seen:
            earlier = seen[field]
            raise SheetError(
                _(
                    "{path}, {row}: columns {earlier} ({earlier_name}) and {column} ({name}) "
                    "both give {field}; keep one of them."
                ).format(
                    path=path,
                    row=line.where(),
                    earlier=earlier,
                    earlier_name=repr(header[earlier - 1]),
                    column=column,
                    name=repr(name),
                    field=field,
                )
            )
        if field is not None:
            seen[field] = column
        fields.append(field)
    for needed in _COLUMNS_NEEDED:  # a published list always has them
        if needed.name not in fields:
            raise SheetError(
                _("{path}: no {header} column ({field}).").format(
                    path=path, header=needed.official, field=needed.name
                )
            )
    return fields


# ---------------------------------------------------------------- bounded reading


def _read(path: Path) -> bytes:
    """The file's bytes, refusing before reading (a regular file) or at the limit (a device,
    a pipe) anything larger than ``MAX_BYTES``."""
    try:
        with path.open("rb") as file:
            status = os.fstat(file.fileno())
            if stat.S_ISREG(status.st_mode) and status.st_size > MAX_BYTES:
                raise _too_large(path)
            data = file.read(MAX_BYTES + 1)
    except OSError as error:
        raise SheetError(
            _("{path}: cannot be read ({reason}).").format(
                path=path, reason=error.strerror or error
            )
        ) from None
    if len(data) > MAX_BYTES:
        raise _too_large(path)
    return data


def _too_large(path: Path) -> SheetError:
    return SheetError(
        _("{path} is larger than {size} MiB, far beyond any list of standards.").format(
            path=path, size=MAX_BYTES // _MIB
        )
    )


def _check_size(path: Path, number: int, width: int) -> None:
    if number > MAX_ROWS:
        raise SheetError(
            _("{path} has more than {count} rows, far beyond any list of standards.").format(
                path=path, count=f"{MAX_ROWS:,}"
            )
        )
    if width > MAX_COLUMNS:
        raise _too_wide(path, number)


def _too_wide(path: Path, number: int) -> SheetError:
    return SheetError(
        _(
            "{path}, row {number}: more than {count} columns, far beyond any list of standards."
        ).format(path=path, number=number, count=MAX_COLUMNS)
    )


# ---------------------------------------------------------------- CSV and TSV


def _text_grid(path: Path, data: bytes, encoding: str | None) -> tuple[list[Grid], str]:
    """The file as one table, and what it is ("CSV, UTF-8")."""
    if encoding is None and data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text": UTF-16 with a BOM, tab-separated, quoted as CSV is.
        decoded = _decode_utf16(path, data)
        tabs = _looks_tab_separated(decoded)
        rows = _csv_rows(path, decoded, excel=False, delimiter="\t" if tabs else ",")
        return [Grid(rows)], f"{'TSV' if tabs else 'CSV'}, UTF-16"
    decoded, bom, name = _decode(path, data, encoding)
    if path.suffix.lower() == ".tsv" or _looks_tab_separated(decoded):
        return [Grid(_tsv_rows(path, decoded))], f"TSV, {name}"
    return [Grid(_csv_rows(path, decoded, excel=bom))], f"CSV, {name}"


def _decode_utf16(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-16").removeprefix("\ufeff")
    except UnicodeDecodeError as error:
        raise SheetError(
            _("{path} starts as UTF-16 text but is not (byte {offset}: {reason}).").format(
                path=path, offset=f"{error.start:,}", reason=error.reason
            )
        ) from None


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, bool, str]:
    """The text, whether it began with a UTF-8 byte order mark, and the encoding's name."""
    for candidate in (encoding,) if encoding else ENCODINGS:
        try:
            name = codecs.lookup(candidate).name
            decoded = data.decode(candidate)
        except LookupError as error:
            if "text encoding" in str(error):
                message = _("encoding {name} is not a text encoding.")
            else:
                message = _("encoding {name} is unknown.")
            raise SheetError(message.format(name=repr(candidate))) from None
        except UnicodeDecodeError as error:
            if encoding is None:
                continue
            if len(error.object) == len(data):  # a codec may report a part (idna: a label)
                where = _("byte {byte} at offset {offset}").format(
                    byte=f"0x{data[error.start]:02x}", offset=error.start
                )
            else:
                where = error.reason
            raise SheetError(
                _("{path} is not {encoding} ({where}).").format(
                    path=path, encoding=encoding, where=where
                )
            ) from None
        except Exception as error:  # idna, punycode and others raise errors of their own
            raise SheetError(
                _("{path} cannot be decoded as {encoding} ({reason}).").format(
                    path=path, encoding=candidate, reason=clause(error)
                )
            ) from None
        bom = name in {"utf-8", "utf-8-sig"} and data.startswith(codecs.BOM_UTF8)
        shown = {"utf-8-sig": "UTF-8", "gb18030": "GB18030"}.get(name, candidate)
        return decoded.removeprefix("\ufeff"), bom, shown
    raise SheetError(
        _(
            "{path} is neither UTF-8 nor GB18030/GBK text; name its encoding with --encoding."
        ).format(path=path)
    )


def _looks_tab_separated(decoded: str) -> bool:
    end = decoded.find("\n")
    first = decoded if end == -1 else decoded[:end]  # without copying the rest
    return "\t" in first and "," not in first


# Lines as csv expects them (newline="": \r\n, \r or \n end a line, and stay on it) and as
# gbastd's TSV has them (\n only), cut lazily from the decoded text without copying it whole.
_CSV_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|\Z)")
_TSV_LINE = re.compile(r"[^\n]*(?:\n|\Z)")


def _lines(pattern: re.Pattern[str], decoded: str) -> Iterator[str]:
    return (match[0] for match in pattern.finditer(decoded) if match[0])


def _cell_limit() -> int:
    return csv.field_size_limit()


def _long_cell(path: Path, number: int) -> SheetError:
    return SheetError(
        _(
            "{path}, row {number}: a cell longer than {count} characters, far beyond "
            "any title or note."
        ).format(path=path, number=number, count=f"{_cell_limit():,}")
    )


def _csv_rows(path: Path, decoded: str, *, excel: bool, delimiter: str = ",") -> Iterator[Line]:
    """CSV as ``export`` writes it (RFC 4180), and as Excel and ``export --excel`` write it.

    A CSV that starts with the UTF-8 byte order mark is one ``export --excel`` (or Excel
    itself: "CSV UTF-8") wrote. There ``export --excel`` put a ``'`` before every cell that
    Excel would take for a formula: one whose text, after any leading ``'``, starts with one
    of ``FORMULA_START``. Such a cell loses exactly one ``'`` here. The rule is exactly
    reversible when the writer guards by the same test (a value that itself starts with
    ``'=`` is written ``''=``); a CSV without the mark is taken as it is.

    csv bounds a cell (``field_size_limit``) but not the cells of a row: ``,`` repeated a
    hundred million times would become a list of as many before any check. So a row may take
    in at most ``MAX_COLUMNS`` cells' worth of text, counted as csv reads its lines.
    """
    budget = MAX_COLUMNS * (_cell_limit() + 3)
    number = 0  # the last row read
    taken = 0  # characters read for the row being read

    def lines() -> Iterator[str]:
        nonlocal taken
        for line in _lines(_CSV_LINE, decoded):
            taken += len(line)
            if taken > budget:
                raise SheetError(
                    _(
                        "{path}, row {number}: longer than {budget} characters ({cells} cells "
                        "of at most {limit}), far beyond any list of standards."
                    ).format(
                        path=path,
                        number=number + 1,
                        budget=f"{budget:,}",
                        cells=MAX_COLUMNS,
                        limit=f"{_cell_limit():,}",
                    )
                )
            yield line

    try:
        for number, cells in enumerate(csv.reader(lines(), delimiter=delimiter), start=1):
            taken = 0
            _check_size(path, number, len(cells))
            yield Line(number, [_unguard(cell) for cell in cells] if excel else cells)
    except csv.Error as error:
        if "field limit" in str(error):
            raise _long_cell(path, number + 1) from None
        raise SheetError(
            _("{path}, row {number}: not readable as CSV ({reason}).").format(
                path=path, number=number + 1, reason=error
            )
        ) from None


def _unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_START) else cell


_TSV_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.?)", re.DOTALL)
_TSV_SIMPLE = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _tsv_rows(path: Path, decoded: str) -> Iterator[Line]:
    r"""TSV as ``export -f tsv`` writes it (``formats.tsv_cell``): one line a row, cells split
    at tabs, no quoting, and inside a cell ``\\ \t \n \r`` for a backslash, tab, newline and
    CR and ``\xHH`` (``\uHHHH``) for another control character, undone here. A backslash
    that starts none of these is refused: the file was not written that way, and guessing
    would change its data. Cells are bounded as in CSV."""
    limit = _cell_limit()
    for number, line in enumerate(_lines(_TSV_LINE, decoded), start=1):
        _check_size(path, number, line.count("\t") + 1)  # before splitting: no huge list
        cells = line.removesuffix("\n").removesuffix("\r").split("\t")
        for column, cell in enumerate(cells, start=1):
            if len(cell) > limit:
                raise _long_cell(path, number)
            if "\\" in cell:
                cells[column - 1] = _tsv_unescape(path, number, column, cell)
        yield Line(number, cells)


def _tsv_unescape(path: Path, number: int, column: int, cell: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match[1]
        if code in _TSV_SIMPLE:
            return _TSV_SIMPLE[code]
        if len(code) > 1 and not 0xD800 <= int(code[1:], 16) <= 0xDFFF:
            return chr(int(code[1:], 16))
        raise SheetError(
            _(
                "{path}, row {number}, column {column}: {escape} is not a TSV escape (a "
                "backslash is written \\\\, a tab, newline, CR or control character \\t, \\n, "
                "\\r or \\xHH)."
            ).format(path=path, number=number, column=column, escape=repr(match[0]))
        )

    return _TSV_ESCAPE.sub(one, cell)


# ---------------------------------------------------------------- XLSX

# A formula element in a worksheet's XML, with or without a namespace prefix.
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
# A cell of type error (#REF!, #N/A): t="e".
_ERROR_TYPE = re.compile(rb"\st\s*=\s*[\"']e[\"']")
# What a damaged archive raises while it is opened or a member read: a bad CRC, a truncated or
# corrupt deflate stream, an encrypted or unsupported member, a member recorded as starting
# before the archive does (a negative seek: ValueError).
_DAMAGED = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)


_OWN_SHEETS = ("entries", "about")
"""The sheets of a workbook ``export`` writes (``xlsx.ENTRIES_SHEET``, ``xlsx.ABOUT_SHEET``,
which this layer may not import; a test keeps them equal)."""

# A merged range in a worksheet's XML: <mergeCell ref="E6:E7"/>.
_MERGE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^>]*?ref\s*=\s*[\"']"
    rb"([A-Za-z]{1,3})([0-9]{1,7}):([A-Za-z]{1,3})([0-9]{1,7})[\"']"
)


class _Archive(NamedTuple):
    """What checking an archive found: its members' names, whether an XML member holds a
    formula or an error value, and each member's merged ranges (column, first and last row
    of each range that spans rows)."""

    names: frozenset[str]
    formulas: bool
    errors: bool
    merges: dict[str, set[tuple[int, int, int]]]


def _xlsx_grids(
    path: Path,
    data: bytes,
    archive: _Archive,
    sheet: str | None,
    assembly: Assembly,
    chosen: list[str],
) -> Iterator[Grid]:
    """The workbook's sheets as tables, in order, until one holds the list's header (or the
    sheet ``sheet`` names); ``chosen`` gets the name of each sheet given.

    Before anything is parsed, the archive's declared sizes are checked (``MAX_UNPACKED``,
    ``MAX_RATIO``) and its XML members read once, which checks their CRCs and finds whether
    any holds a formula or an error value (a chart's formula only costs a second read), and
    where cells are merged.

    Values come from openpyxl with ``data_only``: a formula's value as Excel last calculated
    it, or None when it never did. Only a workbook with formulas is read a second time, in
    step, without ``data_only``, to tell such a formula from an empty cell. Measured on 10,000
    rows of five columns: one read 0.5 s, the scan 0.02 s to 0.09 s (about 5 % of a read); so
    a plain list pays about 5 % for the check, and only a list with formulas twice the time.
    The declared dimension is ignored (a sheet may claim A1:XFD1048576), and rows and columns
    are bounded as they come.
    """
    try:
        import openpyxl
    except ImportError:
        raise SheetError(
            _("reading XLSX needs openpyxl: pip install 'gbastd[xlsx]' (or save the sheet as CSV).")
        ) from None
    values = _book(openpyxl, path, data, data_only=True)
    kinds = _book(openpyxl, path, data, data_only=False) if archive.formulas else None
    if not values.worksheets:
        raise SheetError(_("{path} has no worksheet.").format(path=path))
    # A workbook gbastd did not write (its export has these two sheets) holds a cell "'=1+1"
    # only when a spreadsheet program opened an `export --excel` CSV, where that ' guarded a
    # formula, and saved it: such a cell loses exactly that ' (a ' typed into a spreadsheet
    # is not stored in the cell). gbastd's own workbooks are read exactly.
    guarded = values.sheetnames != list(_OWN_SHEETS)
    if sheet is None:
        positions: Iterable[int] = range(len(values.worksheets))
    else:
        positions = [_sheet_position(path, values.worksheets, sheet)]
    for position in positions:
        worksheet = values.worksheets[position]
        chosen.append(worksheet.title)
        formulas = None if kinds is None else kinds.worksheets[position]
        member = str(getattr(worksheet, "_worksheet_path", "")).lstrip("/")
        merges = sorted(archive.merges.get(member, ()), key=lambda merge: merge[1])
        lines = _xlsx_lines(path, worksheet, formulas, archive.errors, merges, guarded)
        yield Grid(lines, name=_("sheet '{name}'").format(name=worksheet.title))
        if assembly.header is not None:
            return


def _sheet_position(path: Path, worksheets: list[Any], wanted: str) -> int:
    """The 0-based position of the sheet ``--sheet`` names, by name or 1-based number."""
    titles = [worksheet.title for worksheet in worksheets]
    for folding in (str, lambda title: " ".join(title.split()).casefold()):
        matches = [n for n, title in enumerate(titles) if folding(title) == folding(wanted)]
        if matches:
            return matches[0]
    if wanted.isascii() and wanted.isdigit() and 1 <= int(wanted) <= len(titles):
        return int(wanted) - 1
    listed = ", ".join(f"{n} {title!r}" for n, title in enumerate(titles, start=1))
    raise SheetError(
        _("{path} has no sheet {name}; its sheets are {sheets}.").format(
            path=path, name=repr(wanted), sheets=listed
        )
    )


def _xlsx_lines(
    path: Path,
    worksheet: Any,
    formulas: Any,
    errors: bool,
    merges: list[tuple[int, int, int]],
    guarded: bool,
) -> Iterator[Line]:
    """A sheet's rows as text. A cell inside a range merged over several rows reads as the
    range's value (in the range's first column: a value spanning columns stays in the first).
    ``guarded``: drop the ``'`` that ``export --excel`` put before a formula (``_unguard``)."""
    detailed = formulas is not None or errors
    number = 0
    active: list[tuple[int, int, str]] = []  # last row, column, value of merges under way
    upcoming = 0  # the next merge (by first row) not yet reached
    try:
        worksheet.reset_dimensions()  # never trust the declared dimension: read what is there
        values = worksheet.iter_rows(values_only=not detailed)
        if formulas is not None:
            formulas.reset_dimensions()
        kinds = formulas.iter_rows() if formulas is not None else None
        for number, row in enumerate(values, start=1):
            _check_size(path, number, len(row))
            refused: Mapping[int, str] = {}
            if detailed:
                refused = _refused(row, next(kinds, ()) if kinds is not None else ())
                row = [cell.value for cell in row]
            texts = [_cell_text(value) for value in row]
            if guarded:
                texts = [_unguard(text) for text in texts]
            if merges:
                active = [merge for merge in active if merge[0] >= number]
                for _last, column, value in active:
                    texts.extend([""] * (column - len(texts)))
                    texts[column - 1] = texts[column - 1] or value
                while upcoming < len(merges) and merges[upcoming][1] <= number:
                    column, first, last = merges[upcoming]
                    upcoming += 1
                    if first == number and column <= len(texts) and texts[column - 1]:
                        active.append((last, column, texts[column - 1]))
            yield Line(number, texts, refused)
    except SheetError:
        raise
    except Exception as error:  # openpyxl, zipfile, zlib and the XML parser all raise
        raise SheetError(
            _("{path}, row {number}: the workbook is damaged ({reason}).").format(
                path=path, number=number + 1, reason=clause(error)
            )
        ) from None


def _refused(cells: Any, kinds: Any) -> dict[int, str]:
    """The cells of a row whose value is not data: a formula never calculated (None with
    ``data_only``; a calculated empty text has type ``str``), or an error such as #REF!."""
    refused: dict[int, str] = {}
    for column, cell in enumerate(cells, start=1):
        if cell.data_type == "e":
            refused[column] = _(
                "the error {value} where a value should be; correct it in the workbook."
            ).format(value=cell.value)
    for column, (cell, kind) in enumerate(zip(cells, kinds, strict=False), start=1):
        if kind.data_type == "f" and cell.value is None and cell.data_type != "str":
            refused[column] = _(
                "a formula whose value was never calculated; open the workbook in Excel, "
                "save it, and import it again."
            )
    return refused


def _checked_archive(path: Path, data: bytes, label: str) -> _Archive:
    """Check an archive's declared sizes and its XML members' CRCs, and scan them (see
    ``_Archive``); ``label`` names the kind of file expected, for a damaged one."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except _DAMAGED as error:
        raise SheetError(
            _("{path} cannot be read as {kind} ({reason}).").format(
                path=path, kind=label, reason=clause(error)
            )
        ) from None
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED:
        raise SheetError(
            _(
                "{path} unpacks to {size} MiB, more than the {limit} "
                "MiB any list of standards needs; it was not read."
            ).format(path=path, size=f"{unpacked // _MIB:,}", limit=MAX_UNPACKED // _MIB)
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            if label == "DOCX":
                message = _(
                    "{path}: {member} expands {ratio} times, more than the "
                    "{limit} times of any real document; it was not read."
                )
            else:
                message = _(
                    "{path}: {member} expands {ratio} times, more than the "
                    "{limit} times of any real sheet; it was not read."
                )
            raise SheetError(
                message.format(
                    path=path, member=member.filename, ratio=f"{ratio:,.0f}", limit=MAX_RATIO
                )
            )
    formulas = errors = False
    merges: dict[str, set[tuple[int, int, int]]] = {}
    for member in members:
        if not member.filename.endswith(".xml"):  # a sheet may live anywhere the rels say
            continue
        try:
            with archive.open(member) as stream:
                tail = b""
                while chunk := stream.read(_MIB):
                    window = tail + chunk
                    formulas = formulas or bool(_FORMULA_TAG.search(window))
                    errors = errors or bool(_ERROR_TYPE.search(window))
                    for found in _MERGE.finditer(window):
                        _add_merge(merges, member.filename, found)
                    tail = chunk[-256:]
        except _DAMAGED as error:
            raise SheetError(
                _("{path}: {member} is damaged ({reason}).").format(
                    path=path, member=member.filename, reason=clause(error)
                )
            ) from None
    names = frozenset(member.filename for member in members)
    return _Archive(names, formulas, errors, merges)


def _add_merge(merges: dict[str, set[tuple[int, int, int]]], member: str, found: Any) -> None:
    """Keep a merged range that spans rows, by its first column and its rows."""
    first, last = int(found[2]), int(found[4])
    column = _column_number(found[1])
    if last > first and column <= MAX_COLUMNS:
        merges.setdefault(member, set()).add((column, first, last))


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - ord("A") + 1
    return number


def _book(openpyxl: Any, path: Path, data: bytes, *, data_only: bool) -> Any:
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise SheetError(
            _("{path} cannot be read as XLSX ({reason}).").format(path=path, reason=clause(error))
        ) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

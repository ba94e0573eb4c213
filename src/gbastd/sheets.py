"""Reading a published list from a spreadsheet: CSV, TSV or XLSX, in the encodings Chinese
offices use, with the official list's columns or gbastd's own.

The official lists are tables of five columns: 序号, "湾区标准"识别号, 标准编号, 标准名称 and
发布单位. Headers are matched after folding quotes, spaces, width and Traditional characters,
so 「湾区标准」识别号, 灣區標準識別號 and "湾区标准" 识别号 all name the identifier.

Nothing lost, nothing raw: a file gbastd exported (CSV, CSV for Excel, TSV) reads back to the
values it was written from, and a value the import could not place (beyond the header, under
no header, in a second column for the same field, a formula Excel never calculated) is an
error naming its row and column, never dropped. Input is bounded: a file, an unpacked
workbook, rows and columns each have a limit, checked before the work they would cost.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from gbastd import text
from gbastd.edit import parse_value
from gbastd.errors import GbastdError, SheetError
from gbastd.fields import ENTRY_FIELDS, FIELDS, ROW_NUMBER_HEADER

_QUOTES = str.maketrans(dict.fromkeys("\"'“”‘’「」『』《》〈〉", ""))

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


def fold_header(name: str) -> str:
    """Fold a column header for matching: width, case, quotes, spaces, Traditional forms."""
    folded = text.fold_han(unicodedata.normalize("NFKC", name)).translate(_QUOTES)
    return "".join(folded.split()).casefold()


def _columns() -> dict[str, str | None]:
    """Every header a column may have (folded) and the field it fills; None: ignored.

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
_COLUMNS_NEEDED = [field for field in ENTRY_FIELDS if field.required and field.official]
OFFICIAL_HEADERS = [ROW_NUMBER_HEADER, *(f.official for f in ENTRY_FIELDS if f.official)]
ENCODINGS = ("utf-8-sig", "gb18030")
"""Tried in order when no encoding is given: UTF-8 (with or without BOM), then GB18030, the
superset of GBK that Excel on a Chinese Windows writes."""

_UNNAMED = ""
"""In the list of a header's fields: a column without a header, which must hold nothing."""


class _Row(NamedTuple):
    """One row of a sheet as text cells; ``refused``: 1-based columns whose value is not data
    (XLSX: a formula never calculated, an error value), with the reason."""

    number: int
    cells: list[str]
    refused: Mapping[int, str] = MappingProxyType({})


def read_rows(path: Path, *, encoding: str | None = None) -> list[dict[str, Any]]:
    """Return the file's rows as field → value (parsed), skipping empty rows.

    Raises:
        SheetError: unreadable, too large, undecodable, unknown or duplicated columns, a value
            the header does not place, or a value of the wrong type.
    """
    data = _read(path)
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        table: Iterator[_Row] = iter(_xlsx_rows(path, data))
    else:
        table = _text_rows(path, data, encoding)
    first = next(table, None)
    if first is None:
        raise SheetError(f"{path} is empty.")
    fields = _fields(path, first.cells)
    rows = []
    for number, cells, refused in table:
        _check_placed(path, number, fields, cells, refused)
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
                    f"{path}, row {number}, column {column} ({field}): {error}"
                ) from None
            if value not in (None, ()):
                row[field] = value
        rows.append(row)
    return rows


def _check_placed(
    path: Path,
    number: int,
    fields: list[str | None],
    cells: list[str],
    refused: Mapping[int, str],
) -> None:
    """Refuse a row holding a value that no column of the header takes in, or a cell whose
    value is not data."""
    for column, reason in sorted(refused.items()):
        if column > len(fields) or fields[column - 1] is not None:  # 序号 is ignored anyway
            raise SheetError(f"{path}, row {number}, column {column}: {reason}")
    for column, (field, cell) in enumerate(zip(fields, cells, strict=False), start=1):
        if field == _UNNAMED and cell.strip():
            raise SheetError(
                f"{path}, row {number}, column {column}: a value under a column with no "
                "header; name the column or empty it."
            )
    for column in range(len(fields) + 1, len(cells) + 1):
        if cells[column - 1].strip():
            raise SheetError(
                f"{path}, row {number}, column {column}: a value beyond the header's "
                f"{len(fields)} columns."
            )


def _fields(path: Path, header: list[str]) -> list[str | None]:
    """The field each column fills: a name, None (序号, ignored) or ``_UNNAMED``."""
    fields: list[str | None] = []
    seen: dict[str, int] = {}
    for column, name in enumerate(header, start=1):
        folded = fold_header(name)
        if folded == "":
            fields.append(_UNNAMED)
            continue
        if folded not in COLUMNS:
            raise SheetError(
                f"{path}: unknown column {name!r}. Understood: the official list's columns "
                f"({', '.join(OFFICIAL_HEADERS)}) or gbastd's ({', '.join(FIELDS)})."
            )
        field = COLUMNS[folded]
        if field is not None and field in seen:
            earlier = seen[field]
            raise SheetError(
                f"{path}, row 1: columns {earlier} ({header[earlier - 1]!r}) and {column} "
                f"({name!r}) both give {field}; keep one of them."
            )
        if field is not None:
            seen[field] = column
        fields.append(field)
    for needed in _COLUMNS_NEEDED:  # a published list always has them
        if needed.name not in fields:
            raise SheetError(f"{path}: no {needed.official} column ({needed.name}).")
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
        raise SheetError(f"{path}: cannot be read ({error.strerror or error}).") from None
    if len(data) > MAX_BYTES:
        raise _too_large(path)
    return data


def _too_large(path: Path) -> SheetError:
    return SheetError(
        f"{path} is larger than {MAX_BYTES // _MIB} MiB, far beyond any list of standards."
    )


def _check_size(path: Path, number: int, width: int) -> None:
    if number > MAX_ROWS:
        raise SheetError(
            f"{path} has more than {MAX_ROWS:,} rows, far beyond any list of standards."
        )
    if width > MAX_COLUMNS:
        raise _too_wide(path, number)


def _too_wide(path: Path, number: int) -> SheetError:
    return SheetError(
        f"{path}, row {number}: more than {MAX_COLUMNS} columns, far beyond any list of standards."
    )


# ---------------------------------------------------------------- CSV and TSV


def _text_rows(path: Path, data: bytes, encoding: str | None) -> Iterator[_Row]:
    decoded, bom = _decode(path, data, encoding)
    if path.suffix.lower() == ".tsv" or _looks_tab_separated(decoded):
        return _tsv_rows(path, decoded)
    return _csv_rows(path, decoded, excel=bom)


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, bool]:
    """The text and whether it began with a UTF-8 byte order mark."""
    for candidate in (encoding,) if encoding else ENCODINGS:
        try:
            name = codecs.lookup(candidate).name
            decoded = data.decode(candidate)
        except LookupError as error:
            reason = "not a text encoding" if "text encoding" in str(error) else "unknown"
            raise SheetError(f"encoding {candidate!r} is {reason}.") from None
        except UnicodeDecodeError as error:
            if encoding is None:
                continue
            if len(error.object) == len(data):  # a codec may report a part (idna: a label)
                where = f"byte 0x{data[error.start]:02x} at offset {error.start}"
            else:
                where = error.reason
            raise SheetError(f"{path} is not {encoding} ({where}).") from None
        except Exception as error:  # idna, punycode and others raise errors of their own
            raise SheetError(
                f"{path} cannot be decoded as {candidate} ({_reason(error)})."
            ) from None
        bom = name in {"utf-8", "utf-8-sig"} and data.startswith(codecs.BOM_UTF8)
        return decoded.removeprefix("\ufeff"), bom
    raise SheetError(
        f"{path} is neither UTF-8 nor GB18030/GBK text; name its encoding with --encoding."
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
        f"{path}, row {number}: a cell longer than {_cell_limit():,} characters, far beyond "
        "any title or note."
    )


def _csv_rows(path: Path, decoded: str, *, excel: bool) -> Iterator[_Row]:
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
                    f"{path}, row {number + 1}: longer than {budget:,} characters ("
                    f"{MAX_COLUMNS} cells of at most {_cell_limit():,}), far beyond any list "
                    "of standards."
                )
            yield line

    try:
        for number, cells in enumerate(csv.reader(lines()), start=1):
            taken = 0
            _check_size(path, number, len(cells))
            yield _Row(number, [_unguard(cell) for cell in cells] if excel else cells)
    except csv.Error as error:
        if "field limit" in str(error):
            raise _long_cell(path, number + 1) from None
        raise SheetError(f"{path}, row {number + 1}: not readable as CSV ({error}).") from None


def _unguard(cell: str) -> str:
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(FORMULA_START) else cell


_TSV_ESCAPE = re.compile(r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|.?)", re.DOTALL)
_TSV_SIMPLE = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _tsv_rows(path: Path, decoded: str) -> Iterator[_Row]:
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
        yield _Row(number, cells)


def _tsv_unescape(path: Path, number: int, column: int, cell: str) -> str:
    def one(match: re.Match[str]) -> str:
        code = match[1]
        if code in _TSV_SIMPLE:
            return _TSV_SIMPLE[code]
        if len(code) > 1 and not 0xD800 <= int(code[1:], 16) <= 0xDFFF:
            return chr(int(code[1:], 16))
        raise SheetError(
            f"{path}, row {number}, column {column}: {match[0]!r} is not a TSV escape (a "
            "backslash is written \\\\, a tab, newline, CR or control character \\t, \\n, "
            "\\r or \\xHH)."
        )

    return _TSV_ESCAPE.sub(one, cell)


# ---------------------------------------------------------------- XLSX

# A formula element in a worksheet's XML, with or without a namespace prefix.
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")
# A cell of type error (#REF!, #N/A): t="e".
_ERROR_TYPE = re.compile(rb"\st\s*=\s*[\"']e[\"']")
# What a damaged archive raises while a member is read: a bad CRC, a truncated or corrupt
# deflate stream, an encrypted or unsupported member.
_DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError)


def _xlsx_rows(path: Path, data: bytes) -> list[_Row]:
    """The first worksheet's rows, as text.

    Before anything is parsed, the archive's declared sizes are checked (``MAX_UNPACKED``,
    ``MAX_RATIO``) and its XML members read once, which checks their CRCs and finds whether
    any holds a formula or an error value (a chart's formula only costs a second read).

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
            "reading XLSX needs openpyxl: pip install 'gbastd[xlsx]' (or save the sheet as CSV)."
        ) from None
    import warnings

    formulas, errors = _checked_archive(path, data)
    detailed = formulas or errors
    rows: list[_Row] = []
    number = 0
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it does not read: nothing a list needs.
        warnings.simplefilter("ignore")
        try:
            values = _sheet(openpyxl, path, data, data_only=True).iter_rows(
                values_only=not detailed
            )
            kinds = _sheet(openpyxl, path, data, data_only=False).iter_rows() if formulas else None
            for number, row in enumerate(values, start=1):
                _check_size(path, number, len(row))
                refused: Mapping[int, str] = {}
                if detailed:
                    refused = _refused(row, next(kinds, ()) if kinds is not None else ())
                    row = [cell.value for cell in row]
                texts = [_cell_text(value) for value in row]
                if number == 1 or refused or any(texts):
                    rows.append(_Row(number, texts, refused))
        except SheetError:
            raise
        except Exception as error:  # openpyxl, zipfile, zlib and the XML parser all raise
            raise SheetError(
                f"{path}, row {number + 1}: the workbook is damaged ({_reason(error)})."
            ) from None
    return rows


def _refused(cells: Any, kinds: Any) -> dict[int, str]:
    """The cells of a row whose value is not data: a formula never calculated (None with
    ``data_only``; a calculated empty text has type ``str``), or an error such as #REF!."""
    refused: dict[int, str] = {}
    for column, cell in enumerate(cells, start=1):
        if cell.data_type == "e":
            refused[column] = (
                f"the error {cell.value} where a value should be; correct it in the workbook."
            )
    for column, (cell, kind) in enumerate(zip(cells, kinds, strict=False), start=1):
        if kind.data_type == "f" and cell.value is None and cell.data_type != "str":
            refused[column] = (
                "a formula whose value was never calculated; open the workbook in Excel, "
                "save it, and import it again."
            )
    return refused


def _checked_archive(path: Path, data: bytes) -> tuple[bool, bool]:
    """Check an XLSX archive's declared sizes and its XML members' CRCs; return whether one
    holds a formula, and whether one holds an error value."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (*_DAMAGED, ValueError) as error:
        raise SheetError(f"{path} cannot be read as XLSX ({_reason(error)}).") from None
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED:
        raise SheetError(
            f"{path} unpacks to {unpacked // _MIB:,} MiB, more than the {MAX_UNPACKED // _MIB} "
            "MiB any list of standards needs; it was not read."
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FLOOR and ratio > MAX_RATIO:
            raise SheetError(
                f"{path}: {member.filename} expands {ratio:,.0f} times, more than the "
                f"{MAX_RATIO} times of any real sheet; it was not read."
            )
    formulas = errors = False
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
                    tail = chunk[-64:]
        except _DAMAGED as error:
            raise SheetError(f"{path}: {member.filename} is damaged ({_reason(error)}).") from None
    return formulas, errors


def _sheet(openpyxl: Any, path: Path, data: bytes, *, data_only: bool) -> Any:
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise SheetError(f"{path} cannot be read as XLSX ({_reason(error)}).") from None
    if not book.worksheets:
        raise SheetError(f"{path} has no worksheet.")
    sheet = book.worksheets[0]
    sheet.reset_dimensions()  # never trust the declared dimension: read what is there
    return sheet


def _reason(error: BaseException) -> str:
    """An exception as a short clause: its message, else its kind; no trailing full stop."""
    return (str(error) or type(error).__name__).rstrip(".")


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

"""Reading a published list from a spreadsheet: CSV, TSV or XLSX, in the encodings Chinese
offices use, with the official list's columns or gbastd's own.

The official lists are tables of five columns: 序号, "湾区标准"识别号, 标准编号, 标准名称 and
发布单位. Headers are matched after folding quotes, spaces, width and Traditional characters,
so 「湾区标准」识别号, 灣區標準識別號 and "湾区标准" 识别号 all name the identifier.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path
from typing import Any

from gbastd import text
from gbastd.edit import parse_value
from gbastd.errors import GbastdError, SheetError
from gbastd.fields import ENTRY_FIELDS, FIELDS, ROW_NUMBER_HEADER

_QUOTES = str.maketrans(dict.fromkeys("\"'“”‘’「」『』《》〈〉", ""))


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
OFFICIAL_HEADERS = [ROW_NUMBER_HEADER, *(f.official for f in ENTRY_FIELDS if f.official)]
ENCODINGS = ("utf-8-sig", "gb18030")
"""Tried in order when no encoding is given: UTF-8 (with or without BOM), then GB18030, the
superset of GBK that Excel on a Chinese Windows writes."""


def read_rows(path: Path, *, encoding: str | None = None) -> list[dict[str, Any]]:
    """Return the file's rows as field → value (parsed), skipping empty rows.

    Raises:
        SheetError: unreadable, undecodable, unknown columns, or a value of the wrong type.
    """
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        table = _xlsx_table(path)
    else:
        table = _text_table(path, encoding)
    if not table:
        raise SheetError(f"{path} is empty.")
    header, *body = table
    fields = _fields(path, header)
    rows = []
    for number, cells in enumerate(body, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row: dict[str, Any] = {}
        for column, (field, cell) in enumerate(zip(fields, cells, strict=False), start=1):
            if field is None:
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


def _fields(path: Path, header: list[str]) -> list[str | None]:
    fields: list[str | None] = []
    for name in header:
        folded = fold_header(name)
        if folded in COLUMNS:
            fields.append(COLUMNS[folded])
        elif folded == "":
            fields.append(None)
        else:
            raise SheetError(
                f"{path}: unknown column {name!r}. Understood: the official list's columns "
                f"({', '.join(OFFICIAL_HEADERS)}) or gbastd's ({', '.join(FIELDS)})."
            )
    if "title_zh" not in fields:
        raise SheetError(f"{path}: no title column (标准名称 or title_zh).")
    return fields


def _text_table(path: Path, encoding: str | None) -> list[list[str]]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SheetError(f"{path}: cannot be read ({error.strerror}).") from None
    decoded = _decode(path, data, encoding)
    dialect = (
        "excel-tab" if path.suffix.lower() == ".tsv" or _looks_tab_separated(decoded) else "excel"
    )
    return list(csv.reader(io.StringIO(decoded, newline=""), dialect))


def _decode(path: Path, data: bytes, encoding: str | None) -> str:
    for candidate in (encoding,) if encoding else ENCODINGS:
        try:
            decoded = data.decode(candidate)
        except LookupError:
            raise SheetError(f"unknown encoding {candidate!r}.") from None
        except UnicodeDecodeError as error:
            if encoding:
                raise SheetError(
                    f"{path} is not {encoding} (byte 0x{data[error.start]:02x} at offset "
                    f"{error.start})."
                ) from None
            continue
        return decoded.removeprefix("\ufeff")
    raise SheetError(
        f"{path} is neither UTF-8 nor GB18030/GBK text; name its encoding with --encoding."
    )


def _looks_tab_separated(decoded: str) -> bool:
    first = decoded.split("\n", 1)[0]
    return "\t" in first and "," not in first


def _xlsx_table(path: Path) -> list[list[str]]:
    try:
        import openpyxl
    except ImportError:
        raise SheetError(
            "reading XLSX needs openpyxl: pip install 'gbastd[xlsx]' (or save the sheet as CSV)."
        ) from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged or foreign file
        raise SheetError(f"{path} cannot be read as XLSX ({error}).") from None
    sheet = book.worksheets[0]
    return [[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def _cell_text(value: object) -> str:
    from datetime import date, datetime

    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)

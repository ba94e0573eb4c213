"""Tables people read: column headers in their language, and the published list's own layout.

Every header comes from the field table (``fields.py``): a field's key, its label in
Simplified Chinese, Traditional Chinese or English, or the official list's column header.
A ``Table`` keeps, beside each header, the field its column holds, so that writers which care
about kinds (dates and numbers in XLSX, say) need not read the headers back.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import Any, NamedTuple

from gbastd import query
from gbastd.fields import BY_NAME, CATALOGUE_FIELDS, ENTRY_FIELDS, ROW_NUMBER_HEADER, Field
from gbastd.records import CatalogueInfo, Standard


def display_width(text: str) -> int:
    """Columns ``text`` takes in a fixed-width font: wide and full-width characters count two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


class Headers(StrEnum):
    """What a column header says: the schema key, or a field's label in one language."""

    KEYS = "keys"
    ZH = "zh"
    ZH_HANT = "zh-hant"
    EN = "en"


class Layout(StrEnum):
    """Which columns a table has: the chosen fields, or the official list's five."""

    FIELDS = "fields"
    OFFICIAL = "official"


def label(field: Field, headers: Headers) -> str:
    """Return the header of ``field``'s column in the language ``headers`` names."""
    if headers is Headers.KEYS:
        return field.name
    if headers is Headers.ZH:
        return field.zh
    if headers is Headers.ZH_HANT:
        return field.zh_hant
    return field.en


OFFICIAL_FIELDS: tuple[str, ...] = tuple(f.name for f in ENTRY_FIELDS if f.official)
"""The fields of the official list's columns after 序号, in the list's order."""
OFFICIAL_HEADERS: tuple[str, ...] = (
    ROW_NUMBER_HEADER,
    *(BY_NAME[name].official or name for name in OFFICIAL_FIELDS),
)


class Table(NamedTuple):
    """Rows of values under headers; ``fields`` names the field each column holds (None: the
    row number of the official layout)."""

    headers: tuple[str, ...]
    fields: tuple[str | None, ...]
    rows: list[tuple[Any, ...]]


def entries_table(
    standards: Iterable[Standard], columns: Sequence[str], headers: Headers, *, today: str
) -> Table:
    """Return the entries' ``columns`` (schema keys) under headers in the chosen language."""
    return Table(
        tuple(label(BY_NAME[name], headers) for name in columns),
        tuple(columns),
        query.rows(standards, columns, today=today),
    )


def official_table(standards: Iterable[Standard], *, today: str) -> Table:
    """Return the official list's five columns, numbered from 1 in the order given (pass the
    entries in identifier order, as the list keeps them)."""
    rows = query.rows(standards, OFFICIAL_FIELDS, today=today)
    return Table(
        OFFICIAL_HEADERS,
        (None, *OFFICIAL_FIELDS),
        [(number, *row) for number, row in enumerate(rows, start=1)],
    )


# Words of the file descriptions (an XLSX's second sheet, the report), in zh, zh-Hant and en.
WORDS: dict[str, tuple[str, str, str]] = {
    "coverage": ("收录情况", "收錄情況", "Coverage"),
    "filters": ("筛选条件", "篩選條件", "Filters"),
    "no_filters": ("无（全部条目）", "無（全部條目）", "none (every entry)"),
    "generated": ("生成", "生成", "Generated"),
    "entries": ("本文件条目", "本檔案條目", "Entries in this file"),
}


def word(key: str, headers: Headers) -> str:
    """A word of the descriptions in the language of ``headers`` (keys: English)."""
    zh, zh_hant, en = WORDS[key]
    return {Headers.ZH: zh, Headers.ZH_HANT: zh_hant}.get(headers, en)


def coverage(catalogued: int, published: int | None, as_of: str | None, headers: Headers) -> str:
    """How much of the official list the catalogue holds, as a sentence."""
    if headers is Headers.ZH or headers is Headers.ZH_HANT:
        simplified = headers is Headers.ZH
        have = f"已收录 {catalogued} 项" if simplified else f"已收錄 {catalogued} 項"
        if published is None:
            return have + ("；官方清单总数未知。" if simplified else "；官方清單總數未知。")
        total = f"官方清单共 {published} 项" if simplified else f"官方清單共 {published} 項"
        return f"{total}，{have}" + (f"（截至 {as_of}）。" if as_of else "。")
    if published is None:
        return f"{catalogued} entries catalogued; the size of the official list is unknown."
    when = f" (official total as of {as_of})" if as_of else ""
    return f"{catalogued} of {published} listed items catalogued{when}."


def about(
    info: CatalogueInfo,
    catalogued: int,
    count: int,
    *,
    filters: str,
    version: str,
    today: str,
    headers: Headers,
) -> list[tuple[str, str]]:
    """(label, value) pairs that say what an exported file is: the catalogue, its coverage of
    the official list (``catalogued`` entries in all), its licence, the ``count`` entries the
    file holds, the filters used and the gbastd that wrote it."""
    by_name = {field.name: field for field in CATALOGUE_FIELDS}
    pairs = [(label(by_name["name"], headers), info.name)]
    if info.as_of is not None:
        pairs.append((label(by_name["as_of"], headers), info.as_of))
    total = coverage(catalogued, info.published_total, info.as_of, headers)
    pairs.append((word("coverage", headers), total))
    for name in ("licence", "notes"):
        value = getattr(info, name)
        if value is not None:
            pairs.append((label(by_name[name], headers), value))
    pairs += [
        (word("entries", headers), str(count)),
        (word("filters", headers), filters or word("no_filters", headers)),
        (word("generated", headers), f"gbastd {version}, {today}"),
    ]
    return pairs

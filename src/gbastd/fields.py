"""The field table: every field of a catalogue file, declared once, as plain data.

Everything that names fields is derived from these two tables: the records (``records.py``),
the pydantic models and their JSON Schema (``model.py``), value parsing (``edit.py``), the
options of ``add`` and ``edit --set``, import column mapping (``sheets.py``), table columns
(``render.py``), the TOML layout (``document.py``) and the README's schema table
(``schema_markdown``). This module imports nothing, so knowing the fields costs start-up
nothing; adding a row here adds the field everywhere.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from enum import StrEnum
    from typing import NamedTuple
else:
    from gbastd._plain import NamedTuple, StrEnum


class Kind(StrEnum):
    """What a field holds, which decides how it is validated, parsed, stored and shown."""

    TEXT = "text"
    ID = "id"  # a GBA identifier, stored in canonical form (WQ 1-8)
    CODE = "code"  # the number of a standard (T/GBAS 6-2022), compared by its lookup key
    DATE = "date"  # a TOML date; an ISO 8601 string in records
    INTEGER = "integer"
    TAGS = "tags"  # a list of domain tags declared in [domains]
    URLS = "urls"  # a list of http(s) URLs
    STATUS = "status"  # one of records.Status
    TOTALS = "totals"  # the [[catalogue.totals]] tables


class Search(StrEnum):
    """How ``search`` weighs a match in a field (and whether ``show KEY`` matches it)."""

    ID = "id"  # exact or partial identifier; a lookup key
    TITLE = "title"  # exact, prefix or part of a title; a lookup key
    OTHER = "other"  # found only when no id or title matches


class Field(NamedTuple):
    """One field: its name in files and output, what it holds, and how people read it."""

    name: str
    kind: Kind
    description: str
    zh: str  # label in Simplified Chinese
    zh_hant: str  # label in Traditional Chinese
    en: str  # label in English
    required: bool = False
    identifying: bool = False  # unique across entries; entries are matched and named by it
    official: str | None = None  # the column header of the published list, where it has one
    aliases: tuple[str, ...] = ()  # other headers a published table uses for this column
    item: str | None = None  # a list field's singular, which names its option (--domain)
    minimum: int | None = None  # an integer's smallest value
    search: Search | None = None
    column: bool = False  # one of the default table columns of list and search
    heading: tuple[str, str, str] | None = None  # a table column's short header, zh/zh-Hant/en

    @property
    def labels(self) -> tuple[str, str, str]:
        """The labels in zh, zh-Hant and en."""
        return self.zh, self.zh_hant, self.en

    @property
    def headings(self) -> tuple[str, str, str]:
        """The header of the field's table column in zh, zh-Hant and en: short where the
        label is long, so that a table fits a narrow terminal with its header on one line."""
        return self.heading or self.labels


ENTRY_FIELDS: tuple[Field, ...] = (
    Field(
        "gba_id",
        Kind.ID,
        'The list\'s own identifier ("湾区标准"识别号); WQ1-8, wq 1-8 and full-width ＷＱ１－８ '
        "are all stored as WQ 1-8.",
        "湾区标准识别号",
        "灣區標準識別號",
        "GBA identifier",
        identifying=True,
        official='"湾区标准"识别号',
        aliases=("识别号",),
        search=Search.ID,
        column=True,
        heading=("识别号", "識別號", "ID"),
    ),
    Field(
        "code",
        Kind.CODE,
        "Number of the standard the item confirms (标准编号), e.g. T/GBAS 6-2022.",
        "标准编号",
        "標準編號",
        "Standard number",
        identifying=True,
        official="标准编号",
        aliases=("标准号",),
        search=Search.ID,
        column=True,
        heading=("标准编号", "標準編號", "Code"),
    ),
    Field(
        "title_zh",
        Kind.TEXT,
        "Title in Simplified Chinese.",
        "标准名称",
        "標準名稱（簡體）",
        "Title (Simplified Chinese)",
        required=True,
        identifying=True,
        official="标准名称",
        search=Search.TITLE,
        column=True,
        heading=("标准名称", "標準名稱（簡體）", "Title"),
    ),
    Field(
        "title_zh_hant",
        Kind.TEXT,
        "Title in Traditional Chinese.",
        "标准名称（繁体）",
        "標準名稱（繁體）",  # not 標準名稱: that is the official header 标准名称, in Traditional
        "Title (Traditional Chinese)",
        search=Search.TITLE,
    ),
    Field(
        "title_en",
        Kind.TEXT,
        "English title, where a source gives one.",
        "英文名称",
        "英文名稱",
        "Title (English)",
        search=Search.TITLE,
    ),
    Field(
        "domains",
        Kind.TAGS,
        "One or more domain tags declared in [domains].",
        "领域",
        "領域",
        "Domains",
        required=True,
        item="domain",
        column=True,
    ),
    Field(
        "batch",
        Kind.INTEGER,
        "Which list: 1 = the list of 2023-04-24, 2 = the list of 2024-02-01.",
        "批次",
        "批次",
        "Batch",
        minimum=1,
    ),
    Field(
        "listed",
        Kind.DATE,
        "Date the item joined the GBA list.",
        "列入日期",
        "列入日期",
        "Listed",
        column=True,
    ),
    Field(
        "issued",
        Kind.DATE,
        "Issue date of the standard itself.",
        "发布日期",
        "發布日期",
        "Issued",
    ),
    Field(
        "effective",
        Kind.DATE,
        "Date the standard takes effect; not before the issue date.",
        "实施日期",
        "實施日期",
        "Effective",
    ),
    Field(
        "status",
        Kind.STATUS,
        "Stated status: current, upcoming or withdrawn; when absent it is derived from the "
        "dates, else unknown.",
        "状态",
        "狀態",
        "Status",
        column=True,
    ),
    Field(
        "publisher",
        Kind.TEXT,
        "Publisher (发布单位), or the lead body a source names.",
        "发布单位",
        "發布單位",
        "Publisher",
        official="发布单位",
        search=Search.OTHER,
    ),
    Field(
        "group",
        Kind.TEXT,
        "The source's own grouping, e.g. 潮菜.",
        "分组",
        "分組",
        "Group",
        search=Search.OTHER,
    ),
    Field(
        "platform_category",
        Kind.TEXT,
        "Category under which the official platform files the item.",
        "平台分类",
        "平台分類",
        "Platform category",
    ),
    Field(
        "sources",
        Kind.URLS,
        "URLs of the sources for this entry.",
        "来源",
        "來源",
        "Sources",
        required=True,
        item="source",
    ),
    Field(
        "notes",
        Kind.TEXT,
        "Context from the source.",
        "备注",
        "備註",
        "Notes",
    ),
)
"""The fields of a ``[[standard]]`` entry, in file and output order."""

CATALOGUE_FIELDS: tuple[Field, ...] = (
    Field("name", Kind.TEXT, "Name of the catalogue.", "名称", "名稱", "Name", required=True),
    Field(
        "as_of",
        Kind.DATE,
        "Date the published total was last checked.",
        "核对日期",
        "核對日期",
        "As of",
    ),
    Field(
        "published_total",
        Kind.INTEGER,
        "Items on the official list at as_of, for coverage figures.",
        "官方清单总数",
        "官方清單總數",
        "Published total",
        minimum=0,
    ),
    Field(
        "licence",
        Kind.TEXT,
        "Licence and source statement.",
        "许可",
        "許可",
        "Licence",
    ),
    Field("notes", Kind.TEXT, "Notes on the catalogue.", "备注", "備註", "Notes"),
    Field(
        "totals",
        Kind.TOTALS,
        "Published totals of the official list over time.",
        "官方清单总数记录",
        "官方清單總數記錄",
        "Published totals",
    ),
)
"""The fields of the ``[catalogue]`` section, in file order."""

ROW_NUMBER_HEADER = "序号"
"""The published list's first column, its row number, which no field holds."""

FIELDS: tuple[str, ...] = tuple(field.name for field in ENTRY_FIELDS)
"""The entry fields' names, in output order (CSV columns, JSON keys)."""
BY_NAME: dict[str, Field] = {field.name: field for field in ENTRY_FIELDS}
REQUIRED: tuple[str, ...] = tuple(f.name for f in ENTRY_FIELDS if f.required)
IDENTIFYING: tuple[str, ...] = tuple(f.name for f in ENTRY_FIELDS if f.identifying)
"""The fields that are unique across entries and name them, in order of preference."""
DATE_FIELDS = frozenset(f.name for f in ENTRY_FIELDS if f.kind is Kind.DATE)
TABLE_COLUMNS: tuple[str, ...] = tuple(f.name for f in ENTRY_FIELDS if f.column)
LOOKUP_FIELDS: tuple[str, ...] = tuple(
    f.name for f in ENTRY_FIELDS if f.search in (Search.ID, Search.TITLE)
)
"""The fields whose values ``show KEY`` matches: identifiers and titles in every script."""


def is_list(field: Field) -> bool:
    """Tell whether a field holds a list of values."""
    return field.kind in (Kind.TAGS, Kind.URLS)


LIST_FIELDS = frozenset(f.name for f in ENTRY_FIELDS if is_list(f))

LARGEST_INTEGER = 999_999_999
"""The largest integer a field holds (a batch, a total): far beyond any real one, and short
of the digits Python refuses to convert."""


_KIND_WORDS = {
    Kind.TEXT: "text",
    Kind.ID: "GBA identifier",
    Kind.CODE: "text",
    Kind.DATE: "date",
    Kind.INTEGER: "integer",
    Kind.TAGS: "list of tags",
    Kind.URLS: "list of http(s) URLs",
    Kind.STATUS: "`current`, `upcoming` or `withdrawn`",
    Kind.TOTALS: "array of tables",
}


def type_words(field: Field) -> str:
    """Describe a field's type for people: kind, bounds and whether it is required."""
    words = _KIND_WORDS[field.kind]
    if field.minimum is not None:
        words += f" ≥ {field.minimum}"
    return words + (", **required**" if field.required else ", optional")


def schema_markdown(fields: tuple[Field, ...] = ENTRY_FIELDS) -> str:
    """Return the README's schema table of ``fields`` as Markdown (a test keeps it current)."""
    lines = [
        "| field | type | label (zh / zh-Hant / en) | official column | meaning |",
        "| --- | --- | --- | --- | --- |",
    ]
    for field in fields:
        labels = " / ".join(field.labels)
        official = field.official or ""
        lines.append(
            f"| `{field.name}` | {type_words(field)} | {labels} | {official} | "
            f"{field.description} |"
        )
    return "\n".join(lines) + "\n"

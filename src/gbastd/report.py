"""The one-file HTML report: coverage, the official total over time, bar charts, and a table of
the entries that sorts and filters in the browser and reads as a plain table without it.

The page loads nothing from anywhere: its style and script are inline, allowed by their hashes
in a Content-Security-Policy that forbids every other source, and its fonts are the system's.
Catalogue text goes through Jinja2 with autoescaping on, so a title ``<script>…`` is text.
Returns a string and does no other I/O; jinja2 is imported only here, only for a report.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from importlib import resources
from typing import Any, NamedTuple

from gbastd import layout, query, text
from gbastd.fields import BY_NAME, CATALOGUE_FIELDS, FIELDS, Kind, is_list
from gbastd.formats import LIST_SEPARATOR
from gbastd.layout import Headers, coverage, display_width, label
from gbastd.records import Catalogue, Standard
from gbastd.text import escape_controls

DEFAULT_COLUMNS: tuple[str, ...] = (
    "gba_id",
    "code",
    "title_zh",
    "publisher",
    "domains",
    "batch",
    "listed",
    "status",
    "sources",
)
"""The table's columns unless --fields names others (see ``default_columns``)."""


def default_columns(headers: Headers) -> tuple[str, ...]:
    """The table's columns for a report in the language of ``headers``: the Traditional title
    in a Traditional Chinese report, the English title beside the Chinese one in English."""
    if headers is Headers.ZH_HANT:
        return tuple("title_zh_hant" if c == "title_zh" else c for c in DEFAULT_COLUMNS)
    if headers in (Headers.EN, Headers.KEYS):
        at = DEFAULT_COLUMNS.index("title_zh") + 1
        return (*DEFAULT_COLUMNS[:at], "title_en", *DEFAULT_COLUMNS[at:])
    return DEFAULT_COLUMNS


_WHOLE = frozenset({Kind.ID, Kind.CODE, Kind.DATE, Kind.STATUS, Kind.INTEGER})
_SEARCHED = tuple(name for name in FIELDS if BY_NAME[name].search is not None)
_LANG = {Headers.ZH: "zh-Hans", Headers.ZH_HANT: "zh-Hant", Headers.EN: "en", Headers.KEYS: "en"}

# The page's own words, in zh, zh-Hant and en (keys: English), beside those it shares with
# the description of an exported file (layout.WORDS).
WORDS: dict[str, tuple[str, str, str]] = {
    "filters": layout.WORDS["filters"],
    "no_filters": layout.WORDS["no_filters"],
    "history": ("官方清单总数", "官方清單總數", "The official list's total over time"),
    "by_domain": ("按领域", "按領域", "By domain"),
    "by_batch": ("按批次", "按批次", "By batch"),
    "by_year": ("按列入年份", "按列入年份", "By year listed"),
    "batch": ("第 {} 批", "第 {} 批", "Batch {}"),
    "unknown": ("未知", "未知", "unknown"),
    "entries": ("条目", "條目", "Entries"),
    "filter": ("筛选（简繁皆可）", "篩選（簡繁皆可）", "Filter (Simplified or Traditional)"),
    "shown": ("显示 {} / {} 项", "顯示 {} / {} 項", "{} of {} shown"),
    "sort": ("点击表头排序", "點擊表頭排序", "Click a header to sort"),
    "generated": ("由 gbastd {} 于 {} 生成", "由 gbastd {} 於 {} 生成", "Made by gbastd {} on {}"),
    "none": ("没有符合条件的条目。", "沒有符合條件的條目。", "No entries match."),
}

CSP = (
    "default-src 'none'; style-src {style}; script-src {script}; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
"""Nothing may load: no fonts, images, scripts, styles or connections from anywhere; the
page's own style and script run because their hashes are named."""


def _words(headers: Headers) -> dict[str, str]:
    position = {Headers.ZH: 0, Headers.ZH_HANT: 1}.get(headers, 2)
    return {key: values[position] for key, values in WORDS.items()}


class Bar(NamedTuple):
    """One bar of a chart: its label, count, and geometry in the SVG's units."""

    label: str
    number: int
    y: int
    width: int
    unknown: bool


class Chart(NamedTuple):
    """A horizontal bar chart, laid out for inline SVG."""

    key: str
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int


_BAR = 22
_GAP = 6
_CHART_WIDTH = 640
_NUMBER_ROOM = 56
_PX_PER_COLUMN = 7.5  # a Latin character at 13px; a Chinese one counts two


def _chart(key: str, title: str, pairs: Sequence[tuple[str, int, bool]]) -> Chart:
    widest = max((display_width(name) for name, _, _ in pairs), default=4)
    label_width = min(int(widest * _PX_PER_COLUMN) + 12, 260)
    room = _CHART_WIDTH - label_width - _NUMBER_ROOM
    top = max((count for _, count, _ in pairs), default=0) or 1
    bars = [
        Bar(
            escape_controls(name),
            count,
            index * (_BAR + _GAP),
            max(round(room * count / top), 1),
            unknown,
        )
        for index, (name, count, unknown) in enumerate(pairs)
    ]
    height = max(len(bars) * (_BAR + _GAP) - _GAP, _BAR)
    return Chart(key, title, bars, _CHART_WIDTH, height, label_width)


class Cell(NamedTuple):
    """A table cell: its text, or links (href, text) for sources; ``unknown``: no value."""

    text: str
    links: tuple[tuple[str, str], ...] = ()
    unknown: bool = False
    numeric: bool = False
    whole: bool = False  # an identifier, code, date or status: never broken across lines


class Row(NamedTuple):
    cells: list[Cell]
    search: str  # every searched value, folded as ``search`` folds (Traditional→Simplified)


def _link_text(url: str) -> str:
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return host or url


def _cell(name: str, value: Any, domains: dict[str, str], unknown: str) -> Cell:
    if value is None or value == ():
        return Cell("—", unknown=True)
    field = BY_NAME[name]
    if field.kind is Kind.URLS:
        links = tuple(
            (url, _link_text(url)) for url in value if url.startswith(("https://", "http://"))
        )
        return Cell(LIST_SEPARATOR.join(value), links=links)
    if field.kind is Kind.TAGS:
        return Cell(escape_controls(LIST_SEPARATOR.join(domains.get(tag, tag) for tag in value)))
    return Cell(
        escape_controls(str(value)), numeric=isinstance(value, int), whole=field.kind in _WHOLE
    )


def _fold_table(rows: Sequence[Row]) -> dict[str, str]:
    """The Traditional→Simplified pairs a filter query needs for these rows: those whose
    Simplified character occurs in the rows' folded text (any other query character can match
    nothing, folded or not)."""
    from gbastd._hanzi import SIMPLIFIED, TRADITIONAL

    present = set().union(*(row.search for row in rows)) if rows else set()
    pairs = [(t, s) for t, s in zip(TRADITIONAL, SIMPLIFIED, strict=True) if s in present]
    return {"t": "".join(t for t, _ in pairs), "s": "".join(s for _, s in pairs)}


def _asset(name: str) -> str:
    return (resources.files("gbastd") / "templates" / name).read_text(encoding="utf-8")


def _hash(source: str) -> str:
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def to_html(
    catalogue: Catalogue,
    standards: Sequence[Standard],
    *,
    today: str,
    headers: Headers,
    columns: Sequence[str] | None = None,
    filters: str = "",
    version: str = "",
) -> str:
    """Return the report of ``standards`` (in the order given) as one HTML document.

    Labels and headers are in the language ``headers`` names (keys: English words and the
    schema's keys as headers); ``filters`` says which options chose the entries.
    """
    import jinja2

    columns = columns or default_columns(headers)
    words = _words(headers)
    info = catalogue.info
    domain_labels = {
        tag: (tag if headers is Headers.KEYS else label_of(domain, headers))
        for tag, domain in catalogue.domains.items()
    }

    def counts(field: str) -> list[tuple[Any, int]]:
        return query.count_by(standards, field, today=today)

    unknown = words["unknown"]
    charts = [
        _chart(
            "domain",
            words["by_domain"],
            [
                (domain_labels.get(v, v) if v else unknown, n, v is None)
                for v, n in sorted(counts("domains"), key=lambda pair: -pair[1])
            ],
        ),
        _chart(
            "batch",
            words["by_batch"],
            [
                (words["batch"].format(v) if v is not None else unknown, n, v is None)
                for v, n in counts("batch")
            ],
        ),
        _chart(
            "year",
            words["by_year"],
            [(str(v) if v else unknown, n, v is None) for v, n in counts("listed")],
        ),
    ]
    history = [(t.as_of, t.total) for t in info.totals]
    # The total checked at as_of, unless the history already ends with it.
    total, as_of = info.published_total, info.as_of
    if total is not None and as_of is not None and (not history or history[-1][1] != total):
        history.append((as_of, total))
    history_chart = _chart("history", words["history"], [(d, n, False) for d, n in history])

    rows = [
        Row(
            [
                _cell(name, value, domain_labels, unknown)
                for name, value in zip(columns, values, strict=True)
            ],
            escape_controls(" ".join(text.fold(v) for v in _searched(standard))),
        )
        for standard, values in zip(
            standards, query.rows(standards, columns, today=today), strict=True
        )
    ]
    style, script = _asset("report.css"), _asset("report.js")
    assert "</" not in script and "</" not in style
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("gbastd", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    by_name = {field.name: field for field in CATALOGUE_FIELDS}
    return environment.get_template("report.html.j2").render(
        lang=_LANG[headers],
        csp=CSP.format(style=_hash(style), script=_hash(script)),
        style=style,
        script=script,
        words=words,
        info=info,
        licence_label=label(by_name["licence"], headers),
        headline=coverage(len(catalogue.standards), info.published_total, info.as_of, headers),
        catalogued=len(catalogue.standards),
        shown=len(standards),
        history=history,
        history_chart=history_chart,
        charts=charts,
        headers=[label(BY_NAME[name], headers) for name in columns],
        sortable=[BY_NAME[name].kind is not Kind.URLS for name in columns],
        is_list=[is_list(BY_NAME[name]) for name in columns],
        rows=rows,
        fold=_fold_table(rows),
        filters=filters or words["no_filters"],
        generated=words["generated"].format(version, today),
    )


def label_of(domain: Any, headers: Headers) -> str:
    """A domain's label in the language ``headers`` names."""
    if headers is Headers.ZH:
        return str(domain.zh)
    if headers is Headers.ZH_HANT:
        return str(domain.zh_hant)
    return str(domain.en)


def _searched(standard: Standard) -> list[str]:
    return [value for name in _SEARCHED if isinstance(value := getattr(standard, name), str)]

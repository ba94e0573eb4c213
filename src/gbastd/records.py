"""The in-memory form of a validated catalogue: immutable records of plain values.

``model.py`` (pydantic) decides what is valid and turns a catalogue file into these records;
everything after loading (query, formats, render, cli) reads only these. They hold JSON-ready
values (dates as ISO 8601 strings, lists as tuples) so that a validated catalogue can be cached
and reloaded without importing pydantic, which is what keeps every command quick to start.
A test checks that ``Standard`` has exactly the fields of ``model.StandardModel``, in order.
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple


class Status(StrEnum):
    """Where a standard stands; stated in the catalogue or derived from its dates."""

    CURRENT = "current"
    UPCOMING = "upcoming"
    WITHDRAWN = "withdrawn"


class Standard(NamedTuple):
    """One item of the GBA Standards list (``[[standard]]`` in the catalogue file)."""

    gba_id: str | None
    code: str | None
    title_zh: str
    title_zh_hant: str | None
    title_en: str | None
    domains: tuple[str, ...]
    batch: int | None
    listed: str | None
    issued: str | None
    effective: str | None
    status: str | None
    publisher: str | None
    group: str | None
    platform_category: str | None
    sources: tuple[str, ...]
    notes: str | None

    @property
    def label(self) -> str:
        """Name the entry the way a person would: by its GBA id, else its code, else title."""
        return self.gba_id or self.code or self.title_zh


FIELDS: tuple[str, ...] = Standard._fields
"""The public schema's field names, in output order (CSV columns, JSON keys)."""

DATE_FIELDS = frozenset({"listed", "issued", "effective"})
"""Fields that hold a date (an ISO string here, a TOML date in the file)."""

LIST_FIELDS = frozenset({"domains", "sources"})
"""Fields that hold a list (a tuple here, an array in TOML and JSON)."""


class Domain(NamedTuple):
    """A domain tag declared by the catalogue (``[domains.<tag>]``) with its labels."""

    tag: str
    zh: str
    zh_hant: str
    en: str


class Total(NamedTuple):
    """How many items the official list had at a date (``[[catalogue.totals]]``)."""

    as_of: str  # YYYY-MM-DD, or YYYY-MM where the source gives only the month
    total: int
    fields: int | None
    source: str | None


class CatalogueInfo(NamedTuple):
    """The ``[catalogue]`` section: what the file is and how complete it is."""

    name: str
    as_of: str | None
    published_total: int | None
    licence: str | None
    notes: str | None
    totals: tuple[Total, ...]


class Catalogue(NamedTuple):
    """A validated catalogue: metadata, declared domains (in file order) and entries."""

    path: str
    info: CatalogueInfo
    domains: dict[str, Domain]
    standards: tuple[Standard, ...]

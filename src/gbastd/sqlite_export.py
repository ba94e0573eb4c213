"""A SQLite database of a catalogue, laid out for Datasette and for plain ``sqlite3``.

Tables: ``standards`` (one row per entry, a column per field; lists as JSON arrays, which
Datasette facets with ``_facet_array``), ``domains`` (tag and labels), ``standard_domains``
(which entry carries which tag, for joins and ``_facet=tag``), ``catalogue`` (the
``[catalogue]`` section as key and value), ``published_totals`` (the official list's size over
time), and ``standards_fts``, a full-text index of identifiers, titles, publisher and group
with the trigram tokenizer, which finds any run of three or more characters, so Chinese
substrings (which have no spaces between words) are found too. Returns the database's bytes;
sqlite3 is imported only here, only when a database is written.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from gbastd import query
from gbastd.fields import CATALOGUE_FIELDS, ENTRY_FIELDS, FIELDS, Field, Kind, is_list
from gbastd.records import Catalogue, Standard

TEXT_SEARCH_FIELDS: tuple[str, ...] = tuple(
    f.name for f in ENTRY_FIELDS if f.search is not None and not is_list(f)
)
"""The fields the full-text index holds: those ``search`` looks in."""

_SQL_TYPES = {Kind.INTEGER: "INTEGER"}


def _column(field: Field) -> str:
    kind = _SQL_TYPES.get(field.kind, "TEXT")
    required = " NOT NULL" if field.required else ""
    return f'"{field.name}" {kind}{required}'


def _value(field: Field, value: Any) -> Any:
    if is_list(field):
        return json.dumps(list(value), ensure_ascii=False)
    return value


def to_sqlite(
    catalogue: Catalogue,
    standards: Iterable[Standard],
    *,
    today: str,
    about: Sequence[tuple[str, str]] = (),
) -> bytes:
    """Return a SQLite database (its file's bytes) holding ``standards`` and the catalogue's
    metadata; ``about`` adds (key, value) pairs to the ``catalogue`` table (filters used,
    gbastd's version)."""
    import sqlite3

    connection = sqlite3.connect(":memory:")
    try:
        _fill(connection, catalogue, list(standards), today=today, about=about)
        connection.commit()
        return connection.serialize()
    finally:
        connection.close()


def _fill(
    connection: Any,
    catalogue: Catalogue,
    standards: list[Standard],
    *,
    today: str,
    about: Sequence[tuple[str, str]],
) -> None:
    columns = ", ".join(_column(field) for field in ENTRY_FIELDS)
    names = ", ".join(f'"{name}"' for name in FIELDS)
    marks = ", ".join("?" for _ in FIELDS)
    searched = ", ".join(f'"{name}"' for name in TEXT_SEARCH_FIELDS)
    connection.executescript(
        f"""
        CREATE TABLE catalogue (key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE published_totals (
            as_of TEXT NOT NULL, total INTEGER NOT NULL, fields INTEGER, source TEXT
        );
        CREATE TABLE domains (tag TEXT PRIMARY KEY, zh TEXT, zh_hant TEXT, en TEXT);
        CREATE TABLE standards (id INTEGER PRIMARY KEY, {columns});
        CREATE TABLE standard_domains (
            standard_id INTEGER NOT NULL REFERENCES standards(id),
            tag TEXT NOT NULL REFERENCES domains(tag),
            PRIMARY KEY (standard_id, tag)
        );
        CREATE INDEX standard_domains_tag ON standard_domains(tag);
        CREATE VIRTUAL TABLE standards_fts USING fts5(
            {searched}, content=[standards], content_rowid=[id], tokenize='trigram'
        );
        """
    )
    info = catalogue.info
    metadata: list[tuple[str, Any]] = [
        (field.name, getattr(info, field.name))
        for field in CATALOGUE_FIELDS
        if field.kind is not Kind.TOTALS
    ]
    connection.executemany(
        "INSERT INTO catalogue VALUES (?, ?)",
        [(key, None if value is None else str(value)) for key, value in [*metadata, *about]],
    )
    connection.executemany(
        "INSERT INTO published_totals VALUES (?, ?, ?, ?)",
        [tuple(total) for total in info.totals],
    )
    connection.executemany(
        "INSERT INTO domains VALUES (?, ?, ?, ?)", [tuple(d) for d in catalogue.domains.values()]
    )
    rows = query.rows(standards, FIELDS, today=today)
    connection.executemany(
        f"INSERT INTO standards (id, {names}) VALUES (?, {marks})",
        [
            (
                number,
                *(_value(field, value) for field, value in zip(ENTRY_FIELDS, row, strict=True)),
            )
            for number, row in enumerate(rows, start=1)
        ],
    )
    connection.executemany(
        "INSERT INTO standard_domains VALUES (?, ?)",
        [
            (number, tag)
            for number, standard in enumerate(standards, start=1)
            for tag in standard.domains
        ],
    )
    connection.execute(
        f"INSERT INTO standards_fts (rowid, {searched}) SELECT id, {searched} FROM standards"
    )

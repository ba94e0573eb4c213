"""A catalogue as the TOML document it is written as: the inverse of ``model.build_catalogue``.

Keys follow the schema's order, absent values are left out (TOML has no null), and dates are
TOML dates (a month-only date stays text), so that ``build_catalogue(to_document(c))``
gives ``c`` back. Writers use it to produce the file, editors to re-validate a changed
catalogue through the model.
"""

from __future__ import annotations

from collections.abc import Iterable

from gbastd.fields import CATALOGUE_FIELDS, DATE_FIELDS, FIELDS, Kind
from gbastd.records import Catalogue, Standard

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from datetime import date
    from typing import Any


def to_document(catalogue: Catalogue, standards: Iterable[Standard]) -> dict[str, Any]:
    """Return the TOML document of ``catalogue``'s metadata and tags with ``standards``."""
    meta: dict[str, Any] = {}
    values: tuple[Any, ...] = catalogue.info
    for field, value in zip(CATALOGUE_FIELDS, values, strict=True):
        if value is None or value == ():
            continue
        if field.kind is Kind.DATE:
            meta[field.name] = _date(value)
        elif field.kind is Kind.TOTALS:
            meta[field.name] = [
                _present(as_of=_date(t.as_of), total=t.total, fields=t.fields, source=t.source)
                for t in value
            ]
        else:
            meta[field.name] = value
    return {
        "catalogue": meta,
        "domains": {
            tag: {"zh": d.zh, "zh_hant": d.zh_hant, "en": d.en}
            for tag, d in catalogue.domains.items()
        },
        "standard": [standard_table(s) for s in standards],
    }


def standard_table(standard: Standard) -> dict[str, Any]:
    """Return one entry as its ``[[standard]]`` table."""
    table: dict[str, Any] = {}
    for name, value in zip(FIELDS, standard, strict=True):
        if value is None or value == ():
            continue
        if name in DATE_FIELDS and isinstance(value, str):
            table[name] = _iso_date(value)
        else:
            table[name] = list(value) if isinstance(value, tuple) else value
    return table


def _present(**values: Any) -> dict[str, Any]:
    return {name: value for name, value in values.items() if value is not None}


def _date(value: str | None) -> date | str | None:
    """A full ISO date becomes a TOML date; a partial one (YYYY-MM) stays a string."""
    if value is not None and len(value) == 10:
        return _iso_date(value)
    return value


def _iso_date(value: str) -> date:
    """A YYYY-MM-DD date; datetime is imported when a document is made, not at every start."""
    from datetime import date

    return date.fromisoformat(value)

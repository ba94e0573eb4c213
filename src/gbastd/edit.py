"""Maintainer changes to a catalogue: add, update, remove, merge a published list, and diff.

Every function is pure: it returns a new, fully re-validated ``Catalogue`` (or a report) and
writes nothing; ``catalogue.write`` stores the result. Values arrive as text (from options or
spreadsheet cells) and are parsed here, field by field, so that a bad one is named.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from gbastd import text
from gbastd.document import to_document
from gbastd.errors import IncompleteImport, InvalidValue, UnknownField
from gbastd.records import DATE_FIELDS, FIELDS, LIST_FIELDS, Catalogue, Standard

LIST_SEPARATOR = ";"
"""Separates the items of a list (domains, sources) in a text value; spaces around are dropped."""


def parse_value(field: str, raw: str) -> Any:
    """Return text given for ``field`` as the value records hold; empty text means unset.

    Raises:
        UnknownField: the schema has no such field.
        InvalidValue: the text is not a value of the field's type.
    """
    if field not in FIELDS:
        raise UnknownField(field, FIELDS)
    value = raw.strip()
    if not value:
        return () if field in LIST_FIELDS else None
    if field in LIST_FIELDS:
        return tuple(item.strip() for item in value.split(LIST_SEPARATOR) if item.strip())
    if field == "batch":
        if not value.isdigit():
            raise InvalidValue(f"batch: {raw!r} is not a whole number.")
        return int(value)
    if field in DATE_FIELDS:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise InvalidValue(f"{field}: {raw!r} is not a date (YYYY-MM-DD).") from None
    if field == "gba_id":
        return text.normalise_gba_id(value) or value  # the model names a malformed id
    return value


def validated(catalogue: Catalogue, standards: Iterable[Standard]) -> Catalogue:
    """Return ``catalogue`` holding ``standards``, checked by the model as a whole.

    Raises:
        CatalogueInvalid: the result breaks a rule; every problem is listed.
    """
    from gbastd.model import build_catalogue

    return build_catalogue(to_document(catalogue, standards), catalogue.path)


def new_standard(values: Mapping[str, Any]) -> Standard:
    """Return an entry from field values (absent fields unset)."""
    empty: dict[str, Any] = dict.fromkeys(FIELDS)
    empty.update(dict.fromkeys(LIST_FIELDS, ()))
    empty.update(values)
    return Standard(**empty)


def add(catalogue: Catalogue, standard: Standard) -> Catalogue:
    """Return the catalogue with ``standard`` appended and everything re-validated."""
    return validated(catalogue, [*catalogue.standards, standard])


def update(catalogue: Catalogue, target: Standard, changes: Mapping[str, Any]) -> Catalogue:
    """Return the catalogue with ``changes`` (field → value; None or () unsets) applied."""
    for name in changes:
        if name not in FIELDS:
            raise UnknownField(name, FIELDS)
    changed = target._replace(**changes)
    return validated(catalogue, [changed if s is target else s for s in catalogue.standards])


def remove(catalogue: Catalogue, target: Standard) -> Catalogue:
    """Return the catalogue without ``target``."""
    return validated(catalogue, [s for s in catalogue.standards if s is not target])


# ---------------------------------------------------------------- matching


def match(standards: Sequence[Standard], values: Mapping[str, Any]) -> Standard | None:
    """Return the entry ``values`` describe: same gba_id, else same code, else same title."""
    for name in ("gba_id", "code", "title_zh"):
        wanted = values.get(name)
        if not wanted:
            continue
        wanted_key = wanted if name == "gba_id" else text.key(wanted)
        for standard in standards:
            own = getattr(standard, name)
            if own is not None and (own if name == "gba_id" else text.key(own)) == wanted_key:
                return standard
    return None


# ---------------------------------------------------------------- merging a list


class Conflict(NamedTuple):
    """A value in the imported list that differs from the catalogue's."""

    entry: str
    field: str
    current: Any
    incoming: Any


class MergeReport(NamedTuple):
    """What merging a list did (or, in a dry run, would do)."""

    added: list[Standard]
    updated: list[tuple[str, list[str]]]  # entry label, fields it gained or had replaced
    conflicts: list[Conflict]
    unchanged: int  # rows that matched an entry and brought nothing new and nothing different


def merge(
    catalogue: Catalogue,
    rows: Sequence[Mapping[str, Any]],
    *,
    today: str,
    overwrite: bool = False,
    source: str | None = None,
    domains: Sequence[str] = (),
) -> tuple[Catalogue, MergeReport]:
    """Merge rows of a published list (field → value) into the catalogue.

    Rows are matched to entries by gba_id, then code, then title. A new row becomes an entry;
    an existing entry gains the values it lacked; a value that differs is a conflict, left as it
    is unless ``overwrite``. ``source`` and ``domains`` complete new entries, and ``source`` is
    added to every entry the list changed, so each value keeps its provenance. A status that
    the entry's dates already imply at ``today`` (as gbastd's own exports show it) is not
    stored, so that it keeps following the dates.

    Raises:
        IncompleteImport: new rows without a domain or a source, even with the defaults.
        CatalogueInvalid: the merged catalogue breaks a rule.
    """
    standards = list(catalogue.standards)
    added: list[Standard] = []
    updated: list[tuple[str, list[str]]] = []
    conflicts: list[Conflict] = []
    unchanged = 0
    incomplete: list[str] = []
    for number, row in enumerate(rows, start=1):
        values = {name: value for name, value in row.items() if value not in (None, ())}
        existing = match(standards, values)
        if "status" in values and _implied_status(existing, values, today) == values["status"]:
            del values["status"]
        if existing is None:
            values.setdefault("domains", tuple(domains))
            values.setdefault("sources", (source,) if source else ())
            lacking = [name for name in ("domains", "sources") if not values[name]]
            if lacking or not values.get("title_zh"):
                needs = ["title_zh"] if not values.get("title_zh") else lacking
                incomplete.append(
                    f"row {number} ({values.get('title_zh', '?')}): no {' or '.join(needs)}"
                )
                continue
            entry = new_standard(values)
            standards.append(entry)
            added.append(entry)
            continue
        changes: dict[str, Any] = {}
        clashes = len(conflicts)
        for name, incoming in values.items():
            current = getattr(existing, name)
            if current in (None, ()):
                changes[name] = incoming
            elif _differs(name, current, incoming):
                conflicts.append(Conflict(existing.label, name, current, incoming))
                if overwrite:
                    changes[name] = incoming
        if not changes:
            unchanged += len(conflicts) == clashes  # a row with a kept conflict is not "unchanged"
            continue
        if source and source not in existing.sources:
            changes["sources"] = (*changes.get("sources", existing.sources), source)
        standards[standards.index(existing)] = existing._replace(**changes)
        updated.append(
            (existing.label, [name for name in changes if name != "sources"] or ["sources"])
        )
    if incomplete:
        raise IncompleteImport(
            "New entries need a title, a domain and a source (give --domain TAG and "
            "--source URL for the whole list): " + "; ".join(incomplete) + "."
        )
    return validated(catalogue, standards), MergeReport(added, updated, conflicts, unchanged)


def _implied_status(existing: Standard | None, values: Mapping[str, Any], today: str) -> Any:
    """The status an entry's dates (the list's, else the catalogue's) imply, if any."""
    from gbastd.query import status_of

    dates = {
        name: values.get(name) or (existing and getattr(existing, name)) or None
        for name in ("issued", "effective")
    }
    return status_of(new_standard({"title_zh": "", **dates}), today)


def _differs(field: str, current: Any, incoming: Any) -> bool:
    if field in LIST_FIELDS:
        return not set(incoming) <= set(current)
    if isinstance(current, str) and isinstance(incoming, str):
        return text.key(current) != text.key(incoming) if field == "code" else current != incoming
    return bool(current != incoming)


# ---------------------------------------------------------------- differences


class Change(NamedTuple):
    """One field that differs between two versions of an entry or of the metadata."""

    entry: str
    field: str
    old: Any
    new: Any


class Difference(NamedTuple):
    """Entries added, removed and changed (field by field) between two catalogues."""

    added: list[Standard]
    removed: list[Standard]
    changed: list[Change]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def diff(old: Catalogue, new: Catalogue) -> Difference:
    """Compare two catalogues; entries are paired by gba_id, then code, then title."""
    changed: list[Change] = []
    for name in ("name", "as_of", "published_total", "licence", "notes", "totals"):
        before, after = getattr(old.info, name), getattr(new.info, name)
        if before != after:
            changed.append(Change("[catalogue]", name, before, after))
    for tag in dict.fromkeys([*old.domains, *new.domains]):
        before_domain, after_domain = old.domains.get(tag), new.domains.get(tag)
        if before_domain != after_domain:
            changed.append(Change(f"[domains.{tag}]", tag, before_domain, after_domain))
    remaining = list(old.standards)
    added: list[Standard] = []
    for standard in new.standards:
        partner = match(remaining, standard._asdict())
        if partner is None:
            added.append(standard)
            continue
        remaining.remove(partner)
        for name in FIELDS:
            before, after = getattr(partner, name), getattr(standard, name)
            if before != after:
                changed.append(Change(standard.label, name, before, after))
    return Difference(added, remaining, changed)

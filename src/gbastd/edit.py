"""Maintainer changes to a catalogue: add, update, remove, merge a published list, and diff.

Every function is pure: it returns a new, fully re-validated ``Catalogue`` (or a report) and
writes nothing; ``store.write`` stores the result. Values arrive as text (from options or
spreadsheet cells) and are parsed here, by the kind the field table gives each field, so that
a bad one is named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from gbastd import text
from gbastd.document import standard_table, to_document
from gbastd.errors import (
    CatalogueInvalid,
    ChangeRejected,
    IncompleteImport,
    InvalidValue,
    UnknownField,
)
from gbastd.fields import (
    BY_NAME,
    FIELDS,
    IDENTIFYING,
    LARGEST_INTEGER,
    LIST_FIELDS,
    REQUIRED,
    Kind,
)
from gbastd.i18n import _
from gbastd.records import Catalogue, Standard, Standards, Status

LIST_SEPARATOR = ";"
"""Separates the items of a list (domains, sources) in a text value; spaces around are dropped.
Tags may also be separated by commas, as ``--domain food,sports`` is everywhere."""


def parse_value(field: str, raw: str) -> Any:
    """Return text given for ``field`` as the value records hold; empty text means unset.

    Raises:
        UnknownField: the schema has no such field.
        InvalidValue: the text is not a value of the field's type.
    """
    spec = BY_NAME.get(field)
    if spec is None:
        raise UnknownField(field, FIELDS)
    value = raw.strip()
    if not value:
        return () if field in LIST_FIELDS else None
    kind = spec.kind
    if kind is Kind.TAGS:
        items = value.replace(",", LIST_SEPARATOR).split(LIST_SEPARATOR)
        return tuple(item.strip() for item in items if item.strip())
    if kind is Kind.URLS:
        # A URL may hold ';' itself (…/list;jsessionid=…): only a ';' before the next http(s)
        # URL separates two.
        items = re.split(r"\s*;\s*(?=https?://)", value, flags=re.IGNORECASE)
        return tuple(item.strip().rstrip(";").strip() for item in items if item.strip(" ;"))
    if kind is Kind.INTEGER:
        # isdigit() alone accepts '²' and other digits int() refuses; ASCII only, and short
        # of the thousands of digits int() would refuse.
        if not (value.isascii() and value.isdigit()):
            raise InvalidValue(field, _("{value} is not a whole number.").format(value=repr(raw)))
        if len(value) > len(str(LARGEST_INTEGER)) or int(value) > LARGEST_INTEGER:
            raise InvalidValue(
                field,
                _("{value} is larger than {maximum}.").format(
                    value=repr(raw), maximum=f"{LARGEST_INTEGER:,}"
                ),
            )
        if spec.minimum is not None and int(value) < spec.minimum:
            raise InvalidValue(
                field,
                _("{value} is less than {minimum}.").format(value=repr(raw), minimum=spec.minimum),
            )
        return int(value)
    if kind is Kind.DATE:
        return _date(field, raw, value)
    if kind is Kind.STATUS:
        if value not in set(Status):
            choices = ", ".join(Status)
            raise InvalidValue(
                field,
                _("{value} is not a status; use one of {choices}.").format(
                    value=repr(raw), choices=choices
                ),
            )
        return value
    if kind is Kind.ID:
        canonical = text.normalise_gba_id(value)
        if canonical is None:
            raise InvalidValue(
                field,
                _("{value} is not a GBA identifier such as WQ 1-8.").format(value=repr(raw)),
            )
        return canonical
    return value


def _date(field: str, raw: str, value: str) -> str:
    """A date written YYYY-MM-DD (Python 3.11 would also take 20230424 and week dates)."""
    if len(value) == 10 and value[4] == value[7] == "-" and value.replace("-", "").isdigit():
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise InvalidValue(
                field, _("{value} is not a real date.").format(value=repr(raw))
            ) from None
    raise InvalidValue(
        field, _("{value} is not a date in the form YYYY-MM-DD.").format(value=repr(raw))
    )


def check_entry(catalogue: Catalogue, standard: Standard) -> None:
    """Check one entry on its own against the schema and the catalogue's declared tags.

    Raises:
        InvalidValue: naming the first field that breaks a rule (a usage error when the
            value came from the command line).
    """
    from gbastd.model import entry_problems

    problems = entry_problems(standard_table(standard), tags=tuple(catalogue.domains))
    if problems:
        first = problems[0]
        field = (first.field or "").split(".")[0]
        raise InvalidValue(field, first.message + ".")


def validated(catalogue: Catalogue, standards: Iterable[Standard]) -> Catalogue:
    """Return ``catalogue`` holding ``standards``, checked by the model as a whole.

    Raises:
        ChangeRejected: the result breaks a rule; every problem is listed.
    """
    from gbastd.model import build_catalogue

    try:
        return build_catalogue(to_document(catalogue, standards), catalogue.path)
    except CatalogueInvalid as error:
        raise ChangeRejected(error.problems) from None


def new_standard(values: Mapping[str, Any]) -> Standard:
    """Return an entry from field values (absent fields unset)."""
    empty: dict[str, Any] = dict.fromkeys(FIELDS)
    empty.update(dict.fromkeys(LIST_FIELDS, ()))
    empty.update(values)
    return Standard(**empty)


def add(catalogue: Catalogue, standard: Standard) -> Catalogue:
    """Return the catalogue with ``standard`` appended and everything re-validated."""
    return validated(catalogue, [*catalogue.standards, standard])


def changed_entry(standard: Standard, changes: Mapping[str, Any]) -> Standard:
    """Return ``standard`` with ``changes`` (field → value; None or () unsets) applied.

    Raises:
        UnknownField: a field the schema does not have.
    """
    for name in changes:
        if name not in BY_NAME:
            raise UnknownField(name, FIELDS)
    return standard._replace(**changes)


def update(catalogue: Catalogue, position: int, changes: Mapping[str, Any]) -> Catalogue:
    """Return the catalogue with ``changes`` applied to the entry at ``position``."""
    standards = list(catalogue.standards)
    standards[position] = changed_entry(standards[position], changes)
    return validated(catalogue, standards)


def remove(catalogue: Catalogue, position: int) -> Catalogue:
    """Return the catalogue without the entry at ``position``."""
    standards = list(catalogue.standards)
    del standards[position]
    return validated(catalogue, standards)


# ---------------------------------------------------------------- matching


class Index:
    """Positions of entries by the lookup key of each identifying value, so that matching a
    row is a dictionary access, not a scan of every entry (an import stays linear)."""

    def __init__(self, standards: Sequence[Standard] = ()) -> None:
        self._by: dict[str, dict[str, int]] = {name: {} for name in IDENTIFYING}
        for position, standard in enumerate(standards):
            self.put(position, standard)

    def put(self, position: int, standard: Standard) -> None:
        """Index an entry; an earlier entry with the same key keeps it."""
        for name, keys in self._by.items():
            value = getattr(standard, name)
            if value:
                keys.setdefault(text.key(value), position)

    def drop(self, position: int, standard: Standard) -> None:
        """Forget an entry's keys (those that point to it)."""
        for name, keys in self._by.items():
            value = getattr(standard, name)
            if value and keys.get(text.key(value)) == position:
                del keys[text.key(value)]

    def find(self, values: Mapping[str, Any]) -> int | None:
        """Return the position of the entry ``values`` describe: same gba_id, else same code,
        else same title (each compared by lookup key), or None."""
        for name, keys in self._by.items():
            wanted = values.get(name)
            if wanted:
                found = keys.get(text.key(wanted))
                if found is not None:
                    return found
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


class MergePlan(NamedTuple):
    """Everything merging a list would do, before the result is checked: the entries as they
    would be, the report, and the new rows that lack what every entry needs."""

    standards: list[Standard]
    report: MergeReport
    incomplete: list[str]  # "row 3 (WQ 1-8): no domains or sources"


_SHOWN_INCOMPLETE = 5
"""How many incomplete rows a refusal names; it counts the rest."""


def carried_out(catalogue: Catalogue, plan: MergePlan) -> Catalogue:
    """The catalogue a plan makes, checked as a whole.

    Raises:
        IncompleteImport: the plan adds rows without a title, a domain or a source.
        ChangeRejected: the result breaks a rule.
    """
    if plan.incomplete:
        shown = "; ".join(plan.incomplete[:_SHOWN_INCOMPLETE])
        more = len(plan.incomplete) - _SHOWN_INCOMPLETE
        if more > 0:
            message = _(
                "New entries need a title, a domain and a source (give --domain TAG and "
                "--source URL for the whole list): {rows}; and {count} more new rows."
            )
        else:
            message = _(
                "New entries need a title, a domain and a source (give --domain TAG and "
                "--source URL for the whole list): {rows}."
            )
        raise IncompleteImport(message.format(rows=shown, count=f"{more:,}"))
    return validated(catalogue, plan.standards)


def planned(catalogue: Catalogue, plan: MergePlan) -> Catalogue:
    """The catalogue a plan makes, unchecked: what a dry run shows, even of a plan that
    ``carried_out`` refuses."""
    return catalogue._replace(standards=Standards.of(plan.standards))


def plan_merge(
    catalogue: Catalogue,
    rows: Sequence[Mapping[str, Any]],
    *,
    today: str,
    overwrite: bool = False,
    source: str | None = None,
    domains: Sequence[str] = (),
    listed: str | None = None,
    batch: int | None = None,
) -> MergePlan:
    """Plan merging rows of a published list (field → value) into the catalogue.

    Rows are matched to entries by gba_id, then code, then title. A new row becomes an entry;
    an existing entry gains the values it lacked; a value that differs is a conflict, left as it
    is unless ``overwrite``. ``source`` and ``domains`` complete new entries, and ``source`` is
    added to every entry the list changed, so each value keeps its provenance. ``listed`` and
    ``batch`` (the notice's date and number) are every row's, as if the list had them as
    columns: new entries get them, entries lacking them gain them, a differing value is a
    conflict. A status that the entry's dates already imply at ``today`` (as gbastd's own
    exports show it) is not stored, so that it keeps following the dates.

    Raises:
        InvalidValue: a row's own ``listed`` or ``batch`` differs from the one given.
    """
    standards = list(catalogue.standards)
    index = Index(standards)
    added: list[Standard] = []
    updated: list[tuple[str, list[str]]] = []
    conflicts: list[Conflict] = []
    unchanged = 0
    incomplete: list[str] = []
    notice = {
        name: value for name, value in (("listed", listed), ("batch", batch)) if value is not None
    }
    for number, row in enumerate(rows, start=1):
        values = {name: value for name, value in row.items() if value not in (None, ())}
        for name, value in notice.items():
            if values.setdefault(name, value) != value:
                named = next((values[key] for key in IDENTIFYING if values.get(key)), "?")
                raise InvalidValue(
                    name,
                    _(
                        "row {number} ({entry}) of the list has {field} {value}, not "
                        "{given}; give --{field} only for a list without that column."
                    ).format(
                        number=number, entry=named, field=name, value=values[name], given=value
                    ),
                )
        position = index.find(values)
        existing = None if position is None else standards[position]
        if "status" in values and _implied_status(existing, values, today) == values["status"]:
            del values["status"]
        if position is None:
            values.setdefault("domains", tuple(domains))
            values.setdefault("sources", (source,) if source else ())
            lacking = [name for name in REQUIRED if not values.get(name)]
            if lacking:
                named = next((values[name] for name in IDENTIFYING if values.get(name)), "?")
                fields = lacking[0]
                for lacked in lacking[1:]:
                    fields = _("{fields} or {field}").format(fields=fields, field=lacked)
                incomplete.append(
                    _("row {number} ({entry}): no {fields}").format(
                        number=number, entry=named, fields=fields
                    )
                )
            entry = new_standard(values)
            index.put(len(standards), entry)
            standards.append(entry)
            added.append(entry)
            continue
        existing = standards[position]
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
        index.drop(position, existing)
        standards[position] = existing._replace(**changes)
        index.put(position, standards[position])
        updated.append(
            (existing.label, [name for name in changes if name != "sources"] or ["sources"])
        )
    return MergePlan(standards, MergeReport(added, updated, conflicts, unchanged), incomplete)


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
        if BY_NAME[field].kind is Kind.CODE:  # codes compare as keys: spacing and width aside
            return text.key(current) != text.key(incoming)
        return current != incoming
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
    changed = [
        Change("[catalogue]", name, before, after)
        for name, before, after in zip(old.info._fields, old.info, new.info, strict=True)
        if before != after
    ]
    for tag in dict.fromkeys([*old.domains, *new.domains]):
        before_domain, after_domain = old.domains.get(tag), new.domains.get(tag)
        if before_domain != after_domain:
            changed.append(Change(f"[domains.{tag}]", tag, before_domain, after_domain))
    olds = list(old.standards)
    unpaired = Index(olds)
    paired: set[int] = set()
    added: list[Standard] = []
    for standard in new.standards:
        position = unpaired.find(standard._asdict())
        if position is None:
            added.append(standard)
            continue
        partner = olds[position]
        unpaired.drop(position, partner)
        paired.add(position)
        for name in FIELDS:
            before, after = getattr(partner, name), getattr(standard, name)
            if before != after:
                changed.append(Change(standard.label, name, before, after))
    removed = [s for position, s in enumerate(olds) if position not in paired]
    return Difference(added, removed, changed)

"""Read-only questions over a catalogue: filter, sort, look up, search, project to rows.

Pure functions over ``records``; "today" is a parameter so that derived statuses are testable.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter

from gbastd import text
from gbastd.errors import AmbiguousKey, InvalidQuery, StandardNotFound, UnknownField
from gbastd.fields import DATE_FIELDS, ENTRY_FIELDS, FIELDS, LOOKUP_FIELDS, Search
from gbastd.records import Catalogue, Standard, Status

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from typing import Any, NamedTuple
else:
    from gbastd._plain import NamedTuple

UNKNOWN = "unknown"
"""The status filter value that selects entries whose status nothing states or implies."""

_STATUS = FIELDS.index("status")


class Filters(NamedTuple):
    """What ``list``, ``search`` and ``export`` narrow a catalogue by; all given ones must hold.

    Several ``domains`` match an entry that has any of them. Dates are ISO strings compared
    against ``listed``.
    """

    domains: tuple[str, ...] = ()
    status: str | None = None
    batch: int | None = None
    year: int | None = None
    since: str | None = None
    until: str | None = None
    publisher: str | None = None
    search: str | None = None


def status_of(standard: Standard, today: str) -> str | None:
    """Return the stated status, else the one the dates imply at ``today``, else None."""
    if standard.status is not None:
        return standard.status
    if standard.effective is not None:
        return Status.UPCOMING if standard.effective > today else Status.CURRENT
    if standard.issued is not None and standard.issued > today:
        return Status.UPCOMING
    return None


def select(catalogue: Catalogue, filters: Filters, *, today: str) -> list[Standard]:
    """Return the entries that pass every filter, in catalogue order.

    Raises:
        InvalidQuery: a domain tag the catalogue does not declare.
    """
    check_domains(catalogue, filters.domains)
    selected: Iterable[Standard] = catalogue.standards
    if filters.domains:
        selected = catalogue.standards.with_any_domain(filters.domains)
    if filters.status is not None:
        status = None if filters.status == UNKNOWN else filters.status
        selected = [s for s in selected if status_of(s, today) == status]
    if filters.batch is not None:
        selected = [s for s in selected if s.batch == filters.batch]
    if filters.year is not None:
        year = f"{filters.year:04d}"
        selected = [s for s in selected if s.listed is not None and s.listed[:4] == year]
    if filters.since is not None:
        since = filters.since
        selected = [s for s in selected if s.listed is not None and s.listed >= since]
    if filters.until is not None:
        until = filters.until
        selected = [s for s in selected if s.listed is not None and s.listed <= until]
    if filters.publisher is not None:
        needle = text.fold(filters.publisher)
        selected = [s for s in selected if s.publisher and needle in text.fold(s.publisher)]
    if filters.search is not None:
        matched = {id(s) for s in search(list(selected), filters.search)}
        selected = [s for s in selected if id(s) in matched]
    return list(selected)


def check_domains(catalogue: Catalogue, tags: Iterable[str]) -> None:
    """Raise InvalidQuery naming the first tag the catalogue does not declare, the closest
    declared one, and the rest."""
    for tag in tags:
        if tag not in catalogue.domains:
            close = difflib.get_close_matches(tag, list(catalogue.domains), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise InvalidQuery(
                f"Unknown domain {tag!r}.{hint} Declared domains: {', '.join(catalogue.domains)}."
            )


def check_fields(names: Sequence[str]) -> tuple[str, ...]:
    """Return the field names if the schema has them all.

    Raises:
        UnknownField: naming the first unknown one and listing the valid ones.
    """
    for name in names:
        if name not in FIELDS:
            raise UnknownField(name, FIELDS)
    return tuple(names)


def sort_standards(
    standards: Sequence[Standard], field: str, *, reverse: bool = False, today: str
) -> list[Standard]:
    """Sort by a field (numbers inside text by value); entries without a value go last."""
    (field,) = check_fields([field])
    index = FIELDS.index(field)

    def value(standard: Standard) -> Any:
        return status_of(standard, today) if index == _STATUS else standard[index]

    present = [s for s in standards if value(s) not in (None, ())]
    missing = [s for s in standards if value(s) in (None, ())]
    present.sort(key=lambda s: _sort_key(value(s)), reverse=reverse)
    return present + missing


def _sort_key(value: Any) -> Any:
    if isinstance(value, int):
        return value
    if isinstance(value, tuple):
        return text.natural_key(" ".join(value))
    return text.natural_key(value)


def rows(
    standards: Iterable[Standard], fields: Sequence[str], *, today: str
) -> list[tuple[Any, ...]]:
    """Project entries onto ``fields`` (status resolved as of ``today``), as output rows."""
    indices = [FIELDS.index(name) for name in fields]
    if _STATUS in indices:
        spot = indices.index(_STATUS)
        return [
            tuple(status_of(s, today) if i == spot else s[j] for i, j in enumerate(indices))
            for s in standards
        ]
    return list(map(_reader(indices), standards))


def _position(standards: Sequence[Standard], key: str, keys: KeyList) -> int | None:
    """Return the position of the one entry matching ``key`` among ``keys``, or None.

    Raises:
        AmbiguousKey: more than one entry matches.
    """
    wanted = text.key(key)
    if not wanted:
        return None
    matches = list(dict.fromkeys(i for own, i in keys if own == wanted))  # an entry once
    if len(matches) > 1:
        raise AmbiguousKey(key, [standards[i].describe() for i in matches])
    return matches[0] if matches else None


KeyList = list[tuple[str, int]]


def _lookup_keys(standards: Sequence[Standard]) -> KeyList:
    """Every lookup key of every entry, with the entry's position (made once per run)."""
    return [(text.key(value), i) for i, s in enumerate(standards) for value in _keys_of(s)]


def get(catalogue: Catalogue, key: str) -> Standard | None:
    """Return the one entry whose id, code or title matches ``key``, or None if none does.

    Raises:
        AmbiguousKey: more than one entry matches.
    """
    standards = catalogue.standards
    position = _position(standards, key, _lookup_keys(standards))
    return None if position is None else standards[position]


def locate(catalogue: Catalogue, key: str) -> int:
    """Return the position of the one entry matching ``key`` (id, code or exact title; width,
    case, spaces and Traditional/Simplified forms do not matter).

    Raises:
        StandardNotFound: nothing matches; carries the closest keys as suggestions.
        AmbiguousKey: more than one entry matches.
    """
    standards = catalogue.standards
    keys = _lookup_keys(standards)
    position = _position(standards, key, keys)
    if position is None:
        raise StandardNotFound(key, _suggestions(standards, key, keys))
    return position


def lookup(catalogue: Catalogue, key: str) -> Standard:
    """Return the one entry matching ``key``, as ``locate`` finds it."""
    return catalogue.standards[locate(catalogue, key)]


def _reader(positions: Sequence[int]) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """Return a fast reader of the values at ``positions`` as a tuple (itemgetter alone
    returns a bare value for one position, and takes no empty list)."""
    if not positions:
        return lambda record: ()
    if len(positions) == 1:
        (only,) = positions
        return lambda record: (record[only],)
    getter: Callable[[Sequence[Any]], tuple[Any, ...]] = itemgetter(*positions)
    return getter


_LOOKUP = _reader([FIELDS.index(name) for name in LOOKUP_FIELDS])


def _keys_of(standard: Standard) -> list[str]:
    """The values ``show KEY`` matches: identifiers and titles in every script."""
    return [value for value in _LOOKUP(standard) if value]


def suggest(standards: Sequence[Standard], key: str, limit: int = 5) -> list[str]:
    """Return up to ``limit`` labels closest to ``key``: keys that contain it first, then
    look-alikes.

    Look-alikes are sought among the keys that sort next to the query, forwards and read
    backwards (so a typo near either end still finds its neighbours), not among all keys:
    difflib over every key of 100,000 entries took seconds.
    """
    return _suggestions(standards, key, _lookup_keys(standards), limit)


def _suggestions(
    standards: Sequence[Standard], key: str, keys: KeyList, limit: int = 5
) -> list[str]:
    wanted = text.key(key)
    if not wanted:
        return []
    found = list(dict.fromkeys(i for own, i in keys if wanted in own))[:limit]
    if len(found) < limit:
        owner = dict(keys)
        forwards = sorted(owner)
        backwards = sorted(own[::-1] for own in owner)
        near = {*_around(forwards, wanted), *(k[::-1] for k in _around(backwards, wanted[::-1]))}
        for close in difflib.get_close_matches(wanted, sorted(near), n=limit, cutoff=0.6):
            if owner[close] not in found:
                found.append(owner[close])
    return [standards[i].label for i in found[:limit]]


def _around(ordered: list[str], wanted: str) -> list[str]:
    """The keys that sort nearest to ``wanted`` in ``ordered``, on both sides."""
    spot = bisect.bisect_left(ordered, wanted)
    return ordered[max(0, spot - _NEIGHBOURS) : spot + _NEIGHBOURS]


_NEIGHBOURS = 64  # keys on each side of the query, in each order, that difflib compares


# Points a query term earns by where it matches; an entry's score is the sum over terms.
_EXACT_ID = 100
_EXACT_TITLE = 80
_TITLE_PREFIX = 60
_TITLE_PART = 40
_ID_PART = 30
_OTHER_PART = 10


def search(standards: Sequence[Standard], query: str) -> list[Standard]:
    """Rank entries matching every term of ``query`` over ids, codes, titles (zh, zh-Hant,
    en), publisher and group; Traditional and Simplified characters match each other.

    Ties keep catalogue order. An empty query matches nothing.
    """
    terms = text.fold(query).split()
    if not terms:
        return []
    scored = []
    for position, standard in enumerate(standards):
        score = 0
        for term in terms:
            best = _term_score(standard, term)
            if not best:
                break
            score += best
        else:
            scored.append((-score, position, standard))
    scored.sort(key=itemgetter(0, 1))
    return [standard for _, _, standard in scored]


_IDS, _TITLES, _OTHERS = (
    _reader([i for i, field in enumerate(ENTRY_FIELDS) if field.search is weight])
    for weight in Search
)


def _term_score(standard: Standard, term: str) -> int:
    best = 0
    for identifier in _IDS(standard):
        if identifier:
            key = text.key(identifier)
            if key == term:  # terms come from split(): no spaces, as in keys
                return _EXACT_ID
            if term in key:
                best = _ID_PART
    for title in _TITLES(standard):
        if title:
            folded = text.fold(title)
            if folded == term:
                return _EXACT_TITLE
            if folded.startswith(term):
                best = max(best, _TITLE_PREFIX)
            elif term in folded:
                best = max(best, _TITLE_PART)
    if not best:
        for other in _OTHERS(standard):
            if other and term in text.fold(other):
                return _OTHER_PART
    return best


def count_by(standards: Iterable[Standard], field: str, *, today: str) -> list[tuple[Any, int]]:
    """Count entries by a field's value (each tag of a list counts); None counts as unknown.

    Ordered by value, numbers inside text by value, unknown last.
    """
    counts: dict[Any, int] = {}
    for (value,) in rows(standards, [field], today=today):
        if field in DATE_FIELDS and value is not None:
            value = value[:4]
        for item in value if isinstance(value, tuple) else (value,):
            counts[item] = counts.get(item, 0) + 1
    known = sorted((k for k in counts if k is not None), key=_sort_key)
    return [(k, counts[k]) for k in known] + ([(None, counts[None])] if None in counts else [])

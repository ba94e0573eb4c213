"""Read-only questions over a catalogue: filter, sort, look up, search, project to rows.

Pure functions over ``records``; "today" is a parameter so that derived statuses are testable.
"""

from __future__ import annotations

from gbastd import text
from gbastd._plain import Sequence, itemgetter
from gbastd._plain import is_ as _is
from gbastd.errors import AmbiguousKey, InvalidQuery, StandardNotFound, UnknownField
from gbastd.fields import DATE_FIELDS, ENTRY_FIELDS, FIELDS, LOOKUP_FIELDS, Kind, Search
from gbastd.i18n import _
from gbastd.records import (
    Catalogue,
    Domain,
    Selection,
    Standard,
    Standards,
    Status,
    paused_collector,
)

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
    from typing import Any, NamedTuple, overload
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


_NO_FILTERS = Filters()


def status_of(standard: Standard, today: str) -> str | None:
    """Return the stated status, else the one the dates imply at ``today``, else None."""
    return _status(standard.status, standard.effective, standard.issued, today)


def _status(
    stated: str | None, effective: str | None, issued: str | None, today: str
) -> str | None:
    if stated is not None:
        return stated
    if effective is not None:
        return Status.UPCOMING if effective > today else Status.CURRENT
    if issued is not None and issued > today:
        return Status.UPCOMING
    return None


def select(catalogue: Catalogue, filters: Filters, *, today: str) -> list[Standard]:
    """Return the entries that pass every filter, in catalogue order.

    Raises:
        InvalidQuery: a domain tag the catalogue does not declare.
    """
    return _selected(catalogue, filters, today=today, ranked=False)


def find(catalogue: Catalogue, query: str, filters: Filters, *, today: str) -> list[Standard]:
    """Return the entries that match ``query`` (as ``search`` ranks them, best first) and pass
    every filter.

    Raises:
        InvalidQuery: a domain tag the catalogue does not declare.
    """
    return _selected(catalogue, filters._replace(search=query), today=today, ranked=True)


def _selected(
    catalogue: Catalogue, filters: Filters, *, today: str, ranked: bool
) -> list[Standard]:
    """The entries passing every filter: by search rank when ``ranked``, else in catalogue
    order. Search and domain tags are answered from positions, so only the entries they keep
    are decoded."""
    check_domains(catalogue, filters.domains)
    standards = catalogue.standards
    positions = _positions(catalogue, filters, ranked=ranked)
    if not isinstance(standards, Standards):
        selected: Iterable[Standard] = [standards[i] for i in positions]
    elif filters._replace(domains=(), search=None) == _NO_FILTERS:
        # Chosen by position alone: the list says which positions, for writers that use
        # what is kept per position (formats.py: the JSON of every entry).
        return Selection.of(standards, positions)
    else:
        selected = standards.at(positions)
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
    return list(selected)


def positions(catalogue: Catalogue, filters: Filters) -> Sequence[int] | None:
    """The positions of the entries that pass every filter, in catalogue order, where the
    filters choose by position alone (domain tags, search, none), so that no entry is decoded;
    None where a filter reads the entries themselves.

    Raises:
        InvalidQuery: a domain tag the catalogue does not declare.
    """
    check_domains(catalogue, filters.domains)
    if filters._replace(domains=(), search=None) != _NO_FILTERS:
        return None
    return _positions(catalogue, filters, ranked=False)


def _positions(catalogue: Catalogue, filters: Filters, *, ranked: bool) -> Sequence[int]:
    """The positions the search and the domain tags choose, by rank when ``ranked``."""
    standards = catalogue.standards
    chosen: Sequence[int] | None = None
    if filters.search is not None:
        ranking = _ranked(standards, filters.search, catalogue.domains)
        chosen = [position for _, position in ranking]
        if not ranked:
            chosen.sort()
    if filters.domains:
        chosen = standards.positions_with_any_domain(filters.domains, chosen)
    return range(len(standards)) if chosen is None else chosen


def check_domains(catalogue: Catalogue, tags: Iterable[str]) -> None:
    """Raise InvalidQuery naming the first tag the catalogue does not declare, the closest
    declared one, and the rest."""
    for tag in tags:
        if tag not in catalogue.domains:
            import difflib  # only a mistyped tag needs it

            close = difflib.get_close_matches(tag, list(catalogue.domains), n=1)
            if close:
                message = _("Unknown domain {tag}. Did you mean {close}? Declared domains: {tags}.")
            else:
                message = _("Unknown domain {tag}. Declared domains: {tags}.")
            raise InvalidQuery(
                message.format(
                    tag=repr(tag),
                    close=repr(close[0]) if close else "",
                    tags=", ".join(catalogue.domains),
                )
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
    """Sort by a field (numbers inside text by value, Chinese text by pinyin); entries without
    a value go last."""
    (field,) = check_fields([field])
    index = FIELDS.index(field)

    def value(standard: Standard) -> Any:
        return status_of(standard, today) if index == _STATUS else standard[index]

    present = [s for s in standards if value(s) not in (None, ())]
    missing = [s for s in standards if value(s) in (None, ())]
    pinyin = ENTRY_FIELDS[index].kind is Kind.TEXT  # Chinese titles, publisher…: by pinyin
    present.sort(key=lambda s: _sort_key(value(s), pinyin=pinyin), reverse=reverse)
    return present + missing


def _sort_key(value: Any, *, pinyin: bool = False) -> Any:
    if isinstance(value, int):
        return value
    if isinstance(value, tuple):
        return text.natural_key(" ".join(value))
    return text.natural_key(value, pinyin=pinyin)


def rows(
    standards: Iterable[Standard], fields: Sequence[str], *, today: str
) -> list[tuple[Any, ...]]:
    """Project entries onto ``fields`` (status resolved as of ``today``), as output rows.

    Rows of a ``Selection`` come as ``Rows``, which say what entries they are of."""
    entries = standards if isinstance(standards, list) else list(standards)
    indices = [FIELDS.index(name) for name in fields]
    with paused_collector():  # new tuples, no cycles: see records.paused_collector
        made = list(map(_reader(indices), entries))
        if _STATUS in indices:  # the stated status, else the one the dates imply
            spot = indices.index(_STATUS)
            # Only an entry without a stated status needs its row made again (most state one).
            for k in [k for k, row in enumerate(made) if row[spot] is None]:
                row, entry = made[k], entries[k]
                implied = _status(None, entry.effective, entry.issued, today)
                made[k] = (*row[:spot], implied, *row[spot + 1 :])
    if isinstance(entries, Selection) and entries.intact():
        assert entries.source is not None  # intact
        return Rows(made, entries.source, entries.positions, tuple(fields))
    return made


if TYPE_CHECKING:
    _RowList = list[tuple[Any, ...]]
else:  # Any is typing's: at run time, any list
    _RowList = list


class Rows(_RowList):
    """Rows of the entries of a ``Selection``: a list like any other, that also says which
    entries of which catalogue they are the rows of, and with which fields, so that a writer
    can use what is kept beside the catalogue's snapshot for those entries (formats.py).
    ``intact`` says whether it still holds exactly the rows it was made with."""

    def __init__(
        self,
        made: list[tuple[Any, ...]],
        source: Standards,
        positions: tuple[int, ...],
        fields: tuple[str, ...],
    ) -> None:
        super().__init__(made)
        self.source, self.positions, self.fields = source, positions, fields
        self._made = tuple(made)  # the row objects themselves (tuples: immutable)

    def intact(self) -> bool:
        """Whether it holds the rows it was made with, each at its place."""
        return len(self) == len(self._made) and all(map(_is, self, self._made))


def _position(standards: Sequence[Standard], key: str, keys: Keys) -> int | None:
    """Return the position of the one entry matching ``key`` among ``keys``, or None.

    Raises:
        AmbiguousKey: more than one entry matches.
    """
    wanted = text.key(key)
    if not wanted:
        return None
    matches = keys.owners(wanted)
    if len(matches) > 1:
        raise AmbiguousKey(key, [standards[i].describe() for i in matches])
    return matches[0] if matches else None


class SortedLines(Sequence[str]):
    """Sorted, distinct strings without line breaks, held as one text and the offsets of its
    lines, which is how an index of 400,000 keys is kept beside a snapshot: read back, it is
    two copies of bytes, where a list or dict of as many strings takes a third of a second to
    build. Bisection finds a string; ``str.find`` finds the ones containing a part."""

    def __init__(self, joined: str, offsets: bytes) -> None:
        self.joined = joined  # every string followed by "\n"
        # Where each string starts, and the end: read in place, as the array module (which
        # imports the collections package, a millisecond of every start) would copy them.
        self.offsets = memoryview(offsets).cast("q")

    @classmethod
    def of(cls, items: Iterable[str]) -> SortedLines:
        """Hold ``items`` (distinct, without line breaks), sorted."""
        from array import array

        ordered = sorted(items)
        offsets = array("q", [0])
        for item in ordered:
            offsets.append(offsets[-1] + len(item) + 1)
        return cls("".join(f"{item}\n" for item in ordered), offsets.tobytes())

    def kept(self) -> tuple[str, bytes]:
        """What is kept of it: plain values that marshal stores."""
        return self.joined, self.offsets.tobytes()

    def __len__(self) -> int:
        return len(self.offsets) - 1

    if TYPE_CHECKING:  # overload is typing's

        @overload
        def __getitem__(self, index: int) -> str: ...

        @overload
        def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError("line index out of range")
        index %= len(self)
        return self.joined[self.offsets[index] : self.offsets[index + 1] - 1]

    def find(self, item: str) -> int | None:
        """The line number of ``item``, or None."""
        import bisect  # only lookups need it, not every start

        spot = bisect.bisect_left(self, item)
        return spot if spot < len(self) and self[spot] == item else None

    def containing(self, part: str) -> Iterator[int]:
        """The line numbers of the strings that contain ``part``, in order, each once."""
        import bisect  # only lookups need it, not every start

        start = self.joined.find(part)
        while 0 <= start < len(self.joined):  # an empty part is found at the very end too
            line = bisect.bisect_right(self.offsets, start) - 1
            yield line
            # On from the next line: a part without line breaks cannot span two, and a short
            # one found again and again within a line (``t``) made this three times slower.
            start = self.joined.find(part, self.offsets[line + 1])

    def around(self, item: str, count: int) -> list[str]:
        """The strings that sort nearest to ``item``: up to ``count`` on each side."""
        import bisect  # only lookups need it, not every start

        spot = bisect.bisect_left(self, item)
        return self[max(0, spot - count) : spot + count]


class Keys:
    """Every lookup key of a catalogue's entries, sorted, with the position of the entry each
    names (in a valid catalogue, one; several only where a catalogue is being changed)."""

    def __init__(self, lines: SortedLines, owners: bytes, shared: dict[int, tuple[int, ...]]):
        self.lines = lines
        self.owner = memoryview(owners).cast("q")  # the one entry of each key, or its first
        self.shared = shared  # line number → every entry, for keys that name several

    def kept(self) -> tuple[tuple[str, bytes], bytes, dict[int, tuple[int, ...]]]:
        """What is kept of it: plain values that marshal stores."""
        return self.lines.kept(), self.owner.tobytes(), self.shared

    @classmethod
    def restored(cls, kept: tuple[tuple[str, bytes], bytes, dict[int, tuple[int, ...]]]) -> Keys:
        """The keys from what ``kept`` gave."""
        lines, owners, shared = kept
        return cls(SortedLines(*lines), owners, shared)

    def owners_at(self, line: int) -> tuple[int, ...]:
        """The entries the key on ``line`` names, in catalogue order."""
        return self.shared.get(line) or (self.owner[line],)

    def owners(self, key: str) -> tuple[int, ...]:
        """The entries that ``key`` (a lookup key) names, in catalogue order."""
        line = self.lines.find(key)
        return () if line is None else self.owners_at(line)


def _kept(standards: Sequence[Standard], name: str, build: Callable[[], Any]) -> Any:
    """An index of ``standards``: kept beside a snapshot (see Standards.kept), else built."""
    if isinstance(standards, Standards):
        return standards.kept(name, build)
    return build()


def _lookup_keys(standards: Sequence[Standard]) -> Keys:
    """The lookup keys of ``standards``, built once per catalogue content."""

    def build() -> tuple[tuple[str, bytes], bytes, dict[int, tuple[int, ...]]]:
        from array import array

        found: dict[str, list[int]] = {}
        for i, standard in enumerate(standards):
            for value in _keys_of(standard):
                positions = found.setdefault(text.key(value), [])
                if not positions or positions[-1] != i:
                    positions.append(i)
        lines = SortedLines.of(found)
        owners = [found[key] for key in lines]
        shared = {line: tuple(mine) for line, mine in enumerate(owners) if len(mine) > 1}
        first = array("q", [mine[0] for mine in owners])
        return Keys(lines, first.tobytes(), shared).kept()

    return Keys.restored(_kept(standards, "keys", build))


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


def _suggestions(standards: Sequence[Standard], key: str, keys: Keys, limit: int = 5) -> list[str]:
    wanted = text.key(key)
    if not wanted:
        return []
    lines = keys.lines
    found = sorted({i for line in lines.containing(wanted) for i in keys.owners_at(line)})
    found = found[:limit]
    if len(found) < limit:
        import difflib  # only a key that matches nothing needs it

        backwards = SortedLines(
            *_kept(
                standards, "reversed-keys", lambda: SortedLines.of(k[::-1] for k in lines).kept()
            )
        )
        near = {
            *lines.around(wanted, _NEIGHBOURS),
            *(k[::-1] for k in backwards.around(wanted[::-1], _NEIGHBOURS)),
        }
        for close in difflib.get_close_matches(wanted, sorted(near), n=limit, cutoff=0.6):
            owner = keys.owners(close)[-1]
            if owner not in found:
                found.append(owner)
    return [standards[i].label for i in found[:limit]]


def near_misses(catalogue: Catalogue, query: str, limit: int = 5) -> list[str]:
    """What a search that found nothing may have meant: the entries whose keys are closest to
    ``query`` (as ``suggest`` finds them), then the domains whose tag or a label is close to
    it (named by their tag)."""
    import difflib

    found = suggest(catalogue.standards, query, limit)
    wanted = text.fold(query)
    for tag, domain in catalogue.domains.items():
        if wanted and difflib.get_close_matches(wanted, _names(tag, domain), n=1, cutoff=0.6):
            found.append(tag)
    return found[: limit + len(catalogue.domains)]


_NEIGHBOURS = 64  # keys on each side of the query, in each order, that difflib compares


# Points a query term earns by where it matches; an entry's score is the sum over terms.
_EXACT_ID = 100
_EXACT_TITLE = 80
_TITLE_PREFIX = 60
_TITLE_PART = 40
_ID_PART = 30
_TOPIC = 20  # the term names one of the entry's domains (its tag or a label): below titles
_OTHER_PART = 10


def search(
    standards: Sequence[Standard], query: str, domains: Mapping[str, Domain] | None = None
) -> list[Standard]:
    """Rank entries matching every term of ``query`` over ids, codes, titles (zh, zh-Hant,
    en), publisher and group, and, given the catalogue's ``domains``, the tags and labels of
    the entries' domains; Traditional and Simplified characters match each other.

    Ties keep catalogue order. An empty query matches nothing.
    """
    return [standards[position] for _, position in _ranked(standards, query, domains)]


def _ranked(
    standards: Sequence[Standard], query: str, domains: Mapping[str, Domain] | None = None
) -> list[tuple[int, int]]:
    """(minus the score, position) of every entry matching ``query``, best first; the entries
    are read as folded text, kept beside a snapshot, so none is decoded."""
    terms = text.fold(query).split()
    if not terms:
        return []
    topics = [_topics(term, domains or {}) for term in terms]
    tags_at = _tags_reader(standards)
    scored = []
    for position, forms in enumerate(_search_forms(standards)):
        score = 0
        for term, named in zip(terms, topics, strict=True):
            best = _term_score(forms, term)
            if best < _TOPIC and named and not named.isdisjoint(tags_at(position)):
                best = _TOPIC
            if not best:
                break
            score += best
        else:
            scored.append((-score, position))
    scored.sort()
    return scored


def _names(tag: str, domain: Domain) -> list[str]:
    """A domain's tag and labels, folded as search folds a query."""
    return [text.fold(name) for name in (tag, domain.zh, domain.zh_hant, domain.en)]


def _tags_reader(standards: Sequence[Standard]) -> Callable[[int], tuple[str, ...]]:
    """How to read an entry's tags by its position: a catalogue's, without decoding it."""
    if isinstance(standards, Standards):
        return standards.tags_at

    def decoded(position: int) -> tuple[str, ...]:
        return standards[position].domains

    return decoded


def _topics(term: str, domains: Mapping[str, Domain]) -> frozenset[str]:
    """The tags of the domains ``term`` names: it is part of the tag or of a label in any
    script, or, in Chinese, each of its characters is in one label (飲食 names 食品與餐飲)."""
    named = set()
    for tag, domain in domains.items():
        names = _names(tag, domain)
        if any(term in name for name in names) or (
            not term.isascii() and any(all(c in name for c in term) for name in names)
        ):
            named.add(tag)
    return frozenset(named)


_IDS, _TITLES, _OTHERS = (
    _reader([i for i, field in enumerate(ENTRY_FIELDS) if field.search is weight])
    for weight in Search
)

Forms = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""What search reads of an entry: the keys of its ids, its folded titles, its other folded
texts."""


def _search_forms(standards: Sequence[Standard]) -> Sequence[Forms]:
    """The search forms of every entry, built once per catalogue content."""

    def build() -> list[Forms]:
        return [
            (
                tuple(text.key(value) for value in _IDS(standard) if value),
                tuple(text.fold(value) for value in _TITLES(standard) if value),
                tuple(text.fold(value) for value in _OTHERS(standard) if value),
            )
            for standard in standards
        ]

    forms: Sequence[Forms] = _kept(standards, "search", build)
    return forms


def _term_score(forms: Forms, term: str) -> int:
    ids, titles, others = forms
    best = 0
    for key in ids:
        if key == term:  # terms come from split(): no spaces, as in keys
            return _EXACT_ID
        if term in key:
            best = _ID_PART
    for folded in titles:
        if folded == term:
            return _EXACT_TITLE
        if folded.startswith(term):
            best = max(best, _TITLE_PREFIX)
        elif term in folded:
            best = max(best, _TITLE_PART)
    if not best:
        for other in others:
            if term in other:
                return _OTHER_PART
    return best


def count_by(standards: Iterable[Standard], field: str, *, today: str) -> list[tuple[Any, int]]:
    """Count entries by a field's value (each tag of a list counts); None counts as unknown.

    Ordered by value, numbers inside text by value, unknown last. What is counted is kept
    beside a snapshot, so that counting a large catalogue decodes none of its entries.
    """
    (field,) = check_fields([field])
    if isinstance(standards, Sequence):
        raw = _kept(standards, f"count-{field}", lambda: _raw_counts(standards, field))
    else:
        raw = _raw_counts(standards, field)
    counts: dict[Any, int] = {}
    for value, number in raw:
        shown = _status(value[0], value[1], value[2], today) if field == "status" else value
        if field in DATE_FIELDS and shown is not None:
            shown = shown[:4]
        for item in shown if isinstance(shown, tuple) else (shown,):
            counts[item] = counts.get(item, 0) + number
    known = sorted((k for k in counts if k is not None), key=_sort_key)
    return [(k, counts[k]) for k in known] + ([(None, counts[None])] if None in counts else [])


_STATUS_INPUTS = _reader([FIELDS.index(name) for name in ("status", "effective", "issued")])


def _raw_counts(standards: Iterable[Standard], field: str) -> list[tuple[Any, int]]:
    """How many entries have each value of ``field`` (for status, each stated status and
    dates, since what they imply depends on the day)."""
    read = _STATUS_INPUTS if field == "status" else _reader([FIELDS.index(field)])
    counts: dict[Any, int] = {}
    for standard in standards:
        values = read(standard)
        value = values if field == "status" else values[0]
        counts[value] = counts.get(value, 0) + 1
    return list(counts.items())

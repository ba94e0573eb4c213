"""The in-memory form of a validated catalogue: immutable records of plain values.

``model.py`` (pydantic) decides what is valid and turns a catalogue file into these records;
everything after loading (query, formats, render, cli) reads only these. They hold JSON-ready
values (dates as ISO 8601 strings, lists as tuples) so that a validated catalogue can be cached
and reloaded without importing pydantic, which is what keeps every command quick to start.
Their fields are those of the field table, ``fields.py``.
"""

from __future__ import annotations

import gc

from gbastd._plain import Sequence
from gbastd._plain import is_ as _is
from gbastd.fields import CATALOGUE_FIELDS, FIELDS, IDENTIFYING

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from enum import StrEnum
    from typing import Any, NamedTuple, overload
else:
    from gbastd._plain import NamedTuple, StrEnum, named_tuple


class Status(StrEnum):
    """Where a standard stands; stated in the catalogue or derived from its dates."""

    CURRENT = "current"
    UPCOMING = "upcoming"
    WITHDRAWN = "withdrawn"


class Total(NamedTuple):
    """How many items the official list had at a date (``[[catalogue.totals]]``)."""

    as_of: str  # YYYY-MM-DD, or YYYY-MM where the source gives only the month
    total: int
    fields: int | None
    source: str | None


if TYPE_CHECKING:

    class _EntryValues(NamedTuple):
        """What type checkers see of an entry's values: ``fields.ENTRY_FIELDS`` as Python types
        (tests/test_fields.py holds this view to the table, name by name and type by type)."""

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

    class _InfoValues(NamedTuple):
        """What type checkers see of ``fields.CATALOGUE_FIELDS`` (held to the table by a test)."""

        name: str
        as_of: str | None
        published_total: int | None
        licence: str | None
        notes: str | None
        totals: tuple[Total, ...]

else:  # at run time the records are made from the field table itself
    _EntryValues = named_tuple("_EntryValues", FIELDS, module=__name__)
    _InfoValues = named_tuple(
        "_InfoValues", [field.name for field in CATALOGUE_FIELDS], module=__name__
    )


class Standard(_EntryValues):
    """One item of the GBA Standards list (``[[standard]]`` in the catalogue file)."""

    __slots__ = ()

    @property
    def label(self) -> str:
        """Name the entry the way a person would: by its GBA id, else its code, else title."""
        return self._names()[0]

    def describe(self, separator: str = " ") -> str:
        """Name the entry by every identifying value it has (id, code and title)."""
        return separator.join(self._names())

    def _names(self) -> list[str]:
        return [value for name in IDENTIFYING if (value := getattr(self, name))]


class Domain(NamedTuple):
    """A domain tag declared by the catalogue (``[domains.<tag>]``) with its labels."""

    tag: str
    zh: str
    zh_hant: str
    en: str


class CatalogueInfo(_InfoValues):
    """The ``[catalogue]`` section: what the file is and how complete it is."""

    __slots__ = ()


if TYPE_CHECKING:
    # Returns the index of a name that a catalogue's snapshot keeps, building (and keeping)
    # it with the given function when there is none yet: see ``Standards.kept``.
    Keeper = Callable[[str, Callable[[], Any]], Any]


class Standards(Sequence[Standard]):
    """A catalogue's entries, each decoded on first use.

    Their domain tags are held decoded, so that filtering a large catalogue by domain builds
    only the entries it keeps (a cached catalogue of 100,000 entries then loads in a third of
    the time). Behaves as an immutable sequence, equal to any sequence of the same entries.
    """

    __slots__ = ("_decode", "_decode_many", "_decoded", "_indexes", "_keeper", "_tags")

    def __init__(
        self,
        tags: Sequence[tuple[str, ...]],
        decode: Callable[[int], Standard],
        keeper: Keeper | None = None,
        decode_many: Callable[[list[int]], list[Standard]] | None = None,
    ) -> None:
        self._tags = tags
        self._decode = decode
        # Decodes many entries at once, without a Python call per entry, or raises ValueError
        # (one will not decode): then ``decode`` takes them one by one, and decides what answers.
        self._decode_many = decode_many
        self._decoded: list[Standard | None] = [None] * len(tags)
        self._keeper = keeper
        self._indexes: dict[str, Any] = {}

    @classmethod
    def of(cls, standards: Iterable[Standard]) -> Standards:
        """Hold entries that are already decoded."""
        items = tuple(standards)
        held = cls([s.domains for s in items], items.__getitem__)
        held._decoded = list(items)
        return held

    def __len__(self) -> int:
        return len(self._tags)

    if TYPE_CHECKING:  # overload is typing's

        @overload
        def __getitem__(self, index: int) -> Standard: ...

        @overload
        def __getitem__(self, index: slice) -> tuple[Standard, ...]: ...

    def __getitem__(self, index: int | slice) -> Standard | tuple[Standard, ...]:
        if isinstance(index, slice):
            return tuple(self[i] for i in range(*index.indices(len(self))))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("catalogue entry index out of range")
        found = self._decoded[index]
        if found is None:
            found = self._decoded[index] = self._decode(index)
        return found

    def __iter__(self) -> Iterator[Standard]:
        return iter(self.at(range(len(self))))

    def at(self, positions: Iterable[int]) -> list[Standard]:
        """The entries at ``positions`` (each from 0 to ``len(self) - 1``), in that order.

        Decoding builds a great many small objects and no cycles: the garbage collector's
        passes over them are waste (a third of the time of decoding 100,000 entries), so it
        is paused meanwhile (see ``paused_collector``).
        """
        wanted = positions if isinstance(positions, range | list | tuple) else list(positions)
        size, decoded = len(self), self._decoded
        if not all(0 <= index < size for index in wanted):
            raise IndexError("catalogue entry index out of range")
        with paused_collector():
            missing = [index for index in wanted if decoded[index] is None]
            made: list[Standard] | None = None
            if len(missing) > 1 and self._decode_many is not None:
                try:
                    made = self._decode_many(missing)
                except ValueError:
                    made = None
            one_by_one = map(self._decode, missing)
            for index, entry in zip(missing, one_by_one if made is None else made, strict=True):
                decoded[index] = entry
            found: list[Standard] = list(map(decoded.__getitem__, wanted))  # type: ignore[arg-type]
        return found

    def holds(self, positions: Sequence[int], entries: Sequence[Standard]) -> bool:
        """Whether ``entries`` are the very objects this sequence gave for ``positions``."""
        decoded = self._decoded
        return len(positions) == len(entries) and all(
            map(_is, entries, map(decoded.__getitem__, positions))
        )

    @property
    def keeps(self) -> bool:
        """Whether indexes are kept beside a snapshot (else ``kept`` builds them each run)."""
        return self._keeper is not None

    def tags_at(self, index: int) -> tuple[str, ...]:
        """The domain tags of the entry at ``index``, without decoding it."""
        return tuple(self._tags[index])

    def positions_with_any_domain(
        self, tags: Iterable[str], among: Iterable[int] | None = None
    ) -> list[int]:
        """The positions (of ``among``, else of all) of entries that carry any of ``tags``,
        decoding none."""
        wanted = frozenset(tags)
        own = self._tags
        if among is None:
            return [i for i, mine in enumerate(own) if not wanted.isdisjoint(mine)]
        return [i for i in among if not wanted.isdisjoint(own[i])]

    def keep_with(self, keeper: Keeper) -> None:
        """Keep indexes with ``keeper`` from now on: the loader's, once it has written the
        snapshot of a catalogue it has just validated."""
        self._keeper = keeper

    def kept(self, name: str, build: Callable[[], Any]) -> Any:
        """An index of these entries (lookup keys, search text: see query.py) built once: by
        ``build`` on first use, then kept in memory and, for a catalogue read through its
        snapshot, beside the snapshot, so that later runs on the same content read it."""
        if name not in self._indexes:
            self._indexes[name] = build() if self._keeper is None else self._keeper(name, build)
        return self._indexes[name]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return len(self) == len(other) and all(
                a == b for a, b in zip(self, other, strict=False)
            )
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Standards({len(self)} entries)"


class Selection(list[Standard]):
    """Entries read from a catalogue's ``Standards``, as a list, with the positions they were
    read from (``query.select``): what lets a writer use an index kept for those positions
    (formats.py) rather than encode each entry again. It is a list like any other: ``intact``
    says whether it still holds exactly what was read."""

    source: Standards | None = None
    positions: tuple[int, ...] = ()

    @classmethod
    def of(cls, source: Standards, positions: Iterable[int]) -> Selection:
        """The entries of ``source`` at ``positions``."""
        kept = tuple(positions)
        made = cls(source.at(kept))
        made.source, made.positions = source, kept
        return made

    def intact(self) -> bool:
        """Whether it holds the entries read, each at its place (none replaced or moved)."""
        return self.source is not None and self.source.holds(self.positions, self)


class paused_collector:  # lower case: it reads as a function, with paused_collector(): ...
    """Pause the garbage collector while building many objects that hold no cycles (decoded
    entries, rows, JSON objects), whose passes would only walk them, then restore it as it
    was. Nested pauses restore nothing early."""

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exception: object) -> None:
        if self.was_enabled:
            gc.enable()


class Catalogue(NamedTuple):
    """A validated catalogue: metadata, declared domains (in file order) and entries."""

    path: str
    info: CatalogueInfo
    domains: dict[str, Domain]
    standards: Standards

"""gbastd: a catalogue of the Guangdong–Hong Kong–Macao Greater Bay Area standards (湾区标准).

The Python API the command line is built on::

    import gbastd
    catalogue = gbastd.load()                  # the embedded catalogue, or load("my.toml")
    gbastd.lookup("WQ1-8", catalogue)          # -> Standard, or raises StandardNotFound
    gbastd.search("龍舟", catalogue)            # -> [Standard, ...], best match first
    gbastd.select(domain="food", since="2024-01-01")  # -> [{field: value}, ...], as `list`
"""

from __future__ import annotations

from gbastd._version import __version__

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    import os
    from collections.abc import Iterable
    from datetime import date
    from typing import Any

    from gbastd.catalogue import load
    from gbastd.errors import (
        AmbiguousKey,
        CatalogueError,
        CatalogueInvalid,
        CatalogueNotFound,
        GbastdError,
        Problem,
        StandardNotFound,
    )
    from gbastd.fields import FIELDS
    from gbastd.records import Catalogue, Domain, Standard, Status

__all__ = [
    "FIELDS",
    "AmbiguousKey",
    "Catalogue",
    "CatalogueError",
    "CatalogueInvalid",
    "CatalogueNotFound",
    "Domain",
    "GbastdError",
    "Problem",
    "Standard",
    "StandardNotFound",
    "Status",
    "__version__",
    "load",
    "lookup",
    "search",
    "select",
]

_HOMES = ("errors", "fields", "records", "catalogue")
"""The modules the public names live in. A name is imported on first use, so that running
a command (which imports gbastd.cli, and so this package) loads only what it needs."""


def __getattr__(name: str) -> Any:
    if name in __all__:
        for home in _HOMES:
            module = __import__(f"gbastd.{home}", fromlist=[name])
            if hasattr(module, name):
                globals()[name] = value = getattr(module, name)
                return value
    raise AttributeError(f"module 'gbastd' has no attribute {name!r}")


def lookup(key: str, catalogue: Catalogue | None = None) -> Standard:
    """Return the one standard whose gba_id, code or title matches ``key``.

    Raises:
        StandardNotFound: nothing matches (with suggestions); a ``LookupError``.
        AmbiguousKey: several match.
    """
    from gbastd import query
    from gbastd.catalogue import load

    return query.lookup(catalogue if catalogue is not None else load(), key)


def search(text: str, catalogue: Catalogue | None = None) -> list[Standard]:
    """Return the standards matching every word of ``text`` (in their ids, codes, titles,
    publisher, group, or their domains' tags and labels), best match first."""
    from gbastd import query
    from gbastd.catalogue import load

    loaded = catalogue if catalogue is not None else load()
    return query.search(loaded.standards, text, loaded.domains)


def select(
    catalogue: Catalogue | str | os.PathLike[str] | None = None,
    *,
    domain: str | Iterable[str] | None = None,
    status: str | None = None,
    batch: int | None = None,
    year: int | None = None,
    since: date | str | None = None,
    until: date | str | None = None,
    publisher: str | None = None,
    search: str | None = None,
    today: date | None = None,
) -> list[dict[str, Any]]:
    """Return what ``gbastd list`` shows for the same filters, in catalogue order: each entry
    as a dict of every field, dates as ``datetime.date``, lists as lists, and the status as
    stated or as the dates imply it ``today`` (by default, the day it runs).

    ``catalogue`` is a loaded catalogue or a file's path (default: the embedded one). Several
    domains match an entry with any of them; ``status`` may be ``"unknown"``; ``since`` and
    ``until`` bound the listing date. Made for analysis::

        pandas.DataFrame(gbastd.select(domain="food"))

    Raises:
        InvalidQuery: a domain the catalogue does not declare, or a status, date or number
            the command line would refuse.
    """
    from datetime import date as day

    from gbastd import options, query
    from gbastd.catalogue import load
    from gbastd.errors import InvalidQuery
    from gbastd.fields import DATE_FIELDS, FIELDS
    from gbastd.i18n import _
    from gbastd.records import Catalogue as Loaded

    loaded = catalogue if isinstance(catalogue, Loaded) else load(catalogue)
    if status is not None and status not in options.STATUS_CHOICES:
        choices = ", ".join(options.STATUS_CHOICES)
        raise InvalidQuery(
            _("Unknown status {status}. Choose one of: {choices}.").format(
                status=repr(status), choices=choices
            )
        )
    for option, number in ((options.BATCH, batch), (options.YEAR, year)):
        whole = isinstance(number, int) and not isinstance(number, bool)
        if number is not None and not (whole and options.within(option, number)):
            low = option.minimum
            raise InvalidQuery(
                _("{option} takes a whole number from {minimum}, not {value}.").format(
                    option=option.name, minimum=low, value=repr(number)
                )
            )
    filters = query.Filters(
        domains=(domain,) if isinstance(domain, str) else tuple(domain or ()),
        status=status,
        batch=batch,
        year=year,
        since=_iso_day(since, "since"),
        until=_iso_day(until, "until"),
        publisher=publisher,
        search=search,
    )
    when = (today or day.today()).isoformat()
    rows = query.rows(query.select(loaded, filters, today=when), FIELDS, today=when)
    dates = {FIELDS.index(name) for name in DATE_FIELDS if name in FIELDS}
    return [
        {
            name: day.fromisoformat(value)
            if i in dates and value is not None
            else list(value)
            if isinstance(value, tuple)
            else value
            for i, (name, value) in enumerate(zip(FIELDS, row, strict=True))
        }
        for row in rows
    ]


def _iso_day(value: date | str | None, name: str) -> str | None:
    """A date given as a date or as text, read as the command line's --since reads it."""
    from datetime import date as day
    from datetime import datetime

    from gbastd.errors import InvalidQuery
    from gbastd.i18n import _

    if value is None or isinstance(value, day):
        return None if value is None else value.isoformat()
    try:
        return datetime.strptime(value, "%Y-%m-%d").date().isoformat()
    except (TypeError, ValueError):
        raise InvalidQuery(
            _("{option} takes a date or YYYY-MM-DD, not {value}.").format(
                option=name, value=repr(value)
            )
        ) from None

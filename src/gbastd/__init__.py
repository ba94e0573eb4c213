"""gbastd: a catalogue of the Guangdong–Hong Kong–Macao Greater Bay Area standards (湾区标准).

The Python API the command line is built on::

    import gbastd
    catalogue = gbastd.load()                  # the embedded catalogue, or load("my.toml")
    gbastd.lookup("WQ1-8", catalogue)          # -> Standard, or raises StandardNotFound
    gbastd.search("龍舟", catalogue)            # -> [Standard, ...], best match first
"""

from __future__ import annotations

from gbastd._version import __version__

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
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
    """Return the standards matching every word of ``text``, best match first."""
    from gbastd import query
    from gbastd.catalogue import load

    loaded = catalogue if catalogue is not None else load()
    return query.search(loaded.standards, text)

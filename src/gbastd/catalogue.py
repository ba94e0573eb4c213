"""Find, read and validate a catalogue file, through the snapshot cache.

The active catalogue is, in order: an explicit path, ``$GBASTD_CATALOGUE``, or the catalogue
that ships inside the package (in a source checkout or editable install, the repository's own
``data/standards.toml``). Nothing is read at import time, and pydantic and tomllib are imported
only when a catalogue has to be parsed and validated, that is when its content changed.

Before a changed file reaches the TOML reader, ``tomlscan.scan`` refuses in linear time what the
readers handle badly (see the limits there); a refused file's report is kept in the cache, so the
same bytes are refused again, with the same report, without being parsed.
"""

from __future__ import annotations

import gc
import os
import stat

from gbastd import cache
from gbastd._version import __version__
from gbastd.errors import CatalogueInvalid, CatalogueNotFound, Problem
from gbastd.i18n import _
from gbastd.records import Catalogue

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from types import ModuleType
    from typing import Any

    Progress = Callable[[str, int, int], None]
    """Called as progress(stage, done, total) while a changed catalogue is parsed ("parse") and
    validated ("validate"), so that a terminal can show what a slow first run is doing."""

ENV_VAR = "GBASTD_CATALOGUE"
MAX_BYTES = 1 << 30
"""The largest catalogue file read: 1 GiB (a million entries take about 400 MB)."""
_ENTRY_HEADER = rb"(?m)^[ \t]*\[\[[ \t]*standard[ \t]*\]\]"
_TOML_POSITION = r"\(at line (\d+), column (\d+)\)$"


def embedded_path() -> Path:
    """Return the path of the catalogue shipped with gbastd.

    The wheel installs it as package data beside this module (this is what
    ``importlib.resources.files("gbastd")`` resolves to for an installed package, without the
    10 ms that importing importlib.resources adds to every start).
    """
    from pathlib import Path

    return Path(_embedded())


def _embedded() -> str:
    here = os.path.dirname(os.path.realpath(__file__))
    packaged = os.path.join(here, "data", "standards.toml")
    if os.path.isfile(packaged):
        return packaged
    # A source checkout or editable install reads the live file at the repository root.
    return os.path.join(os.path.dirname(os.path.dirname(here)), "data", "standards.toml")


def resolve(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the catalogue path to use: explicit, else $GBASTD_CATALOGUE, else embedded."""
    from pathlib import Path

    return Path(_resolved(path))


def _resolved(path: str | os.PathLike[str] | None) -> str:
    """``resolve``'s answer as the name pathlib would give it, without importing pathlib (a few
    milliseconds of every start) where the name is already in that form."""
    if path is not None and path != "":
        return _as_pathlib_names(os.fspath(path))
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return _as_pathlib_names(from_env)
    return _embedded()


def _as_pathlib_names(name: str) -> str:
    """``str(Path(name))``: the same name without doubled slashes, ``.`` parts or a final
    slash; pathlib is imported only for a name that has any of them."""
    if name == "." or not (
        "//" in name or "/./" in name or name.startswith("./") or name.endswith(("/", "/."))
    ):
        return name
    from pathlib import Path

    return str(Path(name))


def load(
    path: str | os.PathLike[str] | None = None, *, progress: Progress | None = None
) -> Catalogue:
    """Load a valid catalogue (see ``resolve`` for which one), from the cache when unchanged.

    Raises:
        CatalogueNotFound: the file is missing or unreadable.
        CatalogueInvalid: the file is not valid; every problem is listed.
    """
    catalogue = _load(_resolved(path), progress, parse_changed=True)
    assert catalogue is not None  # parse_changed: a changed file is parsed, never skipped
    return catalogue


def load_unchanged(path: str | os.PathLike[str] | None = None) -> Catalogue | None:
    """Load a catalogue from its snapshot alone: None when the file is new, changed or was
    refused, which only ``load`` answers (it parses, validates and reports).

    Raises:
        CatalogueNotFound: the file is missing or unreadable.
    """
    return _load(_resolved(path), None, parse_changed=False)


def _load(resolved: str, progress: Progress | None, *, parse_changed: bool) -> Catalogue | None:
    salt = cache.salt(__version__)
    rebuild = _rebuilder(resolved, salt)
    # Loading builds a great many small objects that hold no cycles: collecting is waste.
    collecting = gc.isenabled()
    gc.disable()
    try:
        known = cache.remembered_key(resolved, salt)
        if known is not None:
            cached = cache.read(resolved, known, rebuild)
            if cached is not None:
                return cached
            if not parse_changed:
                return None
            refused = cache.read_rejection(resolved, known)
            if refused is not None:  # refused before and unchanged since: not even read again
                raise CatalogueInvalid(resolved, refused)
        if not parse_changed and not _rereadable(resolved):
            return None
        data, before, after = _read_source(resolved)
        key = cache.content_key(data, salt)
        catalogue = cache.read(resolved, key, rebuild)
        if catalogue is None:
            if not parse_changed:
                return None
            # The same bytes under the same code get the same report, without a parse.
            refused = cache.read_rejection(resolved, key)
            if refused is not None:
                cache.remember_key(resolved, salt, key, before, after)
                raise CatalogueInvalid(resolved, refused)
            try:
                catalogue = parse(data, resolved, progress=progress)
            except CatalogueInvalid as error:
                cache.write_rejection(resolved, key, error.problems)
                cache.remember_key(resolved, salt, key, before, after)
                raise
            if cache.write(resolved, key, catalogue):  # else no index could be kept either
                catalogue.standards.keep_with(cache.keeper(resolved, key))
        cache.remember_key(resolved, salt, key, before, after)
        return catalogue
    finally:
        if collecting:
            gc.enable()


def _rereadable(path: str) -> bool:
    """Whether reading the file leaves it to be read again: not a pipe (``-c <(…)``,
    ``-c /dev/stdin``), whose bytes ``load_unchanged`` would take from ``load`` after it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return True  # _read_source says why it cannot be read


def _rebuilder(path: str, salt: str) -> Callable[[], Catalogue]:
    """What answers when a snapshot's entry will not decode: the file parsed again, and a
    fresh snapshot in place of the bad one."""

    def rebuild() -> Catalogue:
        data, _, _ = _read_source(path)
        key = cache.content_key(data, salt)
        catalogue = parse(data, path)
        cache.write(path, key, catalogue)
        return catalogue

    return rebuild


def _read_source(path: str) -> tuple[bytes, os.stat_result, os.stat_result]:
    """Return the file's bytes and its status before and after reading them.

    Raises:
        CatalogueNotFound: naming the file and the reason it cannot be read.
    """
    try:
        with open(path, "rb") as stream:
            before = os.fstat(stream.fileno())
            data = stream.read(MAX_BYTES + 1)  # bounded: -c /dev/zero must not eat the memory
            after = os.fstat(stream.fileno())
    except FileNotFoundError:
        raise CatalogueNotFound(path, _("no such catalogue file")) from None
    except IsADirectoryError:
        raise CatalogueNotFound(path, _("is a directory, not a catalogue file")) from None
    except OSError as error:
        raise CatalogueNotFound(
            path, _("cannot be read ({reason})").format(reason=error.strerror)
        ) from None
    if len(data) > MAX_BYTES:
        raise CatalogueNotFound(
            path,
            _("is larger than {size} MiB, more than a catalogue can be").format(
                size=f"{MAX_BYTES >> 20:,}"
            ),
        )
    return data, before, after


def parse(data: bytes, path: str, *, progress: Progress | None = None) -> Catalogue:
    """Validate catalogue bytes (UTF-8 TOML; a leading BOM is accepted) into records."""
    from gbastd.model import build_catalogue

    if progress is not None:
        progress("parse", 0, len(data))
    document = _parse_toml(data, path)
    try:
        return build_catalogue(document, path, progress=progress, consume=True)
    except CatalogueInvalid as error:
        lines = _entry_lines(data)  # only a bad file needs them: problems name their lines
        raise CatalogueInvalid(
            path,
            [
                problem._replace(line=lines[problem.position - 1])
                if problem.position is not None and problem.position <= len(lines)
                else problem
                for problem in error.problems
            ],
        ) from None


def _entry_lines(data: bytes) -> list[int]:
    """Return the line number of every [[standard]] header, counting newlines only once."""
    import re

    lines = []
    line, last = 1, 0
    for match in re.finditer(_ENTRY_HEADER, data):
        line += data.count(b"\n", last, match.start())
        last = match.start()
        lines.append(line)
    return lines


def _toml_reader() -> ModuleType:
    """Return tomli (a dependency of gbastd), else the standard tomllib it was vendored as.

    tomllib is tomli, vendored into Python; the package on PyPI ships compiled wheels that
    parse about three times faster, which is most of a large catalogue's first run.
    """
    try:
        import tomli
    except ImportError:
        import tomllib

        return tomllib
    return tomli


def _parse_toml(data: bytes, path: str) -> dict[str, Any]:
    import re  # a changed file only: an answer from the cache needs no pattern

    from gbastd import tomlscan

    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CatalogueInvalid(path, [Problem(_decode_message(data, error))]) from None
    pathological = tomlscan.scan(data)  # what the reader would choke on is refused first
    if pathological is not None:
        raise CatalogueInvalid(path, [pathological])
    reader = _toml_reader()
    try:
        document: dict[str, Any] = reader.loads(source)
        return document
    except reader.TOMLDecodeError as error:
        message = str(error)
        position = re.search(_TOML_POSITION, message)
        if position is None:
            raise CatalogueInvalid(
                path, [Problem(_("TOML syntax error: {reason}").format(reason=message))]
            ) from None
        problem = Problem(
            _("TOML syntax error: {reason}").format(reason=message[: position.start()].rstrip()),
            line=int(position[1]),
            column=int(position[2]),
        )
        raise CatalogueInvalid(path, [problem]) from None
    except RecursionError:
        raise CatalogueInvalid(path, [Problem(_("TOML nesting is too deep"))]) from None
    except ValueError as error:  # Python's limit on int(): in case a huge number evades scan()
        if "integer string conversion" not in str(error):
            raise
        raise CatalogueInvalid(path, [Problem(tomlscan.big_number())]) from None


def _decode_message(data: bytes, error: UnicodeDecodeError) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _("the file is UTF-16; save it as UTF-8")
    line = data.count(b"\n", 0, error.start) + 1
    return _(
        "not UTF-8 text (byte {byte} on line {line}); "
        "save the file as UTF-8 (GBK and other encodings are not read)"
    ).format(byte=f"0x{data[error.start]:02x}", line=line)

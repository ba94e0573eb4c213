"""Find, read and validate a catalogue file, through the snapshot cache.

The active catalogue is, in order: an explicit path, ``$GBASTD_CATALOGUE``, or the catalogue
that ships inside the package (in a source checkout or editable install, the repository's own
``data/standards.toml``). Nothing is read at import time, and pydantic and tomllib are imported
only when a catalogue has to be parsed and validated, that is when its content changed.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from gbastd import cache
from gbastd._version import __version__
from gbastd.errors import CatalogueInvalid, CatalogueNotFound, Problem
from gbastd.records import Catalogue

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
    here = Path(__file__).resolve().parent
    packaged = here / "data" / "standards.toml"
    if packaged.is_file():
        return packaged
    # A source checkout or editable install reads the live file at the repository root.
    return here.parents[1] / "data" / "standards.toml"


def resolve(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the catalogue path to use: explicit, else $GBASTD_CATALOGUE, else embedded."""
    if path is not None and str(path) != "":
        return Path(path)
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env)
    return embedded_path()


def load(
    path: str | os.PathLike[str] | None = None, *, progress: Progress | None = None
) -> Catalogue:
    """Load a valid catalogue (see ``resolve`` for which one), from the cache when unchanged.

    Raises:
        CatalogueNotFound: the file is missing or unreadable.
        CatalogueInvalid: the file is not valid; every problem is listed.
    """
    resolved = resolve(path)
    salt = cache.salt(__version__)
    # Loading builds a great many small objects that hold no cycles: collecting is waste.
    collecting = gc.isenabled()
    gc.disable()
    try:
        known = cache.remembered_key(resolved, salt)
        if known is not None:
            cached = cache.read(resolved, known)
            if cached is not None:
                return cached
        data, before, after = _read_source(resolved)
        key = cache.content_key(data, salt)
        catalogue = cache.read(resolved, key)
        if catalogue is None:
            catalogue = parse(data, str(resolved), progress=progress)
            cache.write(resolved, key, catalogue)
        cache.remember_key(resolved, salt, key, before, after)
        return catalogue
    finally:
        if collecting:
            gc.enable()


def _read_source(path: Path) -> tuple[bytes, os.stat_result, os.stat_result]:
    """Return the file's bytes and its status before and after reading them.

    Raises:
        CatalogueNotFound: naming the file and the reason it cannot be read.
    """
    try:
        with path.open("rb") as stream:
            before = os.fstat(stream.fileno())
            data = stream.read(MAX_BYTES + 1)  # bounded: -c /dev/zero must not eat the memory
            after = os.fstat(stream.fileno())
    except FileNotFoundError:
        raise CatalogueNotFound(str(path), "no such catalogue file") from None
    except IsADirectoryError:
        raise CatalogueNotFound(str(path), "is a directory, not a catalogue file") from None
    except OSError as error:
        raise CatalogueNotFound(str(path), f"cannot be read ({error.strerror})") from None
    if len(data) > MAX_BYTES:
        raise CatalogueNotFound(
            str(path), f"is larger than {MAX_BYTES >> 20:,} MiB, more than a catalogue can be"
        )
    return data, before, after


def parse(data: bytes, path: str, *, progress: Progress | None = None) -> Catalogue:
    """Validate catalogue bytes (UTF-8 TOML; a leading BOM is accepted) into records."""
    from gbastd.model import build_catalogue

    if progress is not None:
        progress("parse", 0, len(data))
    document = _parse_toml(data, path)
    try:
        return build_catalogue(document, path, progress=progress)
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
    lines = []
    line, last = 1, 0
    for match in re.finditer(_ENTRY_HEADER, data):
        line += data.count(b"\n", last, match.start())
        last = match.start()
        lines.append(line)
    return lines


def _toml_reader() -> ModuleType:
    """Return tomli where it is installed (``gbastd[fast]``), else the standard tomllib.

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
    reader = _toml_reader()
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CatalogueInvalid(path, [Problem(_decode_message(data, error))]) from None
    try:
        document: dict[str, Any] = reader.loads(source)
        return document
    except reader.TOMLDecodeError as error:
        message = str(error)
        position = re.search(_TOML_POSITION, message)
        if position is None:
            raise CatalogueInvalid(path, [Problem(f"TOML syntax error: {message}")]) from None
        problem = Problem(
            f"TOML syntax error: {message[: position.start()].rstrip()}",
            line=int(position[1]),
            column=int(position[2]),
        )
        raise CatalogueInvalid(path, [problem]) from None
    except RecursionError:
        raise CatalogueInvalid(path, [Problem("TOML nesting is too deep")]) from None


def _decode_message(data: bytes, error: UnicodeDecodeError) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "the file is UTF-16; save it as UTF-8"
    line = data.count(b"\n", 0, error.start) + 1
    return (
        f"not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}); "
        "save the file as UTF-8 (GBK and other encodings are not read)"
    )

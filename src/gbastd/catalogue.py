"""Find, read and validate a catalogue file.

The active catalogue is, in order: an explicit path, ``$GBASTD_CATALOGUE``, or the catalogue
that ships inside the package (in a source checkout or editable install, the repository's own
``data/standards.toml``). Nothing is read at import time.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path
from typing import Any

from gbastd.errors import CatalogueInvalid, CatalogueNotFound, Problem
from gbastd.records import Catalogue

ENV_VAR = "GBASTD_CATALOGUE"
_ENTRY_HEADER = re.compile(rb"^[ \t]*\[\[[ \t]*standard[ \t]*\]\]", re.MULTILINE)
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)$")


def embedded_path() -> Path:
    """Return the path of the catalogue shipped with gbastd."""
    packaged = resources.files("gbastd").joinpath("data", "standards.toml")
    if packaged.is_file():
        return Path(str(packaged))
    # A source checkout or editable install reads the live file at the repository root.
    return Path(__file__).resolve().parents[2] / "data" / "standards.toml"


def resolve(path: str | os.PathLike[str] | None = None) -> Path:
    """Return the catalogue path to use: explicit, else $GBASTD_CATALOGUE, else embedded."""
    if path is not None and str(path) != "":
        return Path(path)
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env)
    return embedded_path()


def load(path: str | os.PathLike[str] | None = None) -> Catalogue:
    """Load and validate a catalogue (see ``resolve`` for which one).

    Raises:
        CatalogueNotFound: the file is missing or unreadable.
        CatalogueInvalid: the file is not valid; every problem is listed.
    """
    resolved = resolve(path)
    return parse(read_bytes(resolved), str(resolved))


def read_bytes(path: Path) -> bytes:
    """Return the file's bytes, or raise CatalogueNotFound with the reason."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CatalogueNotFound(str(path), "no such catalogue file") from None
    except IsADirectoryError:
        raise CatalogueNotFound(str(path), "is a directory, not a catalogue file") from None
    except OSError as error:
        raise CatalogueNotFound(str(path), f"cannot be read ({error.strerror})") from None


def parse(data: bytes, path: str) -> Catalogue:
    """Validate catalogue bytes (UTF-8 TOML; a leading BOM is accepted) into records."""
    from gbastd.model import build_catalogue

    document = _parse_toml(data, path)
    entry_lines = [data.count(b"\n", 0, m.start()) + 1 for m in _ENTRY_HEADER.finditer(data)]
    return build_catalogue(document, path, entry_lines)


def _parse_toml(data: bytes, path: str) -> dict[str, Any]:
    import tomllib

    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CatalogueInvalid(path, [Problem(_decode_message(data, error))]) from None
    try:
        return tomllib.loads(source)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
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

"""Find, read and validate a catalogue file, through the snapshot cache.

The active catalogue is, in order: an explicit path, ``$GBASTD_CATALOGUE``, or the catalogue
that ships inside the package (in a source checkout or editable install, the repository's own
``data/standards.toml``). Nothing is read at import time, and pydantic and tomllib are imported
only when a catalogue has to be parsed and validated, that is when its content changed.

Before a changed file reaches the TOML reader, ``scan`` refuses in linear time what the readers
handle badly (see the limits below); a refused file's report is kept in the cache, so the same
bytes are refused again, with the same report, without being parsed.
"""

from __future__ import annotations

import functools
import gc
import os
import re
import stat
from collections.abc import Callable
from types import ModuleType

from gbastd import cache
from gbastd._version import __version__
from gbastd.errors import CatalogueInvalid, CatalogueNotFound, Problem
from gbastd.i18n import _
from gbastd.records import Catalogue

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from pathlib import Path
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
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise CatalogueInvalid(path, [Problem(_decode_message(data, error))]) from None
    pathological = scan(data)  # what the reader would choke on is refused before it sees it
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
        raise CatalogueInvalid(path, [Problem(_big_number())]) from None


def _decode_message(data: bytes, error: UnicodeDecodeError) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _("the file is UTF-16; save it as UTF-8")
    line = data.count(b"\n", 0, error.start) + 1
    return _(
        "not UTF-8 text (byte {byte} on line {line}); "
        "save the file as UTF-8 (GBK and other encodings are not read)"
    ).format(byte=f"0x{data[error.start]:02x}", line=line)


# ---------------------------------------------------------------- the pre-parse scan
#
# The TOML readers are not built for hostile input: tomllib is quadratic in the parts of a
# dotted key (10,000 parts take 624 MB, 100,000 parts 22 GB), both readers recurse once per
# level of nested arrays and inline tables until a RecursionError (tomli at 400 levels, tomllib
# near 1,000), and an integer of more than 4,300 digits makes int() raise a bare ValueError.
# scan() refuses such a file in linear time before it reaches a reader, with one sentence that
# names the line. Every limit sits far above what a catalogue can use, so no real file meets one;
# the scan runs only when a changed file is about to be parsed, never on an answer from the cache.

MAX_LINE = 1 << 20
"""Longest line read, in bytes: 1 MiB. The embedded catalogue's longest line is about 300 bytes;
the longest valid value, 1,000 characters each written as a \\UXXXXXXXX escape, is 10,000."""
MAX_KEY_PARTS = 32
"""Most parts in a dotted key (a.b.c has 3). No catalogue key needs more than 3
(domains.food.zh = "..."), and the embedded catalogue's have at most 2."""
MAX_NESTING = 32
"""Deepest nesting of brackets, counting arrays, inline tables and a table header's own brackets.
A catalogue needs 2 ([[standard]], or totals = [{...}]); tomli gives up at 400."""
MAX_DIGITS = 4300
"""Most digits in a decimal integer: Python's default limit on int() of a string, which the readers
call. A catalogue's integers are counts and batch numbers of a few digits."""
# The lexical pieces of TOML that decide what is code and what is text, over UTF-8 bytes (where
# no byte of a multi-byte character is ASCII). Every repetition is possessive, so no pattern
# backtracks, and each byte is looked at a bounded number of times.
_BASIC = rb'"(?!"")[^"\\\n]*+(?:\\[^\n][^"\\\n]*+)*+"'
_LITERAL = rb"'(?!'')[^'\n]*+'"
_MULTILINE_BASIC = rb'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+"{3,5}'
_MULTILINE_LITERAL = rb"'''(?:[^']++|'(?!''))*+'{3,5}"
_COMMENT = rb"#[^\n]*+"
_CODE = rb"""[^\[\]{}"'#.0-9]"""  # what needs no closer look: not text, a bracket, a dot, a digit


@functools.cache
def _pieces() -> tuple[bytes, bytes, bytes, bytes]:
    """The patterns of: a string or a comment; a dot and as many parts and dots as may follow a
    key's first part; right after those, one dot too many; a run of digits and underscores with
    at most MAX_DIGITS digits."""
    part = rb"(?:[A-Za-z0-9_-]++|" + _BASIC + b"|" + _LITERAL + b")"
    return (
        b"|".join((_BASIC, _LITERAL, _MULTILINE_BASIC, _MULTILINE_LITERAL, _COMMENT)),
        rb"\.[ \t]*+(?:" + part + rb"[ \t]*+\.[ \t]*+){0,%d}+" % (MAX_KEY_PARTS - 2),
        part + rb"[ \t]*+\.",
        rb"_*+(?:[0-9]_*+){1,%d}+" % MAX_DIGITS,
    )


# How deep the fast pattern follows brackets in C at first: a real catalogue needs 2, and a
# small pattern compiles in a few ms. A file with deeper brackets is read a token at a time in
# Python below them, and once that has taken _PATIENCE tokens, with patterns as deep as the
# limit allows (up to 33 of them, compiled once when first needed: about half a second in all).
_FAST_NESTING = 3
_PATIENCE = 10_000


@functools.cache
def _fast_scan(nesting: int) -> re.Pattern[bytes]:
    """The longest run, from where it starts, of harmless tokens at one level of brackets: text,
    comments, code, keys of at most MAX_KEY_PARTS parts, integers of at most MAX_DIGITS digits
    and whole bracketed groups at most ``nesting`` deep. It stops before anything else: a
    closing bracket, a deeper group, a key or number too long, an unterminated string."""
    code, (text, dots, more, digits) = _CODE + b"*+", _pieces()
    token = b"|".join((text, dots + rb"(?!" + more + b")", digits + rb"(?![0-9])"))
    level = code + rb"(?:(?:" + token + rb")" + code + rb")*+"
    for _level in range(nesting):  # each level of brackets holds the level below it
        level = code + rb"(?:(?:" + token + rb"|[\[{]" + level + rb"[\]}])" + code + rb")*+"
    return re.compile(level)


@functools.cache
def _one_token() -> re.Pattern[bytes]:
    """One token, named by its group; no match where a string is not terminated on its line."""
    text, dots, more, digits = _pieces()
    return re.compile(
        b"|".join(
            (
                rb"(?P<code>" + _CODE + b"++)",
                rb"(?P<text>" + text + b")",
                rb"(?P<open>[\[{])",
                rb"(?P<close>[\]}])",
                rb"(?P<dots>" + dots + rb")(?P<more>" + more + b")?",
                rb"(?P<digits>" + digits + rb")(?P<longer>[0-9][0-9_]*+)?",
            )
        )
    )


def scan(data: bytes) -> Problem | None:
    """Return the first thing in a catalogue's UTF-8 bytes that breaks one of the limits above (a
    line, a dotted key, nesting or an integer) as a problem naming its line; else None.

    Linear in the size of the file, and about 9 ms a MB for a catalogue. Where the file is
    malformed the scan stops and returns None: the reader reports the syntax error there.
    """
    problem = _long_line(data)
    if problem is not None:
        return problem
    opened: list[bytes] = []  # b"[" a table header's bracket, b"a" an array, b"{" a table
    position = spent = 0
    while True:
        allowed = MAX_NESTING - len(opened)
        position = _skip(_fast_scan(min(allowed, _FAST_NESTING)), data, position)
        if spent > _PATIENCE and allowed > _FAST_NESTING and data[position : position + 1] in b"[{":
            position = _skip(_fast_scan(allowed), data, position)
        if position == len(data):  # where a real catalogue ends up at once
            return None
        match = _one_token().match(data, position)
        if match is None:  # a string the reader will find unterminated
            return None
        spent += 1
        kind = match.lastgroup
        if kind == "open":
            opened.append(_bracket(data, position, opened))
            if len(opened) > MAX_NESTING:
                message = _("arrays or inline tables are nested more than {depth} deep").format(
                    depth=MAX_NESTING
                )
                return _problem(data, position, message)
        elif kind == "close":
            if not opened:
                return None  # a bracket closed that was never opened: a syntax error
            opened.pop()
        elif kind == "more":
            message = _("a dotted key has more than {count} parts").format(count=MAX_KEY_PARTS)
            return _problem(data, position, message, column=False)
        elif kind == "longer" and _integer_value(data, match.start(), match.end(), opened):
            return _problem(data, match.start(), _big_number())
        position = match.end()


def _skip(harmless: re.Pattern[bytes], data: bytes, position: int) -> int:
    match = harmless.match(data, position)
    assert match is not None  # every part of it may match nothing
    return match.end()


def _big_number() -> str:
    return _("an integer has more than {count} digits, more than Python reads").format(
        count=f"{MAX_DIGITS:,}"
    )


def _long_line(data: bytes) -> Problem | None:
    """Find a line longer than MAX_LINE by probing blocks of half that size for a newline (a
    memchr in C): such a line covers a whole block, and a file has few blocks."""
    block = MAX_LINE // 2
    position = 0
    while position + block <= len(data):
        if data.find(b"\n", position, position + block) >= 0:
            position += block
            continue
        start = data.rfind(b"\n", 0, position) + 1
        stop = data.find(b"\n", position)
        stop = len(data) if stop < 0 else stop
        length = stop - start - (data[stop - 1 : stop] == b"\r")
        if length > MAX_LINE:
            message = _("the line is {length} bytes long; at most {maximum} are allowed").format(
                length=f"{length:,}", maximum=f"{MAX_LINE:,}"
            )
            return _problem(data, start, message, column=False)
        position = stop  # probing goes on from the end of this line
    return None


def _bracket(data: bytes, position: int, opened: list[bytes]) -> bytes:
    """What the bracket at ``position`` opens: "[" starting its line outside brackets starts a
    table header (and "[[" is two of its brackets); any other "[" an array."""
    if data[position : position + 1] == b"{":
        return b"{"
    if not opened:
        return b"[" if _before(data, position) in (b"\n", b"") else b"a"
    header = opened == [b"["] and data[position - 1 : position] == b"["
    return b"[" if header else b"a"


def _integer_value(data: bytes, start: int, stop: int, opened: list[bytes]) -> bool:
    """Whether the run of digits at ``start:stop`` is an integer value that the readers pass to
    int() (not a key, part of a key, a hexadecimal number, a float or an exponent)."""
    after = _spaces().match(data, stop)
    assert after is not None  # it may match nothing
    following = data[after.end() : after.end() + 1]
    if following in (b".", b"=") or (following == b"]" and opened[-1:] == [b"["]):
        return False  # a key, a part of one, a table header, or a float's integer part
    if data[start - 1 : start] in (b"+", b"-"):
        start -= 1
    before = _before(data, start)
    if before == b"." or before.isalnum() or before == b"_":
        return False  # it goes on a key part, a number (0x..., 1e...) or a dotted key
    if not opened and before in (b"\n", b""):
        return False  # a key starting a statement (the reader will want "=" after it)
    return _big_decimal().match(data, start) is not None


@functools.cache
def _big_decimal() -> re.Pattern[bytes]:
    """A decimal integer as the readers read one, with more than MAX_DIGITS digits: an optional
    sign, a leading 1-9, digits and single underscores, and no fraction or exponent after it."""
    return re.compile(
        rb"[+-]?[1-9](?:_?[0-9]){%d}(?:_?[0-9])*+(?!\.[0-9]|[eE][+-]?[0-9])" % MAX_DIGITS
    )


@functools.cache
def _spaces() -> re.Pattern[bytes]:
    return re.compile(rb"[ \t]*+")


def _before(data: bytes, position: int) -> bytes:
    """The byte before ``position`` that is not a space or tab: b"\\n" at the start of a line,
    b"" at the start of the file (or of its text, after a BOM). Reads only the spaces crossed."""
    while position > 0:
        start = max(position - 256, 0)
        end = start + len(data[start:position].rstrip(b" \t"))
        if end > start:
            bom = end == 3 and data.startswith(b"\xef\xbb\xbf")
            return b"" if bom else data[end - 1 : end]
        position = start
    return b""


def _problem(data: bytes, position: int, message: str, *, column: bool = True) -> Problem:
    """A problem at byte ``position``: its line and, when asked, its column in characters."""
    start = data.rfind(b"\n", 0, position) + 1
    where = None
    if column:
        where = len(data[start:position].decode("utf-8", "replace").removeprefix("\ufeff")) + 1
    return Problem(message, line=data.count(b"\n", 0, position) + 1, column=where)

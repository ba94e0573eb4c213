"""Refuse, in linear time, a catalogue the TOML readers would choke on.

The TOML readers are not built for hostile input: tomllib is quadratic in the parts of a
dotted key (10,000 parts take 624 MB, 100,000 parts 22 GB), both readers recurse once per
level of nested arrays and inline tables until a RecursionError (tomli at 400 levels, tomllib
near 1,000), and an integer of more than 4,300 digits makes int() raise a bare ValueError.
``scan`` refuses such a file in linear time before it reaches a reader, with one sentence that
names the line. Every limit sits far above what a catalogue can use, so no real file meets one;
the scan runs only when a changed file is about to be parsed, never on an answer from the cache.
"""

from __future__ import annotations

import functools
import re

from gbastd.errors import Problem
from gbastd.i18n import _

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
            return _problem(data, match.start(), big_number())
        position = match.end()


def _skip(harmless: re.Pattern[bytes], data: bytes, position: int) -> int:
    match = harmless.match(data, position)
    assert match is not None  # every part of it may match nothing
    return match.end()


def big_number() -> str:
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

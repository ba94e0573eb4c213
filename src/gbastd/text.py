"""Text normalisation shared by loading, lookup and search: identifiers, keys and folding.

Everything here is pure and cheap to import: re, unicodedata and the Traditional→Simplified
table are loaded on first use only, so a command whose texts need none of them (a piped ``list``
of the cached catalogue) never pays for them.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    import re

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−﹣－", "-"))
# Patterns are compiled on first use (_compiled), not at import: most runs need none.
_GBA_ID = r"WQ(\d+)-(\d+)"
_CANONICAL_GBA_ID = r"WQ [1-9]\d*-[1-9]\d*"
_SPACES = r"\s+"
_DIGITS = r"(\d+)"
# Unicode's format characters (general category Cf): zero-width space, non-joiner and joiner, word
# joiner, soft hyphen, byte-order mark, the bidirectional controls and the like. They show
# nothing, so texts that differ only by them look the same: keys and folding drop them, and a
# catalogue may not hold them in its text (model.py). These are Unicode 15's; tests/test_text.py
# checks them against the running Python's character database.
INVISIBLE = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)
"""The invisible characters, as the inside of a regular expression's character class."""
_INVISIBLE = f"[{INVISIBLE}]"
_COMPILED: dict[str, re.Pattern[str]] = {}


def _compiled(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled, importing re on the first use of any: one dict look-up after
    that, where a call of re.sub or re.fullmatch looks the pattern up in re's cache by a key
    tuple on every call (about 0.3 s a first run at 100,000 entries)."""
    found = _COMPILED.get(pattern)
    if found is None:
        import re

        found = _COMPILED[pattern] = re.compile(pattern)
    return found


def normalise_gba_id(raw: str) -> str | None:
    """Return the canonical form of a GBA identifier (``WQ 1-8``), or None if it is not one.

    ``WQ1-8``, ``wq 1-8``, ``WQ 1–8`` and full-width ``ＷＱ１－８`` are all ``WQ 1-8``.
    """
    if _compiled(_CANONICAL_GBA_ID).fullmatch(raw):  # already canonical: the usual case on load
        return raw
    compact = _compiled(_SPACES).sub("", _nfkc(raw).translate(_DASHES)).upper()
    match = _compiled(_GBA_ID).fullmatch(compact)
    if match is None:
        return None
    return f"WQ {int(match[1])}-{int(match[2])}"


def key(text: str) -> str:
    """Return the lookup key of an id, code or title: width, case, dashes and spaces folded,
    invisible characters dropped."""
    if text.isascii():  # no invisible characters, and NFKC, dashes and Han forms leave it alone
        return "".join(text.lower().split())
    folded = _nfkc(visible(text)).casefold().translate(_fold_table())
    return "".join(folded.split())


def _nfkc(text: str) -> str:
    import unicodedata  # a C library of its own: loaded when a text needs it, not at start

    return unicodedata.normalize("NFKC", text)


def fold(text: str) -> str:
    """Return text folded for searching: width, case and Traditional→Simplified characters,
    invisible characters dropped."""
    folded = _nfkc(visible(text)).casefold().translate(_fold_table())
    return _compiled(_SPACES).sub(" ", folded).strip()


def visible(text: str) -> str:
    """Return text without its invisible characters (dropped before NFKC, so that one between a
    letter and its accent does not stop them composing)."""
    if text.isprintable():  # the usual case, decided in C: every invisible character is not
        return text
    return _compiled(_INVISIBLE).sub("", text)


def first_invisible(text: str) -> str | None:
    """Return the first invisible character in text, or None."""
    if text.isascii():
        return None
    found = _compiled(_INVISIBLE).search(text)
    return found[0] if found else None


def fold_han(text: str) -> str:
    """Map Traditional (including Hong Kong and Taiwan) characters to Simplified ones."""
    return text.translate(_han_table())


_HAN_TABLE: dict[int, int] = {}


def _han_table() -> dict[int, int]:
    if not _HAN_TABLE:
        from gbastd._hanzi import SIMPLIFIED, TRADITIONAL

        _HAN_TABLE.update(str.maketrans(TRADITIONAL, SIMPLIFIED))
    return _HAN_TABLE


_FOLD_TABLE: dict[int, int | str] = {}


def _fold_table() -> dict[int, int | str]:
    """Dashes to ``-`` and Traditional characters to Simplified ones, in one pass of translate
    (a pass costs about 0.1 µs a character; a large catalogue's first run folds every title).
    After casefold, which changes neither kind of character."""
    if not _FOLD_TABLE:
        _FOLD_TABLE.update(_han_table())
        _FOLD_TABLE.update(_DASHES)
    return _FOLD_TABLE


_CONTROL = "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"


def escape_controls(text: str) -> str:
    r"""Show control and bidirectional-override characters visibly (``\x1b``) instead of raw.

    A catalogue must not be able to move the cursor, retitle the window or reorder text on the
    user's terminal.
    """
    if text.isprintable():  # the usual case, decided in C: not one control or format character
        return text
    return _compiled(_CONTROL).sub(_escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    point = ord(match[0])
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def natural_key(text: str, *, pinyin: bool = False) -> tuple[tuple[int, int, str], ...]:
    """Return a sort key that orders embedded numbers by value (WQ 1-9 before WQ 1-10).

    With ``pinyin``, Chinese characters order by their Hanyu Pinyin reading, syllable by
    syllable and tone by tone, as pypinyin reads them in context (重庆 chóngqìng, 银行 yínháng);
    characters that read alike keep a fixed order among themselves. pypinyin is imported on the
    first text that holds something other than ASCII, never before.
    """
    return tuple(
        (0, int(part), "")
        if part.isdigit()
        else (1, 0, part if not pinyin or part.isascii() else _spelt(part))
        for part in _compiled(_DIGITS).split(text.casefold())
        if part
    )


def _spelt(part: str) -> str:
    """``part`` with its Chinese characters spelt in pinyin with tone numbers (neutral: 5), then
    the text itself, which orders homophones."""
    from pypinyin import Style, lazy_pinyin

    spelt = lazy_pinyin(part, style=Style.TONE3, neutral_tone_with_five=True)
    return "".join(spelt) + "\x00" + part


# ------------------------------------------------------------------ lines of Chinese, folded
#
# textwrap (and click, which wraps help with it) counts characters and breaks only at spaces and
# hyphens: a line of Chinese, two cells a character, would run twice the terminal's width and
# break anywhere in a run of Chinese and ASCII. for_wrapping prepares a text for them: each wide
# character is preceded by a space (its second cell, and a place to break, which textwrap drops at
# a line's end), or by a private-use character where a line must not break (before closing
# punctuation, after opening punctuation or bracket, at a line's start, where click would take a
# space for indentation); a real space before a wide character and every hyphen are held as
# private-use characters, so that zh-Hant or YYYY-MM-DD stay whole. as_wrapped undoes it all once
# the text is wrapped (and indented). A wide character that starts a line has lost its space
# there: wrap one cell narrower than the room (NARROWER), and no line overflows.

NARROWER = 1
"""How many cells narrower than the room to wrap text prepared by for_wrapping."""
_CELL = "\ue000"
_HYPHEN = "\ue001"
_SPACE = "\ue002"
_CLOSING = frozenset("，。、；：？！）」』】》")
_OPENING = frozenset("（「『【《")


def _wide(char: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(char) in "WF"


def for_wrapping(text: str, *, between_characters: bool = True) -> str:
    """``text`` prepared for textwrap to fold by display width (see above); without
    ``between_characters``, a run of Chinese breaks only where there is a space, as a word
    of English text does (湾区标准 in an English sentence)."""
    if text.isascii():
        return text
    prepared = []
    held = True  # no break before the next character
    for char, following in zip(text, [*text[1:], ""], strict=True):
        if char == "\n":
            prepared.append(char)
            held = True
            continue
        if _wide(char):
            breaks = between_characters and not held and char not in _CLOSING
            prepared.append((" " if breaks else _CELL) + char)
            held = char in _OPENING
            continue
        if char == " " and following and _wide(following):
            prepared.append(_SPACE)
        else:
            prepared.append(_HYPHEN if char == "-" else char)
        held = char in "(["
    return "".join(prepared)


def as_wrapped(text: str) -> str:
    """Text prepared by for_wrapping, once wrapped (and indented), as it is shown."""
    if text.isascii():
        return text
    kept = [  # an inserted space follows text on its line; indentation is kept
        char
        for before, char, following in zip(["\n", *text], text, [*text[1:], ""], strict=False)
        if not (char == " " and before not in " \n" and following and _wide(following))
    ]
    shown = "".join(kept).replace(_CELL, "").replace(_HYPHEN, "-")
    # A real space where a line was broken ends the line: it goes, as textwrap drops spaces.
    shown = shown.replace(_SPACE + "\n", "\n").removesuffix(_SPACE)
    return shown.replace(_SPACE, " ")


def fill_cells(text: str, width: int) -> str:
    """``text`` folded into lines of at most ``width`` cells, Chinese by display width."""
    import textwrap

    if text.isascii():
        return textwrap.fill(text, width=width)
    return as_wrapped(textwrap.fill(for_wrapping(text), width=width - NARROWER))

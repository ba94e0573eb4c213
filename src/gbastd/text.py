"""Text normalisation shared by loading, lookup and search: identifiers, keys and folding.

Everything here is pure and cheap to import. The Traditional→Simplified table is built on first
use only, so commands that do not search never pay for it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−﹣－", "-"))
# Patterns are compiled on first use (re caches them), not at import: most runs need none.
_GBA_ID = r"WQ(\d+)-(\d+)"
_CANONICAL_GBA_ID = r"WQ [1-9]\d*-[1-9]\d*"
_SPACES = r"\s+"
_DIGITS = r"(\d+)"


def normalise_gba_id(raw: str) -> str | None:
    """Return the canonical form of a GBA identifier (``WQ 1-8``), or None if it is not one.

    ``WQ1-8``, ``wq 1-8``, ``WQ 1–8`` and full-width ``ＷＱ１－８`` are all ``WQ 1-8``.
    """
    if re.fullmatch(_CANONICAL_GBA_ID, raw):  # already canonical: the usual case on load
        return raw
    compact = re.sub(_SPACES, "", unicodedata.normalize("NFKC", raw).translate(_DASHES)).upper()
    match = re.fullmatch(_GBA_ID, compact)
    if match is None:
        return None
    return f"WQ {int(match[1])}-{int(match[2])}"


def key(text: str) -> str:
    """Return the lookup key of an id, code or title: width, case, dashes and spaces folded."""
    if text.isascii():  # NFKC, dashes and Han forms leave ASCII as it is
        return "".join(text.lower().split())
    folded = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    return "".join(fold_han(folded).split())


def fold(text: str) -> str:
    """Return text folded for searching: width, case and Traditional→Simplified characters."""
    folded = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    return re.sub(_SPACES, " ", fold_han(folded)).strip()


def fold_han(text: str) -> str:
    """Map Traditional (including Hong Kong and Taiwan) characters to Simplified ones."""
    return text.translate(_han_table())


@cache
def _han_table() -> dict[int, int]:
    from gbastd._hanzi import SIMPLIFIED, TRADITIONAL

    return str.maketrans(TRADITIONAL, SIMPLIFIED)


_CONTROL = "[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]"


def escape_controls(text: str) -> str:
    r"""Show control and bidirectional-override characters visibly (``\x1b``) instead of raw.

    A catalogue must not be able to move the cursor, retitle the window or reorder text on the
    user's terminal.
    """
    return re.sub(_CONTROL, _escape_one, text)


def _escape_one(match: re.Match[str]) -> str:
    point = ord(match[0])
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def natural_key(text: str) -> tuple[tuple[int, int, str], ...]:
    """Return a sort key that orders embedded numbers by value (WQ 1-9 before WQ 1-10)."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.split(_DIGITS, text.casefold())
        if part
    )

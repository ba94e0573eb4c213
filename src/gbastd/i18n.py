"""The language gbastd speaks to a person: Simplified Chinese, Traditional Chinese or English.

Messages and help are written in English in the code, marked ``_("…")`` (or ``N_("…")`` where
they are declared before a language is known, and translated where they are used), and
translated by gettext catalogues: ``locale/<language>/LC_MESSAGES/gbastd.po`` in the
repository, compiled to ``.mo`` when the package is built (``hatch_build.py``).
``scripts/messages.py`` gathers the messages with Babel and updates the catalogues.

The language is chosen once per run (``--lang``, else ``GBASTD_LANG``, else the locale) and
set with ``use``. Nothing is read or imported until a message is translated into Chinese, so
English, and the piped path, which speaks no language at all, cost nothing.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from collections.abc import Mapping
    from gettext import NullTranslations

SIMPLIFIED = "zh-Hans"
TRADITIONAL = "zh-Hant"
ENGLISH = "en"
LANGUAGES = (SIMPLIFIED, TRADITIONAL, ENGLISH)
"""The display languages, as ``--lang`` and ``GBASTD_LANG`` name them (BCP 47 tags)."""

DOMAIN = "gbastd"
LOCALE_DIRECTORY = os.path.join(os.path.dirname(__file__), "locale")
CATALOGUE_NAMES = {SIMPLIFIED: "zh_Hans", TRADITIONAL: "zh_Hant"}
"""The folder of each translated language under ``locale/`` (gettext's spelling)."""

# POSIX locales and the script their readers write: the mainland and Singapore write
# Simplified characters; Hong Kong, Taiwan and Macao write Traditional ones.
_BY_REGION = {
    "zh_cn": SIMPLIFIED,
    "zh_sg": SIMPLIFIED,
    "zh_hans": SIMPLIFIED,
    "zh_hk": TRADITIONAL,
    "zh_tw": TRADITIONAL,
    "zh_mo": TRADITIONAL,
    "zh_hant": TRADITIONAL,
}


def named(text: str) -> str | None:
    """The language ``text`` names, in any case (``zh-Hant``, ``ZH-HANT``), else None: the
    spellings ``--lang`` takes."""
    wanted = text.lower()
    for language in LANGUAGES:
        if language.lower() == wanted:
            return language
    return None


def of_locale(environ: Mapping[str, str]) -> str:
    """The language of the locale: the first of ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that
    is set decides, as POSIX has it (``zh_HK.UTF-8`` → zh-Hant, ``zh_CN`` → zh-Hans; any other
    locale → en)."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(variable, "")
        if value:
            name = value.partition(".")[0].partition("@")[0].lower().replace("-", "_")
            region = "_".join(name.split("_")[:2])
            if name.startswith("zh_hant") or name.startswith("zh_hans"):
                region = name[:7]
            return _BY_REGION.get(region, ENGLISH)
    return ENGLISH


class _State:
    """The language of this run and, once a message needs it, its translations."""

    language = ENGLISH
    translations: NullTranslations | None = None


def use(language: str) -> None:
    """Speak ``language`` (one of ``LANGUAGES``) from now on."""
    _State.language = language
    _State.translations = None


def current() -> str:
    """The language this run speaks."""
    return _State.language


def _translations() -> NullTranslations:
    if _State.translations is None:
        import gettext

        path = os.path.join(
            LOCALE_DIRECTORY, CATALOGUE_NAMES[_State.language], "LC_MESSAGES", f"{DOMAIN}.mo"
        )
        try:
            with open(path, "rb") as compiled:
                _State.translations = gettext.GNUTranslations(compiled)
        except OSError:  # a source tree never built: English rather than a traceback
            _State.translations = gettext.NullTranslations()
    return _State.translations


def _(message: str) -> str:
    """``message`` in the language of this run."""
    if _State.language == ENGLISH or not message:
        return message
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of a message for ``count`` things in the language of this run."""
    if _State.language == ENGLISH:
        return singular if count == 1 else plural
    return _translations().ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Mark ``message`` for translation where it is used, not where it is declared."""
    return message


def pick(simplified: str, traditional: str, english: str) -> str:
    """Of three renderings of one thing (a field's or a domain's labels), this run's."""
    if _State.language == SIMPLIFIED:
        return simplified
    if _State.language == TRADITIONAL:
        return traditional
    return english

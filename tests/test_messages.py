"""Every message gbastd speaks has its Simplified and Traditional Chinese translation.

The messages are gathered as the maintainers' tool gathers them (scripts/messages.py: the
code's marked strings, the help of every command and option, Typer's few help words), so a
message added anywhere without a translation fails here. A translation keeps the message's
placeholders; the catalogues the package was built with are the ones in the repository.
"""

from __future__ import annotations

import importlib.util
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from gbastd import i18n, options
from gbastd.errors import UnknownLanguage
from gbastd.fields import ENTRY_FIELDS, ROW_NUMBER_HEADER

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("messages", ROOT / "scripts" / "messages.py")
assert _spec is not None and _spec.loader is not None
messages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(messages)

TRANSLATED = sorted(i18n.CATALOGUE_NAMES)
HAN = re.compile(r"[\u4e00-\u9fff]")


def _catalogue(language: str) -> Catalog:
    with messages.catalogue_path(language).open("rb") as source:
        return read_po(source)


def _ids(message: object) -> list[str]:
    return list(message) if isinstance(message, tuple) else [str(message)]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def gathered() -> Catalog:
    return messages.gather()


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(gathered: Catalog, language: str) -> None:
    """Each gathered message has a translation, checked (not fuzzy), in the language."""
    translated = _catalogue(language)
    missing = [
        message.id
        for message in gathered
        if message.id
        and (
            (found := translated.get(message.id)) is None
            or found.fuzzy
            or not all(_ids(found.string))
        )
    ]
    assert missing == [], f"{len(missing)} untranslated: run scripts/messages.py, translate"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language: str) -> None:
    """A translation names the same {placeholders} as its message, and is written in Chinese
    where the message is words (not a bare option list or a format)."""
    wrong = []
    for message in _catalogue(language):
        if not message.id or not message.string:
            continue
        for source, target in zip(_ids(message.id), _ids(message.string), strict=False):
            if target and _fields(source) != _fields(target):
                wrong.append((source, target))
    assert wrong == []


def test_the_scripts_differ_where_they_should() -> None:
    """The two catalogues are not one copied into the other: the Traditional one writes
    Traditional characters (標準, 條目…), the Simplified one Simplified ones, except where a
    message quotes the official list's own headers, which are Simplified (标准编号…)."""
    quoted = sorted(
        {name for f in ENTRY_FIELDS for name in (f.official, *f.aliases) if name}
        | {ROW_NUMBER_HEADER, "湾区标准"},
        key=len,
        reverse=True,
    )

    def words(language: str) -> str:
        text = " ".join(str(m.string) for m in _catalogue(language) if m.id)
        for name in quoted:
            text = text.replace(name, "")
        return text

    assert "标准" in words(i18n.SIMPLIFIED) and "標準" not in words(i18n.SIMPLIFIED)
    assert "標準" in words(i18n.TRADITIONAL) and "标准" not in words(i18n.TRADITIONAL)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_installed_package_carries_the_catalogues(language: str) -> None:
    """The .mo gettext reads was compiled from the .po in the repository (reinstall after
    changing a translation: `pip install -e .` compiles them)."""
    compiled = Path(i18n.LOCALE_DIRECTORY, i18n.CATALOGUE_NAMES[language], "LC_MESSAGES")
    with (compiled / "gbastd.mo").open("rb") as source:
        built = {_key(m.id): _key(m.string) for m in read_mo(source) if m.id}
    written = {_key(m.id): _key(m.string) for m in _catalogue(language) if m.id and not m.fuzzy}
    assert built == written


def _key(text: object) -> object:
    """A message or translation as a dict key (a plural's forms as a tuple)."""
    return tuple(text) if isinstance(text, list | tuple) else text


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        ({"LANG": "zh_HK.UTF-8"}, i18n.TRADITIONAL),
        ({"LANG": "zh_TW.Big5"}, i18n.TRADITIONAL),
        ({"LANG": "zh_MO.UTF-8"}, i18n.TRADITIONAL),
        ({"LANG": "zh_CN.UTF-8"}, i18n.SIMPLIFIED),
        ({"LANG": "zh_SG.GB2312"}, i18n.SIMPLIFIED),
        ({"LANG": "en_GB.UTF-8"}, i18n.ENGLISH),
        ({"LANG": "C.UTF-8"}, i18n.ENGLISH),
        ({}, i18n.ENGLISH),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "zh_HK.UTF-8"}, i18n.TRADITIONAL),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "zh_HK.UTF-8"}, i18n.ENGLISH),
        ({"LC_ALL": "", "LANG": "zh_HK.UTF-8"}, i18n.TRADITIONAL),  # set but empty: not set
        ({"GBASTD_LANG": "zh-Hans", "LANG": "zh_HK.UTF-8"}, i18n.SIMPLIFIED),
        ({"GBASTD_LANG": "ZH-HANT"}, i18n.TRADITIONAL),
        ({"GBASTD_LANG": "", "LANG": "zh_HK.UTF-8"}, i18n.TRADITIONAL),
    ],
)
def test_the_language_of_the_environment(environment: dict[str, str], expected: str) -> None:
    """GBASTD_LANG, else the first of LC_ALL, LC_MESSAGES and LANG that is set, decides."""
    assert options.language([], environment) == expected


def test_the_language_of_the_command_line() -> None:
    """The last --lang wins over everything, up to --; one that names no language leaves the
    choice to the environment (the CLI then refuses it); a GBASTD_LANG that names none is an
    error only where no --lang is given."""
    env = {"GBASTD_LANG": "zh-Hans", "LANG": "zh_HK.UTF-8"}
    assert options.language(["list", "--lang", "en"], env) == i18n.ENGLISH
    assert options.language(["--lang=en", "list", "--lang=ZH-hant"], env) == i18n.TRADITIONAL
    assert options.language(["search", "--", "--lang=en"], env) == i18n.SIMPLIFIED
    assert options.language(["list", "--lang", "fr"], env) == i18n.SIMPLIFIED
    assert options.language(["list", "--lang", "zh_hant"], env) == i18n.SIMPLIFIED  # as click
    bad = {"GBASTD_LANG": "klingon", "LANG": "zh_HK.UTF-8"}
    assert options.language(["list", "--lang", "en"], bad) == i18n.ENGLISH
    assert options.language(["list", "--lang", "fr"], bad) == i18n.TRADITIONAL
    with pytest.raises(UnknownLanguage):
        options.language(["list"], bad)

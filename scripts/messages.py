"""Gather every message gbastd speaks and update the translation catalogues (maintainers' tool).

Messages come from three places: the code's marked strings (``_``, ``N_``, ``ngettext``,
extracted with Babel), the help of every command, option and argument (read from the real
app, so a docstring or ``help=`` cannot be missed), and the few words of Typer's own help
(``typer/core.py``'s marked strings: Options, Arguments, default:…). The template goes to
``src/gbastd/locale/gbastd.pot``; each ``locale/<language>/LC_MESSAGES/gbastd.po`` is updated
from it, keeping its translations (a changed message is marked fuzzy, for a translator to
check). tests/test_messages.py fails while any message lacks a translation.

Usage: python scripts/messages.py            (then translate what is new or fuzzy; the
                                              package build compiles the .po files)
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po, write_po

from gbastd import cli, i18n

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "gbastd"
TEMPLATE = PACKAGE / "locale" / "gbastd.pot"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def catalogue_path(language: str) -> Path:
    """The ``.po`` file of a translated language."""
    return PACKAGE / "locale" / i18n.CATALOGUE_NAMES[language] / "LC_MESSAGES" / "gbastd.po"


Found = tuple[str | tuple[str, ...], str]
"""A message (a tuple for a plural), and the file (or command) where it was found: files, not
lines, so that editing code does not rewrite the catalogues."""


def _marked(path: Path, where: str) -> Iterator[Found]:
    for _line, message, _comments, _context in extract_from_file(
        "python", str(path), keywords=KEYWORDS, comment_tags=(), strip_comment_tags=True
    ):
        yield message, where


def _help_texts(command: Any, path: str) -> Iterator[Found]:
    if command.help:
        yield command.help, f"help:{path}"
    for parameter in command.params:
        if getattr(parameter, "help", None):
            yield parameter.help, f"help:{path}/{parameter.opts[0]}"
    for name, subcommand in sorted(getattr(command, "commands", {}).items()):
        yield from _help_texts(subcommand, f"{path}/{name}")


def _created() -> Any:
    """The template's creation date as it stands, so that running this changes nothing that
    did not change (a new template: now)."""
    if not TEMPLATE.exists():
        return None
    with TEMPLATE.open("rb") as source:
        return read_po(source).creation_date


def gather() -> Catalog:
    """Every message of gbastd, as a template catalogue."""
    found: list[Found] = []
    for path in sorted(PACKAGE.glob("*.py")):
        found += _marked(path, path.relative_to(ROOT).as_posix())
    found += _help_texts(typer.main.get_command(cli.app), "gbastd")
    found += _marked(Path(inspect.getfile(typer.core)), "typer/core.py")
    template = Catalog(project="gbastd", fuzzy=False, creation_date=_created())
    for message, where in found:
        # Babel takes None for "no line", though its annotations say int.
        template.add(message, locations=[(where, None)])  # type: ignore[list-item]
    return template


def update() -> None:
    """Write the template and bring every language's catalogue up to date with it."""
    template = gather()
    with TEMPLATE.open("wb") as out:
        write_po(out, template, width=100, sort_output=True)
    for language in i18n.CATALOGUE_NAMES:
        path = catalogue_path(language)
        if path.exists():
            with path.open("rb") as source:
                catalogue = read_po(source, locale=i18n.CATALOGUE_NAMES[language])
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            catalogue = Catalog(
                locale=i18n.CATALOGUE_NAMES[language], project="gbastd", fuzzy=False
            )
        catalogue.update(template, update_header_comment=False, update_creation_date=False)
        with path.open("wb") as out:
            write_po(out, catalogue, width=100, sort_output=True, ignore_obsolete=True)
        missing = sum(1 for m in catalogue if m.id and (not m.string or m.fuzzy))
        print(f"{path.relative_to(ROOT)}: {missing} of {len(catalogue) - 1} to translate")


if __name__ == "__main__":
    update()

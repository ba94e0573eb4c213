"""Compile the message catalogues (``src/gbastd/locale/*/LC_MESSAGES/gbastd.po``) into the
``.mo`` files gettext reads, whenever the package is built or installed (editable included).

The ``.po`` files are the source, kept in the repository; the ``.mo`` files are built, never
committed (``.gitignore``), and written beside their source so that an editable install finds
them too. Babel compiles them; ``scripts/messages.py`` is the maintainer's side.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def compile_catalogues(root: Path) -> list[Path]:
    """Write each catalogue's ``.mo`` beside its ``.po``; return the files written."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for source in sorted((root / "src" / "gbastd" / "locale").glob("*/LC_MESSAGES/*.po")):
        with source.open("rb") as po:
            catalogue = read_po(po, locale=source.parent.parent.name)
        target = source.with_suffix(".mo")
        with target.open("wb") as mo:
            write_mo(mo, catalogue, use_fuzzy=False)
        written.append(target)
    return written


class CompileCatalogues(BuildHookInterface):  # type: ignore[type-arg]
    """Hatch's hook: compile before the wheel (or the editable wheel) is assembled."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        for compiled in compile_catalogues(root):
            build_data["artifacts"].append(compiled.relative_to(root).as_posix())

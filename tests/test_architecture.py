"""The layering: model → catalogue → query → formats/render → cli, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "gbastd"

# Which gbastd modules each module may import (the package itself re-exports the public API).
ALLOWED: dict[str, set[str]] = {
    "_hanzi": set(),
    "_version": set(),
    "errors": set(),
    "text": {"_hanzi"},
    "records": set(),
    "model": {"errors", "records", "text"},
    "cache": set(),
    "catalogue": {"_version", "cache", "errors", "records", "model"},
    "query": {"errors", "records", "text"},
    "document": {"records"},
    "formats": {"document", "edit", "records", "text"},
    "render": {"formats", "text"},
    "edit": {"document", "errors", "model", "query", "records", "text"},
    "store": {"catalogue", "errors", "formats", "records", "text"},
    "sheets": {"edit", "errors", "records", "text"},
    "cli": {
        "_version",
        "catalogue",
        "edit",
        "errors",
        "formats",
        "model",
        "query",
        "records",
        "render",
        "sheets",
        "store",
    },
    "__init__": {"_version", "catalogue", "errors", "query", "records"},
    "__main__": {"cli"},
}
# Third-party imports, and where they may appear.
THIRD_PARTY = {
    "typer": {"cli"},
    "rich": {"render", "cli"},  # render builds renderables; cli prints them on a terminal
    "pydantic": {"model"},
    "tomli_w": {"formats"},
    "openpyxl": {"sheets"},
    "tomli": {"catalogue"},
}


def imports_of(module: str) -> set[str]:
    """Every module name imported anywhere in gbastd/<module>.py (top level or inside functions)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module == "gbastd":
            names.update(f"gbastd.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_every_module_is_in_the_table() -> None:
    """A new module must declare its place in the layering."""
    assert {p.stem for p in PACKAGE.glob("*.py")} == set(ALLOWED)


@pytest.mark.parametrize("module", sorted(ALLOWED))
def test_imports_follow_the_layers(module: str) -> None:
    """Each module imports only the gbastd modules below it."""
    internal = {
        "__init__" if name == "gbastd.__version__" else name.removeprefix("gbastd.")
        for name in imports_of(module)
        if name.startswith("gbastd.")
    }
    assert internal <= ALLOWED[module], f"{module} imports {sorted(internal - ALLOWED[module])}"


@pytest.mark.parametrize(("package", "owners"), sorted(THIRD_PARTY.items()))
def test_frameworks_stay_in_their_module(package: str, owners: set[str]) -> None:
    """Only cli.py parses arguments (typer), only render.py draws (rich), and so on."""
    users = {
        module
        for module in ALLOWED
        if any(name == package or name.startswith(f"{package}.") for name in imports_of(module))
    }
    assert users <= owners


def test_only_the_cli_prints_or_exits() -> None:
    """No core module writes to the terminal or ends the process."""
    for module in set(ALLOWED) - {"cli", "__main__"}:
        tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in {"print", "exit", "quit"}, module
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
                assert (node.value.id, node.attr) not in {
                    ("sys", "exit"),
                    ("sys", "stdout"),
                    ("sys", "stderr"),
                    ("os", "_exit"),
                }, module

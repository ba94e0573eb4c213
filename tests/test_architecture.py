"""The architecture as data: ordered layers, no import cycles, frameworks and terminal at the edge.

Every guard is a plain function of (module name, source text) or of a graph, returning what it
found wrong. The real tree must give nothing; the control cases at the end plant a violation in
a module's real source (or in a small graph) and prove that each guard reports it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

import pytest

PACKAGE_NAME = "gbastd"
PACKAGE = Path(__file__).parents[1] / "src" / PACKAGE_NAME

# The layers, bottom first. A module may import only gbastd modules in strictly lower layers.
# The package root is the module "__init__": `from gbastd import __version__` imports it.
LAYERS: list[set[str]] = [
    {"_version", "_hanzi", "_plain", "i18n"},  # leaves; _plain: typing.NamedTuple without typing
    {"errors", "fields"},  # fields is the field table
    {"records", "text", "tomlscan"},  # tomlscan: refuses what the TOML readers choke on
    {"model", "cache"},
    {"catalogue"},
    {"query", "document", "published"},  # published: a list's table read as a person would
    {"edit", "pdftables", "docxtables"},  # the tables of a PDF's pages and of a DOCX
    {"formats", "sheets", "layout"},  # layout: headers in three languages, the official layout
    # options: as plain data; completion: the shells' scripts and the values they are offered
    {"render", "store", "xlsx", "sqlite_export", "report", "options", "completion"},
    {"fastpath"},  # answers the commonest piped calls before Typer is imported
    {"cli"},
    {"__init__", "__main__"},
]
LEVEL: dict[str, int] = {module: level for level, layer in enumerate(LAYERS, 1) for module in layer}

# Third-party imports, and the only modules where they may appear.
THIRD_PARTY: dict[str, set[str]] = {
    "typer": {"cli"},
    "rich": {"render", "cli"},  # render builds renderables; cli prints them on a terminal
    "pydantic": {"model"},
    "tomli_w": {"formats"},
    "openpyxl": {"sheets", "xlsx"},  # reading workbooks, and writing them
    "pdfplumber": {"pdftables"},  # the pdf extra, imported only when a PDF is read
    "pdfminer": {"pdftables"},  # pdfplumber's parser, for its encryption errors
    "jinja2": {"report"},
    "tomli": {"catalogue"},
    "pypinyin": {"text"},  # Chinese sort order, imported only by a sort that needs it
}

# Only these modules may write to the terminal or end the process: the Typer CLI, the fast
# path that answers before it, and the entry point that runs one or the other.
EDGE = {"cli", "fastpath", "__main__"}
TERMINAL_CALLS = {"print", "exit", "quit"}
TERMINAL_ATTRIBUTES = {("sys", "exit"), ("sys", "stdout"), ("sys", "stderr"), ("os", "_exit")}

OUTSIDE = "<outside the package>"


class Internal(NamedTuple):
    """One import of a gbastd module: its line, its statement and the module it reaches."""

    line: int
    statement: str
    target: str  # a module stem, "__init__" for the package root, or OUTSIDE


def _is_submodule(name: str) -> bool:
    return name in LEVEL or (PACKAGE / f"{name}.py").is_file() or (PACKAGE / name).is_dir()


def _from_base(node: ast.ImportFrom) -> str | None:
    """The absolute module a from-import names; None for a relative import leaving gbastd."""
    if node.level == 0:
        return node.module or ""
    # Every module sits directly in the package (the package of __init__ is gbastd itself), so
    # one dot is gbastd and any further dot climbs out of it.
    if node.level > 1:
        return None
    return f"{PACKAGE_NAME}.{node.module}" if node.module else PACKAGE_NAME


def _parse(module: str, source: str) -> ast.Module:
    return ast.parse(source, filename=f"{PACKAGE_NAME}/{module}.py")


def internal_imports(module: str, source: str) -> list[Internal]:
    """Every gbastd import anywhere in ``source``: top level, in functions, under TYPE_CHECKING."""
    found: list[Internal] = []
    for node in ast.walk(_parse(module, source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                head, _, rest = alias.name.partition(".")
                if head == PACKAGE_NAME:
                    target = rest.partition(".")[0] or "__init__"
                    found.append(Internal(node.lineno, ast.unparse(node), target))
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(node)
            if base is None:
                found.append(Internal(node.lineno, ast.unparse(node), OUTSIDE))
            elif base == PACKAGE_NAME:
                for alias in node.names:
                    target = alias.name if _is_submodule(alias.name) else "__init__"
                    found.append(Internal(node.lineno, ast.unparse(node), target))
            elif base.startswith(f"{PACKAGE_NAME}."):
                target = base.split(".")[1]
                found.append(Internal(node.lineno, ast.unparse(node), target))
    return sorted(found)


def layer_violations(module: str, source: str) -> list[str]:
    """Every gbastd import in ``module`` that does not point strictly down the layers."""
    if module not in LEVEL:
        return [f"{module} is in no layer"]
    level = LEVEL[module]
    found: list[str] = []
    for line, statement, target in internal_imports(module, source):
        where = f"{module}.py:{line}: `{statement}`"
        if target == OUTSIDE:
            found.append(f"{where} reaches outside the {PACKAGE_NAME} package")
        elif target not in LEVEL:
            found.append(f"{where} imports {target}, which is in no layer")
        elif LEVEL[target] >= level:
            found.append(
                f"{where} imports {target} (layer {LEVEL[target]}), "
                f"not below {module} (layer {level})"
            )
    return found


def import_graph(sources: Mapping[str, str]) -> dict[str, set[str]]:
    """Module → the gbastd modules it imports, for every module in ``sources``."""
    return {
        module: {item.target for item in internal_imports(module, source) if item.target != OUTSIDE}
        for module, source in sources.items()
    }


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """A cycle in ``graph`` as a path that ends where it starts, or None if there is none."""
    done: set[str] = set()
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        path.append(node)
        for successor in sorted(graph.get(node, ())):
            cycle = visit(successor)
            if cycle is not None:
                return cycle
        path.pop()
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start)
        if cycle is not None:
            return cycle
    return None


def external_imports(module: str, source: str) -> set[str]:
    """The top-level package of every absolute, non-gbastd import anywhere in ``source``."""
    names: set[str] = set()
    for node in ast.walk(_parse(module, source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.partition(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.partition(".")[0])
    return names - {PACKAGE_NAME}


def framework_violations(module: str, source: str) -> list[str]:
    """Every third-party framework ``module`` imports that belongs to another module."""
    used = external_imports(module, source)
    return [
        f"{module} imports {package}, which only {', '.join(sorted(owners))} may use"
        for package, owners in sorted(THIRD_PARTY.items())
        if package in used and module not in owners
    ]


def terminal_violations(module: str, source: str) -> list[str]:
    """Every print, exit or use of sys.stdout/stderr/exit or os._exit outside cli/__main__."""
    if module in EDGE:
        return []
    found: list[str] = []
    for node in ast.walk(_parse(module, source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in TERMINAL_CALLS
        ):
            found.append(f"{module}.py:{node.lineno}: calls {node.func.id}()")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and (node.value.id, node.attr) in TERMINAL_ATTRIBUTES
        ):
            found.append(f"{module}.py:{node.lineno}: uses {node.value.id}.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found.extend(
                f"{module}.py:{node.lineno}: imports {node.module}.{alias.name}"
                for alias in node.names
                if (node.module, alias.name) in TERMINAL_ATTRIBUTES
            )
    return found


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Every module file in ``package``, named as the layers name it (a subpackage's as 'a/b')."""
    return {
        path.relative_to(package).with_suffix("").as_posix(): path
        for path in sorted(package.rglob("*.py"))
    }


def undeclared(modules: Iterable[str]) -> set[str]:
    """The modules that appear in no layer."""
    return set(modules) - set(LEVEL)


def source_of(module: str) -> str:
    return module_files()[module].read_text(encoding="utf-8")


def real_sources() -> dict[str, str]:
    return {module: source_of(module) for module in module_files()}


MODULES = sorted(module_files())


# The real tree.


def test_layers_are_disjoint() -> None:
    """Each module is declared in exactly one layer."""
    declared = [module for layer in LAYERS for module in layer]
    assert sorted(declared) == sorted(set(declared))


def test_every_module_declares_its_place() -> None:
    """A module file in no layer fails: a new module must say where it sits."""
    assert undeclared(module_files()) == set()


def test_every_declared_module_exists() -> None:
    """The layers name no module that is gone, so they still describe the package."""
    assert set(LEVEL) - set(module_files()) == set()


@pytest.mark.parametrize("module", MODULES)
def test_imports_point_down_the_layers(module: str) -> None:
    """Each module imports only gbastd modules in strictly lower layers, relative or absolute."""
    assert layer_violations(module, source_of(module)) == []


def test_the_import_graph_has_no_cycle() -> None:
    """No chain of gbastd imports leads back to where it started."""
    cycle = find_cycle(import_graph(real_sources()))
    assert cycle is None, "import cycle: " + " → ".join(cycle or [])


def test_the_collector_sees_the_real_imports() -> None:
    """The graph is not vacuously empty: it holds imports of every kind the tree uses."""
    graph = import_graph(real_sources())
    assert {"catalogue", "store", "_version"} <= graph["cli"]  # top level
    assert "model" in graph["catalogue"]  # inside a function
    assert "edit" in graph["formats"]  # under TYPE_CHECKING
    assert "render" in graph["cli"]  # `from gbastd import render` inside a function
    assert "_hanzi" in graph["text"]


@pytest.mark.parametrize("module", MODULES)
def test_frameworks_stay_in_their_module(module: str) -> None:
    """Only cli.py parses arguments (typer), only render.py and cli.py use rich, and so on."""
    assert framework_violations(module, source_of(module)) == []


@pytest.mark.parametrize("module", MODULES)
def test_only_the_cli_prints_or_exits(module: str) -> None:
    """No core module writes to the terminal or ends the process."""
    assert terminal_violations(module, source_of(module)) == []


# Control cases: each guard, fed a planted violation, reports it. The violation is planted in a
# self-contained module body rather than in the live file, so that a neighbour's half-finished
# edit cannot make a control pass or fail.

BODY = '''"""A module with ordinary content around the planted line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gbastd import errors

if TYPE_CHECKING:
    from gbastd.errors import Problem


def helper(problem: Problem) -> str:
    return str(problem)
'''


def planted(check: str, module: str, code: str) -> list[str]:
    """What ``check`` newly reports for ``module`` once ``code`` is appended to a clean body."""
    guard = {
        "layers": layer_violations,
        "frameworks": framework_violations,
        "terminal": terminal_violations,
    }[check]
    before = guard(module, BODY)
    return [found for found in guard(module, f"{BODY}\n{code}\n") if found not in before]


@pytest.mark.parametrize(
    ("source", "targets"),
    [
        ("import gbastd", ["__init__"]),
        ("import gbastd.cli", ["cli"]),
        ("import gbastd.cli as c", ["cli"]),
        ("from gbastd import cli, records", ["cli", "records"]),
        ("from gbastd import __version__", ["__init__"]),
        ("from gbastd import load", ["__init__"]),
        ("from gbastd.cli import app", ["cli"]),
        ("from . import cli", ["cli"]),
        ("from .cli import app", ["cli"]),
        ("from . import __version__", ["__init__"]),
        ("from .. import cli", [OUTSIDE]),
        ("from ..elsewhere import thing", [OUTSIDE]),
        ("def f():\n    from gbastd import edit", ["edit"]),
        ("if TYPE_CHECKING:\n    from gbastd.edit import Difference", ["edit"]),
        ("import gbastdx\nfrom gbastdx.cli import app\nimport typing", []),
    ],
)
def test_every_import_form_is_resolved(source: str, targets: list[str]) -> None:
    """Absolute, from-package, relative, nested and type-only imports all reach their module."""
    assert [item.target for item in internal_imports("probe", source)] == targets


@pytest.mark.parametrize(
    ("module", "code", "reported"),
    [
        ("query", "from . import cli", "imports cli (layer 11)"),
        ("records", "from .cli import app", "imports cli (layer 11)"),
        ("model", "import gbastd.cli", "imports cli (layer 11)"),
        ("catalogue", "from gbastd import __version__", "imports __init__ (layer 12)"),
        ("cli", "from gbastd import __version__", "imports __init__ (layer 12)"),
        ("__init__", "from gbastd import __main__", "imports __main__ (layer 12)"),
        ("query", "from gbastd import query", "imports query (layer 6)"),
        ("query", "from gbastd import document", "imports document (layer 6)"),
        ("document", "def f():\n    from gbastd.edit import to_rows", "imports edit (layer 7)"),
        ("formats", "if TYPE_CHECKING:\n    from gbastd.render import table", "imports render"),
        ("query", "from .. import gbastd", "reaches outside the gbastd package"),
        ("query", "from gbastd.nowhere import thing", "imports nowhere, which is in no layer"),
    ],
)
def test_layer_guard_catches_a_planted_import(module: str, code: str, reported: str) -> None:
    """An import pointing up, sideways, at itself or out of the package is reported."""
    found = planted("layers", module, code)
    assert len(found) == 1 and reported in found[0], found


def test_cycle_finder_catches_a_planted_two_module_cycle() -> None:
    """Two modules importing each other are reported as a cycle, in a small graph and the tree."""
    assert find_cycle({"a": {"b"}, "b": {"a"}, "c": {"a"}}) == ["a", "b", "a"]
    sources = {
        "query": "from gbastd import text\nfrom gbastd.records import Catalogue\n",
        "records": "def f():\n    from . import query\n",  # planted: records ↔ query
        "text": "from gbastd import _hanzi\n",
    }
    assert find_cycle(import_graph(sources)) == ["query", "records", "query"]


def test_cycle_finder_accepts_shared_dependencies() -> None:
    """A diamond (two paths to one module) and a self-contained chain are not cycles."""
    assert find_cycle({"top": {"left", "right"}, "left": {"base"}, "right": {"base"}}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"a"}}) == ["a", "a"]


@pytest.mark.parametrize(
    ("module", "code", "package"),
    [
        ("query", "import typer", "typer"),
        ("catalogue", "from rich.console import Console", "rich"),
        ("formats", "import tomli", "tomli"),  # tomli_w is formats', tomli is not
        ("catalogue", "import tomli_w", "tomli_w"),
        ("render", "def f():\n    import pydantic", "pydantic"),
        ("cli", "import openpyxl", "openpyxl"),
    ],
)
def test_framework_guard_catches_a_planted_import(module: str, code: str, package: str) -> None:
    """A framework imported outside its owner is reported, even when nested or dotted."""
    found = planted("frameworks", module, code)
    assert len(found) == 1 and f"imports {package}," in found[0], found


@pytest.mark.parametrize(
    ("module", "code", "reported"),
    [
        ("query", 'print("found")', "calls print()"),
        ("records", 'import sys\nsys.stdout.write("x")', "uses sys.stdout"),
        ("catalogue", 'def f():\n    sys.stderr.write("x")', "uses sys.stderr"),
        ("store", "sys.exit(1)", "uses sys.exit"),
        ("edit", "os._exit(1)", "uses os._exit"),
        ("text", "exit()", "calls exit()"),
        ("__init__", "quit()", "calls quit()"),
        ("model", "from sys import stdout", "imports sys.stdout"),
    ],
)
def test_terminal_guard_catches_a_planted_write(module: str, code: str, reported: str) -> None:
    """A core module that prints, writes to stdout/stderr or exits is reported."""
    found = planted("terminal", module, code)
    assert len(found) == 1 and reported in found[0], found


def test_terminal_guard_lets_the_edge_print() -> None:
    """cli and __main__ are the edge: they may print and exit."""
    assert terminal_violations("cli", 'print("x")\nsys.exit(1)') == []
    assert terminal_violations("__main__", "sys.exit(main())") == []


def test_unknown_module_file_is_caught(tmp_path: Path) -> None:
    """A module file (or subpackage) that no layer declares is found in the package folder."""
    for module in LEVEL:
        (tmp_path / f"{module}.py").write_text("", encoding="utf-8")
    (tmp_path / "helpers.py").write_text("", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "__init__.py").write_text("", encoding="utf-8")
    assert undeclared(module_files(tmp_path)) == {"helpers", "sub/__init__"}
    assert layer_violations("helpers", "") == ["helpers is in no layer"]

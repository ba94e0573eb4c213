"""The field table is the one declaration of the fields: everything else follows it."""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gbastd import fields
from gbastd.fields import CATALOGUE_FIELDS, ENTRY_FIELDS, Field, Kind
from gbastd.model import InfoModel, StandardModel
from gbastd.records import CatalogueInfo, Standard, Status

from .conftest import DATA, ROOT

PACKAGE = ROOT / "src" / "gbastd"

_PYTHON_TYPES = {
    Kind.TEXT: "str",
    Kind.ID: "str",
    Kind.CODE: "str",
    Kind.DATE: "str",
    Kind.INTEGER: "int",
    Kind.TAGS: "tuple[str, ...]",
    Kind.URLS: "tuple[str, ...]",
    Kind.STATUS: "str",
    Kind.TOTALS: "tuple[Total, ...]",
}


def expected_annotation(field: Field) -> str:
    """The record type a field of this kind holds, as records.py spells it for mypy."""
    python = _PYTHON_TYPES[field.kind]
    never_none = field.required or fields.is_list(field) or field.kind is Kind.TOTALS
    return python if never_none else f"{python} | None"


def typed_view(class_name: str) -> list[tuple[str, str]]:
    """The (name, annotation) pairs of records.py's TYPE_CHECKING class ``class_name``."""
    tree = ast.parse((PACKAGE / "records.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            return [
                (item.target.id, ast.unparse(item.annotation))
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            ]
    raise AssertionError(f"records.py has no class {class_name}")


@pytest.mark.parametrize(
    ("class_name", "table"),
    [("_EntryValues", ENTRY_FIELDS), ("_InfoValues", CATALOGUE_FIELDS)],
)
def test_the_type_checkers_view_is_the_table(class_name: str, table: tuple[Field, ...]) -> None:
    """records.py spells the records out for mypy; they must say what the table says."""
    assert typed_view(class_name) == [(f.name, expected_annotation(f)) for f in table]


def test_records_and_models_have_the_tables_fields_in_order() -> None:
    """The records and the pydantic models are made from the table."""
    assert Standard._fields == fields.FIELDS == tuple(StandardModel.model_fields)
    assert CatalogueInfo._fields == tuple(f.name for f in CATALOGUE_FIELDS)
    assert tuple(InfoModel.model_fields) == CatalogueInfo._fields


def test_json_schema_describes_each_field_from_the_table() -> None:
    """`gbastd schema entry` publishes the table's descriptions and required fields."""
    schema = StandardModel.model_json_schema()
    for field in ENTRY_FIELDS:
        assert schema["properties"][field.name]["description"] == field.description
    assert set(schema["required"]) == {f.name for f in ENTRY_FIELDS if f.required}


def test_json_schema_states_the_statuses_of_the_records() -> None:
    """pydantic reads a real enum in place of records.Status (a _plain.StrEnum): the schema's
    "Status" has its members, name and description, and a valid value is stored as text."""
    status = StandardModel.model_json_schema()["$defs"]["Status"]
    assert status["enum"] == [str(member) for member in Status] == list(Status)
    assert status["title"] == "Status" and status["description"] == Status.__doc__
    entry = {"gba_id": "WQ 1-8", "code": "T/GBAS 6-2022", "title_zh": "丝苗米"}
    sources = ["https://example.org/notice"]
    valid = StandardModel.model_validate(
        {**entry, "domains": ["food"], "sources": sources, "status": "withdrawn"}
    )
    assert valid.status == Status.WITHDRAWN


def test_every_field_has_three_labels_and_one_place() -> None:
    """Labels exist in every script users read; names and official headers are unique."""
    for field in (*ENTRY_FIELDS, *CATALOGUE_FIELDS):
        assert all(label.strip() for label in field.labels), field.name
    names = [f.name for f in ENTRY_FIELDS]
    assert len(names) == len(set(names))
    officials = [f.official for f in ENTRY_FIELDS if f.official]
    assert officials == ['"湾区标准"识别号', "标准编号", "标准名称", "发布单位"]


def test_every_header_names_one_field_however_it_is_written() -> None:
    """A column header import reads (key, label in any script, official header, alias) folds
    to one field only: otherwise a Traditional label could be read as another field."""
    from gbastd.sheets import fold_header

    owners: dict[str, set[str]] = {}
    for field in ENTRY_FIELDS:
        for header in (field.name, *field.labels, field.official, *field.aliases):
            if header:
                owners.setdefault(fold_header(header), set()).add(field.name)
    shared = {header: names for header, names in owners.items() if len(names) > 1}
    assert shared == {}


def test_readme_schema_table_is_generated_from_the_table() -> None:
    """The README's table is what scripts/gen_schema_table.py writes, so it cannot drift."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_schema_table.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------- a field added to the table

SCRATCH = """    Field(
        "scratch_note",
        Kind.TEXT,
        "A field that exists only in this test.",
        "草稿备注",
        "草稿備註",
        "Scratch note",
    ),
)
\"\"\"The fields of a ``[[standard]]`` entry, in file and output order.\"\"\"
"""


@pytest.fixture(name="scratch_package", scope="module")
def _scratch_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of gbastd whose field table, and nothing else, has one more row."""
    return package_with_row(tmp_path_factory.mktemp("scratch"), SCRATCH)


def package_with_row(root: Path, row: str) -> Path:
    """Copy gbastd under ``root`` and add ``row`` (source text ending the table) to its field
    table; return the folder to put on PYTHONPATH."""
    copy = root / "gbastd"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    table = copy / "fields.py"
    source = table.read_text(encoding="utf-8")
    end = ')\n"""The fields of a ``[[standard]]`` entry, in file and output order."""\n'
    assert source.count(end) == 1
    table.write_text(source.replace(end, row), encoding="utf-8")
    return root


def scratch_run(
    package: Path, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": str(package),
        "GBASTD_CACHE_DIR": str(package / "cache"),
        "NO_COLOR": "1",
    }
    env.pop("GBASTD_CATALOGUE", None)
    return subprocess.run(
        [sys.executable, "-m", "gbastd", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def test_a_field_added_to_the_table_appears_everywhere(
    scratch_package: Path, tmp_path: Path
) -> None:
    """Schema, add, edit --set, show, every export format, import and the README table all
    carry a field that was added to fields.py alone."""

    def ok(*args: str) -> str:
        result = scratch_run(scratch_package, *args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert ok("schema", "entry").count("A field that exists only in this test.") == 1
    cat = tmp_path / "cat.toml"
    cat.write_bytes((DATA / "mini.toml").read_bytes())
    source = "https://example.org/scratch"
    ok("add", "-c", str(cat), "--title-zh", "草稿", "-d", "food", "--source", source,
       "--scratch-note", "first")  # fmt: skip
    assert 'scratch_note = "first"' in cat.read_text(encoding="utf-8")
    ok("edit", "草稿", "--set", "scratch_note=second", "-c", str(cat))
    shown = ok("show", "草稿", "-c", str(cat))
    assert "scratch_note\tsecond\n" in shown
    assert json.loads(ok("show", "草稿", "-f", "json", "-c", str(cat)))["scratch_note"] == "second"

    exported = {
        fmt: ok("export", "-f", fmt, "-s", "草稿", "-c", str(cat))
        for fmt in ("csv", "tsv", "json", "jsonl", "md", "toml")
    }
    assert next(csv.DictReader(io.StringIO(exported["csv"])))["scratch_note"] == "second"
    assert exported["tsv"].splitlines()[0].endswith("\tscratch_note")
    assert json.loads(exported["json"])[0]["scratch_note"] == "second"
    assert json.loads(exported["jsonl"])["scratch_note"] == "second"
    assert exported["md"].splitlines()[0].endswith("| scratch_note |")
    assert 'scratch_note = "second"' in exported["toml"]

    # import reads the column by its key and by its labels
    listing = tmp_path / "list.csv"
    listing.write_text("标准名称,草稿備註\n测试米,from the list\n", encoding="utf-8")
    ok("import", str(listing), "-c", str(cat))
    assert 'scratch_note = "from the list"' in cat.read_text(encoding="utf-8")

    readme = subprocess.run(
        [sys.executable, "-c", "from gbastd.fields import schema_markdown as s; print(s())"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(scratch_package)},
        check=True,
    ).stdout
    assert "| `scratch_note` | text, optional | 草稿备注 / 草稿備註 / Scratch note |" in readme


SCRATCH_TAGS = SCRATCH.replace(
    '"scratch_note",\n        Kind.TEXT,', '"labels",\n        Kind.TAGS,'
).replace('"Scratch note",\n    ),', '"Labels",\n        item="label",\n    ),')


def test_a_tags_field_added_to_the_table_takes_declared_tags_only(tmp_path: Path) -> None:
    """The rule that tags are declared belongs to the kind, not to the name 'domains'."""
    package = package_with_row(tmp_path / "pkg", SCRATCH_TAGS)
    cat = tmp_path / "cat.toml"
    cat.write_bytes((DATA / "mini.toml").read_bytes())
    add = ["add", "-c", str(cat), "--title-zh", "草稿", "-d", "food", "--source", "https://e.org"]
    refused = scratch_run(package, *add, "--label", "nope")
    assert refused.returncode == 2, refused.stderr
    assert "Invalid value for '--label': undeclared domain tag 'nope'" in refused.stderr
    accepted = scratch_run(package, *add, "--label", "sports,data")
    assert accepted.returncode == 0, accepted.stderr
    assert 'labels = [\n    "sports",\n    "data",\n]' in cat.read_text(encoding="utf-8")

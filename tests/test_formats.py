"""Writers: golden files for every format, Excel safety, TOML round trip, escaping."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gbastd import catalogue, formats, query
from gbastd.fields import FIELDS
from gbastd.formats import ROW_WRITERS, Format
from gbastd.records import Catalogue

from .conftest import GoldenCheck

TODAY = "2026-11-27"


@pytest.mark.parametrize("fmt", [Format.CSV, Format.TSV, Format.JSON, Format.JSONL, Format.MD])
def test_row_formats_match_golden_files(mini: Catalogue, golden: GoldenCheck, fmt: Format) -> None:
    """Each format writes the fixture catalogue exactly as reviewed."""
    rows = query.rows(mini.standards, FIELDS, today=TODAY)
    golden(f"mini.{fmt.value}", ROW_WRITERS[fmt](FIELDS, rows).encode("utf-8"))


def test_toml_matches_golden_file(mini: Catalogue, golden: GoldenCheck) -> None:
    """The TOML export is the catalogue file in canonical form."""
    golden("mini.toml", formats.to_toml(mini, mini.standards).encode("utf-8"))


def test_toml_export_round_trips(mini: Catalogue, tmp_path: Path) -> None:
    """Exporting everything to TOML and loading it gives the same catalogue."""
    exported = tmp_path / "exported.toml"
    exported.write_text(formats.to_toml(mini, mini.standards), encoding="utf-8")
    again = catalogue.load(exported)
    assert (again.info, again.domains, again.standards) == (mini.info, mini.domains, mini.standards)


def test_json_has_every_field_with_nulls_and_arrays(mini: Catalogue) -> None:
    """Absent values are null, lists are arrays, Chinese is not escaped."""
    text = formats.to_json(FIELDS, query.rows(mini.standards, FIELDS, today=TODAY))
    objects = json.loads(text)
    assert list(objects[3]) == list(FIELDS)
    assert objects[3]["gba_id"] is None
    assert objects[1]["sources"] == ["https://example.org/list-1", "https://example.org/press"]
    assert "测试米" in text


def test_json_escapes_characters_a_terminal_would_obey() -> None:
    """C0 and C1 controls and line separators are escaped; the data survives exactly."""
    hostile = "a\x1b[2Jb\x9bc\u2028d"
    text = formats.to_jsonl(["t"], [(hostile,)])
    assert "\x1b" not in text and "\x9b" not in text and "\u2028" not in text
    assert json.loads(text)["t"] == hostile


def test_csv_joins_lists_and_leaves_unknown_cells_empty(mini: Catalogue) -> None:
    """Lists are ' ; '-joined and absent values are empty cells."""
    text = formats.to_csv(FIELDS, query.rows(mini.standards, FIELDS, today=TODAY))
    records = list(csv.DictReader(io.StringIO(text)))
    assert records[1]["sources"] == "https://example.org/list-1 ; https://example.org/press"
    assert records[3]["gba_id"] == ""
    assert "\r" not in text


def test_excel_csv_has_bom_crlf_and_no_formulas() -> None:
    """--excel: BOM, CRLF, and cells that start like a formula are neutralised."""
    rows = [('=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx", "粤港澳", "a=b")]
    text = formats.to_csv(["=head", "b", "c", "d", "e", "f", "g", "h"], rows, excel=True)
    assert text.startswith("\ufeff'=head,")
    assert text.endswith("\r\n")
    (header, row) = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == ["'=head", "b", "c", "d", "e", "f", "g", "h"]
    assert row == ['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)", "'\tx", "'\rx", "粤港澳", "a=b"]


def test_tsv_keeps_one_row_per_line() -> None:
    """Tabs, newlines, backslashes and controls inside values are escaped."""
    text = formats.to_tsv(["a", "b"], [("x\ty\nz\\", "\x1b[31m"), (None, ("p", "q"))])
    assert text == "a\tb\nx\\ty\\nz\\\\\t\\x1b[31m\n\tp ; q\n"


def test_markdown_escapes_pipes_and_newlines() -> None:
    """A pipe or newline inside a value cannot break the table."""
    text = formats.to_markdown(["a"], [("x|y\nz",)])
    assert text == "| a |\n| --- |\n| x\\|y<br>z |\n"


def test_csv_quotes_a_lone_carriage_return() -> None:
    """A CR inside a value is quoted, so a reader does not split the row there."""
    text = formats.to_csv(["a", "b"], [("x\ry", "plain"), ("z", None)])
    assert text == 'a,b\n"x\ry","plain"\nz,\n'
    assert list(csv.reader(io.StringIO(text, newline=""))) == [
        ["a", "b"],
        ["x\ry", "plain"],
        ["z", ""],
    ]


def test_json_puts_each_object_on_its_line_whatever_the_values_hold() -> None:
    """Objects are split where the encoder ends one and begins the next; values that look
    like that boundary, or hold quotes, braces and line separators, stay inside their object."""
    columns = ["gba_id", "title_zh", "domains"]
    tricky = 'a}, {"gba_id": "b'
    rows = [(tricky, "}, {", ("x", '}, {"gba_id": ')), ("WQ 1-9", "\u2028\n", ()), ("c", None, ())]
    expected = [
        dict(zip(columns, (list(v) if isinstance(v, tuple) else v for v in row), strict=True))
        for row in rows
    ]
    text = formats.to_json(columns, rows)
    assert json.loads(text) == expected
    body = text.splitlines()[1:-1]
    assert [json.loads(line.rstrip(",")) for line in body] == expected
    assert [json.loads(line) for line in formats.to_jsonl(columns, rows).splitlines()] == expected


_TEXT = st.text(alphabet=st.sampled_from(list("ab ,\"\r\n\t丝-='")), max_size=6)
_BY_COLUMN = {  # as rows hold them: lists only in list fields, numbers in batch
    "gba_id": st.one_of(st.none(), _TEXT),
    "domains": st.one_of(st.none(), st.lists(st.sampled_from(["food", "a,b"])).map(tuple)),
    "batch": st.one_of(st.none(), st.integers(min_value=1, max_value=99)),
    "title_zh": st.one_of(st.none(), _TEXT),
}


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=4).flatmap(
        lambda width: st.lists(
            st.tuples(*(_BY_COLUMN[name] for name in list(_BY_COLUMN)[:width])), max_size=5
        )
    )
)
def test_short_csv_is_what_the_csv_module_writes(rows: list[tuple[Any, ...]]) -> None:
    """to_csv joins a short table itself where no cell needs quoting: byte for byte what the
    csv module writes, commas, quotes, line ends, lone empty cells and lists included."""
    columns = list(_BY_COLUMN)[: len(rows[0])] if rows else ["gba_id", "domains"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([formats.cell(value) for value in row] for row in rows)
    expected = buffer.getvalue()
    if "\r" in expected:
        return  # a lone CR: to_csv quotes every cell of its row (see the test above)
    assert formats.to_csv(columns, rows) == expected

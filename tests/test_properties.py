"""Property tests: any catalogue the model accepts survives every export format and back."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gbastd import catalogue, formats, query, text
from gbastd.fields import FIELDS
from gbastd.records import Catalogue

from .conftest import generated_catalogue, one_entry_per_key

TODAY = "2026-11-27"
TAGS = ["food", "data", "elderly-care"]

# Text as a catalogue may hold it: any characters but lone surrogates (not encodable) and
# invisible ones (text.INVISIBLE: Unicode 15's format characters, some of them unassigned in an
# older Python's database, such as U+13439), already stripped of surrounding white space (the
# loader strips it).
plain_text = st.text(
    alphabet=st.characters(exclude_categories=["Cs", "Cf"]), min_size=1, max_size=20
).filter(
    lambda value: value.strip() == value and value != "" and text.first_invisible(value) is None
)
optional_text = st.none() | plain_text
urls = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._~/?=&%", max_size=15).map(
    lambda path: f"https://example.org/{path}"
)


@st.composite
def entries(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(0, 6))
    titles = draw(st.lists(plain_text, min_size=count, max_size=count, unique_by=text.key))
    codes = draw(st.lists(optional_text, min_size=count, max_size=count))
    ids = draw(st.lists(st.integers(1, 400), min_size=count, max_size=count, unique=True))
    made = []
    seen_codes: set[str] = set()
    for title, code, number in zip(titles, codes, ids, strict=True):
        entry: dict[str, Any] = {
            "title_zh": title,
            "domains": draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=3, unique=True)),
            "sources": draw(st.lists(urls, min_size=1, max_size=3)),
        }
        if draw(st.booleans()):
            entry["gba_id"] = f"WQ 1-{number}"
        if code is not None and text.key(code) not in seen_codes:
            seen_codes.add(text.key(code))
            entry["code"] = code
        for name in (
            "title_zh_hant",
            "title_en",
            "publisher",
            "group",
            "platform_category",
            "notes",
        ):
            value = draw(optional_text)
            if value is not None:
                entry[name] = value
        if draw(st.booleans()):
            entry["batch"] = draw(st.integers(1, 9))
        issued = draw(st.none() | st.dates(date(1990, 1, 1), date(2999, 1, 1)))
        if issued is not None:
            entry["issued"] = issued
            if draw(st.booleans()):
                entry["effective"] = draw(st.dates(issued, date(2999, 12, 31)))
        if draw(st.booleans()):
            entry["listed"] = draw(st.dates(date(2023, 1, 1), date(2030, 1, 1)))
        if draw(st.booleans()):
            entry["status"] = draw(st.sampled_from(["current", "upcoming", "withdrawn"]))
        made.append(entry)
    return one_entry_per_key(made)


def accepted(raw_entries: list[dict[str, Any]]) -> Catalogue:
    return generated_catalogue(raw_entries, TAGS)


@settings(max_examples=60, deadline=None)
@given(entries())
def test_toml_export_loads_back_to_the_same_catalogue(raw_entries: list[dict[str, Any]]) -> None:
    """TOML: export everything, load it, get the same catalogue."""
    original = accepted(raw_entries)
    exported = formats.to_toml(original, original.standards).encode("utf-8")
    again = catalogue.parse(exported, "exported.toml")
    assert (again.info, again.domains, again.standards) == (
        original.info,
        original.domains,
        original.standards,
    )


@settings(max_examples=60, deadline=None)
@given(entries())
def test_json_and_jsonl_keep_every_value(raw_entries: list[dict[str, Any]]) -> None:
    """JSON and JSON Lines: parsing the output gives back every value of every row."""
    original = accepted(raw_entries)
    rows = query.rows(original.standards, FIELDS, today=TODAY)
    expected = [
        {name: list(v) if isinstance(v, tuple) else v for name, v in zip(FIELDS, row, strict=True)}
        for row in rows
    ]
    assert json.loads(formats.to_json(FIELDS, rows)) == expected
    lines = formats.to_jsonl(FIELDS, rows).splitlines()
    assert [json.loads(line) for line in lines] == expected


@settings(max_examples=60, deadline=None)
@given(entries(), st.booleans())
def test_csv_reads_back_as_an_equal_table(raw_entries: list[dict[str, Any]], excel: bool) -> None:
    """CSV (plain or for Excel): a CSV reader gets back the same table of cells."""
    original = accepted(raw_entries)
    rows = query.rows(original.standards, FIELDS, today=TODAY)
    exported = formats.to_csv(FIELDS, rows, excel=excel).removeprefix("\ufeff")
    table = list(csv.reader(io.StringIO(exported, newline="")))
    cells = [[formats.cell(v) for v in row] for row in rows]
    if excel:  # exactly the formula guard differs: one more leading apostrophe
        cells = [[formats._neutralise(c) for c in row] for row in cells]
    assert table == [list(FIELDS), *cells]

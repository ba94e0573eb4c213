"""The schema: what a catalogue document must hold, and how problems are reported."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gbastd.errors import CatalogueInvalid, Problem
from gbastd.fields import FIELDS
from gbastd.model import StandardModel, build_catalogue
from gbastd.records import Standard


def document(*entries: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A minimal valid document holding ``entries``."""
    return {
        "catalogue": {"name": "t"},
        "domains": {
            "food": {"zh": "食品", "zh_hant": "食品", "en": "Food"},
            "data": {"zh": "数据", "zh_hant": "數據", "en": "Data"},
        },
        "standard": list(entries),
        **extra,
    }


def entry(**fields: Any) -> dict[str, Any]:
    """A valid entry with ``fields`` changed."""
    base: dict[str, Any] = {
        "title_zh": "丝苗米",
        "domains": ["food"],
        "sources": ["https://example.org/a"],
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


def problems_of(doc: dict[str, Any]) -> list[Problem]:
    with pytest.raises(CatalogueInvalid) as caught:
        build_catalogue(doc, "cat.toml")
    return list(caught.value.problems)


def test_records_have_exactly_the_model_fields_in_order() -> None:
    """The runtime record and the pydantic schema can never drift apart."""
    assert tuple(StandardModel.model_fields) == FIELDS == Standard._fields


def test_valid_entry_becomes_a_record_of_plain_values() -> None:
    """Dates become ISO strings, lists tuples, and the id its canonical form."""
    doc = document(entry(gba_id="wq1-8", listed=date(2023, 4, 24), domains=["food", "data"]))
    (standard,) = build_catalogue(doc, "cat.toml").standards
    assert standard.gba_id == "WQ 1-8"
    assert standard.listed == "2023-04-24"
    assert standard.domains == ("food", "data")
    assert standard.sources == ("https://example.org/a",)
    assert standard.code is None


def test_values_are_stripped_of_surrounding_spaces() -> None:
    """Accidental spaces around a value are not part of it."""
    (standard,) = build_catalogue(document(entry(title_zh="  丝苗米 ")), "c").standards
    assert standard.title_zh == "丝苗米"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"title_zh": None}, "title_zh", "required field is missing"),
        ({"title_zh": "   "}, "title_zh", "must not be empty"),
        ({"code": ""}, "code", "must not be empty"),
        ({"domains": []}, "domains", "must list at least one item"),
        ({"domains": ["fod"]}, "domains", "undeclared domain tag 'fod'; declared tags: food, data"),
        ({"domains": ["food", "food"]}, "domains", "lists a tag more than once"),
        ({"sources": ["not a url"]}, "sources.0", "is not an http(s) URL"),
        ({"sources": []}, "sources", "must list at least one item"),
        ({"gba_id": "GB 1"}, "gba_id", "is not a GBA identifier"),
        ({"batch": "1"}, "batch", "must be a whole number, not text ('1')"),
        ({"batch": 0}, "batch", "greater than or equal to 1"),
        ({"listed": "2023-04-24"}, "listed", "must be a TOML date"),
        ({"status": "active"}, "status", "'current', 'upcoming' or 'withdrawn'"),
        ({"titel_zh": "x"}, "titel_zh", "unknown field; did you mean 'title_zh'?"),
        (
            {"issued": date(2024, 2, 1), "effective": date(2024, 1, 1)},
            "effective",
            "2024-01-01 is before the issue date 2024-02-01",
        ),
    ],
)
def test_each_rule_names_the_field(fields: dict[str, Any], field: str, message: str) -> None:
    """A broken entry is reported with its position, its field and a plain message."""
    (problem,) = problems_of(document(entry(**fields)))
    assert problem.position == 1
    assert problem.field == field
    assert message in problem.message


def test_every_problem_is_reported_not_just_the_first() -> None:
    """Two bad entries and a bad section give three problems in one run."""
    doc = document(entry(title_zh=""), entry(domains=["nope"]))
    doc["catalogue"] = {}
    found = problems_of(doc)
    assert [p.field for p in found] == ["catalogue.name", "title_zh", "domains"]
    assert [p.position for p in found] == [None, 1, 2]


@pytest.mark.parametrize(
    ("first", "second", "field"),
    [
        ({"gba_id": "WQ 1-8"}, {"gba_id": "ＷＱ１－８", "title_zh": "b"}, "gba_id"),
        ({"code": "T/GBAS 6-2022"}, {"code": "t/gbas 6-2022", "title_zh": "b"}, "code"),
        ({"title_zh": "广式月饼"}, {"title_zh": "廣式月餅"}, "title_zh"),
    ],
)
def test_duplicates_after_normalisation_are_rejected(
    first: dict[str, Any], second: dict[str, Any], field: str
) -> None:
    """Two spellings of the same id, code or title are the same entry twice."""
    (problem,) = problems_of(document(entry(**first), entry(**second)))
    assert (problem.position, problem.field) == (2, field)
    described = " ".join(first.values()) if field == "title_zh" else f"{first[field]} 丝苗米"
    assert f"standard #1 ({described}) has the same {field}" in problem.message


def test_problem_description_names_file_line_entry_and_field() -> None:
    """The one-line form a user reads says where to look."""
    problem = Problem("must not be empty", position=3, entry="WQ 1-8", field="title_zh", line=40)
    assert problem.describe("cat.toml") == (
        "cat.toml:40: standard #3 (WQ 1-8): title_zh: must not be empty"
    )


def test_sections_are_checked() -> None:
    """Missing sections, bad tags, unknown sections and non-table entries are all reported."""
    doc: dict[str, Any] = {
        "domains": {"Bad Tag": {"zh": "x", "zh_hant": "x", "en": "x"}},
        "standards": [],
        "standard": ["not a table"],
    }
    messages = [(p.field, p.message) for p in problems_of(doc)]
    assert ("standards", "unknown section; did you mean 'standard'?") in messages
    assert ("catalogue", "the [catalogue] section is missing") in messages
    assert any(field == "domains.Bad Tag" for field, _ in messages)
    assert (None, "must be a table") in messages


def test_partial_dates_in_totals() -> None:
    """A published total may be dated to the month only, but must be a real date."""
    doc = document(entry())
    doc["catalogue"]["totals"] = [
        {"as_of": "2024-08", "total": 215},
        {"as_of": date(2024, 2, 1), "total": 183},
    ]
    info = build_catalogue(doc, "c").info
    assert [t.as_of for t in info.totals] == ["2024-08", "2024-02-01"]
    doc["catalogue"]["totals"] = [{"as_of": "2024-13", "total": 1}]
    (problem,) = problems_of(doc)
    assert problem.field == "catalogue.totals.0.as_of"
    assert "not a real date" in problem.message


@pytest.mark.parametrize(
    ("second", "field", "owner"),
    [
        ({"title_zh": "T/GBAS 6-2022"}, "title_zh", "code"),  # a title that is another's code
        ({"title_zh": "b", "title_en": "丝苗米"}, "title_en", "title_zh"),
        ({"title_zh": "b", "title_zh_hant": "WQ 1-8"}, "title_zh_hant", "gba_id"),
    ],
)
def test_a_key_names_one_entry_across_fields(
    second: dict[str, Any], field: str, owner: str
) -> None:
    """show KEY matches ids and titles in every script: no value may be another entry's key,
    or neither entry could be reached by it (show, edit and remove would call it ambiguous)."""
    first = entry(gba_id="WQ 1-8", code="T/GBAS 6-2022")
    (problem,) = problems_of(document(first, entry(**second)))
    assert (problem.position, problem.field) == (2, field)
    assert problem.message.endswith(f"has it as its {owner}")


def test_a_consumed_document_gives_the_same_catalogue_and_its_tables_go() -> None:
    """The loader lets validation drop each table once read (a million entries' tables and
    records would not both fit comfortably); the result is the same, problems included."""
    many = [entry(title_zh=f"丝苗米{i}", code=f"T/X {i}-2022") for i in range(2500)]
    kept, consumed = document(*many), document(*many)
    assert build_catalogue(consumed, "c", consume=True) == build_catalogue(kept, "c")
    assert consumed["standard"] == [None] * 2500 and kept["standard"] == many
    bad = [*many[:1500], entry(domains=["nope"]), many[0]]
    found = problems_of(document(*bad))
    assert [p.position for p in found] == [1501, 1502, 1502]  # the tag, the code, the title
    assert _consumed_problems(document(*bad)) == found


def _consumed_problems(doc: dict[str, Any]) -> list[Problem]:
    with pytest.raises(CatalogueInvalid) as caught:
        build_catalogue(doc, "cat.toml", consume=True)
    return list(caught.value.problems)

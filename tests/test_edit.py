"""Pure maintainer changes: parsing values, add, update, remove, merge, diff, canonical order."""

from __future__ import annotations

from typing import Any

import pytest

from gbastd import edit, store
from gbastd.errors import ChangeRejected, IncompleteImport, InvalidValue, UnknownField
from gbastd.records import Catalogue

TODAY = "2026-11-27"


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        ("domains", "food; data ;", ("food", "data")),
        ("sources", "", ()),
        ("batch", " 2 ", 2),
        ("listed", "2023-04-24", "2023-04-24"),
        ("gba_id", "wq1-8", "WQ 1-8"),
        ("title_zh", "  丝苗米 ", "丝苗米"),
        ("notes", "   ", None),
    ],
)
def test_parse_value_gives_each_field_its_type(field: str, raw: str, value: Any) -> None:
    """Text from options and cells becomes the value records hold; blank means unset."""
    assert edit.parse_value(field, raw) == value


@pytest.mark.parametrize(
    ("field", "raw", "message"),
    [
        ("batch", "two", "'two' is not a whole number."),
        ("batch", "²", "'²' is not a whole number."),  # str.isdigit accepts it; int() does not
        ("batch", "1" * 4301, f"{'1' * 4301!r} is larger than 999,999,999."),  # int() refuses it
        ("batch", "1000000000", "'1000000000' is larger than 999,999,999."),
        ("batch", "0", "'0' is less than 1."),  # the schema's minimum, as add's option says
        ("listed", "2023-02-30", "'2023-02-30' is not a real date."),
        ("listed", "20230224", "'20230224' is not a date in the form YYYY-MM-DD."),
        ("status", "valid", "'valid' is not a status; use one of current, upcoming, withdrawn."),
        ("gba_id", "WQ-8", "'WQ-8' is not a GBA identifier such as WQ 1-8."),
    ],
)
def test_parse_value_names_bad_values(field: str, raw: str, message: str) -> None:
    """A value of the wrong type is refused, saying why and for which field."""
    with pytest.raises(InvalidValue) as caught:
        edit.parse_value(field, raw)
    assert (caught.value.field, caught.value.reason) == (field, message)
    with pytest.raises(UnknownField):
        edit.parse_value("titel", "x")


def test_tags_take_commas_as_well_as_semicolons() -> None:
    """--domain food,sports means two tags, as it does for list --domain; URLs keep commas."""
    assert edit.parse_value("domains", "food, sports;data") == ("food", "sports", "data")
    assert edit.parse_value("sources", "https://a.example/x,y") == ("https://a.example/x,y",)
    assert edit.parse_value("sources", "https://a.example/l;jsessionid=1; https://b.example") == (
        "https://a.example/l;jsessionid=1",
        "https://b.example",
    )


def test_add_update_remove_revalidate_the_whole_catalogue(mini: Catalogue) -> None:
    """Each change returns a new valid catalogue; a change that breaks a rule is refused."""
    entry = edit.new_standard(
        {"title_zh": "新条目", "domains": ("food",), "sources": ("https://example.org/x",)}
    )
    added = edit.add(mini, entry)
    assert [s.title_zh for s in added.standards][-1] == "新条目"
    assert len(mini.standards) == 4  # the original is untouched
    changed = edit.update(added, 4, {"publisher": "某协会", "notes": None})
    assert (changed.standards[-1].publisher, changed.standards[-1].notes) == ("某协会", None)
    with pytest.raises(ChangeRejected) as caught:
        edit.update(added, 4, {"domains": ()})
    assert caught.value.problems[0].field == "domains"
    with pytest.raises(ChangeRejected) as duplicate:
        edit.add(mini, entry._replace(title_zh="测试米"))
    assert str(duplicate.value) == (
        "The change was not made: 测试米: title_zh: duplicate '测试米': "
        "standard #1 (WQ 1-9 T/TEST 9-2022 测试米) has the same title_zh."
    )
    removed = edit.remove(mini, 0)
    assert [s.title_zh for s in removed.standards] == [
        "测试龙舟数据规范",
        "测试养老食品",
        "测试赛事志愿服务",
    ]


def test_canonical_order_sorts_ids_by_number_then_codes_then_titles(mini: Catalogue) -> None:
    """Entries with ids first (WQ 1-9 before WQ 1-10), then by code, date and title."""
    shuffled = list(reversed(mini.standards))
    ordered = store.canonical_order(shuffled)
    assert [s.gba_id or s.code or s.title_zh for s in ordered] == [
        "WQ 1-9",
        "WQ 1-10",
        "T/TEST 3-2024",
        "测试赛事志愿服务",
    ]


def test_index_pairs_by_id_then_code_then_title(mini: Catalogue) -> None:
    """A row finds its entry by the strongest identifier it has, in any spelling."""
    index = edit.Index(mini.standards)
    assert index.find({"gba_id": "WQ 1-10"}) == 1
    assert index.find({"gba_id": "WQ1-10", "title_zh": "测试米"}) == 1  # the id comes first
    assert index.find({"code": "t/test 3-2024"}) == 2
    assert index.find({"title_zh": "測試米"}) == 0
    assert index.find({"title_zh": "不存在"}) is None
    index.drop(0, mini.standards[0])
    assert index.find({"title_zh": "測試米"}) is None


def merged_into(
    catalogue: Catalogue, rows: list[dict[str, Any]], **options: Any
) -> tuple[Catalogue, edit.MergeReport]:
    """Plan merging ``rows`` and carry the plan out, as ``import`` does."""
    plan = edit.plan_merge(catalogue, rows, **options)
    return edit.carried_out(catalogue, plan), plan.report


def test_merge_adds_fills_and_reports_conflicts(mini: Catalogue) -> None:
    """New rows are added; missing values filled; differing values kept and reported."""
    rows = [
        {"gba_id": "WQ 1-9", "publisher": "另一协会"},  # conflict
        {"code": "T/TEST 3-2024", "publisher": "新发布单位"},  # gains a publisher
        {"gba_id": "WQ 1-10"},  # nothing new
        {"gba_id": "WQ 1-12", "title_zh": "新标准"},  # new entry
    ]
    merged, report = merged_into(
        mini, rows, today=TODAY, source="https://example.org/list-3", domains=("data",)
    )
    assert [s.title_zh for s in report.added] == ["新标准"]
    assert report.added[0].domains == ("data",)
    assert report.added[0].sources == ("https://example.org/list-3",)
    assert report.updated == [("T/TEST 3-2024", ["publisher"])]
    assert report.conflicts == [edit.Conflict("WQ 1-9", "publisher", "测试标准促进会", "另一协会")]
    assert report.unchanged == 1  # WQ 1-10; the conflicting row is counted as a conflict
    third = merged.standards[2]
    assert third.publisher == "新发布单位"
    assert third.sources == ("https://example.org/list-2", "https://example.org/list-3")
    assert merged.standards[0].publisher == "测试标准促进会"
    overwritten, _ = merged_into(mini, rows[:1], today=TODAY, overwrite=True)
    assert overwritten.standards[0].publisher == "另一协会"


def test_merge_refuses_new_rows_without_domain_or_source(mini: Catalogue) -> None:
    """A new entry needs a domain and a source; the message says how to give them."""
    with pytest.raises(IncompleteImport) as caught:
        merged_into(mini, [{"title_zh": "新标准"}, {"gba_id": "WQ 1-13"}], today=TODAY)
    assert str(caught.value) == (
        "New entries need a title, a domain and a source (give --domain TAG and --source URL "
        "for the whole list): row 1 (新标准): no domains or sources; "
        "row 2 (WQ 1-13): no title_zh or domains or sources."
    )


def test_diff_pairs_entries_and_lists_field_changes(mini: Catalogue) -> None:
    """Added, removed and changed entries, field by field; equal catalogues: no difference."""
    assert not edit.diff(mini, mini)
    changed = edit.update(mini, 0, {"publisher": "另一协会"})
    changed = edit.remove(changed, 3)
    entry = edit.new_standard(
        {"title_zh": "新条目", "domains": ("food",), "sources": ("https://example.org/x",)}
    )
    changed = edit.add(changed, entry)
    difference = edit.diff(mini, changed)
    assert [s.title_zh for s in difference.added] == ["新条目"]
    assert [s.title_zh for s in difference.removed] == ["测试赛事志愿服务"]
    assert difference.changed == [edit.Change("WQ 1-9", "publisher", "测试标准促进会", "另一协会")]


def test_merge_does_not_freeze_a_status_the_dates_imply(mini: Catalogue) -> None:
    """An exported status that only follows from the dates is not stored as a stated one."""
    rows = [
        {
            "title_zh": "新标准",
            "effective": "2000-01-01",
            "status": "current",
            "domains": ("food",),
            "sources": ("https://example.org/y",),
        },
        {
            "title_zh": "另一新标准",
            "status": "withdrawn",
            "domains": ("food",),
            "sources": ("https://example.org/z",),
        },
        {"gba_id": "WQ 1-9", "status": "current"},  # its effective date implies current
    ]
    merged, report = merged_into(mini, rows, today=TODAY)
    assert [(s.title_zh, s.status) for s in report.added] == [
        ("新标准", None),
        ("另一新标准", "withdrawn"),
    ]
    assert merged.standards[0].status is None
    assert report.unchanged == 1

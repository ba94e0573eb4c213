"""Filtering, sorting, look-up and search over the fixture catalogue."""

from __future__ import annotations

import pytest

from gbastd import query
from gbastd.errors import AmbiguousKey, InvalidQuery, StandardNotFound, UnknownField
from gbastd.query import Filters
from gbastd.records import Catalogue, Standards

TODAY = "2026-11-27"


def titles(catalogue: Catalogue, **filters: object) -> list[str]:
    found = query.select(catalogue, Filters(**filters), today=TODAY)  # type: ignore[arg-type]
    return [s.title_zh for s in found]


def test_no_filter_keeps_catalogue_order(mini: Catalogue) -> None:
    """Without filters every entry comes back, in file order."""
    assert titles(mini) == ["测试米", "测试龙舟数据规范", "测试养老食品", "测试赛事志愿服务"]


def test_several_domains_match_any(mini: Catalogue) -> None:
    """--domain food --domain data selects entries with either tag."""
    assert titles(mini, domains=("data",)) == ["测试龙舟数据规范"]
    assert titles(mini, domains=("food", "data")) == ["测试米", "测试龙舟数据规范", "测试养老食品"]


def test_undeclared_domain_is_a_usage_error(mini: Catalogue) -> None:
    """A tag the catalogue does not declare is named, with the declared ones."""
    with pytest.raises(
        InvalidQuery,
        match=r"Unknown domain 'fod'\. Did you mean 'food'\? Declared domains: food, data",
    ):
        titles(mini, domains=("fod",))


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("current", ["测试米"]),  # effective 2000-01-01
        ("withdrawn", ["测试龙舟数据规范"]),  # stated
        ("upcoming", ["测试养老食品", "测试赛事志愿服务"]),  # issued or effective in the future
        ("unknown", []),
    ],
)
def test_status_is_stated_or_derived_from_dates(
    mini: Catalogue, status: str, expected: list[str]
) -> None:
    """Status comes from the file, else from the dates, else it is unknown."""
    assert titles(mini, status=status) == expected


def test_status_is_unknown_when_nothing_says(mini: Catalogue) -> None:
    """An entry with no status and no dates of its own is not guessed to be current."""
    standard = mini.standards[0]._replace(issued=None, effective=None)
    assert query.status_of(standard, TODAY) is None
    assert query.status_of(standard._replace(issued="2000-01-01"), TODAY) is None


def test_date_filters_use_the_listing_date(mini: Catalogue) -> None:
    """--year, --since and --until look at `listed`; unlisted entries drop out."""
    assert titles(mini, year=2024) == ["测试养老食品"]
    assert titles(mini, since="2024-01-01") == ["测试养老食品"]
    assert titles(mini, until="2023-04-24") == ["测试米", "测试龙舟数据规范"]
    assert titles(mini, batch=2) == ["测试养老食品"]


def test_filters_combine_with_and(mini: Catalogue) -> None:
    """Every given filter must hold."""
    assert titles(mini, domains=("food",), batch=1) == ["测试米"]
    assert titles(mini, domains=("sports",), publisher="体育") == ["测试赛事志愿服务"]
    assert titles(mini, domains=("food",), search="养老") == ["测试养老食品"]


def test_sort_orders_numbers_by_value_and_puts_unknown_last(mini: Catalogue) -> None:
    """Sorting by code puts 3 before 9 before 10, and entries without a code last."""
    ordered = query.sort_standards(list(mini.standards), "code", today=TODAY)
    assert [s.code for s in ordered] == ["T/TEST 3-2024", "T/TEST 9-2022", "T/TEST 10-2022", None]
    reverse = query.sort_standards(list(mini.standards), "code", reverse=True, today=TODAY)
    assert [s.code for s in reverse] == ["T/TEST 10-2022", "T/TEST 9-2022", "T/TEST 3-2024", None]


def test_sort_by_unknown_field_lists_valid_ones(mini: Catalogue) -> None:
    """An unknown sort field is an error naming the valid fields."""
    with pytest.raises(UnknownField, match=r"Unknown field 'titel'\. Valid fields: gba_id, code"):
        query.sort_standards(list(mini.standards), "titel", today=TODAY)


@pytest.mark.parametrize(
    "key",
    [
        "WQ 1-9",
        "WQ1-9",
        "wq 1-9",
        "ＷＱ１－９",
        "T/TEST 9-2022",
        "t/test9-2022",
        "测试米",
        "測試米",
        "test rice",
    ],
)
def test_lookup_by_id_code_or_title_in_any_spelling(mini: Catalogue, key: str) -> None:
    """show accepts an id, a code or an exact title, however it is spelled."""
    assert query.lookup(mini, key).title_zh == "测试米"


def test_lookup_not_found_suggests_close_keys(mini: Catalogue) -> None:
    """An unknown key fails with suggestions rather than the first partial hit."""
    with pytest.raises(StandardNotFound) as caught:
        query.lookup(mini, "WQ 1-1")
    assert caught.value.suggestions == ("WQ 1-10", "WQ 1-9")
    assert query.get(mini, "nothing like it") is None


def test_lookup_never_picks_one_of_several(mini: Catalogue) -> None:
    """A key that matches two entries lists both."""
    clash = mini.standards[3]._replace(title_en="T/TEST 9-2022")
    ambiguous = mini._replace(standards=Standards.of((*mini.standards[:3], clash)))
    with pytest.raises(AmbiguousKey) as caught:
        query.lookup(ambiguous, "T/TEST 9-2022")
    assert caught.value.matches == ("WQ 1-9 T/TEST 9-2022 测试米", "测试赛事志愿服务")


def test_search_ranks_and_folds_scripts(mini: Catalogue) -> None:
    """Traditional finds Simplified; exact ids beat title words; all terms must match."""
    assert [s.title_zh for s in query.search(mini.standards, "龍舟")] == ["测试龙舟数据规范"]
    assert [s.title_zh for s in query.search(mini.standards, "測試")] == [
        "测试米",
        "测试龙舟数据规范",
        "测试养老食品",
        "测试赛事志愿服务",
    ]
    assert [s.title_zh for s in query.search(mini.standards, "测试 龙舟")] == ["测试龙舟数据规范"]
    assert query.search(mini.standards, "wq1-10")[0].gba_id == "WQ 1-10"
    assert [s.title_zh for s in query.search(mini.standards, "潮菜")] == ["测试养老食品"]
    assert query.search(mini.standards, "   ") == []


def test_search_prefers_exact_titles_over_partial_ones(mini: Catalogue) -> None:
    """A title that equals the query ranks above titles that merely contain it."""
    assert query.search(mini.standards, "测试米")[0].title_zh == "测试米"
    assert query.search(mini.standards, "米")[0].title_zh == "测试米"


@pytest.mark.parametrize("topic", ["food", "FOOD", "食品", "Food", "食"])
def test_search_finds_entries_by_their_domains(mini: Catalogue, topic: str) -> None:
    """A term that names a domain (its tag, or a label in any script) finds its entries."""
    found = query.search(mini.standards, topic, mini.domains)
    assert {s.title_zh for s in found} >= {"测试米", "测试养老食品"}
    assert all("food" in s.domains or "食" in s.title_zh for s in found)
    assert query.search(mini.standards, "sports", mini.domains) == [
        mini.standards[1],
        mini.standards[3],
    ]
    assert query.search(mini.standards, "體育", mini.domains) == [
        mini.standards[1],
        mini.standards[3],
    ]


def test_a_domain_ranks_below_any_title_match(mini: Catalogue) -> None:
    """An entry found by its title comes before one found only by its domain."""
    found = [s.title_zh for s in query.search(mini.standards, "食品", mini.domains)]
    assert found == ["测试养老食品", "测试米"]  # the title holds 食品; the other is tagged food


def test_chinese_terms_name_a_domain_by_its_characters() -> None:
    """飲食 names 食品與餐飲: every character of a Chinese term is in one label."""
    from gbastd.records import Domain

    food = {"food": Domain("food", "食品与餐饮", "食品與餐飲", "Food and catering")}
    assert query._topics("饮食", food) == {"food"}
    assert query._topics("饮料", food) == frozenset()
    assert query._topics("ood", food) == {"food"}  # a part of a tag or label, as for titles
    assert query._topics("oof", food) == frozenset()  # letters need the order they have


def test_without_domains_search_reads_entries_only(mini: Catalogue) -> None:
    """Called on entries alone (the library's search of a list), no domain is matched."""
    assert query.search(mini.standards, "sports") == []


def test_rows_project_fields_and_resolve_status(mini: Catalogue) -> None:
    """Rows hold the chosen fields; status is the derived one."""
    rows = query.rows(mini.standards, ["gba_id", "status"], today=TODAY)
    assert rows == [
        ("WQ 1-9", "current"),
        ("WQ 1-10", "withdrawn"),
        (None, "upcoming"),
        (None, "upcoming"),
    ]
    assert query.rows(mini.standards[:1], ["domains"], today=TODAY) == [(("food",),)]


def test_count_by_counts_each_tag_and_unknown_last(mini: Catalogue) -> None:
    """Counting by domains counts every tag; counting by a date counts years."""
    assert query.count_by(mini.standards, "domains", today=TODAY) == [
        ("data", 1),
        ("food", 2),
        ("sports", 2),
    ]
    assert query.count_by(mini.standards, "listed", today=TODAY) == [
        ("2023", 2),
        ("2024", 1),
        (None, 1),
    ]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("WQ 1-10x", "WQ 1-10"),  # a typo at the end
        ("XWQ 1-9", "WQ 1-9"),  # a typo at the start
        ("T/TEST 3-2025", "T/TEST 3-2024"),  # a wrong year
        ("测试赛事志愿服", "测试赛事志愿服务"),  # part of a title
        ("测试龍舟数据规笵", "WQ 1-10"),  # one wrong character, in the other script too
    ],
)
def test_suggestions_find_near_misses_at_either_end(
    mini: Catalogue, typed: str, meant: str
) -> None:
    """A mistyped key names what was meant, among keys that contain it or sort near it."""
    with pytest.raises(StandardNotFound) as caught:
        query.lookup(mini, typed)
    assert meant in caught.value.suggestions


def test_a_reader_of_no_fields_reads_nothing() -> None:
    """Search weighs fields by kind from the table; a weight no field has reads as empty
    (itemgetter() alone would fail when the module is imported)."""
    assert query._reader([])(("a", "b")) == ()
    assert query._reader([1])(("a", "b")) == ("b",)
    assert query._reader([1, 0])(("a", "b")) == ("b", "a")

"""Indexes kept beside a snapshot (lookup keys, search text, counts): built once per content,
read back without decoding entries, never believed when damaged or stale, and giving exactly
what computing from the entries gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gbastd import cache, catalogue, formats, query
from gbastd.errors import StandardNotFound
from gbastd.fields import FIELDS
from gbastd.query import SortedLines
from gbastd.records import Catalogue, Selection, Standards

from .conftest import ROOT, edited_mini


@pytest.fixture(name="copy")
def _copy(tmp_path: Path) -> Path:
    return edited_mini(tmp_path / "cat.toml")


def index_files() -> list[Path]:
    folder = cache.directory()
    assert folder is not None
    return sorted(folder.glob("*.index-*"))


def _use_every_index(loaded: Catalogue) -> tuple[object, ...]:
    """What show, a mistyped show, search and stats answer."""
    with pytest.raises(StandardNotFound) as missed:
        query.lookup(loaded, "WQ 1-99")
    return (
        query.lookup(loaded, "測試米"),
        missed.value.suggestions,
        query.search(loaded.standards, "测试 数据"),
        query.count_by(loaded.standards, "status", today="2026-11-27"),
        query.count_by(loaded.standards, "domains", today="2026-11-27"),
    )


def test_indexes_are_built_once_and_read_back(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first run builds and keeps them; a later run reads them and builds nothing."""
    first = _use_every_index(catalogue.load(copy))
    kinds = sorted(path.name.rsplit(".", 1)[1] for path in index_files())
    assert kinds == [
        "index-count-domains",
        "index-count-status",
        "index-keys",
        "index-reversed-keys",
        "index-search",
    ]

    def no_building(*args: object) -> None:
        raise AssertionError("an index was built again")

    for builder in ("_keys_of", "_raw_counts", "_TITLES"):
        monkeypatch.setattr(query, builder, no_building)
    monkeypatch.setattr(query.SortedLines, "of", no_building)
    assert _use_every_index(catalogue.load(copy)) == first


def test_kept_indexes_answer_as_the_entries_do(copy: Path) -> None:
    """Answers from kept indexes equal answers computed from the entries themselves."""
    _use_every_index(catalogue.load(copy))
    kept = catalogue.load(copy)
    entries = list(kept.standards)  # a plain list: nothing kept, everything computed
    for text in ("测试", "米", "T/TEST", "wq1-1", "龍舟", "data 测试", "nothing"):
        assert query.search(kept.standards, text) == query.search(entries, text)
    for key in ("WQ 1-1", "test", "测试养老", "T/TEST 3-202", "x"):
        assert query.suggest(kept.standards, key) == query.suggest(entries, key)
    for field in ("domains", "status", "batch", "listed"):
        today = "2026-11-27"
        assert query.count_by(kept.standards, field, today=today) == query.count_by(
            entries, field, today=today
        )


def test_a_damaged_index_is_not_believed(copy: Path) -> None:
    """A flipped byte fails the seal: the index is built again and the answer is right."""
    expected = _use_every_index(catalogue.load(copy))
    for path in index_files():
        data = bytearray(path.read_bytes())
        data[-3] ^= 0xFF
        path.write_bytes(bytes(data))
    assert _use_every_index(catalogue.load(copy)) == expected


def test_an_index_under_another_index_name_is_not_believed(copy: Path) -> None:
    """Indexes share one seal: each copied over every other one is rebuilt, not read as its
    own (counts of statuses are not counts of domains, search text is not lookup keys)."""
    expected = _use_every_index(catalogue.load(copy))
    originals = {path: path.read_bytes() for path in index_files()}
    for source in originals:
        for target in originals:
            if target != source:
                target.write_bytes(originals[source])
                assert _use_every_index(catalogue.load(copy)) == expected, (source, target)
                target.write_bytes(originals[target])


def test_indexes_of_older_content_are_dropped(copy: Path) -> None:
    """After an edit, the old content's indexes go with its snapshot, and answers are new."""
    _use_every_index(catalogue.load(copy))
    old = index_files()
    edited_mini(copy, ("测试米", "测试面"), ("測試米", "測試麵"))
    loaded = catalogue.load(copy)
    assert not any(path.exists() for path in old)
    assert query.lookup(loaded, "测试面").title_zh == "测试面"
    assert query.search(loaded.standards, "测试米") == []


def test_the_counts_follow_the_day(copy: Path) -> None:
    """Counted statuses are derived at the day asked about, not the day they were kept."""
    loaded = catalogue.load(copy)
    early = query.count_by(loaded.standards, "status", today="1990-01-01")
    later = query.count_by(catalogue.load(copy).standards, "status", today="3000-01-01")
    assert early != later
    assert later == query.count_by(list(loaded.standards), "status", today="3000-01-01")


_WORDS = st.text(alphabet="ab-1/测試 ", min_size=1, max_size=6).map(lambda s: s.replace(" ", ""))


@given(st.sets(_WORDS.filter(bool), max_size=30), _WORDS)
def test_sorted_lines_find_as_a_sorted_list_does(items: set[str], probe: str) -> None:
    """Bisection, containment and neighbours over the one text equal a list's answers."""
    lines = SortedLines(*SortedLines.of(items).kept())
    ordered = sorted(items)
    assert list(lines) == ordered and len(lines) == len(ordered)
    assert lines.find(probe) == (ordered.index(probe) if probe in items else None)
    assert list(lines.containing(probe)) == [i for i, s in enumerate(ordered) if probe in s]
    spot = sum(1 for s in ordered if s < probe)
    assert lines.around(probe, 2) == ordered[max(0, spot - 2) : spot + 2]


def test_the_real_catalogue_answers_the_same_kept_or_computed() -> None:
    """On the embedded catalogue, every title's words find the same entries either way."""
    path = ROOT / "data" / "standards.toml"
    loaded = catalogue.load(path)
    query.search(loaded.standards, "米")  # builds and keeps the search text
    kept = catalogue.load(path)
    entries = list(kept.standards)
    for standard in entries:
        for word in (standard.title_zh[:2], standard.code or "", standard.gba_id or ""):
            assert query.search(kept.standards, word) == query.search(entries, word)


def _json_both_ways(loaded: Catalogue, filters: query.Filters, today: str) -> tuple[str, str]:
    """JSON and JSON Lines of every field of the selected entries, as export writes them."""
    rows = query.rows(query.select(loaded, filters, today=today), FIELDS, today=today)
    return formats.to_json(FIELDS, rows), formats.to_jsonl(FIELDS, rows)


def _json_computed(loaded: Catalogue, filters: query.Filters, today: str) -> tuple[str, str]:
    """The same, from a plain list of the entries: nothing kept, every object encoded."""
    plain = loaded._replace(standards=Standards.of(loaded.standards))
    assert not plain.standards.keeps
    rows = query.rows(query.select(plain, filters, today=today), FIELDS, today=today)
    return formats.to_json(FIELDS, rows), formats.to_jsonl(FIELDS, rows)


_SELECTIONS = [
    query.Filters(),
    query.Filters(domains=("food",)),
    query.Filters(search="米"),  # ranked: positions out of catalogue order
    query.Filters(domains=("food",), search="标准"),
    query.Filters(domains=("food",), batch=1),  # a filter by value: no positions kept
]


@pytest.mark.parametrize("today", ["1990-01-01", "2026-11-27", "3000-01-01"])
def test_kept_json_objects_write_what_encoding_writes(
    today: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every field of entries as JSON, from the objects kept beside the snapshot (first built,
    then read back), is byte for byte what encoding the rows writes, on any day: an entry
    that states no status has the one its dates imply that day."""
    path = ROOT / "data" / "standards.toml"
    loaded = catalogue.load(path)
    assert any(standard.status is None for standard in loaded.standards)
    expected = [_json_computed(loaded, filters, today) for filters in _SELECTIONS]
    assert [_json_both_ways(loaded, filters, today) for filters in _SELECTIONS] == expected
    assert [p.name.rsplit(".", 1)[1] for p in index_files()].count("index-json") == 1

    def no_building(*args: object) -> None:
        raise AssertionError("the objects were encoded again")

    monkeypatch.setattr(formats, "_kept_text", no_building)
    again = catalogue.load(path)
    assert [_json_both_ways(again, filters, today) for filters in _SELECTIONS] == expected


@given(st.lists(st.integers(0, 58), max_size=80), st.sampled_from(["1990-01-01", "3000-01-01"]))
def test_kept_json_objects_of_any_positions(positions: list[int], today: str) -> None:
    """Entries in any order, repeated or not, following each other in the catalogue or not:
    the kept objects join into what encoding their rows writes."""
    loaded = catalogue.load(ROOT / "data" / "standards.toml")
    standards = loaded.standards
    assert len(standards) == 59
    rows = query.rows(Selection.of(standards, positions), FIELDS, today=today)
    assert isinstance(rows, query.Rows)
    plain = query.rows([standards[i] for i in positions], FIELDS, today=today)
    assert formats.to_json(FIELDS, rows) == formats.to_json(FIELDS, plain)
    assert formats.to_jsonl(FIELDS, rows) == formats.to_jsonl(FIELDS, plain)


def test_changed_rows_or_selections_are_encoded_as_they_stand(copy: Path) -> None:
    """A list of rows or entries changed after it was made is not joined from kept objects:
    what is written is what it holds."""
    loaded = catalogue.load(copy)
    today = "2026-11-27"
    selection = query.select(loaded, query.Filters(), today=today)
    assert isinstance(selection, Selection) and selection.intact()
    rows = query.rows(selection, FIELDS, today=today)
    rows[0] = tuple("changed" if isinstance(value, str) else value for value in rows[0])
    assert '"changed"' in formats.to_json(FIELDS, rows)
    selection.reverse()
    assert not selection.intact()
    reversed_rows = query.rows(selection, FIELDS, today=today)
    assert not isinstance(reversed_rows, query.Rows)
    plain = query.rows(list(loaded.standards)[::-1], FIELDS, today=today)
    assert formats.to_json(FIELDS, reversed_rows) == formats.to_json(FIELDS, plain)


@pytest.mark.parametrize("today", ["1990-01-01", "2026-11-27", "3000-01-01"])
def test_kept_json_without_decoding_writes_what_encoding_writes(today: str) -> None:
    """export's JSON of entries chosen by position alone (formats.kept_json: no entry decoded
    but those whose status their dates imply) is byte for byte what encoding their rows
    writes; a filter by value leaves it to the rows."""
    path = ROOT / "data" / "standards.toml"
    loaded = catalogue.load(path)
    for filters in _SELECTIONS:
        expected, _ = _json_computed(loaded, filters, today)
        chosen = query.positions(loaded, filters)
        if filters.batch is not None:
            assert chosen is None
            continue
        assert chosen is not None
        assert formats.kept_json(loaded.standards, chosen, today=today) == expected
        backwards = formats.kept_json(loaded.standards, list(chosen)[::-1][:7], today=today)
        plain = query.rows(
            [loaded.standards[i] for i in list(chosen)[::-1][:7]], FIELDS, today=today
        )
        assert backwards == formats.to_json(FIELDS, plain)
    plain_list = loaded._replace(standards=Standards.of(loaded.standards))
    assert formats.kept_json(plain_list.standards, range(3), today=today) is None


def test_export_json_is_the_same_kept_or_encoded(copy: Path) -> None:
    """gbastd export --format json (kept objects, no entry decoded) prints what it prints when
    the fields are named (the entries' rows), filters and order included."""
    from .conftest import run_gbastd

    every = ",".join(FIELDS)
    for extra in ([], ["-d", "food"], ["-s", "米"], ["--reverse", "-n", "5"], ["--batch", "1"]):
        kept = run_gbastd("export", "-c", str(copy), "-f", "json", *extra)
        encoded = run_gbastd("export", "-c", str(copy), "-f", "json", "-F", every, *extra)
        assert kept.returncode == encoded.returncode == 0
        assert kept.stdout == encoded.stdout and kept.stdout.startswith(b"[\n{")


def test_no_cache_keeps_no_index(copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a cache nothing can be kept: indexes are not built for nothing on every run (a
    JSON export of one entry encodes that entry, not every entry's object)."""
    monkeypatch.setenv("GBASTD_NO_CACHE", "1")
    loaded = catalogue.load(copy)
    assert not loaded.standards.keeps
    chosen = query.positions(loaded, query.Filters())
    assert chosen is not None
    assert formats.kept_json(loaded.standards, chosen[:1], today="2026-11-27") is None

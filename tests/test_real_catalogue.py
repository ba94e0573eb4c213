"""The embedded catalogue, data/standards.toml: valid, canonical, true to the reference."""

from __future__ import annotations

import csv
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

import gbastd
from gbastd import query
from gbastd.cli import app
from gbastd.records import Catalogue
from gbastd.store import dump
from gbastd.text import normalise_gba_id

ROOT = Path(__file__).parents[1]
CATALOGUE = ROOT / "data" / "standards.toml"
REFERENCE = ROOT.parent / "shared" / "reference" / "gba-standards.tsv"


@pytest.fixture(name="real", scope="module")
def _real() -> Catalogue:
    return gbastd.load(CATALOGUE)


@pytest.fixture(name="reference_rows", scope="module")
def _reference_rows() -> list[dict[str, str]]:
    if not REFERENCE.exists():
        pytest.skip(f"the reference table {REFERENCE} is not beside this checkout")
    with REFERENCE.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream, delimiter="\t", quoting=csv.QUOTE_NONE))


def load_script(name: str) -> ModuleType:
    """Import a maintainer script from scripts/ (they need OpenCC, a test extra)."""
    pytest.importorskip("opencc", reason="OpenCC (a test extra) converts Chinese scripts")
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_validates(runner: CliRunner) -> None:
    """gbastd validate data/standards.toml passes."""
    result = runner.invoke(app, ["validate", str(CATALOGUE)])
    assert result.exit_code == 0, result.output


def test_is_written_in_canonical_form(real: Catalogue) -> None:
    """Writing the loaded catalogue reproduces the file byte for byte."""
    assert dump(real) == CATALOGUE.read_text(encoding="utf-8")


def test_every_reference_row_is_catalogued_as_given(
    real: Catalogue, reference_rows: list[dict[str, str]]
) -> None:
    """Same count, and each row's id, code, titles, publisher, dates and sources, unchanged."""
    assert len(real.standards) == len(reference_rows)
    by_title = {s.title_zh: s for s in real.standards}
    for row in reference_rows:
        standard = by_title[row["title_zh"]]
        expected = {
            "gba_id": normalise_gba_id(row["gba_id"]) if row["gba_id"] else None,
            "code": row["code"] or None,
            "title_en": row["title_en"] or None,
            "group": row["group_zh"] or None,
            "platform_category": row["platform_category"] or None,
            "batch": int(row["batch"]) if row["batch"] else None,
            "listed": row["listed"] or None,
            "publisher": row["publisher"] or None,
            "sources": tuple(url.strip() for url in row["sources"].split(" ; ")),
            "notes": row["note"] or None,
        }
        actual = {name: getattr(standard, name) for name in expected}
        assert actual == expected, row["title_zh"]


def test_nothing_beyond_the_reference_is_asserted(real: Catalogue) -> None:
    """Fields no reference column gives (issue and effective dates, status) stay unknown."""
    assert {(s.issued, s.effective, s.status) for s in real.standards} == {(None, None, None)}


def test_traditional_forms_are_what_opencc_gives() -> None:
    """title_zh_hant and the zh_hant labels equal OpenCC s2hk of the Simplified forms."""
    hant = load_script("hant")
    assert hant.main(["--check", str(CATALOGUE)]) == 0


def test_folding_table_is_up_to_date() -> None:
    """src/gbastd/_hanzi.py is what scripts/gen_hanzi.py generates from OpenCC."""
    generator = load_script("gen_hanzi")
    assert generator.TARGET.read_text(encoding="utf-8") == generator.render(generator.build_pairs())


def test_every_declared_domain_is_used(real: Catalogue) -> None:
    """No tag is declared without an entry that needs it."""
    used = {tag for s in real.standards for tag in s.domains}
    assert used == set(real.domains)


def titles(real: Catalogue, domain: str) -> set[str]:
    found = query.select(real, query.Filters(domains=(domain,)), today="2026-11-27")
    return {s.title_zh for s in found}


def test_domains_hold_what_a_reader_expects(real: Catalogue) -> None:
    """The core tags select the entries their names promise."""
    assert titles(real, "sports") == {
        "移动电竞赛事用机技术要求和测试方法",
        "龙舟活动中心建设规范",
        "民间龙舟竞赛组织管理规范",
        "大型活动志愿服务通用规范",
    }
    assert titles(real, "elderly-care") == {
        "养老机构认知症老年人生活照顾指南",
        "老年居家护理服务规范",
        "适老易食食品（适老照护食）通用要求",
        "居家养老老年人健康管理服务规范",
    }
    assert titles(real, "childcare") == {"婴幼儿托育服务规范", "早期发展指导(教育)机构管理规范"}
    assert titles(real, "mobility") == {
        "桥岛隧智能运维数据标准体系建设指南",
        "基于信息化协同平台的跨域机动车服务要求",
        "桥岛隧一体化建(构)筑物防雷技术规范",
    }
    assert titles(real, "data") == {
        "桥岛隧智能运维数据标准体系建设指南",
        "基于信息化协同平台的跨域机动车服务要求",
        "信息通信基础设施工程规划设计规范",
        "法人和其他组织跨境身份认证技术规范",
    }
    food = titles(real, "food")
    assert {"丝苗米", "广式月饼", "烧鹅", "卤鹅", "虾饺", "台山黄鳝饭", "传统凉茶使用指南"} <= food
    cuisine = {s.title_zh for s in real.standards if s.group in {"广府菜", "潮菜", "广府早茶"}}
    assert len(cuisine) == 30
    assert cuisine <= food


def test_cli_answers_on_the_real_data(runner: CliRunner) -> None:
    """search 養老 / 龍舟 and show WQ1-8 behave as documented: the titles holding 养老 first,
    then the other entries of the domain it names (养老服务, elderly-care)."""
    elderly = runner.invoke(app, ["search", "養老", "-f", "csv", "-F", "title_zh"]).stdout
    assert elderly.splitlines()[1:] == [
        "养老机构认知症老年人生活照顾指南",
        "居家养老老年人健康管理服务规范",
        "老年居家护理服务规范",
        "适老易食食品（适老照护食）通用要求",
    ]
    boats = runner.invoke(app, ["search", "龍舟", "-f", "csv", "-F", "gba_id"]).stdout
    assert boats.splitlines()[1:] == ["WQ 1-229", "WQ 1-230"]
    shown = runner.invoke(app, ["show", "WQ1-8", "-f", "csv", "-F", "gba_id,code,title_zh"])
    assert shown.stdout == "gba_id,code,title_zh\nWQ 1-8,T/GBAS 6-2022,丝苗米\n"


def test_stats_reports_coverage_honestly(runner: CliRunner, real: Catalogue) -> None:
    """Coverage compares catalogued entries with the 267 items published."""
    result = runner.invoke(app, ["stats", "-f", "json"])
    assert result.exit_code == 0, result.output
    assert f"{len(real.standards)} of 267 listed items catalogued" in result.stdout

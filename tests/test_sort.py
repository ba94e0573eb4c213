"""Chinese order: sorting by a Chinese text field follows pinyin, numbers by value as ever, and
pypinyin is loaded only by a sort that needs it."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from gbastd import query, text
from gbastd.cli import app
from gbastd.records import Catalogue

from .conftest import DATA
from .test_cache import imported_modules

TODAY = "2026-11-27"


def test_chinese_text_sorts_by_pinyin() -> None:
    """Places sort as a Chinese index lists them (ào, chóng, guǎng, shēn, yín), which code
    point order does not; a phrase's reading is taken in context (重庆 chóng, not zhòng)."""
    places = ["银行", "深圳", "重庆", "广州", "澳门"]
    assert sorted(places, key=text.natural_key) != ["澳门", "重庆", "广州", "深圳", "银行"]
    pinyin = sorted(places, key=lambda t: text.natural_key(t, pinyin=True))
    assert pinyin == ["澳门", "重庆", "广州", "深圳", "银行"]


def test_pinyin_keeps_numbers_by_value_and_tones_in_order() -> None:
    """第9批 before 第10批 (numbers inside Chinese text by value); mā before má before mǎ; a
    syllable before a longer one it begins (西安 xī'ān before 先 xiān); homophones in a fixed
    order."""

    def ordered(*titles: str) -> list[str]:
        return sorted(titles, key=lambda t: text.natural_key(t, pinyin=True))

    assert ordered("第10批", "第9批", "第2批") == ["第2批", "第9批", "第10批"]
    assert ordered("马", "麻", "妈") == ["妈", "麻", "马"]
    assert ordered("先", "西安") == ["西安", "先"]
    assert ordered("试", "是", "事") == ordered("事", "是", "试")
    assert ordered("WQ 1-10 乙", "WQ 1-9 甲") == ["WQ 1-9 甲", "WQ 1-10 乙"]


def test_sort_by_title_follows_pinyin(mini: Catalogue) -> None:
    """The fixture's titles share 测试; then lóng, mǐ, sài, yǎng (code points: 养 米 赛 龙)."""
    titles = [
        s.title_zh for s in query.sort_standards(list(mini.standards), "title_zh", today=TODAY)
    ]
    assert titles == ["测试龙舟数据规范", "测试米", "测试赛事志愿服务", "测试养老食品"]


def test_list_sort_title_in_a_pipe(runner: CliRunner) -> None:
    """list --sort title_zh, reversed too, as a script reads it."""
    args = ["list", "-c", str(DATA / "mini.toml"), "--sort", "title_zh", "-F", "title_zh"]
    result = runner.invoke(app, [*args, "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "title_zh\n测试龙舟数据规范\n测试米\n测试赛事志愿服务\n测试养老食品\n"
    result = runner.invoke(app, [*args, "-f", "csv", "--reverse"])
    assert result.stdout.splitlines()[1:] == [
        "测试养老食品",
        "测试赛事志愿服务",
        "测试米",
        "测试龙舟数据规范",
    ]


def test_pypinyin_is_imported_only_to_sort_chinese_text(tmp_path: Path) -> None:
    """The piped main job never loads pypinyin, nor a sort by code; a sort by title does."""
    env = {"GBASTD_CACHE_DIR": str(tmp_path / "cache")}
    mini = ("-c", str(DATA / "mini.toml"))
    for _ in ("cold", "warm"):
        assert "pypinyin" not in imported_modules(
            "list", "--domain", "food", "-f", "csv", *mini, env=env
        )
    assert "pypinyin" not in imported_modules("list", "--sort", "code", "-f", "csv", *mini, env=env)
    assert "pypinyin" in imported_modules("list", "--sort", "title_zh", "-f", "csv", *mini, env=env)

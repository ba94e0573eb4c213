"""The display language: chosen by --lang, else GBASTD_LANG, else the locale; spoken by
terminals, help and messages; never by pipes, whose output keeps schema keys and values."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from gbastd import i18n
from gbastd.fields import BY_NAME, ENTRY_FIELDS
from gbastd.layout import display_width

from .conftest import DATA, ROOT, imported_by, run_gbastd
from .test_screens import plain, run_on_screen

MINI = str(DATA / "mini.toml")
HAN = re.compile(r"[\u3400-\u9fff]")
# Characters only Simplified Chinese writes, among those gbastd's words use.
SIMPLIFIED_ONLY = re.compile(r"[标准识别号称录条领签择显输据发单现废简体务类语项时间选阅读写态]")


def _environment(**variables: str) -> dict[str, str]:
    """The test's environment with the language's variables replaced by ``variables``."""
    names = ("GBASTD_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")
    env = {k: v for k, v in os.environ.items() if k not in names}
    return {**env, **variables}


def _bare(**variables: str) -> dict[str, str]:
    """As _environment, for run_gbastd, which adds its env to os.environ: the language's
    variables not given are set empty (unset, as the locale and click read them)."""
    names = ("GBASTD_LANG", "LC_ALL", "LC_MESSAGES", "LANG")
    return {**dict.fromkeys(names, ""), "LANG": "C.UTF-8", **variables}


# ------------------------------------------------------------------ the choice


def test_lang_wins_over_gbastd_lang_over_the_locale() -> None:
    """--lang before GBASTD_LANG before LC_ALL/LC_MESSAGES/LANG, wherever --lang stands."""
    given = {
        "locale": _bare(LANG="zh_HK.UTF-8"),
        "variable": _bare(LANG="zh_HK.UTF-8", GBASTD_LANG="zh-Hans"),
        "option": _bare(LANG="zh_HK.UTF-8", GBASTD_LANG="zh-Hans"),
    }
    headers = {}
    for name, env in given.items():
        extra = ["--lang", "en"] if name == "option" else []
        result = run_gbastd("domains", "-c", MINI, "--bogus", *extra, env=env)
        assert result.returncode == 2
        headers[name] = result.stderr.decode()
    assert "錯誤" in headers["locale"]
    assert "错误" in headers["variable"]
    assert headers["option"].splitlines()[-1] == "Error: No such option: --bogus"
    before = run_gbastd("--lang=zh-Hant", "domains", "-c", MINI, "--bogus", env=_bare())
    assert "錯誤" in before.stderr.decode()


@pytest.mark.parametrize("where", ["option", "variable"])
def test_a_language_that_is_none_is_a_usage_error(where: str) -> None:
    """A bad --lang or GBASTD_LANG is refused as click refuses any bad value (exit 2), piped
    list included (the fast path leaves it to the CLI)."""
    args = ["--lang", "fr"] if where == "option" else []
    env = _bare(GBASTD_LANG="fr") if where == "variable" else _bare()
    result = run_gbastd("list", "-c", MINI, *args, env=env)
    assert result.returncode == 2
    assert result.stdout == b""
    said = result.stderr.decode()
    if where == "option":
        assert "'fr' is not one of 'zh-hans', 'zh-hant', 'en'" in said
    else:
        assert said == (
            "Error: $GBASTD_LANG is 'fr', which names no language: use zh-Hans, zh-Hant or en.\n"
        )


@pytest.mark.parametrize("cache", ["snapshot", "no cache"])
def test_lang_given_wins_over_a_gbastd_lang_that_names_none(cache: str) -> None:
    """An explicit --lang, before or after the command, needs no GBASTD_LANG: the fast path
    and the full CLI both answer."""
    env = _bare(GBASTD_LANG="bogus", GBASTD_NO_CACHE="1" if cache == "no cache" else "")
    expected = run_gbastd("list", "-c", MINI, "-n", "1", env=_bare()).stdout
    for args in (["list", "--lang", "en"], ["--lang=ZH-HANT", "list"]):
        result = run_gbastd(*args, "-c", MINI, "-n", "1", env=env)
        assert (result.returncode, result.stdout, result.stderr) == (0, expected, b"")


# ------------------------------------------------------------------ pipes keep their bytes


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "jsonl", "md"])
@pytest.mark.parametrize("command", [["list"], ["show", "WQ 1-9"], ["domains"], ["stats"]])
def test_pipes_are_the_same_in_every_language(command: list[str], fmt: str) -> None:
    """Machine formats keep schema keys and stored values whatever the language."""
    outputs = {
        language: run_gbastd(*command, "-c", MINI, "-f", fmt, "--lang", language, env=_bare())
        for language in i18n.LANGUAGES
    }
    english = outputs[i18n.ENGLISH]
    assert english.returncode == 0 and english.stdout
    for result in outputs.values():
        assert (result.returncode, result.stdout) == (0, english.stdout)


def test_validate_s_verdict_in_a_pipe_is_the_same_in_every_language() -> None:
    """validate's verdict on stdout is data in a pipe: the same words in every language."""
    said = {
        language: run_gbastd("validate", MINI, "--lang", language, env=_bare())
        for language in i18n.LANGUAGES
    }
    assert {(result.returncode, result.stdout) for result in said.values()} == {
        (0, f"{MINI}: valid catalogue, 4 standards in 3 domains.\n".encode())
    }


def test_export_keeps_keys_unless_headers_say_otherwise() -> None:
    """export in zh-Hant writes schema keys; --headers zh-hant asks for labels."""
    env = _bare(GBASTD_LANG="zh-Hant")
    keys = run_gbastd("export", "-c", MINI, "-f", "csv", env=env).stdout.decode()
    assert keys.splitlines()[0].startswith("gba_id,code,title_zh,")
    labels = run_gbastd("export", "-c", MINI, "--headers", "zh-hant", env=env).stdout.decode()
    assert labels.splitlines()[0].startswith("灣區標準識別號,標準編號,")


def test_the_piped_path_reads_no_catalogue_of_messages() -> None:
    """Choosing a language costs the piped main job nothing: gettext is never imported."""
    command = [sys.executable, "-X", "importtime", "-m", "gbastd", "list", "-c", MINI, "-d", "food"]
    env = _environment(LANG="zh_HK.UTF-8")
    subprocess.run(command, capture_output=True, env=env, check=True)  # the snapshot, once
    result = subprocess.run(command, capture_output=True, env=env, check=True)
    imported = imported_by(result.stderr)
    assert "gbastd.fastpath" in imported
    assert "gettext" not in imported and "typer" not in imported


# ------------------------------------------------------------------ a terminal speaks it


def test_show_reads_wholly_in_traditional_chinese() -> None:
    """LANG=zh_HK.UTF-8 gbastd show: labels from the field table, values in words, in
    Traditional characters (the Simplified title is data, labelled as such)."""
    env = {"LANG": "zh_HK.UTF-8", "GBASTD_LANG": "", "LC_ALL": "", "LC_MESSAGES": ""}
    code, screen = run_on_screen("show", "WQ 1-10", "-c", MINI, columns=100, env=env)
    text = plain(screen)
    assert code == 0, text
    for field in ENTRY_FIELDS:
        assert field.zh_hant in text, field.name
        assert field.name not in re.findall(r"[a-z_]+", text.replace("WQ 1-10", ""))
    assert re.search(r"領域\s+數據\s+體育\n", text)  # domains by their Traditional labels
    assert "廢止" in text  # the stated status, in words
    assert "未知" in text  # an unknown value says so
    data = {"测试龙舟数据规范"}  # the Simplified title: a value, not a word of gbastd's
    words = "".join(line for line in text.splitlines() if not any(d in line for d in data))
    assert not SIMPLIFIED_ONLY.search(words), words


@pytest.mark.parametrize(
    ("language", "title", "header"),
    [
        ("zh-Hant", "測試龍舟數據規範", "標準名稱"),
        ("zh-Hans", "测试龙舟数据规范", BY_NAME["title_zh"].headings[0]),
        ("en", "测试龙舟数据规范", BY_NAME["title_zh"].headings[2]),
    ],
)
def test_a_table_shows_the_title_of_its_language(language: str, title: str, header: str) -> None:
    """A zh-Hant table shows the Traditional title (the Simplified one where there is none);
    headers are the field table's labels in the language."""
    code, screen = run_on_screen("list", "-c", MINI, "--lang", language, "--no-pager", columns=120)
    text = plain(screen)
    assert code == 0, text
    assert title in text and header in text
    assert "测试养老食品" in text  # no Traditional title: the Simplified one


def test_help_and_usage_errors_speak_the_language() -> None:
    """--help: click's own words, every command's and option's help; a usage error: its frame
    and click's sentence, translated."""
    result = run_gbastd("list", "--help", env=_bare(GBASTD_LANG="zh-Hans"))
    text = result.stdout.decode()
    assert result.returncode == 0
    assert text.startswith("用法：gbastd list [OPTIONS]")
    assert "选项" in text and "Options" not in text
    assert "Show this message and exit" not in text
    english = run_gbastd("list", "--help", env=_bare()).stdout.decode()
    assert "List standards, filtered and sorted." in english
    assert "List standards, filtered and sorted." not in text
    error = run_gbastd("list", "--year", "x", env=_bare(GBASTD_LANG="zh-Hant"))
    lines = error.stderr.decode().splitlines()
    assert error.returncode == 2
    assert lines[0].startswith("用法：gbastd list")
    assert "'gbastd list -h'" in lines[1] and "Try" not in lines[1]
    assert lines[-1].startswith("錯誤：") and "'--year'" in lines[-1] and "'x'" in lines[-1]
    assert "Invalid value" not in lines[-1] and "valid" not in lines[-1]


def test_messages_of_the_core_speak_it() -> None:
    """A not-found key, reported by the core, in the language; exit code unchanged."""
    english = run_gbastd("show", "WQ 9-99", "-c", MINI, env=_bare())
    chinese = run_gbastd("show", "WQ 9-99", "-c", MINI, env=_bare(GBASTD_LANG="zh-Hans"))
    assert english.returncode == chinese.returncode == 1
    assert english.stderr.decode().startswith("Error: No standard matches 'WQ 9-99'.")
    said = chinese.stderr.decode()
    assert said.startswith("错误：") and "'WQ 9-99'" in said and HAN.search(said)


def test_the_readme_shows_what_a_hong_kong_terminal_draws() -> None:
    """The README's screen of `gbastd show WQ1-8` under LANG=zh_HK.UTF-8 is what an
    80-column terminal draws, exactly."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = readme.split("`gbastd show WQ1-8` reads:\n\n```text\n", 1)[1].split("\n```", 1)[0]
    env = {"LANG": "zh_HK.UTF-8", "GBASTD_LANG": "", "LC_ALL": "", "LC_MESSAGES": ""}
    code, screen = run_on_screen("show", "WQ1-8", columns=80, env=env)
    assert code == 0
    assert plain(screen).strip("\n") == shown


@pytest.mark.parametrize("language", [i18n.SIMPLIFIED, i18n.TRADITIONAL])
def test_chinese_help_fits_the_terminal(language: str) -> None:
    """Help folds Chinese by display width (two cells a character), as wide as English."""
    env = {**_bare(GBASTD_LANG=language), "COLUMNS": "60"}
    for command in ("--help", "import --help", "list --help"):
        result = run_gbastd(*command.split(), env=env)
        text = result.stdout.decode()
        assert result.returncode == 0 and HAN.search(text)
        assert max(map(display_width, text.splitlines())) <= 60, text
        assert not re.search(r"[\ue000-\ue002\x0b]", text)
        starts = [line.strip()[:1] for line in text.splitlines() if line.strip()]
        assert not set(starts) & set("，。、；：？！）」』】》"), text  # no line starts so
    listing = run_gbastd("list", "--help", env=env).stdout.decode()
    for whole in ("$GBASTD_LANG", "zh-Hant", "（YYYY-MM-DD）"):
        assert whole in listing, whole  # names and dates are not broken at a hyphen
    continued = re.findall(r"\n( +)\S", listing)
    assert len(set(map(len, continued))) <= 3, listing  # option, text, continued text


def test_a_refused_file_is_reported_in_each_run_s_language(tmp_path: Path) -> None:
    """The kept report of a refused catalogue is worded in its language: another language
    finds the problems again and says them in its own words."""
    broken = tmp_path / "broken.toml"
    broken.write_text('[catalogue]\nname = "x"\n[[standard]]\ntitle_zh = ""\n', encoding="utf-8")
    said = {}
    for language in (i18n.TRADITIONAL, i18n.ENGLISH, i18n.TRADITIONAL):
        result = run_gbastd("validate", str(broken), env=_bare(GBASTD_LANG=language))
        assert result.returncode == 1
        said.setdefault(language, set()).add(result.stdout + result.stderr)
    assert all(len(texts) == 1 for texts in said.values())  # each language, one report
    (english,), (traditional,) = said[i18n.ENGLISH], said[i18n.TRADITIONAL]
    assert b"standard #1" in english and b"\xe9\x8c\xaf\xe8\xaa\xa4" not in english  # 錯誤
    assert "標準 #1".encode() in traditional and b"standard #1" not in traditional


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_every_help_fits_80_columns(language: str) -> None:
    """Every command's help fits an 80-column terminal in every language, English help that
    quotes Chinese (the official headers, 湾区标准) included."""
    env = {**_bare(GBASTD_LANG=language), "COLUMNS": "80"}
    for command in ["", "list", "search", "show", "export", "add", "import", "report"]:
        result = run_gbastd(*command.split(), "--help", env=env)
        lines = result.stdout.decode().splitlines()
        assert result.returncode == 0 and lines
        assert max(map(display_width, lines)) <= 80, (command, lines)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize("cache", ["snapshot (the fast path)", "no cache (the CLI)"])
def test_a_failed_write_is_said_in_the_language(cache: str) -> None:
    """A full disk is reported in the run's language by the fast path and the CLI alike."""
    env = _bare(GBASTD_LANG="zh-Hant", GBASTD_NO_CACHE="1" if "no cache" in cache else "")
    run_gbastd("list", "-c", MINI, env=env)  # the snapshot, once
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [sys.executable, "-m", "gbastd", "list", "-c", MINI],
            stdout=full,
            stderr=subprocess.PIPE,
            env={**os.environ, **env},
            check=False,
        )
    assert done.returncode == 1
    assert done.stderr.decode().startswith("錯誤：無法寫出輸出：")


@pytest.mark.parametrize(
    "args",
    [
        "list --bogus",
        "show",
        "list extra",
        "list --domain",
        "list --no-pager=1",
        "list --status x",
        "list --year x",
        "list --year 0",
        "list --since 2020",
        "lst",
        "schema bogus",
    ],
)
def test_every_usage_error_is_said_in_chinese(args: str) -> None:
    """click's own sentences, matched and translated: no English word is left but the names
    and values quoted from the command line (a Typer upgrade that rewords one fails here)."""
    result = run_gbastd(*args.split(), env=_bare(GBASTD_LANG="zh-Hans"))
    said = result.stderr.decode().splitlines()[-1]
    assert result.returncode == 2 and said.startswith("错误：")
    words = re.sub(r"'[^']*'|--?[a-z-]+(=\S*)?|\S*\d\S*|extra|bogus|YYYY-MM-DD", "", said)
    assert not re.search(r"[A-Za-z]{2,}", words), said

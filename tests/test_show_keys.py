"""show KEY…: several keys, or - for the keys on standard input; one record per key in every
format, and the keys that match nothing listed on stderr after the records (exit 1)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from typer.testing import CliRunner

from gbastd.cli import app

from .conftest import DATA, run_gbastd
from .test_streams import run_in_terminal

MINI = str(DATA / "mini.toml")


def show(runner: CliRunner, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["show", "-c", MINI, *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("fmt", ["csv", "tsv", "table", "md"])
def test_several_keys_give_a_row_each(runner: CliRunner, fmt: str) -> None:
    """In a pipe, a table is TSV with a row per key, as csv, tsv and md are, in key order."""
    code, out, err = show(runner, "WQ1-10", "测试米", "-F", "gba_id,title_zh", "-f", fmt)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    if fmt == "md":
        lines = [line for line in lines if not line.startswith("| ---")]
    assert len(lines) == 3  # the header and a row per key
    assert "WQ 1-10" in lines[1] and "测试米" in lines[2]


def test_several_keys_in_json_are_an_array_and_in_jsonl_a_line_each(runner: CliRunner) -> None:
    """JSON: an array of the records; JSON Lines: one object a line."""
    keys = ("WQ 1-9", "T/TEST 3-2024")
    code, out, _ = show(runner, *keys, "-F", "gba_id,code", "-f", "json")
    assert code == 0
    assert [r["code"] for r in json.loads(out)] == ["T/TEST 9-2022", "T/TEST 3-2024"]
    code, out, _ = show(runner, *keys, "-F", "code", "-f", "jsonl")
    assert [json.loads(line) for line in out.splitlines()] == [
        {"code": "T/TEST 9-2022"},
        {"code": "T/TEST 3-2024"},
    ]


def test_one_key_in_json_is_still_one_object(runner: CliRunner) -> None:
    """A single key keeps its single record: an object, not an array of one."""
    code, out, _ = show(runner, "WQ1-9", "-F", "gba_id", "-f", "json")
    assert (code, json.loads(out)) == (0, {"gba_id": "WQ 1-9"})


def test_keys_that_match_nothing_are_listed_after_the_records(runner: CliRunner) -> None:
    """The records found are printed; each key that names none is said on stderr, in order;
    exit 1."""
    code, out, err = show(runner, "nope", "WQ1-9", "WQ 9-99", "-F", "gba_id", "-f", "csv")
    assert code == 1
    assert out == "gba_id\nWQ 1-9\n"
    errors = err.splitlines()
    assert len(errors) == 2
    assert errors[0].startswith("Error: No standard matches 'nope'.")
    assert errors[1].startswith("Error: No standard matches 'WQ 9-99'.")


def test_dash_reads_the_keys_from_standard_input(runner: CliRunner) -> None:
    """show - takes one key a line, spaces inside kept and blank lines left out, and may
    stand among other keys: what `xargs -n1 gbastd show` broke on."""
    stdin = "WQ 1-10\n\n  测试米  \n"
    code, out, err = show(runner, "T/TEST 3-2024", "-", "-F", "title_zh", "-f", "csv", stdin=stdin)
    assert (code, err) == (0, "")
    assert list(csv.reader(io.StringIO(out))) == [
        ["title_zh"],
        ["测试养老食品"],
        ["测试龙舟数据规范"],
        ["测试米"],
    ]


def test_a_pipeline_of_list_into_show() -> None:
    """The README's pipeline: ids from list, shown in full, through real processes."""
    codes = run_gbastd("list", "-c", MINI, "-F", "code", "-f", "tsv", "-d", "food").stdout
    keys = b"".join(line + b"\n" for line in codes.splitlines()[1:])  # T/TEST 9-2022, …
    done = run_gbastd("show", "-c", MINI, "-", "-F", "code,title_zh", "-f", "tsv", stdin=keys)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().splitlines() == [
        "code\ttitle_zh",
        "T/TEST 9-2022\t测试米",
        "T/TEST 3-2024\t测试养老食品",
    ]


def test_several_records_on_a_terminal() -> None:
    """A terminal gets a record drawn for each key."""
    code, screen = run_in_terminal("show", "WQ1-9", "WQ1-10", "-c", MINI, env={"NO_COLOR": "1"})
    assert code == 0
    assert "测试米" in screen and "测试龙舟数据规范" in screen


def test_several_keys_stay_an_array_when_only_one_is_found(runner: CliRunner) -> None:
    """Asked for several, one found: still one record per key found, in an array."""
    code, out, err = show(runner, "nope", "WQ1-9", "-F", "gba_id", "-f", "json")
    assert code == 1 and err.startswith("Error: No standard matches 'nope'.")
    assert json.loads(out) == [{"gba_id": "WQ 1-9"}]

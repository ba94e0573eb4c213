"""The Python API the command line is built on, and shell completion through the entry point."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import gbastd
from gbastd.errors import InvalidQuery
from gbastd.fields import DATE_FIELDS

from .conftest import DATA, ROOT, run_gbastd


def test_load_lookup_and_search_on_the_embedded_catalogue() -> None:
    """gbastd.load(), lookup() and search() answer as the README shows."""
    catalogue = gbastd.load()
    standard = gbastd.lookup("WQ1-8", catalogue)
    assert (standard.title_zh, standard.domains) == ("丝苗米", ("food",))
    assert [s.gba_id for s in gbastd.search("龍舟", catalogue)] == ["WQ 1-229", "WQ 1-230"]
    assert gbastd.lookup("wq 1-8") == standard  # loads the embedded catalogue itself


def test_lookup_raises_a_lookup_error() -> None:
    """A missing key raises StandardNotFound, which callers may catch as LookupError."""
    with pytest.raises(LookupError):
        gbastd.lookup("WQ 99-99")
    with pytest.raises(gbastd.GbastdError):
        gbastd.lookup("WQ 99-99")


def test_bash_completion_offers_commands() -> None:
    """Completion works through gbastd's entry point (one kind,value line a candidate: see
    tests/test_completion.py)."""
    result = run_gbastd(
        env={"_GBASTD_COMPLETE": "complete_bash", "COMP_WORDS": "gbastd li", "COMP_CWORD": "1"}
    )
    assert (result.returncode, result.stdout) == (0, b"plain,list\n")


@pytest.mark.parametrize(
    ("filters", "args"),
    [
        ({"domain": "food"}, ["-d", "food"]),
        (
            {"domain": ["data", "sports"], "status": "unknown"},
            ["-d", "data,sports", "--status", "unknown"],
        ),
        (
            {"since": "2024-2-1", "until": date(2025, 12, 31)},
            ["--since", "2024-02-01", "--until", "2025-12-31"],
        ),
        (
            {"batch": 1, "year": 2023, "publisher": "促进会"},
            ["--batch", "1", "--year", "2023", "--publisher", "促进会"],
        ),
        ({"search": "龍舟"}, ["--search", "龍舟"]),
    ],
)
def test_select_answers_as_list_does(filters: dict[str, Any], args: list[str]) -> None:
    """gbastd.select gives the entries `gbastd list` gives for the same filters, in the same
    order, with the same derived status; dates as dates."""
    listed = json.loads(run_gbastd("list", *args, "--format", "json").stdout)
    assert listed, args  # each case selects something
    for entry in listed:
        for name in DATE_FIELDS:
            if entry[name] is not None:
                entry[name] = date.fromisoformat(entry[name])
    assert gbastd.select(**filters) == listed


def test_select_takes_a_path_and_a_day(tmp_path: Path) -> None:
    """A catalogue file by its path; the status the dates imply, at the day asked about."""
    mini = str(DATA / "mini.toml")
    early = {e["title_zh"]: e["status"] for e in gbastd.select(mini, today=date(1990, 1, 1))}
    later = {e["title_zh"]: e["status"] for e in gbastd.select(mini, today=date(3000, 1, 1))}
    assert early["测试米"] == "upcoming" and later["测试米"] == "current"
    assert len(gbastd.select(gbastd.load(mini), domain="food")) == 2


@pytest.mark.parametrize(
    "filters",
    [
        {"domain": "nope"},
        {"status": "valid"},
        {"batch": 0},
        {"batch": True},
        {"year": 10000},
        {"since": "2023-13-01"},
        {"until": "yesterday"},
    ],
)
def test_select_refuses_what_the_command_line_refuses(filters: dict[str, Any]) -> None:
    """A filter value `gbastd list` would refuse raises InvalidQuery, saying which."""
    with pytest.raises(gbastd.GbastdError) as raised:
        gbastd.select(**filters)
    assert isinstance(raised.value, InvalidQuery)


def test_the_readmes_python_examples_run() -> None:
    """Every ```python block of the README runs as written (pandas included)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)
    assert any("gbastd.select" in block for block in blocks)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})

"""The benchmark's generated catalogues are valid gbastd catalogues with the expected answer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from gbastd import catalogue
from gbastd.cli import app

from .conftest import ROOT


def test_generated_catalogue_loads_and_answers_as_expected(
    runner: CliRunner, tmp_path: Path
) -> None:
    """gen_catalogue.py writes a catalogue gbastd validates, whose food rows are the expected."""
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "gen_catalogue.py"),
            "--out",
            str(tmp_path),
            "-n",
            "300",
            "--formats",
            "toml",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    generated = tmp_path / "cat_300.toml"
    assert len(catalogue.load(generated).standards) == 300
    result = runner.invoke(
        app, ["list", "-d", "food", "-f", "csv", "-F", "code,title_zh", "-c", str(generated)]
    )
    expected = (tmp_path / "cat_300.expected_food.csv").read_text(encoding="utf-8")
    assert result.stdout == expected


def test_goals_compare_start_up_with_its_floors(tmp_path: Path) -> None:
    """bench/goals.py renders each start-up goal from one hyperfine run's medians: against
    python -c pass, jq and (issue 13) the bare Typer app, each with its target."""
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("goals", ROOT / "bench" / "goals.py")
    assert spec is not None and spec.loader is not None
    goals = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(goals)
    medians = {
        "python -c pass (same venv)": 0.010,
        "typer floor (bare app, same venv)": 0.100,
        "gbastd list --domain food --format csv": 0.0199,
        "gbastd show WQ1-8": 0.021,
        "jq (json, same data)": 0.022,
    }
    results = [{"command": command, "median": median} for command, median in medians.items()]
    (tmp_path / "hf_goal_startup.json").write_text(json.dumps({"results": results}))
    rows = {row[0]: row for row in (goal.row() for goal in goals.goals(str(tmp_path)))}
    vs_typer = rows["start-up: list --domain food --format csv vs the bare Typer app"]
    assert vs_typer[2:] == ["0.20×", "≤ 1.15×", "yes"]
    assert rows["start-up: list --domain food --format csv"][2:] == ["1.99×", "≤ 2×", "yes"]
    assert rows["start-up: show WQ1-8 vs jq"][2:] == ["0.95×", "< 1×", "yes"]

"""Render the goals of issue 14 from bench/run.sh's results: each a ratio with its target.

usage: python bench/goals.py RESULTS_DIR

Every ratio divides two medians of the same hyperfine run (the first run's, of the same
interleaved rounds: bench/rounds.py; or two peak memories measured one after the other), so
that the host's load, which moves absolute times from run to run, moves both sides together.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from typing import NamedTuple


class Goal(NamedTuple):
    """One measured goal: what was compared, the ratio, and the target it must meet."""

    name: str
    measured: str
    ratio: float
    target: float
    strictly: bool = False  # below the target, not at it (faster than a peer)

    def row(self) -> list[str]:
        met = self.ratio < self.target if self.strictly else self.ratio <= self.target
        sign = "<" if self.strictly else "≤"
        return [
            self.name,
            self.measured,
            f"{self.ratio:.2f}×",
            f"{sign} {self.target:g}×",
            "yes" if met else "**no**",
        ]


def medians(path: str) -> dict[str, float]:
    """Median seconds of each command of a hyperfine JSON export (empty when missing)."""
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as stream:
        return {r["command"]: r["median"] for r in json.load(stream)["results"]}


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1e3:.1f} ms"


def goals(results: str) -> Iterator[Goal]:
    startup = medians(f"{results}/hf_goal_startup.json")
    floor = startup.get("python -c pass (same venv)")
    jq = startup.get("jq (json, same data)")
    typer = startup.get("typer floor (bare app, same venv)")
    for command in ("gbastd list --domain food --format csv", "gbastd show WQ1-8"):
        if command in startup and floor:
            mine = startup[command]
            yield Goal(
                f"start-up: {command[7:]}",
                f"{ms(mine)} vs python -c pass {ms(floor)}",
                mine / floor,
                2,
            )
            if jq:
                yield Goal(
                    f"start-up: {command[7:]} vs jq",
                    f"{ms(mine)} vs {ms(jq)}",
                    mine / jq,
                    1,
                    strictly=True,
                )
    main_job = startup.get("gbastd list --domain food --format csv")
    if main_job and typer:  # issue 13's goal for the main job, beside the bare Typer app
        yield Goal(
            "start-up: list --domain food --format csv vs the bare Typer app",
            f"{ms(main_job)} vs {ms(typer)}",
            main_job / typer,
            1.15,
        )

    reads = medians(f"{results}/hf_goal_reads_100000.json")
    main_job = reads.pop("main job: list --domain food --format csv", None)
    for command, seconds in reads.items():
        if main_job:
            yield Goal(
                f"100k: {command}",
                f"{ms(seconds)} vs main job {ms(main_job)}",
                seconds / main_job,
                2,
            )
        if command.startswith("show a mistyped key"):
            yield Goal(
                "100k: suggestions for a mistyped key",
                f"{ms(seconds)} vs 1 s",
                seconds,
                1,
                strictly=True,
            )

    peers = medians(f"{results}/hf_goal_all_100000.json")
    mine = peers.pop("gbastd (all fields)", None)
    for peer, seconds in peers.items():
        if mine:
            sqlite_utils = peer.startswith("sqlite-utils")
            yield Goal(
                f"100k main job, all fields, vs {peer}",
                f"{ms(mine)} vs {ms(seconds)}",
                mine / seconds,
                1.5 if sqlite_utils else 1,
                strictly=not sqlite_utils,
            )

    cold = medians(f"{results}/hf_cold_100000.json")
    first, parse = cold.get("gbastd, cache off"), cold.get("tomllib parse only")
    if first and parse:
        yield Goal(
            "100k first run after a change vs the standard library's parse",
            f"{ms(first)} vs {ms(parse)}",
            first / parse,
            0.8,
        )

    peaks = {}
    for name in ("parser", "first_run"):
        path = f"{results}/rss/goal_{name}_1000000.txt"
        if os.path.exists(path):
            with open(path, encoding="utf-8") as stream:
                words = stream.read().split()
            if words and words[-1].isdigit():  # /usr/bin/time's %M, in KB
                peaks[name] = int(words[-1]) / 1024
    if len(peaks) == 2:
        yield Goal(
            "1M first run's peak memory vs the TOML parser's",
            f"{peaks['first_run']:,.0f} MB vs {peaks['parser']:,.0f} MB",
            peaks["first_run"] / peaks["parser"],
            1.5,
        )


def main(results: str) -> int:
    rows = [goal.row() for goal in goals(results)]
    if not rows:
        return 0
    print(
        "Goals (issue 14), each a ratio of medians from one hyperfine run"
        " (the first run: from interleaved rounds):\n"
    )
    print("| goal | measured (median) | ratio | target | met |")
    print("| --- | --- | ---: | ---: | --- |")
    for row in rows:
        print("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

"""Time commands in interleaved rounds, and write the times as hyperfine's JSON export does.

hyperfine runs every run of one command before the first of the next. For commands of several
seconds, such as a first run at 100,000 entries, that puts minutes between the runs it compares,
and this shared host's speed drifts over minutes (a command measured 8.4 s in one run and 6.0 s
in the next). Here each round runs every command once, in turn, so a ratio compares runs taken
seconds apart. Commands are split into words and run without a shell, as ``hyperfine -N`` runs
them; their output is discarded.

    python bench/rounds.py --rounds 3 --export-json OUT.json -n NAME 'COMMAND' [-n NAME ...]
"""

from __future__ import annotations

import argparse
import json
import shlex
import statistics
import subprocess
import sys
import time


def timed(command: str) -> float:
    """Wall time of one run of ``command``, in seconds; a failed run ends the benchmark."""
    start = time.perf_counter()
    done = subprocess.run(shlex.split(command), stdout=subprocess.DEVNULL, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"exit {done.returncode}: {command}")
    return elapsed


def summary(name: str, times: list[float]) -> dict[str, object]:
    """One entry of hyperfine's ``results``, with the fields bench/render.py and goals.py read."""
    return {
        "command": name,
        "mean": statistics.fmean(times),
        "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "times": times,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--export-json", required=True)
    parser.add_argument("-n", "--name", action="append", required=True)
    parser.add_argument("commands", nargs="+")
    options = parser.parse_intermixed_args()
    if len(options.name) != len(options.commands):
        parser.error("give one -n NAME before each command")
    times: dict[str, list[float]] = {name: [] for name in options.name}
    for round_number in range(1, options.rounds + 1):
        for name, command in zip(options.name, options.commands, strict=True):
            times[name].append(timed(command))
            print(f"round {round_number}: {name}: {times[name][-1]:.3f} s", file=sys.stderr)
    results = [summary(name, taken) for name, taken in times.items()]
    with open(options.export_json, "w", encoding="utf-8") as stream:
        json.dump({"results": results}, stream, indent=2)


if __name__ == "__main__":
    main()

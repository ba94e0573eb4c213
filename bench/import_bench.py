#!/usr/bin/env python3
"""Time ``gbastd import --dry-run`` as the list and the catalogue grow: is import linear?

For each N, writes a catalogue of N entries and a CSV list of N rows, half of them matching
entries (by gba_id; they bring a publisher the entry lacks: an update each) and half new, then
runs ``gbastd import LIST --dry-run`` in a subprocess, with the snapshot cache off so that
every run parses and validates, as the first run after a change does. ``validate`` on the
same catalogue is timed alongside: the part of an import that is loading the catalogue.

    python bench/import_bench.py                 # N = 1,000, 10,000, 100,000
    python bench/import_bench.py -n 1000 -n 5000 --repeat 3

Prints a table; with linear work, seconds per 1,000 rows stay about the same as N grows.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOURCE = "https://example.org/bench-list"


def write_catalogue(path: Path, n: int) -> None:
    """N entries WQ 1-1 … WQ 1-N, written by hand in the catalogue's TOML schema."""
    lines = [
        "[catalogue]",
        'name = "Import benchmark"',
        "as_of = 2026-01-14",
        f"published_total = {2 * n}",
        "",
        "[domains.food]",
        'zh = "食品"',
        'zh_hant = "食品"',
        'en = "Food"',
        "",
    ]
    for i in range(1, n + 1):
        lines += [
            "[[standard]]",
            f'gba_id = "WQ 1-{i}"',
            f'code = "T/BENCH {i}-2024"',
            f'title_zh = "基准测试标准第{i}号"',
            'domains = ["food"]',
            f'sources = ["https://example.org/s/{i}"]',
            "",
        ]
    path.write_text("\n".join(lines), encoding="utf-8")


def write_list(path: Path, n: int) -> None:
    """N rows in the official layout: the first half match entries, the second half are new."""
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["序号", '"湾区标准"识别号', "标准编号", "标准名称", "发布单位"])
        half = n // 2
        for row in range(1, n + 1):
            if row <= half:  # an existing entry, which gains a publisher
                writer.writerow(
                    [row, f"WQ1-{row}", f"T/BENCH {row}-2024", f"基准测试标准第{row}号", "促进会"]
                )
            else:  # a new one
                writer.writerow(
                    [row, f"WQ2-{row}", f"T/NEW {row}-2026", f"新列入标准第{row}号", "促进会"]
                )


def timed(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "gbastd", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"gbastd {' '.join(args)} failed: {done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, action="append", help="sizes (default 1e3, 1e4, 1e5)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the best counts")
    options = parser.parse_args()
    sizes = options.n or [1_000, 10_000, 100_000]
    env = {**os.environ, "GBASTD_NO_CACHE": "1"}
    env.pop("GBASTD_CATALOGUE", None)
    header = ("N", "validate s", "import s", "import − validate", "ms / 1k rows")
    print("  ".join(f"{name:>{len(name) if i else 9}}" for i, name in enumerate(header)))
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        for n in sizes:
            cat, sheet = folder / f"cat-{n}.toml", folder / f"list-{n}.csv"
            write_catalogue(cat, n)
            write_list(sheet, n)
            validate = min(timed(["validate", str(cat)], env) for _ in range(options.repeat))
            run = ["import", str(sheet), "--dry-run", "-d", "food", "--source", SOURCE]
            merge = min(timed([*run, "-c", str(cat)], env) for _ in range(options.repeat))
            print(
                f"{n:>9,}  {validate:>10.2f}  {merge:>8.2f}  {merge - validate:>17.2f}  "
                f"{merge / n * 1e6:>12.1f}"
            )


if __name__ == "__main__":
    main()

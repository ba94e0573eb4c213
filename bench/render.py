"""Render bench/run.sh results as Markdown tables (stdout).

usage: python bench/render.py RESULTS_DIR
"""

from __future__ import annotations

import glob
import json
import os
import re
import sys

ORDER = ["gbastd", "sqlite3", "sqlite-utils", "mlr", "csvkit", "jq", "py-toml"]
LABEL = {
    "gbastd": "**gbastd** (toml, warm)",
    "sqlite3": "sqlite3 CLI (sqlite)",
    "sqlite-utils": "sqlite-utils (sqlite)",
    "mlr": "mlr (csv)",
    "csvkit": "csvgrep \\| csvcut (csv)",
    "jq": "jq (json)",
    "py-toml": "Python tomllib + csv (toml)",
}


def size_label(n: str) -> str:
    names = {
        "emb": "embedded",
        "262": "262",
        "10000": "10k",
        "100000": "100k",
        "1000000": "1M",
    }
    return names.get(n, n)


def ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def load(path: str) -> dict[str, dict[str, float]]:
    with open(path, encoding="utf-8") as stream:
        results = json.load(stream)["results"]
    return {r["command"]: {"median": r["median"] * 1e3, "min": r["min"] * 1e3} for r in results}


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join([" --- "] + [" ---: "] * (len(header) - 1)) + "|",
    ]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def sort_sizes(sizes: list[str]) -> list[str]:
    return sorted(sizes, key=lambda n: -1 if n == "emb" else int(n))


def main(results: str) -> int:
    out: list[str] = []
    with open(f"{results}/env.txt", encoding="utf-8") as stream:
        env = dict(line.rstrip("\n").split("=", 1) for line in stream if "=" in line)
    out.append("Machine: " + "; ".join(f"{k} {v}" for k, v in env.items()) + ".\n")

    if os.path.exists(f"{results}/hf_startup.json"):
        startup = load(f"{results}/hf_startup.json")
        floor = startup.get("typer floor (bare app, same venv)", {}).get("median")
        rows = [
            [
                name.replace("|", "\\|"),
                ms(r["median"]),
                ms(r["min"]),
                f"{r['median'] / floor:.2f}×" if floor else "–",
            ]
            for name, r in startup.items()
        ]
        out.append(
            "Start-up, embedded catalogue, output to a pipe "
            "(median and min ms, one hyperfine run):\n"
        )
        out.append(table(["command", "median", "min", "÷ typer floor"], rows) + "\n")

    task = {
        re.search(r"hf_task_(\w+)\.json", p)[1]: load(p)
        for p in glob.glob(f"{results}/hf_task_*.json")
    }
    sizes = sort_sizes(list(task))
    if sizes:
        rows = [
            [LABEL.get(t, t)] + [ms(task[n].get(t, {}).get("median")) for n in sizes] for t in ORDER
        ]
        out.append(
            "`list --domain food` as `code,title_zh` CSV, median ms "
            "(each column is one hyperfine run):\n"
        )
        out.append(table(["tool (input)"] + [size_label(n) for n in sizes], rows) + "\n")
        ratio_rows = []
        for t in ORDER[1:]:
            row = [LABEL.get(t, t)]
            for n in sizes:
                mine, theirs = task[n].get("gbastd"), task[n].get(t)
                row.append(f"{mine['median'] / theirs['median']:.2f}" if mine and theirs else "–")
            ratio_rows.append(row)
        out.append("gbastd's median ÷ each peer's (below 1: gbastd is faster):\n")
        out.append(table(["peer"] + [size_label(n) for n in sizes], ratio_rows) + "\n")

    cold = {
        re.search(r"hf_cold_(\w+)\.json", p)[1]: load(p)
        for p in glob.glob(f"{results}/hf_cold_*.json")
    }
    if cold:
        sizes_cold = sort_sizes(list(cold))
        names = list(next(iter(cold.values())))
        rows = [
            [name] + [ms(cold[n].get(name, {}).get("median")) for n in sizes_cold] for name in names
        ]
        out.append("First run after a change (no snapshot), median ms:\n")
        out.append(table(["command"] + [size_label(n) for n in sizes_cold], rows) + "\n")

    rss: dict[str, dict[str, float]] = {}
    for path in glob.glob(f"{results}/rss/*.txt"):
        name, n = os.path.basename(path)[:-4].rsplit("_", 1)
        with open(path, encoding="utf-8") as stream:
            rss.setdefault(name, {})[n] = int(stream.read().split()[-1]) / 1024
    if rss:
        sizes_rss = sort_sizes(sorted({n for per in rss.values() for n in per}))
        rows = [
            [LABEL.get(t, t)]
            + [
                f"{rss.get(t, {}).get(n, 0):,.0f}" if n in rss.get(t, {}) else "–"
                for n in sizes_rss
            ]
            for t in ORDER
            if t in rss
        ]
        out.append("Peak resident memory, MB (one run each):\n")
        out.append(table(["tool"] + [size_label(n) for n in sizes_rss], rows) + "\n")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

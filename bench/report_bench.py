#!/usr/bin/env python3
"""Time the report paths at 10,000 entries: ``export`` to XLSX and SQLite, and ``report``.

Writes a catalogue of N entries with gen_catalogue.py, lets gbastd validate it once (so the
snapshot is warm, as it is for every run after the first on an unchanged catalogue), then runs
each command ``--repeat`` times in a subprocess and prints the median and fastest wall time and
the size of what it wrote. It also checks that the libraries of these paths (openpyxl, jinja2,
sqlite3) are not imported by a command that does not use them, so they add nothing to other
commands' start-up.

    python bench/report_bench.py                    # N = 10,000, 5 runs each
    python bench/report_bench.py -n 1000 -n 10000 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
COMMANDS = {
    "export -o x.xlsx": ["export", "-o", "x.xlsx", "--force"],
    "export -o x.db": ["export", "-o", "x.db", "--force"],
    "report -o r.html": ["report", "-o", "r.html", "--force"],
    "export -o x.csv (for scale)": ["export", "-o", "x.csv", "--force"],
}
LAZY = ("openpyxl", "jinja2", "sqlite3")


def gbastd(*args: str, cwd: Path, env: dict[str, str]) -> float:
    """Run gbastd once; return its wall time in seconds."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "gbastd", *args],
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def lazy_imports_loaded(env: dict[str, str], catalogue: Path) -> list[str]:
    """The report paths' libraries that a piped `list` run imports (should be none)."""
    probe = (
        "import sys\n"
        "sys.argv = ['gbastd', 'list', '--domain', 'food', '--format', 'csv', "
        f"'-c', {str(catalogue)!r}]\n"
        "import gbastd.cli as c\n"
        "try:\n"
        "    c.app(args=sys.argv[1:], prog_name='gbastd', standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(','.join(m for m in {LAZY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""
    return [name for name in last.split(",") if name in LAZY]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, action="append", help="entries (repeatable)")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args(argv)
    sizes = options.n or [10_000]
    with tempfile.TemporaryDirectory(prefix="gbastd-report-bench-") as scratch:
        work = Path(scratch)
        env = {**os.environ, "GBASTD_CACHE_DIR": str(work / "cache")}
        env.pop("GBASTD_NO_CACHE", None)
        print(f"{'command':<30} {'N':>7} {'median s':>9} {'min s':>7} {'output':>10}")
        for n in sizes:
            subprocess.run(
                [
                    sys.executable,
                    str(HERE / "gen_catalogue.py"),
                    "--out",
                    str(work),
                    "-n",
                    str(n),
                    "--formats",
                    "toml",
                ],
                check=True,
                capture_output=True,
            )
            catalogue = work / f"cat_{n}.toml"
            env["GBASTD_CATALOGUE"] = str(catalogue)
            gbastd("validate", cwd=work, env=env)  # warm the snapshot
            for name, args in COMMANDS.items():
                times = [gbastd(*args, cwd=work, env=env) for _ in range(options.repeat)]
                size = (work / args[2]).stat().st_size
                print(
                    f"{name:<30} {n:>7,} {statistics.median(times):>9.2f} {min(times):>7.2f} "
                    f"{size / 1e6:>8.1f} MB"
                )
            loaded = lazy_imports_loaded(env, catalogue)
            print(f"libraries a piped `list` imports of {', '.join(LAZY)}: {loaded or 'none'}")
            if loaded:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

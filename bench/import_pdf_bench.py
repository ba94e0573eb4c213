#!/usr/bin/env python3
"""Time ``gbastd import`` of a published list's PDF: 267 rows on 16 pages (issue 11: < 5 s).

Makes the list the way the fixtures are made (tests/make_published_fixtures.py --bench: a
DOCX printed to PDF by LibreOffice, with wrapped codes and titles, rows broken across pages
and the header repeated on each) unless ``--pdf`` names one, checks that every row and cell
comes back exactly, then times ``gbastd import LIST.pdf`` in a fresh process into a copy of
the embedded catalogue (the whole command: start-up, reading the PDF, merging, checking,
writing), and ``--dry-run`` alike. Last it checks that a piped ``gbastd list`` imports
neither pdfplumber nor pdfminer: reading PDFs costs the other commands nothing.

    python bench/import_pdf_bench.py               # needs LibreOffice (Writer) to make the PDF
    python bench/import_pdf_bench.py --pdf list.pdf --expected rows.csv --repeat 5
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = "https://example.org/bench-notice"


def gbastd(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gbastd", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def timed(
    args: list[str], env: dict[str, str], repeat: int, prepare: Path, target: Path
) -> list[float]:
    """Wall-clock seconds of each run of ``gbastd ARGS``, the target reset before each."""
    times = []
    for _ in range(repeat):
        shutil.copyfile(prepare, target)
        start = time.perf_counter()
        done = gbastd(*args, env=env)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            sys.exit(f"gbastd {' '.join(args)} failed:\n{done.stderr}")
    return times


def check_exact(pdf: Path, expected: Path, env: dict[str, str], scratch: Path) -> str:
    """Import into an empty catalogue and compare every row and cell with ``expected``."""
    empty = scratch / "empty.toml"
    empty.write_text(
        '[catalogue]\nname = "Bench"\nas_of = 2026-01-14\npublished_total = 267\n\n'
        '[domains.food]\nzh = "食品"\nzh_hant = "食品"\nen = "Food"\n',
        encoding="utf-8",
    )
    done = gbastd("import", str(pdf), "-d", "food", "--source", SOURCE, "-c", str(empty), env=env)
    if done.returncode != 0:
        sys.exit(f"import into an empty catalogue failed:\n{done.stderr}")
    exported = gbastd(
        "export", "-c", str(empty), "-f", "csv", "-F", "gba_id,code,title_zh,publisher", env=env
    )
    got = sorted(
        list(csv.reader(exported.stdout.splitlines()))[1:], key=lambda r: int(r[0].split("-")[1])
    )
    with expected.open(encoding="utf-8") as file:
        want = [row[1:] for row in list(csv.reader(file))[1:]]
    wrong = [(g, w) for g, w in zip(got, want, strict=False) if g != w]
    if len(got) != len(want) or wrong:
        sys.exit(f"not exact: {len(got)} rows for {len(want)}; first differences: {wrong[:3]}")
    return done.stderr.splitlines()[0]


def pdf_modules(env: dict[str, str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gbastd", "list", "-d", "food", "-f", "csv"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    found = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if "|" in line}
    return {name for name in found if name.split(".")[0] in ("pdfplumber", "pdfminer")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", type=Path, help="a list PDF (default: make the 267-row one)")
    parser.add_argument("--expected", type=Path, help="its rows as CSV (the official columns)")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        env = {**os.environ, "GBASTD_CACHE_DIR": str(scratch / "cache")}
        if options.pdf is None:
            sys.path.insert(0, str(ROOT / "tests"))
            from make_published_fixtures import make_bench

            pdf = make_bench(scratch / "list")
            expected = scratch / "list" / "bench-expected.csv"
        else:
            pdf, expected = options.pdf, options.expected
        import pdfplumber

        with pdfplumber.open(pdf) as document:
            pages = len(document.pages)
        print(f"{pdf.name}: {pages} pages, {pdf.stat().st_size / 1024:.0f} KiB")
        if expected is not None:
            print(f"exact: {check_exact(pdf, expected, env, scratch)}")
        real = ROOT / "data" / "standards.toml"
        target = scratch / "standards.toml"
        common = [str(pdf), "-d", "food", "--source", SOURCE, "-c", str(target)]
        gbastd(
            "validate", str(real), env=env
        )  # the catalogue's snapshot, as on a maintainer's machine
        for label, args in (
            ("import LIST.pdf --dry-run", ["import", *common, "--dry-run"]),
            ("import LIST.pdf", ["import", *common]),
        ):
            times = timed(args, env, options.repeat, real, target)
            print(
                f"{label:28} median {statistics.median(times):.2f} s, "
                f"min {min(times):.2f} s, max {max(times):.2f} s ({options.repeat} runs)"
            )
        loaded = pdf_modules(env)
        print(
            "pdfplumber/pdfminer imported by a piped list: " + (", ".join(sorted(loaded)) or "none")
        )


if __name__ == "__main__":
    main()

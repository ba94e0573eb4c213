"""Measure a snapshot kept in SQLite against gbastd's marshal snapshot, read by read.

usage: python bench/snapshot_formats.py CATALOGUE.toml [RUNS]

Issue 14 asked to weigh a SQLite snapshot (standard library: an indexed table of lookup keys
for `show`, an FTS5 trigram index for `search`, counts by SQL) against the marshal snapshot
with indexes kept beside it, by the numbers. This builds both from the same validated
catalogue, then times each read in a fresh interpreter (the way every command runs), best of
RUNS, and prints a Markdown table. The SQLite side does only the query (plus importing
gbastd's modules, as a command would); gbastd's side is the real code path (catalogue.load,
then query), so SQLite is favoured if anything.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import time

from gbastd import catalogue, query, text
from gbastd.fields import FIELDS

READS = {
    "start (import only)": (
        "import gbastd.catalogue, gbastd.query",
        "import sqlite3",
    ),  # the SQLite side imports gbastd's own modules too: a command would need them
    "list --domain food (every field)": (
        "from gbastd import catalogue, query; c = catalogue.load(PATH); "
        "r = query.rows(query.select(c, query.Filters(domains=('food',)), today='2026-11-27'), "
        "FIELDS, today='2026-11-27')",
        "import sqlite3; db = sqlite3.connect(DB); r = db.execute('SELECT e.* FROM entry e JOIN "
        "tag t ON t.entry = e.rowid WHERE t.tag = ? ORDER BY e.rowid', ('food',)).fetchall()",
    ),
    "show KEY": (
        "from gbastd import catalogue, query; c = catalogue.load(PATH); query.lookup(c, KEY)",
        "import sqlite3; db = sqlite3.connect(DB); r = db.execute('SELECT e.* FROM entry e "
        "JOIN lookup k ON k.entry = e.rowid WHERE k.key = ?', (KEY_FOLDED,)).fetchall()",
    ),
    "search TERM": (
        "from gbastd import catalogue, query; c = catalogue.load(PATH); "
        "query.search(c.standards, TERM)",
        "import sqlite3; db = sqlite3.connect(DB); r = db.execute('SELECT e.* FROM entry e "
        "JOIN found f ON f.rowid = e.rowid WHERE found MATCH ?', ('\"' + TERM_FOLDED + '\"',))"
        ".fetchall()",
    ),
    "stats (counts by domain)": (
        "from gbastd import catalogue, query; c = catalogue.load(PATH); "
        "query.count_by(c.standards, 'domains', today='2026-11-27')",
        "import sqlite3; db = sqlite3.connect(DB); "
        "r = db.execute('SELECT tag, count(*) FROM tag GROUP BY tag').fetchall()",
    ),
}


def build_sqlite(path: str, target: str) -> None:
    """The catalogue as a SQLite snapshot: entries, tags, lookup keys, folded search text."""
    loaded = catalogue.load(path)
    db = sqlite3.connect(target)
    db.execute(f"CREATE TABLE entry ({', '.join(f'[{name}]' for name in FIELDS)})")
    db.execute("CREATE TABLE tag (entry INTEGER, tag TEXT)")
    db.execute("CREATE TABLE lookup (key TEXT PRIMARY KEY, entry INTEGER) WITHOUT ROWID")
    db.execute("CREATE VIRTUAL TABLE found USING fts5(body, tokenize='trigram')")
    marks = ", ".join("?" * len(FIELDS))
    columns = ", ".join(f"[{name}]" for name in FIELDS)  # group is an SQL word
    for row, standard in enumerate(loaded.standards, 1):
        values = [";".join(v) if isinstance(v, tuple) else v for v in standard]
        db.execute(f"INSERT INTO entry (rowid, {columns}) VALUES (?, {marks})", [row, *values])
        db.executemany("INSERT INTO tag VALUES (?, ?)", [(row, t) for t in standard.domains])
        keys = {text.key(v) for v in query._keys_of(standard)}
        db.executemany("INSERT OR IGNORE INTO lookup VALUES (?, ?)", [(k, row) for k in keys])
        body = " ".join(text.fold(v) for v in query._keys_of(standard))
        db.execute("INSERT INTO found (rowid, body) VALUES (?, ?)", (row, body))
    db.execute("CREATE INDEX tag_by_tag ON tag (tag)")
    db.commit()
    db.close()


def best(code: str, runs: int, env: dict[str, str]) -> float:
    """Best wall time of ``code`` in a fresh interpreter, over ``runs``."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
        times.append(time.perf_counter() - start)
    return min(times)


def main(path: str, runs: int) -> int:
    loaded = catalogue.load(path)  # the marshal snapshot, as every warm run reads it
    key = loaded.standards[len(loaded.standards) // 2].gba_id or ""
    term = "龍舟"
    with tempfile.TemporaryDirectory() as work:
        db = os.path.join(work, "snapshot.sqlite")
        build_sqlite(path, db)
        query.lookup(loaded, key)  # build and keep gbastd's indexes once, as a first run would
        query.search(loaded.standards, term)
        query.count_by(loaded.standards, "domains", today="2026-11-27")
        prelude = (
            f"PATH = {path!r}; DB = {db!r}; KEY = {key!r}; TERM = {term!r}; "
            f"KEY_FOLDED = {text.key(key)!r}; TERM_FOLDED = {text.fold(term)!r}; "
            f"FIELDS = {FIELDS!r}\n"
        )
        env = {**os.environ}
        print(f"{len(loaded.standards):,} entries; best of {runs} fresh interpreters, ms:\n")
        print("| read | marshal snapshot + kept indexes | SQLite snapshot |")
        print("| --- | ---: | ---: |")
        for name, (ours, theirs) in READS.items():
            mine = best(prelude + ours, runs, env)
            other = best(prelude + "import gbastd.catalogue, gbastd.query; " + theirs, runs, env)
            print(f"| {name} | {mine * 1e3:,.0f} | {other * 1e3:,.0f} |")
        size = os.path.getsize(db)
        print(f"\nSQLite snapshot: {size / 1e6:,.0f} MB.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 5))

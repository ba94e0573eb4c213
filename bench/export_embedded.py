"""Write the embedded catalogue in every peer's input format, for the start-up comparison.

Run with the Python of a virtual environment where gbastd is installed:
    VENV/bin/python export_embedded.py OUT_DIR
Writes OUT_DIR/cat_emb.{toml,csv,json,jsonl,sqlite} and cat_emb.expected_food.csv, laid out
as gen_catalogue.py lays out the synthetic sets (domains ';'-joined in CSV), so that the
peers' commands run unchanged on the same data gbastd reads.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import sys

import gbastd
from gbastd.catalogue import embedded_path

COLUMNS = ("code", "title_zh", "title_en", "domains", "issued", "effective", "status", "publisher")


def main(out: str) -> int:
    catalogue = gbastd.load(embedded_path())
    entries = [
        {name: getattr(s, name) for name in COLUMNS} | {"domains": list(s.domains)}
        for s in catalogue.standards
    ]
    base = os.path.join(out, "cat_emb")
    os.makedirs(out, exist_ok=True)
    shutil.copyfile(embedded_path(), base + ".toml")
    with open(base + ".csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(COLUMNS)
        for e in entries:
            writer.writerow([";".join(e[c]) if c == "domains" else e[c] for c in COLUMNS])
    with open(base + ".json", "w", encoding="utf-8") as stream:
        json.dump(entries, stream, ensure_ascii=False)
    with open(base + ".jsonl", "w", encoding="utf-8") as stream:
        stream.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)
    if os.path.exists(base + ".sqlite"):
        os.remove(base + ".sqlite")
    db = sqlite3.connect(base + ".sqlite")
    db.execute("CREATE TABLE standard(id INTEGER PRIMARY KEY, " + ", ".join(COLUMNS) + ")")
    db.execute(
        "CREATE TABLE standard_domain(domain TEXT, standard_id INTEGER, "
        "PRIMARY KEY (domain, standard_id)) WITHOUT ROWID"
    )
    db.executemany(
        f"INSERT INTO standard VALUES (?, {', '.join('?' for _ in COLUMNS)})",
        [
            (i, *(json.dumps(e[c]) if c == "domains" else e[c] for c in COLUMNS))
            for i, e in enumerate(entries, 1)
        ],
    )
    db.executemany(
        "INSERT INTO standard_domain VALUES (?, ?)",
        [(d, i) for i, e in enumerate(entries, 1) for d in e["domains"]],
    )
    db.commit()
    db.close()
    with open(base + ".expected_food.csv", "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(("code", "title_zh"))
        writer.writerows(
            (e["code"] or "", e["title_zh"]) for e in entries if "food" in e["domains"]
        )
    print(f"{base}.*: {len(entries)} entries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

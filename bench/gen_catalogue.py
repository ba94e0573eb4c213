#!/usr/bin/env python3
"""Deterministic generator of synthetic "Greater Bay Area standards" catalogues.

Adapted from the team's peer harness (shared/bench/gen_catalogue.py): the TOML is a catalogue
in gbastd's own schema ([catalogue], [domains.<tag>], [[standard]] with gba_id, code, titles,
domains, dates, status, publisher and sources) that `gbastd validate` accepts, and titles are
made unique (gbastd rejects duplicate titles) by numbering the repeats.

Writes the SAME N entries as TOML ([[standard]] array of tables), CSV, JSON
(array), JSON Lines and SQLite, plus a manifest with the expected answer of the
benchmark task (entries whose domains include "food": code,title_zh).

Stdlib only (TOML is written by hand, no tomli-w needed).

    python3 gen_catalogue.py --out /tmp/gbastd-bench/data -n 262 -n 10000
    python3 gen_catalogue.py --out DIR -n 1000000 --formats csv,json,sqlite

Determinism: one random.Random(seed) stream consumed entry by entry, so the
catalogue for a smaller N is an exact prefix of the one for a larger N, and the
same (seed, N) always gives byte-identical files (check: manifest sha256s).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import json
import os
import random
import sqlite3
import sys
import time

SCHEMA_VERSION = 2  # 2: gbastd's catalogue schema, unique titles
DEFAULT_SEED = 20240262
REF_DATE = dt.date(2025, 6, 30)  # fixed "today" for status, keeps output deterministic
ALL_FORMATS = ("toml", "csv", "json", "jsonl", "sqlite")
FIELDS = ("code", "title_zh", "title_en", "domains", "issued", "effective", "status", "lead_org")

DOMAINS = ("data", "mobility", "food", "elderly-care", "childcare", "sports")
# primary-domain weights; with the secondary draw ~25% of entries include "food"
DOMAIN_WEIGHTS = (18, 16, 20, 18, 13, 15)

# (zh, en) vocabulary -------------------------------------------------------
REGIONS = (
    ("粤港澳大湾区", "in the Guangdong-Hong Kong-Macao Greater Bay Area"),
    ("大湾区", "in the Greater Bay Area"),
    ("粤港澳", "for Guangdong, Hong Kong and Macao"),
    ("湾区", "in the Bay Area"),
)
SUBJECTS = {
    "data": (
        ("数据", "data"),
        ("数据共享", "data sharing"),
        ("数据安全", "data security"),
        ("跨境数据", "cross-boundary data"),
        ("公共数据", "public data"),
        ("数据交易", "data trading"),
        ("政务数据", "government data"),
        ("数字身份", "digital identity"),
    ),
    "mobility": (
        ("交通", "transport"),
        ("智慧交通", "smart transport"),
        ("跨境车辆", "cross-boundary vehicles"),
        ("公共交通", "public transport"),
        ("充电设施", "charging facilities"),
        ("轨道交通", "rail transit"),
        ("自动驾驶", "autonomous driving"),
        ("港珠澳大桥", "HZMB"),
    ),
    "food": (
        ("食品", "food"),
        ("预制菜", "prepared dishes"),
        ("食品安全", "food safety"),
        ("冷链食品", "cold-chain food"),
        ("供港食品", "food supplied to Hong Kong"),
        ("粤菜", "Cantonese cuisine"),
        ("食品追溯", "food traceability"),
        ("餐饮服务", "catering services"),
    ),
    "elderly-care": (
        ("养老", "elderly care"),
        ("养老机构", "elderly care institutions"),
        ("居家养老", "home-based elderly care"),
        ("长者照护", "care for older persons"),
        ("跨境养老", "cross-boundary elderly care"),
        ("适老化", "age-friendly adaptation"),
        ("护理员", "care workers"),
    ),
    "childcare": (
        ("托育", "childcare"),
        ("托育机构", "childcare institutions"),
        ("婴幼儿照护", "infant and toddler care"),
        ("早期教育", "early education"),
        ("托育服务人员", "childcare staff"),
    ),
    "sports": (
        ("体育", "sports"),
        ("体育赛事", "sports events"),
        ("全民健身", "national fitness"),
        ("体育场馆", "sports venues"),
        ("龙舟", "dragon boat"),
        ("电子竞技", "e-sports"),
        ("马拉松", "marathon"),
    ),
}
ASPECTS = (
    ("服务", "service"),
    ("质量", "quality"),
    ("安全", "safety"),
    ("管理", "management"),
    ("评价", "evaluation"),
    ("信息化", "informatization"),
    ("设施", "facilities"),
    ("人员", "personnel"),
    ("技术", "technology"),
    ("运营", "operation"),
    ("认证", "certification"),
    ("溯源", "traceability"),
    ("标识", "labelling"),
    ("数据", "data"),
)
DOCTYPES = (
    ("规范", "Specification for"),
    ("指南", "Guidelines for"),
    ("要求", "Requirements for"),
    ("测试方法", "Test methods for"),
    ("技术规范", "Technical specification for"),
    ("服务规范", "Service specification for"),
    ("评价指南", "Evaluation guidelines for"),
    ("管理规范", "Management specification for"),
    ("通用要求", "General requirements for"),
)
PARTS = (
    ("术语和定义", "Terms, definitions and abbreviations"),
    ("总则", "General principles"),
    ("基本要求", "Basic requirements"),
    ("评价方法", "Methods of evaluation, scoring and grading"),
)
PREFIXES = (("T/GBA", 70), ("T/GDBX", 10), ("T/HKSQ", 8), ("T/MOPC", 6), ("DB44/T", 6))
LEAD_ORGS = (
    "广东省标准化研究院",
    "香港品质保证局",
    "澳门生产力暨科技转移中心",
    "深圳市标准技术研究院",
    "广州市标准化研究院",
    "粤港澳大湾区标准化研究中心",
    "香港生产力促进局",
    "珠海市标准化协会",
    "佛山市质量和标准化研究院",
    "东莞市标准化协会",
    "中山市食品行业协会",
    "江门市养老服务协会",
    "香港标准及检定中心",
    "澳门标准化学会",
)
STATUS_WITHDRAWN_P = 0.08
DATE_LO = dt.date(2019, 1, 1).toordinal()
DATE_HI = dt.date(2025, 12, 31).toordinal()


def _build_title(rng: random.Random, domains: list[str]) -> tuple[str, str]:
    """Chinese title of 8..30 chars (and its English counterpart) from the vocabulary."""
    region = rng.choice(REGIONS) if rng.random() < 0.85 else None
    subj = [rng.choice(SUBJECTS[domains[0]])]
    if len(domains) > 1 and rng.random() < 0.5:
        subj.append(rng.choice(SUBJECTS[domains[1]]))
    aspects = rng.sample(ASPECTS, rng.randint(0, 2))
    doctype = rng.choice(DOCTYPES)
    # avoid stutter such as "数据数据" or "服务服务规范"
    aspects = [a for a in aspects if a[0] not in subj[-1][0] and not doctype[0].startswith(a[0])]
    part = (rng.randint(1, 4), rng.choice(PARTS)) if rng.random() < 0.12 else None

    def render() -> tuple[str, str]:
        zh = (
            (region[0] if region else "")
            + "".join(s[0] for s in subj)
            + "".join(a[0] for a in aspects)
            + doctype[0]
        )
        if part:
            zh += f"　第{part[0]}部分：{part[1][0]}"
        en_obj = " and ".join(s[1] for s in subj)
        en_asp = " ".join(a[1] for a in aspects)
        en = f"{doctype[1]} {en_asp + ' of ' if en_asp else ''}{en_obj}" + (
            f" {region[1]}" if region else ""
        )
        if part:
            en += f" - Part {part[0]}: {part[1][1]}"
        return zh, en

    zh, en = render()
    while len(zh) > 30 and (part or aspects or len(subj) > 1):
        if part:
            part = None
        elif aspects:
            aspects.pop()
        else:
            subj.pop()
        zh, en = render()
    while len(zh) < 8:
        aspects.append(rng.choice(ASPECTS))
        zh, en = render()
    return zh, en


def generate(n: int, seed: int = DEFAULT_SEED):
    """Yield n entries (dicts with FIELDS; dates as datetime.date)."""
    rng = random.Random(seed)
    seen_titles: set[str] = set()
    prefixes = [p for p, _ in PREFIXES]
    pweights = [w for _, w in PREFIXES]
    for i in range(1, n + 1):
        primary = rng.choices(DOMAINS, DOMAIN_WEIGHTS)[0]
        domains = [primary]
        if rng.random() < 0.35:
            second = rng.choice(DOMAINS)
            if second != primary:
                domains.append(second)
        issued = dt.date.fromordinal(rng.randint(DATE_LO, DATE_HI))
        effective = issued + dt.timedelta(days=rng.randint(30, 180))
        if effective > REF_DATE:
            status = "upcoming"
        elif rng.random() < STATUS_WITHDRAWN_P:
            status = "withdrawn"
        else:
            status = "current"
        title_zh, title_en = _build_title(rng, domains)
        if title_zh in seen_titles:  # gbastd requires unique titles: number the repeats
            title_zh, title_en = f"{title_zh}（{i}）", f"{title_en} ({i})"
        seen_titles.add(title_zh)
        prefix = rng.choices(prefixes, pweights)[0]
        yield {
            "code": f"{prefix} {i:04d}-{issued.year}",  # unique: i is unique
            "title_zh": title_zh,
            "title_en": title_en,
            "domains": domains,
            "issued": issued,
            "effective": effective,
            "status": status,
            "lead_org": rng.choice(LEAD_ORGS),
        }


# writers --------------------------------------------------------------------
def _toml_str(s: str) -> str:
    # JSON string escapes (\" \\ \n \uXXXX ...) are all valid TOML basic-string escapes
    return json.dumps(s, ensure_ascii=False)


def write_toml(entries, path: str, seed: int) -> None:
    """Write a catalogue in gbastd's schema (``gbastd validate`` accepts it)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        w = f.write
        w(
            f"# Synthetic GBA standards catalogue (gen_catalogue.py, seed={seed}, "
            f"n={len(entries)})\n\n"
        )
        w(
            "[catalogue]\n"
            f'name = "Synthetic benchmark catalogue, {len(entries)} entries"\n'
            'licence = "Generated test data; not real standards."\n\n'
        )
        for tag in DOMAINS:
            w(
                f"[domains.{tag}]\nzh = {_toml_str(tag)}\nzh_hant = {_toml_str(tag)}\n"
                f"en = {_toml_str(tag)}\n\n"
            )
        for i, e in enumerate(entries, 1):
            w(
                "[[standard]]\n"
                f'gba_id = "WQ 1-{i}"\n'
                f"code = {_toml_str(e['code'])}\n"
                f"title_zh = {_toml_str(e['title_zh'])}\n"
                f"title_en = {_toml_str(e['title_en'])}\n"
                f"domains = [{', '.join(_toml_str(d) for d in e['domains'])}]\n"
                f"issued = {e['issued'].isoformat()}\n"
                f"effective = {e['effective'].isoformat()}\n"
                f"status = {_toml_str(e['status'])}\n"
                f"publisher = {_toml_str(e['lead_org'])}\n"
                f'sources = ["https://example.org/synthetic/{i}"]\n\n'
            )


def _flat(e) -> dict:
    d = dict(e)
    d["issued"] = e["issued"].isoformat()
    d["effective"] = e["effective"].isoformat()
    return d


def write_csv(entries, path: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(FIELDS)
        for e in entries:
            w.writerow(
                (
                    e["code"],
                    e["title_zh"],
                    e["title_en"],
                    ";".join(e["domains"]),
                    e["issued"].isoformat(),
                    e["effective"].isoformat(),
                    e["status"],
                    e["lead_org"],
                )
            )


def write_json(entries, path: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("[\n")
        f.write(",\n".join(json.dumps(_flat(e), ensure_ascii=False) for e in entries))
        f.write("\n]\n")


def write_jsonl(entries, path: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        for e in entries:
            f.write(json.dumps(_flat(e), ensure_ascii=False))
            f.write("\n")


SQLITE_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE standard(
    id INTEGER PRIMARY KEY,          -- catalogue order
    code TEXT NOT NULL UNIQUE,
    title_zh TEXT NOT NULL,
    title_en TEXT NOT NULL,
    domains TEXT NOT NULL,           -- JSON array, e.g. ["food","data"]
    issued TEXT NOT NULL,            -- ISO date
    effective TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('current','upcoming','withdrawn')),
    lead_org TEXT NOT NULL
);
CREATE TABLE standard_domain(        -- normalised domain tags, indexed for `list --domain`
    domain TEXT NOT NULL,
    standard_id INTEGER NOT NULL REFERENCES standard(id),
    PRIMARY KEY (domain, standard_id)
) WITHOUT ROWID;
"""


def write_sqlite(entries, path: str, seed: int) -> None:
    tmp = path + ".tmp"
    for p in (tmp, tmp + "-journal"):
        if os.path.exists(p):
            os.remove(p)
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.executescript(SQLITE_SCHEMA)
    con.executemany(
        "INSERT INTO meta VALUES (?,?)",
        [("schema_version", str(SCHEMA_VERSION)), ("seed", str(seed)), ("n", str(len(entries)))],
    )
    con.executemany(
        "INSERT INTO standard VALUES (?,?,?,?,?,?,?,?,?)",
        (
            (
                i,
                e["code"],
                e["title_zh"],
                e["title_en"],
                json.dumps(e["domains"]),
                e["issued"].isoformat(),
                e["effective"].isoformat(),
                e["status"],
                e["lead_org"],
            )
            for i, e in enumerate(entries, 1)
        ),
    )
    con.executemany(
        "INSERT INTO standard_domain VALUES (?,?)",
        ((d, i) for i, e in enumerate(entries, 1) for d in e["domains"]),
    )
    con.commit()
    con.execute("ANALYZE")
    con.commit()
    con.execute("VACUUM")
    con.close()
    os.replace(tmp, path)


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument(
        "-n", type=int, action="append", help="catalogue size (repeatable); default 262"
    )
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument(
        "--formats", default=",".join(ALL_FORMATS), help="comma list of: " + ",".join(ALL_FORMATS)
    )
    ap.add_argument(
        "--force", action="store_true", help="rewrite even if the manifest says it is up to date"
    )
    args = ap.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    bad = set(formats) - set(ALL_FORMATS)
    if bad:
        ap.error(f"unknown formats: {sorted(bad)}")
    os.makedirs(args.out, exist_ok=True)
    for n in args.n or [262]:
        base = os.path.join(args.out, f"cat_{n}")
        manifest_path = base + ".manifest.json"
        paths = {
            "toml": base + ".toml",
            "csv": base + ".csv",
            "json": base + ".json",
            "jsonl": base + ".jsonl",
            "sqlite": base + ".sqlite",
        }
        old = {}
        if os.path.exists(manifest_path):
            with open(manifest_path, encoding="utf-8") as f:
                old = json.load(f)
        if (
            not args.force
            and old.get("seed") == args.seed
            and old.get("generator_version") == SCHEMA_VERSION
            and all(
                fmt in old.get("files", {})
                and os.path.exists(paths[fmt])
                and os.path.getsize(paths[fmt]) == old["files"][fmt]["bytes"]
                for fmt in formats
            )
        ):
            print(f"n={n}: up to date ({manifest_path})", file=sys.stderr)
            continue
        t0 = time.perf_counter()
        entries = list(generate(n, args.seed))
        timings = {"generate": round(time.perf_counter() - t0, 3)}
        food = [(e["code"], e["title_zh"]) for e in entries if "food" in e["domains"]]
        files = dict(old.get("files", {})) if old.get("seed") == args.seed else {}
        for fmt in formats:
            t = time.perf_counter()
            if fmt == "toml":
                write_toml(entries, paths[fmt], args.seed)
            elif fmt == "csv":
                write_csv(entries, paths[fmt])
            elif fmt == "json":
                write_json(entries, paths[fmt])
            elif fmt == "jsonl":
                write_jsonl(entries, paths[fmt])
            elif fmt == "sqlite":
                write_sqlite(entries, paths[fmt], args.seed)
            timings[fmt] = round(time.perf_counter() - t, 3)
            files[fmt] = {
                "path": os.path.basename(paths[fmt]),
                "bytes": os.path.getsize(paths[fmt]),
                "sha256": _sha256(paths[fmt]),
            }
        expected = "code,title_zh\n" + "".join(f"{c},{t}\n" for c, t in food)
        with open(base + ".expected_food.csv", "w", encoding="utf-8", newline="") as f:
            f.write(expected)
        manifest = {
            "n": n,
            "seed": args.seed,
            "generator_version": SCHEMA_VERSION,
            "ref_date": REF_DATE.isoformat(),
            "food_rows": len(food),
            "expected_food_sha256": hashlib.sha256(expected.encode()).hexdigest(),
            "files": files,
            "write_seconds": timings,
        }
        with open(manifest_path, "w", encoding="utf-8") as f:
            json.dump(manifest, f, indent=2)
        print(
            f"n={n}: food_rows={len(food)} " + " ".join(f"{k}={v}s" for k, v in timings.items()),
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())

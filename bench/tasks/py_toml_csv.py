"""Baseline: stdlib only (tomllib + csv). list --domain food -> code,title_zh CSV on stdout."""

import csv
import sys
import tomllib


def main(path: str, domain: str = "food") -> None:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(("code", "title_zh"))
    w.writerows(
        (s.get("code", ""), s["title_zh"]) for s in data["standard"] if domain in s["domains"]
    )


if __name__ == "__main__":
    main(*sys.argv[1:])

"""Fill in the Traditional Chinese forms of a catalogue from its Simplified ones.

A maintainer step, not a run-time dependency of gbastd: OpenCC's Hong Kong profile (s2hk)
converts every entry's ``title_zh`` into ``title_zh_hant`` and every domain's ``zh`` label into
``zh_hant``, as the catalogue's own notes say. tests/test_real_catalogue.py checks that the
stored forms equal what this script produces.

Usage: python scripts/hant.py [--check] [FILE]   (FILE defaults to data/standards.toml)
"""

from __future__ import annotations

import sys
from pathlib import Path

import opencc

import gbastd
from gbastd import store
from gbastd.records import Catalogue, Standards

DEFAULT = Path(__file__).resolve().parents[1] / "data" / "standards.toml"


def converted(catalogue: Catalogue) -> Catalogue:
    """Return the catalogue with every Traditional form converted from the Simplified one."""
    s2hk = opencc.OpenCC("s2hk")
    return Catalogue(
        path=catalogue.path,
        info=catalogue.info,
        domains={
            tag: domain._replace(zh_hant=s2hk.convert(domain.zh))
            for tag, domain in catalogue.domains.items()
        },
        standards=Standards.of(
            standard._replace(title_zh_hant=s2hk.convert(standard.title_zh))
            for standard in catalogue.standards
        ),
    )


def main(argv: list[str]) -> int:
    check = "--check" in argv
    names = [arg for arg in argv if arg != "--check"]
    path = Path(names[0]) if names else DEFAULT
    catalogue = gbastd.load(path)
    fresh = converted(catalogue)
    if check:
        stale = [
            s.title_zh
            for s, f in zip(catalogue.standards, fresh.standards, strict=True)
            if s.title_zh_hant != f.title_zh_hant
        ]
        stale += [tag for tag in catalogue.domains if catalogue.domains[tag] != fresh.domains[tag]]
        for name in stale:
            print(f"{path}: Traditional form differs from OpenCC s2hk: {name}", file=sys.stderr)
        return 1 if stale else 0
    with store.locked(path):
        written = store.write(path, fresh)
    print(f"wrote {path}" if written else f"{path} is up to date")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

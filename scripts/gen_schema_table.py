"""Write the README's schema table from the field table (src/gbastd/fields.py).

Run it after changing a field: ``python scripts/gen_schema_table.py``; ``--check`` exits 1
when the README is stale (tests/test_fields.py checks the same).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from gbastd.fields import schema_markdown

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(<!-- fields:begin[^\n]*-->\n)(.*?)(<!-- fields:end -->)", re.DOTALL)


def rendered(readme: str) -> str:
    """Return the README text with its schema table regenerated."""
    if not BLOCK.search(readme):
        raise SystemExit("README.md has no <!-- fields:begin --> … <!-- fields:end --> block")
    return BLOCK.sub(lambda m: m[1] + schema_markdown() + m[3], readme, count=1)


def main() -> int:
    current = README.read_text(encoding="utf-8")
    fresh = rendered(current)
    if "--check" in sys.argv[1:]:
        if fresh != current:
            print("README.md's schema table is stale: python scripts/gen_schema_table.py")
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

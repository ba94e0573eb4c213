"""Allow ``python -m gbastd``."""

from gbastd.cli import main

main()

"""The ``gbastd`` command and ``python -m gbastd``: the fast path, else the full CLI.

``fastpath`` answers the commonest piped calls without importing Typer and returns, having
written nothing, for everything else; ``cli`` then answers as it always does.
"""

import sys


def main() -> None:
    """Run the command line on ``sys.argv``."""
    from gbastd import fastpath

    fastpath.run(sys.argv[1:])
    from gbastd.cli import main as full

    full()


if __name__ == "__main__":
    main()

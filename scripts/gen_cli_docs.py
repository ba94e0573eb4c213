"""Write docs/cli.md: the exact ``--help`` of gbastd and of every command, from the real app.

Help is rendered in memory by the click command gbastd runs (cli.click_command), at a fixed
width, without colour, so the file is the same on every machine. Commands come from
``gbastd.cli.app.registered_commands``: a new command appears on the next run.
tests/test_docs.py fails when the file is stale.

Usage: python scripts/gen_cli_docs.py [--check]   (--check: exit 1 if docs/cli.md is stale)
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gbastd.cli import app, click_command

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "docs" / "cli.md"
COMMAND = "python scripts/gen_cli_docs.py"
# Click wraps help at min(terminal width, 80) - 2 columns, so gbastd prints the same help on
# every terminal 80 or more columns wide; Typer's CliRunner would force 80. Colour, Typer's
# terminal detection and its shell detection (for the completion options) are fixed too.
WIDTH = 78
HELP_ENV = {
    "COLUMNS": "100",
    "TERMINAL_WIDTH": "100",
    "NO_COLOR": "1",
    "_TYPER_FORCE_DISABLE_TERMINAL": "1",
    "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": None,
}


@contextmanager
def _help_environment() -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in HELP_ENV}
    try:
        for name, value in HELP_ENV.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def command_names() -> list[str]:
    """The registered commands, in the order ``gbastd --help`` lists them."""
    return [
        info.name or (info.callback.__name__ if info.callback else "")
        for info in app.registered_commands
    ]


def help_text(*command: str) -> str:
    """The ``--help`` output of ``gbastd [COMMAND]``."""
    with _help_environment():
        args = [*command, "--help"]
        shown = io.StringIO()
        with contextlib.redirect_stdout(shown):
            code = click_command(args).main(
                args, prog_name="gbastd", standalone_mode=False, color=False, terminal_width=WIDTH
            )
    if code != 0:
        raise RuntimeError(f"gbastd {' '.join(command)} --help failed: {shown.getvalue()}")
    return shown.getvalue()


def render() -> str:
    """The whole of docs/cli.md."""
    parts = [
        "# Command-line reference\n\n"
        "Every command's `--help`, exactly as gbastd prints it on a terminal 80 or more columns\n"
        f"wide. Generated from the app by `{COMMAND}`; do not edit by hand.\n"
    ]
    for command in [(), *((name,) for name in command_names())]:
        title = " ".join(("gbastd", *command))
        parts.append(f"\n## `{title}`\n\n```text\n{help_text(*command).rstrip()}\n```\n")
    return "".join(parts)


def main(argv: list[str]) -> int:
    fresh = render()
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else None
    if "--check" in argv:
        if current != fresh:
            print(f"{TARGET} is stale: run `{COMMAND}` and commit it.", file=sys.stderr)
            return 1
        return 0
    if current == fresh:
        print(f"{TARGET} is up to date")
        return 0
    TARGET.parent.mkdir(exist_ok=True)
    TARGET.write_text(fresh, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

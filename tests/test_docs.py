"""The README documents every command, and CI runs exactly the README's test command."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from gbastd.cli import app

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = [
    info.name or (info.callback.__name__ if info.callback else "")
    for info in app.registered_commands
]


def shell_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", README, flags=re.DOTALL)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_a_readme_section(runner: CliRunner, command: str) -> None:
    """Each command has a help summary and a `gbastd <command>` heading in the README."""
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    command_info = typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]
    assert command_info.help and command_info.help.strip()
    assert f"`gbastd {command}" in README


def test_ci_runs_the_readme_test_command() -> None:
    """The second set-up command is, word for word, what .ci/run executes."""
    setup = [block.strip() for block in shell_blocks()[:2]]
    assert len(setup) == 2
    assert "gbastd list --domain food" in setup[0]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert setup[1] in ci_lines

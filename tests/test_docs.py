"""The docs match the tool: README sections, docs/cli.md, and CI's pinned test command."""

from __future__ import annotations

import importlib.util
import re
from importlib.metadata import PackageNotFoundError, distribution
from types import ModuleType

import pytest
import typer
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from typer.testing import CliRunner

from gbastd.cli import app

from .conftest import ROOT, run_gbastd

README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_DOCS = ROOT / "docs" / "cli.md"
CONSTRAINTS = ROOT / "constraints.txt"
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


def test_the_readme_test_command_installs_the_pinned_versions() -> None:
    """The test command installs with constraints.txt, so no new release changes a CI run."""
    assert "-c constraints.txt" in shell_blocks()[1]


def _pins() -> dict[str, str]:
    pins = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = line.partition("#")[0].strip()
        if line:
            name, pinned, version = line.partition("==")
            assert pinned and version.strip(), f"constraints.txt: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = version.strip()
    return pins


def _installed_closure(name: str, extras: set[str]) -> dict[str, str]:
    """Every distribution that ``name[extras]`` pulls in on this platform, with its version."""
    found: dict[str, str] = {}
    pending = [(name, frozenset(extras))]
    seen = set(pending)
    while pending:
        current, wanted = pending.pop()
        for text in distribution(current).requires or ():
            requirement = Requirement(text)
            markers = [{"extra": extra} for extra in wanted or {""}]
            if requirement.marker and not any(requirement.marker.evaluate(m) for m in markers):
                continue
            key = canonicalize_name(requirement.name)
            try:
                found[key] = distribution(requirement.name).version
            except PackageNotFoundError:
                pytest.fail(f"{requirement} (needed by {current}) is not installed")
            step = (key, frozenset(requirement.extras))
            if step not in seen:
                seen.add(step)
                pending.append(step)
    return found


def test_constraints_pin_exactly_what_the_test_extra_installs() -> None:
    """constraints.txt pins every package gbastd[test] pulls in, at the installed version."""
    pins = _pins()
    needed = _installed_closure("gbastd", {"test"})
    refresh = "see the header of constraints.txt to refresh it"
    assert sorted(set(needed) - set(pins)) == [], f"not pinned in constraints.txt; {refresh}"
    assert sorted(set(pins) - set(needed)) == [], f"pinned but no longer needed; {refresh}"
    differ = {
        name: (pins[name], version) for name, version in needed.items() if pins[name] != version
    }
    assert differ == {}, (
        "installed versions differ from constraints.txt (pinned, installed): install with the "
        "README's test command, or refresh the pins"
    )


def _gen_cli_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_reference_is_current() -> None:
    """docs/cli.md is exactly the --help of the app and each registered command, as today."""
    generator = _gen_cli_docs()
    current = CLI_DOCS.read_text(encoding="utf-8") if CLI_DOCS.exists() else ""
    assert current == generator.render(), (
        f"docs/cli.md is stale: regenerate it with `{generator.COMMAND}` and commit it"
    )


@pytest.mark.parametrize("columns", ["80", "250"])
def test_cli_reference_is_what_the_command_prints(columns: str) -> None:
    """The in-memory help of docs/cli.md is what `gbastd list --help` prints on a terminal."""
    result = run_gbastd("list", "--help", env={"COLUMNS": columns})
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode("utf-8") == _gen_cli_docs().help_text("list")


def test_readme_points_to_the_cli_reference() -> None:
    """The README tells users where every option is and maintainers how to regenerate it."""
    assert "docs/cli.md" in README
    assert _gen_cli_docs().COMMAND in README

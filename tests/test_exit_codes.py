"""One exit code per kind of mistake, in every command that can make it (README: Exit codes)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from gbastd.cli import app

from .conftest import DATA

MINI = str(DATA / "mini.toml")


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--domain", "nope"],
        ["list", "--domain", "food,nope"],
        ["search", "米", "--domain", "nope"],
        ["export", "--domain", "nope"],
        ["import", str(DATA / "official-list.csv"), "--domain", "nope", "--dry-run"],
        ["add", "--title-zh", "新", "--domain", "nope", "--source", "https://e.org/x", "--dry-run"],
    ],
    ids=["list", "list-commas", "search", "export", "import", "add"],
)
def test_an_undeclared_tag_is_a_usage_error_everywhere(
    runner: CliRunner, tmp_path: Path, args: list[str]
) -> None:
    """A domain tag the catalogue does not declare: exit 2 and a sentence naming it."""
    catalogue = tmp_path / "cat.toml"
    catalogue.write_bytes(Path(MINI).read_bytes())
    result = runner.invoke(app, [*args, "-c", str(catalogue)])
    assert result.exit_code == 2, result.output
    assert "'nope'" in result.stderr and "food" in result.stderr
    assert result.stdout == ""
    assert catalogue.read_bytes() == Path(MINI).read_bytes()


def catalogue_options() -> list[tuple[str, object]]:
    """Every command's --catalogue option, as click will check it."""
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    return [
        (name, param)
        for name, command in sorted(commands.items())
        for param in command.params
        if "--catalogue" in getattr(param, "opts", ())
    ]


@pytest.mark.parametrize(("command", "param"), catalogue_options())
def test_an_unreadable_catalogue_is_the_loaders_sentence_not_a_usage_error(
    command: str, param: object
) -> None:
    """click's own readable check would exit 2 with its wording; gbastd's loader says why a
    file cannot be read, exit 1 (it cannot be shown directly when tests run as root)."""
    assert getattr(getattr(param, "type", None), "readable", None) is False, command


def test_every_command_that_reads_a_catalogue_offers_the_option() -> None:
    """Control for the test above: it sees the options it checks."""
    names = {name for name, _ in catalogue_options()}
    assert {"list", "search", "show", "export", "add", "edit", "remove", "import"} <= names

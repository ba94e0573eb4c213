"""The fast path (fastpath.py) and the Typer CLI cannot disagree.

The fast path parses argument vectors with the declarations the CLI is built from; these tests
hold the declarations to the Typer commands' own parameters, and hold both paths to the same
output: for every argument vector hypothesis draws from the real options and values (good and
bad, in every spelling click accepts), whatever the fast path answers is exactly what the CLI
writes, with nothing on stderr and exit 0; and, run as processes, the installed entry point
gives the same stdout, stderr and exit code as the CLI alone, errors included.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import typer.core
import typer.main
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gbastd import cli, fastpath, options
from gbastd.catalogue import ENV_VAR
from gbastd.fields import FIELDS
from tests.conftest import DATA, edited_mini, imported_by
from tests.test_cache import imported_modules

MINI = str(DATA / "mini.toml")


def _typer_command(name: str) -> typer.core.TyperCommand:
    group = typer.main.get_command(cli.app)
    assert isinstance(group, typer.core.TyperGroup)
    command = group.commands[name]
    assert isinstance(command, typer.core.TyperCommand)
    return command


# The click parameter type each kind of declaration must become.
CLICK_TYPES = {
    options.TEXT: "StringParamType",
    options.TEXTS: "StringParamType",
    options.CHOICE: "TyperChoice",
    options.INTEGER: "IntRange",
    options.DATE: "DateTime",
    options.FLAG: "BoolParamType",
    options.PATH: "TyperPath",
}


@pytest.mark.parametrize("name", sorted(options.COMMANDS))
def test_declarations_are_the_typer_commands_own(name: str) -> None:
    """Each command the fast path answers takes exactly the declared options and arguments,
    with the declared flags, kinds, defaults, choices, bounds, environment variable and
    completion."""
    declared = options.COMMANDS[name]
    params = [p for p in _typer_command(name).params if p.name != "help"]
    arguments = [p.name for p in params if isinstance(p, typer.core.TyperArgument)]
    assert arguments == list(declared.arguments)
    by_name = {p.name: p for p in params if isinstance(p, typer.core.TyperOption)}
    assert sorted(by_name) == sorted(option.name for option in declared.options)
    for option in declared.options:
        param = by_name[option.name]
        assert tuple(param.opts) == option.flags
        assert type(param.type).__name__ == CLICK_TYPES[option.kind], option.name
        assert param.multiple == (option.kind == options.TEXTS)
        assert param.is_flag == (option.kind == options.FLAG)
        assert param.envvar == option.envvar
        assert param.default == option.default
        bounds = vars(param.type)
        if option.kind == options.CHOICE:
            assert tuple(bounds["choices"]) == option.choices
            assert bounds["case_sensitive"] == (not option.fold_case)
        if option.kind == options.INTEGER:
            assert (bounds["min"], bounds["max"]) == (option.minimum, option.maximum)
        # what a shell offers: the declared completer, through Typer's autocompletion
        offered = param._custom_shell_complete
        if option.completes is None:
            assert offered is None, option.name
        else:
            assert offered is not None, option.name
            ctx = _typer_command(name).make_context(name, [], resilient_parsing=True)
            expected = cli.COMPLETERS[option.completes]
            wanted = expected(ctx, "") if option.completes == options.TAGS else expected("")
            assert [(i.value, i.help) for i in offered(ctx, param, "")] == wanted, option.name


def _full(args: list[str]) -> tuple[int, bytes, bytes]:
    """The Typer CLI's answer, in-process (its stdout is not a terminal)."""
    result = CliRunner().invoke(cli.app, args, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr_bytes


# Values drawn from the real ones (tags, fields, formats, keys of the fixture catalogue) and
# from what a user gets wrong: other case, spaces, empty, unknown, out of range, not a number.
_JUNK = st.sampled_from(["", " ", ",", "nope", "-", "--", "-x", "FOOD", "０", "٣", "1e3"])
_TAGS = st.sampled_from(["food", "data", "mobility", "sports", "food,data", " food ", "sport"])
_FIELD_NAMES = st.sampled_from([*FIELDS, "code,title_zh", "gba_id, code", "title"])
_INTEGERS = st.integers(-2, 10_001).map(str) | st.sampled_from(
    ["+1", " 2", "007", "1_0", "9" * 4301]  # the last, more digits than int() takes
)
_DATES = st.sampled_from(["2023-04-24", "2024-2-1", "2023-13-01", "20230424"])
_KEYS = st.sampled_from(
    [
        "WQ1-9",
        "wq 1-10",
        "ＷＱ１－９",
        "WQ 1-8",
        "T/TEST 9-2022",
        "t/test3-2024",
        "测试米",
        "測試米",
    ]
)
_PATHS = st.sampled_from([MINI, MINI.replace("/mini", "//mini"), "missing.toml", ""])


def _values(option: options.Option) -> st.SearchStrategy[str]:
    if option.kind == options.CHOICE:
        choices = st.sampled_from(option.choices)
        return st.one_of(choices, choices, choices, choices.map(str.upper), _JUNK)
    real = {
        options.TEXTS: _TAGS if option.name == "domain" else _FIELD_NAMES,
        options.INTEGER: _INTEGERS,
        options.DATE: _DATES,
        options.PATH: _PATHS,
        options.TEXT: _FIELD_NAMES
        if option.name == "sort"
        else st.sampled_from(["促进会", "协会", "a"]),
    }[option.kind]
    return st.one_of(real, real, real, real, real, _JUNK)  # mostly real values, some mistakes


@st.composite
def _tokens(draw: st.DrawFn, option: options.Option) -> list[str]:
    flag = draw(st.sampled_from(option.flags))
    if option.kind == options.FLAG:
        return [flag]
    value = draw(_values(option))
    if flag.startswith("--") and draw(st.booleans()):
        return [f"{flag}={value}"]
    if not flag.startswith("--") and draw(st.booleans()):
        return [flag + value]  # -dfood, as click reads it
    return [flag, value]


@st.composite
def _argv(draw: st.DrawFn) -> list[str]:
    name = draw(st.sampled_from(sorted(options.COMMANDS)))
    command = options.COMMANDS[name]
    parts = draw(st.lists(st.sampled_from(command.options).flatmap(_tokens), max_size=3))
    parts.append(["--catalogue", MINI])
    if command.arguments:
        key = draw(st.one_of(_KEYS, _KEYS, _KEYS, _JUNK))
        parts.insert(draw(st.integers(0, len(parts))), [key])
    if draw(st.integers(0, 19)) == 0:  # now and then, what the fast path leaves to click
        parts.insert(0, [draw(st.sampled_from(["--help", "--", "-h", "--reverse=1", "extra"]))])
    return [name, *(token for part in draw(st.permutations(parts)) for token in part)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(argv=_argv())
def test_the_fast_answer_is_the_full_answer(argv: list[str]) -> None:
    """Whatever the fast path answers, the CLI answers the same bytes, silently, with exit 0."""
    full = _full(argv)  # first, so that the catalogue's snapshot exists
    fast = fastpath.answer(argv)
    event("answered fast" if fast is not None else f"left to the CLI (exit {full[0]})")
    if fast is not None:
        assert full == (0, fast, b""), argv


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--domain", "food", "--format", "csv"],
        ["list", "-d", "food", "-f", "CSV", "-F", "code,title_zh", "-F", "gba_id"],
        ["list", "-dfood", "-fcsv", "-n1", "--limit=2", "--format=tsv"],
        ["list", "--status=current", "--sort", "code", "--reverse", "-n", "2"],
        ["list", "--batch", "1", "--year", "2023", "--publisher", "促进会", "-f", "json"],
        ["list", "--search", "米", "--format", "jsonl"],
        ["list", "--status", "unknown", "-F", "title_zh_hant,status", "-f", "tsv"],
        ["show", "WQ1-9"],
        ["show", "--format", "json", "ＷＱ１－１０"],
        ["show", "T/TEST 3-2024", "-F", "gba_id,title_zh", "-f", "md"],
        ["show", "測試米", "--format", "csv"],
    ],
)
def test_the_common_calls_are_answered_fast(argv: list[str]) -> None:
    """The calls people pipe are answered by the fast path (so the property above is not
    vacuous), each exactly as the CLI answers it."""
    argv = [*argv, "--catalogue", MINI]
    full = _full(argv)
    assert full[0] == 0 and full[1]
    assert fastpath.answer(argv) == full[1]


@pytest.mark.parametrize(
    "argv",
    [
        ["list", "--since", "2023-04-24"],  # dates are click's to check
        ["list", "--publisher", "-x"],  # a value that looks like an option
        ["list", "--domain", "food", "--domain"],  # a value missing
        ["list", "--reverse=yes"],
        ["list", "--help"],
        ["list", "--", "x"],
        ["show", "-"],  # standard input: the CLI's to read
        ["show", "WQ1-9", "WQ1-10"],
        ["show", "WQ 9-99"],  # not found: the error and its suggestions are the CLI's
        ["list", "--domain", "nope"],
        ["list", "--fields", "nope"],
        ["stats"],
    ],
)
def test_what_it_does_not_know_is_left_to_the_cli(argv: list[str]) -> None:
    """Anything beyond the declarations' plain forms, and every error, is the CLI's."""
    _full([*argv, "--catalogue", MINI])
    assert fastpath.answer([*argv, "--catalogue", MINI]) is None


def test_a_changed_catalogue_is_left_to_the_cli(tmp_path: Path) -> None:
    """Only a sound snapshot is answered from: a new or changed file is parsed by the CLI."""
    copy = edited_mini(tmp_path / "cat.toml", ("测试米", "测试米 改"))
    argv = ["list", "--catalogue", str(copy), "-f", "csv"]
    assert fastpath.answer(argv) is None
    _full(argv)
    assert fastpath.answer(argv) is not None
    edited_mini(copy, ("测试米", "测试米 再改"))
    assert fastpath.answer(argv) is None


def _process(entry: list[str], args: list[str], env: dict[str, str]) -> tuple[int, bytes, bytes]:
    done = subprocess.run([*entry, *args], capture_output=True, env=env, timeout=60, check=False)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--domain", "food", "--format", "csv"],
        ["show", "WQ1-9"],
        ["show", "WQ 9-99"],
        ["list", "--domain", "nope"],
        ["list", "--limit", "-1"],
        ["list", "--limit", "1" * 5000],  # more digits than int() takes: click's usage error
        ["show", "--format", "xml", "WQ1-9"],
    ],
)
def test_the_entry_point_answers_as_the_cli(args: list[str], tmp_path: Path) -> None:
    """As processes, `python -m gbastd` (fast path first) and the CLI alone give the same
    stdout, stderr and exit code, for answers and errors alike."""
    env = {**os.environ, "GBASTD_CACHE_DIR": str(tmp_path), ENV_VAR: MINI}
    full = [sys.executable, "-c", "from gbastd.cli import main; main()"]
    expected = _process(full, args, env)  # also makes the snapshot
    assert _process([sys.executable, "-m", "gbastd"], args, env) == expected


def test_a_catalogue_read_from_a_pipe_is_read_once(tmp_path: Path) -> None:
    """`-c /dev/stdin` (as `-c <(…)`): what the fast path reads of a pipe is gone for the CLI,
    so a pipe is left to the CLI unread."""
    args = ["list", "-n", "2", "-c", "/dev/stdin"]
    data = Path(MINI).read_bytes()

    def run(entry: list[str], cache: str) -> tuple[int, bytes, bytes]:
        env = {**os.environ, "GBASTD_CACHE_DIR": str(tmp_path / cache)}
        done = subprocess.run([*entry, *args], input=data, capture_output=True, env=env, timeout=60)
        return done.returncode, done.stdout, done.stderr

    fast = run([sys.executable, "-m", "gbastd"], "fast")  # first: no snapshot of this content
    expected = run([sys.executable, "-c", "from gbastd.cli import main; main()"], "cli")
    assert expected[0] == 0 and expected[1].startswith(b"gba_id\t")
    assert fast == expected


def test_the_fast_path_imports_only_what_it_uses(tmp_path: Path) -> None:
    """Answered fast, the main job imports no Typer or click, and not typing, pathlib or
    datetime, each a few milliseconds of every start (see _plain.py); the CLI does."""
    env = {"GBASTD_CACHE_DIR": str(tmp_path)}
    args = ("list", "--domain", "food", "--format", "csv", "-c", MINI)
    cold = imported_modules(*args, env=env)  # the first run parses: the full CLI
    assert {"typer", "typing", "pathlib"} <= cold
    warm = imported_modules(*args, env=env)
    assert not {"typer", "click", "rich", "typing", "pathlib", "datetime", "json"} & warm


# What pip (25.2 and later) writes as the gbastd command: python -m would add runpy's imports.
CONSOLE_SCRIPT = "import sys\nfrom gbastd.__main__ import main\nsys.exit(main())"
# Modules the fast path does without, each a millisecond or more of every start on this host:
# re and enum (see _plain.py's StrEnum), and functools and the collections package, which enum
# and operator.py would import (see _plain.py's C halves).
NOT_AT_START = {"re", "enum", "functools", "collections", "operator", "contextlib", "typing"}


@pytest.mark.parametrize(
    "args",
    [("list", "--domain", "food", "--format", "csv"), ("list", "-d", "food"), ("show", "WQ1-9")],
)
def test_the_installed_command_starts_on_the_c_halves_alone(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Run as the installed command runs it, the main job and show import neither re nor enum,
    nor functools or the collections package: each is a millisecond or more of every start."""
    command = [sys.executable, "-X", "importtime", "-c", CONSOLE_SCRIPT, *args, "-c", MINI]
    env = {**os.environ, "GBASTD_CACHE_DIR": str(tmp_path)}
    subprocess.run(command, capture_output=True, env=env, check=True, timeout=60)  # the snapshot
    warm = subprocess.run(command, capture_output=True, env=env, check=True, timeout=60)
    assert warm.stdout.count(b"\n") > 1
    imported = imported_by(warm.stderr)
    assert "gbastd.fastpath" in imported and "gbastd.cli" not in imported
    assert not NOT_AT_START & imported

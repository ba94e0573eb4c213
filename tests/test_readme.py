"""Every `gbastd …` command that README.md shows runs, as a maintainer would type it.

Each command line of every fenced block (``gbastd …``, or ``$ gbastd …`` in a console block)
runs once with bash, pipes included, in a scratch copy of a checkout. It must exit with the
status the README states (0 unless ``EXPECTED_EXIT`` says why not), and where a console block
shows output, print exactly that. The commands of one block run in README order in one
working directory, so a walkthrough's import, edit, diff and validate see each other's work.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import DATA, ROOT

README = ROOT / "README.md"
CATALOGUE = ROOT / "data" / "standards.toml"

# Commands the README shows failing on purpose, with the exit status it gives them and why.
# Every other command must exit 0 and print no "Error:".
EXPECTED_EXIT: dict[str, tuple[int, str]] = {
    "gbastd validate my.toml": (
        1,
        "my.toml is the README's example of a file with problems: every one listed, exit 1",
    ),
    "gbastd diff old.toml data/standards.toml --format json": (
        1,
        "the add and edit above it changed data/standards.toml; diff exits 1 on a difference",
    ),
    "gbastd import 湾区标准清单-测试.pdf --source https://example.org/notice-99"
    " --listed 2099-01-02 --batch 99 --dry-run": (
        1,
        "the walkthrough's step 1: the plan, then the refusal a list with new rows meets "
        "without --domain",
    ),
}

# Lines of shell blocks that are not gbastd commands, and why this test does not run them.
NOT_RUN: dict[str, str] = {
    "python3 -m venv --upgrade-deps .venv && .venv/bin/pip install . && .venv/bin/gbastd list"
    " --domain food": (
        "set-up: tests/test_packaging.py runs it in a copy of the checkout, not in the checkout"
    ),
    "python3 -m venv .venv && .venv/bin/pip install -e '.[test]' -c constraints.txt"
    " && .venv/bin/python -m pytest": (
        "set-up: the test command itself, which .ci/run runs (tests/test_docs.py checks it)"
    ),
    "bash bench/run.sh": "the benchmark: about 20 minutes, installs Debian packages",
    "python bench/snapshot_formats.py /tmp/gbastd-bench/data/cat_100000.toml": (
        "a benchmark of a catalogue of 100,000 entries that bench/run.sh generates"
    ),
    "git diff data/standards.toml": "git, not gbastd: the scratch directory is not a repository",
    "datasette gbastd.db": (
        "a server, not a dependency: tests/test_reports.py runs the facet and full-text queries "
        "on the exported database with sqlite3"
    ),
}

# Programs that README commands pipe into, and the Debian package that has each (.ci/run
# installs them); a command that needs a missing one is skipped.
TOOLS = {"jq": "jq", "mlr": "miller"}

SHELL_BLOCKS = {"bash", "sh", "shell", "console"}

# The lists the README imports are not in the repository. This one is the official list's rows
# (tests/data/official-list.csv) plus synthetic rows invented for this test: a new entry
# (WQ 1-263, which the walkthrough then edits), a code the catalogue lacks (WQ 1-229) and a
# title that differs from the catalogue's (WQ 1-10, a conflict).
SYNTHETIC_ROWS = (
    "4,WQ1-229,T/TEST 229-2025,龙舟活动中心建设规范,\n"
    "5,WQ1-263,T/TEST 263-2026,测试用新标准（合成数据）,测试标准促进会\n"
)


@dataclass(frozen=True)
class Example:
    """One command line of the README."""

    block: int  # line of the block's opening fence
    line: int
    command: str  # as typed, without its comment
    shown: str | None  # the output a console block shows after it


def _unquoted(text: str) -> Iterator[int]:
    """Indexes of the characters of a shell line that are neither quoted nor escaped."""
    quote = ""
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif quote:
            if char == quote:
                quote = ""
            elif char == "\\" and quote == '"':
                escaped = True
        elif char == "\\":
            escaped = True
        elif char in "'\"":
            quote = char
        else:
            yield index


def strip_comment(line: str) -> str:
    """The line without a shell comment (an unquoted # at the start or after a space)."""
    for index in _unquoted(line):
        if line[index] == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line.rstrip()


def programs(command: str) -> list[str]:
    """The program of each stage of a pipeline."""
    cuts = [i for i in _unquoted(command) if command[i] == "|"]
    stages = [command[a + 1 : b] for a, b in zip([-1, *cuts], [*cuts, len(command)], strict=True)]
    return [shlex.split(stage)[0] for stage in stages if stage.strip()]


def fenced_blocks(text: str) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """(line of the opening fence, language, numbered lines) of each fenced block."""
    blocks: list[tuple[int, str, list[tuple[int, str]]]] = []
    current: tuple[int, str, list[tuple[int, str]]] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if current is None:
            opening = re.match(r"```(\S*)\s*$", line)
            if opening:
                current = (number, opening.group(1), [])
        elif line.startswith("```"):
            blocks.append(current)
            current = None
        else:
            current[2].append((number, line))
    assert current is None, "README.md has an unclosed code block"
    return blocks


def _commands(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Lines of shell input with backslash continuations joined and comments removed."""
    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, line in lines:
        if pending is not None:
            number, line = pending[0], pending[1] + " " + line.lstrip()
            pending = None
        if line.endswith("\\"):
            pending = (number, line[:-1].rstrip())
            continue
        joined.append((number, strip_comment(line.strip())))
    return joined


def readme_lines(text: str) -> tuple[list[Example], list[str]]:
    """The gbastd commands of every block, and the other input lines of shell blocks."""
    examples: list[Example] = []
    others: list[str] = []
    for block, language, lines in fenced_blocks(text):
        if language == "console":
            prompts = [i for i, (_, line) in enumerate(lines) if line.startswith("$ ")]
            for i, end in zip(prompts, [*prompts[1:], len(lines)], strict=True):
                number, line = lines[i]
                command = strip_comment(line[2:].strip())
                shown = "".join(output + "\n" for _, output in lines[i + 1 : end])
                if command.startswith("gbastd "):
                    examples.append(Example(block, number, command, shown))
                else:
                    others.append(command)
            continue
        for number, command in _commands(lines):
            if command.startswith("gbastd "):
                examples.append(Example(block, number, command, None))
            elif command and language in SHELL_BLOCKS:
                others.append(command)
    return examples, others


EXAMPLES, OTHER_LINES = readme_lines(README.read_text(encoding="utf-8"))


def _broken_catalogue() -> str:
    """The catalogue with an empty title and a misspelt key: the README's my.toml."""
    head, *entries = CATALOGUE.read_text(encoding="utf-8").split("\n[[standard]]\n")
    entries[2] = re.sub(r'^title_zh = ".*"$', 'title_zh = ""', entries[2], count=1, flags=re.M)
    entries[3] = re.sub(r"^title_zh =", "titel_zh =", entries[3], count=1, flags=re.M)
    return "\n[[standard]]\n".join([head, *entries])


def prepare_checkout(directory: Path) -> None:
    """A maintainer's checkout: a copy of the catalogue, and the files the README reads."""
    (directory / "data").mkdir(parents=True)
    shutil.copyfile(CATALOGUE, directory / "data" / "standards.toml")
    shutil.copyfile(CATALOGUE, directory / "old.toml")  # the version before the commands ran
    official = (DATA / "official-list.csv").read_text(encoding="utf-8")
    listing = official.replace(",广式月饼,", ",广式月饼（合成数据）,") + SYNTHETIC_ROWS
    (directory / "list-2026.csv").write_text(listing, encoding="utf-8")
    # The walkthrough's notice: a Word-made PDF of synthetic test rows (tests/data/published).
    shutil.copyfile(DATA / "published" / "list-word.pdf", directory / "湾区标准清单-测试.pdf")
    (directory / "my.toml").write_text(_broken_catalogue(), encoding="utf-8")


@dataclass(frozen=True)
class Outcome:
    """What one README command did, or why it was not run."""

    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    skipped: str | None = None


class ReadmeRuns:
    """Runs each block's commands once, in README order, in that block's own checkout."""

    def __init__(self, base: Path) -> None:
        self.base = base
        bin_dir = Path(sys.executable).parent
        assert (bin_dir / "gbastd").exists(), f"gbastd is not installed in {bin_dir}"
        locale = ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE")  # English, as the README shows
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith("GBASTD_") and k not in locale
        }
        self.env.update(
            LANG="C.UTF-8",
            PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
            GBASTD_CACHE_DIR=str(base / "cache"),
            HOME=str(base / "home"),
            NO_COLOR="1",
        )
        self.outcomes: dict[int, dict[int, Outcome]] = {}

    def outcome(self, example: Example) -> Outcome:
        if example.block not in self.outcomes:
            self.outcomes[example.block] = self._run_block(example.block)
        return self.outcomes[example.block][example.line]

    def _run_block(self, block: int) -> dict[int, Outcome]:
        checkout = self.base / f"block-{block}"
        prepare_checkout(checkout)
        return {
            example.line: self._run(example.command, checkout)
            for example in EXAMPLES
            if example.block == block
        }

    def _run(self, command: str, checkout: Path) -> Outcome:
        for program in programs(command):
            if program in TOOLS and shutil.which(program, path=self.env["PATH"]) is None:
                package = TOOLS[program]
                return Outcome(skipped=f"needs {program} (Debian: {package}; .ci/run installs it)")
        done = subprocess.run(
            ["bash", "-c", command],
            cwd=checkout,
            env=self.env,
            capture_output=True,
            timeout=60,
            check=False,
        )
        return Outcome(
            done.returncode,
            done.stdout.decode("utf-8", "replace"),
            done.stderr.decode("utf-8", "replace"),
        )


@pytest.fixture(name="runs", scope="module")
def _runs(tmp_path_factory: pytest.TempPathFactory) -> ReadmeRuns:
    return ReadmeRuns(tmp_path_factory.mktemp("readme"))


@pytest.mark.parametrize(
    "example", EXAMPLES, ids=[f"README.md:{e.line} {e.command}" for e in EXAMPLES]
)
def test_readme_command(runs: ReadmeRuns, example: Example) -> None:
    """The command exits as the README says and prints what a console block shows."""
    outcome = runs.outcome(example)
    if outcome.skipped:
        pytest.skip(outcome.skipped)
    expected, _reason = EXPECTED_EXIT.get(example.command, (0, ""))
    report = f"{example.command}\nstdout:\n{outcome.stdout}\nstderr:\n{outcome.stderr}"
    assert outcome.returncode == expected, report
    assert "Traceback" not in outcome.stdout + outcome.stderr, report
    assert "internal error" not in outcome.stderr, report
    if expected == 0:
        assert "Error:" not in outcome.stderr, report
    if example.shown is not None:
        assert outcome.stdout == example.shown, report


def test_every_shell_line_is_run_or_excluded_with_a_reason() -> None:
    """No command of the README goes untested silently."""
    assert len(EXAMPLES) > 20
    assert sorted(OTHER_LINES) == sorted(NOT_RUN)


def test_every_expected_failure_is_a_readme_command() -> None:
    """The table of expected exit statuses names only commands the README shows."""
    assert set(EXPECTED_EXIT) <= {example.command for example in EXAMPLES}


def test_commands_are_read_as_a_shell_reads_them() -> None:
    """Comments end at an unquoted #; pipelines split at unquoted bars."""
    assert strip_comment('gbastd search "T/GBAS 6"   # ids # and codes') == (
        'gbastd search "T/GBAS 6"'
    )
    assert strip_comment("gbastd show 'a # b' x#y") == "gbastd show 'a # b' x#y"
    assert programs("gbastd list -f json | jq '.[] | .code' | head -3") == ["gbastd", "jq", "head"]
    examples, others = readme_lines(
        "```console\n$ gbastd list | head -1\ngba_id\n$ ls\n```\n"
        "```bash\ngbastd a \\\n  --b  # c\ncp x y\n```\n```text\ngbastd d\nout\n```\n"
    )
    assert [(e.line, e.command, e.shown) for e in examples] == [
        (2, "gbastd list | head -1", "gba_id\n"),
        (7, "gbastd a --b", None),
        (12, "gbastd d", None),
    ]
    assert others == ["ls", "cp x y"]

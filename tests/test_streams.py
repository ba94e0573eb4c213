"""The real process: pipes that close early, closed or full stdout, and a real terminal."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, edited_mini, run_gbastd

MINI = str(ROOT / "tests" / "data" / "mini.toml")


def run_in_terminal(
    *args: str, env: dict[str, str] | None = None, stderr: str | None = None
) -> tuple[int, str]:
    """Run gbastd on a pseudo-terminal (its stderr to the file ``stderr`` names, if given);
    return its exit code and what it drew."""
    child_env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "GBASTD_CATALOGUE"}}
    child_env.update({"COLUMNS": "100", "TERM": "xterm-256color", **(env or {})})
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child process
        if stderr is not None:
            os.dup2(os.open(stderr, os.O_WRONLY), 2)
        os.execve(sys.executable, [sys.executable, "-m", "gbastd", *args], child_env)
    return drawn(pid, fd)


def drawn(pid: int, fd: int) -> tuple[int, str]:
    """Read what the child ``pid`` draws on the terminal ``fd`` until it closes it; return
    its exit code and the text, line ends as a file has them."""
    output = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8").replace("\r\n", "\n")


def test_python_dash_m_runs_the_cli() -> None:
    """python -m gbastd is the same command."""
    result = run_gbastd("list", "-c", MINI, "-f", "csv", "-F", "code", "-n", "1")
    assert (result.returncode, result.stdout, result.stderr) == (0, b"code\nT/TEST 9-2022\n", b"")


def stream_env(unbuffered: bool, **extra: str) -> dict[str, str]:
    """The environment of a real run: buffered streams, or raw ones (PYTHONUNBUFFERED=1)."""
    env = {k: v for k, v in os.environ.items() if k not in {"GBASTD_CATALOGUE", "PYTHONUNBUFFERED"}}
    if unbuffered:
        env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


UNBUFFERED = pytest.mark.parametrize("unbuffered", [False, True], ids=["buffered", "unbuffered"])
HAS_DEV_FULL = pytest.mark.skipif(
    not Path("/dev/full").exists(), reason="this system has no /dev/full"
)
FULL_SENTENCE = b"Error: cannot write output: No space left on device.\n"


def run_with_stdout(stdout: int, *args: str, env: dict[str, str]) -> tuple[int, bytes]:
    """Run gbastd with the given descriptor as stdout; return its exit code and stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "gbastd", *args],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env=env,
        timeout=60,
        check=False,
    )
    return result.returncode, result.stderr


def run_into_closed_pipe(*args: str, env: dict[str, str]) -> tuple[int, bytes]:
    """Run gbastd with stdout a pipe whose reader is already gone; return code and stderr."""
    reader, writer = os.pipe()
    os.close(reader)
    try:
        return run_with_stdout(writer, *args, env=env)
    finally:
        os.close(writer)


def run_into_dev_full(*args: str, env: dict[str, str]) -> tuple[int, bytes]:
    """Run gbastd with stdout /dev/full (every write fails: no space); return code, stderr."""
    with open("/dev/full", "wb") as full:
        return run_with_stdout(full.fileno(), *args, env=env)


@UNBUFFERED
def test_reader_closing_the_pipe_is_quiet(unbuffered: bool) -> None:
    """When the reader has gone (head, less), gbastd stops silently with exit 141."""
    assert run_into_closed_pipe("list", "-c", MINI, env=stream_env(unbuffered)) == (141, b"")


@UNBUFFERED
def test_pipe_into_head_prints_no_traceback(unbuffered: bool) -> None:
    """gbastd list | head -1 prints the first line and nothing on stderr."""
    command = f"{sys.executable} -m gbastd list -c {MINI} | head -1"
    result = subprocess.run(
        ["sh", "-c", command],
        capture_output=True,
        env=stream_env(unbuffered),
        timeout=60,
        check=False,
    )
    assert (result.stdout, result.stderr) == (
        b"gba_id\tcode\ttitle_zh\tdomains\tlisted\tstatus\n",
        b"",
    )


@UNBUFFERED
def test_closed_stdout_is_one_sentence(unbuffered: bool) -> None:
    """gbastd list >&- says why it cannot write and exits 1."""
    command = f"{sys.executable} -m gbastd list -c {MINI} >&-"
    result = subprocess.run(
        ["sh", "-c", command],
        capture_output=True,
        env=stream_env(unbuffered),
        timeout=60,
        check=False,
    )
    assert (result.returncode, result.stderr) == (
        1,
        b"Error: cannot write output: standard output is closed.\n",
    )


@HAS_DEV_FULL
@UNBUFFERED
def test_full_disk_is_one_sentence(unbuffered: bool) -> None:
    """Writing to /dev/full reports the disk full and exits 1."""
    assert run_into_dev_full("list", "-c", MINI, env=stream_env(unbuffered)) == (
        1,
        FULL_SENTENCE,
    )


@HAS_DEV_FULL
@UNBUFFERED
@pytest.mark.parametrize("args", [("--help",), ("--version",), ("show", "--help")])
def test_help_and_version_into_a_full_disk_are_one_sentence(
    unbuffered: bool, args: tuple[str, ...]
) -> None:
    """click writes the help itself; a failed write of it is reported as any data's."""
    assert run_into_dev_full(*args, env=stream_env(unbuffered)) == (1, FULL_SENTENCE)


@UNBUFFERED
@pytest.mark.parametrize("args", [("--help",), ("--version",), ("show", "--help")])
def test_help_and_version_into_a_closed_pipe_are_quiet(
    unbuffered: bool, args: tuple[str, ...]
) -> None:
    """--help | (a reader that has gone) stops as quietly as data does: exit 141."""
    assert run_into_closed_pipe(*args, env=stream_env(unbuffered)) == (141, b"")


def test_terminal_gets_a_rich_table_with_colour() -> None:
    """On a terminal, list draws a table, colours statuses and notes the count on stderr."""
    code, screen = run_in_terminal("list", "-c", MINI)
    assert code == 0
    assert "─────" in screen
    assert "\x1b[32mcurrent" in screen  # green
    assert "4 standards. (— = unknown)" in screen
    assert "测试赛事志愿服务" in screen


def test_no_color_removes_colour_on_a_terminal() -> None:
    """NO_COLOR leaves a table without colour codes."""
    code, screen = run_in_terminal("list", "-c", MINI, env={"NO_COLOR": "1"})
    assert code == 0
    assert "current" in screen
    assert "\x1b[32m" not in screen and "\x1b[31m" not in screen


def test_show_on_a_terminal_says_unknown() -> None:
    """Values no source gives are shown as unknown, not left blank."""
    code, screen = run_in_terminal("show", "WQ 1-9", "-c", MINI)
    assert code == 0
    assert "Platform category" in screen and "unknown" in screen


def test_format_other_than_table_is_the_same_on_a_terminal() -> None:
    """Machine formats do not change when stdout is a terminal."""
    run_in_terminal("list", "-c", MINI)  # the first run would show its progress on stderr
    code, screen = run_in_terminal("list", "-c", MINI, "-f", "csv")
    assert code == 0
    assert screen.encode("utf-8") == (ROOT / "tests" / "golden" / "mini.csv").read_bytes()


def test_hostile_titles_cannot_drive_the_terminal(tmp_path: Path) -> None:
    """Escape sequences in a catalogue are shown escaped on a terminal, never obeyed."""
    hostile = edited_mini(
        tmp_path / "hostile.toml",
        ('title_zh = "测试米"', 'title_zh = "测试米\\u001b]0;pwned\\u0007\\u001b[2J"'),
    )
    code, screen = run_in_terminal("list", "-c", str(hostile), env={"COLUMNS": "200"})
    assert code == 0
    assert "\x1b]0;" not in screen and "\x1b[2J" not in screen
    assert "\\x1b]0;pwned\\x07\\x1b[2J" in screen


def test_first_run_after_a_change_shows_progress_on_a_terminal() -> None:
    """Parsing and validating a changed catalogue is announced on a terminal, then erased."""
    code, screen = run_in_terminal("list", "-c", MINI, env={"GBASTD_NO_CACHE": "1"})
    assert code == 0
    assert "gbastd: reading the changed catalogue" in screen
    assert "gbastd: validating 0 of 4 entries…\r\x1b[K" in screen


def test_no_progress_in_a_pipe(tmp_path: Path) -> None:
    """Off a terminal, a first run says nothing on stderr."""
    result = run_gbastd("list", "-c", MINI, env={"GBASTD_CACHE_DIR": str(tmp_path)})
    assert (result.returncode, result.stderr) == (0, b"")


def test_a_write_on_a_terminal_shows_what_changed(tmp_path: Path) -> None:
    """After a write, a person at a terminal sees the change (a pipe sees only the summary)."""
    copy = tmp_path / "cat.toml"
    copy.write_bytes(Path(MINI).read_bytes())
    code, screen = run_in_terminal("edit", "WQ1-9", "--set", "notes=看这里", "-c", str(copy))
    assert code == 0
    assert "~ WQ 1-9: notes: (none) → 看这里" in screen
    assert f"Wrote {copy}." in screen


def test_long_titles_fold_instead_of_being_cut(tmp_path: Path) -> None:
    """On a narrow terminal a long title wraps onto more lines; no character is dropped."""
    long_title = "粤港澳大湾区跨境数据流通与个人信息保护技术要求及测试评价方法"
    wide = edited_mini(tmp_path / "wide.toml", ("测试米", long_title))
    run_in_terminal("list", "-c", str(wide))  # the first run would show its progress
    code, screen = run_in_terminal("list", "-c", str(wide), env={"COLUMNS": "60", "NO_COLOR": "1"})
    assert code == 0
    assert "…" not in screen
    title_cells = "".join(character for character in screen if "\u4e00" <= character <= "\u9fff")
    assert long_title in title_cells


def test_empty_result_is_announced_on_a_terminal_only() -> None:
    """No match: a note on a terminal, exit 0 (the pipe case is in test_cli)."""
    run_in_terminal("list", "-c", MINI)  # the first run would show its progress
    code, screen = run_in_terminal("list", "-c", MINI, "--publisher", "nobody")
    assert (code, screen.strip()) == (0, "No standards match.")

"""What a person sees in a real terminal (a pseudo-terminal of a set size, no COLUMNS or LINES):
golden screens at 60, 80 and 120 columns, and the pager: tall tables page, short ones, pipes
and --no-pager do not, GBASTD_PAGER before PAGER before less, NO_COLOR honoured throughout."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from .conftest import DATA, GoldenCheck
from .test_streams import drawn

SCREENS = str(DATA / "screens.toml")  # 50 real entries of four domains; no status known
MINI = str(DATA / "mini.toml")
_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_COLOURS = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-8]|9[0-7])[;m]")


def run_on_screen(
    *args: str, columns: int, lines: int = 200, env: dict[str, str] | None = None
) -> tuple[int, str]:
    """Run gbastd on a pseudo-terminal of ``columns`` × ``lines`` cells, its size known only
    as a terminal's (no COLUMNS or LINES); return its exit code and everything it drew."""
    child_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"COLUMNS", "LINES", "NO_COLOR", "PAGER", "GBASTD_PAGER", "GBASTD_CATALOGUE"}
    }
    child_env.update({"TERM": "xterm-256color", **(env or {})})
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child process
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
        os.execve(sys.executable, [sys.executable, "-m", "gbastd", *args], child_env)
    return drawn(pid, fd)


def plain(screen: str) -> str:
    """The screen's text: style codes removed, a line returned over (the progress line of a
    first run, on stderr) as overwritten, trailing blanks of each line too."""
    lines = _ESCAPES.sub("", screen).split("\n")
    return "\n".join(line.rsplit("\r", 1)[-1].rstrip() for line in lines)


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_list_screens(columns: int, golden: GoldenCheck) -> None:
    """list on a real terminal at 60, 80 and 120 columns, exactly (reviewed by eye)."""
    code, screen = run_on_screen("list", "-c", SCREENS, columns=columns, env={"NO_COLOR": "1"})
    assert code == 0, screen
    assert not _COLOURS.search(screen)  # NO_COLOR: styles such as bold at most
    golden(f"screen-list-{columns}.txt", plain(screen).encode("utf-8"))


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_search_and_show_screens(columns: int, golden: GoldenCheck) -> None:
    """search with every field's table, and show, at 60, 80 and 120 columns."""
    env = {"NO_COLOR": "1"}
    drawn = [
        run_on_screen("search", "适老", "-c", SCREENS, columns=columns, env=env),
        run_on_screen("list", "-c", MINI, columns=columns, env=env),
        run_on_screen("show", "WQ1-9", "-c", SCREENS, columns=columns, env=env),
    ]
    assert all(code == 0 for code, _ in drawn), drawn
    screens = "\n".join(
        f"$ {name}\n{plain(screen)}"
        for name, (_, screen) in zip(
            ("search 适老", "list (mini)", "show WQ1-9"), drawn, strict=True
        )
    )
    golden(f"screen-more-{columns}.txt", screens.encode("utf-8"))


def table_lines(screen: str) -> list[str]:
    """The lines of a table's body: after the header's rule, before the count."""
    lines = plain(screen).split("\n")
    start = next(n for n, line in enumerate(lines) if line.startswith("──")) + 1
    count = re.compile(r"\d+ standards?\. ")  # the count line: 50 standards. (— = unknown)
    end = next((n for n, line in enumerate(lines) if n >= start and count.match(line)), None)
    return [line for line in lines[start:end] if line]


def test_at_80_columns_a_typical_entry_takes_one_line() -> None:
    """At 80 columns at least four entries in five take one line (the others have titles of
    more than 14 characters, or two tags, and fold between characters); ids, codes, tags and dates
    stand whole; the status column, unknown for every entry, is left out and said to be."""
    code, screen = run_on_screen("list", "-c", SCREENS, columns=80, env={"NO_COLOR": "1"})
    assert code == 0
    body = table_lines(screen)
    starts = [line for line in body if not line.startswith(" ")]
    assert len(starts) == 50
    assert len(body) <= 60, "\n".join(body)
    assert all(len(line) <= 80 for line in plain(screen).split("\n"))
    assert "status" not in plain(screen).split("\n")[0]
    assert "Status: unknown for every one" in screen
    text = plain(screen)
    for whole in ("T/GBAS 15-2022", "T/GRA 014-2025", "elderly-care", "2025-09-25", "WQ 1-16"):
        assert re.search(rf"(^|\s){re.escape(whole)}(,|\s|$)", text, re.M), whole


def test_at_60_columns_still_a_table_with_whole_values() -> None:
    """At 60 columns the default table still stands (no field: value blocks), its header on
    one line, codes, tags and dates whole."""
    code, screen = run_on_screen("list", "-c", SCREENS, columns=60, env={"NO_COLOR": "1"})
    text = plain(screen)
    assert code == 0
    assert text.split("\n")[0].split() == ["ID", "Code", "Title", "Domains", "Listed"]
    assert "ID:" not in text
    assert all(len(line) <= 60 for line in text.split("\n"))
    for whole in ("T/GBAS 15-2022", "elderly-care", "2025-09-25"):
        assert whole in text, whole


def test_colour_on_a_terminal_unless_no_color() -> None:
    """A status is coloured on a terminal, and not with NO_COLOR set."""
    _, coloured = run_on_screen("list", "-c", MINI, columns=100)
    _, colourless = run_on_screen("list", "-c", MINI, columns=100, env={"NO_COLOR": "1"})
    assert _COLOURS.search(coloured) and not _COLOURS.search(colourless)
    assert plain(coloured) == plain(colourless)


def test_fields_asked_for_are_shown_even_if_unknown() -> None:
    """--fields keeps a column unknown for every row: it was asked for."""
    args = ("list", "-c", SCREENS, "-F", "gba_id,status", "-n", "3")
    code, screen = run_on_screen(*args, columns=80, env={"NO_COLOR": "1"})
    assert code == 0
    assert plain(screen).split("\n")[0].split() == ["ID", "Status"]
    assert "unknown for every one" not in screen


# ------------------------------------------------------------------ the pager


def pager_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"NO_COLOR": "1", "GBASTD_PAGER": f"cat > {tmp_path / 'paged'}", **extra}


def test_a_tall_table_goes_through_the_pager(tmp_path: Path) -> None:
    """50 entries on a 24-line terminal: the pager receives the whole table, the screen only
    the count; colourless with NO_COLOR."""
    code, screen = run_on_screen(
        "list", "-c", SCREENS, columns=80, lines=24, env=pager_env(tmp_path)
    )
    assert code == 0
    paged = (tmp_path / "paged").read_text(encoding="utf-8")
    assert plain(paged).startswith("ID ") and "WQ 1-16" in paged
    assert len(table_lines(paged)) >= 50
    assert "WQ 1-16" not in screen and "50 standards." in screen
    assert not _COLOURS.search(paged)


def test_the_pager_is_told_the_text_is_utf8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """less reads UTF-8 whatever the locale (LESSCHARSET), unless the user set it otherwise."""
    monkeypatch.delenv("LESSCHARSET", raising=False)
    told = tmp_path / "told"
    for given, expected in ((None, "utf-8"), ("latin1", "latin1")):
        pager = f'printf "%s" "$LESSCHARSET" > {told}; cat > /dev/null'
        env = {"NO_COLOR": "1", "GBASTD_PAGER": pager, "LANG": "zh_TW.UTF-8"}
        if given is not None:
            env["LESSCHARSET"] = given
        code, _ = run_on_screen("list", "-c", SCREENS, columns=80, lines=24, env=env)
        assert code == 0 and told.read_text() == expected


@pytest.mark.parametrize("how", ["--no-pager", "short", "pipe"])
def test_no_pager_when_asked_short_or_piped(tmp_path: Path, how: str) -> None:
    """--no-pager prints a tall table; a table that fits is printed; a pipe is never paged."""
    env = pager_env(tmp_path)
    if how == "pipe":
        child = {k: v for k, v in os.environ.items() if k != "GBASTD_CATALOGUE"}
        done = subprocess.run(
            [sys.executable, "-m", "gbastd", "list", "-c", SCREENS],
            capture_output=True,
            env={**child, **env, "LINES": "5"},
            timeout=60,
            check=False,
        )
        assert done.returncode == 0 and done.stdout.count(b"\n") == 51
    elif how == "short":
        code, screen = run_on_screen("list", "-c", MINI, columns=80, lines=24, env=env)
        assert code == 0 and "WQ 1-10" in screen
    else:
        args = ("list", "-c", SCREENS, "--no-pager")
        code, screen = run_on_screen(*args, columns=80, lines=24, env=env)
        assert code == 0 and "WQ 1-16" in screen
    assert not (tmp_path / "paged").exists()


def test_gbastd_pager_then_pager(tmp_path: Path) -> None:
    """GBASTD_PAGER wins over PAGER; PAGER serves when GBASTD_PAGER is not set; an empty one
    means no pager."""
    mine, theirs = tmp_path / "mine", tmp_path / "theirs"
    both = {"GBASTD_PAGER": f"cat > {mine}", "PAGER": f"cat > {theirs}", "NO_COLOR": "1"}
    run_on_screen("show", "WQ1-9", "-c", SCREENS, columns=60, lines=10, env=both)
    assert mine.exists() and not theirs.exists()
    mine.unlink()
    run_on_screen("domains", "-c", SCREENS, columns=60, lines=5, env={"PAGER": f"cat > {theirs}"})
    assert theirs.exists() and not mine.exists()
    theirs.unlink()
    code, screen = run_on_screen(
        "stats",
        "-c",
        SCREENS,
        columns=60,
        lines=5,
        env={"GBASTD_PAGER": "", "PAGER": f"cat > {theirs}"},
    )
    assert code == 0 and "Domain" in screen and not theirs.exists()


def test_less_is_the_default_pager_and_colours_reach_it(tmp_path: Path) -> None:
    """With neither variable set, `less -FRX` is run (here a stand-in that records its
    arguments and input), and, without NO_COLOR, the table's colours reach it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    less = bin_dir / "less"
    less.write_text(f'#!/bin/sh\necho "$@" > {tmp_path / "args"}\ncat > {tmp_path / "paged"}\n')
    less.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    code, _ = run_on_screen("list", "-c", MINI, columns=80, lines=5, env=env)
    assert code == 0
    assert (tmp_path / "args").read_text() == "-FRX\n"
    paged = (tmp_path / "paged").read_text(encoding="utf-8")
    assert "WQ 1-10" in paged and _COLOURS.search(paged)


def test_a_missing_pager_prints_the_table_instead(tmp_path: Path) -> None:
    """A pager the shell cannot find: the table is printed after all (and the shell says
    why on the terminal)."""
    env = {"GBASTD_PAGER": "no-such-pager-gbastd", "NO_COLOR": "1"}
    code, screen = run_on_screen("list", "-c", SCREENS, columns=80, lines=24, env=env)
    assert code == 0 and "WQ 1-16" in screen

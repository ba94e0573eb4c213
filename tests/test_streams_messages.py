"""Messages on stderr: they never decide the exit code, and never carry raw control
characters from a catalogue or an argument to the terminal."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from gbastd import cli

from .conftest import DATA, GOLDEN, edited_mini
from .test_streams import HAS_DEV_FULL, UNBUFFERED, run_in_terminal, stream_env

MINI = str(DATA / "mini.toml")
STDERR_GONE = pytest.mark.parametrize("stderr", ["2>&-", "2>/dev/full"], ids=["closed", "full"])


def run_sh(
    command: str, *, unbuffered: bool, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ``gbastd ARGS`` (written as ``gbastd`` in ``command``) through sh, as a user would."""
    return subprocess.run(
        ["sh", "-c", command.replace("gbastd", f"{sys.executable} -m gbastd", 1)],
        capture_output=True,
        env=stream_env(unbuffered),
        cwd=cwd,
        timeout=60,
        check=False,
    )


def _skip_without_dev_full(stderr: str) -> None:
    if "/dev/full" in stderr and not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full")


# ------------------------------------------------------------------ the exit code is the data's


@STDERR_GONE
@UNBUFFERED
def test_a_write_succeeds_with_stderr_closed_or_full(
    tmp_path: Path, stderr: str, unbuffered: bool
) -> None:
    """add writes the entry and exits 0 though "Wrote …" cannot be said."""
    _skip_without_dev_full(stderr)
    copy = tmp_path / "cat.toml"
    copy.write_bytes(Path(MINI).read_bytes())
    result = run_sh(
        f"gbastd add --title-zh 新增条目 --domain food --source https://example.org/new "
        f"-c {copy} {stderr}",
        unbuffered=unbuffered,
    )
    assert (result.returncode, result.stdout) == (0, b"")
    assert 'title_zh = "新增条目"' in copy.read_text(encoding="utf-8")


@STDERR_GONE
@UNBUFFERED
def test_an_export_to_a_file_succeeds_with_stderr_closed_or_full(
    tmp_path: Path, stderr: str, unbuffered: bool
) -> None:
    """export -o writes the file and exits 0 though its summary is lost."""
    _skip_without_dev_full(stderr)
    out = tmp_path / "out.csv"
    result = run_sh(f"gbastd export -c {MINI} -o {out} {stderr}", unbuffered=unbuffered)
    assert result.returncode == 0
    assert out.read_bytes() == (GOLDEN / "mini.csv").read_bytes()


@STDERR_GONE
@UNBUFFERED
def test_errors_keep_their_codes_with_stderr_closed_or_full(stderr: str, unbuffered: bool) -> None:
    """A real error still decides: not found is 1, a usage error 2, data alone 0."""
    _skip_without_dev_full(stderr)
    found = run_sh(f"gbastd show 测试米 -c {MINI} -f csv -F code {stderr}", unbuffered=unbuffered)
    missing = run_sh(f"gbastd show nothing-like-it -c {MINI} {stderr}", unbuffered=unbuffered)
    usage = run_sh(f"gbastd list --no-such-option {stderr}", unbuffered=unbuffered)
    assert (found.returncode, found.stdout) == (0, b"code\nT/TEST 9-2022\n")
    assert (missing.returncode, usage.returncode) == (1, 2)


@HAS_DEV_FULL
def test_a_terminal_note_into_a_full_stderr_changes_nothing() -> None:
    """On a terminal with stderr full, list draws its table, loses its note, exits 0."""
    code, screen = run_in_terminal("list", "-c", MINI, stderr="/dev/full")
    assert code == 0
    assert "测试赛事志愿服务" in screen
    assert "4 standards." not in screen


# ------------------------------------------------------------------ nothing raw in messages

# Stored text may not hold format characters (a bidi override is refused on load), so the
# title carries control characters; U+202E reaches messages through a key name below.
HOSTILE_TITLE = "测试赛事志愿服务\x1b]0;pwned\x07[/x]"
RAW = (b"\x1b", b"\x07", "\u202e".encode())
ESCAPED = "测试赛事志愿服务\\x1b]0;pwned\\x07[/x]".encode()


# The last entry (known by its title alone) gets a title that would retitle the window and
# reverse the text, ending in rich markup.
HOSTILE_EDIT = (
    'title_zh = "测试赛事志愿服务"',
    'title_zh = "测试赛事志愿服务\\u001b]0;pwned\\u0007[/x]"',
)


@pytest.fixture(name="hostile")
def _hostile(tmp_path: Path) -> Path:
    return edited_mini(tmp_path / "hostile.toml", HOSTILE_EDIT)


@pytest.fixture(name="broken")
def _broken(tmp_path: Path) -> Path:
    """The hostile entry with a bad value and an unknown key that holds an escape."""
    return edited_mini(
        tmp_path / "broken.toml",
        HOSTILE_EDIT,
        (
            'publisher = "测试体育协会"',
            'publisher = "测试体育协会"\nbatch = 0\n"odd\\u001b[2Jkey\\u202e" = 1',
        ),
    )


def assert_nothing_raw(*outputs: bytes) -> None:
    for output in outputs:
        for raw in RAW:
            assert raw not in output
        assert b"MarkupError" not in output and b"internal error" not in output


def test_a_suggestion_is_shown_escaped(hostile: Path) -> None:
    """Did you mean: … names the hostile title escaped."""
    result = run_sh(f"gbastd show 测试赛事 -c {hostile}", unbuffered=False)
    assert result.returncode == 1
    assert_nothing_raw(result.stdout, result.stderr)
    assert b"Did you mean: " + ESCAPED + b"?" in result.stderr


def test_a_near_miss_in_markup_form_is_plain_text(hostile: Path) -> None:
    """A key that reads as rich markup ([/x]) is text in the message, and rich never sees it."""
    result = run_sh(f"gbastd show '[/x]' -c {hostile}", unbuffered=False)
    assert result.returncode == 1
    assert_nothing_raw(result.stdout, result.stderr)
    assert result.stderr.startswith(b"Error: No standard matches '[/x]'.")


def test_a_key_two_entries_answer_to_is_reported_escaped(tmp_path: Path) -> None:
    """A hostile entry whose English title is another entry's code makes the catalogue
    invalid (a key must name one entry); the report names it escaped."""
    clash = edited_mini(
        tmp_path / "clash.toml",
        (HOSTILE_EDIT[0], HOSTILE_EDIT[1] + '\ntitle_en = "T/TEST 3-2024"'),
    )
    result = run_sh(f"gbastd show 'T/TEST 3-2024' -c {clash}", unbuffered=False)
    assert result.returncode == 1
    assert_nothing_raw(result.stdout, result.stderr)
    assert b"has it as its code" in result.stderr
    assert ESCAPED in result.stderr


def test_an_invalid_catalogue_report_is_escaped_line_by_line(broken: Path) -> None:
    """The report names the entry by its title and the unknown key, escaped; one problem a
    line, indented, as before."""
    result = run_sh(f"gbastd list -c {broken}", unbuffered=False)
    assert result.returncode == 1
    assert_nothing_raw(result.stdout, result.stderr)
    lines = result.stderr.decode("utf-8").splitlines()
    assert lines[0] == f"Error: {broken}: not a valid catalogue (2 problems):"
    assert len(lines) == 3 and all(line.startswith(f"  {broken}:") for line in lines[1:])
    assert ESCAPED.decode() in lines[1] and "odd\\x1b[2Jkey\\u202e" in lines[2]


def test_validate_lists_problems_escaped(broken: Path) -> None:
    """validate's problem lines on stdout are escaped, one line per problem."""
    result = run_sh(f"gbastd validate {broken}", unbuffered=False)
    assert result.returncode == 1
    assert_nothing_raw(result.stdout, result.stderr)
    lines = result.stdout.decode("utf-8").splitlines()
    assert len(lines) == 2
    assert all(ESCAPED.decode() in line for line in lines)
    assert result.stderr == f"Error: {broken}: not a valid catalogue (2 problems).\n".encode()


def test_import_conflicts_are_escaped(tmp_path: Path, hostile: Path) -> None:
    """A conflict line quotes the list's value and the catalogue's; neither goes out raw."""
    sheet = tmp_path / "list.csv"
    sheet.write_text(f"title_zh,publisher\n{HOSTILE_TITLE},另一个协会\n", encoding="utf-8")
    result = run_sh(f"gbastd import {sheet} -c {hostile} --dry-run", unbuffered=False)
    assert result.returncode == 0, result.stderr
    assert_nothing_raw(result.stdout, result.stderr)
    assert b"Conflict: " + ESCAPED + b": publisher: " in result.stderr


def test_data_formats_keep_the_data_exact(hostile: Path) -> None:
    """Off a terminal, CSV carries the title byte for byte and JSON escapes it losslessly."""
    csv = run_sh(f"gbastd export -c {hostile} -f csv -F title_zh", unbuffered=False)
    data = run_sh(f"gbastd export -c {hostile} -f json -F title_zh", unbuffered=False)
    assert (csv.returncode, data.returncode) == (0, 0)
    assert HOSTILE_TITLE.encode() in csv.stdout
    assert HOSTILE_TITLE in [entry["title_zh"] for entry in json.loads(data.stdout)]


@pytest.mark.parametrize(("key", "code"), [(HOSTILE_TITLE, 0), ("测试赛事", 1)])
def test_a_hostile_title_on_a_terminal(hostile: Path, key: str, code: int) -> None:
    """On a terminal (stdout and stderr), the record's heading and a suggestion show the
    title escaped, its markup as written."""
    run_in_terminal("list", "-c", str(hostile))  # the first run would show its progress
    exit_code, screen = run_in_terminal("show", key, "-c", str(hostile), env={"NO_COLOR": "1"})
    assert exit_code == code
    assert "\x07" not in screen and "\u202e" not in screen and "\x1b]0;" not in screen
    assert ESCAPED.decode() in screen and "MarkupError" not in screen


def test_plain_strings_given_to_rich_are_text_not_markup(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """_print shows a plain string as written: markup-like brackets stay, controls escaped."""
    cli._print("[/x] [bold]not bold[/bold] \x1b]0;pwned\x07")
    assert capsys.readouterr().out == "[/x] [bold]not bold[/bold] \\x1b]0;pwned\\x07\n"

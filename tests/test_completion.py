"""Shell completion: the values offered, the scripts, and Tab pressed in real shells.

The values are tested on their own (completion.py), through the protocol the scripts speak
(the installed command run with the variables a script sets), and as a person meets them: the
script printed by ``--show-completion`` sourced in an interactive bash or zsh in a pty, Tab
sent, the command line read back; fish through its own ``complete -C``. Every run reads the
mini catalogue (by $GBASTD_CATALOGUE) from an isolated cache that holds its snapshot, in a
directory that also holds file names a broken completion would offer (``zz.lock``).
"""

from __future__ import annotations

import os
import pty
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from gbastd import catalogue, completion, i18n
from gbastd.fields import FIELDS

from .conftest import DATA, run_gbastd

BIN = Path(sys.executable).parent  # where the installed gbastd entry point is


@pytest.fixture(name="place")
def _place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with a copy of the mini catalogue (named by $GBASTD_CATALOGUE,
    its snapshot made) and files that only file-name completion would offer."""
    mini = tmp_path / "mini.toml"
    shutil.copyfile(DATA / "mini.toml", mini)
    (tmp_path / "zz.lock").write_text("")
    (tmp_path / "food.txt").write_text("")
    monkeypatch.setenv("GBASTD_CATALOGUE", str(mini))
    monkeypatch.setenv("PATH", f"{BIN}{os.pathsep}{os.environ['PATH']}")
    catalogue.load(mini)  # writes the snapshot that completion reads
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ------------------------------------------------------------------ the values


def test_field_names_after_a_comma_too() -> None:
    """--fields offers field names, after the names already given, without repeating them."""
    assert [value for value, _ in completion.fields("")] == list(FIELDS)
    assert [value for value, _ in completion.fields("gba_id,ti")] == [
        "gba_id,title_zh",
        "gba_id,title_zh_hant",
        "gba_id,title_en",
    ]
    assert [value for value, _ in completion.fields("code,co")] == []
    assert completion.field("gba") == [("gba_id", "湾区标准识别号 · GBA identifier")]


def test_domains_with_their_labels(place: Path) -> None:
    """--domain offers the declared tags, labelled, after a comma too."""
    assert completion.domains(None, "") == [
        ("food", "食品 · Food"),
        ("data", "数据 · Data"),
        ("sports", "体育 · Sports"),
    ]
    assert [value for value, _ in completion.domains(None, "food,")] == ["food,data", "food,sports"]
    assert completion.domains(None, "zz") == []


def test_keys_by_prefix_as_stored(place: Path) -> None:
    """show offers the ids and codes starting with what is typed, as stored, with titles."""
    assert completion.keys(None, "WQ 1-") == [("WQ 1-10", "测试龙舟数据规范"), ("WQ 1-9", "测试米")]
    assert completion.keys(None, "T/TEST 3") == [("T/TEST 3-2024", "测试养老食品")]
    offered = [value for value, _ in completion.keys(None, "")]
    assert sorted(offered) == [
        "T/TEST 10-2022",
        "T/TEST 3-2024",
        "T/TEST 9-2022",
        "WQ 1-10",
        "WQ 1-9",
    ]


def test_keys_are_capped(place: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No more than MAX_OFFERED keys are offered, however many match."""
    monkeypatch.setattr(completion, "MAX_OFFERED", 2)
    assert len(completion.keys(None, "")) == 2


def test_nothing_without_a_snapshot(tmp_path: Path) -> None:
    """A catalogue not read since it changed offers no keys or tags: completion never parses."""
    fresh = tmp_path / "fresh.toml"
    shutil.copyfile(DATA / "mini.toml", fresh)
    with fresh.open("a") as changed:
        changed.write("\n# changed\n")
    assert (completion.keys(fresh, ""), completion.domains(fresh, "")) == ([], [])
    assert completion.keys(tmp_path / "missing.toml", "") == []


def test_bash_values_are_quoted() -> None:
    """A value with a space or a slash reaches bash escaped, as a person would type it."""
    assert completion.formatted("bash", "plain", "T/TEST 3-2024", "x") == r"plain,T/TEST\ 3-2024"
    assert completion.formatted("zsh", "plain", "a:b", "x y") == "plain\na\\:b\nx y"
    assert completion.formatted("fish", "plain", "WQ 1-9", "测试米") == "plain,WQ 1-9\t测试米"


# ------------------------------------------------------------------ through the protocol


def _bash_protocol(*words: str) -> list[str]:
    """What the installed command answers bash's script for ``words`` (the last one being
    completed): one ``kind,value`` a line."""
    env = {"_GBASTD_COMPLETE": "complete_bash", "COMP_WORDS": " ".join(("gbastd", *words))}
    env["COMP_CWORD"] = str(len(words))
    env["GBASTD_CATALOGUE"] = os.environ["GBASTD_CATALOGUE"]
    result = run_gbastd(env=env)
    assert (result.returncode, result.stderr) == (0, b""), result.stderr
    return [line for line in result.stdout.decode().splitlines() if line]


@pytest.mark.parametrize(
    ("words", "offered"),
    [
        (["list", "--domain", ""], ["plain,food", "plain,data", "plain,sports"]),
        (["list", "-d", "s"], ["plain,sports"]),
        (["export", "--domain", "zz"], []),  # nothing, not file names
        (["search", "x", "--domain", "food,d"], ["plain,food,data"]),
        (["import", "f.csv", "--domain", "sp"], ["plain,sports"]),
        (["add", "--domain", "da"], ["plain,data"]),
        (["list", "--fields", "code,title_e"], ["plain,code,title_en"]),
        (["show", "-F", "gba"], ["plain,gba_id"]),
        (["list", "--sort", "lis"], ["plain,listed"]),
        (["list", "--status", "u"], ["plain,upcoming", "plain,unknown"]),
        (["show", "T/TEST\\ 9"], [r"plain,T/TEST\ 9-2022"]),
        (["show", "WQ"], [r"plain,WQ\ 1-10", r"plain,WQ\ 1-9"]),
        (["edit", "T/TEST\\ 1"], [r"plain,T/TEST\ 10-2022"]),
        (["remove", "WQ\\ 1-1"], [r"plain,WQ\ 1-10"]),
        (["list", "--catalogue", "mi"], ["file,mi"]),  # the shell's own file names
        (["import", "mi"], ["file,mi"]),
    ],
)
def test_bash_protocol(place: Path, words: list[str], offered: list[str]) -> None:
    """Each value is offered where it belongs; file names only where a path is wanted."""
    assert _bash_protocol(*words) == offered


def test_keys_of_the_catalogue_named_on_the_line(place: Path, tmp_path: Path) -> None:
    """show -c FILE KEY<Tab> offers the keys of FILE, not those of $GBASTD_CATALOGUE."""
    env = {"GBASTD_CATALOGUE": ""}
    empty = run_gbastd(
        env={
            **env,
            "_GBASTD_COMPLETE": "complete_bash",
            "COMP_WORDS": "gbastd show T/",
            "COMP_CWORD": "2",
        }
    )
    assert empty.stdout.strip() == b""  # the embedded catalogue has no T/TEST codes
    named = run_gbastd(
        env={
            **env,
            "_GBASTD_COMPLETE": "complete_bash",
            "COMP_WORDS": f"gbastd show -c {place / 'mini.toml'} T/TEST\\ 3",
            "COMP_CWORD": "4",
        }
    )
    assert named.stdout == b"plain,T/TEST\\ 3-2024\n"


# ------------------------------------------------------------------ the scripts


@pytest.mark.parametrize("shell", completion.SHELLS)
def test_show_completion_prints_the_named_shells_script(shell: str) -> None:
    """--show-completion SHELL prints that shell's script, whatever shell runs gbastd."""
    result = run_gbastd("--show-completion", shell, env={"SHELL": "/bin/bash"})
    assert (result.returncode, result.stderr) == (0, b"")
    assert result.stdout.decode() == completion.script(shell)
    assert f"complete_{shell}" in completion.script(shell)


def test_an_unknown_shell_is_a_usage_error() -> None:
    """--show-completion with a shell gbastd has no script for is refused, exit 2."""
    result = run_gbastd("--show-completion", "csh")
    assert result.returncode == 2
    assert result.stdout == b""
    assert result.stderr.decode().endswith(
        "Error: Invalid value for '--show-completion': 'csh' is not one of 'bash', 'zsh', 'fish'.\n"
    )


def test_install_completion_writes_the_script_once(tmp_path: Path) -> None:
    """--install-completion bash writes the script and one line in ~/.bashrc, however often."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".bashrc").write_text("alias ll='ls -l'")
    for _ in range(2):
        result = run_gbastd("--install-completion", "bash", env={"HOME": str(home)})
        assert result.returncode == 0, result.stderr
        assert result.stdout == b""
    script = home / ".bash_completions" / "gbastd.sh"
    assert result.stderr.decode() == (
        f"bash completion installed in {script}; it takes effect in a new shell.\n"
    )
    assert script.read_text() == completion.script("bash")
    assert (home / ".bashrc").read_text() == (
        "alias ll='ls -l'\nsource ~/.bash_completions/gbastd.sh\n"
    )


# ------------------------------------------------------------------ Tab in real shells

_ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|[\x07\r]")


def _typed(argv: list[str], setup: str, keys: str) -> str:
    """Start ``argv`` (an interactive shell) in a pty, run ``setup``, type ``keys`` (Tabs
    included) and return what the terminal shows after them, escape sequences dropped."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the shell, with the test's environment
        os.execvp(argv[0], argv)

    def read(*, until: bytes = b"", quiet: float = 0.8, limit: float = 30) -> bytes:
        seen, start, last = b"", time.monotonic(), time.monotonic()
        while time.monotonic() - start < limit:
            if until and until in seen:
                break
            if not until and time.monotonic() - last > quiet:
                break
            if select.select([fd], [], [], 0.05)[0]:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                seen, last = seen + chunk, time.monotonic()
        return seen

    try:
        # The marker is printed only once setup has run: typed, it reads READ""Y.
        os.write(fd, f'{setup}; echo READ""Y\n'.encode())
        read(until=b"READY\r\n")
        read(quiet=0.3)  # the prompt
        os.write(fd, keys.encode())
        return _ESCAPES.sub(b"", read()).decode()
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        os.close(fd)


def _bash(keys: str) -> str:
    return _typed(
        ["bash", "--norc", "--noprofile", "-i"],
        "PS1='$ '; source <(gbastd --show-completion bash)",
        keys,
    )


def _zsh(keys: str) -> str:
    return _typed(
        ["zsh", "-f", "-i"],
        "PS1='$ '; autoload -Uz compinit && compinit -u; source <(gbastd --show-completion zsh)",
        keys,
    )


SHELLS_TYPED = [pytest.param(_bash, id="bash")]
SHELLS_TYPED.append(
    pytest.param(
        _zsh,
        id="zsh",
        marks=pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed"),
    )
)


@pytest.fixture(name="terminal")
def _terminal(place: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.setenv("COLUMNS", "200")
    return place


@pytest.mark.parametrize("shell", SHELLS_TYPED)
@pytest.mark.parametrize(
    ("keys", "line"),
    [
        ("gbastd list --domain fo\t", "gbastd list --domain food "),
        ("gbastd list --domain zz\t", "gbastd list --domain zz"),  # not zz.lock
        ("gbastd list -F gba_id,tit\t", "gbastd list -F gba_id,title_"),
        ("gbastd show T/TEST\\ 3\t", "gbastd show T/TEST\\ 3-2024 "),
        ("gbastd show T/TEST\t", "gbastd show T/TEST\\ "),
        ("gbastd list -c min\t", "gbastd list -c mini.toml "),
        ("gbastd list --sta\t", "gbastd list --status "),
        ("gbastd list --status w\t", "gbastd list --status withdrawn "),
        ("gbastd show --lang zh-Han\t", "gbastd show --lang zh-Han"),
        ("gbastd show --lang e\t", "gbastd show --lang en "),
    ],
)
def test_tab_completes_the_line(terminal: Path, shell: object, keys: str, line: str) -> None:
    """Tab in a real shell completes the word to what gbastd offers, and no further."""
    assert callable(shell)
    screen = shell(keys)
    assert screen.rstrip("\n").splitlines()[-1].split("$ ")[-1] == line, screen


@pytest.mark.parametrize("shell", SHELLS_TYPED)
def test_tab_tab_lists_tags_not_files(terminal: Path, shell: object) -> None:
    """--domain <Tab><Tab> lists the declared tags and no file of the directory."""
    assert callable(shell)
    screen = shell("gbastd list --domain \t\t")
    assert all(tag in screen for tag in ("food", "data", "sports")), screen
    assert "zz.lock" not in screen and "food.txt" not in screen and "mini.toml" not in screen


@pytest.mark.skipif(shutil.which("zsh") is None, reason="zsh is not installed")
def test_zsh_shows_labels(terminal: Path) -> None:
    """zsh lists each tag with its labels beside it."""
    screen = _zsh("gbastd list --domain \t")
    assert re.search(r"food\s+-- 食品 · Food", screen), screen


@pytest.mark.skipif(shutil.which("fish") is None, reason="fish is not installed")
@pytest.mark.parametrize(
    ("line", "offered"),
    [
        (
            "gbastd list --domain ",
            ["data\t数据 · Data", "food\t食品 · Food", "sports\t体育 · Sports"],  # fish sorts
        ),
        ("gbastd list --domain zz", []),  # not zz.lock
        ("gbastd list -F gba_id,title_e", ["gba_id,title_en\t英文名称 · Title (English)"]),
        ("gbastd show T/TEST\\ 3", ["T/TEST 3-2024\t测试养老食品"]),
        ("gbastd list -c mini", ["mini.toml"]),
    ],
)
def test_fish_completes(place: Path, line: str, offered: list[str]) -> None:
    """fish's own completion (complete -C) offers gbastd's values, with their descriptions."""
    script = "gbastd --show-completion fish | source; complete -C" + _fish_quoted(line)
    result = subprocess.run(
        ["fish", "--no-config", "-c", script], capture_output=True, timeout=60, check=False
    )
    assert (result.returncode, result.stderr) == (0, b""), result.stderr
    assert result.stdout.decode().splitlines() == offered


def _fish_quoted(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def test_descriptions_in_the_script_of_the_run(place: Path) -> None:
    """zsh and fish describe a value by its Chinese label in the run's script, then English."""
    try:
        i18n.use(i18n.TRADITIONAL)
        assert completion.domains(None, "da") == [("data", "數據 · Data")]
        assert completion.field("gba") == [("gba_id", "灣區標準識別號 · GBA identifier")]
    finally:
        i18n.use(i18n.ENGLISH)
    assert completion.domains(None, "da") == [("data", "数据 · Data")]

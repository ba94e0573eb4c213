"""Shell completion: the scripts bash, zsh and fish source, and the values they are offered.

A shell runs ``gbastd`` with ``_GBASTD_COMPLETE=complete_SHELL`` and the words typed so far;
click (in ``cli.py``) finds what is being completed, and this module answers: option and
command names come from click, values from here. Each candidate reaches the script as a
``kind`` and a value: ``plain`` values are offered as they are (quoted for bash here, by the
shell itself in zsh and fish), and ``file`` asks the shell for its own file-name completion,
which only an option or argument taking a path gets. Where nothing matches, nothing is offered:
a mistyped tag does not turn into file names.

Values are read from the catalogue's snapshot only (``catalogue.load_unchanged``), never by
parsing it, so a Tab costs what a piped ``show`` costs; a catalogue without a snapshot (new or
changed since its last use) offers no keys or tags until a command has read it once.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from enum import StrEnum

from gbastd import catalogue, i18n, query, text
from gbastd.errors import GbastdError
from gbastd.fields import BY_NAME, FIELDS
from gbastd.records import Catalogue


class Shell(StrEnum):
    """A shell gbastd completes in."""

    BASH = "bash"
    ZSH = "zsh"
    FISH = "fish"


SHELLS = tuple(str(shell) for shell in Shell)

MAX_OFFERED = 100
"""At most this many keys are offered: past it a list helps nobody, and a catalogue of 100,000
entries must not be decoded to fill one."""
_MAX_SCANNED = 5_000  # lookup keys looked at for one prefix (titles share the index with ids)

PLAIN = "plain"
FILE = "file"

# The scripts are click's own (8.x), renamed for gbastd, with three fixes: bash reads values
# with `read -r` and adds them quoted (a code holds a slash and a space, a list a comma), fish
# splits a line at its first comma only, and an empty answer offers nothing (typer's scripts
# fall back to file names for every option).
_SCRIPTS = {
    "bash": """\
_gbastd_completion() {
    local IFS=$'\\n'
    local response line kind value
    response=$(env COMP_WORDS="${COMP_WORDS[*]}" COMP_CWORD=$COMP_CWORD \\
        _GBASTD_COMPLETE=complete_bash "$1")
    COMPREPLY=()
    for line in $response; do
        IFS=',' read -r kind value <<< "$line"
        if [[ $kind == file ]]; then
            compopt -o default
        elif [[ $kind == plain ]]; then
            COMPREPLY+=("$value")
        fi
    done
    return 0
}

complete -o nosort -F _gbastd_completion gbastd
""",
    "zsh": """\
#compdef gbastd

_gbastd_completion() {
    local -a completions completions_with_descriptions response
    (( ! $+commands[gbastd] )) && return 1
    response=("${(@f)$(env COMP_WORDS="${words[*]}" COMP_CWORD=$((CURRENT-1)) \\
        _GBASTD_COMPLETE=complete_zsh gbastd)}")
    for kind key descr in ${response}; do
        if [[ $kind == plain ]]; then
            if [[ $descr == _ ]]; then
                completions+=("$key")
            else
                completions_with_descriptions+=("$key:$descr")
            fi
        elif [[ $kind == file ]]; then
            _path_files -f
        fi
    done
    if [ -n "$completions_with_descriptions" ]; then
        _describe -V unsorted completions_with_descriptions -U
    fi
    if [ -n "$completions" ]; then
        compadd -U -V unsorted -a completions
    fi
}

if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _gbastd_completion "$@"
else
    compdef _gbastd_completion gbastd
fi
""",
    "fish": """\
function _gbastd_completion
    set -l response (env _GBASTD_COMPLETE=complete_fish COMP_WORDS=(commandline -cp) \\
        COMP_CWORD=(commandline -t) gbastd)
    for completion in $response
        set -l metadata (string split -m 1 "," -- $completion)
        if test "$metadata[1]" = file
            __fish_complete_path $metadata[2]
        else if test "$metadata[1]" = plain
            echo $metadata[2]
        end
    end
end

complete --no-files --command gbastd --arguments "(_gbastd_completion)"
""",
}


def script(shell: str) -> str:
    """The completion script ``shell`` sources (one of ``SHELLS``)."""
    return _SCRIPTS[shell]


# Where ``--install-completion`` puts each script, under the home directory, and the line (if
# any) that the shell's start-up file needs to read it.
INSTALL_PATHS = {
    "bash": (".bash_completions/gbastd.sh", ".bashrc", "source ~/.bash_completions/gbastd.sh"),
    "zsh": (".zfunc/_gbastd", ".zshrc", "fpath+=~/.zfunc; autoload -Uz compinit; compinit"),
    "fish": (".config/fish/completions/gbastd.fish", None, None),
}


# ------------------------------------------------------------------ what a shell is sent

_BASH_SPECIAL = re.compile(r"""([\s"'\\$`<>|&;()*?\[\]{}!#~^])""")


def _escaped(special: re.Match[str]) -> str:
    return "\\" + special[1]


def formatted(shell: str, kind: str, value: str, help_text: str | None) -> str:
    """One candidate as ``shell``'s script reads it."""
    help_text = " ".join(help_text.split()) if help_text else None
    if shell == "bash":
        return f"{kind},{_BASH_SPECIAL.sub(_escaped, value)}"
    if shell == "zsh":
        # _describe splits a value from its description at the first unescaped colon; compadd
        # (values without one) takes the value as it is. An empty line would be dropped.
        shown = value.replace(":", r"\:") if help_text else value
        return f"{kind}\n{shown or '-'}\n{help_text or '_'}"
    return f"{kind},{value}\t{help_text}" if help_text else f"{kind},{value}"


# ------------------------------------------------------------------ values


def _snapshot(path: str | os.PathLike[str] | None) -> Catalogue | None:
    """The catalogue at ``path`` (else $GBASTD_CATALOGUE, else the embedded one) if its
    snapshot is current; None otherwise, or when it cannot be read."""
    try:
        return catalogue.load_unchanged(path)
    except (GbastdError, OSError):
        return None


def domains(path: str | os.PathLike[str] | None, incomplete: str) -> list[tuple[str, str]]:
    """The declared domain tags starting with the last comma-separated part of
    ``incomplete``, each with its labels; ``food,da`` offers ``food,data``."""
    loaded = _snapshot(path)
    if loaded is None:
        return []
    done, _, part = incomplete.rpartition(",")
    given = {tag.strip() for tag in done.split(",")}
    head = f"{done}," if done else ""
    return [
        (head + tag, _described(domain.zh, domain.zh_hant, domain.en))
        for tag, domain in loaded.domains.items()
        if tag.startswith(part) and tag not in given
    ]


def _described(simplified: str, traditional: str, english: str) -> str:
    """A value's description beside it: its Chinese label in the run's script (Simplified
    in English runs), then its English one."""
    return f"{i18n.pick(simplified, traditional, simplified)} · {english}"


def _field_help(name: str) -> str:
    field = BY_NAME[name]
    return _described(field.zh, field.zh_hant, field.en)


def fields(incomplete: str) -> list[tuple[str, str]]:
    """Field names, after the last comma of ``incomplete`` too, each with its labels;
    ``gba_id,co`` offers ``gba_id,code``."""
    done, _, part = incomplete.rpartition(",")
    given = {name.strip() for name in done.split(",")}
    head = f"{done}," if done else ""
    return [
        (head + name, _field_help(name))
        for name in FIELDS
        if name.startswith(part) and name not in given
    ]


def field(incomplete: str) -> list[tuple[str, str]]:
    """Field names starting with ``incomplete`` (``--sort`` takes one)."""
    return [(name, _field_help(name)) for name in FIELDS if name.startswith(incomplete)]


def keys(path: str | os.PathLike[str] | None, incomplete: str) -> list[tuple[str, str]]:
    """The ids and codes that start with ``incomplete``, as stored, each with its title; at
    most ``MAX_OFFERED``, found through the lookup index kept beside the snapshot, so only
    the entries offered are decoded."""
    loaded = _snapshot(path)
    if loaded is None:
        return []
    offered: dict[str, str] = {}
    for position in _positions(loaded, text.key(incomplete)):
        standard = loaded.standards[position]
        for value in (standard.gba_id, standard.code):
            if value and value.startswith(incomplete) and value not in offered:
                offered[value] = standard.title_zh or ""
        if len(offered) >= MAX_OFFERED:
            break
    return list(offered.items())[:MAX_OFFERED]


def _positions(loaded: Catalogue, prefix: str) -> Iterator[int]:
    """The entries whose lookup keys start with ``prefix``, in key order, each once."""
    import bisect

    index = query._lookup_keys(loaded.standards)
    lines = index.lines
    seen: set[int] = set()
    start = bisect.bisect_left(lines, prefix)
    for line in range(start, min(len(lines), start + _MAX_SCANNED)):
        if not lines[line].startswith(prefix):
            return
        for position in index.owners_at(line):
            if position not in seen:
                seen.add(position)
                yield position

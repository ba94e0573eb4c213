"""The ``gbastd`` command line: parses arguments, calls the core, prints, and exits.

This is the only module that touches argv, stdout/stderr and exit codes. Data goes to stdout
as UTF-8; messages go to stderr. Rich is imported only when stdout is a terminal.

Exit codes: 0 success (an empty result included), 1 not found, invalid catalogue or refused
write, 2 usage error, 130 interrupted, 141 the reader of a pipe went away (as for cat or grep).
"""

import functools
import gc
import inspect
import io
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple, NoReturn

import typer
from typer._click.core import Command
from typer._click.exceptions import (
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    UsageError,
)
from typer._click.formatting import HelpFormatter
from typer._click.shell_completion import (
    CompletionItem,
    ShellComplete,
    _resolve_context,
    _resolve_incomplete,
    add_completion_class,
    split_arg_string,
)
from typer.models import TyperPath

from gbastd import catalogue, completion, i18n, options, query, store
from gbastd._version import __version__
from gbastd.errors import (
    BadOption,
    CatalogueInvalid,
    GbastdError,
    InvalidValue,
    UnknownField,
    UnknownLanguage,
)
from gbastd.fastpath import EXIT_BROKEN_PIPE, TEXT_ERRORS, write_all, write_failure
from gbastd.fields import ENTRY_FIELDS, FIELDS, Field, Kind, is_list
from gbastd.formats import ROW_WRITERS, Format, cell, json_value, kept_json, to_csv, to_toml
from gbastd.i18n import N_, _, ngettext
from gbastd.options import Listing, Ordering
from gbastd.records import Catalogue, Standard, Standards, Status
from gbastd.text import NARROWER, as_wrapped, fill_cells, for_wrapping

if TYPE_CHECKING:
    from rich.console import RenderableType

    from gbastd.layout import Headers

_APP_SETTINGS: dict[str, Any] = {
    "name": "gbastd",
    "no_args_is_help": True,
    "rich_markup_mode": None,  # plain click help and errors: no rich import, stable text
    "pretty_exceptions_enable": False,
    # Typer's --show-completion guesses the shell from the process tree and ignores the one
    # named; gbastd declares its own completion options and scripts (see "shell completion").
    "add_completion": False,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}
app = typer.Typer(**_APP_SETTINGS)

EXPORT_FORMATS = (
    Format.CSV,
    Format.TSV,
    Format.JSON,
    Format.JSONL,
    Format.MD,
    Format.XLSX,
    Format.TOML,
    Format.SQLITE,
    Format.HTML,
)
DIFF_FORMATS = (Format.TEXT, Format.JSON)


class SchemaPart(StrEnum):
    """What ``schema`` describes."""

    CATALOGUE = "catalogue"
    ENTRY = "entry"


# ------------------------------------------------------------------ shell completion
#
# What a shell is offered for a value comes from completion.py; this section only adapts it to
# click: the catalogue a command would read (or change), and one completion class per shell,
# which sends completion.py's lines and asks the shell for file names where a path is wanted.


def _completion_catalogue(ctx: typer.Context) -> Path | None:
    """The catalogue the command being completed would read, or change; None: the default."""
    # While completing, click leaves the values given as typed: a path is still a string.
    given = ctx.params.get("target", ctx.params.get("catalogue_path"))
    path = Path(given) if isinstance(given, str | Path) and str(given) else None
    if "target" in ctx.params:  # a write command
        with suppress(GbastdError):
            return store.target(path)
        return None
    return path


def _complete_tags(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return completion.domains(_completion_catalogue(ctx), incomplete)


def _complete_keys(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    return completion.keys(_completion_catalogue(ctx), incomplete)


COMPLETERS: dict[str, Callable[..., list[tuple[str, str]]]] = {
    options.TAGS: _complete_tags,
    options.FIELD_NAMES: lambda incomplete: completion.fields(incomplete),
    options.FIELD_NAME: lambda incomplete: completion.field(incomplete),
}
"""The autocompletion of each ``Option.completes``, as Typer calls it."""


class _ShellComplete(ShellComplete):
    """Completion for one shell: the words typed so far from COMP_WORDS and COMP_CWORD, the
    answer in the lines completion.py formats for that shell's script."""

    source_template = ""  # source() gives completion.py's script

    def source_vars(self) -> dict[str, Any]:
        return {}

    def source(self) -> str:
        return completion.script(self.name)

    def get_completion_args(self) -> tuple[list[str], str]:
        words = split_arg_string(os.environ["COMP_WORDS"])
        current = int(os.environ["COMP_CWORD"])
        return words[1:current], words[current] if current < len(words) else ""

    def get_completions(self, args: list[str], incomplete: str) -> list[CompletionItem]:
        # click's own steps (ShellComplete.get_completions), then: a path asks for the shell's
        # file names, where Typer's TyperPath offers nothing and relies on a fallback to file
        # names that the scripts no longer make for every empty answer.
        ctx = _resolve_context(self.cli, self.ctx_args, self.prog_name, args)
        found, incomplete = _resolve_incomplete(ctx, args, incomplete)
        if isinstance(getattr(found, "type", None), TyperPath):
            return [CompletionItem(incomplete, type=completion.FILE)]
        return found.shell_complete(ctx, incomplete)

    def format_completion(self, item: CompletionItem) -> str:
        return completion.formatted(self.name, item.type, str(item.value), item.help)


class _FishComplete(_ShellComplete):
    def get_completion_args(self) -> tuple[list[str], str]:
        # fish sends the command line up to the cursor, and the token being typed on its own
        words = split_arg_string(os.environ["COMP_WORDS"])
        typed = os.environ["COMP_CWORD"]
        incomplete = split_arg_string(typed)[0] if typed else ""
        args = words[1:]
        if incomplete and args and args[-1] == incomplete:
            args.pop()
        return args, incomplete


class _BashComplete(_ShellComplete):
    name = "bash"


class _ZshComplete(_ShellComplete):
    name = "zsh"


class _FishShellComplete(_FishComplete):
    name = "fish"


for _class in (_BashComplete, _ZshComplete, _FishShellComplete):
    add_completion_class(_class, _class.name)


def _show_completion(shell: completion.Shell | None) -> None:
    if shell is not None:
        _emit(completion.script(shell))
        raise typer.Exit()


def _install_completion(shell: completion.Shell | None) -> None:
    if shell is None:
        return
    relative, startup, line = completion.INSTALL_PATHS[shell]
    path = Path.home() / relative
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(completion.script(shell), encoding="utf-8")
        if startup is not None and line is not None:
            rc = Path.home() / startup
            before = rc.read_text(encoding="utf-8") if rc.is_file() else ""
            if line not in before.splitlines():
                gap = "\n" if before and not before.endswith("\n") else ""
                rc.write_text(f"{before}{gap}{line}\n", encoding="utf-8")
    except OSError as error:
        _fail(
            _("Cannot install {shell} completion: {reason} ({file}).").format(
                shell=shell, reason=error.strerror, file=error.filename
            ),
            1,
        )
    _say(
        _("{shell} completion installed in {path}; it takes effect in a new shell.").format(
            shell=shell, path=path
        )
        + "\n"
    )
    raise typer.Exit()


# ------------------------------------------------------------------ shared options
#
# Options that several commands share are declared once, in bundles: Typer sees each bundle's
# options in the command's signature, and the command receives one value per bundle (the
# filters, the ordering, the chosen fields, the format), as sqlite-utils' output_options
# decorator does for click.


class Bundle(NamedTuple):
    """Options declared once for several commands, and how their values combine into one."""

    options: tuple[inspect.Parameter, ...]
    combine: Callable[..., Any]

    def take(self, values: dict[str, Any]) -> Any:
        """Remove this bundle's option values from ``values`` and return them combined; a
        value the option does not take is a usage error naming the option."""
        given = {option.name: values.pop(option.name) for option in self.options}
        with _bad_options():
            return self.combine(**given)


@contextmanager
def _bad_options() -> Iterator[None]:
    """Report a value an option does not take as a usage error naming the option."""
    try:
        yield
    except BadOption as error:
        raise typer.BadParameter(error.reason, param_hint=f"'{error.flag}'") from None


def _option(
    name: str, annotation: Any, default: Any, *decls: str, **settings: Any
) -> inspect.Parameter:
    """Declare one keyword option as Typer reads it from a signature."""
    return inspect.Parameter(
        name,
        inspect.Parameter.KEYWORD_ONLY,
        default=default,
        annotation=Annotated[annotation, typer.Option(*decls, **settings)],
    )


def _choice(values: Sequence[str]) -> Any:
    """A closed set of values for Typer (a Literal, built from values declared elsewhere)."""
    literal: Any = Literal  # built at run time from data, which a type checker cannot follow
    return literal[tuple(values)]


def _typer_option(option: options.Option) -> tuple[Any, Any]:
    """The type and Typer option of a plain declaration (options.py, which fastpath.py reads
    too)."""
    settings: dict[str, Any] = {"help": option.help}
    annotation: Any
    if option.kind == options.FLAG:
        annotation = bool
    elif option.kind == options.TEXTS:
        annotation = list[str] | None
    elif option.kind == options.CHOICE:
        annotation = _choice(option.choices)
        settings["case_sensitive"] = not option.fold_case
    elif option.kind == options.INTEGER:
        annotation = int
        settings.update(min=option.minimum, max=option.maximum)
    elif option.kind == options.DATE:
        annotation = datetime
        settings["formats"] = ["%Y-%m-%d"]
    elif option.kind == options.PATH:
        annotation = Path
        # The loader says why a file cannot be read, in one sentence (exit 1).
        settings["readable"] = False
    else:
        annotation = str
    if option.envvar is not None:
        settings.update(envvar=option.envvar, show_envvar=True)
    if option.default is None and option.kind not in (options.FLAG, options.TEXTS):
        annotation = annotation | None
    if option.completes is not None:
        settings["autocompletion"] = COMPLETERS[option.completes]
    return annotation, typer.Option(*option.flags, **settings)


def _declared(option: options.Option) -> inspect.Parameter:
    """One declared option as a keyword parameter of a command's signature."""
    annotation, info = _typer_option(option)
    return inspect.Parameter(
        option.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=option.default,
        annotation=Annotated[annotation, info],
    )


def _bundle(declared: Sequence[options.Option], combine: Callable[..., Any]) -> Bundle:
    """A bundle of declared options; dates reach ``combine`` as YYYY-MM-DD, as fastpath.py
    gives them."""
    dates = {option.name for option in declared if option.kind == options.DATE}

    def take(**values: Any) -> Any:
        for name in dates:
            if values[name] is not None:
                values[name] = values[name].date().isoformat()
        return combine(**values)

    return Bundle(tuple(map(_declared, declared)), take)


def _with(**bundles: Bundle) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give a command the options of ``bundles``; it receives each bundle's combined value as
    the keyword argument of the bundle's name."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command)
        own = [p for p in signature.parameters.values() if p.name not in bundles]
        shared = [option for bundle in bundles.values() for option in bundle.options]

        @functools.wraps(command)
        def run(**values: Any) -> None:
            with _user_errors():
                for name, bundle in bundles.items():
                    values[name] = bundle.take(values)
            command(**values)

        run.__signature__ = signature.replace(parameters=[*own, *shared])  # type: ignore[attr-defined]
        # Typer reads type hints too: only the options', since a bundle's combined value may be
        # of a type imported only when the command runs (layout.Headers).
        run.__annotations__ = {
            name: hint for name, hint in command.__annotations__.items() if name not in bundles
        }
        return run

    return decorate


def _tags(values: Sequence[str] | None) -> tuple[str, ...]:
    """The tags of a --domain option; given but empty is a usage error."""
    with _bad_options():
        return options.tags(values)


FILTERS = _bundle(options.FILTER_OPTIONS, options.filters)
FILTERS_BUT_SEARCH = _bundle(
    [option for option in options.FILTER_OPTIONS if option is not options.SEARCH], options.filters
)
ORDERING = _bundle(options.ORDERING_OPTIONS, options.ordering)
FIELD_CHOICE = _bundle([options.FIELDS_OPTION], options.field_names)


def _format_bundle(choices: Sequence[Format], default: Format | None, help_text: str) -> Bundle:
    """The --format option of a command that offers ``choices`` of the one Format enum."""
    return _bundle([options.format_option(choices, default, help_text)], options.output_format)


LIST_FORMAT = _bundle([options.LIST_FORMAT], options.output_format)


def _listing_bundle(fmt: Bundle) -> Bundle:
    """The ordering, field and format options of list, search and export, as one Listing."""
    parts = {"ordering": ORDERING, "fields": FIELD_CHOICE, "fmt": fmt}

    def combine(**given: Any) -> Listing:
        return Listing(**{name: part.take(given) for name, part in parts.items()})

    return Bundle(tuple(option for part in parts.values() for option in part.options), combine)


LISTING = _listing_bundle(LIST_FORMAT)

CatalogueOpt = Annotated[Path | None, _typer_option(options.CATALOGUE)[1]]
NoPagerOpt = Annotated[bool, _typer_option(options.NO_PAGER)[1]]
WriteTargetOpt = Annotated[
    Path | None,
    _typer_option(
        options.catalogue_option(
            "Catalogue to change (default: ./data/standards.toml, when it exists)."
        )
    )[1],
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
]
KeyArg = Annotated[
    str,
    typer.Argument(
        metavar="KEY",
        help="A gba_id (WQ 1-8 or WQ1-8), a code, or an exact title, any script.",
        autocompletion=_complete_keys,
    ),
]
KeysArg = Annotated[
    list[str],
    typer.Argument(
        metavar="KEY...",
        help="gba_ids (WQ 1-8 or WQ1-8), codes or exact titles, any script; - reads keys "
        "from standard input, one a line.",
        autocompletion=_complete_keys,
    ),
]


# ------------------------------------------------------------------ options from the field table

_METAVARS = {
    Kind.TEXT: "TEXT",
    Kind.ID: "WQ_ID",
    Kind.CODE: "CODE",
    Kind.DATE: "YYYY-MM-DD",
    Kind.INTEGER: "N",
    Kind.TAGS: "TAG",
    Kind.URLS: "URL",
    Kind.STATUS: "[" + "|".join(Status) + "]",
}
_SHORT_FLAGS = {"domains": "-d"}


def field_flag(field: Field) -> str:
    """The option of ``add`` that sets a field: --title-zh, and --domain for one tag of a list."""
    return "--" + (field.item or field.name).replace("_", "-")


def _parser(field: str) -> Callable[[str], Any]:
    """Parse an option's text as the field's value; a bad value is a usage error (exit 2)."""

    def parse(raw: str) -> Any:
        from gbastd.edit import parse_value

        try:
            return parse_value(field, raw)
        except InvalidValue as error:
            raise typer.BadParameter(error.reason) from None

    return parse


_LIST_HELP = {
    Kind.TAGS: " Repeat, or separate with commas.",
    Kind.URLS: " Repeat, or separate with ';' before each URL.",
}


def _entry_option(field: Field) -> inspect.Parameter:
    """The ``add`` option of one field: required fields required, list fields repeatable."""
    listed = is_list(field)
    return _option(
        field.name,
        list[str] if listed else str,
        inspect.Parameter.empty if field.required else None,
        field_flag(field),
        *([_SHORT_FLAGS[field.name]] if field.name in _SHORT_FLAGS else []),
        parser=_parser(field.name),
        metavar=_METAVARS[field.kind],
        help=field.description + (_LIST_HELP[field.kind] if listed else ""),
        **({"autocompletion": _complete_tags} if field.kind is Kind.TAGS else {}),
    )


def _entry_values(**given: Any) -> dict[str, Any]:
    """The values of an entry as ``add`` options gave them; a repeated list option's items
    (each already a tuple) are joined, and options not given are left out."""
    values: dict[str, Any] = {}
    for name, value in given.items():
        if isinstance(value, list):
            value = tuple(dict.fromkeys(item for part in value for item in part))
        if value is not None and value != ():
            values[name] = value
    return values


ENTRY = Bundle(
    tuple(_entry_option(field) for field in ENTRY_FIELDS),
    _entry_values,
)


def _assignment(raw: str) -> tuple[str, Any]:
    """Parse ``FIELD=VALUE`` of ``edit --set`` into a field and its value (exit 2 when bad)."""
    from gbastd.edit import parse_value

    name, separator, value = raw.partition("=")
    if not separator or not name.strip():
        raise typer.BadParameter(
            _("takes FIELD=VALUE, not {given}.").format(given=repr(raw)), param_hint="'--set'"
        )
    try:
        return name.strip(), parse_value(name.strip(), value)
    except (InvalidValue, UnknownField) as error:
        reason = error.reason if isinstance(error, InvalidValue) else str(error)
        raise typer.BadParameter(f"{name.strip()}: {reason}", param_hint="'--set'") from None


@contextmanager
def _usage_errors(flag: str | None = None) -> Iterator[None]:
    """Report a bad value that an option gave as a usage error naming that option: ``flag``
    (and the field, as ``--set`` sets any), else the field's own option of ``add``."""
    try:
        yield
    except InvalidValue as error:
        hint = f"'{flag or _ENTRY_FLAGS[error.field]}'"
        reason = f"{error.field}: {error.reason}" if flag else error.reason
        raise typer.BadParameter(reason, param_hint=hint) from None


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn gbastd's own errors into one message on stderr and the error's exit code."""
    try:
        yield
    except CatalogueInvalid as error:
        _fail(error.report(), 1)
    except GbastdError as error:
        _fail(str(error), error.exit_code)


def _fail(message: str, code: int) -> NoReturn:
    _say(_("Error: {message}").format(message=message) + "\n")
    raise typer.Exit(code)


# ------------------------------------------------------------------ output and exit
#
# Data goes to stdout, every byte of it or one sentence and exit 1 (141, quietly, when the
# reader has gone). Messages go to stderr and never decide the exit code: a closed or full
# stderr loses the message, not the result. Both streams are UTF-8 whatever the locale.


class _Failure:
    """The first failed write of data to stdout, and the exit code it was reported as."""

    error: OSError | None = None
    code: int | None = None


class _DataOut(io.RawIOBase):
    """Standard output under ``sys.stdout`` for whoever writes to it (click's help): every
    byte is written, and a failure is remembered so that main() reports it once."""

    def __init__(self, fd: int) -> None:
        super().__init__()
        self._fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def isatty(self) -> bool:
        return os.isatty(self._fd)

    def write(self, data: Any) -> int:
        try:
            write_all(self._fd, data)
        except OSError as error:
            _Failure.error = _Failure.error or error
            raise
        return len(memoryview(data).cast("B"))


class _MessagesOut(_DataOut):
    """Standard error under ``sys.stderr``: every byte if it can, and never an error."""

    def write(self, data: Any) -> int:
        with suppress(OSError, ValueError):
            write_all(self._fd, data)
        return len(memoryview(data).cast("B"))


def _standard_streams() -> None:
    """Put UTF-8 text streams that write every byte over the process's stdout and stderr.

    Python picks the locale's encoding (ASCII under LC_ALL=C, or what PYTHONIOENCODING says)
    and, with PYTHONUNBUFFERED=1, writes to a raw file that may take only part of a write.
    A closed stream (``>&-``) stays None: its descriptor may since name some other file.
    """
    for name, raw_type, buffered in (("stdout", _DataOut, True), ("stderr", _MessagesOut, False)):
        stream = getattr(sys, name)
        if stream is None or stream is not getattr(sys, f"__{name}__"):
            continue
        try:
            stream.flush()
            fd = stream.fileno()
        except (OSError, ValueError):
            continue
        raw = raw_type(fd)
        setattr(
            sys,
            name,
            io.TextIOWrapper(
                io.BufferedWriter(raw) if buffered else raw,
                encoding="utf-8",
                errors=TEXT_ERRORS,
                write_through=not buffered,
            ),
        )


def _utf8_arguments(args: list[str]) -> list[str]:
    """Arguments decoded as UTF-8, whatever the locale.

    Where the file system encoding is not UTF-8 (LC_ALL=C with PYTHONUTF8=0), Python gives
    non-ASCII arguments as surrogate escapes of their bytes; decode those bytes as UTF-8. A
    file name (an existing file, or the one --output names) keeps the form Python gave it:
    decoded, it could not be encoded back to open the file.
    """
    if sys.getfilesystemencoding() == "utf-8":
        return args
    decoded = []
    previous = ""
    for arg in args:
        keep = (
            arg.isascii()
            or previous in ("-o", "--output")
            or arg.startswith("--output=")
            or os.path.lexists(arg)
        )
        decoded.append(arg if keep else os.fsencode(arg).decode("utf-8", "surrogateescape"))
        previous = arg
    return decoded


def _output_failed(error: OSError) -> int:
    """Report a failed write of data once, and return the exit code: 141 and nothing said when
    the reader has gone (as cat or grep), else one sentence and 1."""
    if _Failure.code is None:
        _Failure.error = _Failure.error or error
        _Failure.code, message = write_failure(error)
        if _Failure.code == EXIT_BROKEN_PIPE:
            # Send what is still buffered nowhere, so that no later flush meets the same pipe.
            with suppress(AttributeError, OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, sys.stdout.fileno())
                os.close(devnull)
        _say(message)
    return _Failure.code


def _say(message: str) -> None:
    """Write a message to stderr, with control characters in it shown escaped (line ends
    kept); a closed or full stderr loses the message, never changes the outcome."""
    _stderr(_escaped_lines(message))


def _escaped_lines(text: str) -> str:
    """``text`` with control characters and bidirectional overrides escaped (``\\x1b``) in
    each line, so that a report built from a catalogue or an argument cannot drive the
    terminal, and its line ends stay line ends."""
    from gbastd.text import escape_controls

    return "\n".join(escape_controls(line) for line in text.split("\n"))


def _stderr(text: str) -> None:
    """Write ``text`` to stderr as it is (the progress line's own escape codes), ignoring
    failure."""
    stream = sys.stderr
    if stream is None:
        return
    with suppress(OSError, ValueError):
        stream.write(text)
        stream.flush()


def _stdout_is_terminal() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()


def _emit(text: str) -> None:
    """Write text data to stdout as UTF-8, whatever the locale (see ``_emit_bytes``)."""
    _emit_bytes(text.encode("utf-8", TEXT_ERRORS))


def _emit_bytes(data: bytes) -> None:
    """Write data to stdout, every byte of it, whether the stream is buffered or the pipe
    non-blocking; report a closed or full output (one sentence, or quietly 141)."""
    if sys.stdout is None:
        _fail(_("cannot write output: standard output is closed."), 1)
    try:
        sys.stdout.flush()  # what others wrote first goes first
        try:
            fd = sys.stdout.fileno()
        except (OSError, ValueError):  # a stream without a descriptor (a test's capture)
            buffer = getattr(sys.stdout, "buffer", None)
            if buffer is None:
                sys.stdout.write(data.decode("utf-8", "surrogateescape"))
            else:
                buffer.write(data)
            sys.stdout.flush()
        else:
            write_all(fd, data)
    except OSError as error:
        raise typer.Exit(_output_failed(error)) from None


def _print(*renderables: "RenderableType | str", page: bool = False) -> None:
    """Print rich renderables to the terminal (NO_COLOR is honoured by rich); a plain string
    is text, with control characters escaped, never markup. With ``page``, what is taller
    than the terminal goes through the pager."""
    from rich.console import Console
    from rich.text import Text

    from gbastd.text import escape_controls

    console = Console(highlight=False, markup=False)
    if console.width < 1:  # rich takes COLUMNS=0 literally and would draw nothing
        import shutil  # asks the terminal itself when COLUMNS is not a positive number

        console = Console(highlight=False, markup=False, width=shutil.get_terminal_size().columns)
    with console.capture() as captured:
        console.print(*(Text(escape_controls(r)) if isinstance(r, str) else r for r in renderables))
    drawn = captured.get()
    height = _screen_height() if page else 0
    if height and drawn.count("\n") >= height and _page(drawn):
        return
    _emit(drawn)


def _screen_height() -> int:
    """The terminal's height in lines ($LINES, else the terminal's own), 0 where unknown: a
    terminal that does not say how tall it is gets no pager."""
    with suppress(KeyError, ValueError):
        return max(int(os.environ["LINES"]), 0)
    with suppress(OSError, ValueError):
        return os.get_terminal_size(sys.stdout.fileno()).lines
    return 0


DEFAULT_PAGER = "less -FRX"


def _pager() -> str:
    """The pager to run: $GBASTD_PAGER, else $PAGER, else less (quitting at once if the text
    fits after all, passing colours through, leaving the screen as it was)."""
    for name in ("GBASTD_PAGER", "PAGER"):
        command = os.environ.get(name)
        if command is not None:
            return command.strip()
    return DEFAULT_PAGER


def _page(drawn: str) -> bool:
    """Show ``drawn`` through the pager, a shell command as git runs it; False where there is
    none to run (an empty command, cat, or one the shell cannot find), for the caller to print
    it instead. Ctrl-C belongs to the pager while it runs."""
    import signal
    import subprocess

    command = _pager()
    if command in ("", "cat"):
        return False
    sys.stdout.flush()
    # As git does: less and lv, when named without options, still pass colours through. What
    # gbastd pages is UTF-8 whatever the locale: less is told so (unless told otherwise), or a
    # Chinese locale the system lacks would show the Chinese as raw bytes.
    env = {"LESS": "FRX", "LV": "-c", "LESSCHARSET": "utf-8", **os.environ}
    try:
        pager = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    interrupt = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        with suppress(OSError):  # the pager was left before it had read everything
            pager.communicate(drawn.encode("utf-8", TEXT_ERRORS))
        status = pager.wait()
    finally:
        signal.signal(signal.SIGINT, interrupt)
    return status != _NOT_FOUND


_NOT_FOUND = 127  # the shell's status for a command it cannot find (it said so on stderr)


def _note(message: str) -> None:
    """A message for a person at a terminal, on stderr; silent in pipes."""
    if _stdout_is_terminal():
        _say(message + "\n")


def _today() -> str:
    return options.today()


def _load(path: Path | None) -> Catalogue:
    progress = _TerminalProgress() if sys.stderr is not None and sys.stderr.isatty() else None
    try:
        loaded = catalogue.load(path, progress=progress)
    finally:
        if progress is not None:
            progress.clear()
    _LOADED.append(loaded)
    return loaded


_LOADED: list[Catalogue] = []
"""The catalogues this run loaded, held to the end: when a command returned, freeing a large
one entry by entry took longer than much of the command (140 ms of exporting 100,000
entries); the process ends without freeing it (see _exit)."""


class _TerminalProgress:
    """Tells a person at a terminal what a slow first run on a changed catalogue is doing."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "parse":
            text = _("gbastd: reading the changed catalogue ({size} MB)…").format(
                size=f"{total / 1e6:.1f}"
            )
        else:
            text = _("gbastd: validating {done} of {total} entries…").format(
                done=f"{done:,}", total=f"{total:,}"
            )
        _stderr("\r\x1b[K" + text)
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            _stderr("\r\x1b[K")


def _order(standards: list[Standard], ordering: Ordering) -> list[Standard]:
    return options.order(standards, ordering, today=_today())


def _show_standards(
    standards: list[Standard], listing: Listing, loaded: Catalogue, *, page: bool
) -> None:
    if listing.fmt is Format.TABLE and _stdout_is_terminal():
        from gbastd import render

        columns = options.listing_columns(listing)
        ordered = _order(standards, listing.ordering)
        rows = query.rows(ordered, columns, today=_today())
        if not rows:
            _note(_("No standards match."))
            return
        headers = {name: render.header(name) for name in columns}
        if listing.fields is None and i18n.current() == i18n.TRADITIONAL:
            # The default table's title in Traditional characters, else the Simplified one.
            at = columns.index("title_zh")
            rows = [
                (*row[:at], standard.title_zh_hant or standard.title_zh, *row[at + 1 :])
                for standard, row in zip(ordered, rows, strict=True)
            ]
            headers["title_zh"] = _("Title")
        # The columns of the default table that are unknown for every row are left out; those
        # asked for by --fields are shown, dashes and all.
        table = render.table(
            columns,
            rows,
            drop_unknown=listing.fields is None,
            headers=headers,
            shown=render.in_words(loaded.domains),
        )
        _print(table, page=page)
        if table.dropped:
            left_out = _("{standards}. (— = unknown; {columns}: unknown for every one)")
        else:
            left_out = _("{standards}. (— = unknown)")
        _note(left_out.format(standards=_standards(len(rows)), columns=", ".join(table.dropped)))
        _coverage_note(len(rows), loaded)
        return
    _emit(options.piped_listing(standards, listing, today=_today()))


def _standards(count: int) -> str:
    """``1 standard``, ``42 standards``."""
    return ngettext("{count} standard", "{count} standards", count).format(count=count)


def _coverage_note(count: int, loaded: Catalogue) -> None:
    """Tell a person at a terminal how much of the official list an answer covers (the
    catalogue holds only the items public sources name), folded to the terminal's width;
    machine formats on a terminal get their data alone."""
    if not _stdout_is_terminal():
        return
    import shutil

    info = loaded.info
    if info.published_total is None:
        line = _("{count} of {catalogued} catalogued standards: see gbastd stats.")
    elif info.as_of:
        line = _(
            "{count} of {catalogued} catalogued standards; the official list has {total} "
            "({as_of}): see gbastd stats."
        )
    else:
        line = _(
            "{count} of {catalogued} catalogued standards; the official list has {total}: "
            "see gbastd stats."
        )
    line = line.format(
        count=count,
        catalogued=len(loaded.standards),
        total=info.published_total,
        as_of=info.as_of,
    )
    _say(fill_cells(line, max(20, shutil.get_terminal_size().columns)) + "\n")


def _version(value: bool) -> None:
    if value:
        _emit(f"gbastd {__version__}\n")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
    install_completion: Annotated[
        completion.Shell | None,
        typer.Option(
            metavar="SHELL",
            callback=_install_completion,
            is_eager=True,
            help="Install completion for SHELL (bash, zsh or fish) in your home directory.",
        ),
    ] = None,
    show_completion: Annotated[
        completion.Shell | None,
        typer.Option(
            metavar="SHELL",
            callback=_show_completion,
            is_eager=True,
            help="Print the completion script of SHELL (bash, zsh or fish).",
        ),
    ] = None,
) -> None:
    """A catalogue of the Guangdong–Hong Kong–Macao Greater Bay Area standards (湾区标准).

    Exit codes: 0 success (an empty result included); 1 not found, invalid catalogue or
    refused write; 2 usage error; 130 interrupted; 141 output pipe closed early.
    """


@app.command("list")
@_with(filters=FILTERS, listing=LISTING)
def list_command(
    *,
    filters: query.Filters,
    listing: Listing,
    no_pager: NoPagerOpt = False,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """List standards, filtered and sorted.

    Example: gbastd list --domain food --format csv
    """
    with _user_errors():
        loaded = _load(catalogue_path)
        selected = query.select(loaded, filters, today=_today())
        _show_standards(selected, listing, loaded, page=not no_pager)


@app.command("search")
@_with(filters=FILTERS_BUT_SEARCH, listing=LISTING)
def search_command(
    text: Annotated[
        str, typer.Argument(metavar="QUERY", help="Words to find; Traditional or Simplified.")
    ],
    *,
    filters: query.Filters,
    listing: Listing,
    no_pager: NoPagerOpt = False,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """Search standards, best match first.

    Looks in ids, codes, titles (zh, zh-Hant, en), publisher and group, and the entries'
    domains (their tags and labels); Traditional and Simplified characters match each other.
    When nothing matches, a terminal is told what is close.

    Example: gbastd search 龍舟
    """
    with _user_errors():
        loaded = _load(catalogue_path)
        found = query.find(loaded, text, filters, today=_today())
        if not found and listing.fmt is Format.TABLE and _stdout_is_terminal():
            close = query.near_misses(loaded, text)
            if close:
                message = _("No standards match {query}. Close: {close}.")
            else:
                message = _("No standards match {query}.")
            _note(message.format(query=repr(text), close=", ".join(close)))
            return
        _show_standards(found, listing, loaded, page=not no_pager)


@app.command("show")
@_with(fields=FIELD_CHOICE, fmt=LIST_FORMAT)
def show_command(
    keys: KeysArg,
    *,
    fields: tuple[str, ...] | None,
    fmt: Format,
    no_pager: NoPagerOpt = False,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """Show standards in full, one record per key.

    With several keys (or - for the keys on standard input), every format holds one record
    per key: a table's rows, a JSON array, a JSON object a line. Keys that match nothing are
    listed on stderr after the records found are printed (exit 1).

    Example: gbastd show WQ1-8
    """
    wanted = _keys_given(keys)
    single = wanted == keys and len(keys) == 1  # one key: one record, as it always was
    with _user_errors():
        loaded = _load(catalogue_path)
        if single:
            found = [query.lookup(loaded, keys[0])]
            missed: list[str] = []
        else:
            found, missed = _looked_up(loaded, wanted)
        if fmt is Format.TABLE and _stdout_is_terminal():
            from gbastd import render

            columns = fields or FIELDS
            rows = query.rows(found, columns, today=_today())
            labels = [render.label(name) for name in columns]
            shown = render.in_words(loaded.domains)
            records = [
                render.record(
                    [
                        (label, shown(name, value))
                        for label, name, value in zip(labels, columns, row, strict=True)
                    ],
                    title=standard.label,
                )
                for standard, row in zip(found, rows, strict=True)
            ]
            if records:
                _print(*records, page=not no_pager)
        elif single:
            _emit(options.piped_record(found[0], fields, fmt, today=_today()))
        else:
            _emit(options.piped_records(found, fields, fmt, today=_today()))
    for message in missed:
        _say(_("Error: {message}").format(message=message) + "\n")
    if missed:
        raise typer.Exit(1)


def _keys_given(keys: Sequence[str]) -> list[str]:
    """The keys of ``show``: each ``-`` stands for the lines of standard input (blank ones
    left out)."""
    if "-" not in keys:
        return list(keys)
    given = sys.stdin.read().splitlines() if sys.stdin is not None else []
    read = [line.strip() for line in given if line.strip()]
    return [key for part in keys for key in (read if part == "-" else [part])]


def _looked_up(loaded: Catalogue, keys: Sequence[str]) -> tuple[list[Standard], list[str]]:
    """The entry of each key that names one, and what is wrong with each key that does not."""
    found, missed = [], []
    for key in keys:
        try:
            found.append(query.lookup(loaded, key))
        except GbastdError as error:  # not found, or several: said after the records
            missed.append(str(error))
    return found, missed


@app.command("domains")
@_with(fmt=LIST_FORMAT)
def domains_command(
    *, fmt: Format, no_pager: NoPagerOpt = False, catalogue_path: CatalogueOpt = None
) -> None:
    """List the domain tags with their labels and entry counts.

    Example: gbastd domains --format json
    """
    with _user_errors():
        loaded = _load(catalogue_path)
        counts = dict(query.count_by(loaded.standards, "domains", today=_today()))
        columns = ("tag", "zh", "zh_hant", "en", "count")
        rows = [(*domain, counts.get(tag, 0)) for tag, domain in loaded.domains.items()]
        if fmt is Format.TABLE and _stdout_is_terminal():
            from gbastd import render

            headers = {name: render.header(name) for name in columns}
            _print(render.table(columns, rows, headers=headers), page=not no_pager)
            return
        _emit(ROW_WRITERS[fmt](columns, rows))


@app.command("stats")
@_with(fmt=LIST_FORMAT)
def stats_command(
    *,
    fmt: Format,
    chart: Annotated[
        bool,
        typer.Option(
            "--chart", help="On a terminal, bars by domain, batch, year and status (pipes: TSV)."
        ),
    ] = False,
    no_pager: NoPagerOpt = False,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """Count entries and report coverage of the official list.

    Counts by domain, batch, year and status, and compares with the published total.

    Example: gbastd stats --chart
    """
    with _user_errors():
        loaded = _load(catalogue_path)
        today = _today()
        info = loaded.info
        catalogued = len(loaded.standards)
        breakdown = {
            dimension: query.count_by(loaded.standards, field, today=today)
            for dimension, field in (
                ("domain", "domains"),
                ("batch", "batch"),
                ("year", "listed"),
                ("status", "status"),
            )
        }
        rows: list[tuple[Any, ...]] = [("catalogued", None, catalogued)]
        if info.published_total is not None:
            rows.append(("published_total", info.as_of, info.published_total))
        rows += [("published", t.as_of, t.total) for t in info.totals]
        rows += [(dim, value, count) for dim, pairs in breakdown.items() for value, count in pairs]
        coverage = _coverage(catalogued, info.published_total, info.as_of)
        if fmt is Format.TABLE and _stdout_is_terminal():
            from gbastd import render

            if chart:
                _print(coverage, *_charts(loaded, breakdown), page=not no_pager)
                return
            shown = render.in_words(loaded.domains)
            tables = [
                render.table(
                    (dim, "entries"),
                    [(shown(dim, value), count) for value, count in pairs],
                    headers={dim: render.header(dim), "entries": render.header("entries")},
                )
                for dim, pairs in breakdown.items()
            ]
            _print(coverage, *tables, page=not no_pager)
        elif fmt is Format.JSON:
            _emit(
                json_value(
                    {
                        "catalogued": catalogued,
                        "published_total": info.published_total,
                        "as_of": info.as_of,
                        "coverage": _coverage(
                            catalogued, info.published_total, info.as_of, translated=False
                        ),
                        "published_totals": [t._asdict() for t in info.totals],
                        **{
                            f"by_{dim}": [{"value": v, "count": c} for v, c in pairs]
                            for dim, pairs in breakdown.items()
                        },
                    }
                )
            )
        else:
            _emit(ROW_WRITERS[fmt](("dimension", "value", "count"), rows))


def _charts(loaded: Catalogue, breakdown: dict[str, list[tuple[Any, int]]]) -> list[Any]:
    """Bar charts of the breakdown: domains by tag and Chinese label, unknowns as unknown."""
    from gbastd import render

    shown = render.in_words(loaded.domains)

    def name(dimension: str, value: Any) -> str:
        if value is None:
            return _("unknown")
        if dimension == "domain" and value in loaded.domains:
            domain = loaded.domains[value]
            return f"{value} {i18n.pick(domain.zh, domain.zh_hant, domain.zh)}"
        return str(shown(dimension, value))

    titles = {
        "domain": _("by domain"),
        "batch": _("by batch"),
        "year": _("by year"),
        "status": _("by status"),
    }
    return [
        render.BarChart(titles[dimension], [(name(dimension, v), n, v is None) for v, n in pairs])
        for dimension, pairs in breakdown.items()
    ]


def _coverage(
    catalogued: int, published: int | None, as_of: str | None, *, translated: bool = True
) -> str:
    """How much of the official list the catalogue holds: in the run's language on a
    terminal, in English in machine formats (a value scripts may compare)."""
    if published is None:
        message = N_("{catalogued} entries catalogued; the size of the official list is unknown.")
    elif as_of:
        message = N_(
            "{catalogued} of {published} listed items catalogued (official total as of {as_of})."
        )
    else:
        message = N_("{catalogued} of {published} listed items catalogued.")
    template = _(message) if translated else message
    return template.format(catalogued=catalogued, published=published, as_of=as_of)


# ------------------------------------------------------------------ export and report
#
# The format of a file follows its name: -o food.xlsx writes a workbook, and a --format that
# contradicts the name, or a name that says nothing without --format, is a usage error, so that
# no file is ever named for one format and holds another.

EXTENSIONS: dict[str, Format] = {
    ".csv": Format.CSV,
    ".tsv": Format.TSV,
    ".json": Format.JSON,
    ".jsonl": Format.JSONL,
    ".md": Format.MD,
    ".toml": Format.TOML,
    ".xlsx": Format.XLSX,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".db": Format.SQLITE,
    ".sqlite": Format.SQLITE,
}
BINARY_FORMATS = frozenset({Format.XLSX, Format.SQLITE})
HEADER_CHOICES = ("keys", "zh", "zh-hant", "en")
"""The values of layout.Headers, written out so that the option costs other commands no import
of layout (tests/test_reports.py keeps the two equal)."""
LAYOUT_CHOICES = ("fields", "official")
"""The values of layout.Layout, likewise."""
WHOLE_CATALOGUE = frozenset({Format.TOML, Format.SQLITE})
"""Formats that hold whole entries and the catalogue's metadata: no --fields, --headers or
--layout."""


def _headers_bundle(default: str, help_text: str) -> Bundle:
    """The --headers option: the language of column headers and labels, as layout.Headers."""

    def combine(headers: str) -> "Headers":
        from gbastd.layout import Headers

        return Headers(headers.lower())

    option = _option(
        "headers",
        _choice(HEADER_CHOICES),
        default,
        "--headers",
        case_sensitive=False,
        help=help_text,
    )
    return Bundle((option,), combine)


def _official(layout: str) -> bool:
    from gbastd.layout import Layout

    return Layout(layout.lower()) is Layout.OFFICIAL


LAYOUT = Bundle(
    (
        _option(
            "layout",
            _choice(LAYOUT_CHOICES),
            "fields",
            "--layout",
            case_sensitive=False,
            help="official: exactly the published list's five columns (序号, 识别号, 标准编号, "
            "标准名称, 发布单位), numbered, in identifier order.",
        ),
    ),
    _official,
)


OutputOpt = Annotated[
    Path | None,
    typer.Option(
        "--output",
        "-o",
        help="Write to this file (atomically) instead of stdout; its extension chooses the "
        "format (.csv .tsv .json .jsonl .md .toml .xlsx .html .db .sqlite).",
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing output file.")]


def _usage(message: str, option: str) -> NoReturn:
    raise typer.BadParameter(message, param_hint=f"'{option}'")


def _is_stream(path: Path) -> bool:
    """Tell whether ``path`` is standard output, a pipe or a device (``/dev/null``): a
    destination written through, whose name says nothing of a format."""
    if store.is_standard_output(path):
        return True
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    import stat

    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)


def _output_format(output: Path | None, given: Format | None, *, excel: bool) -> Format:
    """The format to write: the output file's extension, which --format (or --excel) must not
    contradict; else --format; else CSV (to stdout, a pipe or a device)."""
    if excel and given not in (None, Format.CSV):
        _usage(_("--excel makes a CSV file; use it with --format csv."), "--excel")
    wanted = Format.CSV if excel else given
    if output is None or str(output) == "-":
        return wanted or Format.CSV
    named = EXTENSIONS.get(output.suffix.lower())
    if named is not None:
        if wanted is not None and wanted is not named:
            option = "--excel" if excel else "--format"
            _usage(
                _(
                    "{output} is named for {named} but {option} asks for {wanted}; "
                    "name the file .{extension} or drop the option."
                ).format(
                    output=output,
                    named=named,
                    option=option,
                    wanted=wanted,
                    extension=wanted if wanted is not Format.SQLITE else "db",
                ),
                option,
            )
        return named
    if wanted is None:
        if _is_stream(output) or os.path.isdir(output):  # a directory: refused when written
            return Format.CSV
        known = " ".join(EXTENSIONS)
        _usage(
            _(
                "cannot tell the format of {output} from its name; name it {known} or add --format."
            ).format(output=output, known=known),
            "--output",
        )
    return wanted


def _to_stdout(output: Path | None) -> bool:
    return output is None or str(output) == "-" or store.is_standard_output(output)


def _check_binary_destination(fmt: Format, output: Path | None) -> None:
    if fmt in BINARY_FORMATS and _to_stdout(output) and _stdout_is_terminal():
        extension = "db" if fmt is Format.SQLITE else str(fmt)
        if fmt is Format.SQLITE:
            message = _(
                "a SQLite database is binary and would garble the terminal; write it with "
                "-o FILE.{extension}, or redirect it (> FILE.{extension})."
            )
        else:
            message = _(
                "an XLSX workbook is binary and would garble the terminal; write it with "
                "-o FILE.{extension}, or redirect it (> FILE.{extension})."
            )
        _usage(message.format(extension=extension), "--format")


def _deliver(content: str | bytes, output: Path | None, force: bool, what: str) -> None:
    """Write to stdout or, atomically, to ``output``; then say what was written."""
    if _to_stdout(output):  # -o /dev/stdout, /dev/fd/1: standard output, never replaced
        if isinstance(content, str):
            _emit(content)  # encodes as it writes: a large export is not encoded twice
        else:
            _emit_bytes(content)
        return
    assert output is not None
    data = content.encode("utf-8") if isinstance(content, str) else content
    store.write_atomically(output, data, replace=force)
    _say(_("Wrote {what} to {output}.").format(what=what, output=output) + "\n")


def _filters_text(filters: query.Filters) -> str:
    """The filters as the options that give them (``--domain food --year 2023``)."""
    parts = []
    for name, value in filters._asdict().items():
        if value is None or value == ():
            continue
        shown = ",".join(value) if isinstance(value, tuple) else str(value)
        option = "--domain" if name == "domains" else f"--{name}"
        parts.append(f"{option} {shown}")
    return " ".join(parts)


def _description(
    loaded: Catalogue, selected: Sequence[Standard], filters: query.Filters, headers: "Headers"
) -> list[tuple[str, str]]:
    from gbastd import layout

    return layout.about(
        loaded.info,
        len(loaded.standards),
        len(selected),
        filters=_filters_text(filters),
        version=__version__,
        today=_today(),
        headers=headers,
    )


@app.command("export")
@_with(
    filters=FILTERS,
    ordering=ORDERING,
    fields=FIELD_CHOICE,
    fmt=_format_bundle(
        EXPORT_FORMATS,
        None,
        "Default: from -o FILE's extension, else csv. toml writes a catalogue file that gbastd "
        "can load; sqlite a database for Datasette; html the report.",
    ),
    headers=_headers_bundle(
        "keys", "Column headers: schema keys, or field labels in zh, zh-hant or en."
    ),
    official=LAYOUT,
)
def export_command(
    *,
    filters: query.Filters,
    ordering: Ordering,
    fields: tuple[str, ...] | None,
    fmt: Format | None,
    headers: "Headers",
    official: bool,
    output: OutputOpt = None,
    force: ForceOpt = False,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel", help="CSV for Excel: UTF-8 with BOM, CRLF, formula-like cells neutralised."
        ),
    ] = False,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """Export standards to stdout or a file.

    CSV, TSV, JSON, JSON Lines, Markdown, XLSX, TOML (a loadable catalogue), SQLite (for
    Datasette) or the HTML report; -o FILE's extension chooses the format.

    Example: gbastd export --domain food -o food.xlsx
    """
    from gbastd.layout import Headers

    fmt = _output_format(output, fmt, excel=excel)
    if fmt in WHOLE_CATALOGUE:
        for given, option in (
            (fields is not None, "--fields"),
            (headers is not Headers.KEYS, "--headers"),
            (official, "--layout"),
        ):
            if given:
                name = "TOML" if fmt is Format.TOML else "SQLite"
                _usage(
                    _("a {format} export is a whole catalogue; drop {option}.").format(
                        format=name, option=option
                    ),
                    option,
                )
    if official and fmt is Format.HTML:
        _usage(_("the report has its own layout; drop --layout."), "--layout")
    if official and fields is not None:
        _usage(_("the official layout has its own five columns; drop --fields."), "--fields")
    if official and (ordering.sort is not None or ordering.reverse):
        _usage(
            _("the official layout keeps identifier order; drop --sort and --reverse."), "--sort"
        )
    _check_binary_destination(fmt, output)
    with _user_errors():
        loaded = _load(catalogue_path)
        plain = not official and headers is Headers.KEYS and fields is None
        kept = _kept_json(loaded, filters, ordering) if fmt is Format.JSON and plain else None
        content: str | bytes
        if kept is not None:
            content, count = kept
        else:
            selected = query.select(loaded, filters, today=_today())
            if official:
                selected = store.canonical_order(selected)[: ordering.limit]
            else:
                selected = _order(selected, ordering)
            content = _export_content(
                fmt, loaded, selected, filters, fields, headers, official=official, excel=excel
            )
            count = len(selected)
        _deliver(content, output, force, _standards(count))
        if not _to_stdout(output):  # a file was written: the terminal shows only messages
            _coverage_note(count, loaded)


def _kept_json(
    loaded: Catalogue, filters: query.Filters, ordering: Ordering
) -> tuple[str, int] | None:
    """The JSON of every field of the entries the filters choose by position alone, unsorted,
    and how many: cut from the objects kept beside the snapshot, no entry decoded (see
    formats.kept_json); None where the entries must be read."""
    chosen = query.positions(loaded, filters)
    if chosen is None or ordering.sort is not None or not isinstance(loaded.standards, Standards):
        return None
    if ordering.reverse:
        chosen = chosen[::-1]
    chosen = chosen[: ordering.limit]
    content = kept_json(loaded.standards, chosen, today=_today())
    return None if content is None else (content, len(chosen))


def _export_content(
    fmt: Format,
    loaded: Catalogue,
    selected: list[Standard],
    filters: query.Filters,
    fields: tuple[str, ...] | None,
    headers: "Headers",
    *,
    official: bool,
    excel: bool,
) -> str | bytes:
    from gbastd import layout

    today = _today()
    if fmt is Format.TOML:
        return to_toml(loaded, selected)
    if fmt is Format.SQLITE:
        from gbastd import sqlite_export

        about = [("exported_with", f"gbastd {__version__}"), ("filters", _filters_text(filters))]
        return sqlite_export.to_sqlite(loaded, selected, today=today, about=about)
    if fmt is Format.HTML:
        return _report(loaded, selected, filters, headers, fields)
    if official:
        table = layout.official_table(selected, today=today)
    else:
        table = layout.entries_table(selected, fields or FIELDS, headers, today=today)
    if fmt is Format.XLSX:
        from gbastd import xlsx

        description = _description(loaded, selected, filters, headers)
        return xlsx.to_xlsx(table.headers, table.fields, table.rows, description)
    if fmt is Format.CSV:
        rows = table.rows
        if headers is not layout.Headers.KEYS:  # to_csv joins lists in the columns it knows by key
            rows = [tuple(cell(v) if isinstance(v, tuple) else v for v in row) for row in rows]
        return to_csv(table.headers, rows, excel=excel)
    return ROW_WRITERS[fmt](table.headers, table.rows)


def _report(
    loaded: Catalogue,
    selected: list[Standard],
    filters: query.Filters,
    headers: "Headers",
    fields: tuple[str, ...] | None,
) -> str:
    from gbastd import report

    return report.to_html(
        loaded,
        selected,
        today=_today(),
        headers=headers,
        columns=fields,
        filters=_filters_text(filters),
        version=__version__,
    )


@app.command("report")
@_with(
    filters=FILTERS,
    fields=FIELD_CHOICE,
    headers=_headers_bundle(
        "zh", "Language of the report's labels and column headers (keys: English)."
    ),
)
def report_command(
    *,
    filters: query.Filters,
    fields: tuple[str, ...] | None,
    headers: "Headers",
    output: OutputOpt = None,
    force: ForceOpt = False,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """Write a one-file HTML report: coverage, charts and a table of the entries.

    Works offline and loads nothing from anywhere; the table sorts and filters with
    JavaScript and reads as a plain table without it. Takes the same filters as list.

    Example: gbastd report --domain food -o food.html
    """
    if output is not None and not _to_stdout(output):
        named = EXTENSIONS.get(output.suffix.lower())
        if named is not Format.HTML and not _is_stream(output):
            _usage(
                _("the report is HTML; name the file .html, not {output}.").format(output=output),
                "--output",
            )
    with _user_errors():
        loaded = _load(catalogue_path)
        selected = store.canonical_order(query.select(loaded, filters, today=_today()))
        content = _report(loaded, selected, filters, headers, fields)
        what = ngettext(
            "a report of {count} standard", "a report of {count} standards", len(selected)
        )
        _deliver(content, output, force, what.format(count=len(selected)))


@app.command("validate")
def validate_command(
    file: Annotated[
        Path | None,
        typer.Argument(metavar="[FILE]", help="Catalogue to check; default: the active one."),
    ] = None,
    check_format: Annotated[
        bool,
        typer.Option(
            "--check-format", help="Also fail when the file is not laid out as gbastd writes it."
        ),
    ] = False,
    fix_format: Annotated[
        bool,
        typer.Option("--fix-format", help="Rewrite a valid file in the canonical layout."),
    ] = False,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """Check a catalogue file and list every problem in it.

    Example: gbastd validate --check-format data/standards.toml
    """
    path = catalogue.resolve(file if file is not None else catalogue_path)
    with _user_errors():
        try:
            loaded = catalogue.load(path)
        except CatalogueInvalid as error:
            _emit(_escaped_lines("\n".join(error.lines())) + "\n")
            _fail(str(error) + ".", 1)
        if fix_format:
            with store.locked(store.target(path)):
                if store.write(path, catalogue.load(path)):
                    _say(_("Rewrote {path} in canonical form.").format(path=path) + "\n")
        elif check_format and not store.is_canonical(path, loaded):
            _fail(
                _(
                    "{path} is valid but not in canonical form; "
                    "gbastd validate --fix-format {path} rewrites it."
                ).format(path=path),
                1,
            )
        verdict = N_("{path}: valid catalogue, {standards} standards in {domains} domains.")
        if _stdout_is_terminal():  # in a pipe it is data, the same in every language
            verdict = _(verdict)
        counts = {"standards": len(loaded.standards), "domains": len(loaded.domains)}
        _emit(verdict.format(path=path, **counts) + "\n")


def _change(
    target: Path | None, dry_run: bool, apply: Callable[[Catalogue], Catalogue]
) -> tuple[Catalogue, Catalogue]:
    """Load the catalogue to change under its lock, apply a change, show it, and write it."""
    from gbastd import edit
    from gbastd.formats import diff_text

    path = store.target(target)
    with store.locked(path):
        before = _load(path)
        after = apply(before)
        difference = edit.diff(before, after)
        if dry_run:
            _emit(diff_text(difference))
            _say(_("Dry run: nothing was written.") + "\n")
            return before, after
        written = store.write(path, after)
    if _stdout_is_terminal():
        _emit(diff_text(difference))
    _say((_("Wrote {path}.") if written else _("{path} is unchanged.")).format(path=path) + "\n")
    return before, after


_ENTRY_FLAGS = {field.name: field_flag(field) for field in ENTRY_FIELDS}


@app.command("add")
@_with(entry=ENTRY)
def add_command(
    *,
    entry: dict[str, Any],
    dry_run: DryRunOpt = False,
    target: WriteTargetOpt = None,
) -> None:
    """Add a standard to a catalogue; every field of the schema has its option.

    Example: gbastd add --title-zh 丝苗米 --domain food --source https://example.org/list
    """
    from gbastd import edit

    standard = edit.new_standard(entry)

    def apply(loaded: Catalogue) -> Catalogue:
        with _usage_errors():
            edit.check_entry(loaded, standard)
        return edit.add(loaded, standard)

    with _user_errors():
        _change(target, dry_run, apply)


@app.command("edit")
def edit_command(
    key: KeyArg,
    assignments: Annotated[
        list[str],
        typer.Option(
            "--set",
            metavar="FIELD=VALUE",
            help="FIELD=VALUE (repeat); an empty VALUE unsets the field; "
            "list fields take VALUE;VALUE.",
        ),
    ],
    dry_run: DryRunOpt = False,
    target: WriteTargetOpt = None,
) -> None:
    """Change fields of one standard.

    Example: gbastd edit WQ1-8 --set publisher=广东省粤港澳大湾区标准促进会
    """
    from gbastd import edit

    changes: dict[str, Any] = {}
    for name, value in map(_assignment, assignments):
        if name in changes:
            raise typer.BadParameter(
                _("sets {field} twice.").format(field=name), param_hint="'--set'"
            )
        changes[name] = value

    def apply(loaded: Catalogue) -> Catalogue:
        position = query.locate(loaded, key)
        with _usage_errors("--set"):
            edit.check_entry(loaded, edit.changed_entry(loaded.standards[position], changes))
        return edit.update(loaded, position, changes)

    with _user_errors():
        _change(target, dry_run, apply)


@app.command("remove")
def remove_command(
    key: KeyArg,
    dry_run: DryRunOpt = False,
    target: WriteTargetOpt = None,
) -> None:
    """Remove one standard from a catalogue.

    Example: gbastd remove "WQ 1-8" --dry-run
    """
    from gbastd import edit

    with _user_errors():
        _change(target, dry_run, lambda loaded: edit.remove(loaded, query.locate(loaded, key)))


@app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(
            metavar="FILE",
            help="PDF, DOCX, XLSX, CSV or TSV: the official list as published, or an export.",
        ),
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="URL of the list, for new and changed entries.")
    ] = None,
    domain: Annotated[
        list[str] | None,
        typer.Option(
            "--domain",
            "-d",
            help="Domain tag for new entries; repeat or comma-separate.",
            autocompletion=_complete_tags,
        ),
    ] = None,
    listed: Annotated[
        str | None,
        typer.Option(
            "--listed",
            metavar="YYYY-MM-DD",
            parser=_parser("listed"),
            help="The notice's date: listed of the entries the list adds, or that lack one.",
        ),
    ] = None,
    batch: Annotated[
        int | None,
        typer.Option(
            "--batch",
            metavar="N",
            parser=_parser("batch"),
            help="The notice's batch number, given to entries likewise.",
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet",
            metavar="NAME|NUMBER",
            help="XLSX: the sheet to read (default: the first with the list's header).",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(help="CSV/TSV encoding (default: UTF-8, GB18030/GBK, UTF-16 with BOM)."),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace values that differ from the list's.")
    ] = False,
    dry_run: DryRunOpt = False,
    target: WriteTargetOpt = None,
) -> None:
    """Merge a published list into a catalogue.

    Reads the file's kind from its content, and its table as a person would: the header found
    by the official column names, headers repeated on new pages dropped, rows continued on the
    next page merged, notes left out. Matches rows by gba_id, then code, then title: adds new
    entries, fills values entries lacked, and reports values that differ (kept unless
    --overwrite). --dry-run shows the whole plan, and what a real import would still need.

    Example: gbastd import list.pdf --source https://example.org/list --domain food
    """
    from gbastd import edit, sheets

    with _user_errors():
        reading = sheets.read_list(file, encoding=encoding, sheet=sheet)
        _say(reading.summary + "\n")
        rows = reading.rows
        tags = _tags(domain)
        plans: list[edit.MergePlan] = []
        refusals: list[GbastdError] = []

        def apply(loaded: Catalogue) -> Catalogue:
            query.check_domains(loaded, tags)
            with _usage_errors():  # a row's own listed or batch contradicts the option's
                plan = edit.plan_merge(
                    loaded,
                    rows,
                    today=_today(),
                    overwrite=overwrite,
                    source=source,
                    domains=tags,
                    listed=listed,
                    batch=batch,
                )
            plans.append(plan)
            try:
                return edit.carried_out(loaded, plan)
            except GbastdError as refusal:
                if not dry_run:
                    raise
                refusals.append(refusal)  # a dry run shows the plan all the same
                return edit.planned(loaded, plan)

        _change(target, dry_run, apply)
        (plan,) = plans
        outcome = plan.report
        for conflict in outcome.conflicts:
            if overwrite:
                message = _(
                    "Conflict: {entry}: {field}: catalogue has {current}, the list has "
                    "{incoming} (replaced)."
                )
            else:
                message = _(
                    "Conflict: {entry}: {field}: catalogue has {current}, the list has "
                    "{incoming} (kept)."
                )
            shown = message.format(
                entry=conflict.entry,
                field=conflict.field,
                current=repr(conflict.current),
                incoming=repr(conflict.incoming),
            )
            _say(shown + "\n")
        summary = _(
            "{rows} rows: {added} added, {updated} updated, {unchanged} unchanged, "
            "{conflicts} conflicts."
        ).format(
            rows=len(rows),
            added=len(outcome.added),
            updated=len(outcome.updated),
            unchanged=outcome.unchanged,
            conflicts=len(outcome.conflicts),
        )
        _say(summary + "\n")
        if refusals:
            message = _("A real import would be refused: {reason}").format(reason=refusals[0])
            _fail(message, refusals[0].exit_code)


@app.command("diff")
@_with(fmt=_format_bundle(DIFF_FORMATS, Format.TEXT, "text: one line per change."))
def diff_command(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The earlier catalogue.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The later catalogue.")],
    *,
    fmt: Format,
) -> None:
    """Show entries added, removed and changed between two catalogues.

    Exit 0 when they hold the same, 1 when they differ, 2 when one cannot be read (as diff).

    Example: gbastd diff old.toml data/standards.toml --format json
    """
    from gbastd import edit
    from gbastd.formats import diff_json, diff_text

    try:
        difference = edit.diff(catalogue.load(old), catalogue.load(new))
    except CatalogueInvalid as error:
        _fail(error.report(), 2)
    except GbastdError as error:
        _fail(str(error), 2)
    _emit(diff_json(difference) if fmt is Format.JSON else diff_text(difference))
    raise typer.Exit(1 if difference else 0)


@app.command("schema")
def schema_command(
    part: Annotated[
        SchemaPart,
        typer.Argument(metavar="[catalogue|entry]", case_sensitive=False, help="What to describe."),
    ] = SchemaPart.CATALOGUE,
) -> None:
    """Print the JSON Schema of the catalogue file or of one entry.

    Example: gbastd schema entry > entry.schema.json
    """
    from gbastd.model import CatalogueFile, StandardModel

    model = CatalogueFile if part is SchemaPart.CATALOGUE else StandardModel
    _emit(json_value(model.model_json_schema()))


# ------------------------------------------------------------------ the language of a run
#
# The language is chosen before Typer parses anything (options.language: --lang, else
# $GBASTD_LANG, else the locale), so that help and usage errors speak it too. Every command
# declares --lang all the same, so that it is documented, completed and checked where it is
# given; the command bodies never see its value.

LANG = _declared(options.LANG)


def _speaking(callback: Callable[..., None]) -> Callable[..., None]:
    """``callback`` with the --lang option, whose value it is not given."""
    signature = inspect.signature(callback)

    @functools.wraps(callback)
    def run(*args: Any, lang: str | None = None, **values: Any) -> None:
        callback(*args, **values)

    run.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), LANG]
    )
    return run


for _info in [app.registered_callback, *app.registered_commands]:
    assert _info is not None and _info.callback is not None
    _info.callback = _speaking(_info.callback)


class _HelpFormatter(HelpFormatter):
    """Click's help formatter in the run's language: its usage line starts in it, and text
    with Chinese characters folds by display width (text.for_wrapping)."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _("Usage: ") if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        if heading.isascii():
            super().write_heading(heading)
        else:  # a Chinese heading ends with a full-width colon
            self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        with self._narrower(not text.isascii()):
            super().write_text(self._prepared(text))

    def write_dl(self, rows: Sequence[tuple[str, str]], *args: Any, **kwargs: Any) -> None:
        with self._narrower(not all(text.isascii() for _, text in rows)):
            prepared = [(term, self._prepared(text)) for term, text in rows]
            super().write_dl(prepared, *args, **kwargs)

    @staticmethod
    def _prepared(text: str) -> str:
        """Chinese text folds between characters; in English help, a Chinese word is a word."""
        return for_wrapping(text, between_characters=i18n.current() != i18n.ENGLISH)

    @contextmanager
    def _narrower(self, chinese: bool) -> Iterator[None]:
        """Wrap text with Chinese a little narrower in a Chinese run, as text.for_wrapping
        needs. An English run's help, Chinese in a few words, keeps its width and wrapping
        (a line it starts with a Chinese character may run a cell over)."""
        narrower = NARROWER if chinese and i18n.current() != i18n.ENGLISH else 0
        self.width -= narrower
        try:
            yield
        finally:
            self.width += narrower

    def write(self, string: str) -> None:
        super().write(as_wrapped(string))


class _Context(typer.Context):
    formatter_class = _HelpFormatter


HELP_OPTION_HELP = N_("Show this message and exit.")
"""click's help of -h/--help, an option it adds to each command when asked for it."""


def _translated_help_option(made: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def translated(ctx: Any) -> Any:
        option = made(ctx)
        if option is not None and option.help == HELP_OPTION_HELP:
            option.help = _(HELP_OPTION_HELP)
        return option

    return translated


def _in_language(command: Command) -> None:
    """Give ``command`` (a click command built from the app), its options and arguments, and
    its subcommands, help in the run's language, folded by display width."""
    command.context_class = _Context
    if i18n.current() == i18n.ENGLISH:
        for subcommand in getattr(command, "commands", {}).values():
            _in_language(subcommand)
        return
    command.get_help_option = _translated_help_option(command.get_help_option)  # type: ignore[method-assign, assignment]
    if command.help:
        command.help = _(command.help)
        command.short_help = command.help.strip().splitlines()[0]
    for parameter in command.params:
        if getattr(parameter, "help", None):
            parameter.help = _(parameter.help)  # type: ignore[attr-defined]
    for subcommand in getattr(command, "commands", {}).values():
        _in_language(subcommand)


def _app_for(args: Sequence[str]) -> typer.Typer:
    """Return an app holding just the command that argv names, or the whole app.

    Typer turns every registered command into a click command on each start, about half a
    millisecond each; a run uses one. Help, completion and unknown names get the whole app.
    """
    if args and not args[0].startswith("-") and "_GBASTD_COMPLETE" not in os.environ:
        for info in app.registered_commands:
            if info.name == args[0]:
                single = typer.Typer(**_APP_SETTINGS)
                single.registered_callback = app.registered_callback
                single.registered_commands = [info]
                return single
    return app


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Run the command line; no Python traceback ever reaches the user."""
    _standard_streams()
    args = _utf8_arguments(sys.argv[1:]) if argv is None else list(argv)
    # A short-lived process that makes no reference cycles worth collecting: the collector
    # would only walk a large catalogue's records again and again.
    gc.disable()
    try:
        _speak(options.language(args, os.environ))
    except UnknownLanguage as error:  # said in the locale's language, as a usage error
        _speak(i18n.of_locale(os.environ))
        message = _("${variable} is {value}, which names no language: use zh-Hans, zh-Hant or en.")
        _say(
            _("Error: {message}").format(
                message=message.format(variable=options.LANGUAGE_VARIABLE, value=repr(error.value))
            )
            + "\n"
        )
        _exit(error.exit_code)
    try:
        code = _run(args)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:
        _say(_("Interrupted.") + "\n")
        code = 130
    except Exception as error:  # the last line of defence: one sentence, not a traceback
        if not (isinstance(error, OSError) and _Failure.error is not None):
            message = _("Error: internal error ({kind}: {error}); please report it.")
            _say(message.format(kind=type(error).__name__, error=error) + "\n")
        code = 1
    if _Failure.error is not None:  # stdout failed where click wrote (help): say so once
        code = _output_failed(_Failure.error)
    _exit(code)


def _speak(language: str) -> None:
    """Speak ``language`` in this run: gbastd's own words, and the few words of Typer's help
    (Options, Arguments, default:, env var:), which typer.core takes from gettext under the
    name ``_``: pointed at gbastd's catalogue, they are translated with the rest."""
    i18n.use(language)
    typer.core._ = i18n._  # type: ignore[attr-defined]


def click_command(args: Sequence[str]) -> Command:
    """The click command that runs ``args``, its help in the run's language and folded by
    display width (scripts/gen_cli_docs.py renders docs/cli.md with it too)."""
    command = typer.main.get_command(_app_for(args))
    _in_language(command)
    return command


def _run(args: list[str]) -> int:
    """Run the command ``args`` name and return its exit code; usage errors are reported in
    the run's language."""
    command = click_command(args)
    try:
        result = command.main(args=args, prog_name="gbastd", standalone_mode=False)
    except UsageError as error:
        _usage_error(error)
        return error.exit_code
    except ClickException as error:
        _say(_("Error: {message}").format(message=error.format_message()) + "\n")
        return error.exit_code
    except typer.Abort:
        _say(_("Aborted!") + "\n")
        return 1
    return result if isinstance(result, int) else 0


def _usage_error(error: UsageError) -> None:
    """Say what is wrong with a command line, as click does, in the run's language."""
    if i18n.current() == i18n.ENGLISH or isinstance(error, NoArgsIsHelpError):
        error.show()
        return
    text = ""
    if error.ctx is not None:
        hint = ""
        if error.ctx.command.get_help_option(error.ctx) is not None:
            hint = _("Try '{command} {option}' for help.").format(
                command=error.ctx.command_path, option=error.ctx.help_option_names[0]
            )
            hint += "\n"
        text = f"{error.ctx.get_usage()}\n{hint}\n"
    _say(text + _("Error: {message}").format(message=_click_message(error)) + "\n")


def _click_message(error: UsageError) -> str:
    """Click's message for a usage error, in the run's language."""
    if isinstance(error, BadParameter) and not isinstance(error, MissingParameter):
        hint = error.param_hint
        if hint is None and error.param is not None:
            hint = error.param.get_error_hint(error.ctx)  # type: ignore[arg-type]
        if hint is not None:  # quoted already when one text, as click's _join_param_hints
            hints = hint if isinstance(hint, str) else " / ".join(f"'{h}'" for h in hint)
            return _("Invalid value for {option}: {reason}").format(
                option=hints, reason=_click_sentence(error.message)
            )
    return _click_sentence(error.format_message())


_CLICK_SENTENCES = (
    (r"No such option: (?P<option>\S+)", N_("No such option: {option}")),
    (
        r"No such option: (?P<option>\S+) \(Possible options: (?P<close>.+)\)",
        N_("No such option: {option} (possible options: {close})"),
    ),
    (r"Missing argument '(?P<argument>.+)'\.", N_("Missing argument '{argument}'.")),
    (r"Missing option '(?P<option>.+)'\.", N_("Missing option '{option}'.")),
    (
        r"Got unexpected extra argument\(s\) \((?P<arguments>.*)\)",
        N_("Got unexpected extra arguments ({arguments})."),
    ),
    (
        r"Option '(?P<option>.+)' requires an argument\.",
        N_("Option '{option}' requires an argument."),
    ),
    (
        r"Option '(?P<option>.+)' does not take a value\.",
        N_("Option '{option}' does not take a value."),
    ),
    (
        r"(?P<value>'.*') is not one of (?P<choices>.*)\.",
        N_("{value} is not one of {choices}."),
    ),
    (
        r"(?P<value>'.*') is not a valid (?:integer|int range)\.",
        N_("{value} is not a whole number."),
    ),
    (
        r"(?P<value>.+) is not in the range (?P<range>.+)\.",
        N_("{value} is not in the range {range}."),
    ),
    (
        r"(?P<value>'.*') does not match the formats? '%Y-%m-%d'\.",
        N_("{value} is not a date written YYYY-MM-DD."),
    ),
    (
        r"(?P<message>.+?)\.? Did you mean (?P<close>.+)\?",
        N_("{message} Did you mean {close}?"),
    ),
)
"""Click's own sentences (written in English inside click), matched whole and translated.
Typer's own (Missing command, No such command) come translated through typer.core's ``_``
(see _speak), but for the ' Did you mean …?' it appends in English, matched last. Patterns
are compiled when a usage error is translated (re caches them), not on every start."""


def _click_sentence(text: str) -> str:
    for pattern, template in _CLICK_SENTENCES:
        matched = re.fullmatch(pattern, text)
        if matched:
            return _(template).format(**matched.groupdict())
    return text


def _exit(code: int) -> NoReturn:
    """Flush and leave without tearing down every object one by one.

    Freeing a large loaded catalogue object by object takes longer than the command itself
    (about 70 ms for 100,000 entries); the operating system reclaims the memory at once.
    Only data decides the exit code: a stdout that fails now is reported as any failed write
    of data; a stderr that fails loses a message, nothing more.
    """
    if sys.stdout is not None and _Failure.code is None:
        try:
            sys.stdout.flush()
        except OSError as error:
            code = _output_failed(error)
        except ValueError:  # closed under us
            code = code or 1
    if sys.stderr is not None:
        with suppress(OSError, ValueError):
            sys.stderr.flush()
    os._exit(code)

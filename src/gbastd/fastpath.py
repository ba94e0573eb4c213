"""Answer the commonest piped calls before Typer is imported; fall through for anything else.

``gbastd list --domain food --format csv`` and ``gbastd show WQ1-8`` run in loops and
pipelines, where importing Typer and click costs several times what the answer does. When
standard output is not a terminal and the catalogue's snapshot is sound, this module parses the
argument vector with the very declarations the Typer CLI is built from (``options.py``), asks
the same core functions, and writes the same bytes. Whenever it is not sure, it answers
nothing and ``gbastd.cli`` runs as if it did not exist: any token it does not know (help, an
abbreviation, ``--``, a value that looks like an option), any value an option would refuse or
that needs more than a comparison to check (dates), a changed or refused catalogue, and every
error, whose message is the CLI's to give. tests/test_fastpath.py holds
both paths to identical stdout, stderr and exit codes over generated argument vectors.

The output code (every byte written, a vanished reader quietly 141, any other failure one
sentence and 1) lives here and is what ``cli.py`` uses too.
"""

from __future__ import annotations

import codecs
import os
import sys

from gbastd import catalogue, i18n, options, query
from gbastd.i18n import _
from gbastd.options import Listing, Option
from gbastd.records import paused_collector

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

EXIT_BROKEN_PIPE = 141
EXIT_INTERRUPTED = 130


def _original_bytes(error: UnicodeError) -> tuple[str | bytes, int]:
    """Write a surrogate escape (how Python keeps an undecodable byte of a file name or an
    argument) as the byte it stands for, and anything else that UTF-8 cannot encode (a lone
    surrogate) escaped: writing text never fails."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start : error.end]
    if all("\udc80" <= character <= "\udcff" for character in chunk):
        return bytes(ord(character) - 0xDC00 for character in chunk), error.end
    return codecs.backslashreplace_errors(error)


TEXT_ERRORS = "gbastd-original-bytes"
"""The error handler that encodes output text: see ``_original_bytes``."""
codecs.register_error(TEXT_ERRORS, _original_bytes)


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write every byte of ``data`` to ``fd``.

    One write may take only part: an unbuffered stream (PYTHONUNBUFFERED=1) writes once, and
    a full non-blocking pipe (as Node.js spawns them) takes what fits or nothing (EAGAIN).
    Loop, and wait until the descriptor can take more rather than spinning.
    """
    view = memoryview(data).cast("B")
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:
            _wait_writable(fd)
            continue
        view = view[written:]


def _wait_writable(fd: int) -> None:
    """Wait until a non-blocking ``fd`` can take more (or has failed, for the next write to
    say how); imported only when a write would block."""
    import select

    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(fd, select.POLLOUT)
        poller.poll()
    else:  # pragma: no cover - systems without poll
        select.select([], [fd], [])


def write_failure(error: OSError) -> tuple[int, str]:
    """The exit code of a failed write of data, and what to say: nothing when the reader has
    gone (141, as cat or grep), else one sentence (1)."""
    if isinstance(error, BrokenPipeError):
        return EXIT_BROKEN_PIPE, ""
    reason = _("cannot write output: {reason}.").format(reason=error.strerror or error)
    return 1, _("Error: {message}").format(message=reason) + "\n"


# ------------------------------------------------------------------ the fast path


def run(args: Sequence[str]) -> None:
    """Answer ``args`` and end the process, or return at once (having written nothing) for
    the full CLI to answer them. Only a pipe or file is answered here: a terminal gets rich
    tables, and a closed stdout the CLI's own sentence."""
    if sys.stdout is None or os.isatty(1):
        return
    try:
        # Answering builds many objects and no cycles, and the process ends right after:
        # the garbage collector's passes would only walk them (see records.paused_collector).
        with paused_collector():
            data = answer(args)
        if data is None:
            return
        try:
            write_all(1, data)
            code = 0
        except OSError as error:
            _speak(args)
            code, message = write_failure(error)
            _tell(message)
    except KeyboardInterrupt:
        _speak(args)
        _tell(_("Interrupted.") + "\n")
        code = EXIT_INTERRUPTED
    os._exit(code)  # nothing is buffered, and a large catalogue is freed faster by the system


def _speak(args: Sequence[str]) -> None:
    """Speak the language ``args`` ask for, as the CLI would: only to say what went wrong, so
    that an answer costs no language at all (answer() has checked $GBASTD_LANG)."""
    try:
        i18n.use(options.language(args, os.environ))
    except Exception:  # a language that cannot be told: English, the default
        return


def _tell(message: str) -> None:
    """Write a message to stderr; a closed or full stderr loses it, nothing more."""
    try:  # noqa: SIM105 - contextlib.suppress would cost this path an import
        write_all(2, message.encode())
    except OSError:
        pass


def answer(args: Sequence[str]) -> bytes | None:
    """What the CLI would write to a pipe for ``args`` when it succeeds, or None when the full
    CLI must answer (see the module's docstring)."""
    if "_GBASTD_COMPLETE" in os.environ:  # shell completion is click's
        return None
    if sys.getfilesystemencoding() != "utf-8" and not all(arg.isascii() for arg in args):
        return None  # the CLI decodes such arguments first
    try:
        options.language(args, os.environ)  # a $GBASTD_LANG that names none: the CLI says so
        parsed = parse(args)
        if parsed is None:
            return None
        text = _answer(*parsed)
    except Exception:  # an error (GbastdError or not, parsing included) is the CLI's to report
        return None
    return None if text is None else text.encode("utf-8", TEXT_ERRORS)


def _answer(name: str, values: dict[str, Any], arguments: list[str]) -> str | None:
    fields = options.field_names(values["fields"])
    fmt = options.output_format(values["fmt"])
    assert fmt is not None  # list and show have a default format
    loaded = catalogue.load_unchanged(values["catalogue_path"])
    if loaded is None:
        return None
    today = options.today()
    if name == "show":
        (key,) = arguments
        return options.piped_record(query.lookup(loaded, key), fields, fmt, today=today)
    filters = options.filters(**_taken(values, options.FILTER_OPTIONS))
    ordering = options.ordering(**_taken(values, options.ORDERING_OPTIONS))
    selected = query.select(loaded, filters, today=today)
    return options.piped_listing(selected, Listing(ordering, fields, fmt), today=today)


def _taken(values: dict[str, Any], declared: Sequence[Option]) -> dict[str, Any]:
    return {option.name: values[option.name] for option in declared}


def parse(args: Sequence[str]) -> tuple[str, dict[str, Any], list[str]] | None:
    """The command, its option values (by parameter name, defaults filled in) and its
    positional arguments, as click would give them; None for anything not fully understood
    (an unknown or misspelt option, ``--``, a value that looks like an option)."""
    if not args or args[0] not in options.COMMANDS:
        return None
    command = options.COMMANDS[args[0]]
    by_flag = {flag: option for option in command.options for flag in option.flags}
    values: dict[str, Any] = {option.name: option.default for option in command.options}
    arguments: list[str] = []
    tokens = iter(args[1:])
    for token in tokens:
        if not token.startswith("-") or token == "-":
            arguments.append(token)
            continue
        if token.startswith("--"):
            flag, equals, attached = token.partition("=")
        else:  # a short option, its value attached or not: -dfood, -d food
            flag, attached = token[:2], token[2:]
            equals = "=" if attached else ""
        option = by_flag.get(flag)
        if option is None:
            return None
        if option.kind == options.FLAG:
            if equals:
                return None
            value: Any = True
        else:
            raw = attached if equals else next(tokens, None)
            if raw is None or raw.startswith("-"):
                return None
            value = _value(option, raw)
            if value is None:
                return None
        if option.kind == options.TEXTS:
            values[option.name] = [*(values[option.name] or ()), value]
        else:  # given again, the last one counts, as in click
            values[option.name] = value
    if len(arguments) != len(command.arguments) or "-" in arguments:
        return None
    return args[0], values, arguments


def _value(option: Option, raw: str) -> Any:
    """An option's value as click converts it, or None where it would refuse it or where
    checking it takes more than this module knows (dates)."""
    if option.kind in (options.TEXT, options.TEXTS):
        return raw
    if option.kind == options.CHOICE:
        wanted = raw.lower() if option.fold_case else raw
        for choice in option.choices:
            if (choice.lower() if option.fold_case else choice) == wanted:
                return choice
        return None
    if option.kind == options.INTEGER:
        if not (raw.isascii() and raw.isdigit()):
            return None
        number = int(raw)  # ValueError above 4,300 digits (click's usage error): see answer
        return number if options.within(option, number) else None
    if option.kind == options.PATH:
        return raw or None
    return None

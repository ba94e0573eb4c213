"""The errors gbastd raises: each carries one sentence a user can act on.

The core raises them; ``cli.py`` turns them into a message on stderr and an exit code, once.
"""

from __future__ import annotations

from gbastd.i18n import _, ngettext

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import NamedTuple
else:
    from gbastd._plain import NamedTuple


class GbastdError(Exception):
    """Base of every error gbastd reports to a user; ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InvalidQuery(GbastdError):
    """A request that cannot be answered as asked (an unknown tag or field): a usage error."""

    exit_code = 2


class Problem(NamedTuple):
    """One thing wrong with a catalogue file, located as precisely as the file allows."""

    message: str
    position: int | None = None  # 1-based position of the [[standard]] entry
    entry: str | None = None  # the entry's gba_id, code or title, as written
    field: str | None = None  # dotted path of the field inside the entry or section
    line: int | None = None
    column: int | None = None

    def describe(self, path: str) -> str:
        """Return the problem as one line that names the file, line, entry and field."""
        where = path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        parts = [where]
        if self.position is not None:
            label = _("standard #{position} ({entry})") if self.entry else _("standard #{position}")
            parts.append(label.format(position=self.position, entry=self.entry))
        if self.field:
            parts.append(self.field)
        return ": ".join([*parts, self.message])


class CatalogueError(GbastdError):
    """A catalogue file cannot be used."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class CatalogueNotFound(CatalogueError):
    """The catalogue file does not exist or cannot be read."""


class CatalogueInvalid(CatalogueError):
    """The catalogue file was read but breaks the schema; ``problems`` lists every problem."""

    def __init__(self, path: str, problems: Sequence[Problem]) -> None:
        count = len(problems)
        message = ngettext(
            "not a valid catalogue ({count} problem)",
            "not a valid catalogue ({count} problems)",
            count,
        ).format(count=count)
        CatalogueError.__init__(self, path, message)
        self.problems = tuple(problems)

    def lines(self) -> list[str]:
        """Return every problem as a line naming the file."""
        return [problem.describe(self.path) for problem in self.problems]

    def report(self) -> str:
        """Return the sentence and every problem, indented, as one message."""
        return str(self) + ":\n" + "\n".join("  " + line for line in self.lines())


class StandardNotFound(GbastdError, LookupError):
    """No entry matches a key; ``suggestions`` holds the closest keys."""

    def __init__(self, key: str, suggestions: Sequence[str] = ()) -> None:
        if suggestions:
            message = _("No standard matches {key}. Did you mean: {suggestions}?").format(
                key=repr(key), suggestions=", ".join(suggestions)
            )
        else:
            message = _("No standard matches {key}. Try: {command}").format(
                key=repr(key), command=f"gbastd search {key!r}"
            )
        super().__init__(message)
        self.key = key
        self.suggestions = tuple(suggestions)


class AmbiguousKey(GbastdError, LookupError):
    """A key matches more than one entry; ``matches`` names them all."""

    def __init__(self, key: str, matches: Sequence[str]) -> None:
        count = len(matches)
        super().__init__(
            ngettext(
                "{key} matches {count} standard: {matches}. Use a gba_id or code to pick one.",
                "{key} matches {count} standards: {matches}. Use a gba_id or code to pick one.",
                count,
            ).format(key=repr(key), count=count, matches="; ".join(matches))
        )
        self.key = key
        self.matches = tuple(matches)


class UnknownField(InvalidQuery):
    """A field name that the schema does not have."""

    def __init__(self, name: str, valid: Sequence[str]) -> None:
        super().__init__(
            _("Unknown field {name}. Valid fields: {fields}.").format(
                name=repr(name), fields=", ".join(valid)
            )
        )
        self.name = name


class BadOption(InvalidQuery):
    """A command-line option's value that the option does not take: a usage error (exit 2)
    that the CLI reports under the option's name, ``flag``."""

    def __init__(self, flag: str, reason: str) -> None:
        super().__init__(reason)
        self.flag = flag
        self.reason = reason


class UnknownLanguage(InvalidQuery):
    """``$GBASTD_LANG`` names no display language (and no ``--lang`` says which to use)."""

    def __init__(self, value: str) -> None:
        super().__init__(value)
        self.value = value


class OutputError(GbastdError):
    """An output file cannot be written (exists, is a directory, is not writable)."""


class WriteRefused(GbastdError):
    """gbastd will not write there (no catalogue named, or the installed package)."""


class CatalogueBusy(GbastdError):
    """Another gbastd is writing the same catalogue."""


class InvalidValue(InvalidQuery):
    """A value given for a field is not a value of that field: on the command line, a usage
    error (exit 2) that the CLI reports under the option's name."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


class ChangeRejected(GbastdError):
    """A change (add, edit, import) would make the catalogue break a rule across entries;
    nothing is written. ``problems`` name the entries involved by their labels."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        lines = "; ".join(
            ": ".join(part for part in (p.entry, p.field, p.message) if part) for p in problems
        )
        super().__init__(_("The change was not made: {problems}.").format(problems=lines))
        self.problems = tuple(problems)


class IncompleteImport(GbastdError):
    """Rows that would become new entries lack what every entry needs."""


class SheetError(GbastdError):
    """A file that cannot be read as a list of standards (a sheet, a PDF, a DOCX, a text)."""


def clause(error: BaseException) -> str:
    """A library's exception as a clause of a message: its text, else its kind; no full stop."""
    return (str(error) or type(error).__name__).rstrip(".")

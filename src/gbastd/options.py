"""The options of the commands that read a catalogue, declared once as plain data.

``cli.py`` builds its Typer options from these declarations, and ``fastpath.py``, which answers
the commonest piped calls before Typer is even imported, parses argument vectors with the very
same ones: the two cannot disagree about what a command accepts. What the values mean (how they
combine into ``query.Filters``, an ``Ordering`` and field names, and what a command then writes
to a pipe) is here too, for both. A bad value raises ``BadOption``, which the CLI reports as a
usage error of the option that gave it.
"""

from __future__ import annotations

import time

from gbastd import i18n, query
from gbastd.catalogue import ENV_VAR
from gbastd.errors import BadOption, UnknownField, UnknownLanguage
from gbastd.fields import FIELDS, TABLE_COLUMNS
from gbastd.formats import ROW_WRITERS, Format, to_json_object
from gbastd.i18n import LANGUAGES, _
from gbastd.records import Standard, Status

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any, NamedTuple
else:
    from gbastd._plain import NamedTuple

# What an option takes; cli.py maps each kind to a Typer type, fastpath.py to a parser.
TEXT = "text"  # one string
TEXTS = "texts"  # a string, repeatable, each also comma-separated
CHOICE = "choice"  # one of ``choices`` (case-insensitive where ``fold_case``)
INTEGER = "integer"  # a whole number within ``minimum`` and ``maximum``
DATE = "date"  # YYYY-MM-DD
FLAG = "flag"  # present or not
PATH = "path"  # a file name, also from ``envvar``

# What a shell offers for an option's value (completion.py), besides a CHOICE's choices.
TAGS = "tags"  # the catalogue's declared domain tags, after a comma too
FIELD_NAMES = "field_names"  # field names, after a comma too
FIELD_NAME = "field_name"  # one field name


class Option(NamedTuple):
    """One command-line option: its parameter name, its flags and what it takes."""

    name: str
    flags: tuple[str, ...]
    kind: str
    help: str
    default: Any = None
    choices: tuple[str, ...] = ()
    fold_case: bool = False
    minimum: int | None = None
    maximum: int | None = None
    envvar: str | None = None  # where the value comes from when the option is not given
    completes: str | None = None  # TAGS, FIELD_NAMES or FIELD_NAME


LIST_FORMATS = (Format.TABLE, Format.TSV, Format.CSV, Format.JSON, Format.JSONL, Format.MD)
STATUS_CHOICES = (*Status, query.UNKNOWN)

DOMAIN = Option(
    "domain",
    ("--domain", "-d"),
    TEXTS,
    "Domain tag (see `gbastd domains`); repeat or comma-separate: any one matches.",
    completes=TAGS,
)
STATUS = Option(
    "status",
    ("--status",),
    CHOICE,
    "Stated or date-derived status; unknown: neither.",
    choices=tuple(str(status) for status in STATUS_CHOICES),
)
BATCH = Option("batch", ("--batch",), INTEGER, "List batch (1, 2, …).", minimum=1)
YEAR = Option("year", ("--year",), INTEGER, "Year the item was listed.", minimum=1, maximum=9999)
SINCE = Option("since", ("--since",), DATE, "Listed on or after (YYYY-MM-DD).")
UNTIL = Option("until", ("--until",), DATE, "Listed on or before (YYYY-MM-DD).")
PUBLISHER = Option("publisher", ("--publisher",), TEXT, "Publisher contains this text.")
SEARCH = Option(
    "search",
    ("--search", "-s"),
    TEXT,
    "Matches ids, codes, titles, publisher, group or domains (tags and labels).",
)
FILTER_OPTIONS = (DOMAIN, STATUS, BATCH, YEAR, SINCE, UNTIL, PUBLISHER, SEARCH)
"""The filters of list and export; search takes all but --search (its query is one)."""

SORT = Option(
    "sort",
    ("--sort",),
    TEXT,
    "Sort by this field (numbers in text by value, Chinese text by pinyin; unknown last).",
    completes=FIELD_NAME,
)
REVERSE = Option("reverse", ("--reverse",), FLAG, "Reverse the order.", default=False)
LIMIT = Option("limit", ("--limit", "-n"), INTEGER, "Show at most N entries.", minimum=0)
ORDERING_OPTIONS = (SORT, REVERSE, LIMIT)

FIELDS_OPTION = Option(
    "fields",
    ("--fields", "-F"),
    TEXTS,
    "Fields to output, comma-separated or repeated, e.g. gba_id,code,title_zh.",
    completes=FIELD_NAMES,
)


def within(option: Option, number: int) -> bool:
    """Whether ``number`` is within an integer option's bounds."""
    low, high = option.minimum, option.maximum
    return (low is None or number >= low) and (high is None or number <= high)


def format_option(choices: Sequence[Format], default: Format | None, help_text: str) -> Option:
    """The --format option of a command that offers ``choices`` of the one Format enum; with
    no ``default``, a format not given is None (export: the output file's extension decides)."""
    return Option(
        "fmt",
        ("--format", "-f"),
        CHOICE,
        help_text,
        default=None if default is None else str(default),
        choices=tuple(str(choice) for choice in choices),
        fold_case=True,
    )


LIST_FORMAT = format_option(
    LIST_FORMATS, Format.TABLE, "table is a rich table on a terminal and plain TSV elsewhere."
)


def catalogue_option(help_text: str) -> Option:
    """The --catalogue option (or $GBASTD_CATALOGUE) of a command that reads or writes one."""
    return Option("catalogue_path", ("--catalogue", "-c"), PATH, help_text, envvar=ENV_VAR)


CATALOGUE = catalogue_option("Catalogue file to read instead of the embedded one.")

NO_PAGER = Option(
    "no_pager",
    ("--no-pager",),
    FLAG,
    "Print a table taller than the terminal instead of paging it (pipes are never paged).",
    default=False,
)
"""Of every command that draws a table on a terminal; in a pipe it changes nothing."""

LANGUAGE_VARIABLE = "GBASTD_LANG"
LANG = Option(
    "lang",
    ("--lang",),
    CHOICE,
    "Display language: zh-Hans, zh-Hant or en (default: $GBASTD_LANG, else the locale).",
    choices=LANGUAGES,
    fold_case=True,
)
"""Of every command (cli.py gives it to each). Machine formats keep schema keys and stored
values whatever the language, so a pipe's output never depends on it."""


class Command(NamedTuple):
    """Everything a read command accepts: its positional arguments and its options."""

    arguments: tuple[str, ...]
    options: tuple[Option, ...]


COMMANDS = {
    "list": Command(
        (),
        (
            *FILTER_OPTIONS,
            *ORDERING_OPTIONS,
            FIELDS_OPTION,
            LIST_FORMAT,
            NO_PAGER,
            CATALOGUE,
            LANG,
        ),
    ),
    "show": Command(("keys",), (FIELDS_OPTION, LIST_FORMAT, NO_PAGER, CATALOGUE, LANG)),
}
"""The commands whose piped answers fastpath.py gives; tests/test_fastpath.py holds each to the
Typer command's own parameters, and both paths to the same output."""


def language(args: Sequence[str], environ: Mapping[str, str]) -> str:
    """The language a command line asks for: its last ``--lang`` (options end at ``--``),
    else ``$GBASTD_LANG``, else the locale's. Read before the CLI parses anything, so that its
    help and errors are in that language too. A ``--lang`` that names none is then the CLI's
    usage error; a ``$GBASTD_LANG`` that names none, with no ``--lang``, raises
    UnknownLanguage."""
    given = None
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            break
        if token == "--lang":
            token = "--lang=" + next(tokens, "")
        if token.startswith("--lang="):
            given = token.partition("=")[2]
    chosen = i18n.named(given) if given is not None else None
    if chosen is not None:
        return chosen
    variable = environ.get(LANGUAGE_VARIABLE, "")
    if variable:
        from_variable = i18n.named(variable)
        if from_variable is not None:
            return from_variable
        if given is None:
            raise UnknownLanguage(variable)
    return i18n.of_locale(environ)


# ------------------------------------------------------------------ what the values mean


def items(values: Sequence[str] | None) -> tuple[str, ...]:
    """Values of a repeatable option that also takes comma-separated lists (--domain a,b
    --domain c): each once, in the order given."""
    return tuple(dict.fromkeys(i.strip() for v in values or () for i in v.split(",") if i.strip()))


def tags(values: Sequence[str] | None) -> tuple[str, ...]:
    """The tags of --domain; given but empty (--domain "" or ",") is a bad option."""
    given = items(values)
    if values is not None and not given:
        raise BadOption("--domain", _("needs at least one tag."))
    return given


def filters(
    *,
    domain: list[str] | None,
    status: str | None,
    batch: int | None,
    year: int | None,
    since: str | None,
    until: str | None,
    publisher: str | None,
    search: str | None = None,
) -> query.Filters:
    """The filters the options give (dates as YYYY-MM-DD)."""
    return query.Filters(
        domains=tags(domain),
        status=status,
        batch=batch,
        year=year,
        since=since,
        until=until,
        publisher=publisher,
        search=search,
    )


class Ordering(NamedTuple):
    """How to order and cut a list of entries."""

    sort: str | None
    reverse: bool
    limit: int | None


def ordering(sort: str | None, reverse: bool, limit: int | None) -> Ordering:
    """The ordering the options give; an unknown --sort field is a bad option."""
    if sort is not None:
        _check_fields("--sort", [sort])
    return Ordering(sort, reverse, limit)


def field_names(fields: list[str] | None) -> tuple[str, ...] | None:
    """Field names given as repeated and comma-separated values: merged, each once, checked."""
    if fields is None:
        return None
    names = items(fields)
    if not names:
        raise BadOption("--fields", _("needs at least one field name."))
    return _check_fields("--fields", names)


def _check_fields(flag: str, names: Sequence[str]) -> tuple[str, ...]:
    try:
        return query.check_fields(names)
    except UnknownField as error:
        raise BadOption(flag, str(error)) from None


def output_format(fmt: str | None) -> Format | None:
    """The Format a --format value names, whatever its case."""
    return None if fmt is None else Format(fmt.lower())


class Listing(NamedTuple):
    """How to order, cut and write out a list of entries."""

    ordering: Ordering
    fields: tuple[str, ...] | None
    fmt: Format


def today() -> str:
    """Today's local date as YYYY-MM-DD, which derived statuses are judged at."""
    return time.strftime("%Y-%m-%d")


def order(standards: list[Standard], ordering: Ordering, *, today: str) -> list[Standard]:
    """``standards`` sorted, reversed and cut as ``ordering`` says."""
    if ordering.sort is not None:
        standards = query.sort_standards(
            standards, ordering.sort, reverse=ordering.reverse, today=today
        )
    elif ordering.reverse:
        standards = standards[::-1]
    return standards if ordering.limit is None else standards[: ordering.limit]


def listing_columns(listing: Listing) -> tuple[str, ...]:
    """The fields a listing shows: those asked for, else a table's columns, else every field."""
    return listing.fields or (TABLE_COLUMNS if listing.fmt is Format.TABLE else FIELDS)


def piped_listing(standards: list[Standard], listing: Listing, *, today: str) -> str:
    """What list and search write when their output is not a terminal."""
    columns = listing_columns(listing)
    rows = query.rows(order(standards, listing.ordering, today=today), columns, today=today)
    return ROW_WRITERS[listing.fmt](columns, rows)


def piped_records(
    found: list[Standard], fields: tuple[str, ...] | None, fmt: Format, *, today: str
) -> str:
    """What show writes for several keys when its output is not a terminal: one record per
    key in every format (a table is plain TSV, one row each; JSON an array)."""
    columns = fields or FIELDS
    rows = query.rows(found, columns, today=today)
    return ROW_WRITERS[Format.TSV if fmt is Format.TABLE else fmt](columns, rows)


def piped_record(
    found: Standard, fields: tuple[str, ...] | None, fmt: Format, *, today: str
) -> str:
    """What show writes for one entry when its output is not a terminal: a table is plain
    field-value TSV, JSON one object."""
    columns = fields or FIELDS
    (row,) = query.rows([found], columns, today=today)
    if fmt is Format.TABLE:
        return ROW_WRITERS[Format.TSV](("field", "value"), list(zip(columns, row, strict=True)))
    if fmt is Format.JSON:
        return to_json_object(columns, row)
    return piped_records([found], fields, fmt, today=today)

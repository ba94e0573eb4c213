"""The ``gbastd`` command line: parses arguments, calls the core, prints, and exits.

This is the only module that touches argv, stdout/stderr and exit codes. Data goes to stdout
as UTF-8; messages go to stderr. Rich is imported only when stdout is a terminal.

Exit codes: 0 success (an empty result included), 1 not found, invalid catalogue or refused
write, 2 usage error, 130 interrupted, 141 the reader of a pipe went away (as for cat or grep).
"""

import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from gbastd import catalogue, query, store
from gbastd._version import __version__
from gbastd.errors import CatalogueInvalid, GbastdError, InvalidQuery
from gbastd.formats import ROW_WRITERS, Format, json_value, to_csv, to_json_object, to_toml
from gbastd.records import FIELDS, Catalogue, Standard, Status

if TYPE_CHECKING:
    from rich.console import RenderableType

EXIT_BROKEN_PIPE = 141
TABLE_FIELDS = ("gba_id", "code", "title_zh", "domains", "listed", "status")
"""Columns of the ``table`` format, on a terminal and as plain TSV in a pipe."""

_APP_SETTINGS: dict[str, Any] = {
    "name": "gbastd",
    "no_args_is_help": True,
    "rich_markup_mode": None,  # plain click help and errors: no rich import, stable text
    "pretty_exceptions_enable": False,
    "context_settings": {"help_option_names": ["-h", "--help"]},
}
app = typer.Typer(**_APP_SETTINGS)


class ListFormat(StrEnum):
    """Formats of ``list``, ``search``, ``show``, ``domains``."""

    TABLE = "table"
    TSV = "tsv"
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    MD = "md"


class ExportFormat(StrEnum):
    """Formats of ``export``."""

    CSV = "csv"
    TSV = "tsv"
    JSON = "json"
    JSONL = "jsonl"
    TOML = "toml"
    MD = "md"


class StatusChoice(StrEnum):
    """Values of ``--status``; ``unknown`` selects entries whose status nothing states."""

    CURRENT = "current"
    UPCOMING = "upcoming"
    WITHDRAWN = "withdrawn"
    UNKNOWN = query.UNKNOWN


class SchemaPart(StrEnum):
    """What ``schema`` describes."""

    CATALOGUE = "catalogue"
    ENTRY = "entry"


_FILTERS = "Filters (combined with AND)"
_OUTPUT = "Output"

CatalogueOpt = Annotated[
    Path | None,
    typer.Option(
        "--catalogue",
        "-c",
        envvar=catalogue.ENV_VAR,
        show_envvar=True,
        dir_okay=True,
        help="Catalogue file to read instead of the embedded one.",
    ),
]
DryRunOpt = Annotated[
    bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
]
WriteTargetOpt = Annotated[
    Path | None,
    typer.Option(
        "--catalogue",
        "-c",
        envvar=catalogue.ENV_VAR,
        show_envvar=True,
        help="Catalogue to change (default: ./data/standards.toml, when it exists).",
    ),
]
DomainOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--domain",
        "-d",
        help="Domain tag (see `gbastd domains`); repeat or comma-separate: any of them matches.",
        rich_help_panel=_FILTERS,
    ),
]
StatusOpt = Annotated[
    StatusChoice | None,
    typer.Option(help="Stated or date-derived status.", rich_help_panel=_FILTERS),
]
BatchOpt = Annotated[
    int | None,
    typer.Option(
        min=1, help="List batch (1 = 2023-04-24, 2 = 2024-02-01).", rich_help_panel=_FILTERS
    ),
]
YearOpt = Annotated[
    int | None,
    typer.Option(min=1, max=9999, help="Year the item joined the list.", rich_help_panel=_FILTERS),
]
SinceOpt = Annotated[
    datetime | None,
    typer.Option(
        formats=["%Y-%m-%d"],
        help="Joined the list on or after (YYYY-MM-DD).",
        rich_help_panel=_FILTERS,
    ),
]
UntilOpt = Annotated[
    datetime | None,
    typer.Option(
        formats=["%Y-%m-%d"],
        help="Joined the list on or before (YYYY-MM-DD).",
        rich_help_panel=_FILTERS,
    ),
]
PublisherOpt = Annotated[
    str | None,
    typer.Option(help="Publisher contains this text.", rich_help_panel=_FILTERS),
]
SearchOpt = Annotated[
    str | None,
    typer.Option(
        "--search",
        "-s",
        help="Matches ids, codes, titles, publisher or group.",
        rich_help_panel=_FILTERS,
    ),
]
SortOpt = Annotated[
    str | None,
    typer.Option(
        help="Sort by this field (numbers in text by value; unknown last).", rich_help_panel=_OUTPUT
    ),
]
ReverseOpt = Annotated[
    bool, typer.Option("--reverse", help="Reverse the order.", rich_help_panel=_OUTPUT)
]
LimitOpt = Annotated[
    int | None,
    typer.Option("--limit", "-n", min=0, help="Show at most N entries.", rich_help_panel=_OUTPUT),
]
FieldsOpt = Annotated[
    str | None,
    typer.Option(
        "--fields",
        "-F",
        help="Comma-separated fields to output, e.g. gba_id,code,title_zh.",
        rich_help_panel=_OUTPUT,
    ),
]
KeyArg = Annotated[
    str,
    typer.Argument(
        metavar="KEY", help="A gba_id (WQ 1-8 or WQ1-8), a code, or an exact title, any script."
    ),
]
ListFormatOpt = Annotated[
    ListFormat,
    typer.Option(
        "--format",
        "-f",
        case_sensitive=False,
        help="table is a rich table on a terminal and plain TSV elsewhere.",
        rich_help_panel=_OUTPUT,
    ),
]


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
    sys.stderr.write(f"Error: {message}\n")
    raise typer.Exit(code)


def _stdout_is_terminal() -> bool:
    return sys.stdout is not None and sys.stdout.isatty()


def _emit(text: str) -> None:
    """Write data to stdout as UTF-8, whatever the locale; handle closed and full outputs."""
    if sys.stdout is None:
        _fail("cannot write output: standard output is closed.", 1)
    try:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:
            sys.stdout.write(text)
        else:
            buffer.write(text.encode("utf-8"))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader (head, less) has gone: stop quietly, and keep Python's shutdown flush from
        # complaining about the same closed pipe.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(EXIT_BROKEN_PIPE) from None
    except OSError as error:
        _fail(f"cannot write output: {error.strerror or error}.", 1)


def _print(*renderables: "RenderableType") -> None:
    """Print rich renderables to the terminal (NO_COLOR is honoured by rich)."""
    from rich.console import Console

    Console(highlight=False).print(*renderables)


def _note(message: str) -> None:
    """A message for a person at a terminal, on stderr; silent in pipes."""
    if _stdout_is_terminal():
        sys.stderr.write(message + "\n")


def _today() -> str:
    return date.today().isoformat()


def _load(path: Path | None) -> Catalogue:
    progress = _TerminalProgress() if sys.stderr is not None and sys.stderr.isatty() else None
    try:
        return catalogue.load(path, progress=progress)
    finally:
        if progress is not None:
            progress.clear()


class _TerminalProgress:
    """Tells a person at a terminal what a slow first run on a changed catalogue is doing."""

    def __init__(self) -> None:
        self.shown = False

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage == "parse":
            text = f"gbastd: reading the changed catalogue ({total / 1e6:.1f} MB)…"
        else:
            text = f"gbastd: validating {done:,} of {total:,} entries…"
        sys.stderr.write("\r\x1b[K" + text)
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _filters(
    *,
    domain: list[str] | None,
    status: StatusChoice | None,
    batch: int | None,
    year: int | None,
    since: datetime | None,
    until: datetime | None,
    publisher: str | None,
    search: str | None,
) -> query.Filters:
    tags = tuple(tag.strip() for value in domain or () for tag in value.split(",") if tag.strip())
    return query.Filters(
        domains=tags,
        status=status.value if status else None,
        batch=batch,
        year=year,
        since=since.date().isoformat() if since else None,
        until=until.date().isoformat() if until else None,
        publisher=publisher,
        search=search,
    )


def _fields(spec: str | None, default: Sequence[str]) -> tuple[str, ...]:
    if spec is None:
        return tuple(default)
    names = [name.strip() for name in spec.split(",") if name.strip()]
    if not names:
        raise InvalidQuery("--fields needs at least one field name.")
    return query.check_fields(names)


def _order(
    standards: list[Standard], sort: str | None, reverse: bool, limit: int | None
) -> list[Standard]:
    if sort is not None:
        standards = query.sort_standards(standards, sort, reverse=reverse, today=_today())
    elif reverse:
        standards = standards[::-1]
    return standards if limit is None else standards[:limit]


def _show_standards(standards: list[Standard], fmt: ListFormat, fields: str | None) -> None:
    columns = _fields(fields, TABLE_FIELDS if fmt is ListFormat.TABLE else FIELDS)
    rows = query.rows(standards, columns, today=_today())
    if fmt is ListFormat.TABLE and _stdout_is_terminal():
        from gbastd import render

        if rows:
            _print(render.table(columns, rows))
        _note("No standards match." if not rows else f"{len(rows)} standards. (— = unknown)")
        return
    _emit(ROW_WRITERS[Format(fmt.value)](columns, rows))


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
) -> None:
    """A catalogue of the Guangdong–Hong Kong–Macao Greater Bay Area standards (湾区标准).

    Exit codes: 0 success (an empty result included); 1 not found, invalid catalogue or
    refused write; 2 usage error; 130 interrupted; 141 output pipe closed early.
    """


@app.command("list")
def list_command(
    domain: DomainOpt = None,
    status: StatusOpt = None,
    batch: BatchOpt = None,
    year: YearOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    publisher: PublisherOpt = None,
    search: SearchOpt = None,
    sort: SortOpt = None,
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    fields: FieldsOpt = None,
    fmt: ListFormatOpt = ListFormat.TABLE,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """List standards, filtered and sorted.

    Example: gbastd list --domain food --format csv
    """
    with _user_errors():
        filters = _filters(
            domain=domain,
            status=status,
            batch=batch,
            year=year,
            since=since,
            until=until,
            publisher=publisher,
            search=search,
        )
        selected = query.select(_load(catalogue_path), filters, today=_today())
        _show_standards(_order(selected, sort, reverse, limit), fmt, fields)


@app.command("search")
def search_command(
    text: Annotated[
        str, typer.Argument(metavar="QUERY", help="Words to find; Traditional or Simplified.")
    ],
    domain: DomainOpt = None,
    status: StatusOpt = None,
    batch: BatchOpt = None,
    year: YearOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    publisher: PublisherOpt = None,
    sort: SortOpt = None,
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    fields: FieldsOpt = None,
    fmt: ListFormatOpt = ListFormat.TABLE,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """Search standards, best match first.

    Looks in ids, codes, titles (zh, zh-Hant, en), publisher and group; Traditional and
    Simplified characters match each other.

    Example: gbastd search 龍舟
    """
    with _user_errors():
        filters = _filters(
            domain=domain,
            status=status,
            batch=batch,
            year=year,
            since=since,
            until=until,
            publisher=publisher,
            search=None,
        )
        selected = query.select(_load(catalogue_path), filters, today=_today())
        ranked = query.search(selected, text)
        _show_standards(_order(ranked, sort, reverse, limit), fmt, fields)


@app.command("show")
def show_command(
    key: KeyArg,
    fields: FieldsOpt = None,
    fmt: ListFormatOpt = ListFormat.TABLE,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """Show one standard in full.

    Example: gbastd show WQ1-8
    """
    with _user_errors():
        found = query.lookup(_load(catalogue_path), key)
        columns = _fields(fields, FIELDS)
        (row,) = query.rows([found], columns, today=_today())
        if fmt is ListFormat.TABLE:
            if _stdout_is_terminal():
                from gbastd import render

                _print(render.record(zip(columns, row, strict=True), title=found.label))
            else:
                _emit(
                    ROW_WRITERS[Format.TSV](
                        ("field", "value"), list(zip(columns, row, strict=True))
                    )
                )
        elif fmt is ListFormat.JSON:
            _emit(to_json_object(columns, row))
        else:
            _emit(ROW_WRITERS[Format(fmt.value)](columns, [row]))


@app.command("domains")
def domains_command(
    fmt: ListFormatOpt = ListFormat.TABLE,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """List the domain tags with their labels and entry counts.

    Example: gbastd domains --format json
    """
    with _user_errors():
        loaded = _load(catalogue_path)
        counts = dict(query.count_by(loaded.standards, "domains", today=_today()))
        columns = ("tag", "zh", "zh_hant", "en", "count")
        rows = [(*domain, counts.get(tag, 0)) for tag, domain in loaded.domains.items()]
        if fmt is ListFormat.TABLE and _stdout_is_terminal():
            from gbastd import render

            _print(render.table(columns, rows))
            return
        _emit(ROW_WRITERS[Format(fmt.value)](columns, rows))


@app.command("stats")
def stats_command(
    fmt: ListFormatOpt = ListFormat.TABLE,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """Count entries and report coverage of the official list.

    Counts by domain, batch, year and status, and compares with the published total.

    Example: gbastd stats
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
        if fmt is ListFormat.TABLE and _stdout_is_terminal():
            from gbastd import render

            tables = [render.table((dim, "entries"), pairs) for dim, pairs in breakdown.items()]
            _print(coverage, *tables)
        elif fmt is ListFormat.JSON:
            _emit(
                json_value(
                    {
                        "catalogued": catalogued,
                        "published_total": info.published_total,
                        "as_of": info.as_of,
                        "coverage": coverage,
                        "published_totals": [t._asdict() for t in info.totals],
                        **{
                            f"by_{dim}": [{"value": v, "count": c} for v, c in pairs]
                            for dim, pairs in breakdown.items()
                        },
                    }
                )
            )
        else:
            _emit(ROW_WRITERS[Format(fmt.value)](("dimension", "value", "count"), rows))


def _coverage(catalogued: int, published: int | None, as_of: str | None) -> str:
    if published is None:
        return f"{catalogued} entries catalogued; the size of the official list is unknown."
    when = f" (official total as of {as_of})" if as_of else ""
    return f"{catalogued} of {published} listed items catalogued{when}."


@app.command("export")
def export_command(
    domain: DomainOpt = None,
    status: StatusOpt = None,
    batch: BatchOpt = None,
    year: YearOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    publisher: PublisherOpt = None,
    search: SearchOpt = None,
    sort: SortOpt = None,
    reverse: ReverseOpt = False,
    limit: LimitOpt = None,
    fields: FieldsOpt = None,
    fmt: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            rich_help_panel=_OUTPUT,
            help="toml writes a catalogue file that gbastd can load.",
        ),
    ] = ExportFormat.CSV,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write to this file (atomically) instead of stdout.",
            rich_help_panel=_OUTPUT,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option("--force", help="Replace an existing output file.", rich_help_panel=_OUTPUT),
    ] = False,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel",
            rich_help_panel=_OUTPUT,
            help="CSV for Excel: UTF-8 with BOM, CRLF, formula-like cells neutralised.",
        ),
    ] = False,
    catalogue_path: CatalogueOpt = None,
) -> None:
    """Export standards to stdout or a file.

    CSV, TSV, JSON, JSON Lines, TOML (a loadable catalogue) or Markdown.

    Example: gbastd export --domain food --excel -o food.csv
    """
    if excel and fmt is not ExportFormat.CSV:
        raise typer.BadParameter(
            "--excel makes a CSV file; use it with --format csv.", param_hint="--excel"
        )
    if fields is not None and fmt is ExportFormat.TOML:
        raise typer.BadParameter(
            "a TOML export is a whole catalogue; drop --fields.", param_hint="--fields"
        )
    with _user_errors():
        loaded = _load(catalogue_path)
        filters = _filters(
            domain=domain,
            status=status,
            batch=batch,
            year=year,
            since=since,
            until=until,
            publisher=publisher,
            search=search,
        )
        selected = _order(query.select(loaded, filters, today=_today()), sort, reverse, limit)
        if fmt is ExportFormat.TOML:
            content = to_toml(loaded, selected)
        else:
            columns = _fields(fields, FIELDS)
            rows = query.rows(selected, columns, today=_today())
            if fmt is ExportFormat.CSV:
                content = to_csv(columns, rows, excel=excel)
            else:
                content = ROW_WRITERS[Format(fmt.value)](columns, rows)
        if output is None or str(output) == "-":
            _emit(content)
            return
        store.write_atomically(output, content.encode("utf-8"), replace=force)
        sys.stderr.write(f"Wrote {len(selected)} standards to {output}.\n")


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
            _emit("\n".join(error.lines()) + "\n")
            _fail(str(error) + ".", 1)
        if fix_format:
            with store.locked(store.target(path)):
                if store.write(path, catalogue.load(path)):
                    sys.stderr.write(f"Rewrote {path} in canonical form.\n")
        elif check_format and not store.is_canonical(path, loaded):
            _fail(
                f"{path} is valid but not in canonical form; "
                f"gbastd validate --fix-format {path} rewrites it.",
                1,
            )
        _emit(
            f"{path}: valid catalogue, {len(loaded.standards)} standards "
            f"in {len(loaded.domains)} domains.\n"
        )


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
            sys.stderr.write("Dry run: nothing was written.\n")
            return before, after
        written = store.write(path, after)
    if _stdout_is_terminal():
        _emit(diff_text(difference))
    sys.stderr.write(f"Wrote {path}.\n" if written else f"{path} is unchanged.\n")
    return before, after


@app.command("add")
def add_command(
    title_zh: Annotated[str, typer.Option("--title-zh", help="Title in Simplified Chinese.")],
    domain: Annotated[list[str], typer.Option("--domain", "-d", help="Domain tag (repeat).")],
    source: Annotated[list[str], typer.Option("--source", help="Source URL (repeat).")],
    gba_id: Annotated[str | None, typer.Option("--gba-id", help="WQ 1-8 or WQ1-8.")] = None,
    code: Annotated[str | None, typer.Option(help="Number of the standard.")] = None,
    title_zh_hant: Annotated[str | None, typer.Option("--title-zh-hant")] = None,
    title_en: Annotated[str | None, typer.Option("--title-en")] = None,
    batch: Annotated[int | None, typer.Option(min=1)] = None,
    listed: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    issued: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    effective: Annotated[str | None, typer.Option(help="YYYY-MM-DD")] = None,
    status: Annotated[Status | None, typer.Option()] = None,
    publisher: Annotated[str | None, typer.Option()] = None,
    group: Annotated[str | None, typer.Option()] = None,
    platform_category: Annotated[str | None, typer.Option("--platform-category")] = None,
    notes: Annotated[str | None, typer.Option()] = None,
    dry_run: DryRunOpt = False,
    target: WriteTargetOpt = None,
) -> None:
    """Add a standard to a catalogue.

    Example: gbastd add --title-zh 丝苗米 --domain food --source https://example.org/list
    """
    from gbastd import edit

    given: dict[str, str | None] = {
        "gba_id": gba_id,
        "code": code,
        "title_zh": title_zh,
        "title_zh_hant": title_zh_hant,
        "title_en": title_en,
        "listed": listed,
        "issued": issued,
        "effective": effective,
        "publisher": publisher,
        "group": group,
        "platform_category": platform_category,
        "notes": notes,
    }
    with _user_errors():
        values: dict[str, Any] = {
            name: edit.parse_value(name, raw) for name, raw in given.items() if raw is not None
        }
        values.update(
            domains=tuple(domain),
            sources=tuple(source),
            batch=batch,
            status=status.value if status else None,
        )
        entry = edit.new_standard(values)
        _change(target, dry_run, lambda loaded: edit.add(loaded, entry))


@app.command("edit")
def edit_command(
    key: KeyArg,
    assignments: Annotated[
        list[str],
        typer.Option(
            "--set",
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

    with _user_errors():
        changes: dict[str, Any] = {}
        for assignment in assignments:
            name, separator, raw = assignment.partition("=")
            if not separator:
                raise InvalidQuery(f"--set takes FIELD=VALUE, not {assignment!r}.")
            changes[name.strip()] = edit.parse_value(name.strip(), raw)

        def apply(loaded: Catalogue) -> Catalogue:
            return edit.update(loaded, query.lookup(loaded, key), changes)

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
        _change(target, dry_run, lambda loaded: edit.remove(loaded, query.lookup(loaded, key)))


@app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(metavar="FILE", help="CSV, TSV or XLSX: the official list or an export."),
    ],
    source: Annotated[
        str | None, typer.Option("--source", help="URL of the list, for new and changed entries.")
    ] = None,
    domain: Annotated[
        list[str] | None, typer.Option("--domain", "-d", help="Domain tag for new entries.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="Text encoding (default: UTF-8, else GB18030/GBK).")
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace values that differ from the list's.")
    ] = False,
    dry_run: DryRunOpt = False,
    target: WriteTargetOpt = None,
) -> None:
    """Merge a published list into a catalogue.

    Matches rows by gba_id, then code, then title: adds new entries, fills values entries
    lacked, and reports values that differ (kept unless --overwrite).
    Example: gbastd import list.csv --source https://example.org/list --domain food
    """
    from gbastd import edit, sheets

    with _user_errors():
        rows = sheets.read_rows(file, encoding=encoding)
        tags = tuple(domain or ())
        report: list[edit.MergeReport] = []

        def apply(loaded: Catalogue) -> Catalogue:
            query.check_domains(loaded, tags)
            merged, outcome = edit.merge(
                loaded, rows, today=_today(), overwrite=overwrite, source=source, domains=tags
            )
            report.append(outcome)
            return merged

        _change(target, dry_run, apply)
        (outcome,) = report
        for conflict in outcome.conflicts:
            kept = "replaced" if overwrite else "kept"
            sys.stderr.write(
                f"Conflict: {conflict.entry}: {conflict.field}: catalogue has "
                f"{conflict.current!r}, the list has {conflict.incoming!r} ({kept}).\n"
            )
        sys.stderr.write(
            f"{len(rows)} rows: {len(outcome.added)} added, {len(outcome.updated)} updated, "
            f"{outcome.unchanged} unchanged, {len(outcome.conflicts)} conflicts.\n"
        )


class DiffFormat(StrEnum):
    """Formats of ``diff``."""

    TEXT = "text"
    JSON = "json"


@app.command("diff")
def diff_command(
    old: Annotated[Path, typer.Argument(metavar="OLD", help="The earlier catalogue.")],
    new: Annotated[Path, typer.Argument(metavar="NEW", help="The later catalogue.")],
    fmt: Annotated[
        DiffFormat, typer.Option("--format", "-f", case_sensitive=False)
    ] = DiffFormat.TEXT,
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
    _emit(diff_json(difference) if fmt is DiffFormat.JSON else diff_text(difference))
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
    args = list(sys.argv[1:] if argv is None else argv)
    # A short-lived process that makes no reference cycles worth collecting: the collector
    # would only walk a large catalogue's records again and again.
    gc.disable()
    try:
        _app_for(args)(args=args, prog_name="gbastd")
        code = 0
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        code = 130
    except Exception as error:  # the last line of defence: one sentence, not a traceback
        sys.stderr.write(
            f"Error: internal error ({type(error).__name__}: {error}); please report it.\n"
        )
        code = 1
    _exit(code)


def _exit(code: int) -> NoReturn:
    """Flush and leave without tearing down every object one by one.

    Freeing a large loaded catalogue object by object takes longer than the command itself
    (about 70 ms for 100,000 entries); the operating system reclaims the memory at once.
    """
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):
            code = code or 1
    os._exit(code)

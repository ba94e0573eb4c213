"""Machine-readable output: rows of plain values to CSV, TSV, JSON, JSON Lines, Markdown, and
whole catalogues to TOML. Every writer returns a string and does no I/O.

Conventions (the output contract in the README): an absent value is an empty cell or JSON
``null``; a list is joined with `` ; `` in text formats and stays an array in JSON; dates are
ISO 8601.
"""

from __future__ import annotations

import io

from gbastd.fields import FIELDS, LIST_FIELDS
from gbastd.query import Rows, status_of
from gbastd.records import Catalogue, Standard, Standards, paused_collector
from gbastd.text import escape_controls

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from enum import StrEnum
    from typing import Any

    from gbastd.edit import Difference
else:
    from gbastd._plain import StrEnum

LIST_SEPARATOR = " ; "
TOML_HEADER = (
    "# GBA Standards catalogue (湾区标准). Maintained with gbastd: this file's layout is\n"
    "# canonical and rewritten by the tool, so comments and hand formatting are not kept.\n"
    "# Check it with: gbastd validate FILE\n\n"
)

if TYPE_CHECKING:
    Row = Sequence[Any]


class Format(StrEnum):
    """Every output format; each command offers a subset. ``table`` is a rich table on a
    terminal and plain TSV elsewhere; ``text`` is the line format of ``diff``; the last three
    are written by their own modules, which import their libraries only when used."""

    TABLE = "table"
    TSV = "tsv"
    CSV = "csv"
    JSON = "json"
    JSONL = "jsonl"
    MD = "md"
    TOML = "toml"
    TEXT = "text"
    XLSX = "xlsx"  # an Excel workbook (xlsx.py)
    SQLITE = "sqlite"  # a SQLite database (sqlite_export.py)
    HTML = "html"  # the one-file report (report.py)


def cell(value: Any) -> str:
    """Return a value as text for a CSV/TSV/Markdown cell."""
    if value is None:
        return ""
    if isinstance(value, tuple | list):
        return LIST_SEPARATOR.join(value)
    return str(value)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def to_csv(columns: Sequence[str], rows: Iterable[Row], *, excel: bool = False) -> str:
    """Return RFC 4180 CSV with a header row and ``\n`` line ends.

    ``excel`` makes what Excel on a Chinese Windows opens correctly: a UTF-8 BOM, CRLF line
    ends, and every cell that a spreadsheet would take for a formula prefixed with ``'``.
    """
    rows = rows if isinstance(rows, list) else list(rows)
    if not excel:
        joined = _joined_csv(columns, rows)
        if joined is not None:
            return joined
    import csv  # here, not at the top: only CSV output that needs quoting needs it

    buffer = io.StringIO()
    if excel:
        writer = csv.writer(buffer, lineterminator="\r\n")
        buffer.write("\ufeff")
        writer.writerow([_neutralise(name) for name in columns])
        writer.writerows([_neutralise(cell(v)) for v in row] for row in rows)
        return buffer.getvalue()
    # csv writes None as an empty cell and numbers as text: only lists need joining.
    lists = [i for i, name in enumerate(columns) if name in LIST_FIELDS]
    prepared = [_join_lists(row, lists) for row in rows] if lists else list(rows)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(prepared)
    text = buffer.getvalue()
    if "\r" not in text:
        return text
    # With \n line ends, csv leaves a lone CR unquoted, and readers would split the row there:
    # quote every cell of the rows that hold one.
    buffer = io.StringIO()
    plain = csv.writer(buffer, lineterminator="\n")
    careful = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    plain.writerow(columns)
    for row in prepared:
        has_cr = any(isinstance(value, str) and "\r" in value for value in row)
        (careful if has_cr else plain).writerow(row)
    return buffer.getvalue()


_JOINED_ROWS = 2000
"""Up to this many rows, a CSV whose cells need no quoting is joined here (see _joined_csv)."""


def _joined_csv(columns: Sequence[str], rows: list[Row]) -> str | None:
    """The CSV of a short table none of whose cells csv would quote, joined here; None for
    csv to write. Importing csv costs every start of the main job (``list --format csv``)
    more than joining a few hundred cells, and the embedded catalogue needs no quoting.

    csv quotes a cell that holds a comma, a double quote or a line end, and writes a row of one
    empty cell as ``""``: with none of them (every comma and line end counted is one put here),
    the join is byte for byte what csv writes (tests/test_formats.py holds the two equal).
    """
    if len(columns) < 2 or len(rows) > _JOINED_ROWS:
        return None
    lines = [columns, *([cell(value) for value in row] for row in rows)]
    text = "\n".join(map(",".join, lines)) + "\n"
    commas = len(lines) * (len(columns) - 1)
    if '"' in text or "\r" in text or text.count("\n") != len(lines) or text.count(",") != commas:
        return None
    return text


def _join_lists(row: Row, positions: Sequence[int]) -> list[Any]:
    joined = list(row)
    for i in positions:
        joined[i] = cell(joined[i])
    return joined


def _neutralise(text: str) -> str:
    """Guard a cell a spreadsheet would take for a formula with one more leading ``'``.

    A value that already starts with ``'`` before such a character is guarded too, so that
    ``=1`` and ``'=1`` stay apart and ``gbastd import`` can drop exactly the one ``'`` added.
    """
    return "'" + text if text.lstrip("'").startswith(_FORMULA_START) else text


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def tsv_cell(value: Any) -> str:
    r"""Return a TSV cell: backslash, tab, newline and CR as ``\\ \t \n \r``, other control
    characters as ``\xHH``, so that one line is always one row."""
    return escape_controls(cell(value).translate(_TSV_ESCAPES))


def to_tsv(columns: Sequence[str], rows: Iterable[Row]) -> str:
    """Return tab-separated values with a header line."""
    lines = ["\t".join(columns)]
    lines += ["\t".join(map(tsv_cell, row)) for row in rows]
    return "\n".join(lines) + "\n"


# JSON escapes C0 controls itself; these are the other characters a terminal or a JavaScript
# parser may act on, which ensure_ascii=False would leave raw.
_JSON_RAW = "[\x7f-\x9f\u2028\u2029]"


def _json_text(text: str) -> str:
    import re  # rarely needed: not imported on every start

    return re.sub(_JSON_RAW, lambda m: f"\\u{ord(m[0]):04x}", text)


def _objects(columns: Sequence[str], rows: Iterable[Row]) -> list[dict[str, Any]]:
    """Rows as JSON objects (json writes a tuple as an array, as it does a list)."""
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _objects_joined(columns: Sequence[str], rows: Iterable[Row], between: str) -> str:
    """Every row as a compact JSON object, ``between`` each two (UTF-8 text, Chinese
    unescaped).

    One call of json's C encoder for all the rows, which a call per row makes three times
    slower, then ``between`` where one object ends and the next begins: there the encoder
    writes ``}, {"<first column>": ``, which no value can hold (a quote inside a string is
    escaped, and values hold no objects). The rows of every field of a snapshotted
    catalogue's entries are cut from the objects kept beside it instead (``_kept_objects``).
    """
    import json  # here, not at the top: the CSV and TSV paths never need it

    kept = _kept_objects(columns, rows)
    if kept is not None:
        # Kept joined by ",\n", which no object holds (JSON text has no raw line break).
        return kept if between == _KEPT_BETWEEN else kept.replace(_KEPT_BETWEEN, between)
    with paused_collector():  # a dict per row, no cycles: see records.paused_collector
        objects = _objects(columns, rows)
    if not objects:
        return ""
    joined = json.dumps(objects, ensure_ascii=False)[1:-1]
    head = "{" + json.dumps(columns[0], ensure_ascii=False) + ": "
    return _json_text(joined.replace("}, " + head, "}" + between + head))


_KEPT_BETWEEN = ",\n"
_STATUS = FIELDS.index("status")
_NULL = "null"

if TYPE_CHECKING:
    # Every entry's object joined by ",\n"; where each starts (and where one more would);
    # where the status's null is in the objects of the entries that state no status.
    KeptObjects = tuple[str, bytes, dict[int, int]]


def _kept_objects(columns: Sequence[str], rows: Iterable[Row]) -> str | None:
    """The rows' JSON objects joined by ",\n", as ``_objects_joined`` writes them, when the
    rows are those of every field of entries of a snapshotted catalogue (``query.Rows``,
    intact); None otherwise.

    Encoding 100,000 entries took most of the time of exporting them. Their objects are
    encoded once per content and kept beside the snapshot as one text, so that the rows of
    entries that follow each other there are one slice of it (every entry's: the text
    itself). The one value of a row that depends on the day is the status of an entry that
    states none (the one its dates imply): its object is kept with null there, replaced by
    the row's own status.
    """
    if not (
        isinstance(rows, Rows)
        and tuple(columns) == FIELDS == rows.fields
        and rows.source.keeps
        and rows.intact()
    ):
        return None
    return _kept_slices(rows.source, rows.positions, lambda index, _: rows[index][_STATUS])


def kept_json(standards: Standards, positions: Sequence[int], *, today: str) -> str | None:
    """What ``to_json`` writes for every field of the entries at ``positions``, cut from the
    objects kept beside the snapshot (see ``_kept_objects``) without decoding the entries,
    but those whose status their dates imply; None where the catalogue keeps nothing.

    Decoding 100,000 entries and making their rows, only to find their kept objects by
    position, took half the time of exporting them all (``export --format json``)."""
    if not standards.keeps:
        return None

    def status(_: int, position: int) -> str | None:
        return status_of(standards[position], today)

    objects = _kept_slices(standards, positions, status)
    return None if objects is None else _json_array(objects)


def _kept_slices(
    source: Standards,
    positions: Sequence[int],
    status: Callable[[int, int], str | None],
) -> str | None:
    """The kept objects of the entries at ``positions`` joined by ",\n", each implied status
    (null in the kept text) as ``status(index, position)`` says; None if the kept text does not
    fit the catalogue."""
    from array import array

    kept: KeptObjects = source.kept("json", lambda: _kept_text(source))
    text, starts, implied = kept
    offsets = array("q", starts)
    if len(offsets) != len(source) + 1:
        return None
    if not implied and tuple(positions) == tuple(range(len(source))):
        return text  # every entry, in order: no copy at all
    pieces: list[str] = []
    start = end = -1  # the slice of text not yet taken: start, and where it ends so far
    for index, position in enumerate(positions):
        here = offsets[position]
        if here != end + len(_KEPT_BETWEEN) or start < 0:  # not the next object in the text
            if start >= 0:
                pieces += (text[start:end], _KEPT_BETWEEN)
            start = here
        end = offsets[position + 1] - len(_KEPT_BETWEEN)
        null = implied.get(position)
        if null is not None:
            pieces += (text[start:null], _json_text(_json_dumps(status(index, position))))
            start = null + len(_NULL)
    if start >= 0:
        pieces.append(text[start:end])
    return "".join(pieces)


def _kept_text(standards: Sequence[Standard]) -> KeptObjects:
    """What ``_kept_objects`` keeps of ``standards``: their objects, each as
    ``_objects_joined`` writes the row of every field of an entry that states its status."""
    from array import array

    objects = _objects_joined(FIELDS, standards, "\n").split("\n") if standards else []
    starts = array("q", [0])
    implied = {}
    for position, (standard, written) in enumerate(zip(standards, objects, strict=True)):
        if standard.status is None:
            # ``"status": `` cannot occur in a string value, where every quote is escaped
            # (nor in a key: keys are field names), so the first one is the status's.
            null = written.index('"status": ') + len('"status": ')
            assert written.startswith(_NULL, null)
            implied[position] = starts[-1] + null
        starts.append(starts[-1] + len(written) + len(_KEPT_BETWEEN))
    return _KEPT_BETWEEN.join(objects), starts.tobytes(), implied


def _json_dumps(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def to_json(columns: Sequence[str], rows: Iterable[Row]) -> str:
    """Return a JSON array of objects, one object per line.

    One compact object per line reads well, diffs line by line, and lets json use its C
    encoder (indent= forces the pure-Python one, 3-4 times slower on a large catalogue).
    """
    return _json_array(_objects_joined(columns, rows, ",\n"))


def _json_array(objects: str) -> str:
    """Objects joined by ",\n" as a JSON array, one object a line."""
    return f"[\n{objects}\n]\n" if objects else "[]\n"


def to_json_object(columns: Sequence[str], row: Row) -> str:
    """Return one row as a JSON object (``show --format json``)."""
    (obj,) = _objects(columns, [row])
    return json_value(obj)


def to_jsonl(columns: Sequence[str], rows: Iterable[Row]) -> str:
    """Return one JSON object per line."""
    objects = _objects_joined(columns, rows, "\n")
    return objects + "\n" if objects else ""


def json_value(value: Any) -> str:
    """Return any JSON-ready value (a dict, say) as indented JSON text."""
    import json

    return _json_text(json.dumps(value, ensure_ascii=False, indent=2)) + "\n"


def _md_cell(value: Any) -> str:
    text = cell(value).replace("\r\n", "\n").replace("\\", "\\\\").replace("|", "\\|")
    return escape_controls(text.replace("\n", "<br>"))


def to_markdown(columns: Sequence[str], rows: Iterable[Row]) -> str:
    """Return a GitHub-flavoured Markdown table."""
    lines = [
        "| " + " | ".join(columns) + " |",
        "| " + " | ".join("---" for _ in columns) + " |",
    ]
    lines += ["| " + " | ".join(map(_md_cell, row)) + " |" for row in rows]
    return "\n".join(lines) + "\n"


ROW_WRITERS: dict[Format, Callable[[Sequence[str], Iterable[Row]], str]] = {
    Format.TABLE: to_tsv,  # a table off a terminal is plain TSV
    Format.TSV: to_tsv,
    Format.CSV: to_csv,
    Format.JSON: to_json,
    Format.JSONL: to_jsonl,
    Format.MD: to_markdown,
}


def to_toml(catalogue: Catalogue, standards: Iterable[Standard]) -> str:
    """Return a catalogue file holding ``standards`` with the catalogue's metadata and tags.

    Keys keep the schema's order, absent values are left out, and dates are TOML dates, so
    that a file written from a loaded catalogue loads back to the same catalogue.
    """
    import tomli_w

    from gbastd.document import to_document

    return TOML_HEADER + tomli_w.dumps(to_document(catalogue, standards))


def _shown(value: Any) -> str:
    """A value in a diff line: lists joined, records (a domain's labels, a total) by slashes."""
    if value is None or value == ():
        return "(none)"
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return "/".join(_shown(item) for item in value if item is not None)
    if isinstance(value, tuple):
        return LIST_SEPARATOR.join(_shown(item) for item in value)
    return escape_controls(str(value))


def diff_text(difference: Difference) -> str:
    """Return a difference as lines: ``+`` added, ``-`` removed, ``~`` one changed field."""
    lines = [f"+ {escape_controls(s.describe('  '))}" for s in difference.added]
    lines += [f"- {escape_controls(s.describe('  '))}" for s in difference.removed]
    lines += [
        f"~ {escape_controls(c.entry)}: {c.field}: {_shown(c.old)} → {_shown(c.new)}"
        for c in difference.changed
    ]
    return "".join(line + "\n" for line in lines)


def diff_json(difference: Difference) -> str:
    """Return a difference as a JSON object of added, removed and changed."""
    added = list(_objects(FIELDS, difference.added))
    removed = list(_objects(FIELDS, difference.removed))
    changed = [
        {"entry": c.entry, "field": c.field, "old": _plain(c.old), "new": _plain(c.new)}
        for c in difference.changed
    ]
    return json_value({"added": added, "removed": removed, "changed": changed})


def _plain(value: Any) -> Any:
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return value._asdict()
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return value

"""Import: nothing lost, nothing raw, bounded input.

Round trips through gbastd's own formats give back the data; every value the import cannot
place is an error naming its row and column; hostile files (too large, zip bombs, declared
dimensions, damaged archives, odd codecs) are refused in one sentence. Every test runs the
real command and checks that a refusal leaves the catalogue byte for byte as it was.
"""

from __future__ import annotations

import struct
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from gbastd import catalogue, formats, query, sheets, text
from gbastd.cli import app
from gbastd.records import Catalogue, Standard

from .conftest import generated_catalogue, one_entry_per_key, refused_import

URL = "https://example.org/list"
TAGS = ("food", "data")


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, list(args))


def make_catalogue(entries: list[dict[str, Any]]) -> Catalogue:
    return generated_catalogue(entries, TAGS)


def write_catalogue(path: Path, entries: list[dict[str, Any]]) -> Path:
    """Write a catalogue of ``entries`` in canonical form (as every gbastd write leaves it)."""
    made = make_catalogue(entries)
    path.write_text(formats.to_toml(made, made.standards), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "--fix-format", str(path)])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(name="cat")
def _cat(tmp_path: Path) -> Path:
    """A catalogue with one entry, for refusals: it must stay byte for byte the same."""
    return write_catalogue(
        tmp_path / "cat.toml",
        [{"title_zh": "既有标准", "domains": ["food"], "sources": [URL]}],
    )


def imported(runner: CliRunner, cat: Path, sheet: Path, *extra: str) -> tuple[Standard, ...]:
    """Import ``sheet`` into ``cat`` and return the entries it then holds."""
    result = run(
        runner, "import", str(sheet), "-d", "food", "--source", URL, *extra, "-c", str(cat)
    )
    assert result.exit_code == 0, result.output
    return catalogue.load(cat).standards


def sheet_file(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# ---------------------------------------------------------------- 1. round trips


AWKWARD = {
    "title_zh": '"丝苗米"\t（新）',
    "title_en": '=HYPERLINK("http://evil.example","click")',
    "publisher": "-促进会",
    "group": "+86",
    "platform_category": "@SUM(A1)",
    "notes": "line one\nline two\r\nC:\\new\\table \\n not a newline\x1b[31m red\x07\x00 '=1+1",
    "domains": ["food"],
    "sources": [URL],
}


class TestRoundTrips:
    @pytest.mark.parametrize(
        "export", [["-f", "tsv"], ["-f", "csv"], ["--excel"]], ids=["tsv", "csv", "excel"]
    )
    def test_export_then_import_gives_back_the_entries(
        self, runner: CliRunner, tmp_path: Path, export: list[str]
    ) -> None:
        """TSV escapes, --excel's apostrophes and CSV quoting are undone: same entries, and a
        newline in notes does not make a second row."""
        original = write_catalogue(tmp_path / "original.toml", [AWKWARD])
        target = write_catalogue(tmp_path / "target.toml", [])
        exported = tmp_path / "export.txt"
        result = run(runner, "export", *export, "-c", str(original), "-o", str(exported))
        assert result.exit_code == 0, result.output
        result = run(runner, "import", str(exported), "-c", str(target))
        assert result.exit_code == 0, result.output
        assert result.stderr.endswith("1 rows: 1 added, 0 updated, 0 unchanged, 0 conflicts.\n")
        assert catalogue.load(target).standards == catalogue.load(original).standards

    def test_excel_export_reimported_with_overwrite_changes_nothing(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """The issue's case: --excel guards '=1+1', and import --overwrite must not store the
        guard: every row matches, no conflict, the file is not rewritten."""
        cat = write_catalogue(
            tmp_path / "cat.toml",
            [
                {"title_zh": "甲", "notes": "=1+1", "domains": ["food"], "sources": [URL]},
                {"title_zh": "乙", "notes": "-5 ℃", "domains": ["data"], "sources": [URL]},
            ],
        )
        exported = tmp_path / "excel.csv"
        assert run(runner, "export", "--excel", "-c", str(cat), "-o", str(exported)).exit_code == 0
        assert exported.read_bytes().startswith(b"\xef\xbb\xbf")
        assert "'=1+1" in exported.read_text(encoding="utf-8-sig")
        before = cat.read_bytes()
        result = run(runner, "import", str(exported), "--overwrite", "-c", str(cat))
        assert result.exit_code == 0, result.output
        assert result.stderr.endswith("2 rows: 0 added, 0 updated, 2 unchanged, 0 conflicts.\n")
        assert cat.read_bytes() == before

    def test_apostrophe_is_kept_without_the_excel_mark(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """Only a CSV that starts with the UTF-8 BOM (--excel, Excel) had guards added: in any
        other a leading apostrophe is data."""
        target = write_catalogue(tmp_path / "target.toml", [])
        plain = sheet_file(tmp_path, "plain.csv", "标准名称,备注\n甲,'=1+1\n")
        (entry,) = imported(runner, target, plain)
        assert entry.notes == "'=1+1"
        target = write_catalogue(tmp_path / "target2.toml", [])
        marked = sheet_file(tmp_path, "marked.csv", "\ufeff标准名称,备注\r\n甲,'=1+1\r\n乙,'x\r\n")
        notes = {s.title_zh: s.notes for s in imported(runner, target, marked)}
        assert notes == {"甲": "=1+1", "乙": "'x"}

    def test_excel_guard_matches_the_writer(self) -> None:
        """sheets may not import formats (same layer): its copy of the guarded starts must be
        the writer's."""
        assert sheets.FORMULA_START == formats._FORMULA_START

    def test_a_guarded_apostrophe_loses_exactly_one(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """A value that itself starts with ' and a formula character comes back when the
        writer guards it like a formula ('=1+1 written ''=1+1): the import drops one
        apostrophe, and only before a formula character."""
        target = write_catalogue(tmp_path / "target.toml", [])
        rows = "\ufeff标准名称,备注\r\n''=1+1,'''-2\r\n'@x,''x\r\n"
        sheet = sheet_file(tmp_path, "excel.csv", rows)
        notes = {s.title_zh: s.notes for s in imported(runner, target, sheet)}
        assert notes == {"'=1+1": "''-2", "@x": "''x"}

    @pytest.mark.parametrize(
        ("line", "escape"),
        [("丝苗\\q米", "'\\\\q'"), ("丝苗米\\", "'\\\\'"), ("丝\\x1苗米", "'\\\\x'")],
        ids=["unknown", "trailing", "short-hex"],
    )
    def test_tsv_backslash_that_escapes_nothing_is_refused(
        self, runner: CliRunner, cat: Path, tmp_path: Path, line: str, escape: str
    ) -> None:
        """A backslash in TSV always starts an escape; anything else was not written by gbastd
        and is not guessed at."""
        sheet = sheet_file(tmp_path, "list.tsv", f"标准名称\t发布单位\n{line}\t会\n")
        message = refused_import(runner, cat, sheet)
        assert f"row 2, column 1: {escape} is not a TSV escape" in message

    def test_tsv_is_not_quoted(self, runner: CliRunner, tmp_path: Path) -> None:
        """gbastd's TSV has no quoting: quotes are data, a tab inside a value is \\t."""
        target = write_catalogue(tmp_path / "target.toml", [])
        sheet = sheet_file(tmp_path, "list.tsv", '标准名称\t备注\n"甲"\t"a\\tb"\n')
        (entry,) = imported(runner, target, sheet)
        assert (entry.title_zh, entry.notes) == ('"甲"', '"a\tb"')


# Values chosen to break each format: TSV escapes and line breaks, CSV quoting, Excel's
# formula starts and the apostrophe that guards them, controls and bidirectional overrides.
AWKWARD_PIECES = [
    "=1+1",
    "'=1+1",
    "''=",
    "'",
    '=HYPERLINK("http://x.example","y")',
    "-3",
    "+86",
    "@SUM(A1)",
    "a\nb",
    "a\r\nb",
    "a\rb",
    "a\tb",
    "\\",
    "\\n",
    "\\x41",
    "C:\\new",
    '"',
    ",",
    ";",
    "\x00",
    "\x1b[2J",
    "\x85",
    "\u2028",
    "\x07",
    "标准",
]
awkward_text = (
    st.lists(
        st.sampled_from(AWKWARD_PIECES)
        | st.text(st.characters(exclude_categories=["Cs", "Cf"]), min_size=1, max_size=4),
        min_size=1,
        max_size=3,
    )
    .map("".join)
    .filter(lambda value: value.strip() == value != "")
)


@st.composite
def awkward_entries(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 4))
    titles = draw(st.lists(awkward_text, min_size=count, max_size=count, unique_by=text.key))
    made = []
    for number, title in enumerate(titles, start=1):
        entry: dict[str, Any] = {
            "title_zh": title,
            "domains": draw(st.lists(st.sampled_from(TAGS), min_size=1, max_size=2, unique=True)),
            "sources": [f"{URL}/{number}"],
        }
        if draw(st.booleans()):
            entry["gba_id"] = f"WQ 1-{number}"
        for name in ("title_en", "publisher", "group", "notes"):
            if draw(st.booleans()):
                entry[name] = draw(awkward_text)
        if draw(st.booleans()):
            entry["issued"] = draw(st.dates(date(1990, 1, 1), date(2999, 1, 1)))
        if draw(st.booleans()):
            entry["status"] = draw(st.sampled_from(["current", "upcoming", "withdrawn"]))
        made.append(entry)
    return one_entry_per_key(made)


def as_imported(standard: Standard, today: str) -> Standard:
    """What an import keeps of an entry: a stated status the dates imply is not stored."""
    implied = query.status_of(standard._replace(status=None), today)
    return standard._replace(status=None) if standard.status == implied else standard


@settings(max_examples=25, deadline=None)
@given(awkward_entries())
def test_every_format_gbastd_writes_imports_back_to_the_same_entries(
    entries: list[dict[str, Any]],
) -> None:
    """Export as CSV, --excel CSV and TSV, import each into an empty copy of the catalogue
    (same [catalogue] and [domains]): the same entries come back."""
    runner = CliRunner()
    today = date.today().isoformat()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        original = write_catalogue(folder / "original.toml", entries)
        expected = sorted(
            (as_imported(s, today) for s in catalogue.load(original).standards),
            key=lambda s: s.title_zh,
        )
        for name, export in (
            ("csv", ["-f", "csv"]),
            ("excel", ["--excel"]),
            ("tsv", ["-f", "tsv"]),
        ):
            exported = folder / f"export.{name}"
            result = run(runner, "export", *export, "-c", str(original), "-o", str(exported))
            assert result.exit_code == 0, result.output
            target = write_catalogue(folder / f"{name}.toml", [])
            result = run(runner, "import", str(exported), "-c", str(target))
            assert result.exit_code == 0, (name, result.output)
            again = sorted(catalogue.load(target).standards, key=lambda s: s.title_zh)
            assert again == expected, name


# ---------------------------------------------------------------- 2. nothing dropped


class TestNothingDropped:
    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (
                "标准名称,发布单位\n甲,会\n乙,会,多出来的\n",
                "row 3, column 3: a value beyond the header's 2 columns.",
            ),
            (
                "标准名称,,发布单位\n甲,,会\n乙,藏起来的,会\n",
                "row 3, column 2: a value under a column with no header; name the column",
            ),
            (
                "标准名称,发布单位,title_zh\n甲,会,乙\n",
                "row 1: columns 1 ('标准名称') and 3 ('title_zh') both give title_zh;",
            ),
            (
                "「湾区标准」识别号,标准名称,识别号\nWQ1-8,甲,WQ1-9\n",
                "row 1: columns 1 ('「湾区标准」识别号') and 3 ('识别号') both give gba_id;",
            ),
        ],
        ids=["ragged", "unnamed", "duplicate-title", "duplicate-id"],
    )
    def test_a_value_the_header_does_not_place_is_refused(
        self, runner: CliRunner, cat: Path, tmp_path: Path, content: str, message: str
    ) -> None:
        """Cells beyond the header, under an empty header, or in a second column for the same
        field: an error naming row and column, never a silent drop."""
        assert message in refused_import(runner, cat, sheet_file(tmp_path, "list.csv", content))

    def test_empty_cells_beyond_or_under_no_header_are_fine(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """Excel's trailing commas and an empty spacer column hold nothing to lose."""
        sheet = sheet_file(tmp_path, "list.csv", "标准名称,,发布单位,\n甲,,会,,,\n乙, ,会\n")
        titles = [s.title_zh for s in imported(runner, cat, sheet)]
        assert sorted(titles) == sorted(["既有标准", "甲", "乙"])

    def test_a_formula_never_calculated_is_refused(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """openpyxl (and other generators) write formulas without a value: data_only reads
        None, which must not pass for an empty cell."""
        book = xlsx(
            tmp_path / "list.xlsx", [["序号", "标准名称", "发布单位"], [1, '="丝"&"苗米"', "会"]]
        )
        message = refused_import(runner, cat, book)
        assert "row 2, column 2: a formula whose value was never calculated" in message

    def test_a_calculated_formula_gives_its_value(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """Excel stores a formula's last value: that is the cell's value, an empty text too. A
        formula under 序号, which is ignored, may lack one."""
        book = xlsx(
            tmp_path / "list.xlsx",
            [["序号", "标准名称", "发布单位"], ["=ROW()-1", '="丝"&"苗米"', '=IF(1,"","x")']],
        )
        calculated = {
            '<c r="B2"><f>"丝"&amp;"苗米"</f><v /></c>': (
                '<c r="B2" t="str"><f>"丝"&amp;"苗米"</f><v>丝苗米</v></c>'
            ),
            '<c r="C2"><f>IF(1,"","x")</f><v /></c>': (
                '<c r="C2" t="str"><f>IF(1,"","x")</f><v></v></c>'
            ),
        }
        patch_member(book, SHEET, lambda xml: replaced(xml, calculated))
        entries = {s.title_zh: s.publisher for s in imported(runner, cat, book)}
        assert entries == {"既有标准": None, "丝苗米": None}

    @pytest.mark.parametrize(
        "cell",
        ['<c r="C2" t="e"><v>#REF!</v></c>', '<c r="C2" t="e"><f>1/0</f><v>#DIV/0!</v></c>'],
        ids=["typed", "calculated"],
    )
    def test_an_error_value_is_refused(
        self, runner: CliRunner, cat: Path, tmp_path: Path, cell: str
    ) -> None:
        """#REF! or #DIV/0! is no publisher: an error value, typed or calculated, is refused."""
        book = xlsx(tmp_path / "list.xlsx", OFFICIAL)
        patch_member(
            book,
            SHEET,
            lambda xml: replaced(xml, {'<c r="C2" t="inlineStr"><is><t>会</t></is></c>': cell}),
        )
        message = refused_import(runner, cat, book)
        assert "row 2, column 3: the error #" in message
        assert "where a value should be; correct it in the workbook." in message


def replaced(xml: bytes, changes: dict[str, str]) -> bytes:
    """``xml`` with each (old, new) text replaced; each old text must be there."""
    for old, new in changes.items():
        assert old.encode() in xml, old
        xml = xml.replace(old.encode(), new.encode())
    return xml


# ---------------------------------------------------------------- 3. bounded input


def xlsx(path: Path, rows: list[list[Any]]) -> Path:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def patch_member(
    path: Path,
    name: str,
    change: Callable[[bytes], bytes],
    *,
    compression: int = zipfile.ZIP_DEFLATED,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Rewrite one member of a zip archive (and add ``extra`` members)."""
    with zipfile.ZipFile(path) as old:
        members = {item.filename: old.read(item) for item in old.infolist()}
    new = change(members[name])
    assert new != members[name], "the patch changed nothing"
    members[name] = new
    members.update(extra or {})
    with zipfile.ZipFile(path, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data, compress_type=compression)
    return path


def declare_size(path: Path, name: str, size: int) -> None:
    """Make the central directory claim ``size`` bytes for a member (a lying zip bomb)."""
    data = bytearray(path.read_bytes())
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) != -1:
        name_length = struct.unpack_from("<H", data, start + 28)[0]
        if data[start + 46 : start + 46 + name_length] == name.encode():
            struct.pack_into("<I", data, start + 24, size)
            path.write_bytes(bytes(data))
            return
        start += 4
    raise AssertionError(f"{name} is not in {path}")


OFFICIAL = [["序号", "标准名称", "发布单位"], [1, "丝苗米", "会"], [2, "广式月饼", "会"]]
SHEET = "xl/worksheets/sheet1.xml"


class TestBounded:
    def test_dev_zero_is_read_only_up_to_the_limit(
        self, runner: CliRunner, cat: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A device that never ends is read up to the limit, then refused."""
        monkeypatch.setattr(sheets, "MAX_BYTES", 1024 * 1024)
        message = refused_import(runner, cat, Path("/dev/zero"))
        assert "/dev/zero is larger than 1 MiB" in message

    def test_a_file_over_the_limit_is_refused_unread(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """A regular file larger than 256 MiB (sparse here) is refused from its size."""
        big = tmp_path / "big.csv"
        with big.open("wb") as file:
            file.truncate(sheets.MAX_BYTES + 1)
        assert "big.csv is larger than 256 MiB" in refused_import(runner, cat, big)

    def test_an_archive_declaring_a_huge_member_is_refused_before_parsing(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """The unpacked total comes from the zip directory; nothing is decompressed."""
        book = xlsx(tmp_path / "bomb.xlsx", OFFICIAL)
        declare_size(book, SHEET, 980 * 1024 * 1024)
        message = refused_import(runner, cat, book)
        assert "bomb.xlsx unpacks to 980 MiB, more than the 256 MiB" in message

    def test_a_member_that_expands_too_much_is_refused(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """2 MiB of padding compressing to a few kilobytes: a bomb's ratio, not a sheet's."""
        book = xlsx(tmp_path / "bomb.xlsx", OFFICIAL)
        padding = {"xl/media/padding.bin": bytes(2 * 1024 * 1024)}
        patch_member(book, SHEET, lambda xml: xml + b" ", extra=padding)
        message = refused_import(runner, cat, book)
        assert "xl/media/padding.bin expands" in message
        assert "more than the 100 times of any real sheet" in message

    def test_the_declared_dimension_is_not_trusted(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """A sheet claiming A1:XFD1048576 is read for the cells it has."""
        book = xlsx(tmp_path / "list.xlsx", OFFICIAL)
        patch_member(book, SHEET, lambda xml: xml.replace(b'ref="A1:C3"', b'ref="A1:XFD1048576"'))
        titles = {s.title_zh for s in imported(runner, cat, book)}
        assert titles == {"既有标准", "丝苗米", "广式月饼"}

    def test_a_cell_far_to_the_right_is_refused(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """A cell in column XFD would make 16,384 columns of every such row: refused."""
        book = xlsx(tmp_path / "list.xlsx", OFFICIAL)
        far = b'<c r="XFD2" t="inlineStr"><is><t>x</t></is></c></row><row r="3">'
        patch_member(book, SHEET, lambda xml: xml.replace(b'</row><row r="3">', far))
        assert "row 2: more than 100 columns" in refused_import(runner, cat, book)

    def test_rows_are_bounded(
        self, runner: CliRunner, cat: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A row far down (XLSX) or too many lines (CSV) stop at the row limit."""
        monkeypatch.setattr(sheets, "MAX_ROWS", 1000)
        book = xlsx(tmp_path / "list.xlsx", OFFICIAL)
        far = b'</row><row r="5000"><c r="A5000"><v>1</v></c></row></sheetData>'
        patch_member(book, SHEET, lambda xml: xml.replace(b"</row></sheetData>", far))
        assert "list.xlsx has more than 1,000 rows" in refused_import(runner, cat, book)
        sheet = sheet_file(tmp_path, "list.csv", "标准名称\n" + "甲\n" * 1000)
        assert "list.csv has more than 1,000 rows" in refused_import(runner, cat, sheet)

    @pytest.mark.parametrize(
        ("name", "separator"), [("list.csv", ","), ("list.tsv", "\t")], ids=["csv", "tsv"]
    )
    def test_text_columns_are_bounded(
        self, runner: CliRunner, cat: Path, tmp_path: Path, name: str, separator: str
    ) -> None:
        """101 cells in a row of a CSV or a TSV: refused, naming the row."""
        sheet = sheet_file(tmp_path, name, "标准名称\n甲" + separator * 100 + "\n")
        assert "row 2: more than 100 columns" in refused_import(runner, cat, sheet)

    def test_a_csv_row_is_bounded_before_csv_splits_it(
        self, runner: CliRunner, cat: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """csv would build a list of every cell of a row of commas before any check: the row's
        text is bounded as csv reads it (here 2 cells of 131,072 characters)."""
        monkeypatch.setattr(sheets, "MAX_COLUMNS", 2)
        sheet = sheet_file(tmp_path, "list.csv", "标准名称\n甲" + "," * 300_000 + "\n")
        message = refused_import(runner, cat, sheet)
        assert "row 2: longer than 262,150 characters (2 cells of at most 131,072)" in message

    def test_a_tsv_cell_over_the_field_limit_is_one_sentence(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        sheet = sheet_file(tmp_path, "list.tsv", "标准名称\t备注\n甲\t" + "长" * 140_000 + "\n")
        assert "row 2: a cell longer than 131,072 characters" in refused_import(runner, cat, sheet)

    def test_a_csv_cell_over_the_field_limit_is_one_sentence(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        sheet = sheet_file(tmp_path, "list.csv", '标准名称,备注\n甲,"' + "长" * 140_000 + '"\n')
        message = refused_import(runner, cat, sheet)
        assert "row 2: a cell longer than 131,072 characters" in message

    @pytest.mark.parametrize(
        ("encoding", "content", "message"),
        [
            ("idna", "标准名称\n甲\n", "is not idna ("),
            ("punycode", "title_zh\nrice\n", "cannot be decoded as punycode ("),
            ("undefined", "title_zh\nrice\n", "cannot be decoded as undefined ("),
            ("rot13", "title_zh\nrice\n", "encoding 'rot13' is not a text encoding."),
            ("no-such-codec", "title_zh\nrice\n", "encoding 'no-such-codec' is unknown."),
        ],
        ids=["idna", "punycode", "undefined", "rot13", "unknown"],
    )
    def test_any_codec_failure_is_one_sentence(
        self,
        runner: CliRunner,
        cat: Path,
        tmp_path: Path,
        encoding: str,
        content: str,
        message: str,
    ) -> None:
        """Codecs that raise UnicodeError, LookupError or their own errors: one sentence."""
        sheet = sheet_file(tmp_path, "list.csv", content)
        assert message in refused_import(runner, cat, sheet, "--encoding", encoding)

    def test_a_sheet_truncated_inside_its_rows_is_one_sentence(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """XML cut off after the first rows (a valid CRC): the parser fails while rows are read."""
        book = xlsx(
            tmp_path / "list.xlsx", [*OFFICIAL, *([i, f"标准{i}", "会"] for i in range(50))]
        )
        patch_member(book, SHEET, lambda xml: xml[: xml.index(b'<row r="40"') + 12])
        assert "the workbook is damaged" in refused_import(runner, cat, book)

    def test_a_sheet_failing_its_crc_is_one_sentence(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """A stored (uncompressed) sheet with one byte changed after it was written."""
        book = xlsx(tmp_path / "list.xlsx", OFFICIAL)
        patch_member(book, SHEET, lambda xml: xml + b" ", compression=zipfile.ZIP_STORED)
        data = book.read_bytes()
        book.write_bytes(data.replace("丝苗米".encode(), "丝苗未".encode(), 1))
        message = refused_import(runner, cat, book)
        assert "xl/worksheets/sheet1.xml is damaged (Bad CRC-32" in message

    def test_a_corrupt_deflate_stream_is_one_sentence(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """Garbage in the middle of a compressed sheet: zlib's error, one sentence."""
        book = xlsx(
            tmp_path / "list.xlsx", [*OFFICIAL, *([i, f"标准{i}", "会"] for i in range(200))]
        )
        with zipfile.ZipFile(book) as archive:
            info = archive.getinfo(SHEET)
        data = bytearray(book.read_bytes())
        start = info.header_offset + 30 + len(SHEET.encode()) + len(info.extra)
        middle = start + info.compress_size // 2
        data[middle : middle + 16] = b"\xff" * 16
        book.write_bytes(bytes(data))
        assert "sheet1.xml is damaged" in refused_import(runner, cat, book)

"""Files for reports: XLSX, the format chosen by the file's name, headers people read, the
official layout, and SQLite for Datasette.

Each export is read back the way its reader would: openpyxl for a workbook, LibreOffice for
the same workbook converted to CSV, ``gbastd import`` for a round trip, sqlite3 for the
database.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner, Result

import gbastd
from gbastd import cli
from gbastd._version import __version__
from gbastd.cli import app
from gbastd.fields import ENTRY_FIELDS, FIELDS, ROW_NUMBER_HEADER

from .conftest import DATA, ROOT, edited_mini

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
HOSTILE_TITLES = {
    "测试米": '=HYPERLINK("https://evil.example","点我")',
    "测试龙舟数据规范": "+1",
    "测试养老食品": "@SUM(1)",
    "测试赛事志愿服务": "-2",
}


def run(runner: CliRunner, catalogue: Path, *args: str) -> Result:
    return runner.invoke(app, [*args, "--catalogue", str(catalogue)])


def hostile(tmp_path: Path) -> Path:
    """The fixture catalogue with titles a spreadsheet would take for formulas."""
    return edited_mini(
        tmp_path / "hostile.toml",
        *(
            (f'title_zh = "{old}"', f"title_zh = {json.dumps(new)}")
            for old, new in HOSTILE_TITLES.items()
        ),
    )


def export(runner: CliRunner, catalogue: Path, out: Path, *args: str) -> Path:
    result = run(runner, catalogue, "export", "-o", str(out), *args)
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("Wrote "), result.stderr
    return out


def imported(runner: CliRunner, listing: Path, tmp_path: Path) -> str:
    """What importing ``listing`` into a copy of the fixture catalogue reports (dry run)."""
    copy = tmp_path / "copy.toml"
    shutil.copyfile(DATA / "mini.toml", copy)
    result = runner.invoke(app, ["import", str(listing), "-c", str(copy), "--dry-run"])
    assert result.exit_code == 0, result.output
    return result.stderr.splitlines()[-1]


UNCHANGED = "4 rows: 0 added, 0 updated, 4 unchanged, 0 conflicts."


# XLSX


class TestXlsx:
    def test_entries_sheet(self, runner: CliRunner, tmp_path: Path) -> None:
        """Bold frozen header of every field, autofilter, real dates and numbers, joined lists."""
        out = export(runner, DATA / "mini.toml", tmp_path / "mini.xlsx")
        book = openpyxl.load_workbook(out)
        assert book.sheetnames == ["entries", "about"]
        sheet = book.worksheets[0]
        header = [cell.value for cell in sheet[1]]
        assert header == list(FIELDS)
        assert all(cell.font.b for cell in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:P{1 + 4}"
        first = dict(zip(FIELDS, sheet[2], strict=True))
        assert first["gba_id"].value == "WQ 1-9"
        assert first["listed"].value == datetime(2023, 4, 24)
        assert first["listed"].number_format == "yyyy-mm-dd"
        assert first["batch"].value == 1 and first["batch"].data_type == "n"
        assert not first["title_zh"].alignment.wrap_text  # short: one line
        second = {name: cell.value for name, cell in zip(FIELDS, sheet[3], strict=True)}
        assert second["domains"] == "data ; sports"
        assert second["sources"] == "https://example.org/list-1 ; https://example.org/press"
        assert second["issued"] is None

    def test_pandas_reads_every_value_back(self, runner: CliRunner, tmp_path: Path) -> None:
        """pandas (as an analyst opens it) reads the entries sheet with every Chinese
        character, the hostile titles as text, dates as dates and the batch as a number."""
        pandas = pytest.importorskip("pandas", reason="pandas (a test extra) reads the XLSX")
        out = export(runner, hostile(tmp_path), tmp_path / "p.xlsx")
        frame = pandas.read_excel(out, sheet_name="entries", dtype=object)
        assert list(frame.columns) == list(FIELDS)
        expected = export(runner, hostile(tmp_path), tmp_path / "p.csv")
        rows = list(csv.DictReader(io.StringIO(expected.read_text(encoding="utf-8"))))
        for row, (_, read) in zip(rows, frame.iterrows(), strict=True):
            for name in ("gba_id", "code", "title_zh", "title_zh_hant", "domains", "sources"):
                assert ("" if pandas.isna(read[name]) else read[name]) == row[name], name
            if row["listed"]:
                assert read["listed"].date().isoformat() == row["listed"]
            if row["batch"]:
                assert int(read["batch"]) == int(row["batch"])
        assert sorted(frame["title_zh"]) == sorted(HOSTILE_TITLES.values())

    def test_widths_follow_display_width(self, runner: CliRunner, tmp_path: Path) -> None:
        """A Chinese character counts two columns: 测试龙舟数据规范 needs 16, plus padding."""
        sheet = openpyxl.load_workbook(
            export(runner, DATA / "mini.toml", tmp_path / "w.xlsx", "-F", "code,title_zh")
        ).worksheets[0]
        assert sheet.column_dimensions["A"].width == len("T/TEST 10-2022") + 2
        assert sheet.column_dimensions["B"].width == 16 + 2

    def test_long_text_wraps(self, runner: CliRunner, tmp_path: Path) -> None:
        """A title wider than its column wraps (top-aligned); the column stops growing."""
        long_title = "粤港澳大湾区" * 5 + "测试米"
        catalogue = edited_mini(
            tmp_path / "long.toml", ('title_zh = "测试米"', f'title_zh = "{long_title}"')
        )
        sheet = openpyxl.load_workbook(
            export(runner, catalogue, tmp_path / "long.xlsx", "-F", "title_zh,notes")
        ).worksheets[0]
        assert sheet["A2"].value == long_title
        assert sheet["A2"].alignment.wrap_text and sheet["A2"].alignment.vertical == "top"
        assert not sheet["A3"].alignment.wrap_text
        assert sheet.column_dimensions["A"].width == 40 + 2

    def test_hostile_titles_stay_text(self, runner: CliRunner, tmp_path: Path) -> None:
        """=HYPERLINK(…), +1, @SUM(1) and -2 are text cells; no cell anywhere is a formula."""
        out = export(runner, hostile(tmp_path), tmp_path / "hostile.xlsx")
        sheet = openpyxl.load_workbook(out).worksheets[0]
        titles = [row[2] for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert sorted(titles) == sorted(HOSTILE_TITLES.values())
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate
        with zipfile.ZipFile(out) as book:
            for name in book.namelist():
                if name.startswith("xl/worksheets/"):
                    xml = book.read(name).decode("utf-8")
                    assert "<f>" not in xml and "<f " not in xml, name

    def test_about_sheet(self, runner: CliRunner, tmp_path: Path) -> None:
        """The second sheet says what the file is, in the language of the headers."""
        out = export(runner, DATA / "mini.toml", tmp_path / "a.xlsx", "--domain", "food")
        about = dict(openpyxl.load_workbook(out)["about"].iter_rows(values_only=True))
        assert about["name"] == "Test catalogue"
        assert about["as_of"] == "2026-01-14"
        assert (
            about["Coverage"]
            == "4 of 10 listed items catalogued (official total as of 2026-01-14)."
        )
        assert about["licence"] == "Test data, not real standards."
        assert about["Entries in this file"] == "2"
        assert about["Filters"] == "--domain food"
        assert about["Generated"].startswith(f"gbastd {__version__}, ")
        zh = export(runner, DATA / "mini.toml", tmp_path / "zh.xlsx", "--headers", "zh")
        about_zh = dict(openpyxl.load_workbook(zh)["about"].iter_rows(values_only=True))
        assert about_zh["收录情况"] == "官方清单共 10 项，已收录 4 项（截至 2026-01-14）。"
        assert about_zh["筛选条件"] == "无（全部条目）"

    def test_import_reads_the_export_back(self, runner: CliRunner, tmp_path: Path) -> None:
        """An XLSX export imported into the catalogue it came from changes nothing."""
        out = export(runner, DATA / "mini.toml", tmp_path / "all.xlsx")
        assert imported(runner, out, tmp_path) == UNCHANGED

    def test_control_characters_are_shown_not_refused(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """A control character, which XLSX cannot hold, is written escaped instead of failing."""
        catalogue = edited_mini(
            tmp_path / "c.toml", ('title_zh = "测试米"', 'title_zh = "测试\\u001b[31m米"')
        )
        out = export(runner, catalogue, tmp_path / "c.xlsx")
        titles = [
            r[2] for r in openpyxl.load_workbook(out).worksheets[0].iter_rows(values_only=True)
        ]
        assert "测试\\x1b[31m米" in titles

    def test_to_a_pipe_but_not_a_terminal(
        self, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A workbook goes to a pipe as bytes; to a terminal it is refused in a sentence."""
        piped = run(runner, DATA / "mini.toml", "export", "--format", "xlsx")
        assert piped.exit_code == 0
        assert piped.stdout_bytes.startswith(b"PK\x03\x04")
        book = openpyxl.load_workbook(io.BytesIO(piped.stdout_bytes))
        assert book.worksheets[0].max_row == 5
        monkeypatch.setattr(cli, "_stdout_is_terminal", lambda: True)
        shown = run(runner, DATA / "mini.toml", "export", "--format", "xlsx")
        assert shown.exit_code == 2
        assert "an XLSX workbook is binary and would garble the terminal" in shown.stderr
        assert shown.stdout_bytes == b""


@pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice is not installed (Debian: libreoffice-calc-nogui; .ci/run installs it)",
)
def test_libreoffice_reads_the_workbook_cell_by_cell(runner: CliRunner, tmp_path: Path) -> None:
    """LibreOffice converts the XLSX to CSV holding exactly the cells of the CSV export:
    Chinese intact, dates as dates, hostile titles as text."""
    assert SOFFICE is not None
    catalogue = hostile(tmp_path)
    book = export(runner, catalogue, tmp_path / "book.xlsx")
    expected = export(runner, catalogue, tmp_path / "expected.csv")
    converted = tmp_path / "converted"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76,1",
            "--outdir",
            str(converted),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    got = list(csv.reader(io.StringIO((converted / "book.csv").read_text(encoding="utf-8"))))
    want = list(csv.reader(io.StringIO(expected.read_text(encoding="utf-8"))))
    assert len(got) == len(want) == 5
    for row, (got_row, want_row) in enumerate(zip(got, want, strict=True), start=1):
        assert got_row == want_row, f"row {row}"


# The format follows the file's name


SIGNATURES = {
    ".csv": b"gba_id,code,",
    ".tsv": b"gba_id\tcode\t",
    ".json": b'[\n{"gba_id": "WQ 1-9"',
    ".jsonl": b'{"gba_id": "WQ 1-9"',
    ".md": b"| gba_id | code |",
    ".toml": b"# GBA Standards catalogue",
    ".xlsx": b"PK\x03\x04",
    ".html": b"<!DOCTYPE html>",
    ".db": b"SQLite format 3\x00",
    ".sqlite": b"SQLite format 3\x00",
}


@pytest.mark.parametrize("extension", sorted(SIGNATURES))
def test_the_extension_chooses_the_format(
    runner: CliRunner, tmp_path: Path, extension: str
) -> None:
    """-o FILE.EXT writes what EXT names, without --format."""
    out = export(runner, DATA / "mini.toml", tmp_path / f"out{extension.upper()}")
    assert out.read_bytes().startswith(SIGNATURES[extension])


@pytest.mark.parametrize(
    ("name", "args", "message"),
    [
        (
            "x.xlsx",
            ["--format", "csv"],
            "x.xlsx is named for xlsx but --format asks for csv",
        ),
        ("x.xlsx", ["--excel"], "x.xlsx is named for xlsx but --excel asks for csv"),
        ("x.db", ["--format", "json"], "x.db is named for sqlite but --format asks for json"),
        ("x.txt", [], "cannot tell the format of"),
        ("x", [], "cannot tell the format of"),
    ],
)
def test_a_name_and_a_format_that_disagree_are_a_usage_error(
    runner: CliRunner, tmp_path: Path, name: str, args: list[str], message: str
) -> None:
    """Exit 2, one sentence, nothing written: never one format in a file named for another."""
    result = run(runner, DATA / "mini.toml", "export", "-o", str(tmp_path / name), *args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert list(tmp_path.iterdir()) == []


def test_a_name_without_a_format_takes_format(runner: CliRunner, tmp_path: Path) -> None:
    """An extension that names no format is fine with --format; /dev/null needs neither."""
    out = export(runner, DATA / "mini.toml", tmp_path / "list.txt", "--format", "tsv")
    assert out.read_text(encoding="utf-8").startswith("gba_id\tcode\t")
    assert run(runner, DATA / "mini.toml", "export", "-o", "/dev/null").exit_code == 0


def test_existing_and_unwritable_outputs(runner: CliRunner, tmp_path: Path) -> None:
    """An existing file without --force, and a folder that is not there: exit 1, a sentence,
    nothing partial left behind."""
    existing = tmp_path / "old.xlsx"
    existing.write_bytes(b"keep me")
    kept = run(runner, DATA / "mini.toml", "export", "-o", str(existing))
    assert (kept.exit_code, kept.stderr) == (
        1,
        f"Error: {existing} already exists; add --force to replace it.\n",
    )
    assert existing.read_bytes() == b"keep me"
    replaced = run(runner, DATA / "mini.toml", "export", "-o", str(existing), "--force")
    assert replaced.exit_code == 0 and existing.read_bytes().startswith(b"PK")
    missing = tmp_path / "no" / "such.xlsx"
    nowhere = run(runner, DATA / "mini.toml", "export", "-o", str(missing))
    assert nowhere.exit_code == 1
    assert (
        nowhere.stderr == f"Error: cannot write to {missing.parent}: No such file or directory.\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.xlsx"]


def test_sqlite_is_never_written_to_a_terminal(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "_stdout_is_terminal", lambda: True)
    result = run(runner, DATA / "mini.toml", "export", "--format", "sqlite")
    assert result.exit_code == 2
    assert "a SQLite database is binary" in result.stderr


# Headers people read, and the official layout


@pytest.mark.parametrize("language", ["zh", "zh_hant", "en"])
def test_headers_come_from_the_field_table(
    runner: CliRunner, language: str, tmp_path: Path
) -> None:
    option = language.replace("_", "-")
    result = run(runner, DATA / "mini.toml", "export", "--headers", option)
    assert result.exit_code == 0, result.output
    header = next(csv.reader(io.StringIO(result.stdout)))
    assert header == [getattr(field, language) for field in ENTRY_FIELDS]
    body = list(csv.DictReader(io.StringIO(result.stdout)))
    assert body[1][getattr(ENTRY_FIELDS[FIELDS.index("domains")], language)] == "data ; sports"


def test_keys_stay_the_default(runner: CliRunner) -> None:
    for fmt in ("csv", "tsv", "json", "jsonl"):
        default = run(runner, DATA / "mini.toml", "export", "--format", fmt)
        keys = run(runner, DATA / "mini.toml", "export", "--format", fmt, "--headers", "keys")
        assert default.stdout == keys.stdout


def official_header() -> list[str]:
    return [ROW_NUMBER_HEADER, *(field.official for field in ENTRY_FIELDS if field.official)]


def test_official_layout(runner: CliRunner) -> None:
    """Exactly the five published columns, numbered, in identifier order."""
    result = run(runner, DATA / "mini.toml", "export", "--layout", "official")
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["序号", '"湾区标准"识别号', "标准编号", "标准名称", "发布单位"]
    assert rows[0] == official_header()
    assert rows[1:] == [
        ["1", "WQ 1-9", "T/TEST 9-2022", "测试米", "测试标准促进会"],
        ["2", "WQ 1-10", "T/TEST 10-2022", "测试龙舟数据规范", ""],
        ["3", "", "T/TEST 3-2024", "测试养老食品", ""],
        ["4", "", "", "测试赛事志愿服务", "测试体育协会"],
    ]
    as_json = json.loads(
        run(runner, DATA / "mini.toml", "export", "-f", "json", "--layout", "official").stdout
    )
    assert list(as_json[0]) == official_header() and as_json[0]["序号"] == 1


@pytest.mark.parametrize("extension", [".csv", ".tsv", ".xlsx"])
def test_official_layout_round_trips_through_import(
    runner: CliRunner, tmp_path: Path, extension: str
) -> None:
    """gbastd import reads the official layout back with nothing changed."""
    out = export(
        runner, DATA / "mini.toml", tmp_path / f"official{extension}", "--layout", "official"
    )
    assert imported(runner, out, tmp_path) == UNCHANGED
    copy = tmp_path / "copy.toml"
    done = runner.invoke(app, ["import", str(out), "-c", str(copy)])
    assert done.exit_code == 0, done.output
    before, after = gbastd.load(DATA / "mini.toml"), gbastd.load(copy)
    assert (after.info, after.domains, after.standards) == (
        before.info,
        before.domains,
        before.standards,
    )


@pytest.mark.parametrize("headers", ["zh", "zh-hant", "en"])
def test_labelled_exports_round_trip_through_import(
    runner: CliRunner, tmp_path: Path, headers: str
) -> None:
    for extension in (".csv", ".tsv", ".xlsx"):
        out = export(
            runner, DATA / "mini.toml", tmp_path / f"h{extension}", "--headers", headers, "--force"
        )
        assert imported(runner, out, tmp_path) == UNCHANGED


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--layout", "official", "-F", "code"], "drop --fields"),
        (["--layout", "official", "--sort", "code"], "keeps identifier order"),
        (["-f", "toml", "--headers", "zh"], "a TOML export is a whole catalogue; drop --headers"),
        (["-f", "sqlite", "-F", "code"], "a SQLite export is a whole catalogue; drop --fields"),
        (["-f", "html", "--layout", "official"], "the report has its own layout"),
    ],
)
def test_options_that_do_not_go_together(runner: CliRunner, args: list[str], message: str) -> None:
    result = run(runner, DATA / "mini.toml", "export", *args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())


# SQLite for Datasette


def database(runner: CliRunner, tmp_path: Path, *args: str) -> sqlite3.Connection:
    out = export(runner, DATA / "mini.toml", tmp_path / "gbastd.db", *args)
    return sqlite3.connect(out)


def test_sqlite_tables_facets_and_full_text(runner: CliRunner, tmp_path: Path) -> None:
    """Entries, domains and their link, metadata, and a full-text index that finds a
    three-character Chinese substring."""
    db = database(runner, tmp_path)
    assert db.execute("SELECT count(*) FROM standards").fetchone() == (4,)
    facets = db.execute(
        "SELECT tag, count(*) FROM standard_domains GROUP BY tag ORDER BY tag"
    ).fetchall()
    assert facets == [("data", 1), ("food", 2), ("sports", 2)]
    labelled = db.execute(
        "SELECT d.zh, count(*) FROM standard_domains sd JOIN domains d USING (tag) "
        "GROUP BY d.tag ORDER BY count(*) DESC, d.tag"
    ).fetchall()
    assert labelled == [("食品", 2), ("体育", 2), ("数据", 1)]
    found = db.execute(
        "SELECT s.gba_id, s.title_zh FROM standards_fts "
        "JOIN standards s ON s.id = standards_fts.rowid WHERE standards_fts MATCH ?",
        ["龙舟数"],
    ).fetchall()
    assert found == [("WQ 1-10", "测试龙舟数据规范")]
    assert db.execute(
        "SELECT count(*) FROM standards_fts WHERE standards_fts MATCH '測試米'"
    ).fetchone() == (1,)
    row = db.execute(
        "SELECT domains, sources, batch, listed FROM standards WHERE gba_id = 'WQ 1-10'"
    ).fetchone()
    assert json.loads(row[0]) == ["data", "sports"]
    assert json.loads(row[1]) == ["https://example.org/list-1", "https://example.org/press"]
    assert row[2:] == (1, "2023-04-24")
    meta = dict(db.execute("SELECT key, value FROM catalogue").fetchall())
    assert meta["name"] == "Test catalogue" and meta["published_total"] == "10"
    assert meta["exported_with"] == f"gbastd {__version__}"
    assert db.execute("SELECT as_of, total FROM published_totals").fetchall() == [
        ("2023-04-24", 4),
        ("2024-08", 10),
    ]


def test_datasette_finds_the_full_text_index(runner: CliRunner, tmp_path: Path) -> None:
    """Datasette offers search on a table when this query (its detect_fts) names an index."""
    db = database(runner, tmp_path)
    detect = """
        SELECT name FROM sqlite_master WHERE rootpage = 0 AND (
            sql LIKE '%VIRTUAL TABLE%USING FTS%content="standards"%'
            OR sql LIKE '%VIRTUAL TABLE%USING FTS%content=[standards]%'
            OR (tbl_name = 'standards' AND sql LIKE '%VIRTUAL TABLE%USING FTS%')
        )
    """
    assert db.execute(detect).fetchall() == [("standards_fts",)]


def test_sqlite_takes_the_filters(runner: CliRunner, tmp_path: Path) -> None:
    db = database(runner, tmp_path, "--domain", "food")
    assert db.execute("SELECT count(*) FROM standards").fetchone() == (2,)
    assert (
        dict(db.execute("SELECT key, value FROM catalogue").fetchall())["filters"]
        == "--domain food"
    )


# stats --chart


def test_stats_chart_on_a_terminal(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bars by domain, batch, year and status; labels aligned by display width, so every bar
    starts in the same column whether its label is Chinese or not; unknown shown as such."""
    from rich.cells import cell_len

    monkeypatch.setattr(cli, "_stdout_is_terminal", lambda: True)
    result = run(runner, DATA / "mini.toml", "stats", "--chart")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "4 of 10 listed items catalogued (official total as of 2026-01-14)."
    for title in ("by domain", "by batch", "by year", "by status"):
        assert title in lines
    start = lines.index("by domain") + 1
    domain = lines[start : start + 3]
    assert [line.split("█")[0].strip() for line in domain] == [
        "data 数据",
        "food 食品",
        "sports 体育",
    ]
    assert len({cell_len(line.split("█")[0]) for line in domain}) == 1
    assert domain[1].endswith("█ 2") and domain[0].endswith(" 1")
    assert any(line.startswith("unknown ") for line in lines)
    assert all(cell_len(line) <= 100 for line in lines)


def test_stats_chart_in_a_pipe_is_todays_tsv(runner: CliRunner) -> None:
    plain = run(runner, DATA / "mini.toml", "stats")
    charted = run(runner, DATA / "mini.toml", "stats", "--chart")
    assert charted.exit_code == 0 and charted.stdout == plain.stdout
    assert plain.stdout.startswith("dimension\tvalue\tcount\n")


def test_option_choices_are_the_layout_values() -> None:
    """The --headers and --layout choices, written out in cli.py so that other commands need
    not import layout, are exactly layout's values."""
    from gbastd.layout import Headers, Layout

    assert tuple(Headers) == cli.HEADER_CHOICES
    assert tuple(Layout) == cli.LAYOUT_CHOICES


def test_the_report_benchmark_runs() -> None:
    """bench/report_bench.py works (at a small size) and finds the libraries of these paths
    off the piped list path."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "report_bench.py"), "-n", "50", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "report -o r.html" in done.stdout
    assert done.stdout.rstrip().endswith("openpyxl, jinja2, sqlite3: none")


@pytest.mark.parametrize("args", [[], ["--layout", "official"], ["--headers", "zh-hant"]])
def test_the_real_catalogue_round_trips_through_xlsx(
    runner: CliRunner, tmp_path: Path, args: list[str]
) -> None:
    """Every entry of the embedded catalogue comes back from its workbook unchanged."""
    real = tmp_path / "standards.toml"
    shutil.copyfile(ROOT / "data" / "standards.toml", real)
    out = export(runner, real, tmp_path / "all.xlsx", *args)
    result = runner.invoke(app, ["import", str(out), "-c", str(real), "--dry-run"])
    assert result.exit_code == 0, result.output
    total = len(gbastd.load(real).standards)
    assert result.stderr.splitlines()[-1] == (
        f"{total} rows: 0 added, 0 updated, {total} unchanged, 0 conflicts."
    )

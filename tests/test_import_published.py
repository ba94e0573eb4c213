"""Import: official lists as they are published (issue 11).

The fixtures in tests/data/published/ were made the way publishers make them, by
tests/make_published_fixtures.py (LibreOffice, headless): a Word-made PDF whose codes and
titles wrap and whose rows break across pages, a Calc-made PDF, the DOCX behind the Word one
(a merged cell, a note row spanning the table), an XLSX with a notes sheet first and a merged
title row above the header, Excel's "Unicode text" (UTF-16 TSV), and the refusals' inputs.
Their rows are synthetic test data (titles 测试数据…, batch 99, the year 2099); every format
must give back every row and every cell of ``expected.csv``, exactly.
"""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gbastd import catalogue, docxtables, edit, formats, pdftables, published, sheets
from gbastd.cli import app
from gbastd.records import Standard

from .conftest import DATA, generated_catalogue, imported_by, refused_import

PUBLISHED = DATA / "published"
URL = "https://example.org/notice-99"
EXPECTED = list(csv.reader(io.StringIO((PUBLISHED / "expected.csv").read_text("utf-8"))))
HEADER, ROWS = EXPECTED[0], EXPECTED[1:]

# Each fixture, and the line saying what was read.
READS = {
    "list-word.pdf": "PDF, 3 pages, 3 tables, 40 rows (2 repeated headers dropped, 2 continued "
    "rows merged, 1 note row skipped).",
    "list-calc.pdf": "PDF, 3 pages, 2 tables, 40 rows (1 repeated header dropped).",
    "list-word.docx": "DOCX, 1 table, 40 rows (1 note row skipped).",
    "list-notes-first.xlsx": "XLSX, sheet '清单', 40 rows (1 note row skipped, 3 rows before "
    "the header skipped).",
    "list-unicode.txt": "TSV, UTF-16, 40 rows (1 note row skipped, 1 row before the header "
    "skipped).",
}


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, list(args))


@pytest.fixture(name="cat")
def _cat(tmp_path: Path) -> Path:
    """An empty catalogue declaring the tags used here, in canonical form."""
    made = generated_catalogue([], ("food", "data"))
    path = tmp_path / "cat.toml"
    path.write_text(formats.to_toml(made, made.standards), encoding="utf-8")
    assert run(CliRunner(), "validate", "--fix-format", str(path)).exit_code == 0
    return path


def imported(runner: CliRunner, cat: Path, sheet: Path, *extra: str) -> Result:
    result = run(
        runner, "import", str(sheet), "-d", "food", "--source", URL, *extra, "-c", str(cat)
    )
    assert result.exit_code == 0, result.output
    return result


def as_rows(standards: tuple[Standard, ...] | list[Standard]) -> list[list[str]]:
    """Entries as the official list's five columns (序号 from the identifier's number)."""
    return [
        [
            (s.gba_id or "").rpartition("-")[2],
            s.gba_id or "",
            s.code or "",
            s.title_zh,
            s.publisher or "",
        ]
        for s in standards
    ]


# ---------------------------------------------------------------- every format, exactly


class TestEveryFormatExactly:
    @pytest.mark.parametrize("name", list(READS))
    def test_every_row_and_cell_comes_back(self, runner: CliRunner, cat: Path, name: str) -> None:
        """All 40 rows, every cell, as the list prints them; one line says what was read."""
        result = imported(runner, cat, PUBLISHED / name)
        assert result.stderr.splitlines()[0] == f"Read {name}: {READS[name]}"
        assert result.stderr.endswith("40 rows: 40 added, 0 updated, 0 unchanged, 0 conflicts.\n")
        standards = catalogue.load(cat).standards
        got = sorted(as_rows(standards), key=lambda row: int(row[0]))
        assert got == ROWS
        assert all(s.sources == (URL,) and s.domains == ("food",) for s in standards)

    def test_the_word_pdf_really_wraps_and_breaks(self) -> None:
        """Control: the PDF's cells hold the wrapped lines the import must join, and rows
        that continue on the next page, so the test above can fail."""
        import pdfplumber

        with pdfplumber.open(PUBLISHED / "list-word.pdf") as pdf:
            tables = [page.extract_tables()[0] for page in pdf.pages]
        cells = [cell for table in tables for row in table for cell in row if cell]
        assert "GB/T\n99001-\n2099" in cells  # after a prefix, then after a hyphen
        assert "DB99/T\n9005-\n2099" in cells
        assert any(
            cell.startswith("测试数据：粤港澳大湾区跨境测试用长标\n题规范") for cell in cells
        )
        assert [table[0][0] for table in tables] == ["序号"] * 3  # the header on every page
        assert [table[1][0] for table in tables[1:]] == ["", ""]  # rows continued
        assert tables[-1][-1][0] == "注：以上各行均为测试数据。"
        assert tables[0][8][4] is None  # the merged publisher, printed once for two rows

    def test_the_kind_comes_from_the_content(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """A PDF named .csv, a DOCX named .xlsx and a workbook named .pdf read as what they
        are."""
        for source, name in (
            ("list-word.pdf", "list.csv"),
            ("list-word.docx", "list.xlsx"),
            ("list-notes-first.xlsx", "list.pdf"),
        ):
            renamed = tmp_path / name
            renamed.write_bytes((PUBLISHED / source).read_bytes())
            target = tmp_path / f"{name}.toml"
            target.write_bytes(cat.read_bytes())
            imported(runner, target, renamed)
            standards = catalogue.load(target).standards
            assert sorted(as_rows(standards), key=lambda row: int(row[0])) == ROWS, source

    def test_a_page_without_text_among_text_pages_is_named(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """A scanned page appended to the list is not read, and the line saying what was read
        says so."""
        import pypdfium2

        mixed = pypdfium2.PdfDocument(str(PUBLISHED / "list-word.pdf"))
        scan = pypdfium2.PdfDocument(str(PUBLISHED / "list-scanned.pdf"))
        mixed.import_pages(scan, [0])
        path = tmp_path / "mixed.pdf"
        mixed.save(str(path))
        mixed.close()
        scan.close()
        result = imported(runner, cat, path)
        assert result.stderr.splitlines()[0] == (
            "Read mixed.pdf: PDF, 4 pages (1 without text, not read), 3 tables, 40 rows (2 "
            "repeated headers dropped, 2 continued rows merged, 1 note row skipped)."
        )

    def test_an_excel_export_resaved_by_a_spreadsheet_restores_guarded_values(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """export --excel, opened in LibreOffice Calc and saved as XLSX: the ' that guarded a
        formula is dropped, so every row matches its entry; nothing is added."""
        source = tmp_path / "source.toml"
        source.write_bytes((PUBLISHED / "excel-export-source.toml").read_bytes())
        before = source.read_bytes()
        resaved = PUBLISHED / "excel-export-resaved.xlsx"
        result = run(runner, "import", str(resaved), "--overwrite", "-c", str(source))
        assert result.exit_code == 0, result.output
        assert result.stderr.endswith("7 rows: 0 added, 0 updated, 7 unchanged, 0 conflicts.\n")
        assert source.read_bytes() == before

    def test_the_resaved_workbook_really_holds_the_guards(self) -> None:
        """Control: the workbook's cells start with ', and gbastd's own XLSX sheets are what
        the importer takes for gbastd's (it reads those exactly)."""
        import openpyxl

        from gbastd import xlsx

        book = openpyxl.load_workbook(PUBLISHED / "excel-export-resaved.xlsx", read_only=True)
        titles = {row[2] for row in book.active.iter_rows(values_only=True)}
        assert {"'=1+1（测试数据）", "'-5℃测试数据", "'@测试数据"} <= titles
        assert (xlsx.ENTRIES_SHEET, xlsx.ABOUT_SHEET) == sheets._OWN_SHEETS

    def test_gbastd_s_own_workbook_keeps_an_apostrophe(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """A value that itself starts with ' and a formula character round-trips through
        gbastd's own XLSX: only a workbook gbastd did not write is unguarded."""
        result = run(runner, "add", "-c", str(cat), "--title-zh", "'=1+1", "-d", "food",
                     "--source", URL)  # fmt: skip
        assert result.exit_code == 0, result.output
        out = tmp_path / "own.xlsx"
        assert run(runner, "export", "-c", str(cat), "-o", str(out)).exit_code == 0
        result = run(runner, "import", str(out), "-c", str(cat), "--dry-run")
        assert result.exit_code == 0, result.output
        assert result.stderr.endswith("1 rows: 0 added, 0 updated, 1 unchanged, 0 conflicts.\n")


# ---------------------------------------------------------------- reading as a person would


class TestReadingAsAPersonWould:
    @pytest.mark.parametrize(
        ("lines", "joined"),
        [
            ("DB44/T\n2407-2023", "DB44/T 2407-2023"),  # a code broken after its prefix
            ("GB/T\n41015-\n2023", "GB/T 41015-2023"),  # ... and after its hyphen
            ("T/\nGBAS 6-2022", "T/GBAS 6-2022"),  # after a slash
            ("粤港澳大湾区\n标准", "粤港澳大湾区标准"),  # Chinese: nothing between
            ("基于5G\n的平台", "基于5G的平台"),
            ("测试用\nLED照明", "测试用LED照明"),
            ("Wi-\nFi接入", "Wi-Fi接入"),
            ("“湾区标\n准”\n识别号", "“湾区标准”识别号"),
            ("Rice\nproducts", "Rice products"),
            ("  丝苗米 \n\n", "丝苗米"),
            ("丝苗米", "丝苗米"),
        ],
    )
    def test_wrapped_lines_join_as_the_text_means_them(self, lines: str, joined: str) -> None:
        assert published.join_lines(lines) == joined

    def test_headers_in_any_quoting_spacing_script_and_with_line_breaks(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """Traditional headers, quotes of any kind and a line break inside a header cell, under
        a title row: the header is found and read."""
        sheet = tmp_path / "list.csv"
        sheet.write_text(
            "測試數據：標題行,,,,\n"
            '序號,"「灣區標準」\n識別號",標 準 編 號,"""標準名稱""",發布單位\n'
            "1,WQ99-1,T/TEST 1-2099,测试数据甲,测试单位\n",
            encoding="utf-8",
        )
        result = imported(runner, cat, sheet)
        assert result.stderr.splitlines()[0] == (
            "Read list.csv: CSV, UTF-8, 1 row (1 row before the header skipped)."
        )
        (entry,) = catalogue.load(cat).standards
        assert as_rows([entry]) == [["1", "WQ 99-1", "T/TEST 1-2099", "测试数据甲", "测试单位"]]

    def test_utf16_text_with_either_byte_order(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """UTF-16 with a BOM, little- or big-endian, tab- or comma-separated, quoted as Excel
        quotes (a line break inside a cell)."""
        text = '序号\t标准名称\t备注\n1\t测试数据乙\t"第一行\n第二行"\n'
        for encoding, name in (("utf-16-le", "le.txt"), ("utf-16-be", "be.txt")):
            bom = "\ufeff".encode(encoding)
            sheet = tmp_path / name
            sheet.write_bytes(bom + text.encode(encoding))
            target = tmp_path / f"{name}.toml"
            target.write_bytes(cat.read_bytes())
            imported(runner, target, sheet)
            (entry,) = catalogue.load(target).standards
            assert (entry.title_zh, entry.notes) == ("测试数据乙", "第一行\n第二行")
        comma = tmp_path / "comma.csv"
        comma.write_bytes("标准名称,备注\n测试数据丙,x\n".encode("utf-16"))
        imported(runner, cat, comma)
        assert [s.title_zh for s in catalogue.load(cat).standards] == ["测试数据丙"]

    def test_a_row_continued_on_the_next_page_is_merged_only_in_print(self) -> None:
        """The merge is for printed tables, at the top of a new page; in a sheet a row with no
        序号 is a row of its own."""
        header = published.Line(1, ["序号", "标准编号", "标准名称"])

        def read(printed: bool) -> list[list[str]]:
            grids = [
                published.Grid([header, published.Line(2, ["1", "GB/T", "测试数据标"])], printed),
                published.Grid([published.Line(1, ["", "1-2099", "题"])], printed),
            ]
            lines = published.assemble("t", grids, published.Assembly())
            return [line.cells for line in lines][1:]

        assert read(True) == [["1", "GB/T 1-2099", "测试数据标题"]]
        assert read(False) == [["1", "GB/T", "测试数据标"], ["", "1-2099", "题"]]

    def test_notes_and_headings_are_skipped_but_not_rows(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """A row with text in 序号 and nothing else is a note or a heading; a row with values
        is read, whatever its 序号."""
        sheet = tmp_path / "list.csv"
        sheet.write_text(
            "序号,标准名称,发布单位\n一、测试类,,\n1,测试数据丁,\n1a,测试数据戊,测试单位\n"
            "注：以上为测试数据。,,\n",
            encoding="utf-8",
        )
        result = imported(runner, cat, sheet)
        assert result.stderr.splitlines()[0] == (
            "Read list.csv: CSV, UTF-8, 2 rows (2 note rows skipped)."
        )
        assert {s.title_zh for s in catalogue.load(cat).standards} == {"测试数据丁", "测试数据戊"}

    def test_sheet_by_name_or_number(self, runner: CliRunner, cat: Path) -> None:
        workbook = PUBLISHED / "list-notes-first.xlsx"
        for choice in ("清单", "2"):
            result = run(runner, "import", str(workbook), "--sheet", choice, "-d", "food",
                         "--source", URL, "-c", str(cat), "--dry-run")  # fmt: skip
            assert result.exit_code == 0, result.output
            assert "sheet '清单', 40 rows" in result.stderr

    def test_a_note_boxed_in_a_table_of_its_own_after_the_list(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """A one-cell table after the list (备注 in a box) is a note, like the note row."""
        boxed = with_body(
            tmp_path / "boxed.docx", b"<w:sectPr>", table(["备注：测试数据。"]) + b"<w:sectPr>"
        )
        result = imported(runner, cat, boxed)
        assert result.stderr.splitlines()[0] == (
            "Read boxed.docx: DOCX, 1 table, 40 rows (2 note rows skipped)."
        )
        assert sorted(as_rows(catalogue.load(cat).standards), key=lambda r: int(r[0])) == ROWS

    def test_a_merged_cell_in_a_sheet_reads_as_its_value(self, tmp_path: Path) -> None:
        """Control for the XLSX fixture: its publisher cell really is merged over two rows,
        and reads as its value in both."""
        import openpyxl

        book = openpyxl.load_workbook(PUBLISHED / "list-notes-first.xlsx")
        assert "E10:E11" in {str(r) for r in book["清单"].merged_cells.ranges}
        assert book["清单"]["E11"].value is None
        rows = sheets.read_list(PUBLISHED / "list-notes-first.xlsx").rows
        assert rows[6]["publisher"] == rows[7]["publisher"] == ROWS[7][4]


# ---------------------------------------------------------------- the notice's date and batch


class TestListedAndBatch:
    def test_new_entries_get_them_and_entries_lacking_them_gain_them(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        result = run(runner, "add", "-c", str(cat), "--title-zh", "测试数据：丝苗米样品6",
                     "--gba-id", "WQ99-6", "-d", "data", "--source", URL)  # fmt: skip
        assert result.exit_code == 0, result.output
        result = imported(
            runner, cat, PUBLISHED / "list-word.docx", "--listed", "2099-01-02", "--batch", "99"
        )
        assert result.stderr.endswith("40 rows: 39 added, 1 updated, 0 unchanged, 0 conflicts.\n")
        standards = catalogue.load(cat).standards
        assert {(s.listed, s.batch) for s in standards} == {("2099-01-02", 99)}

    def test_a_differing_value_is_a_conflict(self, runner: CliRunner, cat: Path) -> None:
        imported(runner, cat, PUBLISHED / "list-word.docx", "--batch", "99")
        before = cat.read_bytes()
        result = run(runner, "import", str(PUBLISHED / "list-word.docx"), "--batch", "98",
                     "-c", str(cat))  # fmt: skip
        assert result.exit_code == 0, result.output
        assert "Conflict: WQ 99-1: batch: catalogue has 99, the list has 98 (kept)." in (
            result.stderr
        )
        assert result.stderr.endswith("40 rows: 0 added, 0 updated, 0 unchanged, 40 conflicts.\n")
        assert cat.read_bytes() == before

    def test_a_row_s_own_value_that_differs_is_a_usage_error(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        sheet = tmp_path / "list.csv"
        sheet.write_text("标准名称,listed\n测试数据己,2099-01-01\n", encoding="utf-8")
        before = cat.read_bytes()
        result = run(runner, "import", str(sheet), "--listed", "2099-02-02", "-d", "food",
                     "--source", URL, "-c", str(cat))  # fmt: skip
        assert result.exit_code == 2, result.output
        assert "row 1 (测试数据己) of the list has listed 2099-01-01, not 2099-02-02" in (
            result.stderr
        )
        assert cat.read_bytes() == before

    def test_bad_values_are_usage_errors(self, runner: CliRunner, cat: Path) -> None:
        """Including a batch below the schema's minimum: never silently left out."""
        for option, value in (("--listed", "2099-13-01"), ("--batch", "x"), ("--batch", "0")):
            result = run(runner, "import", str(PUBLISHED / "list-word.docx"), option, value,
                         "-c", str(cat))  # fmt: skip
            assert result.exit_code == 2 and f"'{option}'" in result.stderr, result.output
        assert "'0' is less than 1." in result.stderr

    def test_a_given_value_is_given_even_when_false(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """The notice's values reach the plan by being given, not by being truthy."""
        before = catalogue.load(cat)
        rows = [{"title_zh": "测试数据庚"}]
        plan = edit.plan_merge(before, rows, today="2099-01-01", batch=0, domains=("food",))
        assert [s.batch for s in plan.standards] == [0]


# ---------------------------------------------------------------- a dry run shows the plan


class TestDryRun:
    def test_the_plan_is_shown_even_when_the_write_would_be_refused(
        self, runner: CliRunner, cat: Path
    ) -> None:
        """Without --domain and --source: every addition on stdout, then what the real import
        still needs and why; exit 1, nothing written."""
        before = cat.read_bytes()
        result = run(runner, "import", str(PUBLISHED / "list-word.pdf"), "--dry-run",
                     "-c", str(cat))  # fmt: skip
        assert result.exit_code == 1, result.output
        added = result.stdout.splitlines()
        assert len(added) == 40 and all(line.startswith("+ WQ 99-") for line in added)
        assert (
            "+ WQ 99-17  T/TEST 17-2099  测试数据：测试场所服务质量评价指南第17部分：总则" in added
        )
        errors = result.stderr.splitlines()
        assert errors[-2] == "40 rows: 40 added, 0 updated, 0 unchanged, 0 conflicts."
        assert errors[-1].startswith(
            "Error: A real import would be refused: New entries need a title, a domain and a "
            "source (give --domain TAG and --source URL for the whole list): row 1 (WQ 99-1): "
            "no domains or sources;"
        )
        assert errors[-1].endswith("; and 35 more new rows.")
        assert cat.read_bytes() == before

    def test_fills_and_conflicts_are_in_the_plan(self, runner: CliRunner, cat: Path) -> None:
        for title, code in (("测试数据：丝苗米样品6", None), ("测试数据：丝苗米样品12", "T/X 1")):
            args = ["add", "-c", str(cat), "--title-zh", title, "-d", "data", "--source", URL]
            result = run(runner, *args, *(["--code", code] if code else []))
            assert result.exit_code == 0, result.output
        result = run(runner, "import", str(PUBLISHED / "list-word.pdf"), "--dry-run",
                     "-c", str(cat))  # fmt: skip
        assert "~ WQ 99-6: code: (none) → GB/T 99006-2099" in result.stdout
        assert (
            "Conflict: T/X 1: code: catalogue has 'T/X 1', the list has "
            "'T/TEST 12-2099' (kept)." in result.stderr
        )
        assert result.exit_code == 1  # the 38 new rows still have no domain


# ---------------------------------------------------------------- refusals


def truncated(tmp_path: Path, name: str, keep: float = 0.5) -> Path:
    data = (PUBLISHED / name).read_bytes()
    path = tmp_path / f"cut-{name}"
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def zip_bomb(path: Path, like: str) -> Path:
    """A real archive of ``like`` with a member of zeros that expands hundreds of times."""
    with zipfile.ZipFile(PUBLISHED / like) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        archive.writestr("padding.xml", bytes(8 * 1024 * 1024))
    return path


def with_body(path: Path, old: bytes, new: bytes) -> Path:
    """The Word fixture with ``old`` in its body replaced, once, by ``new``."""
    with zipfile.ZipFile(PUBLISHED / "list-word.docx") as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    assert old in members["word/document.xml"]
    members["word/document.xml"] = members["word/document.xml"].replace(old, new, 1)
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def table(cells: list[str]) -> bytes:
    """A one-row Word table of ``cells``, ruled as the list is."""
    row = "".join(f"<w:tc><w:p><w:r><w:t>{cell}</w:t></w:r></w:p></w:tc>" for cell in cells)
    return f"<w:tbl><w:tr>{row}</w:tr></w:tbl>".encode()


class TestRefusals:
    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("list-scanned.pdf", "has no text layer: its 3 pages are images (a scan), which "
             "gbastd does not read; ask for the list as XLSX or DOCX, or a PDF with text."),
            ("list-no-unicode.pdf", "page 1: its characters carry no Unicode mapping (pdfminer "
             "reads them as (cid:…)), so their text cannot be known;"),
            ("list-encrypted.pdf", "is encrypted with a password; save it without one"),
            ("other-headers.pdf", 'no table has the official header (序号, "湾区标准"识别号, '
             "标准编号, 标准名称, 发布单位); the tables begin with "
             "'项目, 金额（测试数据）, 说明'."),
            ("empty-table.pdf", "no rows under the list's header (page 1, row 1); nothing to "
             "import."),
        ],
    )  # fmt: skip
    def test_pdfs_that_cannot_be_read_honestly(
        self, runner: CliRunner, cat: Path, name: str, message: str
    ) -> None:
        assert message in refused_import(runner, cat, PUBLISHED / name)

    @pytest.mark.parametrize(
        ("name", "message"),
        [
            ("list-word.pdf", "is cut short (a PDF ends with %%EOF): download it again"),
            ("list-word.docx", "cannot be read as DOCX (File is not a zip file)."),
            ("list-notes-first.xlsx", "cannot be read as XLSX (File is not a zip file)."),
        ],
    )
    def test_truncated_files(
        self, runner: CliRunner, cat: Path, tmp_path: Path, name: str, message: str
    ) -> None:
        assert message in refused_import(runner, cat, truncated(tmp_path, name))

    @pytest.mark.parametrize("name", ["list-word.docx", "list-notes-first.xlsx"])
    def test_an_archive_whose_directory_points_before_its_start(
        self, runner: CliRunner, cat: Path, tmp_path: Path, name: str
    ) -> None:
        """The end record's central directory offset made larger than the file: every member
        then seems to start before the archive (zipfile: a negative seek, ValueError)."""
        data = bytearray((PUBLISHED / name).read_bytes())
        data[data.rfind(b"PK\x05\x06") + 18] = 0x99  # the offset's third byte
        damaged = tmp_path / name
        damaged.write_bytes(data)
        assert "is damaged (negative seek value" in refused_import(runner, cat, damaged)

    @pytest.mark.parametrize(
        ("name", "like", "kind"),
        [
            ("bomb.xlsx", "list-notes-first.xlsx", "sheet"),
            ("bomb.docx", "list-word.docx", "document"),
        ],
    )
    def test_zip_bombs(
        self, runner: CliRunner, cat: Path, tmp_path: Path, name: str, like: str, kind: str
    ) -> None:
        message = refused_import(runner, cat, zip_bomb(tmp_path / name, like))
        assert "padding.xml expands" in message
        assert f"more than the 100 times of any real {kind}; it was not read." in message

    def test_a_one_page_scan(self, runner: CliRunner, cat: Path, tmp_path: Path) -> None:
        import pypdfium2

        scan = pypdfium2.PdfDocument(str(PUBLISHED / "list-scanned.pdf"))
        scan.del_page(2)
        scan.del_page(1)
        path = tmp_path / "scan.pdf"
        scan.save(str(path))
        scan.close()
        assert f"Error: {path} has no text layer: its page is an image (a scan), which" in (
            refused_import(runner, cat, path)
        )

    def test_a_pdf_whose_page_tree_is_damaged(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """A page's MediaBox that is not numbers: pdfplumber cannot list the pages, and says
        so again when the document is closed; the refusal is still the one sentence."""
        data = (PUBLISHED / "list-word.pdf").read_bytes()
        box = b"/MediaBox[0 0 595.303937007874 841.889763779528]"
        assert box in data
        damaged = tmp_path / "damaged.pdf"
        damaged.write_bytes(data.replace(box, box[:-7] + b" x]", 1))  # same length: xref holds
        message = refused_import(runner, cat, damaged)
        assert message.startswith(f"Error: {damaged}: the PDF is damaged (Bounding box ")

    def test_a_docx_whose_body_is_too_large(
        self, runner: CliRunner, cat: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The body is parsed whole: its unpacked size is bounded before it is read (here
        lowered below the fixture's 37 KiB; a real 32 MiB body compresses under 100 times)."""
        monkeypatch.setattr(docxtables, "MAX_BODY", 32 * 1024)
        message = refused_import(runner, cat, PUBLISHED / "list-word.docx")
        assert (
            "list-word.docx: word/document.xml unpacks to 0.0 MiB, more than the 0.03125 MiB"
            in message
        )

    def test_a_pdf_of_too_many_pages(
        self, runner: CliRunner, cat: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Pages are counted before any is read (here the limit is lowered below 3)."""
        monkeypatch.setattr(pdftables, "MAX_PAGES", 2)
        message = refused_import(runner, cat, PUBLISHED / "list-word.pdf")
        assert "list-word.pdf has 3 pages, more than the 2 any list of standards needs;" in message

    def test_a_pdf_that_inflates_beyond_the_limit(
        self, runner: CliRunner, cat: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The PDF's streams are inflated in bounded steps before pdfminer inflates them."""
        monkeypatch.setattr(pdftables, "MAX_INFLATED", 64 * 1024)
        message = refused_import(runner, cat, PUBLISHED / "list-word.pdf")
        assert "list-word.pdf inflates to more than 0 MiB, far beyond any list" in message

    @pytest.mark.parametrize(
        ("content", "name", "message"),
        [
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "WordDocument".encode("utf-16-le"), "a.doc",
             "is a Word 97-2003 document (.doc); save it as DOCX and import that."),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "Workbook".encode("utf-16-le"), "a.xls",
             "is an Excel 97-2003 workbook (.xls); save it as XLSX and import that."),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le"),
             "a.xlsx", "is an Office file protected with a password; save it without one"),
            (b"\x89PNG\r\n\x1a\n" + bytes(32), "list.pdf", "is a PNG image, not a list"),
            (b"{\\rtf1\\ansi", "list.doc", "is an RTF document; save it as DOCX"),
        ],
    )  # fmt: skip
    def test_files_of_other_kinds_say_what_to_do(
        self, runner: CliRunner, cat: Path, tmp_path: Path, content: bytes, name: str, message: str
    ) -> None:
        sheet = tmp_path / name
        sheet.write_bytes(content)
        assert message in refused_import(runner, cat, sheet)

    @pytest.mark.parametrize("content", [b"", b" \r\n\t\n"])
    def test_an_empty_file(
        self, runner: CliRunner, cat: Path, tmp_path: Path, content: bytes
    ) -> None:
        """Whatever its name says: not "no table was found in it"."""
        empty = tmp_path / "list.pdf"
        empty.write_bytes(content)
        message = refused_import(runner, cat, empty)
        assert message == f"Error: {empty} is empty; there is no list in it to import.\n"

    def test_an_opendocument_or_foreign_archive(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        ods = tmp_path / "list.ods"
        with zipfile.ZipFile(ods, "w") as archive:
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", "<x/>")
        assert "is an OpenDocument file (.ods or .odt); save it as XLSX" in refused_import(
            runner, cat, ods
        )
        other = tmp_path / "list.zip"
        with zipfile.ZipFile(other, "w") as archive:
            archive.writestr("list.pdf", "%PDF-")
        assert "is a zip archive holding neither an XLSX workbook nor a DOCX." in refused_import(
            runner, cat, other
        )

    def test_a_docx_declaring_entities(self, runner: CliRunner, cat: Path, tmp_path: Path) -> None:
        """Entity expansion (a billion laughs) needs a DOCTYPE, which no Word document has."""
        bad = with_body(
            tmp_path / "laughs.docx", b"?>", b'?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>'
        )
        assert "word/document.xml declares a document type" in refused_import(runner, cat, bad)

    @pytest.mark.parametrize(
        ("cells", "columns"),
        [(["测试数据", "另一列"], "2 columns"), (["41"], "1 column")],  # a number is no note
    )
    def test_a_table_of_other_columns_after_the_list(
        self, runner: CliRunner, cat: Path, tmp_path: Path, cells: list[str], columns: str
    ) -> None:
        """A later table of other values than one note may be the list's own rest: refused."""
        bad = with_body(tmp_path / "more.docx", b"<w:sectPr>", table(cells) + b"<w:sectPr>")
        assert f"more.docx, table 2, row 1: a table of {columns} follows the list's 5; it " in (
            refused_import(runner, cat, bad)
        )

    def test_pdfplumber_missing_gives_the_install_hint(
        self, runner: CliRunner, cat: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setitem(sys.modules, "pdfplumber", None)  # makes `import pdfplumber` fail
        message = refused_import(runner, cat, PUBLISHED / "list-word.pdf")
        assert message == (
            f"Error: {PUBLISHED / 'list-word.pdf'} is a PDF, and reading one needs pdfplumber: "
            "pip install 'gbastd[pdf]'.\n"
        )

    def test_sheet_choices_that_cannot_be_met(self, runner: CliRunner, cat: Path) -> None:
        workbook = PUBLISHED / "list-notes-first.xlsx"
        assert "has no sheet 'nope'; its sheets are 1 '说明', 2 '清单'." in refused_import(
            runner, cat, workbook, "--sheet", "nope"
        )
        assert "no table has the official header" in refused_import(
            runner, cat, workbook, "--sheet", "1"
        )
        assert "is a PDF; --sheet chooses a sheet of an XLSX file." in refused_import(
            runner, cat, PUBLISHED / "list-word.pdf", "--sheet", "1"
        )
        assert "is a PDF; --encoding names the encoding of a CSV or TSV file." in refused_import(
            runner, cat, PUBLISHED / "list-word.pdf", "--encoding", "gbk"
        )


# ---------------------------------------------------------------- start-up


def imported_modules(*args: str, tmp_path: Path) -> set[str]:
    """The modules a fresh ``python -m gbastd`` imports (``-X importtime``)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "gbastd", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "GBASTD_CACHE_DIR": str(tmp_path / "cache")},
        timeout=120,
        check=False,
    )
    return imported_by(done.stderr)


def test_reading_pdfs_costs_other_commands_nothing(tmp_path: Path, cat: Path) -> None:
    """pdfplumber and pdfminer are imported by an import of a PDF, and by nothing else: not
    by a list, import --help, or an import of a CSV."""
    pdf = {"pdfplumber", "pdfminer"}
    listing = imported_modules("list", "-c", str(DATA / "mini.toml"), tmp_path=tmp_path)
    assert "gbastd" in listing and not pdf & listing
    assert not pdf & imported_modules("import", "--help", tmp_path=tmp_path)
    csv_import = imported_modules(
        "import", str(PUBLISHED / "expected.csv"), "--dry-run", "-c", str(cat), tmp_path=tmp_path
    )
    assert "gbastd.sheets" in csv_import and not pdf & csv_import
    pdf_import = imported_modules(
        "import", str(PUBLISHED / "list-word.pdf"), "--dry-run", "-c", str(cat), tmp_path=tmp_path
    )
    assert pdf <= pdf_import  # control: the check sees them when they are imported

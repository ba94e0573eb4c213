"""Make the published-list fixtures of tests/data/published/ the way publishers make them.

Usage: python tests/make_published_fixtures.py [--bench DIR]

The official lists come as PDF tables printed from Word or Excel, sometimes as the DOCX or
XLSX itself, or as a spreadsheet saved as "Unicode text". This script writes the sources by
hand (a DOCX, as Word stores it, with a title row spanning the table, a header cell with a line
break, a header row repeated on every page and a vertically merged cell; an XLSX with a notes
sheet first, a merged title row and a blank row above the header), then lets LibreOffice
(headless) print them to PDF and save the UTF-16 text, as a publisher's office suite would.
The image-only PDF is the Word-made PDF rasterised (pypdfium2 and Pillow, which pdfplumber
brings); the encrypted one is LibreOffice's export with an opening password; the one without
Unicode mappings is the Word-made PDF with its fonts' ``/ToUnicode`` maps renamed away.

Every row is synthetic and says so: titles start with 测试数据, identifiers are of batch 99 and
codes of the year 2099 (DB99/T, GB/T 99…, T/TEST), none of which any real standard has.
``expected.csv`` holds the rows every fixture must give back, cell for cell.

The generated files are committed, so the tests need neither LibreOffice nor this script.
``--bench DIR`` writes the benchmark's list instead: 267 rows over 16 pages, into DIR.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).parent
OUT = HERE / "data" / "published"

HEADER = ["序号", "“湾区标准”识别号", "标准编号", "标准名称", "发布单位"]
HEADER_BROKEN = ["序号", "“湾区标准”\n识别号", "标准编号", "标准名称", "发布单位"]
LIST_TITLE = "测试数据：第99号公告所附“湾区标准”清单（合成数据，仅供测试）"
NOTE = "注：本表全部为测试数据，标准编号与名称均为虚构，不对应任何真实标准。"
TABLE_NOTE = "注：以上各行均为测试数据。"

PUBLISHERS = [
    "测试标准促进会（测试数据）",
    "测试数据第二发布单位",
    "测试数据联合发布单位：测试协会、测试研究院、测试促进中心",
]
TITLES = [
    "测试数据：丝苗米样品{n}",
    "测试数据：粤港澳大湾区跨境测试用长标题规范第{n}部分：通用要求、检验方法与标志标签（仅供测试，非真实标准）",
    "测试数据：基于5G的测试平台技术要求{n}",
    "测试数据：Wi-Fi接入测试规范{n}",
    "测试数据：测试用（冻）样品{n}加工与贮运规范",
    "测试数据：测试场所服务质量评价指南第{n}部分：总则",
]


def code_of(n: int) -> str:
    """Codes in the forms whose line breaks the import must join: after a prefix with its
    space, after a hyphen; and some with no code at all."""
    kind = n % 5
    if kind == 0:
        return f"DB99/T {9000 + n}-2099"
    if kind == 1:
        return f"GB/T {99000 + n}-2099"
    if kind == 2:
        return f"T/TEST {n}-2099"
    if kind == 3:
        return f"T/TEST {n}.1-2099"
    return ""


MERGED = 6
"""The row (0-based) whose publisher cell is merged down over the next row in the DOCX and
the XLSX: both rows have that publisher."""


def synthetic_rows(count: int) -> list[list[str]]:
    """``count`` rows of the official five columns, clearly test data."""
    rows = []
    for n in range(1, count + 1):
        title = TITLES[n % len(TITLES)].format(n=n)
        rows.append([str(n), f"WQ 99-{n}", code_of(n), title, PUBLISHERS[(n // 2) % 3]])
    if count > MERGED + 1:
        rows[MERGED + 1][4] = rows[MERGED][4]
    return rows


# ---------------------------------------------------------------- DOCX, as Word stores it

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WIDTHS = [700, 1250, 1100, 4000, 1950]  # twentieths of a point; 9000 fits A4 with 1" margins


def _run(text: str) -> str:
    parts = text.split("\n")
    runs = "<w:br/>".join(f'<w:t xml:space="preserve">{escape(part)}</w:t>' for part in parts)
    return f'<w:r><w:rPr><w:sz w:val="21"/></w:rPr>{runs}</w:r>'


def _cell(text: str, width: int, *, span: int = 1, vmerge: str | None = None) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    content = _run(text) if text else ""
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{content}</w:p></w:tc>"


def docx_bytes(
    rows: list[list[str]],
    *,
    merged: int | None = MERGED,
    header: list[str] = HEADER_BROKEN,
    widths: list[int] = WIDTHS,
) -> bytes:
    """A DOCX holding the list: a title paragraph, the table (the header, with a line break in
    one cell, repeated on each page; rows that may break across pages; the publisher of row
    ``merged`` merged down over the next row; a last row spanning the table with a note) and
    a footnote paragraph after it."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    borders = "".join(
        f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
        for side in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    table = [
        f'<w:tbl><w:tblPr><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>",
        "<w:tr><w:trPr><w:tblHeader/></w:trPr>"
        + "".join(_cell(h, w) for h, w in zip(header, widths, strict=True))
        + "</w:tr>",
    ]
    for index, row in enumerate(rows):
        cells = []
        for column, (text, width) in enumerate(zip(row, widths, strict=True)):
            if column == 4 and index == merged:
                cells.append(_cell(text, width, vmerge="restart"))
            elif column == 4 and merged is not None and index == merged + 1:
                cells.append(_cell("", width, vmerge="continue"))
            else:
                cells.append(_cell(text, width))
        table.append("<w:tr>" + "".join(cells) + "</w:tr>")
    table.append("<w:tr>" + _cell(TABLE_NOTE, sum(widths), span=len(widths)) + "</w:tr>")
    table.append("</w:tbl>")
    body = (
        f"<w:p>{_run(LIST_TITLE)}</w:p>"
        + "".join(table)
        + f"<w:p>{_run(NOTE)}</w:p>"
        + '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/>'
        '<w:pgMar w:top="1440" w:right="1440" w:bottom="1440" w:left="1440" '
        'w:header="720" w:footer="720" w:gutter="0"/></w:sectPr>'
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'
    )
    styles = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:styles xmlns:w="{W}"><w:docDefaults><w:rPrDefault><w:rPr>'
        '<w:rFonts w:ascii="Liberation Serif" w:hAnsi="Liberation Serif" '
        'w:eastAsia="WenQuanYi Micro Hei"/><w:sz w:val="21"/><w:lang w:eastAsia="zh-CN"/>'
        "</w:rPr></w:rPrDefault></w:docDefaults></w:styles>"
    )
    types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
        '<Override PartName="/word/styles.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
        "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    document_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (
            ("[Content_Types].xml", types),
            ("_rels/.rels", rels),
            ("word/document.xml", document),
            ("word/_rels/document.xml.rels", document_rels),
            ("word/styles.xml", styles),
        ):
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


# ---------------------------------------------------------------- XLSX, as a clerk lays it out


def _display_width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def xlsx_bytes(rows: list[list[str]], *, notes_sheet: bool, merged: int | None = MERGED) -> bytes:
    """A workbook: (a notes sheet first,) then the list under a merged title row and a blank
    row, with a line break in a header cell, borders, wrapped text, row heights fitted to it
    (as Excel saves them), the header printed on each page, the publisher of row ``merged``
    merged down over the next row, and a note below the table."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Side

    book = openpyxl.Workbook()
    first = book.active
    assert first is not None
    if notes_sheet:
        first.title = "说明"
        first["A1"] = "填表说明（测试数据）"
        first["A2"] = "本工作簿为测试数据，第二个工作表为清单。"
        sheet = book.create_sheet("清单")
    else:
        sheet = first
        sheet.title = "清单"
    widths = (6, 12, 18, 44, 24)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    sheet["A1"] = LIST_TITLE
    sheet.merge_cells("A1:E1")
    header_row = 3
    for offset, row in enumerate([HEADER_BROKEN, *rows]):
        number = header_row + offset
        lines = 1
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(number, column)
            covered = merged is not None and column == 5 and offset == merged + 2
            if column == 1 and offset:
                cell.value = int(value)
            elif not covered:
                cell.value = value or None
            cell.border, cell.alignment = border, wrap
            for part in value.split("\n"):
                lines = max(lines, -(-_display_width(part) // (widths[column - 1] - 2)))
        sheet.row_dimensions[number].height = 14 * lines + 4
    if merged is not None:
        top = header_row + merged + 1
        sheet.merge_cells(start_row=top, start_column=5, end_row=top + 1, end_column=5)
    sheet.cell(header_row + len(rows) + 2, 1, NOTE)
    for letter, width in zip("ABCDE", widths, strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "portrait"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- LibreOffice and the rest


def soffice(source: Path, target_format: str, out: Path, *, infilter: str = "") -> Path:
    """Convert ``source`` with LibreOffice (headless) into ``out``; return the new file."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:
        sys.exit("LibreOffice (soffice, with Writer and Calc) is needed to make the fixtures.")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                program,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                *([f"--infilter={infilter}"] if infilter else []),
                "--convert-to",
                target_format,
                "--outdir",
                str(out),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )
    extension = target_format.split(":")[0]
    return out / f"{source.stem}.{extension}"


def rasterised(pdf: Path, target: Path) -> None:
    """The PDF as a scanner gives it: each page an image, no text layer."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    images = [page.render(scale=100 / 72).to_pil().convert("L") for page in document]
    document.close()
    images[0].save(target, "PDF", resolution=100.0, save_all=True, append_images=images[1:])


def without_unicode_maps(pdf: bytes) -> bytes:
    """The PDF with every font's /ToUnicode renamed (same length, so the xref stays right):
    its glyphs then carry no Unicode, as in PDFs made by some older printer drivers."""
    assert b"/ToUnicode" in pdf
    return pdf.replace(b"/ToUnicode", b"/ToUnicodX")


def write_expected(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def gbastd(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "gbastd", *args], check=True, capture_output=True)


def resaved_excel_export(out: Path, work: Path) -> None:
    """An ``export --excel`` CSV opened in LibreOffice Calc and saved as XLSX: its cells keep
    the ``'`` that guarded a formula. Beside it, the catalogue it was exported from."""
    catalogue = out / "excel-export-source.toml"
    shutil.copyfile(HERE / "data" / "mini.toml", catalogue)
    for title in ("=1+1（测试数据）", "-5℃测试数据", "@测试数据"):
        gbastd(
            "add",
            "-c",
            str(catalogue),
            "--title-zh",
            title,
            "--domain",
            "food",
            "--source",
            "https://example.org/test-data",
        )
    exported = work / "excel-export-resaved.csv"
    gbastd("export", "--excel", "-c", str(catalogue), "-o", str(exported))
    resaved = soffice(exported, "xlsx", work, infilter="CSV:44,34,76,1")
    shutil.copyfile(resaved, out / "excel-export-resaved.xlsx")


def make_fixtures(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    rows = synthetic_rows(40)
    write_expected(out / "expected.csv", rows)
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        docx = out / "list-word.docx"
        docx.write_bytes(docx_bytes(rows))
        shutil.copyfile(soffice(docx, "pdf", work), out / "list-word.pdf")
        xlsx = out / "list-notes-first.xlsx"
        xlsx.write_bytes(xlsx_bytes(rows, notes_sheet=True))
        shutil.copyfile(soffice(xlsx, "pdf", work), out / "list-calc.pdf")
        single = work / "list-unicode.xlsx"
        single.write_bytes(xlsx_bytes(rows, notes_sheet=False, merged=None))
        text = soffice(single, "txt:Text - txt - csv (StarCalc):9,34,65535", work)
        shutil.copyfile(text, out / "list-unicode.txt")
        secret = soffice(
            docx,
            'pdf:writer_pdf_Export:{"EncryptFile":{"type":"boolean","value":"true"},'
            '"DocumentOpenPassword":{"type":"string","value":"test"}}',
            work / "secret",
        )
        shutil.copyfile(secret, out / "list-encrypted.pdf")
        other = work / "other-headers.docx"
        other_header = ["项目", "金额（测试数据）", "说明"]
        other.write_bytes(
            docx_bytes(
                [["测试项目一", "100", "测试数据"], ["测试项目二", "200", "测试数据"]],
                merged=None,
                header=other_header,
                widths=[3000, 3000, 3000],
            )
        )
        shutil.copyfile(soffice(other, "pdf", work), out / "other-headers.pdf")
        empty = work / "empty-table.docx"
        empty.write_bytes(docx_bytes([], merged=None))
        shutil.copyfile(soffice(empty, "pdf", work), out / "empty-table.pdf")
        resaved_excel_export(out, work)
    rasterised(out / "list-word.pdf", out / "list-scanned.pdf")
    (out / "list-no-unicode.pdf").write_bytes(
        without_unicode_maps((out / "list-word.pdf").read_bytes())
    )


BENCH_ROWS = 267
BENCH_WIDTHS = [600, 1100, 1500, 3500, 2300]  # a wider code column: 16 pages for 267 rows


def make_bench(out: Path) -> Path:
    """The benchmark's list: 267 rows as a Word-made PDF (about 16 pages); its rows in
    ``bench-expected.csv``."""
    out.mkdir(parents=True, exist_ok=True)
    rows = synthetic_rows(BENCH_ROWS)
    write_expected(out / "bench-expected.csv", rows)
    docx = out / "list-267.docx"
    docx.write_bytes(docx_bytes(rows, widths=BENCH_WIDTHS))
    return soffice(docx, "pdf", out)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--bench"] and len(argv) == 2:
        print(make_bench(Path(argv[1])))
    elif argv:
        sys.exit(__doc__)
    else:
        make_fixtures(OUT)


if __name__ == "__main__":
    main(sys.argv[1:])

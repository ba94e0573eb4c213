"""The one-file HTML report: its structure, its escaping, and the page in a real browser.

The structure is read with html.parser (no browser needed): rows, charts, the
Content-Security-Policy, and no URL but the entries' own sources. Headless Chromium then opens
the file, runs its script with a test script beside it (allowed by adding that script's hash to
the page's policy, so the page's own script still runs under a real policy), and reports what
the DOM shows after filtering and sorting and which resources the page fetched; a screenshot is
saved for a person to look at.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

import gbastd
from gbastd.cli import app
from gbastd.fields import BY_NAME
from gbastd.report import DEFAULT_COLUMNS

from .conftest import DATA, GoldenCheck, edited_mini

CHROMIUM = next(
    (
        found
        for name in ("chromium", "chromium-browser", "google-chrome")
        if (found := shutil.which(name))
    ),
    None,
)
SCREENSHOT_DIR = os.environ.get("GBASTD_SCREENSHOT_DIR")


class Page(HTMLParser):
    """What a report holds: its elements with attributes, and the text of each table row."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.rows: list[list[str]] = []
        self.headers: list[str] = []
        self.scripts: list[str] = []
        self.texts: list[str] = []
        self._cell: list[str] | None = None
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        if tag in {"br", "meta", "input", "rect"}:
            return
        self.stack.append(tag)
        if tag == "tr" and "tbody" in self.stack:
            self.rows.append([])
        if tag in {"td", "th"}:
            self._cell = []
        if tag == "script":
            self._script = []

    def handle_endtag(self, tag: str) -> None:
        if tag in {"td", "th"} and self._cell is not None:
            text = "".join(self._cell).strip()
            if tag == "td":
                self.rows[-1].append(text)
            else:
                self.headers.append(text)
            self._cell = None
        if tag == "script" and self._script is not None:
            self.scripts.append("".join(self._script))
            self._script = None
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._script is not None:
            self._script.append(data)
        self.texts.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]


class Outline(HTMLParser):
    """The report's element tree as indented lines, ``tag#id.class``, without text: what a
    golden file can pin while the words, numbers, style and script change freely."""

    VOID = frozenset({"br", "meta", "input", "rect"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        line = tag + (f"#{named['id']}" if named.get("id") else "")
        line += "".join(f".{c}" for c in (named.get("class") or "").split())
        self.lines.append("  " * self.depth + line)
        if tag not in self.VOID:
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.depth -= 1


def test_structure_matches_the_golden_outline(runner: CliRunner, golden: GoldenCheck) -> None:
    """The element tree of the fixture's report, pinned (pytest --update-golden rewrites it)."""
    outline = Outline()
    outline.feed(report(runner, DATA / "mini.toml"))
    assert outline.depth == 0  # every element closed
    golden("report-outline.txt", ("\n".join(outline.lines) + "\n").encode("utf-8"))


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def report(runner: CliRunner, catalogue: Path, *args: str) -> str:
    result = runner.invoke(app, ["report", "-c", str(catalogue), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_structure(runner: CliRunner) -> None:
    """Rows, headers, charts, coverage, CSP, and no URL but the entries' sources."""
    html = report(runner, DATA / "mini.toml")
    page = parse(html)
    assert html.startswith("<!DOCTYPE html>")
    assert page.all("html")[0]["lang"] == "zh-Hans"
    assert len(page.rows) == 4
    assert page.headers == [BY_NAME[name].zh for name in DEFAULT_COLUMNS]
    assert page.rows[0][:3] == ["WQ 1-9", "T/TEST 9-2022", "测试米"]
    assert page.rows[1][4] == "数据 ; 体育"  # domain labels, not tags
    assert page.rows[3][0] == "—"  # unknown
    (csp,) = [m for m in page.all("meta") if m.get("http-equiv") == "Content-Security-Policy"]
    policy = csp["content"] or ""
    assert "default-src 'none'" in policy and "base-uri 'none'" in policy
    assert "unsafe-inline" not in policy
    # the inline style and script are allowed by their hashes, which match
    style = re.search(r"<style>(.*?)</style>", html, flags=re.S)
    assert style is not None
    for source in (style.group(1), page.scripts[-1]):
        digest = base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert {a.get("id") for a in page.all("figure")} == {
        "chart-history",
        "chart-domain",
        "chart-batch",
        "chart-year",
    }
    assert "官方清单共 10 项，已收录 4 项（截至 2026-01-14）。" in page.texts
    # the unknown batch and year are bars of their own, labelled as unknown
    assert html.count('<g class="bar unknown">') == 2
    # nothing to load: no src attribute, no stylesheet link, no URL but the sources
    assert not any("src" in attrs for _, attrs in page.elements)
    assert page.all("link") == []
    sources = {url for s in gbastd.load(DATA / "mini.toml").standards for url in s.sources}
    assert set(re.findall(r"https?://[^\s\"'<>]+", html)) == sources
    assert {a["href"] for a in page.all("a")} == sources


def test_filters_and_language(runner: CliRunner) -> None:
    """The same filters as list; labels in the language asked for."""
    page = parse(report(runner, DATA / "mini.toml", "--domain", "food", "--headers", "zh-hant"))
    assert page.all("html")[0]["lang"] == "zh-Hant"
    assert [row[2] for row in page.rows] == ["測試米", "—"]  # the Traditional title, or unknown
    assert page.headers[:3] == [BY_NAME[f].zh_hant for f in ("gba_id", "code", "title_zh_hant")]
    assert "--domain food" in page.texts
    assert parse(report(runner, DATA / "mini.toml", "--headers", "en")).headers[2:4] == [
        BY_NAME["title_zh"].en,
        BY_NAME["title_en"].en,
    ]
    english = parse(report(runner, DATA / "mini.toml", "--headers", "en", "-F", "gba_id,title_en"))
    assert english.headers == ["GBA identifier", "Title (English)"]
    assert "4 of 10 listed items catalogued (official total as of 2026-01-14)." in english.texts


def test_catalogue_text_is_escaped(runner: CliRunner, tmp_path: Path) -> None:
    """A title <script>alert(1)</script> is text, not a script; attributes cannot be broken."""
    catalogue = edited_mini(
        tmp_path / "x.toml",
        ('title_zh = "测试米"', 'title_zh = "<script>alert(1)</script>"'),
        ('publisher = "测试体育协会"', 'publisher = "\\" onmouseover=\\"alert(2)"'),
    )
    html = report(runner, catalogue)
    page = parse(html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert len(page.all("script")) == 2  # the fold table (data) and the page's own script
    assert "<script>alert(1)" not in html
    assert all("onmouseover" not in attrs for _, attrs in page.elements)
    assert "<script>alert(1)</script>" in [cell for row in page.rows for cell in row]


def test_control_characters_are_shown_escaped(runner: CliRunner, tmp_path: Path) -> None:
    """As everywhere else: an escape sequence in a title is shown as \\x1b, never raw."""
    catalogue = edited_mini(
        tmp_path / "c.toml", ('title_zh = "测试米"', 'title_zh = "测试\\u001b[31m米"')
    )
    html = report(runner, catalogue)
    assert "\x1b" not in html
    assert "测试\\x1b[31m米" in [cell for row in parse(html).rows for cell in row]


def test_report_file_and_bad_names(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    done = runner.invoke(app, ["report", "-c", str(DATA / "mini.toml"), "-o", str(out)])
    assert done.exit_code == 0 and done.stderr == f"Wrote a report of 4 standards to {out}.\n"
    again = runner.invoke(app, ["report", "-c", str(DATA / "mini.toml"), "-o", str(out)])
    assert again.exit_code == 1 and "already exists; add --force" in again.stderr
    wrong = runner.invoke(
        app, ["report", "-c", str(DATA / "mini.toml"), "-o", str(tmp_path / "r.csv")]
    )
    assert wrong.exit_code == 2 and "the report is HTML" in " ".join(wrong.stderr.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]


# In a real browser

PROBE = """
(function () {
  var out = {};
  var rows = function () {
    return Array.prototype.filter.call(
      document.querySelectorAll("#table tbody tr"), function (r) { return !r.hidden; });
  };
  out.rows = rows().length;
  out.controls = !document.getElementById("controls").hidden;
  var input = document.getElementById("filter");
  input.value = "龍舟";
  input.dispatchEvent(new Event("input"));
  out.filtered = rows().map(function (r) { return r.cells[0].textContent; }).join("|");
  out.count = document.getElementById("count").textContent;
  input.value = "";
  input.dispatchEvent(new Event("input"));
  var button = document.querySelector("#table thead th button");
  button.click();
  out.ascending = rows().map(function (r) { return r.cells[0].textContent; }).join("|");
  button.click();
  out.descending = rows().map(function (r) { return r.cells[0].textContent; }).join("|");
  out.resources = performance.getEntriesByType("resource").length;
  document.body.setAttribute("data-probe", JSON.stringify(out));
}());
"""


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian: chromium; .ci/run installs it)"
)


@needs_chromium
def test_in_a_browser_rows_filter_sort_and_no_network(runner: CliRunner, tmp_path: Path) -> None:
    """After the page's script ran: every entry is a row; a Traditional query narrows the rows
    to the Simplified title; sorting by identifier puts WQ 1-9 before WQ 1-10 (unknown last,
    both ways); and the page fetched nothing."""
    html = report(runner, DATA / "mini.toml")
    digest = base64.b64encode(hashlib.sha256(PROBE.encode()).digest()).decode()
    probed = html.replace("script-src ", f"script-src 'sha256-{digest}' ", 1).replace(
        "</body>", f"<script>{PROBE}</script>\n</body>", 1
    )
    page_file = tmp_path / "probed.html"
    page_file.write_text(probed, encoding="utf-8")
    done = _chromium("--dump-dom", page_file.as_uri(), profile=tmp_path / "profile")
    assert done.returncode == 0, done.stderr
    found = re.search(r'data-probe="([^"]*)"', done.stdout)
    assert found is not None, done.stdout[-2000:]
    import html as html_module
    import json

    probe = json.loads(html_module.unescape(found.group(1)))
    assert probe == {
        "rows": 4,
        "controls": True,
        "filtered": "WQ 1-10",
        "count": "显示 1 / 4 项",
        "ascending": "WQ 1-9|WQ 1-10|—|—",
        "descending": "WQ 1-10|WQ 1-9|—|—",
        "resources": 0,
    }


@needs_chromium
def test_in_a_browser_screenshot(runner: CliRunner, tmp_path: Path) -> None:
    """The real report, unmodified, renders to a screenshot and prints to PDF (saved for a
    person to look at: set GBASTD_SCREENSHOT_DIR to keep them)."""
    out = tmp_path / "report.html"
    out.write_text(report(runner, Path(gbastd.catalogue.resolve(None))), encoding="utf-8")
    shot = Path(SCREENSHOT_DIR) if SCREENSHOT_DIR else tmp_path
    shot.mkdir(parents=True, exist_ok=True)
    picture = shot / "report.png"
    done = _chromium(
        f"--screenshot={picture}",
        "--window-size=1280,2400",
        "--hide-scrollbars",
        out.as_uri(),
        profile=tmp_path / "profile",
    )
    assert done.returncode == 0, done.stderr
    assert picture.read_bytes().startswith(b"\x89PNG")
    printed = shot / "report.pdf"
    done = _chromium(
        f"--print-to-pdf={printed}", "--no-pdf-header-footer", out.as_uri(), profile=tmp_path / "p"
    )
    assert done.returncode == 0, done.stderr
    assert printed.read_bytes().startswith(b"%PDF-")

"""Keeping a catalogue from the command line: add, edit, remove, import, diff, format, lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gbastd import catalogue, store
from gbastd.cli import app

from .conftest import DATA, ROOT

ADD = ["add", "--title-zh", "新米", "-d", "food", "--source", "https://e.org/x"]
"""An add command that is valid on the fixture catalogue until something is appended."""

LIST_URL = "https://example.org/official-list"


@pytest.fixture(name="cat")
def _cat(tmp_path: Path, runner: CliRunner) -> Path:
    """A canonical, writable copy of the fixture catalogue."""
    path = tmp_path / "cat.toml"
    path.write_bytes((DATA / "mini.toml").read_bytes())
    assert runner.invoke(app, ["validate", "--fix-format", str(path)]).exit_code == 0
    return path


@pytest.fixture(name="empty")
def _empty(tmp_path: Path, runner: CliRunner) -> Path:
    """The real catalogue's metadata and tags with no entries."""
    path = tmp_path / "empty.toml"
    result = runner.invoke(
        app, ["export", "-f", "toml", "--search", "no such thing", "-o", str(path)]
    )
    assert result.exit_code == 0, result.output
    return path


def run(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, list(args))


class TestWriteCommands:
    def test_add_writes_a_canonical_file(self, runner: CliRunner, cat: Path) -> None:
        """add validates, writes atomically in canonical form, and says so on stderr."""
        result = run(
            runner,
            "add",
            "--title-zh",
            "新测试",
            "-d",
            "food",
            "--source",
            "https://example.org/n",
            "--gba-id",
            "wq1-2",
            "-c",
            str(cat),
        )
        assert result.exit_code == 0, result.output
        assert (result.stdout, result.stderr) == ("", f"Wrote {cat}.\n")
        loaded = catalogue.load(cat)
        assert loaded.standards[0].gba_id == "WQ 1-2"  # sorted first: canonical order
        assert store.is_canonical(cat, loaded)

    def test_dry_run_prints_the_change_and_writes_nothing(
        self, runner: CliRunner, cat: Path
    ) -> None:
        """--dry-run shows the difference on stdout and leaves the file as it was."""
        before = cat.read_bytes()
        result = run(
            runner,
            "edit",
            "WQ1-9",
            "--set",
            "publisher=另一协会",
            "--set",
            "notes=",
            "--dry-run",
            "-c",
            str(cat),
        )
        assert result.exit_code == 0, result.output
        assert result.stdout == "~ WQ 1-9: publisher: 测试标准促进会 → 另一协会\n"
        assert result.stderr == "Dry run: nothing was written.\n"
        assert cat.read_bytes() == before

    def test_edit_sets_and_unsets(self, runner: CliRunner, cat: Path) -> None:
        """--set FIELD=VALUE changes, an empty VALUE unsets, lists take ';'."""
        result = run(
            runner,
            "edit",
            "测试龙舟数据规范",
            "--set",
            "notes=",
            "--set",
            "domains=sports;food",
            "-c",
            str(cat),
        )
        assert result.exit_code == 0, result.output
        entry = catalogue.load(cat).standards[1]
        assert (entry.notes, entry.domains) == (None, ("sports", "food"))

    @pytest.mark.parametrize(
        ("args", "code", "message"),
        [
            (
                ["edit", "WQ1-9", "--set", "titel=x"],
                2,
                "Error: Invalid value for '--set': titel: Unknown field 'titel'.",
            ),
            (
                ["edit", "WQ1-9", "--set", "listed=2023-13-01"],
                2,
                "Error: Invalid value for '--set': listed: '2023-13-01' is not a real date.\n",
            ),
            (
                ["edit", "WQ1-9", "--set", "batch=x"],
                2,
                "Error: Invalid value for '--set': batch: 'x' is not a whole number.\n",
            ),
            (
                ["edit", "WQ1-9", "--set", "=x"],
                2,
                "Error: Invalid value for '--set': takes FIELD=VALUE, not '=x'.\n",
            ),
            (
                ["edit", "WQ1-9", "--set", "batch=1", "--set", "batch=2"],
                2,
                "Error: Invalid value for '--set': sets batch twice.\n",
            ),
            (
                ["edit", "WQ1-9", "--set", "nonsense"],
                2,
                "Error: Invalid value for '--set': takes FIELD=VALUE, not 'nonsense'.\n",
            ),
            (["edit", "WQ 9-9", "--set", "notes=x"], 1, "Error: No standard matches 'WQ 9-9'."),
            (
                ["edit", "WQ1-9", "--set", "domains="],
                2,
                "Error: Invalid value for '--set': domains: required field is missing.\n",
            ),
            (
                ["edit", "WQ1-9", "--set", "sources=ftp://x"],
                2,
                "Error: Invalid value for '--set': sources: 'ftp://x' is not an http(s) URL.\n",
            ),
            (
                [*ADD, "--listed", "2023-13-01"],
                2,
                "Error: Invalid value for '--listed': '2023-13-01' is not a real date.\n",
            ),
            (
                [*ADD, "--batch", "²"],
                2,
                "Error: Invalid value for '--batch': '²' is not a whole number.\n",
            ),
            (
                [*ADD, "--domain", "food,sport"],
                2,
                "Error: Invalid value for '--domain': undeclared domain tag 'sport'; "
                "declared tags: food, data, sports.\n",
            ),
            (
                [*ADD, "--source", "not a url"],
                2,
                "Error: Invalid value for '--source': 'not a url' is not an http(s) URL.\n",
            ),
            (
                [*ADD, "--gba-id", "WQ 1-10"],
                1,
                "Error: The change was not made: WQ 1-10: gba_id: duplicate 'WQ 1-10': "
                "standard #2 (WQ 1-10 T/TEST 10-2022 测试龙舟数据规范) has the same gba_id.\n",
            ),
            (["remove", "nothing"], 1, "Error: No standard matches 'nothing'."),
            (
                ["add", "--title-zh", "测试米", "-d", "food", "--source", "https://e.org/x"],
                1,
                "title_zh: duplicate '测试米'",
            ),
        ],
    )
    def test_bad_changes_are_refused_and_nothing_is_written(
        self, runner: CliRunner, cat: Path, args: list[str], code: int, message: str
    ) -> None:
        """A change that breaks a rule or names nothing is refused; the file is unchanged."""
        before = cat.read_bytes()
        result = run(runner, *args, "-c", str(cat))
        assert result.exit_code == code
        assert message in result.stderr
        assert cat.read_bytes() == before

    def test_remove(self, runner: CliRunner, cat: Path) -> None:
        """remove takes the entry out."""
        assert run(runner, "remove", "T/TEST 3-2024", "-c", str(cat)).exit_code == 0
        assert "测试养老食品" not in [s.title_zh for s in catalogue.load(cat).standards]

    def test_no_named_catalogue_is_refused(
        self, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without --catalogue and without ./data/standards.toml, writes are refused."""
        monkeypatch.chdir(tmp_path)
        result = run(runner, "remove", "WQ 1-8")
        assert result.exit_code == 1
        assert result.stderr.startswith("Error: No catalogue to change: name one with --catalogue")

    def test_default_target_is_data_standards_toml(
        self, runner: CliRunner, cat: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """In a folder holding data/standards.toml, that file is the one changed."""
        (tmp_path / "data").mkdir()
        target = tmp_path / "data" / "standards.toml"
        target.write_bytes(cat.read_bytes())
        monkeypatch.chdir(tmp_path)
        result = run(runner, "remove", "WQ 1-9")
        assert (result.exit_code, result.stderr) == (0, "Wrote data/standards.toml.\n")

    def test_the_installed_package_is_never_written(self, runner: CliRunner) -> None:
        """A catalogue inside the gbastd package is refused, whatever names it."""
        inside = Path(store.__file__).parent / "data" / "standards.toml"
        result = run(runner, "remove", "WQ 1-8", "-c", str(inside))
        assert result.exit_code == 1
        assert "is the catalogue installed with gbastd, which is read-only" in result.stderr

    def test_a_held_lock_makes_a_second_writer_wait_then_give_up(
        self, runner: CliRunner, cat: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """While one writer holds the lock, another is refused with one sentence."""
        monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.2)
        before = cat.read_bytes()
        with store.locked(cat):
            result = run(runner, "remove", "WQ 1-9", "-c", str(cat))
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {cat} is being changed by another gbastd; try again when it is done.\n"
        )
        assert cat.read_bytes() == before

    def test_concurrent_writers_lose_no_change(self, cat: Path) -> None:
        """Two shells adding entries at once: every entry arrives, the file stays valid."""

        def adder(prefix: str) -> list[str]:
            command = (
                f"for i in 0 1 2 3; do {sys.executable} -m gbastd add --title-zh {prefix}$i "
                f"-d food --source https://e.org/x -c {cat} || exit 1; done"
            )
            return ["sh", "-c", command]

        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        workers = [
            subprocess.Popen(
                adder(prefix), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            for prefix in ("甲", "乙")
        ]
        assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
        titles = {s.title_zh for s in catalogue.load(cat).standards}
        assert {f"{p}{i}" for p in "甲乙" for i in range(4)} <= titles
        assert len(titles) == 12


class TestFormat:
    def test_check_format_fails_on_a_valid_but_hand_laid_file(self, runner: CliRunner) -> None:
        """--check-format exits 1 on a valid file not laid out as gbastd writes it."""
        mini = DATA / "mini.toml"
        result = run(runner, "validate", "--check-format", str(mini))
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {mini} is valid but not in canonical form; "
            f"gbastd validate --fix-format {mini} rewrites it.\n"
        )

    def test_writing_a_loaded_catalogue_changes_nothing(self, cat: Path) -> None:
        """A canonical file written again is byte for byte the same (and is not rewritten)."""
        before = cat.read_bytes()
        assert store.write(cat, catalogue.load(cat)) is False
        assert cat.read_bytes() == before

    def test_the_real_catalogue_is_canonical(self, runner: CliRunner) -> None:
        """CI's check: data/standards.toml passes validate --check-format."""
        result = run(runner, "validate", "--check-format", str(ROOT / "data" / "standards.toml"))
        assert result.exit_code == 0, result.output


class TestDiff:
    def test_equal_catalogues_exit_0(self, runner: CliRunner, cat: Path) -> None:
        """No difference: no output, exit 0 (as diff)."""
        result = run(runner, "diff", str(DATA / "mini.toml"), str(cat))
        assert (result.exit_code, result.stdout) == (0, "")

    def test_differences_exit_1_as_text_and_json(self, runner: CliRunner, cat: Path) -> None:
        """Added, removed and changed entries, field by field."""
        run(runner, "edit", "WQ1-9", "--set", "publisher=另一协会", "-c", str(cat))
        run(runner, "remove", "WQ1-10", "-c", str(cat))
        text = run(runner, "diff", str(DATA / "mini.toml"), str(cat))
        assert text.exit_code == 1
        assert text.stdout == (
            "- WQ 1-10  T/TEST 10-2022  测试龙舟数据规范\n"
            "~ WQ 1-9: publisher: 测试标准促进会 → 另一协会\n"
        )
        as_json = json.loads(
            run(runner, "diff", str(DATA / "mini.toml"), str(cat), "-f", "json").stdout
        )
        assert as_json["changed"] == [
            {"entry": "WQ 1-9", "field": "publisher", "old": "测试标准促进会", "new": "另一协会"}
        ]
        assert [e["gba_id"] for e in as_json["removed"]] == ["WQ 1-10"]

    def test_unreadable_catalogue_exits_2(self, runner: CliRunner, tmp_path: Path) -> None:
        """As with diff(1), trouble is exit 2."""
        result = run(runner, "diff", str(DATA / "mini.toml"), str(tmp_path / "none.toml"))
        assert result.exit_code == 2
        assert result.stderr == f"Error: {tmp_path / 'none.toml'}: no such catalogue file\n"


class TestImport:
    def test_official_list_in_utf8_gbk_and_bom_imports_the_same(
        self, runner: CliRunner, empty: Path, tmp_path: Path
    ) -> None:
        """The five-column official layout, as UTF-8, GBK and UTF-8 with BOM: same entries."""
        with_bom = tmp_path / "official-list-bom.csv"
        with_bom.write_bytes(b"\xef\xbb\xbf" + (DATA / "official-list.csv").read_bytes())
        results = []
        for sheet in (DATA / "official-list.csv", DATA / "official-list-gbk.csv", with_bom):
            target = tmp_path / f"from-{sheet.name}.toml"
            target.write_bytes(empty.read_bytes())
            result = run(
                runner,
                "import",
                str(sheet),
                "--source",
                LIST_URL,
                "-d",
                "food",
                "-c",
                str(target),
            )
            assert result.exit_code == 0, result.output
            assert result.stderr.endswith("3 rows: 3 added, 0 updated, 0 unchanged, 0 conflicts.\n")
            results.append(catalogue.load(target).standards)
        assert results[0] == results[1] == results[2]
        first = results[0][0]
        assert (first.gba_id, first.code, first.title_zh, first.publisher, first.sources) == (
            "WQ 1-8",
            "T/GBAS 6-2022",
            "丝苗米",
            "广东省粤港澳大湾区标准促进会",
            (LIST_URL,),
        )

    def test_import_reports_conflicts_and_keeps_values(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """Into the real catalogue: the official rows match, one differing value is a conflict."""
        real = tmp_path / "real.toml"
        real.write_bytes((ROOT / "data" / "standards.toml").read_bytes())
        sheet = tmp_path / "list.csv"
        text = (DATA / "official-list.csv").read_text(encoding="utf-8")
        sheet.write_text(text.replace("广式月饼", "广式月饼（改）"), encoding="utf-8")
        before = real.read_bytes()
        result = run(runner, "import", str(sheet), "--dry-run", "-c", str(real))
        assert result.exit_code == 0, result.output
        assert result.stdout == ""  # matched by id: no entry added or changed
        assert (
            "Conflict: WQ 1-10: title_zh: catalogue has '广式月饼', the list has "
            "'广式月饼（改）' (kept)." in result.stderr
        )
        assert result.stderr.endswith("3 rows: 0 added, 0 updated, 2 unchanged, 1 conflicts.\n")
        assert real.read_bytes() == before

    def test_round_trip_through_csv(self, runner: CliRunner, empty: Path, tmp_path: Path) -> None:
        """Export the real catalogue as CSV, import into an empty one: diff finds nothing."""
        exported = tmp_path / "all.csv"
        assert run(runner, "export", "-o", str(exported)).exit_code == 0
        result = run(runner, "import", str(exported), "-c", str(empty))
        assert result.exit_code == 0, result.output
        result = run(runner, "diff", str(ROOT / "data" / "standards.toml"), str(empty))
        assert (result.exit_code, result.stdout) == (0, "")

    def test_xlsx(self, runner: CliRunner, empty: Path, tmp_path: Path) -> None:
        """An Excel workbook in the official layout imports like the CSV."""
        openpyxl = pytest.importorskip("openpyxl")
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["序号", "「湾区标准」识别号", "标准编号", "标准名称", "发布单位"])
        sheet.append([1, "WQ1-8", "T/GBAS 6-2022", "丝苗米", None])
        book.save(tmp_path / "list.xlsx")
        result = run(
            runner,
            "import",
            str(tmp_path / "list.xlsx"),
            "--source",
            LIST_URL,
            "-d",
            "food",
            "-c",
            str(empty),
        )
        assert result.exit_code == 0, result.output
        (entry,) = catalogue.load(empty).standards
        assert (entry.gba_id, entry.title_zh, entry.publisher) == ("WQ 1-8", "丝苗米", None)

    @pytest.mark.parametrize(
        ("content", "extra", "message"),
        [
            (
                "标准名称\n丝苗米".encode() + b"\xff\n",
                [],
                "is neither UTF-8 nor GB18030/GBK text; name its encoding with --encoding.",
            ),
            (b"\xff\xfe", ["--encoding", "utf-8"], "is not utf-8 (byte 0xff at offset 0)."),
            ("标题,标准名称\nx,丝苗米\n".encode(), [], "unknown column '标题'."),
            ("标准编号\nT/X 1\n".encode(), [], "no 标准名称 column (title_zh)."),
            (
                "标准名称,listed\n丝苗米,2023-02-30\n".encode(),
                [],
                "row 2, column 2 (listed): '2023-02-30' is not a real date.",
            ),
            ("标准名称\n新标准\n".encode(), [], "row 1 (新标准): no domains or sources."),
        ],
    )
    def test_bad_sheets_are_one_sentence(
        self,
        runner: CliRunner,
        empty: Path,
        tmp_path: Path,
        content: bytes,
        extra: list[str],
        message: str,
    ) -> None:
        """Undecodable files, unknown columns and bad values are refused; nothing written.
        A refusal after the file was read follows the line saying what was read."""
        sheet = tmp_path / "bad.csv"
        sheet.write_bytes(content)
        before = empty.read_bytes()
        result = run(runner, "import", str(sheet), *extra, "-c", str(empty))
        assert result.exit_code == 1
        lines = result.stderr.splitlines(keepends=True)
        assert [line for line in lines if not line.startswith("Read bad.csv: ")] == lines[-1:]
        assert lines[-1].startswith("Error: ") and message in lines[-1]
        assert empty.read_bytes() == before

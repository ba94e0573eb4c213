"""The command line, with exact output: data on stdout, messages on stderr, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gbastd.cli import app

from .conftest import GOLDEN, edited_mini

HEADER = "gba_id\tcode\ttitle_zh\tdomains\tlisted\tstatus\n"
ROW_9 = "WQ 1-9\tT/TEST 9-2022\t测试米\tfood\t2023-04-24\tcurrent\n"
ROW_10 = "WQ 1-10\tT/TEST 10-2022\t测试龙舟数据规范\tdata ; sports\t2023-04-24\twithdrawn\n"
ROW_3 = "\tT/TEST 3-2024\t测试养老食品\tfood\t2024-02-01\tupcoming\n"
ROW_V = "\t\t测试赛事志愿服务\tsports\t\tupcoming\n"


def run(runner: CliRunner, mini_path: Path, *args: str) -> Result:
    """Invoke a command on the fixture catalogue (given after the command, as users do)."""
    return runner.invoke(app, [*args, "--catalogue", str(mini_path)])


class TestList:
    def test_table_in_a_pipe_is_plain_tsv(self, runner: CliRunner, mini_path: Path) -> None:
        """Off a terminal, the default table is TSV with fixed columns and no colour."""
        result = run(runner, mini_path, "list")
        assert result.exit_code == 0, result.output
        assert result.stdout == HEADER + ROW_9 + ROW_10 + ROW_3 + ROW_V
        assert result.stderr == ""

    def test_domain_filter_as_csv(self, runner: CliRunner, mini_path: Path) -> None:
        """The main job: one domain as CSV with chosen fields."""
        result = run(
            runner, mini_path, "list", "--domain", "food", "-f", "csv", "-F", "code,title_zh"
        )
        assert result.exit_code == 0, result.output
        assert result.stdout == "code,title_zh\nT/TEST 9-2022,测试米\nT/TEST 3-2024,测试养老食品\n"

    def test_repeated_and_comma_separated_domains_or_together(
        self, runner: CliRunner, mini_path: Path
    ) -> None:
        """--domain data --domain sports and --domain data,sports mean the same."""
        repeated = run(runner, mini_path, "list", "-d", "data", "-d", "sports")
        commas = run(runner, mini_path, "list", "-d", "data,sports")
        assert repeated.stdout == commas.stdout == HEADER + ROW_10 + ROW_V

    @pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl", "md"])
    def test_every_format_matches_the_golden_file(
        self, runner: CliRunner, mini_path: Path, fmt: str
    ) -> None:
        """The CLI writes each format exactly as the reviewed golden file."""
        result = run(runner, mini_path, "list", "--format", fmt)
        assert result.exit_code == 0, result.output
        assert result.stdout_bytes == (GOLDEN / f"mini.{fmt}").read_bytes()

    def test_sort_reverse_and_limit(self, runner: CliRunner, mini_path: Path) -> None:
        """Sorting by id orders numbers by value; unknown ids stay last."""
        result = run(runner, mini_path, "list", "--sort", "gba_id", "--reverse", "-n", "3")
        assert result.stdout == HEADER + ROW_10 + ROW_9 + ROW_3

    def test_status_and_date_filters(self, runner: CliRunner, mini_path: Path) -> None:
        """--status uses derived statuses; --since filters on the listing date."""
        assert (
            run(runner, mini_path, "list", "--status", "upcoming").stdout == HEADER + ROW_3 + ROW_V
        )
        assert run(runner, mini_path, "list", "--since", "2024-01-01").stdout == HEADER + ROW_3
        assert run(runner, mini_path, "list", "--year", "2023", "--batch", "1").stdout == (
            HEADER + ROW_9 + ROW_10
        )

    def test_empty_result_is_success(self, runner: CliRunner, mini_path: Path) -> None:
        """No match is not an error: the header alone, exit 0, nothing on stderr in a pipe."""
        result = run(runner, mini_path, "list", "--publisher", "nobody")
        assert (result.exit_code, result.stdout, result.stderr) == (0, HEADER, "")

    def test_json_is_an_array_with_every_field(self, runner: CliRunner, mini_path: Path) -> None:
        """JSON objects carry all schema fields, absent ones as null."""
        result = run(runner, mini_path, "list", "-d", "sports", "-f", "json")
        objects = json.loads(result.stdout)
        assert [o["title_zh"] for o in objects] == ["测试龙舟数据规范", "测试赛事志愿服务"]
        assert objects[1]["gba_id"] is None and objects[1]["batch"] is None

    def test_unknown_field_is_a_usage_error(self, runner: CliRunner, mini_path: Path) -> None:
        """--fields with a typo exits 2, names the option and lists the valid fields."""
        result = run(runner, mini_path, "list", "--fields", "code,titel")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr.endswith(
            "Error: Invalid value for '--fields': Unknown field 'titel'. Valid fields: gba_id, "
            "code, title_zh, title_zh_hant, title_en, domains, batch, listed, issued, effective, "
            "status, publisher, group, platform_category, sources, notes.\n"
        )

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--sort", "titel"], "Invalid value for '--sort': Unknown field 'titel'."),
            (["--domain", ""], "Invalid value for '--domain': needs at least one tag."),
            (["--domain", ",,"], "Invalid value for '--domain': needs at least one tag."),
            (["-F", ","], "Invalid value for '--fields': needs at least one field name."),
        ],
    )
    def test_bad_listing_options_name_themselves(
        self, runner: CliRunner, mini_path: Path, args: list[str], message: str
    ) -> None:
        """An empty or unknown value is a usage error naming its option, never ignored."""
        result = run(runner, mini_path, "list", *args)
        assert (result.exit_code, result.stdout) == (2, "")
        assert message in result.stderr

    def test_unknown_domain_is_a_usage_error(self, runner: CliRunner, mini_path: Path) -> None:
        """An undeclared tag exits 2 and names the declared ones."""
        result = run(runner, mini_path, "list", "--domain", "fod")
        assert (result.exit_code, result.stdout) == (2, "")
        assert result.stderr == (
            "Error: Unknown domain 'fod'. Did you mean 'food'? "
            "Declared domains: food, data, sports.\n"
        )

    @pytest.mark.parametrize(
        "args",
        [
            ["--status", "active"],
            ["--since", "2024-13-01"],
            ["--limit", "-1"],
            ["--nope"],
            ["--format", "xml"],
        ],
    )
    def test_bad_options_exit_2(self, runner: CliRunner, mini_path: Path, args: list[str]) -> None:
        """Click rejects malformed options with a usage message and exit 2."""
        result = run(runner, mini_path, "list", *args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert "Usage: gbastd list" in result.stderr
        assert "Traceback" not in result.stderr


class TestShow:
    def test_show_in_a_pipe_is_field_value_tsv(self, runner: CliRunner, mini_path: Path) -> None:
        """One entry in full, unknown values as empty cells."""
        result = run(runner, mini_path, "show", "wq1-10")
        assert result.exit_code == 0, result.output
        assert result.stdout == (
            "field\tvalue\ngba_id\tWQ 1-10\ncode\tT/TEST 10-2022\ntitle_zh\t测试龙舟数据规范\n"
            "title_zh_hant\t測試龍舟數據規範\ntitle_en\t\ndomains\tdata ; sports\nbatch\t1\n"
            "listed\t2023-04-24\nissued\t\neffective\t\nstatus\twithdrawn\npublisher\t\ngroup\t\n"
            "platform_category\t\nsources\thttps://example.org/list-1 ; https://example.org/press\n"
            "notes\twithdrawn in a test\n"
        )

    def test_show_json_is_one_object(self, runner: CliRunner, mini_path: Path) -> None:
        """--format json gives an object, not a one-element array."""
        result = run(runner, mini_path, "show", "測試米", "-f", "json", "-F", "gba_id,title_en")
        assert json.loads(result.stdout) == {"gba_id": "WQ 1-9", "title_en": "Test rice"}

    def test_not_found_suggests(self, runner: CliRunner, mini_path: Path) -> None:
        """An unknown key exits 1 with the closest keys."""
        result = run(runner, mini_path, "show", "WQ 1-1")
        assert (result.exit_code, result.stdout) == (1, "")
        assert (
            result.stderr == "Error: No standard matches 'WQ 1-1'. Did you mean: WQ 1-10, WQ 1-9?\n"
        )

    def test_not_found_without_suggestions_points_to_search(
        self, runner: CliRunner, mini_path: Path
    ) -> None:
        """With nothing close, the message says what to try next."""
        result = run(runner, mini_path, "show", "zzzz")
        assert result.stderr == "Error: No standard matches 'zzzz'. Try: gbastd search 'zzzz'\n"

    def test_a_catalogue_where_a_key_names_two_entries_is_refused(
        self, runner: CliRunner, mini_path: Path, tmp_path: Path
    ) -> None:
        """No key can match two entries: a value that is another entry's key (here an English
        title equal to another entry's code) is a problem of the file, naming both."""
        clash = edited_mini(
            tmp_path / "clash.toml", ('publisher = "测试体育协会"', 'title_en = "T/TEST 9-2022"')
        )
        result = runner.invoke(app, ["show", "t/test 9-2022", "-c", str(clash)])
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr.endswith(
            "standard #4 (测试赛事志愿服务): title_en: duplicate 'T/TEST 9-2022': standard #1 "
            "(WQ 1-9 T/TEST 9-2022 测试米) has it as its code\n"
        )


class TestSearch:
    def test_traditional_query_finds_simplified_titles(
        self, runner: CliRunner, mini_path: Path
    ) -> None:
        """龍舟 finds 龙舟, ranked output as TSV in a pipe."""
        result = run(runner, mini_path, "search", "龍舟")
        assert result.stdout == HEADER + ROW_10

    def test_search_takes_filters(self, runner: CliRunner, mini_path: Path) -> None:
        """Filters narrow the hits; the best match comes first."""
        result = run(runner, mini_path, "search", "测试", "-d", "food", "-f", "jsonl", "-F", "code")
        assert result.stdout == '{"code": "T/TEST 9-2022"}\n{"code": "T/TEST 3-2024"}\n'


class TestDomainsAndStats:
    def test_domains_lists_labels_and_counts(self, runner: CliRunner, mini_path: Path) -> None:
        """The tag vocabulary in three scripts, with entry counts."""
        result = run(runner, mini_path, "domains")
        assert result.stdout == (
            "tag\tzh\tzh_hant\ten\tcount\nfood\t食品\t食品\tFood\t2\ndata\t数据\t數據\tData\t1\n"
            "sports\t体育\t體育\tSports\t2\n"
        )

    def test_stats_reports_coverage_and_counts(self, runner: CliRunner, mini_path: Path) -> None:
        """Coverage against the published total, then counts by dimension."""
        result = run(runner, mini_path, "stats")
        assert result.stdout == (
            "dimension\tvalue\tcount\ncatalogued\t\t4\npublished_total\t2026-01-14\t10\n"
            "published\t2023-04-24\t4\npublished\t2024-08\t10\n"
            "domain\tdata\t1\ndomain\tfood\t2\ndomain\tsports\t2\n"
            "batch\t1\t2\nbatch\t2\t1\nbatch\t\t1\n"
            "year\t2023\t2\nyear\t2024\t1\nyear\t\t1\n"
            "status\tcurrent\t1\nstatus\tupcoming\t2\nstatus\twithdrawn\t1\n"
        )

    def test_stats_json(self, runner: CliRunner, mini_path: Path) -> None:
        """The JSON form carries the coverage sentence and every breakdown."""
        stats = json.loads(run(runner, mini_path, "stats", "-f", "json").stdout)
        assert (
            stats["coverage"]
            == "4 of 10 listed items catalogued (official total as of 2026-01-14)."
        )
        assert stats["by_domain"] == [
            {"value": "data", "count": 1},
            {"value": "food", "count": 2},
            {"value": "sports", "count": 2},
        ]


class TestExport:
    def test_export_to_stdout_defaults_to_csv(self, runner: CliRunner, mini_path: Path) -> None:
        """Without -o the export goes to stdout, CSV by default."""
        result = run(runner, mini_path, "export")
        assert result.stdout_bytes == (GOLDEN / "mini.csv").read_bytes()

    def test_export_toml_round_trips(
        self, runner: CliRunner, mini_path: Path, tmp_path: Path
    ) -> None:
        """A TOML export loads back as the same catalogue."""
        out = tmp_path / "copy.toml"
        result = run(runner, mini_path, "export", "-f", "toml", "-o", str(out))
        assert result.exit_code == 0, result.output
        assert result.stderr == f"Wrote 4 standards to {out}.\n"
        assert out.read_bytes() == (GOLDEN / "mini.toml").read_bytes()
        again = runner.invoke(app, ["list", "-f", "json", "--catalogue", str(out)])
        assert again.stdout == run(runner, mini_path, "list", "-f", "json").stdout

    def test_excel_csv(self, runner: CliRunner, mini_path: Path, tmp_path: Path) -> None:
        """--excel writes a BOM and CRLF line ends."""
        out = tmp_path / "food.csv"
        run(
            runner,
            mini_path,
            "export",
            "-d",
            "food",
            "--excel",
            "-F",
            "code,title_zh",
            "-o",
            str(out),
        )
        assert (
            out.read_bytes()
            == (
                "\ufeffcode,title_zh\r\nT/TEST 9-2022,测试米\r\nT/TEST 3-2024,测试养老食品\r\n"
            ).encode()
        )

    def test_refuses_to_overwrite_without_force(
        self, runner: CliRunner, mini_path: Path, tmp_path: Path
    ) -> None:
        """An existing file is kept unless --force; with it, replaced."""
        out = tmp_path / "out.csv"
        out.write_text("precious", encoding="utf-8")
        refused = run(runner, mini_path, "export", "-o", str(out))
        assert refused.exit_code == 1
        assert refused.stderr == f"Error: {out} already exists; add --force to replace it.\n"
        assert out.read_text(encoding="utf-8") == "precious"
        forced = run(runner, mini_path, "export", "-o", str(out), "--force")
        assert forced.exit_code == 0
        assert out.read_bytes() == (GOLDEN / "mini.csv").read_bytes()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]  # no temporary left

    def test_refuses_a_directory_and_a_missing_directory(
        self, runner: CliRunner, mini_path: Path, tmp_path: Path
    ) -> None:
        """Unwritable destinations are one sentence each, exit 1."""
        to_dir = run(runner, mini_path, "export", "-o", str(tmp_path))
        assert (to_dir.exit_code, to_dir.stderr) == (
            1,
            f"Error: {tmp_path} is a directory; name a file to write.\n",
        )
        missing = tmp_path / "no" / "such" / "x.csv"
        nowhere = run(runner, mini_path, "export", "-o", str(missing))
        assert nowhere.exit_code == 1
        assert nowhere.stderr == (
            f"Error: cannot write to {missing.parent}: No such file or directory.\n"
        )

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["-f", "json", "--excel"], "--excel makes a CSV file"),
            (["-f", "toml", "-F", "code"], "a TOML export is a whole catalogue"),
        ],
    )
    def test_contradictory_options_exit_2(
        self, runner: CliRunner, mini_path: Path, args: list[str], message: str
    ) -> None:
        """Options that cannot go together are usage errors."""
        result = run(runner, mini_path, "export", *args)
        assert result.exit_code == 2
        assert message in result.stderr


class TestCatalogueChoice:
    def test_environment_variable_selects_the_catalogue(
        self, runner: CliRunner, mini_path: Path
    ) -> None:
        """$GBASTD_CATALOGUE works like --catalogue."""
        result = runner.invoke(
            app, ["list", "-f", "csv", "-F", "code"], env={"GBASTD_CATALOGUE": str(mini_path)}
        )
        assert result.stdout.splitlines()[1] == "T/TEST 9-2022"

    def test_missing_catalogue_is_named(self, runner: CliRunner, tmp_path: Path) -> None:
        """A catalogue that does not exist is one sentence naming it, exit 1."""
        missing = tmp_path / "none.toml"
        result = runner.invoke(app, ["list", "--catalogue", str(missing)])
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == f"Error: {missing}: no such catalogue file\n"

    def test_invalid_catalogue_lists_every_problem(
        self, runner: CliRunner, mini_path: Path, tmp_path: Path
    ) -> None:
        """Any command on a broken catalogue lists its problems on stderr, exit 1."""
        broken = edited_mini(
            tmp_path / "broken.toml", ('"WQ 1-10"', '"WQ 1-9"'), ('["sports"]', '["sport"]')
        )
        result = runner.invoke(app, ["list", "--catalogue", str(broken)])
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            f"Error: {broken}: not a valid catalogue (2 problems):\n"
            f"  {broken}:65: standard #4 (测试赛事志愿服务): domains: "
            "undeclared domain tag 'sport'; declared tags: food, data, sports\n"
            f"  {broken}:43: standard #2 (WQ 1-9): gba_id: duplicate 'WQ 1-9': standard #1 "
            "(WQ 1-9 T/TEST 9-2022 测试米) has the same gba_id\n"
        )


class TestValidateAndSchema:
    def test_valid_catalogue_summary(self, runner: CliRunner, mini_path: Path) -> None:
        """A valid catalogue: one line on stdout, exit 0."""
        result = runner.invoke(app, ["validate", str(mini_path)])
        assert (result.exit_code, result.stdout) == (
            0,
            f"{mini_path}: valid catalogue, 4 standards in 3 domains.\n",
        )

    def test_invalid_catalogue_report(self, runner: CliRunner, tmp_path: Path) -> None:
        """An invalid one: every problem on stdout, a summary on stderr, exit 1."""
        bad = tmp_path / "bad.toml"
        bad.write_text('[catalogue]\nname = ""\n', encoding="utf-8")
        result = runner.invoke(app, ["validate", str(bad)])
        assert result.exit_code == 1
        assert result.stdout == (
            f"{bad}: catalogue.name: must not be empty (leave the key out when the value is "
            "unknown)\n"
            f"{bad}: domains: no domain tags are declared ([domains.<tag>])\n"
        )
        assert result.stderr == f"Error: {bad}: not a valid catalogue (2 problems).\n"

    @pytest.mark.parametrize(
        ("part", "title"), [("catalogue", "CatalogueFile"), ("entry", "StandardModel")]
    )
    def test_schema_is_json_schema(self, runner: CliRunner, part: str, title: str) -> None:
        """The JSON Schema names every field."""
        schema = json.loads(runner.invoke(app, ["schema", part]).stdout)
        assert schema["title"] == title
        if part == "entry":
            assert schema["required"] == ["title_zh", "domains", "sources"]


def test_version(runner: CliRunner) -> None:
    """--version prints the version and reads no catalogue."""
    from gbastd import __version__

    result = runner.invoke(app, ["--version"], env={"GBASTD_CATALOGUE": "/nonexistent"})
    assert (result.exit_code, result.stdout) == (0, f"gbastd {__version__}\n")


def test_help_documents_exit_codes(runner: CliRunner) -> None:
    """The top-level help says what each exit code means."""
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "1 not found, invalid catalogue or refused write; 2 usage error" in text
    assert "141 output pipe closed early" in text

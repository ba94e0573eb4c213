"""Finding and reading catalogue files."""

from __future__ import annotations

import marshal
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from gbastd import cache, catalogue, tomlscan
from gbastd.cli import app
from gbastd.errors import CatalogueInvalid, CatalogueNotFound

ROOT = Path(__file__).parents[1]
INVALID = ROOT / "tests" / "data" / "invalid"


def test_explicit_path_wins_over_environment(
    monkeypatch: pytest.MonkeyPatch, mini_path: Path
) -> None:
    """--catalogue beats $GBASTD_CATALOGUE, which beats the embedded catalogue."""
    monkeypatch.setenv(catalogue.ENV_VAR, "/from/env.toml")
    assert catalogue.resolve(mini_path) == mini_path
    assert catalogue.resolve(None) == Path("/from/env.toml")
    monkeypatch.delenv(catalogue.ENV_VAR)
    assert catalogue.resolve(None) == catalogue.embedded_path()


def test_source_checkout_reads_the_live_repository_file() -> None:
    """In a checkout or editable install the embedded catalogue is data/standards.toml."""
    assert catalogue.embedded_path().resolve() == (ROOT / "data" / "standards.toml").resolve()


def test_missing_file_is_named(tmp_path: Path) -> None:
    """A missing catalogue is an error that names the file."""
    missing = tmp_path / "nope.toml"
    with pytest.raises(CatalogueNotFound, match=f"^{missing}: no such catalogue file$"):
        catalogue.load(missing)


def test_directory_is_not_a_catalogue(tmp_path: Path) -> None:
    """A directory is refused with a sentence, not an IsADirectoryError."""
    with pytest.raises(CatalogueNotFound, match="is a directory"):
        catalogue.load(tmp_path)


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    """A TOML syntax error is located by line and column."""
    bad = tmp_path / "bad.toml"
    bad.write_text('[catalogue]\nname = "x"\nas_of = 2026-01-14\nbroken = \n', encoding="utf-8")
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.load(bad)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (4, 10)
    assert caught.value.lines() == [f"{bad}:4:10: TOML syntax error: Invalid value"]


def test_utf16_and_gbk_files_are_refused_with_advice(tmp_path: Path) -> None:
    """Non-UTF-8 files are explained, never read as mojibake."""
    utf16 = tmp_path / "utf16.toml"
    utf16.write_text('[catalogue]\nname = "湾区"\n', encoding="utf-16")
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('[catalogue]\nname = "湾区"\n'.encode("gbk"))
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.load(utf16)
    assert caught.value.problems[0].message == "the file is UTF-16; save it as UTF-8"
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.load(gbk)
    assert "not UTF-8 text (byte 0xcd on line 2)" in caught.value.problems[0].message


def test_utf8_bom_is_accepted(tmp_path: Path, mini_path: Path) -> None:
    """A BOM, as Windows editors write, does not stop a catalogue from loading."""
    with_bom = tmp_path / "bom.toml"
    with_bom.write_bytes(b"\xef\xbb\xbf" + mini_path.read_bytes())
    assert catalogue.load(with_bom).standards == catalogue.load(mini_path).standards


def test_problems_carry_the_line_of_their_entry(tmp_path: Path, mini_path: Path) -> None:
    """A bad entry is located by the line of its [[standard]] header."""
    text = mini_path.read_text(encoding="utf-8").replace('title_zh = "测试养老食品"', "")
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.load(bad)
    header_line = text.splitlines().index('code = "T/TEST 3-2024"')  # line after the header
    assert caught.value.lines() == [
        f"{bad}:{header_line}: standard #3 (T/TEST 3-2024): title_zh: required field is missing"
    ]


def test_endless_input_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """A catalogue that never ends (/dev/zero) is refused after the size limit."""
    monkeypatch.setattr(catalogue, "MAX_BYTES", 1 << 20)
    with pytest.raises(CatalogueNotFound, match=r"^/dev/zero: is larger than 1 MiB"):
        catalogue.load("/dev/zero")


@pytest.fixture(name="reader", params=["tomli", "tomllib"])
def _reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with tomli (a dependency), and again as if only the standard tomllib were
    there, the fallback."""
    if request.param == "tomllib":
        monkeypatch.setitem(sys.modules, "tomli", None)  # makes `import tomli` fail
    return str(request.param)


def test_both_toml_readers_locate_syntax_errors_alike(reader: str) -> None:
    """With or without tomli, a syntax error is reported the same way."""
    assert catalogue._toml_reader().__name__ == reader
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.parse(b'[catalogue]\nname = "x"\nbroken = \n', "bad.toml")
    assert caught.value.lines() == ["bad.toml:3:10: TOML syntax error: Invalid value"]


def test_both_toml_readers_load_the_same_catalogue(
    monkeypatch: pytest.MonkeyPatch, mini_path: Path
) -> None:
    """tomli and tomllib give the same records for the same file."""
    data = mini_path.read_bytes()
    with_tomli = catalogue.parse(data, "m")
    monkeypatch.setitem(sys.modules, "tomli", None)
    assert catalogue._toml_reader().__name__ == "tomllib"
    assert catalogue.parse(data, "m") == with_tomli


# ---------------------------------------------------------------- the pre-parse scan

HEAD = "[catalogue]\nname = 'x'\n"


def scanned(source: str | bytes) -> str | None:
    """The scan's refusal as "line:column: message" (column "-" when not given), or None."""
    data = source.encode() if isinstance(source, str) else source
    problem = tomlscan.scan(data)
    if problem is None:
        return None
    return f"{problem.line}:{problem.column or '-'}: {problem.message}"


KEY = "a dotted key has more than 32 parts"
DEEP = "arrays or inline tables are nested more than 32 deep"
BIG = "an integer has more than 4,300 digits, more than Python reads"
REFUSED = {
    "key of 33 parts": (HEAD + "a" + ".a" * 32 + " = 1\n", f"3:-: {KEY}"),
    "quoted parts, spaces around dots": ('"a"' + ' . "b.c"' * 32 + " = 1\n", f"1:-: {KEY}"),
    "table header": ("[a" + ".a" * 32 + "]\n", f"1:-: {KEY}"),
    "array of tables header": ("[[a" + ".a" * 32 + "]]\n", f"1:-: {KEY}"),
    "inline table key": ("t = { x = 1, a" + ".a" * 32 + " = 1 }\n", f"1:-: {KEY}"),
    "33 arrays": ("a = " + "[" * 33 + "]" * 33 + "\n", f"1:37: {DEEP}"),
    "33 inline tables": ("a = " + "{b = " * 33 + "1" + "}" * 33 + "\n", f"1:165: {DEEP}"),
    "arrays over lines": ("a = [\n" + "[\n" * 32 + "]\n" * 33, f"33:1: {DEEP}"),
    "arrays between siblings": ("a = [" + "[0], [" * 32 + "]" * 33 + "\n", f"1:192: {DEEP}"),
    "a header and arrays": ("[t]\n[[u]]\na = " + "[" * 33 + "]" * 33 + "\n", f"3:37: {DEEP}"),
    "after brackets in text": ('a = ["]]]]", ' + "[" * 32 + "]" * 33 + "\n", f"1:45: {DEEP}"),
    "integer of 4,301 digits": ("a = " + "1" * 4301 + "\n", f"1:5: {BIG}"),
    "with a sign": ("a = -" + "1" * 4301 + "\n", f"1:6: {BIG}"),
    "with underscores": ("a = " + "1_" * 4300 + "1\n", f"1:5: {BIG}"),
    "in an array after a comment": ("a = [1, # x = 1\n  " + "9" * 4301 + "]\n", f"2:3: {BIG}"),
    "in nested arrays": ("a = [[" + "1" * 4301 + "]]\n", f"1:7: {BIG}"),
    "in an inline table": ("t = {a = " + "1" * 4301 + "}\n", f"1:10: {BIG}"),
    "after a BOM": (b"\xef\xbb\xbfa = " + b"1" * 4301 + b"\n", f"1:5: {BIG}"),
    "line of 1 MiB + 1": (
        "a = 1\nb = '" + "x" * (2**20 - 5) + "'\n",
        "2:-: the line is 1,048,577 bytes long; at most 1,048,576 are allowed",
    ),
}
HARMLESS = {
    "key of 32 parts": "a" + ".a" * 31 + " = 1\n",
    "header of 32 parts": "[[a" + ".a" * 31 + "]]\n",
    "32 arrays": "a = " + "[" * 32 + "]" * 32 + "\n",
    "32 levels of tables in a header's line": "[t]\na = " + "{b = " * 32 + "1" + "}" * 32 + "\n",
    "integer of 4,300 digits": "a = " + "1" * 4300 + "\n",
    "dots in text": 'a = "' + "a." * 100 + "\"\nb = '" + "a." * 100 + "'\n",
    "dots in a comment": "# " + "a." * 100 + "\n",
    "dots in multi-line text": 'a = """\n' + "a." * 100 + "\n\"\"\"\nb = '''" + "a." * 99 + "'''\n",
    "brackets in text": 'a = "' + "[" * 100 + "\"\nb = '" + "{" * 100 + "'\n",
    "brackets in multi-line text": "a = '''"
    + "[" * 100
    + '\'\'\'\nb = """\\"""'
    + "[" * 99
    + '"""\n',
    "digits in text": 'a = "' + "1" * 5000 + '"\n',
    "digits as a key": "1" * 5000 + " = 1\n",
    "digits as a header": "[" + "1" * 5000 + "]\n",
    "digits as a key part": "a." + "1" * 5000 + " = 1\n",
    "digits as an inline key": "t = {" + "1" * 5000 + " = 1}\n",
    "a float's integer part": "a = " + "1" * 5000 + ".5\n",
    "a float's fraction": "a = 1." + "1" * 5000 + "\n",
    "an exponent": "a = 1e" + "1" * 5000 + "\n",
    "a hexadecimal number": "a = 0x" + "1" * 5000 + "\n",
    "a leading zero": "a = 0" + "1" * 5000 + "\n",
    "a line of 1 MiB": "a = 1\nb = '" + "x" * (2**20 - 6) + "'\r\n",
    "an unterminated string before a deep array": 'a = "x\n' + "[" * 40,
    "an unopened bracket before a deep array": "]\na = " + "[" * 40,
}


@pytest.mark.parametrize(("source", "expected"), REFUSED.values(), ids=REFUSED)
def test_the_scan_refuses_what_the_readers_would_choke_on(
    source: str | bytes, expected: str
) -> None:
    """A key, nesting or integer past its limit, or a line too long, is one sentence naming
    the line (and the column where the trouble starts, when it is one place)."""
    assert scanned(source) == expected


@pytest.mark.parametrize("source", HARMLESS.values(), ids=HARMLESS)
def test_the_scan_passes_what_is_within_its_limits_or_only_looks_past_them(source: str) -> None:
    """Limits are exact, text and comments are not code, and numbers that int() does not read
    (keys, floats, hexadecimal) are not integers. A syntax error is left to the reader."""
    assert scanned(source) is None


def test_the_scan_refuses_a_file_before_the_reader_sees_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The issue's case, one key of 100,000 parts, is refused without parsing."""

    def no_reader() -> None:
        raise AssertionError("the TOML reader was asked to parse the file")

    monkeypatch.setattr(catalogue, "_toml_reader", no_reader)
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.parse(b"[catalogue]\n" + b"a" + b".a" * 99_999 + b" = 1\n", "big.toml")
    assert caught.value.lines() == [f"big.toml:2: {KEY}"]


def token_by_token(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the scan read every token in Python: fast patterns that match nothing."""
    nothing = re.compile(b"")
    monkeypatch.setattr(tomlscan, "_fast_scan", lambda nesting: nothing)


def test_the_fast_patterns_never_change_an_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every case is answered alike when the scan reads it token by token in Python, and when it
    switches to the deepest fast patterns at once."""
    cases = [*(source for source, _ in REFUSED.values()), *HARMLESS.values()]
    expected = [scanned(source) for source in cases]
    with monkeypatch.context() as patched:
        token_by_token(patched)
        assert [scanned(source) for source in cases] == expected
    with monkeypatch.context() as patched:
        patched.setattr(tomlscan, "_PATIENCE", -1)
        assert [scanned(source) for source in cases] == expected


def test_the_scan_finds_trouble_below_the_fast_patterns_depth() -> None:
    """Inside brackets deeper than the first fast pattern follows, limits still hold."""
    below = "a = " + "[" * 10
    above = "]" * 10 + "\n"
    assert scanned(below + "{" + "k." * 32 + "k = 1}" + above) == f"1:-: {KEY}"
    assert scanned(below + "1" * 4301 + above) == f"1:15: {BIG}"
    assert scanned(below + "[" * 23 + "]" * 23 + above) == f"1:37: {DEEP}"
    assert scanned(below + "[" * 22 + "]" * 22 + above) is None


# Pieces of text in which TOML's structure hides: brackets, dots, quotes, escapes, comments,
# multi-line strings, long runs of digits, and what goes around numbers.
_PIECES = [
    *"[[{]}a._-=,\n\\\"'e",
    " . ",
    "a.a.a.a.a.a.a.a",
    '"k"',
    "'k'",
    "0x",
    "#c",
    '"""t\n"""',
    "'''t'''",
    '"\\"',
    "1.5",
    "1" * 2200,
    "= " + "1" * 4301,
]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=30), st.integers(1, 40))
def test_the_fast_and_the_slow_reading_agree_on_any_text(pieces: list[str], repeat: int) -> None:
    """On text made of TOML's pieces (mostly not TOML at all, and refused for each of the three
    reasons about one time in five), reading token by token and with the fast patterns give the
    same answer."""
    source = "".join(pieces) * repeat  # repeats make brackets deep and dotted runs long
    expected = scanned(source)
    with pytest.MonkeyPatch.context() as patched:
        token_by_token(patched)
        assert scanned(source) == expected


_KEYS = st.text("ab.'\" #[]=", min_size=1, max_size=4)
_VALUES = st.recursive(
    st.text("ab.'\"#[]{}=,\n\\ 1\t\u3000", max_size=12)
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_KEYS, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(_KEYS, _VALUES, max_size=4), st.booleans())
def test_toml_within_the_limits_is_never_refused(
    document: dict[str, object], multiline: bool
) -> None:
    """Any document tomli-w writes, with keys and text full of TOML's punctuation, nests far
    less than the limits: the scan passes it."""
    source = tomli_w.dumps(document, multiline_strings=multiline)
    assert scanned(source) is None


@pytest.mark.parametrize(
    "path",
    [ROOT / "data" / "standards.toml", *sorted((ROOT / "tests" / "data").glob("*.toml"))],
    ids=lambda path: path.name,
)
def test_every_real_catalogue_is_far_within_the_limits(path: Path) -> None:
    """The embedded catalogue and the test catalogues pass, and would with lines limited to a
    thousandth of the limit (their keys have at most 3 parts and their brackets nest 2 deep)."""
    data = path.read_bytes()
    assert tomlscan.scan(data) is None
    with pytest.MonkeyPatch.context() as tighter:
        tighter.setattr(tomlscan, "MAX_LINE", tomlscan.MAX_LINE // 1000)
        assert tomlscan.scan(data) is None


def test_a_number_the_scan_misses_is_still_a_sentence(
    monkeypatch: pytest.MonkeyPatch, reader: str
) -> None:
    """Should a too-long integer get past the scan, the reader's ValueError is still turned into
    a problem, not a traceback."""
    monkeypatch.setattr(tomlscan, "scan", lambda data: None)
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.parse(b"a = " + b"1" * 4301 + b"\n", "big.toml")
    assert caught.value.lines() == [f"big.toml: {BIG}"]


# ---------------------------------------------------------------- refusals are remembered


@pytest.fixture(name="bad")
def _bad(tmp_path: Path) -> Path:
    """A private copy of a catalogue with two problems on different lines."""
    path = tmp_path / "bad.toml"
    path.write_bytes((INVALID / "several-problems-at-once.toml").read_bytes())
    return path


def refusal(path: Path) -> CatalogueInvalid:
    with pytest.raises(CatalogueInvalid) as caught:
        catalogue.load(path)
    return caught.value


def records(kind: str) -> list[Path]:
    folder = cache.directory()
    assert folder is not None
    return sorted(folder.glob(f"*.{kind}"))


def test_a_refused_file_is_refused_again_without_parsing(bad: Path, parses: list[str]) -> None:
    """The same bytes under the same code give the same problems on the same lines, once parsed."""
    first = refusal(bad)
    assert len(first.problems) == 3 and {problem.line for problem in first.problems} == {16}
    second = refusal(bad)
    assert parses == [str(bad)]
    assert second.problems == first.problems and second.lines() == first.lines()
    assert len(records("rejected")) == 1 and records("snapshot") == []


def test_an_unchanged_refused_file_is_not_even_read_again(
    bad: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once its status is remembered, a refused file is answered without reading it, which is
    what spares a large one its minutes on every run."""
    monkeypatch.setattr(cache, "_now_ns", lambda: 2**62)  # every file counts as settled
    expected = refusal(bad).lines()

    def unread(path: Path) -> None:
        raise AssertionError(f"{path} was read again")

    monkeypatch.setattr(catalogue, "_read_source", unread)
    assert refusal(bad).lines() == expected
    assert parses == [str(bad)]


def test_a_changed_file_is_parsed_again(bad: Path, parses: list[str]) -> None:
    """An edit is judged afresh: still broken, then fixed, when the record of the refusal goes."""
    refusal(bad)
    bad.write_text(bad.read_text(encoding="utf-8").replace('"sport"', '"food"'), encoding="utf-8")
    assert [problem.field for problem in refusal(bad).problems] == ["title_zh", "gba_id"]
    text = bad.read_text(encoding="utf-8")
    fixed = text.replace('title_zh = ""', 'title_zh = "米"').replace("WQ1-8", "WQ 1-9")
    bad.write_text(fixed, encoding="utf-8")
    assert len(catalogue.load(bad).standards) == 2
    assert len(parses) == 3
    assert records("rejected") == [] and len(records("snapshot")) == 1


def test_changed_code_parses_a_refused_file_again(
    bad: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A refusal made by other code (another salt) is not repeated: the new code judges."""
    refusal(bad)
    real = cache.salt
    monkeypatch.setattr(cache, "salt", lambda version: real(version) + "+edited")
    refusal(bad)
    assert len(parses) == 2


@pytest.mark.parametrize(
    "damage",
    [
        lambda blob: blob[:-3],
        lambda blob: blob[:-2] + bytes([blob[-2] ^ 0x01]) + blob[-1:],
        lambda blob: b"",
        lambda blob: cache.seal(marshal.dumps(("not", "a", "record"))),
        lambda blob: cache.seal(blob[len(cache.seal(b"")) :]),  # sealed as a snapshot
    ],
    ids=["truncated", "bit-flip", "empty", "other-shape", "snapshot-magic"],
)
def test_a_damaged_refusal_record_is_not_believed(
    bad: Path, parses: list[str], damage: Callable[[bytes], bytes]
) -> None:
    """A record that is damaged, of another shape or not a refusal's is ignored: the file is
    parsed again and gives the same report."""
    expected = refusal(bad).lines()
    (record,) = records("rejected")
    record.write_bytes(damage(record.read_bytes()))
    assert refusal(bad).lines() == expected
    assert len(parses) == 2


def test_a_record_with_problems_of_another_shape_is_not_believed(
    bad: Path, parses: list[str]
) -> None:
    """Problems that are not (text, position, entry, field, line, column) are not replayed."""
    refusal(bad)
    (record,) = records("rejected")
    blob = record.read_bytes()
    magic = blob[: blob.index(b"\n") + 1]
    about, problems = marshal.loads(blob[len(magic) + 4 :])
    for wrong in [(), (("only a message",),), ((*problems[0][:4], "16", None),)]:
        record.write_bytes(cache.seal(marshal.dumps((about, wrong)), magic))
        refusal(bad)
    assert len(parses) == 4


def test_a_refusal_record_is_never_taken_for_a_snapshot(bad: Path, parses: list[str]) -> None:
    """Put where the snapshot of the same content would be, the record is not a catalogue."""
    expected = refusal(bad).lines()
    (record,) = records("rejected")
    record.rename(record.with_suffix(".snapshot"))
    assert refusal(bad).lines() == expected
    assert len(parses) == 2


def test_nothing_is_remembered_without_a_cache(
    bad: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """GBASTD_NO_CACHE=1: every run parses, nothing is written."""
    monkeypatch.setenv("GBASTD_NO_CACHE", "1")
    assert refusal(bad).lines() == refusal(bad).lines()
    assert len(parses) == 2
    monkeypatch.delenv("GBASTD_NO_CACHE")
    assert records("rejected") == []


def test_validate_repeats_the_same_report_without_parsing(
    bad: Path, parses: list[str], runner: CliRunner
) -> None:
    """Through the CLI: the second run prints the same lines and exits 1, with one parse."""
    first = runner.invoke(app, ["validate", str(bad)])
    second = runner.invoke(app, ["validate", str(bad)])
    assert first.exit_code == second.exit_code == 1
    assert (second.stdout, second.stderr) == (first.stdout, first.stderr)
    assert len(first.stdout.splitlines()) == 3
    assert parses == [str(bad)]

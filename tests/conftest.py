"""Shared fixtures: an isolated environment, the CLI runner, the fixture catalogues."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import gbastd
from gbastd import i18n
from gbastd.catalogue import ENV_VAR
from gbastd.records import Catalogue

TESTS = Path(__file__).parent
DATA = TESTS / "data"
GOLDEN = TESTS / "golden"
ROOT = TESTS.parent


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/* from the current output instead of comparing.",
    )


@pytest.fixture(autouse=True)
def _isolated_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No test sees the developer's catalogue choice, cache, colours, terminal width or
    language (tests of the language choose their own)."""
    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("GBASTD_LANG", "en")
    i18n.use(i18n.ENGLISH)
    monkeypatch.delenv("GBASTD_NO_CACHE", raising=False)
    monkeypatch.setenv("GBASTD_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture(name="runner")
def _runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(name="mini_path")
def _mini_path() -> Path:
    return DATA / "mini.toml"


@pytest.fixture(name="mini")
def _mini(mini_path: Path) -> Catalogue:
    return gbastd.load(mini_path)


@pytest.fixture(name="parses")
def _parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every real parse-and-validate, which the cache (of valid catalogues and of
    refusals) exists to spare."""
    from gbastd import catalogue

    calls: list[str] = []
    real = catalogue.parse

    def counting(data: bytes, path: str, **kwargs: Any) -> Catalogue:
        calls.append(path)
        return real(data, path, **kwargs)

    monkeypatch.setattr(catalogue, "parse", counting)
    return calls


@pytest.fixture(name="golden")
def _golden(request: pytest.FixtureRequest) -> Iterator[GoldenCheck]:
    yield GoldenCheck(update=bool(request.config.getoption("--update-golden")))


class GoldenCheck:
    """Compare text with tests/golden/NAME, or rewrite it with --update-golden."""

    def __init__(self, *, update: bool) -> None:
        self.update = update

    def __call__(self, name: str, actual: bytes) -> None:
        path = GOLDEN / name
        if self.update:
            path.write_bytes(actual)
            return
        assert path.exists(), f"{path} is missing: run pytest --update-golden and review it"
        assert actual == path.read_bytes(), f"output differs from {path}"


def edited_mini(target: Path, *replacements: tuple[str, str]) -> Path:
    """Write the fixture catalogue to ``target`` with each (old, new) text replaced; return it."""
    text = (DATA / "mini.toml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, f"{old!r} is not in the fixture catalogue"
        text = text.replace(old, new)
    target.write_text(text, encoding="utf-8")
    return target


def run_gbastd(
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stdin: bytes | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run the installed command in a subprocess, as a shell would (``stdin``: its input)."""
    full_env = {k: v for k, v in os.environ.items() if k != ENV_VAR}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "gbastd", *args],
        input=stdin,
        capture_output=True,
        env=full_env,
        cwd=cwd,
        timeout=60,
        check=False,
    )


def imported_by(importtime: str | bytes) -> set[str]:
    """The modules named in ``python -X importtime``'s report (its stderr)."""
    text = importtime.decode() if isinstance(importtime, bytes) else importtime
    return {line.rsplit("|", 1)[1].strip() for line in text.splitlines() if "|" in line}


def refused_import(runner: CliRunner, cat: Path, sheet: Path, *extra: str) -> str:
    """Import ``sheet`` into ``cat``, with a domain and a source: exit 1, nothing on stdout,
    one sentence on stderr, no traceback, ``cat`` byte for byte the same. Returns stderr."""
    from gbastd.cli import app

    before = cat.read_bytes()
    args = ["import", str(sheet), "-d", "food", "--source", "https://example.org/list"]
    result = runner.invoke(app, [*args, *extra, "-c", str(cat)])
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert cat.read_bytes() == before
    return result.stderr


def generated_catalogue(entries: list[dict[str, Any]], tags: Iterable[str]) -> Catalogue:
    """Validate generated ``[[standard]]`` tables under a minimal [catalogue] declaring ``tags``."""
    from datetime import date

    from gbastd.model import build_catalogue

    document = {
        "catalogue": {"name": "Generated", "as_of": date(2026, 1, 14), "published_total": 9},
        "domains": {tag: {"zh": tag, "zh_hant": tag, "en": tag} for tag in tags},
        "standard": entries,
    }
    return build_catalogue(document, "generated.toml")


def one_entry_per_key(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Drop generated optional ids and titles that another entry already answers to (a key must
    name one entry: the model refuses a catalogue where it does not). Titles come first."""
    from gbastd.fields import LOOKUP_FIELDS
    from gbastd.text import key, normalise_gba_id

    def key_of(name: str, value: str) -> str:
        return key(normalise_gba_id(value) or value) if name == "gba_id" else key(value)

    owner = {key_of("title_zh", e["title_zh"]): n for n, e in enumerate(entries)}
    for number, entry in enumerate(entries):
        for name in LOOKUP_FIELDS:
            if name == "title_zh" or not isinstance(entry.get(name), str):
                continue
            if owner.setdefault(key_of(name, entry[name]), number) != number:
                del entry[name]
    return entries

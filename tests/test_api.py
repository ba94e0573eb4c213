"""The Python API the command line is built on, and the shell completion Typer provides."""

from __future__ import annotations

import pytest

import gbastd

from .conftest import run_gbastd


def test_load_lookup_and_search_on_the_embedded_catalogue() -> None:
    """gbastd.load(), lookup() and search() answer as the README shows."""
    catalogue = gbastd.load()
    standard = gbastd.lookup("WQ1-8", catalogue)
    assert (standard.title_zh, standard.domains) == ("丝苗米", ("food",))
    assert [s.gba_id for s in gbastd.search("龍舟", catalogue)] == ["WQ 1-229", "WQ 1-230"]
    assert gbastd.lookup("wq 1-8") == standard  # loads the embedded catalogue itself


def test_lookup_raises_a_lookup_error() -> None:
    """A missing key raises StandardNotFound, which callers may catch as LookupError."""
    with pytest.raises(LookupError):
        gbastd.lookup("WQ 99-99")
    with pytest.raises(gbastd.GbastdError):
        gbastd.lookup("WQ 99-99")


def test_bash_completion_offers_commands() -> None:
    """Typer's completion works through gbastd's entry point."""
    result = run_gbastd(
        env={"_GBASTD_COMPLETE": "complete_bash", "COMP_WORDS": "gbastd li", "COMP_CWORD": "1"}
    )
    assert (result.returncode, result.stdout) == (0, b"list\n")

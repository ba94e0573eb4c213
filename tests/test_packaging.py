"""A built wheel carries the catalogue and works from any directory, with no repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import ROOT, imported_by
from .test_fastpath import NOT_AT_START


def test_wheel_ships_the_catalogue_and_runs_outside_the_repository(tmp_path: Path) -> None:
    """pip install . gives a gbastd that reads its embedded catalogue, not the checkout's."""
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("gbastd-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        packaged = archive.read("gbastd/data/standards.toml")
    assert packaged == (ROOT / "data" / "standards.toml").read_bytes()

    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site), "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("GBASTD_CATALOGUE", None)
    installed_before = sorted(p.relative_to(site) for p in (site / "gbastd").rglob("*"))
    outside = tmp_path / "elsewhere"
    outside.mkdir()

    def run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run Python on the installed wheel only, from a folder outside the repository."""
        return subprocess.run(
            [sys.executable, *args],
            cwd=outside,
            env=env,
            capture_output=True,
            text=True,
            check=check,
            timeout=60,
        )

    where = run("-c", "import gbastd.catalogue as c; print(c.embedded_path())")
    assert Path(where.stdout.strip()) == site / "gbastd" / "data" / "standards.toml"
    food = run("-m", "gbastd", "list", "--domain", "food", check=False)
    assert food.returncode == 0, food.stderr
    assert food.stdout.splitlines()[1] == "WQ 1-8\tT/GBAS 6-2022\t丝苗米\tfood\t2023-04-24\t"
    for args in (
        ["validate"],
        ["stats"],
        ["export", "-f", "toml", "-o", str(outside / "x.toml")],
        ["report", "-o", str(outside / "r.html")],  # the template ships with the package
    ):
        run("-m", "gbastd", *args)
    installed_after = sorted(p.relative_to(site) for p in (site / "gbastd").rglob("*"))
    assert installed_after == installed_before  # nothing is ever written into the package


def _readme_setup_command() -> str:
    """The README's first shell block: the set-up that installs and runs the main job."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    (command,) = block.strip().splitlines()
    return command


def _copy_of_the_checkout(destination: Path) -> None:
    """The repository's files as a fresh clone has them: its tracked files, no .venv or cache."""
    listed = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True, timeout=60
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():  # a file deleted in the work tree but not yet from the index
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def test_the_readme_set_up_installs_a_gbastd_that_starts_on_gbastd_alone(tmp_path: Path) -> None:
    """The README's set-up command, run as written in a copy of the checkout, installs gbastd and
    prints the food entries of the embedded catalogue; the command it installs imports nothing
    before gbastd (no re: pip 25.2's wrapper), so the fast path's start-up is what users get."""
    checkout = tmp_path / "gbastd"
    _copy_of_the_checkout(checkout)
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("GBASTD_", "VIRTUAL_ENV", "PYTHON"))
    }
    env["GBASTD_CACHE_DIR"] = str(tmp_path / "cache")
    # gbastd's dependencies and build requirements at the versions the tests pin, as the test
    # command installs them; pip itself (and so its console scripts) at what the registry has.
    env["PIP_CONSTRAINT"] = str(ROOT / "constraints.txt")
    setup = subprocess.run(
        ["bash", "-c", _readme_setup_command()],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=900,
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    food = subprocess.run(
        [sys.executable, "-m", "gbastd", "list", "--domain", "food"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert food.startswith("gba_id\t") and setup.stdout.endswith(food)

    installed = checkout / ".venv" / "bin"
    wrapper = (installed / "gbastd").read_text(encoding="utf-8")
    command = [str(installed / "python"), "-X", "importtime", str(installed / "gbastd")]
    warm = subprocess.run(
        [*command, "list", "--domain", "food"], env=env, capture_output=True, check=True, timeout=60
    )
    assert warm.stdout.decode() == food
    imported = imported_by(warm.stderr)
    assert "gbastd.fastpath" in imported and "gbastd.cli" not in imported
    assert not NOT_AT_START & imported, wrapper

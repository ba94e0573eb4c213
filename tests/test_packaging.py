"""A built wheel carries the catalogue and works from any directory, with no repository."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from .conftest import ROOT


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

"""Every byte of a large output arrives, or the run says why not: non-blocking pipes, full
disks and readers that leave early, with buffered and with raw (PYTHONUNBUFFERED=1) streams.
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from .conftest import DATA, GOLDEN
from .test_streams import (
    FULL_SENTENCE,
    HAS_DEV_FULL,
    UNBUFFERED,
    run_into_closed_pipe,
    run_into_dev_full,
    stream_env,
)

ENTRIES = 3000
LIVENESS = 120  # seconds without progress after which a run counts as hung


class Big(NamedTuple):
    """A catalogue whose JSON export (about 2 MB) is far larger than any pipe's buffer."""

    path: Path
    cache: Path
    export: bytes  # the JSON export, as a blocking pipe receives it

    def args(self) -> list[str]:
        return [sys.executable, "-m", "gbastd", "export", "-f", "json", "-c", str(self.path)]

    def env(self, unbuffered: bool) -> dict[str, str]:
        return stream_env(unbuffered, GBASTD_CACHE_DIR=str(self.cache))


@pytest.fixture(name="big", scope="module")
def _big(tmp_path_factory: pytest.TempPathFactory) -> Big:
    """The fixture catalogue with thousands of invented entries, and its export."""
    folder = tmp_path_factory.mktemp("big")
    text = (DATA / "mini.toml").read_text(encoding="utf-8")
    entries = [
        f"""
[[standard]]
gba_id = "WQ 9-{n}"
code = "T/BIG {n}-2024"
title_zh = "批量测试条目第{n}号：粤港澳大湾区标准目录的长标题"
title_en = "Bulk test entry {n}, with a title long enough to fill the output"
domains = ["food", "data"]
batch = 1
listed = 2024-02-01
publisher = "测试标准促进会"
sources = ["https://example.org/list-{n}", "https://example.org/press-{n}"]
"""
        for n in range(1, ENTRIES + 1)
    ]
    path = folder / "big.toml"
    path.write_text(text + "".join(entries), encoding="utf-8")
    big = Big(path, folder / "cache", b"")
    result = subprocess.run(
        big.args(), capture_output=True, env=big.env(False), timeout=120, check=True
    )
    assert result.stderr == b"" and len(result.stdout) > 1_000_000
    return big._replace(export=result.stdout)


def _pipe_capacity(fd: int) -> int:
    return int(fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ))


def _waiting(fd: int) -> int:
    """How many bytes wait in the pipe to be read."""
    return int(struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0])


def _read_slowly(fd: int) -> bytes:
    """Read everything, a little at a time, so that the writer keeps finding the pipe full."""
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], LIVENESS)
        assert ready, f"gbastd wrote nothing for {LIVENESS} s and did not close its output"
        chunk = os.read(fd, 4096)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        time.sleep(0.0005)


@pytest.mark.skipif(sys.platform != "linux", reason="measures the pipe with Linux fcntl calls")
@UNBUFFERED
def test_a_non_blocking_pipe_receives_every_byte(big: Big, unbuffered: bool) -> None:
    """A reader that spawns gbastd with a non-blocking pipe (as Node.js does) and reads slowly
    gets the whole export, exit 0: gbastd waits for room instead of dropping the rest."""
    reader, writer = os.pipe()
    os.set_blocking(writer, False)
    try:
        with subprocess.Popen(
            big.args(), stdout=writer, stderr=subprocess.PIPE, env=big.env(unbuffered)
        ) as process:
            os.close(writer)
            writer = -1
            assert process.stderr is not None
            # Read nothing until gbastd has filled the pipe: its next write cannot go through.
            deadline = time.monotonic() + LIVENESS  # only against a hang; never asserted
            while _waiting(reader) < _pipe_capacity(reader) and process.poll() is None:
                if time.monotonic() > deadline:
                    break
                time.sleep(0.01)
            received = _read_slowly(reader)
            stderr = process.stderr.read()
            code = process.wait(timeout=120)
    finally:
        os.close(reader)
        if writer != -1:
            os.close(writer)
    assert (code, stderr) == (0, b"")
    assert len(received) == len(big.export)
    assert received == big.export


@HAS_DEV_FULL
@UNBUFFERED
def test_a_large_export_to_a_full_disk_is_one_sentence(big: Big, unbuffered: bool) -> None:
    """Not one byte fits: exit 1 and one sentence, however large the output."""
    code, stderr = run_into_dev_full(*big.args()[3:], env=big.env(unbuffered))
    assert (code, stderr) == (1, FULL_SENTENCE)


@UNBUFFERED
def test_a_large_export_into_a_closed_pipe_is_quiet(big: Big, unbuffered: bool) -> None:
    """The reader is gone before the first byte: exit 141, nothing on stderr."""
    assert run_into_closed_pipe(*big.args()[3:], env=big.env(unbuffered)) == (141, b"")


@UNBUFFERED
def test_a_reader_leaving_midway_stops_gbastd_with_141(big: Big, unbuffered: bool) -> None:
    """The reader takes the first bytes and leaves; the rest cannot fit into the pipe, so
    gbastd meets the closed pipe and stops quietly with 141 (not 0, as if all were read)."""
    with subprocess.Popen(
        big.args(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=big.env(unbuffered)
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        first = process.stdout.read(100)
        process.stdout.close()
        stderr = process.stderr.read()
        code = process.wait(timeout=120)
    assert first == big.export[:100]
    assert (code, stderr) == (141, b"")


@UNBUFFERED
def test_gbastd_into_head_exits_141(big: Big, unbuffered: bool) -> None:
    """gbastd export | head -1: the shell sees 141 from gbastd, and no message."""
    command = '{ "$@"; echo "exit $?" >&2; } | head -1'
    result = subprocess.run(
        ["sh", "-c", command, "sh", *big.args()],
        capture_output=True,
        env=big.env(unbuffered),
        timeout=120,
        check=False,
    )
    assert result.stdout == big.export.split(b"\n")[0] + b"\n"
    assert result.stderr == b"exit 141\n"


@UNBUFFERED
def test_output_that_fitted_into_the_pipe_is_success(unbuffered: bool) -> None:
    """When all output fits into the pipe before the reader closes it, nothing was lost:
    exit 0, as for cat, and the reader still finds every byte."""
    reader, writer = os.pipe()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "gbastd", "list", "-c", str(DATA / "mini.toml"), "-f", "csv"],
            stdout=writer,
            stderr=subprocess.PIPE,
            env=stream_env(unbuffered),
            timeout=60,
            check=False,
        )
        os.close(writer)
        writer = -1
        received = b"".join(iter(lambda: os.read(reader, 65536), b""))
    finally:
        os.close(reader)
        if writer != -1:
            os.close(writer)
    assert (result.returncode, result.stderr) == (0, b"")
    assert received == (GOLDEN / "mini.csv").read_bytes()

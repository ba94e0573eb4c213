"""A per-user cache of validated catalogues, so that only a changed file is parsed and validated.

Parsing TOML and validating it with pydantic costs tens of milliseconds for the embedded
catalogue and seconds for one of 100,000 entries; reading a snapshot costs a fraction of that.
A snapshot is named after the catalogue's path and keyed on its exact content, the gbastd version
and the Python version, so an edited file can never be answered from an old snapshot. Each
snapshot carries a CRC-32 of its payload, so a damaged one is ignored, never believed. Every
failure here (no cache directory, no permission, a corrupt file) only means a slower run.

Location: ``$GBASTD_CACHE_DIR``, else ``$XDG_CACHE_HOME/gbastd``, else ``~/.cache/gbastd``.
``GBASTD_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib
from pathlib import Path
from typing import Any

try:  # the builtin module: hashlib would also load OpenSSL, a few ms on every start
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - Python builds without it
    from hashlib import blake2b

SNAPSHOT_FORMAT = 3
_MAGIC = b"gbastd-snapshot\n"
# Above this size, OpenSSL's SHA-256 (hardware-accelerated, about 3x faster than blake2b here)
# repays the few milliseconds that importing hashlib adds; below it, blake2b needs no import.
_LARGE = 1 << 20


def directory() -> Path | None:
    """Return the cache directory, or None when caching is turned off."""
    if os.environ.get("GBASTD_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("GBASTD_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gbastd"


def salt(version: str) -> str:
    """Return what besides the content decides a snapshot: formats, versions and the rules.

    The rules are the schema's source file: a changed model (a development checkout, say)
    must never be answered by snapshots its predecessor validated.
    """
    try:
        rules = os.stat(os.path.join(os.path.dirname(__file__), "model.py"))
        stamp = f"{rules.st_size}:{rules.st_mtime_ns}"
    except OSError:  # pragma: no cover - an installation without its source file
        stamp = "?"
    return f"{SNAPSHOT_FORMAT}/{version}/{sys.version_info[0]}.{sys.version_info[1]}/{stamp}"


def content_key(data: bytes, salt: str) -> str:
    """Return the key of a catalogue's exact bytes under ``salt``."""
    if len(data) > _LARGE:
        from hashlib import sha256

        digest = sha256(salt.encode() + b"\n")
        digest.update(data)
        return "s" + digest.hexdigest()
    small = blake2b(salt.encode() + b"\n", digest_size=32)
    small.update(data)
    return "b" + small.hexdigest()


def _signature(status: os.stat_result) -> str:
    return (
        f"{status.st_dev}:{status.st_ino}:{status.st_size}:{status.st_mtime_ns}:"
        f"{status.st_ctime_ns}"
    )


def remembered_key(source: Path, salt: str) -> str | None:
    """Return the content key recorded for the file as it stands now, sparing a read and a hash.

    A record is only trusted while the file's device, inode, size, modification and change
    times are all as they were when its content was hashed (any write changes the change time,
    which no user can set back).
    """
    folder = directory()
    if folder is None:
        return None
    try:
        record = (folder / f"{_path_prefix(source)}.stat").read_text(encoding="utf-8")
        status = os.stat(source)
    except (OSError, UnicodeDecodeError):
        return None
    recorded_signature, recorded_salt, key = ([*record.split("\n"), "", ""])[:3]
    if recorded_signature == _signature(status) and recorded_salt == salt and key:
        return key
    return None


# A file changed within this long of being read could change again within the same tick of
# the file system's clock without its times changing (git's "racy" case): don't record it.
_SETTLED_NS = 3_000_000_000


def remember_key(
    source: Path, salt: str, key: str, before: os.stat_result, after: os.stat_result
) -> None:
    """Record the content key for the file's current status, when that is safe; never raises."""
    folder = directory()
    if folder is None or _signature(before) != _signature(after):
        return
    if max(after.st_mtime_ns, after.st_ctime_ns) > _now_ns() - _SETTLED_NS:
        return
    _write_atomically(
        folder, f"{_path_prefix(source)}.stat", f"{_signature(after)}\n{salt}\n{key}\n".encode()
    )


def _now_ns() -> int:
    import time

    return time.time_ns()


def _path_prefix(source: Path) -> str:
    absolute = os.path.abspath(source).encode("utf-8", "surrogateescape")
    return blake2b(absolute, digest_size=8).hexdigest()


def read(source: Path, key: str) -> Any | None:
    """Return the snapshot stored for ``source`` with ``key``, or None if there is no sound one."""
    folder = directory()
    if folder is None:
        return None
    try:
        blob = (folder / f"{_path_prefix(source)}-{key}.snapshot").read_bytes()
    except OSError:
        return None
    header = len(_MAGIC) + 4
    if not blob.startswith(_MAGIC) or len(blob) <= header:
        return None
    payload = memoryview(blob)[header:]
    # CRC-32 detects damage (truncation, flipped bits); the key already rules out staleness.
    if zlib.crc32(payload).to_bytes(4, "big") != blob[len(_MAGIC) : header]:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def write(source: Path, key: str, snapshot: Any) -> None:
    """Store a snapshot for ``source`` atomically and drop its older ones; never raises."""
    folder = directory()
    if folder is None:
        return
    prefix = _path_prefix(source)
    payload = marshal.dumps(snapshot)
    name = f"{prefix}-{key}.snapshot"
    if _write_atomically(folder, name, _MAGIC + zlib.crc32(payload).to_bytes(4, "big") + payload):
        for old in folder.glob(f"{prefix}-*.snapshot"):
            if old.name != name:
                old.unlink(missing_ok=True)


def _write_atomically(folder: Path, name: str, blob: bytes) -> bool:
    """Write a file whole or not at all; report whether it was written."""
    import tempfile

    temporary = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        with os.fdopen(handle, "wb") as stream:
            stream.write(blob)
        os.replace(temporary, folder / name)
        temporary = None
        return True
    except OSError:
        return False  # an unwritable cache only costs speed
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)

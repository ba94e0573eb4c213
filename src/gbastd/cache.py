"""A per-user cache of validated catalogues, so that only a changed file is parsed and validated.

Parsing TOML and validating it with pydantic costs tens of milliseconds for the embedded
catalogue and seconds for one of 100,000 entries; reading a snapshot costs a fraction of that.
A snapshot is named after the catalogue's path and keyed on its exact content, the gbastd and
Python versions and every module of the installed package (size and modification time), so
neither an edited file nor edited code can be answered from an old snapshot. Each snapshot
carries a CRC-32 of its payload and says what it is a snapshot of (format, fields, path and
content key); its shape is checked before it is used. A damaged, foreign or misshapen one is
ignored and rebuilt, never believed. Every failure here (no cache directory, no permission, a
corrupt file, a FIFO where a snapshot should be) only means a slower run.

A catalogue that was refused leaves a record of its problems instead, keyed and sealed the same
way but named ``.rejected`` (never ``.snapshot``, so nothing can take it for a valid catalogue):
the same bytes under the same code are refused again, with the same report, without parsing.

Location: ``$GBASTD_CACHE_DIR``, else ``$XDG_CACHE_HOME/gbastd`` (when absolute, as the XDG
specification requires), else ``~/.cache/gbastd`` (when the home directory is known); else no
cache. ``GBASTD_NO_CACHE=1`` turns the cache off.
"""

from __future__ import annotations

import marshal
import os
import stat
import sys
import zlib

from gbastd import i18n
from gbastd._plain import itemgetter, partial
from gbastd.errors import Problem
from gbastd.fields import CATALOGUE_FIELDS, FIELDS
from gbastd.records import Catalogue, CatalogueInfo, Domain, Standard, Standards, Total

TYPE_CHECKING = False  # typing costs every start a few ms: type checkers honour the name
if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path
    from typing import Any

    from gbastd.records import Keeper

try:  # the builtin module: hashlib would also load OpenSSL, a few ms on every start
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - Python builds without it
    from hashlib import blake2b

SNAPSHOT_FORMAT = 5
_MAGIC = b"gbastd-snapshot\n"
_REJECTED_MAGIC = b"gbastd-rejected-2\n"  # 2: (language, problems)
_INDEX_MAGIC = b"gbastd-index\n"
_MAX_SNAPSHOT = 4 << 30  # far above a million entries; a bigger file is not one of ours
# Above this size, OpenSSL's SHA-256 (hardware-accelerated, about 3x faster than blake2b here)
# repays the few milliseconds that importing hashlib adds; below it, blake2b needs no import.
_LARGE = 1 << 20


def directory() -> Path | None:
    """Return the cache directory, or None when caching is turned off."""
    folder = _folder()
    if folder is None:
        return None
    from pathlib import Path  # only callers outside this module want one

    return Path(folder)


def _folder() -> str | None:
    """The cache directory's name, or None (see ``directory``); pathlib costs every start a
    few milliseconds, which the fast path (fastpath.py) does not spend."""
    if os.environ.get("GBASTD_NO_CACHE", "") not in ("", "0"):
        return None
    explicit = os.environ.get("GBASTD_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG specification: a relative path is to be ignored
        # HOME as set (an empty one means none), else the password database's entry.
        home = os.environ.get("HOME", os.path.expanduser("~"))
        if not os.path.isabs(home):  # no home directory: no cache, not ./~/.cache
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "gbastd")


def salt(version: str) -> str:
    """Return what besides the content decides a snapshot: formats, versions and the code.

    The code is every module of the package as installed (name, size, modification time):
    any change that could change a validated result (the model, the normalisation of ids in
    text.py, the field table) must never be answered by snapshots its predecessor made.
    """
    stamps = []
    with os.scandir(os.path.dirname(__file__)) as entries:
        for entry in entries:
            if entry.name.endswith(".py"):
                status = entry.stat()
                stamps.append(f"{entry.name}:{status.st_size}:{status.st_mtime_ns}")
    code = blake2b("|".join(sorted(stamps)).encode(), digest_size=12).hexdigest()
    return f"{SNAPSHOT_FORMAT}/{version}/{sys.version_info[0]}.{sys.version_info[1]}/{code}"


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


def remembered_key(source: str | os.PathLike[str], salt: str) -> str | None:
    """Return the content key recorded for the file as it stands now, sparing a read and a hash.

    A record is only trusted while the file's device, inode, size, modification and change
    times are all as they were when its content was hashed (any write changes the change time,
    which no user can set back).
    """
    folder = _folder()
    if folder is None:
        return None
    try:
        # Read as a snapshot is: a FIFO planted in the record's place must not block.
        stored = _read_regular_file(os.path.join(folder, f"{_path_prefix(source)}.stat"))
        record = "" if stored is None else stored.decode()
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
    source: str | os.PathLike[str],
    salt: str,
    key: str,
    before: os.stat_result,
    after: os.stat_result,
) -> None:
    """Record the content key for the file's current status, when that is safe; never raises."""
    folder = _folder()
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


def _path_prefix(source: str | os.PathLike[str]) -> str:
    absolute = os.path.abspath(source).encode("utf-8", "surrogateescape")
    return blake2b(absolute, digest_size=8).hexdigest()


def read(
    source: str | os.PathLike[str], key: str, rebuild: Callable[[], Catalogue]
) -> Catalogue | None:
    """Return the catalogue snapshotted for ``source`` with ``key``, or None if there is no
    sound snapshot of exactly that file and content. ``rebuild`` answers instead, should an
    entry turn out not to decode when it is used (see ``decode``)."""
    body = _read_record(source, key, ".snapshot", _MAGIC)
    if body is None:
        return None
    try:
        return decode(body, os.fspath(source), rebuild, keeper(source, key))
    except (ValueError, TypeError):
        return None


def keeper(source: str | os.PathLike[str], key: str) -> Keeper:
    """What keeps the indexes of a snapshotted catalogue beside its snapshot (sealed and keyed
    the same way), so that an index is built once per content, not on every run."""

    def keep(name: str, build: Callable[[], Any]) -> Any:
        suffix = f".index-{name}"
        kept = _read_record(source, key, suffix, _INDEX_MAGIC)
        if kept is None:
            kept = build()
            _write_record(source, key, suffix, _INDEX_MAGIC, kept)
        return kept

    return keep


def _read_record(source: str | os.PathLike[str], key: str, suffix: str, magic: bytes) -> Any | None:
    """The body of the sealed record (a snapshot or a refusal) kept for exactly ``source``
    with ``key``, or None when there is none, or it is damaged or of another file or format."""
    folder = _folder()
    if folder is None:
        return None
    payload = _unseal(os.path.join(folder, f"{_path_prefix(source)}-{key}{suffix}"), magic)
    if payload is None:
        return None
    try:
        about, body = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None
    return body if about == _about(source, key, suffix) else None


def _unseal(path: str, magic: bytes) -> memoryview | None:
    """The payload of a sealed file, or None when it is missing, foreign or damaged."""
    blob = _read_regular_file(path)
    if blob is None:
        return None
    header = len(magic) + 4
    if not blob.startswith(magic) or len(blob) <= header:
        return None
    payload = memoryview(blob)[header:]
    # CRC-32 detects damage (truncation, flipped bits); the key already rules out staleness.
    if zlib.crc32(payload).to_bytes(4, "big") != blob[len(magic) : header]:
        return None
    return payload


def _read_regular_file(path: str) -> bytes | None:
    """Read a file only if it is a regular one of a sane size: a FIFO or a device planted
    where a snapshot should be must neither block nor stream without end."""
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode) or status.st_size > _MAX_SNAPSHOT:
            return None
        with os.fdopen(handle, "rb", closefd=False) as stream:
            return stream.read()
    except OSError:
        return None
    finally:
        os.close(handle)


def write(source: str | os.PathLike[str], key: str, catalogue: Catalogue) -> bool:
    """Store a snapshot of ``catalogue`` for ``source`` atomically and drop its older ones;
    whether it was stored (no cache, or one that cannot be written: not); never raises."""
    if not _write_record(source, key, ".snapshot", _MAGIC, encode(catalogue)):
        return False
    folder, prefix = _folder(), _path_prefix(source)
    assert folder is not None  # it was just written there
    _drop_others(folder, prefix, f"{prefix}-{key}.snapshot", "snapshot")
    _drop_others(folder, prefix, "", "rejected")  # the file is valid now
    _drop_others(folder, prefix, f"{prefix}-{key}.index-", "index-*")  # of older content
    return True


def _write_record(
    source: str | os.PathLike[str], key: str, suffix: str, magic: bytes, body: Any
) -> bool:
    """Write a sealed record of ``body`` for exactly ``source`` with ``key``; report whether
    it was written (never raises: an unwritable cache only costs speed)."""
    folder = _folder()
    if folder is None:
        return False
    payload = marshal.dumps((_about(source, key, suffix), body))
    name = f"{_path_prefix(source)}-{key}{suffix}"
    return _write_atomically(folder, name, *_sealed(payload, magic))


def seal(payload: bytes, magic: bytes = _MAGIC) -> bytes:
    """Return a sealed file's bytes: the magic line, the payload's CRC-32, the payload."""
    return b"".join(_sealed(payload, magic))


def _sealed(payload: bytes, magic: bytes) -> tuple[bytes, bytes, bytes]:
    """A sealed file's parts, written one after the other: joined, a snapshot of a million
    entries would be copied once more, some 400 MB."""
    return magic, zlib.crc32(payload).to_bytes(4, "big"), payload


def _drop_others(folder: str, prefix: str, keep: str, kind: str) -> None:
    """Remove the records of ``kind`` for the file of ``prefix``, but for those whose name is
    or begins with ``keep``."""
    from pathlib import Path  # writing is the slow path; reading needs no pathlib

    for old in Path(folder).glob(f"{prefix}-*.{kind}"):
        if not keep or not old.name.startswith(keep):
            old.unlink(missing_ok=True)


def read_rejection(source: str | os.PathLike[str], key: str) -> tuple[Problem, ...] | None:
    """Return the problems for which ``source`` with ``key`` was refused, or None when there is
    no sound record of exactly that file and content."""
    record = _read_record(source, key, ".rejected", _REJECTED_MAGIC)
    # The problems are worded in the language of the run that found them: another language's
    # report is no record for this run (which finds them again and keeps its own report).
    if not isinstance(record, tuple) or len(record) != 2 or record[0] != i18n.current():
        return None
    problems = record[1]
    if not isinstance(problems, tuple) or not problems:
        return None
    if not all(_is_problem(problem) for problem in problems):
        return None
    return tuple(Problem._make(p) for p in problems)


def _is_problem(values: object) -> bool:
    """Whether ``values`` are a Problem's: a message, then an optional position, entry, field,
    line and column."""
    number, text = (int, type(None)), (str, type(None))
    shape: tuple[type | tuple[type, ...], ...] = (str, number, text, text, number, number)
    return (
        isinstance(values, tuple)
        and len(values) == len(shape)
        and all(
            isinstance(value, kind) and not isinstance(value, bool)
            for value, kind in zip(values, shape, strict=True)
        )
    )


def write_rejection(source: str | os.PathLike[str], key: str, problems: Sequence[Problem]) -> None:
    """Record that ``source`` with ``key`` was refused for ``problems`` (replacing the record of
    an earlier content); never raises."""
    if not problems:
        return
    body = (i18n.current(), tuple(tuple(p) for p in problems))
    if _write_record(source, key, ".rejected", _REJECTED_MAGIC, body):
        folder, prefix = _folder(), _path_prefix(source)
        assert folder is not None  # it was just written there
        _drop_others(folder, prefix, f"{prefix}-{key}.rejected", "rejected")


def _about(source: str | os.PathLike[str], key: str, suffix: str) -> tuple[Any, ...]:
    """What a record is of: the format, the fields, the file, its content key and what the
    record is (``.snapshot``, ``.rejected``, ``.index-keys``…): indexes share one seal, so
    without its name one index copied over another would be believed."""
    absolute = os.path.abspath(source).encode("utf-8", "surrogateescape")
    return (SNAPSHOT_FORMAT, FIELDS, absolute, key, suffix)


# ---------------------------------------------------------------- the snapshot codec


def encode(catalogue: Catalogue) -> tuple[Any, ...]:
    """Return the catalogue as nested tuples of plain values (what marshal can store).

    Each entry is stored as its own marshal blob, next to its domain tags, so that loading
    creates one object per entry and a domain filter decodes only the entries it keeps.
    """
    info = catalogue.info
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    tags = tuple(shared.setdefault(s.domains, s.domains) for s in catalogue.standards)
    return (
        (*info[:-1], tuple(tuple(total) for total in info.totals)),
        tuple(tuple(domain) for domain in catalogue.domains.values()),
        tags,
        tuple(marshal.dumps(tuple(standard), _ENTRY_VERSION) for standard in catalogue.standards),
    )


# Entries are written in marshal's format 2, which has no references between objects: what
# an entry could share with itself is a few short strings, and reading a blob of a later
# format sets up a table of references first, a third of the time of decoding an entry.
_ENTRY_VERSION = 2
# The first bytes of a tuple of every field in that format (its type code and its length as
# four bytes): how an entry's shape is checked without decoding.
_ENTRY_HEADS = {b"(" + len(FIELDS).to_bytes(4, "little")}
_HEAD = itemgetter(slice(0, 5))


def decode(
    body: tuple[Any, ...],
    path: str,
    rebuild: Callable[[], Catalogue] | None = None,
    keeper: Keeper | None = None,
) -> Catalogue:
    """Rebuild a catalogue from ``encode``'s tuples; entries are decoded when used.

    Every entry's shape is checked here from its first bytes; one that still fails to decode
    when used (damage a checksum cannot see) is never believed: ``rebuild`` (parsing the
    source again) answers from then on. Checking each value's type on every decode would
    double the cost of the lazy decoding the main job relies on.

    Raises:
        ValueError: the tuples do not have the shape ``encode`` gives them.
    """
    info, domains, tags, blobs = body
    *meta, totals = info
    if len(meta) + 1 != len(CATALOGUE_FIELDS) or len(tags) != len(blobs):
        raise ValueError("snapshot of another shape")
    # Every check runs in C over the 100,000 entries of a large catalogue (map, set): as
    # generator expressions they took 90 ms, most of the time of a load.
    if set(map(type, blobs)) - {bytes} or set(map(_HEAD, blobs)) - _ENTRY_HEADS:
        raise ValueError("snapshot entries of another shape")
    # The snapshot stores each distinct tuple of tags once and marshal reads it back as one
    # object, shared by the entries that have it: each distinct object is checked once.
    distinct = dict(zip(map(id, tags), tags, strict=True)).values()
    if not all(type(t) is tuple and all(type(x) is str for x in t) for t in distinct):
        raise ValueError("snapshot tags of another shape")

    rebuilt: list[Catalogue] = []

    def entry(index: int) -> Standard:
        try:
            return Standard._make(marshal.loads(blobs[index]))
        except (EOFError, ValueError, TypeError):
            if rebuild is None:
                raise ValueError("snapshot entry does not decode") from None
            if not rebuilt:
                rebuilt.append(rebuild())
            return rebuilt[0].standards[index]

    def entries(indexes: list[int]) -> list[Standard]:
        # Every step in C (map, marshal, tuple.__new__): a Python call per entry would cost a
        # third more. The first bytes of each blob, checked above, make every one that
        # decodes a tuple of len(FIELDS) values, what Standard._make checks.
        try:
            return list(map(_new_standard, map(marshal.loads, map(blobs.__getitem__, indexes))))
        except (EOFError, ValueError, TypeError):
            raise ValueError("snapshot entry does not decode") from None

    return Catalogue(
        path=path,
        info=CatalogueInfo._make((*meta, tuple(map(Total._make, totals)))),
        domains={domain[0]: Domain._make(domain) for domain in domains},
        standards=Standards(tags, entry, keeper, entries),
    )


_new_standard = partial(tuple.__new__, Standard)


def _write_atomically(folder: str, name: str, *parts: bytes) -> bool:
    """Write a file of ``parts`` whole or not at all; report whether it was written."""
    import tempfile
    from pathlib import Path  # writing is the slow path; reading needs no pathlib

    temporary = None
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", dir=folder)
        with os.fdopen(handle, "wb") as stream:
            for part in parts:
                stream.write(part)
        os.replace(temporary, os.path.join(folder, name))
        temporary = None
        _clear_debris(folder)
        return True
    except OSError:
        return False  # an unwritable cache only costs speed
    finally:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


_DEBRIS_AGE_NS = 600 * 1_000_000_000  # a writer is done within seconds; ten minutes is debris


def _clear_debris(folder: str) -> None:
    """Remove temporaries that a killed writer left behind (old enough to be nobody's)."""
    from pathlib import Path

    cutoff = _now_ns() - _DEBRIS_AGE_NS
    for leftover in Path(folder).glob(".tmp-*"):
        try:
            if leftover.stat().st_mtime_ns < cutoff:
                leftover.unlink()
        except OSError:
            pass

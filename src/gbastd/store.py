"""Writing catalogues: one canonical form, atomic replacement, a lock, and a refusal to write
where a user did not ask (the installed package, or nowhere named at all).

Every command that changes a catalogue goes through ``write``, so every file gbastd writes is
laid out the same way and ``dump(load(f)) == f`` for a file it wrote.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gbastd import catalogue, text
from gbastd.errors import CatalogueBusy, OutputError, WriteRefused
from gbastd.formats import to_toml
from gbastd.records import Catalogue, Standard

DEFAULT_TARGET = Path("data") / "standards.toml"
LOCK_TIMEOUT = 10.0


def canonical_order(standards: Iterable[Standard]) -> list[Standard]:
    """Sort entries the way a catalogue file keeps them.

    By GBA identifier, numbers by value (WQ 1-9 before WQ 1-10); then entries without one, by
    code; then by listing date; then by title. The order is total, so it is stable.
    """

    def order(standard: Standard) -> tuple[Any, ...]:
        return (
            standard.gba_id is None,
            text.natural_key(standard.gba_id or ""),
            standard.code is None,
            text.natural_key(standard.code or ""),
            standard.listed or "9999",
            text.key(standard.title_zh),
            standard.title_zh,
        )

    return sorted(standards, key=order)


def dump(loaded: Catalogue) -> str:
    """Return the canonical text of a catalogue file: header, sections, sorted entries."""
    return to_toml(loaded, canonical_order(loaded.standards))


def is_canonical(path: Path, loaded: Catalogue) -> bool:
    """Tell whether the file holds exactly what ``write`` would write for it."""
    return path.read_bytes() == dump(loaded).encode("utf-8")


def target(explicit: Path | None) -> Path:
    """Return the catalogue a write command may change.

    Raises:
        WriteRefused: none was named and ./data/standards.toml does not exist, or the one named
            is the catalogue installed with gbastd.
    """
    if explicit is not None or os.environ.get(catalogue.ENV_VAR):
        path = catalogue.resolve(explicit)
    else:
        if not DEFAULT_TARGET.is_file():
            raise WriteRefused(
                "No catalogue to change: name one with --catalogue FILE (or $GBASTD_CATALOGUE), "
                f"or run this where {DEFAULT_TARGET} exists. The embedded catalogue is read-only."
            )
        path = DEFAULT_TARGET
    package = Path(__file__).resolve().parent
    if path.resolve().is_relative_to(package):
        raise WriteRefused(
            f"{path} is the catalogue installed with gbastd, which is read-only; export a copy "
            "(gbastd export --format toml -o FILE) and change that."
        )
    return path


@contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the catalogue (a sidecar .NAME.lock) while changing it.

    Raises:
        CatalogueBusy: another writer held it for ``timeout`` (default LOCK_TIMEOUT) seconds.
    """
    import fcntl
    import time

    lock_path = path.with_name(f".{path.name}.lock")
    try:
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise OutputError(f"cannot lock {path}: {error.strerror}.") from None
    try:
        deadline = time.monotonic() + (LOCK_TIMEOUT if timeout is None else timeout)
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise CatalogueBusy(
                        f"{path} is being changed by another gbastd; try again when it is done."
                    ) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(handle)  # closing releases the lock


def write(path: Path, changed: Catalogue) -> bool:
    """Write a catalogue in canonical form, atomically; return False if nothing changed."""
    data = dump(changed).encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomically(path, data, replace=True)
    return True


def write_atomically(path: Path, data: bytes, *, replace: bool) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename over it.

    Raises:
        OutputError: the path is a directory, exists (unless ``replace``), or cannot be written.
    """
    import tempfile

    if path.is_dir():
        raise OutputError(f"{path} is a directory; name a file to write.")
    if path.exists() and not replace:
        raise OutputError(f"{path} already exists; add --force to replace it.")
    directory = path.parent
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise OutputError(f"cannot write to {directory}: {error.strerror}.") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if path.exists():  # keep the permissions the file had
            os.chmod(temporary, path.stat().st_mode & 0o777)
        else:  # mkstemp makes 0600; a new file gets what the user's umask allows
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(temporary, 0o666 & ~mask)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(f"cannot write {path}: {error.strerror or error}.") from None
        raise

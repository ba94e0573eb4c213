"""Writing catalogues: one canonical form, atomic replacement, a lock, and a refusal to write
where a user did not ask (the installed package, a directory, or nowhere named at all).

Every command that changes a catalogue goes through ``write``, so every file gbastd writes is
laid out the same way and ``dump(load(f)) == f`` for a file it wrote.

Nothing here leaves a file behind in the user's folder: the lock is taken on the catalogue
itself, temporaries are renamed over their target or removed, and a temporary left by a killed
writer is removed by the next writer of the same file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gbastd import catalogue, text
from gbastd.errors import CatalogueBusy, CatalogueNotFound, OutputError, WriteRefused
from gbastd.formats import to_toml
from gbastd.i18n import _
from gbastd.records import Catalogue, Standard

DEFAULT_TARGET = Path("data") / "standards.toml"
LOCK_TIMEOUT = 10.0
DEBRIS_AGE = 60.0
"""Seconds after its last change that an unlocked temporary counts as a killed writer's."""

_STANDARD_OUTPUT_NAMES = frozenset({"/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})

# Descriptors that must stay open until ``locked`` ends, by the real path of the catalogue: the
# catalogue's own and the lock of every file written over it (see ``_replace``).
_held: dict[str, list[int]] = {}


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
        WriteRefused: none was named and ./data/standards.toml does not exist, the one named is
            the catalogue installed with gbastd, or it is not a regular file (a pipe, a device).
        OutputError: the one named is a directory (``-c .``).
    """
    if explicit is not None or os.environ.get(catalogue.ENV_VAR):
        path = catalogue.resolve(explicit)
    else:
        if not DEFAULT_TARGET.is_file():
            raise WriteRefused(
                _(
                    "No catalogue to change: name one with --catalogue FILE (or $GBASTD_CATALOGUE),"
                    " or run this where {path} exists. The embedded catalogue is read-only."
                ).format(path=DEFAULT_TARGET)
            )
        path = DEFAULT_TARGET
    try:
        mode: int | None = os.stat(path).st_mode
    except (OSError, ValueError):
        mode = None  # missing or unreadable: reading it names the reason
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(
            _("{path} is a directory; name the catalogue file to change.").format(path=path)
        )
    if mode is not None and not stat.S_ISREG(mode):
        raise WriteRefused(_not_a_file(path))
    package = Path(__file__).resolve().parent
    if path.resolve().is_relative_to(package):
        raise WriteRefused(
            _(
                "{path} is the catalogue installed with gbastd, which is read-only; export a copy "
                "(gbastd export --format toml -o FILE) and change that."
            ).format(path=path)
        )
    return path


def _not_a_file(path: Path) -> str:
    return _("{path} is not a regular file; gbastd changes only a catalogue file.").format(
        path=path
    )


@contextmanager
def locked(path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on the catalogue while reading and changing it.

    The lock is an flock on the catalogue file itself (through any symlink, so two names of one
    file exclude each other), not on a sidecar file that would outlive the command. Because
    ``write`` replaces the file by a new one, a writer that waited on the old file tries again
    on the new one; and ``write`` locks the new file before renaming it into place, so the lock
    still covers the whole block however many writes it makes.

    Raises:
        CatalogueNotFound: the catalogue is missing, a directory, or unreadable; nothing is made.
        WriteRefused: it is not a regular file.
        CatalogueBusy: another writer held it for ``timeout`` (default LOCK_TIMEOUT) seconds.
        OutputError: the file system cannot lock files.
    """
    import fcntl
    import time

    deadline = time.monotonic() + (LOCK_TIMEOUT if timeout is None else timeout)
    while True:
        handle = _open_catalogue(path)
        try:
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise CatalogueBusy(
                            _(
                                "{path} is being changed by another gbastd; "
                                "try again when it is done."
                            ).format(path=path)
                        ) from None
                    time.sleep(0.05)
                except OSError as error:
                    raise OutputError(
                        _("cannot lock {path}: {reason}.").format(path=path, reason=error.strerror)
                    ) from None
            if _same_file(path, os.fstat(handle)):
                break
        except BaseException:
            os.close(handle)
            raise
        os.close(handle)  # the writer we waited for replaced the file: lock the new one
    key = os.path.realpath(path)
    held = _held.setdefault(key, [])
    held.append(handle)
    try:
        yield
    finally:
        for descriptor in held:
            os.close(descriptor)  # closing releases the lock
        _held.pop(key, None)


def _open_catalogue(path: Path) -> int:
    """Open an existing regular file for locking; create nothing, follow symlinks."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise CatalogueNotFound(str(path), _("is a directory, not a catalogue file"))
        if not stat.S_ISREG(mode):
            raise WriteRefused(_not_a_file(path))
        # Read-only, so opening triggers no "written" event; non-blocking in case a pipe was put
        # in its place since the stat.
        flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NOCTTY | os.O_NONBLOCK
        handle = os.open(path, flags)
    except (FileNotFoundError, NotADirectoryError):
        raise CatalogueNotFound(str(path), _("no such catalogue file")) from None
    except OSError as error:
        raise CatalogueNotFound(
            str(path), _("cannot be read ({reason})").format(reason=error.strerror)
        ) from None
    if not stat.S_ISREG(os.fstat(handle).st_mode):
        os.close(handle)
        raise WriteRefused(_not_a_file(path))
    return handle


def _same_file(path: Path | str, status: os.stat_result) -> bool:
    """Tell whether ``path`` (followed) is still the file ``status`` describes."""
    try:
        current = os.stat(path)
    except OSError:
        return False
    return (current.st_dev, current.st_ino) == (status.st_dev, status.st_ino)


def is_standard_output(path: Path) -> bool:
    """Tell whether writing to ``path`` means writing to this process's standard output.

    True for /dev/stdout, /dev/fd/1 and /proc/self/fd/1, and for any name of the file that
    descriptor 1 is open on (``-o out.csv > out.csv``): such a destination must be written
    through the open descriptor, not replaced, or the two writers would clobber each other.
    """
    if str(path) in _STANDARD_OUTPUT_NAMES:
        return True
    try:
        named = os.stat(path)
        output = os.fstat(1)
    except (OSError, ValueError):  # fd 1 closed, path missing, or a NUL in the name
        return False
    return (named.st_dev, named.st_ino) == (output.st_dev, output.st_ino)


def write(path: Path, changed: Catalogue) -> bool:
    """Write a catalogue in canonical form, atomically; return False if nothing changed."""
    data = dump(changed).encode("utf-8")
    try:
        if path.is_file() and path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomically(path, data, replace=True)
    return True


def write_atomically(path: Path, data: bytes, *, replace: bool) -> None:
    """Write a file whole or not at all: a temporary file beside it, then a rename over it.

    A symlink is written through: the temporary goes beside the file it points to and is renamed
    over that file, so the link stays a link. A pipe or a character device (``/dev/null``, a
    terminal) is never replaced by a regular file: it is opened and written in place.

    Raises:
        OutputError: the path is a directory, a socket or block device, exists (a regular file
            or a symlink, unless ``replace``), or cannot be written.
    """
    try:
        status: os.stat_result | None = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        status = None  # a new file, or a dangling symlink; creating it names what is wrong
    except OSError as error:
        raise OutputError(
            _("cannot write {path}: {reason}.").format(path=path, reason=error.strerror)
        ) from None
    except ValueError:  # a NUL in the name
        raise OutputError(
            _("cannot write {path}: it is not a valid file name.").format(path=path)
        ) from None
    if status is None:
        if os.path.lexists(path) and not replace:
            raise OutputError(
                _("{path} already exists; add --force to replace it.").format(path=path)
            )
        _replace(path, Path(os.path.realpath(path)), data, None)
    elif stat.S_ISDIR(status.st_mode):
        raise OutputError(_("{path} is a directory; name a file to write.").format(path=path))
    elif stat.S_ISREG(status.st_mode):
        if not replace:
            raise OutputError(
                _("{path} already exists; add --force to replace it.").format(path=path)
            )
        real = Path(os.path.realpath(path))
        if not _same_file(real, status):  # e.g. /proc/self/fd/N of a deleted file
            raise OutputError(
                _("cannot write {path}: it does not name a file in a folder.").format(path=path)
            )
        _replace(path, real, data, status)
    elif stat.S_ISFIFO(status.st_mode) or stat.S_ISCHR(status.st_mode):
        _write_through(path, data)  # nothing there to keep, so no --force needed
    else:
        if stat.S_ISSOCK(status.st_mode):
            raise OutputError(_("{path} is a socket; name a file to write.").format(path=path))
        raise OutputError(_("{path} is a device; name a file to write.").format(path=path))


def _replace(path: Path, real: Path, data: bytes, status: os.stat_result | None) -> None:
    """Write ``data`` to a new temporary beside ``real`` and rename it over ``real``.

    ``path`` is the name the user gave, for messages; ``status`` that of the file replaced.
    The temporary is flock-ed from its creation until it is renamed, which tells a live
    writer's temporary from a killed one's (see ``_remove_debris``); when the target is held by
    ``locked``, that lock is kept until ``locked`` ends, so a writer that waited for the old
    file cannot take the new one while the holder is still at work.
    """
    import fcntl
    import tempfile

    directory = real.parent
    shown = path.parent if real.name == path.name and not path.is_symlink() else directory
    _remove_debris(real)
    try:
        # mkstemp opens with O_CREAT | O_EXCL (and O_NOFOLLOW): never through a planted link.
        handle, temporary = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=directory)
    except OSError as error:
        raise OutputError(
            _("cannot write to {path}: {reason}.").format(path=shown, reason=error.strerror)
        ) from None
    kept: int | None = None
    try:
        kept = os.dup(handle)
        fcntl.flock(kept, fcntl.LOCK_EX | fcntl.LOCK_NB)  # new and unnamed to others: free
        if status is not None:  # keep the permissions the file had
            os.fchmod(kept, status.st_mode & 0o777)
        else:  # mkstemp makes 0600; a new file gets what the user's umask allows
            mask = os.umask(0)
            os.umask(mask)
            os.fchmod(kept, 0o666 & ~mask)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, real)
    except BaseException as error:
        if kept is not None:
            os.close(kept)
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise OutputError(
                _("cannot write {path}: {reason}.").format(
                    path=path, reason=error.strerror or error
                )
            ) from None
        raise
    held = _held.get(str(real))
    if held is not None:
        held.append(kept)
    else:
        os.close(kept)
    _sync_directory(directory)


def _sync_directory(directory: Path) -> None:
    """Make the rename durable; a file system that cannot sync a directory costs nothing."""
    try:
        handle = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


def _remove_debris(real: Path) -> None:
    """Remove temporaries of ``real`` that a killed writer left behind (``.NAME.XXXXXX.tmp``).

    Only names mkstemp makes for this very target are considered, and only regular files (a
    planted symlink is never followed or removed). A temporary is debris when both hold: no
    process holds its flock (a live writer holds it from creation to rename, and the kernel
    drops it when a process dies, even by SIGKILL), and it has not changed for DEBRIS_AGE
    seconds (which covers the instant between mkstemp and flock, when a live writer's
    temporary is not yet locked). Errors are ignored: cleaning up is a courtesy.
    """
    import fcntl
    import re
    import time

    # What mkstemp(prefix=".NAME.", suffix=".tmp") makes: eight of its name characters.
    pattern = re.compile(rf"\.{re.escape(real.name)}\.[a-z0-9_]{{8}}\.tmp")
    try:
        entries = [e for e in os.scandir(real.parent) if pattern.fullmatch(e.name)]
    except OSError:
        return
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
            handle = os.open(entry.path, flags)
        except OSError:
            continue
        try:
            opened = os.fstat(handle)
            if not stat.S_ISREG(opened.st_mode) or time.time() - opened.st_mtime < DEBRIS_AGE:
                continue
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            current = os.lstat(entry.path)
            if (current.st_dev, current.st_ino) == (opened.st_dev, opened.st_ino):
                os.unlink(entry.path)
        except OSError:
            continue
        finally:
            os.close(handle)


def _write_through(path: Path, data: bytes) -> None:
    """Write into a pipe or character device in place, as a shell's ``>`` would."""
    try:
        # No O_CREAT, no O_TRUNC: if a regular file took its place, it is refused untouched.
        handle = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise OutputError(
            _("cannot write {path}: {reason}.").format(path=path, reason=error.strerror)
        ) from None
    mode = os.fstat(handle).st_mode
    if not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        os.close(handle)
        raise OutputError(
            _("cannot write {path}: it changed while being opened; try again.").format(path=path)
        )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise OutputError(
            _("cannot write {path}: {reason}.").format(path=path, reason=error.strerror or error)
        ) from None

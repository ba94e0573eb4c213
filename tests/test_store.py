"""Where and how gbastd writes, on the real file system: locks, symlinks, devices, debris."""

from __future__ import annotations

import fcntl
import os
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from gbastd import catalogue, store
from gbastd.cli import app
from gbastd.errors import CatalogueBusy, CatalogueNotFound, OutputError, WriteRefused
from gbastd.records import Standards

from .conftest import DATA, ROOT

CHILD_ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


@pytest.fixture(name="cat")
def _cat(tmp_path: Path, runner: CliRunner) -> Path:
    """A canonical, writable copy of the fixture catalogue, alone in its folder."""
    path = tmp_path / "cat.toml"
    path.write_bytes((DATA / "mini.toml").read_bytes())
    assert runner.invoke(app, ["validate", "--fix-format", str(path)]).exit_code == 0
    assert os.listdir(tmp_path) == ["cat.toml"]
    return path


@pytest.fixture(name="char_device")
def _char_device(tmp_path: Path) -> Path:
    """A character device like /dev/null; made in tmp_path when allowed, so a bug that replaced
    it would not replace the system's /dev/null."""
    node = tmp_path / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except OSError:
        return Path("/dev/null")
    return node


def add(runner: CliRunner, path: Path, title: str = "新测试", *extra: str) -> Result:
    args = ["add", "--title-zh", title, "-d", "food", "--source", "https://example.org/n"]
    return runner.invoke(app, [*args, *extra, "-c", str(path)])


def edit(runner: CliRunner, path: Path, notes: str = "changed", *extra: str) -> Result:
    return runner.invoke(app, ["edit", "WQ1-9", "--set", f"notes={notes}", *extra, "-c", str(path)])


def notes_of(path: Path) -> str | None:
    """The notes of WQ 1-9 in the catalogue at ``path``."""
    return next(s.notes for s in catalogue.load(path).standards if s.gba_id == "WQ 1-9")


@pytest.fixture(name="holder")
def _holder(cat: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock on ``cat`` until its stdin closes."""
    script = (
        "import sys\nfrom pathlib import Path\nfrom gbastd import store\n"
        "with store.locked(Path(sys.argv[1])):\n"
        "    print('held', flush=True)\n"
        "    sys.stdin.read()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(cat)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=CHILD_ENV,
    )
    assert child.stdout is not None and child.stdout.readline() == "held\n"
    yield child
    if child.stdin is not None:
        child.stdin.close()
    child.wait(timeout=10)
    child.stdout.close()


class TestNoLockFile:
    def test_writes_and_dry_runs_leave_only_the_catalogue(
        self, runner: CliRunner, cat: Path
    ) -> None:
        """add, edit and a dry run leave no lock or temporary beside the catalogue."""
        assert add(runner, cat).exit_code == 0
        assert edit(runner, cat).exit_code == 0
        dry = edit(runner, cat, "not written", "--dry-run")
        assert dry.exit_code == 0, dry.output
        assert notes_of(cat) == "changed"
        assert os.listdir(cat.parent) == ["cat.toml"]

    def test_a_lock_held_by_another_process_excludes_a_writer(
        self,
        runner: CliRunner,
        cat: Path,
        holder: subprocess.Popen[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """Two processes still exclude each other; the refused one names the file."""
        before = cat.read_bytes()
        with (
            pytest.raises(CatalogueBusy, match="is being changed by another gbastd"),
            store.locked(cat, timeout=0.2),
        ):
            pass
        monkeypatch.setattr(store, "LOCK_TIMEOUT", 0.2)
        result = edit(runner, cat)
        assert (result.exit_code, result.stderr) == (
            1,
            f"Error: {cat} is being changed by another gbastd; try again when it is done.\n",
        )
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=10)
        assert cat.read_bytes() == before
        assert edit(runner, cat).exit_code == 0
        assert os.listdir(cat.parent) == ["cat.toml"]

    def test_the_lock_covers_the_new_file_after_a_write(self, cat: Path) -> None:
        """A write replaces the file, yet the holder still excludes others until it is done."""
        loaded = catalogue.load(cat)
        changed = loaded._replace(standards=Standards.of(list(loaded.standards)[1:]))
        with store.locked(cat):
            old_inode = cat.stat().st_ino
            assert store.write(cat, changed)
            assert cat.stat().st_ino != old_inode
            with pytest.raises(CatalogueBusy), store.locked(cat, timeout=0.1):
                pass
        with store.locked(cat, timeout=0.1):
            pass
        assert os.listdir(cat.parent) == ["cat.toml"]

    def test_a_waiting_writer_gets_the_replaced_file(self, cat: Path) -> None:
        """A writer blocked on the old file takes the lock on the new one and sees its content."""
        loaded = catalogue.load(cat)
        changed = loaded._replace(standards=Standards.of(list(loaded.standards)[1:]))
        seen: list[bytes] = []
        started = threading.Event()

        def waiter() -> None:
            started.set()
            with store.locked(cat, timeout=10):
                seen.append(cat.read_bytes())

        with store.locked(cat):
            thread = threading.Thread(target=waiter)
            thread.start()
            started.wait()
            time.sleep(0.2)  # the waiter is polling the old file's lock
            assert not seen
            store.write(cat, changed)
            time.sleep(0.2)
            assert not seen  # still held: the lock moved to the new file with the write
        thread.join(timeout=10)
        assert seen == [store.dump(changed).encode("utf-8")]

    def test_an_old_lock_file_is_never_followed(self, runner: CliRunner, cat: Path) -> None:
        """A symlink planted where older versions kept their lock file is neither followed nor
        created through."""
        victim = cat.parent / "victim"
        (cat.parent / ".cat.toml.lock").symlink_to(victim)
        assert edit(runner, cat).exit_code == 0
        assert not victim.exists()
        assert (cat.parent / ".cat.toml.lock").is_symlink()


class TestMissingAndDirectories:
    def test_a_missing_catalogue_is_named_and_nothing_is_made(
        self, runner: CliRunner, tmp_path: Path
    ) -> None:
        """A write to a missing catalogue says so in one sentence and creates no file."""
        missing = tmp_path / "none.toml"
        for result in (add(runner, missing), edit(runner, missing, "x", "--dry-run")):
            assert result.exit_code == 1
            assert result.stderr == f"Error: {missing}: no such catalogue file\n"
        with (
            pytest.raises(CatalogueNotFound, match="no such catalogue file"),
            store.locked(missing),
        ):
            pass
        assert os.listdir(tmp_path) == []

    def test_locking_a_directory_is_refused_and_makes_nothing(self, tmp_path: Path) -> None:
        """locked() on a folder is one sentence and leaves the folder empty."""
        with (
            pytest.raises(CatalogueNotFound, match="is a directory, not a catalogue file"),
            store.locked(tmp_path),
        ):
            pass
        assert os.listdir(tmp_path) == []

    @pytest.mark.parametrize("name", [".", "/"])
    def test_a_directory_as_catalogue_is_one_sentence(
        self, runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
    ) -> None:
        """-c . and -c / on a write command name the problem, not a traceback."""
        monkeypatch.chdir(tmp_path)
        with pytest.raises(OutputError):
            store.target(Path(name))
        result = runner.invoke(app, ["remove", "WQ 1-9", "-c", name])
        assert result.exit_code == 1
        assert result.stderr == (
            f"Error: {name} is a directory; name the catalogue file to change.\n"
        )
        assert os.listdir(tmp_path) == []

    def test_a_device_as_catalogue_is_refused(self, char_device: Path) -> None:
        """A catalogue to change must be a regular file."""
        with pytest.raises(WriteRefused, match="is not a regular file"):
            store.target(char_device)
        with pytest.raises(WriteRefused, match="is not a regular file"), store.locked(char_device):
            pass


class TestSymlinks:
    def test_a_linked_catalogue_is_changed_at_its_target(
        self, runner: CliRunner, cat: Path, tmp_path: Path
    ) -> None:
        """Editing through a symlink changes the file it points to; the link stays a link."""
        links = tmp_path / "links"
        links.mkdir()
        link = links / "standards.toml"
        link.symlink_to(cat)
        result = edit(runner, link)
        assert result.exit_code == 0, result.output
        assert link.is_symlink() and link.resolve() == cat
        assert notes_of(cat) == "changed"
        assert os.listdir(links) == ["standards.toml"]
        assert sorted(os.listdir(tmp_path)) == ["cat.toml", "links"]

    def test_two_names_of_one_file_share_its_lock(self, cat: Path, tmp_path: Path) -> None:
        """A writer through a symlink and one through the real name exclude each other."""
        link = tmp_path / "link.toml"
        link.symlink_to(cat.name)  # relative, as ln -s makes them
        with store.locked(link), pytest.raises(CatalogueBusy), store.locked(cat, timeout=0.1):
            pass
        with store.locked(cat), pytest.raises(CatalogueBusy), store.locked(link, timeout=0.1):
            pass

    def test_write_atomically_renames_over_the_target(self, tmp_path: Path) -> None:
        """The temporary goes beside the target, in the target's folder, and replaces it."""
        real_dir, link_dir = tmp_path / "real", tmp_path / "elsewhere"
        real_dir.mkdir()
        link_dir.mkdir()
        real = real_dir / "out.csv"
        real.write_bytes(b"old\n")
        real.chmod(0o640)
        link = link_dir / "out.csv"
        link.symlink_to(real)
        store.write_atomically(link, b"new\n", replace=True)
        assert link.is_symlink() and real.read_bytes() == b"new\n"
        assert stat.S_IMODE(real.stat().st_mode) == 0o640
        assert os.listdir(real_dir) == ["out.csv"] and os.listdir(link_dir) == ["out.csv"]
        with pytest.raises(OutputError, match="already exists; add --force"):
            store.write_atomically(link, b"newer\n", replace=False)

    def test_a_dangling_symlink_is_kept_unless_forced(self, tmp_path: Path) -> None:
        """Without replace a dangling link counts as existing; with it the target is created."""
        link = tmp_path / "out.csv"
        link.symlink_to("made.csv")
        with pytest.raises(OutputError, match="already exists; add --force"):
            store.write_atomically(link, b"data\n", replace=False)
        store.write_atomically(link, b"data\n", replace=True)
        assert link.is_symlink() and (tmp_path / "made.csv").read_bytes() == b"data\n"

    def test_a_symlink_loop_is_one_sentence(self, tmp_path: Path) -> None:
        loop = tmp_path / "loop"
        loop.symlink_to("loop")
        with pytest.raises(OutputError, match=r"cannot write .*loop: Too many levels"):
            store.write_atomically(loop, b"data\n", replace=True)


class TestNotRegularFiles:
    def test_a_fifo_is_written_through(self, tmp_path: Path) -> None:
        """-o pointing at a named pipe feeds the pipe; the pipe is not replaced by a file."""
        fifo = tmp_path / "pipe"
        os.mkfifo(fifo)
        received: list[bytes] = []
        # A daemon: were the pipe replaced, the reader would wait on it for ever.
        reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
        reader.start()
        store.write_atomically(fifo, b"through the pipe\n", replace=False)
        reader.join(timeout=10)
        assert received == [b"through the pipe\n"]
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
        assert os.listdir(tmp_path) == ["pipe"]

    def test_a_character_device_is_written_through(
        self, runner: CliRunner, char_device: Path, mini_path: Path
    ) -> None:
        """-o /dev/null needs no --force and leaves /dev/null a device."""
        store.write_atomically(char_device, b"discarded\n", replace=False)
        result = runner.invoke(app, ["export", "-o", str(char_device), "-c", str(mini_path)])
        assert result.exit_code == 0, result.output
        assert stat.S_ISCHR(os.lstat(char_device).st_mode)
        if char_device.parent != Path("/dev"):  # nothing was made beside it
            assert os.listdir(char_device.parent) == ["null"]

    def test_a_symlink_to_a_device_is_written_through(
        self, char_device: Path, tmp_path: Path
    ) -> None:
        link = tmp_path / "sink"
        link.symlink_to(char_device)
        store.write_atomically(link, b"discarded\n", replace=True)
        assert link.is_symlink() and stat.S_ISCHR(os.stat(link).st_mode)

    def test_a_socket_and_a_directory_are_refused(self, tmp_path: Path) -> None:
        """What cannot be written through or replaced is one sentence."""
        with pytest.raises(OutputError, match="is a directory; name a file to write"):
            store.write_atomically(tmp_path, b"x", replace=True)
        path = tmp_path / "s"
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(str(path))
            with pytest.raises(OutputError, match="is a socket; name a file to write"):
                store.write_atomically(path, b"x", replace=True)
        assert stat.S_ISSOCK(os.lstat(path).st_mode)


class TestStandardOutput:
    @pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
    def test_the_names_of_standard_output(self, name: str) -> None:
        assert store.is_standard_output(Path(name))

    def test_other_files_are_not_standard_output(self, tmp_path: Path) -> None:
        assert not store.is_standard_output(tmp_path / "missing.csv")
        assert not store.is_standard_output(tmp_path)
        assert not store.is_standard_output(Path("/dev/std\0out"))

    def test_the_file_standard_output_is_open_on(self, tmp_path: Path) -> None:
        """-o FILE > FILE: FILE, by any name, is standard output; a closed fd 1 is no error."""
        out, other = tmp_path / "out.csv", tmp_path / "other.csv"
        other.write_bytes(b"")
        (tmp_path / "link.csv").symlink_to(out)
        script = (
            "import os, sys\nfrom pathlib import Path\nfrom gbastd import store\n"
            "results = [store.is_standard_output(Path(a)) for a in sys.argv[1:]]\n"
            "os.close(1)\n"
            "results += [store.is_standard_output(Path(a)) for a in sys.argv[1:]]\n"
            "sys.stderr.write(repr(results))\n"
        )
        names = [str(out), str(tmp_path / "link.csv"), str(other)]
        with out.open("wb") as stream:
            child = subprocess.run(
                [sys.executable, "-c", script, *names],
                stdout=stream,
                stderr=subprocess.PIPE,
                env=CHILD_ENV,
                check=True,
                text=True,
            )
        assert child.stderr == repr([True, True, False, False, False, False])


class TestDebris:
    def _old(self, path: Path, data: bytes = b"half") -> Path:
        path.write_bytes(data)
        past = time.time() - 2 * store.DEBRIS_AGE
        os.utime(path, (past, past))
        return path

    def test_a_killed_writer_s_temporary_is_removed_by_the_next_writer(
        self, runner: CliRunner, cat: Path
    ) -> None:
        """SIGKILL between mkstemp and rename leaves .cat.toml.XXXXXXXX.tmp; the next write,
        once it is old, removes it."""
        script = (
            "import os, signal, sys\nfrom pathlib import Path\nfrom gbastd import store\n"
            "os.replace = lambda *a: os.kill(os.getpid(), signal.SIGKILL)\n"
            "store.write_atomically(Path(sys.argv[1]), b'half', replace=True)\n"
        )
        killed = subprocess.run(
            [sys.executable, "-c", script, str(cat)], env=CHILD_ENV, check=False
        )
        assert killed.returncode == -9
        (debris,) = [p for p in cat.parent.iterdir() if p.name != "cat.toml"]
        assert debris.name.startswith(".cat.toml.") and debris.name.endswith(".tmp")
        assert edit(runner, cat, "first").exit_code == 0
        assert debris.exists()  # too recent: it could be a live writer's
        past = time.time() - 2 * store.DEBRIS_AGE
        os.utime(debris, (past, past))
        assert edit(runner, cat, "second").exit_code == 0
        assert os.listdir(cat.parent) == ["cat.toml"]
        assert notes_of(cat) == "second"

    def test_only_this_target_s_unlocked_old_temporaries_are_removed(
        self, runner: CliRunner, cat: Path
    ) -> None:
        """Other names, a locked temporary (a live writer) and symlinks are left alone."""
        folder = cat.parent
        self._old(folder / ".cat.toml.abcd_123.tmp")
        kept = [
            self._old(folder / ".cat.toml.abc.tmp"),
            self._old(folder / ".other.toml.abcd1234.tmp"),
            self._old(folder / "cat.toml.abcd1234.tmp"),
            self._old(folder / ".cat.toml.ABCD1234.tmp"),
        ]
        live = self._old(folder / ".cat.toml.live1234.tmp")
        victim = self._old(folder / "victim", b"precious")
        planted = folder / ".cat.toml.link1234.tmp"
        planted.symlink_to(victim)
        with live.open("rb") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            assert edit(runner, cat).exit_code == 0
        assert sorted(os.listdir(folder)) == sorted(
            ["cat.toml", "victim", planted.name, live.name, *(p.name for p in kept)]
        )
        assert victim.read_bytes() == b"precious"

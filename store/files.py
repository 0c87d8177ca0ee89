"""Safe files: where they live, atomic replacement, an inter-process lock, stale temp files.

Everything the store, its backups, snapshots and the app's remembered view write goes through
``atomic_write_bytes``; everything that writes the database holds a ``FileLock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import re
import secrets
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import platformdirs

from store.words import say, seconds

APP_NAME = "minsheng"
#: A temporary file whose writer's process is gone, or that is older than this, is removed
#: by the next writer of the same folder (a live writer finishes within seconds).
STALE_TEMP_SECONDS = 3600.0


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Hold Python's cycle collector while many acyclic objects are built (a database's
    documents and projects): each of its passes would walk them all, again and again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def data_dir() -> Path:
    """The user's data folder ($XDG_DATA_HOME/minsheng, else ~/.local/share/minsheng)."""
    return platformdirs.user_data_path(APP_NAME)


def state_dir() -> Path:
    """The user's state folder ($XDG_STATE_HOME/minsheng, else ~/.local/state/minsheng)."""
    return platformdirs.user_state_path(APP_NAME)


def _umask() -> int:
    """The process's umask, read without changing it (os.umask would race with other threads)."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def new_file_mode(directory: Path) -> int:
    """The mode of a file the store creates where no file gives a model to copy.

    The umask decides, except in a shared folder (setgid and group-writable): there the group
    may always read and write, so that the next person's save works whatever their umask.
    """
    mode = 0o666 & ~_umask()
    with contextlib.suppress(OSError):
        st = os.stat(directory)
        if st.st_mode & stat.S_ISGID and st.st_mode & 0o020:
            mode |= 0o660
    return mode


def make_shared_dir(directory: Path, like: Path) -> None:
    """Create ``directory`` (if missing) with the mode and group of folder ``like``."""
    if directory.is_dir():
        return
    with contextlib.suppress(FileExistsError):
        os.mkdir(directory)
        with contextlib.suppress(OSError):
            st = os.stat(like)
            os.chmod(directory, st.st_mode & 0o7777)
            if os.stat(directory).st_gid != st.st_gid:
                os.chown(directory, -1, st.st_gid)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_name(path: Path) -> Path:
    """A new temporary file's name beside ``path``: ``.<name>.<pid>-<random>.tmp``.

    The writer's process id in the name lets ``sweep_temp_files`` tell a live writer's file
    from one a killed writer left behind.
    """
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def atomic_write_bytes(
    path: Path, data: bytes, *, like: Path | None = None, follow_links: bool = True
) -> os.stat_result:
    """Write ``data`` to ``path`` so that a crash leaves either the old file or the new one.

    The bytes go to a temporary file in the same folder, are fsynced, take the mode and group
    of the file they replace (or of ``like``), and are renamed over the target; the folder is
    fsynced so that the rename itself survives a power cut. Returns the new file's status.
    A symbolic link at ``path`` is followed: the file it points to is replaced, not the link;
    with ``follow_links=False`` the link itself is replaced (for a file of ours in a shared
    folder, that someone else's link must not send elsewhere).
    """
    if follow_links:
        path = Path(os.path.realpath(path))
    else:
        path = Path(os.path.abspath(path))
    directory = path.parent
    tmp = temp_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
            _copy_permissions(tmp, path, like)
            st = os.fstat(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(directory)
    return st


def _copy_permissions(tmp: Path, target: Path, like: Path | None) -> None:
    """Give the new file the mode and group of the file it replaces: shared folders stay shared."""
    model = target if target.exists() and not target.is_symlink() else like
    if model is not None and model.exists():
        st = model.stat()
        os.chmod(tmp, st.st_mode & 0o7777 & ~0o111)
        if st.st_gid != os.stat(tmp).st_gid:
            with contextlib.suppress(PermissionError):
                os.chown(tmp, -1, st.st_gid)
    else:
        os.chmod(tmp, new_file_mode(tmp.parent))


_TEMP_RE = re.compile(r"\.(?P<name>.+)\.(?:(?P<pid>\d+)-[0-9a-f]{8}|[A-Za-z0-9_]{8})\.tmp\Z")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's live process
    return True


def sweep_temp_files(
    folder: Path, belongs: Callable[[str], bool], *, older_than: float = STALE_TEMP_SECONDS
) -> list[Path]:
    """Remove the temporary files in ``folder`` that no live writer can own.

    ``belongs`` says whether a target name (the file the temp file would have become) is
    ours to clean. A temp file is stale when the process named in it is gone, or when it is
    older than ``older_than`` seconds (names without a process id, from older versions, too).
    """
    removed: list[Path] = []
    now = time.time()
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            m = _TEMP_RE.match(entry.name)
            if not m or not belongs(m.group("name")):
                continue
            pid = m.group("pid")
            try:
                old = now - entry.stat(follow_symlinks=False).st_mtime > older_than
            except OSError:
                continue
            if old or (pid is not None and int(pid) != os.getpid() and not _alive(int(pid))):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
    return removed


#: File systems whose locks may not exclude another client's writer (or are not passed on at
#: all), by the type /proc/self/mountinfo gives them.
NETWORK_FILESYSTEMS = frozenset(
    {"nfs", "nfs4", "cifs", "smb3", "smbfs", "ncpfs", "9p", "afs", "coda", "ceph", "glusterfs",
     "lustre", "gpfs", "davfs", "fuse.sshfs", "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse",
     "fuse.davfs2", "fuse.curlftpfs", "fuse.glusterfs", "fuse.smbnetfs", "fuse.cephfs"}
)  # fmt: skip


def _unescape_mount(field: str) -> str:
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def filesystem_type(path: Path, mountinfo: str | None = None) -> str:
    """The type of the file system that holds ``path`` ('ext4', 'nfs4', 'fuse.sshfs'...).

    Read from /proc/self/mountinfo (or the text given); '' when it cannot be told.
    """
    if mountinfo is None:
        try:
            with open("/proc/self/mountinfo", encoding="utf-8", errors="replace") as handle:
                mountinfo = handle.read()
        except OSError:
            return ""
    target = os.path.realpath(path)
    best, best_type = "", ""
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        fields, types = left.split(), right.split()
        if not sep or len(fields) < 5 or not types:
            continue
        point = _unescape_mount(fields[4])
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):  # later mounts over the same point win
            best, best_type = point, types[0]
    return best_type


def network_filesystem(path: Path, mountinfo: str | None = None) -> str | None:
    """The type of the network file system holding ``path``, or None when it is local."""
    kind = filesystem_type(path, mountinfo)
    if kind in NETWORK_FILESYSTEMS or kind.startswith(("nfs", "smb", "cifs")):
        return kind
    return None


class LockTimeout(OSError):
    """The lock was not had within the time allowed; the message says who holds it."""


class FileLock:
    """An exclusive advisory lock (flock) on ``<file>.lock``, re-entrant within one thread.

    Other threads of the same process wait as other processes do. After the lock is taken
    the lock file held must still be the one at the path: someone may have deleted it (and
    another writer made a new one) while this one waited; then the lock is taken again.
    The holder writes who it is into the file, so that a waiter can say who holds it.

    (The ``filelock`` package does not serve here: it opens the lock file for writing and
    truncates it, which fails on another user's lock file that this user may only read, and it
    does not notice a lock file deleted while held.)
    """

    def __init__(self, path: Path) -> None:
        path = Path(os.path.realpath(path))
        self.path = path.with_name(path.name + ".lock")
        self._target = path
        self._fd: int | None = None
        self._dir_fd: int | None = None
        self._depth = 0
        self._thread_lock = threading.RLock()

    def acquire(
        self, timeout: float | None = None, on_wait: Callable[[str], None] | None = None
    ) -> None:
        """Take the lock, waiting for other processes (and threads) to release it.

        After a second of waiting ``on_wait`` is told who holds it; past ``timeout`` seconds
        LockTimeout is raised.
        """
        start = time.monotonic()
        if not self._thread_lock.acquire(timeout=-1 if timeout is None else timeout):
            raise LockTimeout(say("lock.other_thread", path=self._target))
        try:
            if self._depth == 0:
                self._fd = self._take(start, timeout, on_wait)
                try:
                    self._dir_fd = self._take_folder(start, timeout, on_wait)
                except BaseException:
                    fcntl.flock(self._fd, fcntl.LOCK_UN)
                    os.close(self._fd)
                    self._fd = None
                    raise
                self._match_target_permissions()
        except BaseException:
            self._thread_lock.release()
            raise
        self._depth += 1

    def _take(
        self, start: float, timeout: float | None, on_wait: Callable[[str], None] | None
    ) -> int:
        told = False
        while True:
            fd = self._open()
            try:
                if timeout is None:
                    self._wait_blocking(fd, on_wait if not told else None)
                else:
                    self._wait_polling(fd, start, timeout, on_wait if not told else None)
                told = True
                if self._still_at_path(fd):
                    self._write_holder(fd)
                    return fd
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # deleted (or replaced) while we waited: take the new one

    def _take_folder(
        self, start: float, timeout: float | None, on_wait: Callable[[str], None] | None
    ) -> int | None:
        """Also lock the folder the target is in: a folder holding files cannot be removed,
        so two writers exclude each other even when someone deletes the lock file between
        one's check and its rename (the lock file stays, for who holds it and older versions).
        None where the folder cannot be opened (then the lock file alone serves)."""
        try:
            fd = os.open(self._target.parent, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return None
        try:
            if timeout is None:
                self._wait_blocking(fd, on_wait)
            else:
                self._wait_polling(fd, start, timeout, on_wait)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _wait_blocking(self, fd: int, on_wait: Callable[[str], None] | None) -> None:
        """Wait in the kernel (waiters take turns); after a second, say who holds it."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            pass
        timer = None
        if on_wait is not None:
            timer = threading.Timer(1.0, lambda: on_wait(self.holder()))
            timer.daemon = True
            timer.start()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        finally:
            if timer is not None:
                timer.cancel()

    def _wait_polling(
        self, fd: int, start: float, timeout: float, on_wait: Callable[[str], None] | None
    ) -> None:
        """Try until ``timeout`` seconds have passed since ``start``."""
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= timeout:
                    holder = self.holder() or say("lock.someone")
                    raise LockTimeout(
                        say(
                            "lock.timeout",
                            path=self._target,
                            holder=holder,
                            seconds=seconds(timeout),
                        )
                    ) from None
                if not told and waited >= 1.0 and on_wait is not None:
                    on_wait(self.holder())
                    told = True
                time.sleep(0.02)

    def _still_at_path(self, fd: int) -> bool:
        try:
            at_path = os.stat(self.path)
        except FileNotFoundError:
            return False
        held = os.fstat(fd)
        return (held.st_dev, held.st_ino) == (at_path.st_dev, at_path.st_ino)

    def _open(self) -> int:
        """The lock file, created like the target; read-only is enough for flock."""
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with contextlib.suppress(OSError):
                os.fchmod(fd, new_file_mode(self.path.parent))
            return fd
        try:
            return os.open(self.path, os.O_RDWR)
        except PermissionError:
            # Someone else's lock file that this user may not write (an old umask): flock
            # works as well on a descriptor opened for reading.
            return os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return self._open()  # deleted between the two opens

    @staticmethod
    def _write_holder(fd: int) -> None:
        from store.identity import current_user  # (a module of its own: no cycle)

        holder = say("lock.holder", user=current_user(), pid=os.getpid(), host=socket.gethostname())
        text = f"{holder}\n".encode()
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, text, 0)

    def held_at_path(self) -> bool:
        """Whether this process holds the lock and its file is still the one at the path."""
        return self._fd is not None and self._still_at_path(self._fd)

    def exclusive(self) -> bool:
        """Whether no other writer can hold the lock now: the folder is locked too, or the
        lock file held is still the one at the path."""
        return self._fd is not None and (self._dir_fd is not None or self.held_at_path())

    def holder(self) -> str:
        """Who holds the lock, as its holder wrote it ('' when unknown)."""
        try:
            with open(self.path, "rb") as handle:
                text = handle.read(200).decode("utf-8", "replace")
        except OSError:
            return ""
        from store.models import clean_text

        return clean_text(text, single_line=True)

    def release(self) -> None:
        """Let go of the lock once the outermost holder is done."""
        self._depth -= 1
        try:
            if self._depth == 0 and self._fd is not None:
                if self._dir_fd is not None:
                    fcntl.flock(self._dir_fd, fcntl.LOCK_UN)
                    os.close(self._dir_fd)
                    self._dir_fd = None
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None
        finally:
            self._thread_lock.release()

    def _match_target_permissions(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            st = os.stat(self._target)
            own = os.fstat(self._fd)
            if own.st_uid == os.geteuid():
                if own.st_mode & 0o666 != st.st_mode & 0o666:
                    os.fchmod(self._fd, st.st_mode & 0o666)
                if own.st_gid != st.st_gid:
                    os.fchown(self._fd, -1, st.st_gid)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

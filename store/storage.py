"""Safe files: atomic replacement, an inter-process lock, and a TinyDB storage built on both."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tinydb.storages import Storage


class DatabaseError(Exception):
    """The database file cannot be used as it is; the message names the file."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, like: Path | None = None) -> None:
    """Write ``data`` to ``path`` so that a crash leaves either the old file or the new one.

    The bytes go to a temporary file in the same folder, are fsynced, take the mode and group
    of the file they replace (or of ``like``), and are renamed over the target; the folder is
    fsynced so that the rename itself survives a power cut.
    """
    path = Path(path)
    directory = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _copy_permissions(Path(tmp_name), path, like)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(directory)


def _copy_permissions(tmp: Path, target: Path, like: Path | None) -> None:
    """Give the new file the mode and group of the file it replaces: shared folders stay shared."""
    model = target if target.exists() else like
    if model is not None and model.exists():
        st = model.stat()
        os.chmod(tmp, st.st_mode & 0o7777 & ~0o111)
        if st.st_gid != os.stat(tmp).st_gid:
            with contextlib.suppress(PermissionError):
                os.chown(tmp, -1, st.st_gid)
    else:
        os.chmod(tmp, 0o666 & ~_umask())


class FileLock:
    """An exclusive advisory lock (flock) on ``<db>.lock``, re-entrant within one process."""

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._db_path = db_path
        self._fd: int | None = None
        self._depth = 0

    def acquire(self) -> None:
        """Take the lock, waiting for other processes to release it."""
        if self._depth == 0:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
            self._match_db_permissions()
        self._depth += 1

    def release(self) -> None:
        """Let go of the lock once the outermost holder is done."""
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def _match_db_permissions(self) -> None:
        if self._fd is None or not self._db_path.exists():
            return
        with contextlib.suppress(PermissionError):
            st = self._db_path.stat()
            own = os.fstat(self._fd)
            if own.st_uid == os.geteuid():
                os.fchmod(self._fd, st.st_mode & 0o666)
                if own.st_gid != st.st_gid:
                    os.fchown(self._fd, -1, st.st_gid)

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def encode_tables(data: dict[str, dict[str, Any]]) -> bytes:
    """Serialise TinyDB's tables as readable JSON: one document a line, Chinese kept as is."""
    dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    chunks: list[str] = ["{"]
    for t_index, (name, table) in enumerate(data.items()):
        if t_index:
            chunks.append(",")
        chunks.append(f"\n{dumps(name)}: {{")
        chunks.append(",".join(f"\n {dumps(key)}: {dumps(doc)}" for key, doc in table.items()))
        chunks.append("\n}")
    chunks.append("\n}\n")
    return "".join(chunks).encode("utf-8")


def decode_tables(raw: bytes, path: Path) -> dict[str, dict[str, Any]]:
    """Parse the file's bytes, or raise DatabaseError naming the file and the line."""
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise DatabaseError(f"{path}: not a minsheng database (not UTF-8 text)") from exc
    except json.JSONDecodeError as exc:
        raise DatabaseError(
            f"{path}:{exc.lineno}: not a minsheng database ({exc.msg})"
        ) from exc
    if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
        raise DatabaseError(f"{path}: not a minsheng database (unexpected JSON shape)")
    return data


def _file_key(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)


class AtomicJSONStorage(Storage):
    """A TinyDB storage that re-reads only when the file changed and writes atomically.

    Inside a transaction (``begin`` .. ``commit``) writes stay in memory and reach the disk
    once, at commit, while the caller holds the lock; ``rollback`` forgets them.
    """

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.generation = 0  # bumps whenever the data seen by this process changes
        self._data: dict[str, dict[str, Any]] | None = None
        self._key: tuple[int, int, int, int] | None = None
        self._in_transaction = False
        self._dirty = False

    # --- reading -------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Load the file again if another process replaced it; True when something changed."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            if self._key is None and self._data is not None:
                return False
            self._data, self._key = {}, None
            self.generation += 1
            return True
        if _file_key(st) == self._key and self._data is not None:
            return False
        with open(self.path, "rb") as handle:
            st = os.fstat(handle.fileno())
            raw = handle.read()
        self._data = decode_tables(raw, self.path)
        self._key = _file_key(st)
        self.generation += 1
        return True

    def read(self) -> dict[str, dict[str, Any]] | None:
        """The current tables (TinyDB may change them in place before calling write)."""
        if not self._in_transaction:
            self.refresh()
        return self._data

    # --- writing -------------------------------------------------------------------------
    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Accept TinyDB's new state; on disk now, or at commit inside a transaction."""
        if self.read_only:
            raise DatabaseError(f"{self.path}: opened read-only")
        self._data = data
        if self._in_transaction:
            self._dirty = True
        else:
            self._flush()

    def begin(self) -> None:
        """Start a transaction: see the file as it is now and hold writes until commit."""
        self.refresh()
        self._in_transaction = True
        self._dirty = False

    def commit(self) -> None:
        """Write the transaction's changes, if any, atomically."""
        try:
            if self._dirty:
                self._flush()
        except BaseException:
            self._forget()
            raise
        finally:
            self._in_transaction = False
            self._dirty = False

    def rollback(self) -> None:
        """Drop what the transaction changed in memory; the file was not touched."""
        self._in_transaction = False
        if self._dirty:
            self._forget()
        self._dirty = False

    def _forget(self) -> None:
        self._data, self._key = None, None
        self.generation += 1

    def _flush(self) -> None:
        assert self._data is not None
        payload = encode_tables(self._data)
        try:
            atomic_write_bytes(self.path, payload)
        except BaseException:
            self._forget()
            raise
        self._key = _file_key(os.stat(self.path))
        self.generation += 1

    def close(self) -> None:
        """Nothing stays open between calls."""


@contextlib.contextmanager
def locked(lock: FileLock) -> Iterator[None]:
    """Hold ``lock`` for the body of a with-statement."""
    lock.acquire()
    try:
        yield
    finally:
        lock.release()

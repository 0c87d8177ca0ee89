"""Safe files: atomic replacement, an inter-process lock, and a TinyDB storage built on both."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import stat
import tempfile
import threading
import zlib
from collections.abc import Iterator
from itertools import repeat
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from store.interface import DatabaseError

Tables = dict[str, dict[str, Any]]

#: The first table of every file this storage writes: a random token, new at every write, so a
#: reader knows the file changed even when size, mtime and a recycled inode number all match.
STAMP_TABLE = "_stamp"
# The first table: a random token per write (a cheap "did the file change" for readers), and
# from writers that know them, a CRC-32 of every byte after the stamp and what a scan of those
# bytes would find. A file whose bytes still match the CRC was left as the store wrote it, so
# the scan (a third of the time it takes to open 10,000 projects) need not be done again.
_STAMP_RE = re.compile(
    rb'\A\{\n"_stamp": \{\n "1": \{"token": "([0-9a-f]{32})"'
    rb'(?:, "crc32": (\d{1,10}), "suspect": (true|false), "long_numbers": (true|false))?\}\n\}'
)
_HEAD_BYTES = 256


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


def atomic_write_bytes(path: Path, data: bytes, *, like: Path | None = None) -> os.stat_result:
    """Write ``data`` to ``path`` so that a crash leaves either the old file or the new one.

    The bytes go to a temporary file in the same folder, are fsynced, take the mode and group
    of the file they replace (or of ``like``), and are renamed over the target; the folder is
    fsynced so that the rename itself survives a power cut. Returns the new file's status.
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
            st = os.fstat(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(directory)
    return st


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
        os.chmod(tmp, new_file_mode(tmp.parent))


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Delete temporary files a killed writer of ``path`` left behind (call with the lock held)."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.[A-Za-z0-9_]{{8}}\.tmp\Z")
    removed = []
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            if pattern.match(entry.name):
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


class FileLock:
    """An exclusive advisory lock (flock) on ``<db>.lock``, re-entrant within one thread.

    Other threads of the same process wait as other processes do.
    """

    def __init__(self, db_path: Path) -> None:
        self.path = db_path.with_name(db_path.name + ".lock")
        self._db_path = db_path
        self._fd: int | None = None
        self._depth = 0
        self._thread_lock = threading.RLock()

    def acquire(self) -> None:
        """Take the lock, waiting for other processes (and threads) to release it."""
        self._thread_lock.acquire()
        try:
            if self._depth == 0:
                fd = self._open()
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX)
                except BaseException:
                    os.close(fd)
                    raise
                self._fd = fd
                self._match_db_permissions()
        except BaseException:
            self._thread_lock.release()
            raise
        self._depth += 1

    def _open(self) -> int:
        """The lock file, created like the database; read-only is enough for flock."""
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

    def release(self) -> None:
        """Let go of the lock once the outermost holder is done."""
        self._depth -= 1
        try:
            if self._depth == 0 and self._fd is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None
        finally:
            self._thread_lock.release()

    def _match_db_permissions(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            st = os.stat(self._db_path)
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


_dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode

try:  # orjson parses a 10,000-project file about three times faster than json
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - orjson is a dependency; json gives the same results
    _loads = json.loads


def encode_document(doc_id: str, doc: Any) -> bytes:
    """One document's line of the file, without its line break: b' "7": {...}'."""
    return f" {_dumps(doc_id)}: {_dumps(doc)}".encode()


def _table_chunks(tables: list[tuple[str, list[bytes]]], *, first: bool = True) -> list[bytes]:
    """The tables' part of a file, from the first table's name to its last closing brace."""
    chunks: list[bytes] = []
    for index, (name, lines) in enumerate(tables):
        if index or not first:
            chunks.append(b",")
        chunks.append(f"\n{_dumps(name)}: {{".encode())
        if lines:
            chunks.append(b"\n")
            chunks.append(b",\n".join(lines))
        chunks.append(b"\n}")
    return chunks


def _assemble(tables: list[tuple[str, list[bytes]]]) -> bytes:
    return b"".join([b"{", *_table_chunks(tables), b"\n}\n"])


def encode_tables(data: Tables) -> bytes:
    """Serialise TinyDB's tables as readable JSON: one document a line, Chinese kept as is."""
    return _assemble(
        [
            (name, [encode_document(key, doc) for key, doc in table.items()])
            for name, table in data.items()
        ]
    )


_BLANK_RE = re.compile(rb"\s*\Z")
_TABLE_LINE_RE = re.compile(rb'("(?:[^"\\]|\\.)*"): \{')
_WITH_COMMA = repeat(b",")


def _decode_lines(raw: bytes) -> tuple[Tables, dict[str, dict[str, bytes]]] | None:
    """Read a file in exactly the layout ``encode_tables`` writes, one document a line.

    Each document line must be ' "<digits>": ' and one JSON value filling the rest of the line
    (a comma after it but for a table's last). Such a line is, by construction, a correct
    encoding of its document and can be written back as it is. None when the layout differs
    in any way: the caller then parses the whole file.
    """
    lines = raw.split(b"\n")
    if len(lines) < 3 or lines[0] != b"{" or lines[-1] != b"" or lines[-2] != b"}":
        return None
    data: Tables = {}
    encoded: dict[str, dict[str, bytes]] = {}
    last = len(lines) - 2  # the file's closing "}"
    i = 1
    try:
        while i < last:
            m = _TABLE_LINE_RE.fullmatch(lines[i])
            if not m:
                return None
            name = _loads(m.group(1))
            if not isinstance(name, str) or name in data:
                return None
            start = i + 1
            # The table ends at the first "}" or "}," line (a document line starts with " ").
            end = min(_index(lines, b"}", start), _index(lines, b"},", start))
            docs = lines[start:end]
            table: dict[str, Any] = {}
            kept: dict[str, bytes] = {}
            if docs:
                if not all(map(bytes.endswith, docs[:-1], _WITH_COMMA)):
                    return None  # a document over several lines, or a hand-made layout
                pieces = [line[:-1] for line in docs[:-1]]
                pieces.append(docs[-1])
                for piece in pieces:
                    colon = piece.find(b'": ', 2)
                    key = piece[2:colon]
                    if piece[:2] != b' "' or not key.isdigit():  # bytes.isdigit: ASCII only
                        return None
                    doc_id = key.decode("ascii")
                    if doc_id in table:
                        return None
                    table[doc_id] = _loads(piece[colon + 3 :])
                    kept[doc_id] = piece
            if (lines[end] == b"}") != (end + 1 == last):  # "}," between tables, "}" after
                return None
            data[name], encoded[name] = table, kept
            i = end + 1
    except (ValueError, IndexError):  # orjson's and json's decode errors are ValueErrors
        return None
    return data, encoded


def _index(lines: list[bytes], line: bytes, start: int) -> int:
    """Where ``line`` first is from ``start`` on; past the end when nowhere."""
    try:
        return lines.index(line, start)
    except ValueError:
        return len(lines)


def decode_tables(raw: bytes, path: Path) -> Tables:
    """Parse the file's bytes, or raise DatabaseError naming the file and the line."""
    return _decode(raw, path)[0]


def _decode(
    raw: bytes, path: Path, scan: _Scan | None = None
) -> tuple[Tables, dict[str, dict[str, bytes]]]:
    if _BLANK_RE.match(raw):  # (raw.strip() would copy a large file just to look at it)
        return {}, {}
    scan = scan or _Scan.of_file(raw)
    # orjson reads integers beyond 64 bits as floats; json keeps them exact
    fast = None if _loads is not json.loads and scan.long_numbers else _decode_lines(raw)
    if fast is not None:
        data, encoded = fast
    else:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DatabaseError(f"{path}: not a minsheng database (not UTF-8 text)") from exc
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DatabaseError(
                f"{path}:{exc.lineno}: not a minsheng database ({exc.msg})"
            ) from exc
        encoded = {}
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise DatabaseError(f"{path}: not a minsheng database (unexpected JSON shape)")
    data.pop(STAMP_TABLE, None)
    encoded.pop(STAMP_TABLE, None)
    return data, encoded


# In a file's bytes: control, bidi and surrogate characters as JSON writes them (escaped or
# not). The store never writes them, so a find means someone else did; the cheap test on the
# whole file spares the per-field cleaning of every clean file. False alarms only cost time.
# Each test is one pass over the bytes that C does at memory speed: a translation, or a
# search for a literal start (one alternation without one is many times slower).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F])
_SCAN_TABLE = bytes(
    0x01 if b in _CONTROL_BYTES else 0x30 if 0x30 <= b <= 0x39 else b for b in range(256)
)  # control bytes -> 0x01, digits -> "0"
_LONG_NUMBER = b"0" * 19  # the shortest integer that may not fit in 64 bits
_SUSPECT_ESCAPES = re.compile(
    rb"\\(?:[bfr]|u(?:00[0189]|007[fF]|20(?:2[a-eA-E]|6[6-9])|[dD][89abAB]))"
)
_SUSPECT_SEQUENCES = (
    re.compile(rb"\xc2[\x80-\x9f]"),  # C1 controls in UTF-8
    re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])"),  # bidi embeddings, isolates
    re.compile(rb"\xef\xbb\xbf"),  # byte order mark
)


class _Scan:
    """What one look at a file's bytes tells before parsing them."""

    def __init__(self, suspect: bool, long_numbers: bool) -> None:
        #: control, bidi or surrogate characters may be in there
        self.suspect = suspect
        #: integers of 19 digits or more: only Python's json reads them exactly
        self.long_numbers = long_numbers

    @classmethod
    def of(cls, raw: bytes) -> _Scan:
        """Look at every byte."""
        translated = raw.translate(_SCAN_TABLE)
        return cls(
            suspect=(
                b"\x01" in translated
                or (b"\\" in raw and _SUSPECT_ESCAPES.search(raw) is not None)
                or any(pattern.search(raw) for pattern in _SUSPECT_SEQUENCES)
            ),
            long_numbers=_LONG_NUMBER in translated,
        )

    @classmethod
    def of_file(cls, raw: bytes) -> _Scan:
        """What the stamp says, when the bytes after it are as the store wrote them; else look."""
        m = _STAMP_RE.match(raw)
        if m and m.group(2) and zlib.crc32(memoryview(raw)[m.end() :]) == int(m.group(2)):
            return cls(suspect=m.group(3) == b"true", long_numbers=m.group(4) == b"true")
        return cls.of(raw)


FileKey = tuple[int, int, int, int, bytes | None]


def _file_key(st: os.stat_result, head: bytes) -> FileKey:
    m = _STAMP_RE.match(head)
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, m.group(1) if m else None)


_MISSING: Any = object()


class AtomicJSONStorage(Storage):
    """A TinyDB storage that re-reads only when the file changed and writes atomically.

    Inside a transaction (``begin`` .. ``commit``) writes stay in memory and reach the disk
    once, at commit, while the caller holds the lock; ``rollback`` puts memory back as it was.
    Each document's encoded line is kept, so a write re-encodes only the documents that changed;
    ``put`` and ``insert`` change single documents, ``write`` (TinyDB's way) replaces everything.
    """

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self.generation = 0  # bumps whenever the data seen by this process changes
        self._data: Tables | None = None
        self._encoded: dict[str, dict[str, bytes]] = {}
        self._next_ids: dict[str, int] = {}
        self._key: FileKey | None = None
        self._in_transaction = False
        self._dirty = False
        self._undo: list[tuple[str, str, Any]] | None = []  # None: cannot undo, forget instead
        self._swept = False
        #: the data read may hold control characters (readers clean what they show)
        self.suspect = False
        self._long_numbers = False  # and integers only Python's json reads exactly

    # --- reading -------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Load the file again if another process replaced it; True when something changed.

        Inside a transaction this does nothing: the transaction already saw the file as it is.
        """
        if self._in_transaction:
            return False
        try:
            handle = open(self.path, "rb")  # closed by the with-statement below
        except FileNotFoundError:
            if self._key is None and self._data is not None:
                return False
            self._set_data({}, {}, None)
            return True
        with handle:
            st = os.fstat(handle.fileno())
            key = _file_key(st, handle.read(_HEAD_BYTES))
            if key == self._key and self._data is not None:
                return False
            handle.seek(0)  # the same file, even if replaced since: one read, no copying
            raw = handle.read()
        scan = _Scan.of_file(raw)
        data, encoded = _decode(raw, self.path, scan)
        self.suspect = scan.suspect
        self._long_numbers = scan.long_numbers
        self._set_data(data, encoded, key)
        return True

    def _set_data(self, data: Tables, encoded: dict[str, dict[str, bytes]], key: Any) -> None:
        self._data, self._encoded, self._key = data, encoded, key
        self._next_ids = {}
        self.generation += 1

    def read(self) -> Tables | None:
        """The current tables (TinyDB may change them in place before calling write)."""
        if not self._in_transaction:
            self.refresh()
        return self._data

    def table(self, name: str) -> dict[str, Any]:
        """The documents of one table by id, as they are now (do not change them in place)."""
        data = self.read()
        return data.get(name, {}) if data else {}

    # --- writing -------------------------------------------------------------------------
    def write(self, data: Tables) -> None:
        """Accept TinyDB's new state; on disk now, or at commit inside a transaction."""
        if self.read_only:
            raise DatabaseError(f"{self.path}: opened read-only")
        self._data = data
        self.suspect = True  # through TinyDB's API: anything may have been written
        self._encoded = {}  # TinyDB changes documents in place: no line can be trusted
        self._next_ids = {}
        if self._in_transaction:
            self._dirty = True
            self._undo = None
        else:
            self._flush()

    def put(self, table: str, doc_id: str, doc: dict[str, Any]) -> None:
        """Add or replace one document (inside a transaction); ``doc`` must not change later."""
        data = self._writable()
        docs = data.setdefault(table, {})
        if self._undo is not None:
            self._undo.append((table, doc_id, docs.get(doc_id, _MISSING)))
        docs[doc_id] = doc
        self._encoded.get(table, {}).pop(doc_id, None)
        if doc_id.isdigit() and table in self._next_ids:
            self._next_ids[table] = max(self._next_ids[table], int(doc_id) + 1)
        self._dirty = True

    def insert(self, table: str, doc: dict[str, Any]) -> str:
        """Add a document under the next free id (inside a transaction) and return the id."""
        data = self._writable()
        if table not in self._next_ids:
            ids = [int(k) for k in data.get(table, {}) if k.isdigit()]
            self._next_ids[table] = max(ids, default=0) + 1
        doc_id = str(self._next_ids[table])
        self.put(table, doc_id, doc)
        return doc_id

    def _writable(self) -> Tables:
        if self.read_only:
            raise DatabaseError(f"{self.path}: opened read-only")
        if not self._in_transaction:
            raise RuntimeError("put and insert belong inside begin() .. commit()")
        assert self._data is not None
        return self._data

    def begin(self) -> None:
        """Start a transaction: see the file as it is now and hold writes until commit."""
        if self._in_transaction:
            raise RuntimeError("a transaction is already open")
        self.refresh()
        if self._data is None:
            self._data = {}
        if not self._swept and not self.read_only:
            remove_stale_temp_files(self.path)  # the caller holds the lock: no writer is live
            self._swept = True
        self._in_transaction = True
        self._dirty = False
        self._undo = []

    @property
    def pending(self) -> bool:
        """Whether the open transaction has changes that commit would write."""
        return self._in_transaction and self._dirty

    def commit(self) -> bool:
        """Write the transaction's changes, if any, atomically; True when the file was written."""
        try:
            if self._dirty:
                self._flush()
                return True
            return False
        finally:
            self._end()

    def rollback(self) -> None:
        """Drop what the transaction changed in memory; the file was not touched."""
        try:
            if not self._dirty:
                return
            if self._undo is None:
                self._forget()
                return
            assert self._data is not None
            for table, doc_id, old in reversed(self._undo):
                docs = self._data.setdefault(table, {})
                if old is _MISSING:
                    docs.pop(doc_id, None)
                else:
                    docs[doc_id] = old
                self._encoded.get(table, {}).pop(doc_id, None)
            self._next_ids = {}
        finally:
            self._end()

    def _end(self) -> None:
        self._in_transaction = False
        self._dirty = False
        self._undo = []

    def _forget(self) -> None:
        self._data, self._key, self._encoded, self._next_ids = None, None, {}, {}
        self.generation += 1

    def _flush(self) -> None:
        assert self._data is not None
        tables: list[tuple[str, list[bytes]]] = []
        fresh: list[bytes] = []  # documents encoded now, not lines kept from the file read
        kept = False
        for name, docs in self._data.items():
            if name == STAMP_TABLE:
                continue
            cache = self._encoded.setdefault(name, {})
            lines = []
            for key, doc in docs.items():
                line = cache.get(key)
                if line is None:
                    line = cache[key] = encode_document(key, doc)
                    fresh.append(line)
                else:
                    kept = True
                lines.append(line)
            tables.append((name, lines))
        # What a scan of the new file would find, for the stamp: the new lines are looked at;
        # the kept ones were clean if the file read was (else everything is looked at again).
        rest = [*_table_chunks(tables, first=False), b"\n}\n"]
        if kept and (self.suspect or self._long_numbers):
            scan = _Scan.of(b"".join(rest))
        else:
            scan = _Scan.of(b"\n".join(fresh))
        suspect, long_numbers = scan.suspect, scan.long_numbers
        crc = 0
        for chunk in rest:
            crc = zlib.crc32(chunk, crc)
        stamp = {"token": os.urandom(16).hex(), "crc32": crc, "suspect": suspect,
                 "long_numbers": long_numbers}  # fmt: skip
        payload = b"".join(
            [b"{", *_table_chunks([(STAMP_TABLE, [encode_document("1", stamp)])]), *rest]
        )
        try:
            st = atomic_write_bytes(self.path, payload)
        except BaseException:
            self._forget()
            raise
        self._key = _file_key(st, payload[:_HEAD_BYTES])
        self.suspect, self._long_numbers = suspect, long_numbers
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

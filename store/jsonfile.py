"""The store as one JSON file on a local disk, shared by the people of one server.

``JSONFileStore`` is ``DocumentStore`` on ``AtomicJSONStorage`` (TinyDB's JSON layout, one
document a line, readable by a stock ``TinyDB(path)``) with an inter-process ``FileLock``,
a backup before each import and before the first write of each day, and restores that are
ordinary recorded transactions. This module and ``store.jsonstorage`` are the only ones that
know the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tinydb.table import Document, Table

from store.backup import (
    backup_day,
    broken_file_hint,
    check_database,
    list_backups,
    make_backup,
    resolve_backup,
)
from store.documents import (
    HISTORY,
    META,
    PROJECTS,
    TABLES,
    DocumentStore,
    _View,
    keep_report_order,
)
from store.files import FileLock, data_dir, sweep_temp_files
from store.identity import current_user, now_iso
from store.interface import (
    CheckReport,
    DatabaseError,
    LockLostError,
    RestoreResult,
    StoreError,
)
from store.jsonstorage import STAMP_TABLE, AtomicJSONStorage, decode_tables
from store.words import at, os_problem, say

if TYPE_CHECKING:
    from store.sqlitestore import SQLiteStore

DB_NAME = "minsheng.json"


def default_db_path() -> Path:
    """$MINSHENG_DB, else the user's data folder."""
    env = os.environ.get("MINSHENG_DB")
    if env:
        return Path(env).expanduser()
    return data_dir() / DB_NAME


def write_problem(path: Path) -> str | None:
    """Why this user cannot save to the database at ``path`` (None when they can).

    Saving replaces the file, so the folder must be writable as well as the file.
    """
    path = Path(os.path.realpath(path))
    folder = path.parent if path.parent.exists() else None
    if path.exists() and not os.access(path, os.W_OK):
        return say("db.not_writable", path=path, user=current_user())
    if folder is not None and not os.access(folder, os.W_OK | os.X_OK):
        return say("db.folder_not_writable", folder=folder, user=current_user())
    lock = path.with_name(path.name + ".lock")
    if lock.exists() and not os.access(lock, os.R_OK):
        return say("db.lock_not_readable", lock=lock, user=current_user())
    return None


class _Lock:
    """The file lock as the store holds it: who holds it is said after a second of waiting."""

    def __init__(self, lock: FileLock, store: JSONFileStore) -> None:
        self.lock, self.store = lock, store

    def __enter__(self) -> _Lock:
        self.lock.acquire(timeout=self.store.wait, on_wait=self.store.on_wait)
        return self

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


class JSONFileStore(DocumentStore):
    """The projects of one database file, safe to share between processes, users and threads.

    Reads see the file as another process may have left it (a cheap check, a reload only when
    it changed). Every write takes the file lock, looks at the file again, changes it through
    TinyDB's tables in memory, records history, and replaces the file atomically, once.
    The path is resolved once: a symbolic link's target is the file locked and replaced.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        user: str | None = None,
        read_only: bool = False,
        read_only_reason: str = "",
        allow_network_fs: bool = False,
        load: bool = True,
        wait: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self._locate(
            path, read_only=read_only, allow_network_fs=allow_network_fs, wait=wait,
            on_wait=on_wait,
        )  # fmt: skip
        self._file_lock = FileLock(self.path)
        super().__init__(
            AtomicJSONStorage(self.path, read_only=read_only, lead=(META,)),
            _Lock(self._file_lock, self),
            user=user,
            read_only=read_only,
            read_only_reason=read_only_reason,
        )
        self._backed_up_on = ""  # the day this process last saw a backup of that day
        self._swept = False
        if load:
            self._sync()  # a broken file is reported now, not at first use

    def _sync(self) -> _View:
        """The view of the file as it is now; a file that cannot be read is named, with
        what to do about it."""
        try:
            return super()._sync()
        except DatabaseError as exc:
            raise self._broken(exc) from exc

    def refresh(self) -> bool:
        """Look at the file again (True when another process changed it); a file that
        cannot be read is named, with what to do about it."""
        try:
            return super().refresh()
        except DatabaseError as exc:
            raise self._broken(exc) from exc

    def _broken(self, exc: DatabaseError) -> DatabaseError:
        message = str(exc) if str(self.path) in str(exc) else at(str(self.path), str(exc))
        return DatabaseError(say("db.broken", problem=message, hint=broken_file_hint(self.path)))

    def _before_commit(self, reason: str | None) -> None:
        """Keep a copy of the file as it is before an import, and before the day's first write
        (the lock is held, the transaction has changes to write); sweep killed writers' temp
        files once."""
        if not self._swept:
            name = self.path.name
            sweep_temp_files(self.path.parent, lambda target: target == name)
            self._swept = True
        today = datetime.now().strftime("%Y%m%d")
        if reason is None:
            if self._backed_up_on == today:
                return
            if any(backup_day(b, self.path) == today for b in list_backups(self.path)):
                self._backed_up_on = today
                return
            reason = "daily"
        try:
            make_backup(self.path, reason)
        except OSError as exc:
            detail = os_problem(exc)
            if exc.filename:
                detail = at(str(detail), str(exc.filename))
            raise StoreError(say("db.backup_failed", path=self.path, detail=detail)) from exc
        self._backed_up_on = today

    def _before_write(self) -> None:
        """Last look before the file is replaced: the lock held must still be the file's."""
        if not self._file_lock.exclusive():
            raise LockLostError(say("db.lock_lost", path=self.path, lock=self._file_lock.path))

    def check(self, backup: Path | None = None) -> CheckReport:
        """Verify the database file (works when the store would refuse to open it), or one
        of its backups."""
        return check_database(self.path if backup is None else backup)

    def backups(self) -> list[Path]:
        """The backups of the database file, oldest first."""
        return list_backups(self.path)

    def restore(self, backup: str | Path) -> RestoreResult:
        """Make a backup (a path, or a name in backups/) the database again, as one recorded
        transaction; the file as it was is kept as a backup first.

        Revisions move past both the backup's and the current file's, so an editor that
        started from the current file is told of a conflict instead of overwriting the
        restored data. The current file need not be readable.
        """
        self._refuse_if_read_only()
        source = resolve_backup(self.path, backup)
        checked = check_database(source)
        if not checked.ok:
            raise DatabaseError(say("db.not_restored", path=source, problem=checked.problems[0]))
        tables = decode_tables(source.read_bytes(), source)
        tables.pop(STAMP_TABLE, None)
        storage = self._storage
        with self._mutex, self._lock:
            saved = make_backup(self.path, "before-restore") if self.path.exists() else None
            storage.begin(broken_ok=True)
            try:
                current = {
                    doc["id"]: doc["revision"]
                    for doc in Table(storage, PROJECTS)
                    if isinstance(doc.get("revision"), int)
                }
                history = Table(storage, HISTORY)
                next_id = max((c.doc_id for c in history), default=0)
                for name in {*TABLES, *tables}:
                    table = Table(storage, name)
                    table.truncate()
                    docs = tables.get(name, {})
                    if name == PROJECTS:
                        for doc in docs.values():
                            doc["revision"] = max(doc["revision"], current.get(doc["id"], 0)) + 1
                    table.insert_multiple(Document(doc, int(k)) for k, doc in docs.items())
                restored = max([int(k) for k in tables.get(HISTORY, {})], default=0)
                record = {
                    "project": "", "field": "restore", "old": None, "new": source.name,
                    "at": now_iso(), "by": self.user, "source": "cli",
                }  # fmt: skip
                history.insert(Document(record, max(next_id, restored) + 1))
                keep_report_order(storage)
                storage.commit()
            except BaseException:
                storage.rollback()
                raise
            finally:
                self._view = None
        projects = len(tables.get(PROJECTS, {}))
        return RestoreResult(restored=source, saved_current=saved, projects=projects)


def open_store(
    path: str | Path,
    *,
    read_only: bool = False,
    read_only_reason: str = "",
    allow_network_fs: bool = False,
    load: bool = True,
    wait: float | None = None,
    on_wait: Callable[[str], None] | None = None,
    user: str | None = None,
) -> JSONFileStore | SQLiteStore:
    """The store of the database at ``path`` (made when first written): SQLite for a name
    ending in .sqlite or .sqlite3 (``store.sqlitestore``), else the JSON file."""
    from store.sqlitestore import SQLiteStore, is_sqlite_path

    if is_sqlite_path(path):
        return SQLiteStore(
            path, read_only=read_only, read_only_reason=read_only_reason,
            allow_network_fs=allow_network_fs, load=load, wait=wait, on_wait=on_wait, user=user,
        )  # fmt: skip
    return JSONFileStore(
        path, read_only=read_only, read_only_reason=read_only_reason,
        allow_network_fs=allow_network_fs, load=load, wait=wait, on_wait=on_wait, user=user,
    )  # fmt: skip

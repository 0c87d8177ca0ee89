"""Copying a database from one kind of store to the other (JSON file <-> SQLite), nothing lost.

Both keep the same tables (``projects``, ``history``, ``meta``: TinyDB's layout of document id
-> document); a copy is those tables read from one and written to the other, with the same
document ids, so history ids, revisions, the report, the 序时 rule and the merged unit names
come across as they were. The copy is read back and compared before it is kept.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from store.backup import check_database
from store.files import FileLock, temp_name
from store.interface import CheckReport, DatabaseError, StoreError
from store.jsonstorage import STAMP_TABLE, decode_tables, write_tables
from store.sqlitestore import check_sqlite, dump, is_sqlite_path, load
from store.words import say

Tables = dict[str, dict[str, Any]]


def check_any(path: Path) -> CheckReport:
    """``db check`` of either kind of database."""
    return check_sqlite(path) if is_sqlite_path(path) else check_database(path)


def read_any(path: Path) -> Tables:
    """Every table of a database of either kind."""
    if is_sqlite_path(path):
        return dump(path)
    tables = decode_tables(path.read_bytes(), path)
    tables.pop(STAMP_TABLE, None)
    return tables


def _same(a: Tables, b: Tables) -> bool:
    def nonempty(t: Tables) -> Tables:
        return {name: docs for name, docs in t.items() if docs}

    return nonempty(a) == nonempty(b)


def migrate(source: Path, target: Path) -> tuple[int, int]:
    """Copy the database at ``source`` to a new one at ``target`` (its kind by its suffix);
    the numbers of projects and recorded changes copied. Refuses an existing target, and a
    source that does not pass ``db check``; nothing is left at ``target`` when it fails."""
    source, target = Path(source), Path(target)
    if not source.exists():
        raise StoreError(say("db.no_such_database", path=source))
    if target.exists() or Path(f"{target}-wal").exists():
        raise StoreError(say("db.migrate_exists", path=target))
    if os.path.realpath(source) == os.path.realpath(target):
        raise StoreError(say("db.migrate_same", target=target, source=source))
    checked = check_any(source)
    if not checked.ok:
        raise DatabaseError(say("db.migrate_broken", path=source, problem=checked.problems[0]))
    target.parent.mkdir(parents=True, exist_ok=True)
    # Nobody saves to the JSON file while it is read (SQLite's read is one snapshot anyway).
    lock = None if is_sqlite_path(source) else FileLock(source)
    with lock if lock is not None else contextlib.nullcontext():
        tables = read_any(source)
    tmp = temp_name(target).with_suffix(target.suffix)
    try:
        if is_sqlite_path(target):
            load(tmp, tables)
        else:
            write_tables(tmp, tables, like=source)
        if not _same(read_any(tmp), tables):
            raise DatabaseError(say("db.migrate_differs", path=target))
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return len(tables.get("projects", {})), len(tables.get("history", {}))

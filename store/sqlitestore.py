"""The store in one SQLite database (Python's own ``sqlite3``, WAL mode): past the JSON file.

``SQLiteStore`` is ``DocumentStore``'s behaviour (every rule of saving, importing, merging
units, undoing, conflicts and history is that class's, unchanged) on rows instead of one
file: a project is a row holding its document as JSON text, a recorded change is a row, and
the report, the 序时 rule and the merged unit names are rows of ``meta``. A write takes
SQLite's own write lock (``BEGIN IMMEDIATE``), looks at the data again, changes only the rows
it touches and commits once; nothing reads every project unless someone asks for all of them.
So one ``set-status`` in a new process reads one row and writes two, and an edit in the app
costs what its rows cost, whatever the number of projects.

What a caller sees is what ``store.jsonfile`` gives: the same ``generation`` (moved by another
connection's commit, seen through ``PRAGMA data_version``), the same ``wait`` / ``on_wait`` /
``LockTimeout`` when another writer holds the lock (the holder writes who it is into a small
file beside the database, for the waiter's message), backups before imports and before the
day's first write (SQLite's online backup, so a copy is whole while others write), ``check``
and ``restore``.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
from tinydb.table import Document, Table

from store.backup import backup_day, list_backups, prune_backups, resolve_backup
from store.checks import check_tables
from store.documents import (
    HISTORY,
    META,
    PROJECTS,
    DocumentStore,
    _clean_report,
    _report_order,
    _Transaction,
    _View,
    clean_change,
    clean_project,
)
from store.files import (
    LockTimeout,
    collector_paused,
    make_shared_dir,
    new_file_mode,
    sweep_temp_files,
    temp_name,
)
from store.identity import current_user, now_iso
from store.interface import (
    Change,
    CheckReport,
    DatabaseError,
    FirstScreen,
    RestoreResult,
    StoreError,
    UnknownProjectError,
)
from store.jsonstorage import _Scan
from store.models import Project, Report, canonical_id, clean_text
from store.schedule_rule import ScheduleSettings
from store.transactions import TransactionalStorage
from store.words import at, os_problem, quote, say, seconds

#: The suffixes that open a database as SQLite (anything else is the JSON file).
SQLITE_SUFFIXES = (".sqlite", ".sqlite3")
#: The layout's version, in ``PRAGMA user_version`` (2: the projects' report order indexed).
SCHEMA_VERSION = 2
#: Report order (县级 first, then by table and 序号), as ``first_projects`` sorts by it: the
#: index below is on these very expressions, so that SQLite reads the first screenful from it
#: instead of sorting every project (at 50,000: 143 ms).
_REPORT_ORDER = (
    "json_extract(doc, '$.table') != '县级', json_extract(doc, '$.table'),"
    " json_extract(doc, '$.number'), doc_id"
)
_SCHEMA_2 = f"CREATE INDEX IF NOT EXISTS projects_order ON projects ({_REPORT_ORDER});"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS projects (
    doc_id INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS history (
    doc_id INTEGER PRIMARY KEY, project TEXT NOT NULL, doc TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS history_project ON history (project, doc_id);
CREATE TABLE IF NOT EXISTS meta (doc_id INTEGER PRIMARY KEY, key TEXT, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS other (
    tbl TEXT NOT NULL, doc_id INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (tbl, doc_id));
"""
#: Every table a database holds, as TinyDB names them; ``other`` keeps any further table of a
#: migrated file (``db check`` names it), so that nothing is lost on the way.
_ROW_TABLES = (PROJECTS, HISTORY, META)
#: How long a statement waits inside SQLite for a lock (a reader during another's recovery).
_BUSY_MS = 5000
#: How long one attempt at the write lock waits inside SQLite before we look at the clock: short,
#: so that a waiter gets its turn between the saves of a writer that saves again and again
#: (SQLite's lock is not a queue; its own wait sleeps longer and longer between attempts).
_LOCK_STEP_MS = 1

Tables = dict[str, dict[str, Any]]


def is_sqlite_path(path: str | Path) -> bool:
    """Whether a database at ``path`` is SQLite (by its suffix)."""
    return Path(path).suffix.lower() in SQLITE_SUFFIXES


def _encode(doc: Any) -> str:
    """A document as JSON text (orjson; json for integers beyond 64 bits)."""
    try:
        return orjson.dumps(doc).decode()
    except TypeError:
        return json.dumps(doc, ensure_ascii=False)


def _decode(raw: bytes, long_numbers: bool) -> Any:
    return json.loads(raw) if long_numbers else orjson.loads(raw)


def _connect(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (we say BEGIN ourselves), shared by the store's threads
    under its mutex."""
    uri = f"{path.as_uri()}?mode={'ro' if read_only else 'rwc'}"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
    if not read_only:
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
    # Every commit reaches the disk before the save returns, as the JSON file's rename does.
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def _create_schema(conn: sqlite3.Connection) -> None:
    """Make the tables of a new database, or bring an older layout up to this one."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < SCHEMA_VERSION:
        tables = _SCHEMA if version == 0 else ""
        conn.executescript(
            f"BEGIN IMMEDIATE;{tables}{_SCHEMA_2}PRAGMA user_version = {SCHEMA_VERSION};COMMIT;"
        )


def _wrap(path: Path, exc: sqlite3.Error) -> DatabaseError:
    return DatabaseError(say("db.bad_json", where=path, detail=exc))


def read_tables(conn: sqlite3.Connection) -> tuple[Tables, bool]:
    """Every table as TinyDB keeps them (table -> document id -> document), and whether the
    text may hold control characters someone else wrote."""
    rows: dict[str, list[tuple[int, bytes]]] = {name: [] for name in _ROW_TABLES}
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")  # one snapshot of all the tables
    try:
        for name in _ROW_TABLES:
            rows[name] = conn.execute(
                f"SELECT doc_id, CAST(doc AS BLOB) FROM {name} ORDER BY doc_id"  # noqa: S608
            ).fetchall()
        for tbl, doc_id, raw in conn.execute(
            "SELECT tbl, doc_id, CAST(doc AS BLOB) FROM other ORDER BY tbl, doc_id"
        ):
            rows.setdefault(tbl, []).append((doc_id, raw))
    finally:
        if own:
            conn.execute("COMMIT")
    scan = _Scan.of(b"\n".join(raw for table in rows.values() for _i, raw in table))
    with collector_paused():
        tables = {
            name: {str(i): _decode(raw, scan.long_numbers) for i, raw in table}
            for name, table in rows.items()
        }
    return tables, scan.suspect


def write_tables(conn: sqlite3.Connection, tables: Tables) -> None:
    """Make ``tables`` (TinyDB's layout) all the rows of the database, in the open transaction."""
    for name in _ROW_TABLES:
        conn.execute(f"DELETE FROM {name}")  # noqa: S608
    conn.execute("DELETE FROM other")
    for name, docs in tables.items():
        items = [(int(k), doc) for k, doc in docs.items()]
        if name == PROJECTS:
            conn.executemany(
                "INSERT INTO projects (doc_id, id, doc) VALUES (?, ?, ?)",
                [(i, str(d.get("id", "")) if isinstance(d, dict) else "", _encode(d))
                 for i, d in items],
            )  # fmt: skip
        elif name == HISTORY:
            conn.executemany(
                "INSERT INTO history (doc_id, project, doc) VALUES (?, ?, ?)",
                [(i, _project_of(d), _encode(d)) for i, d in items],
            )
        elif name == META:
            conn.executemany(
                "INSERT INTO meta (doc_id, key, doc) VALUES (?, ?, ?)",
                [(i, d.get("key") if isinstance(d, dict) else None, _encode(d)) for i, d in items],
            )
        else:
            conn.executemany(
                "INSERT INTO other (tbl, doc_id, doc) VALUES (?, ?, ?)",
                [(name, i, _encode(d)) for i, d in items],
            )


def _project_of(doc: Any) -> str:
    return str(doc.get("project", "")) if isinstance(doc, dict) else ""


class SQLiteStorage(TransactionalStorage):
    """TinyDB's face of the database: ``read`` gives every table, ``write`` replaces them all
    (in one SQLite transaction). For whole-database work (checks, ``db migrate``, a stock
    ``TinyDB(storage=...)``); the store's own saves write only their rows."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        super().__init__()
        self.path = Path(os.path.realpath(path))
        self.read_only = read_only
        self._conn: sqlite3.Connection | None = None
        self._pending: Tables | None = None

    def connection(self, *, create: bool = False) -> sqlite3.Connection | None:
        """The open connection (made now if the file is there, or ``create``)."""
        if self._conn is None:
            if not create and not self.path.exists():
                return None
            try:
                conn = _connect(self.path, read_only=self.read_only)
                if not self.read_only:
                    _create_schema(conn)
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.DatabaseError as exc:
                raise _wrap(self.path, exc) from exc
            self._conn = conn
        return self._conn

    def refresh(self) -> bool:
        """Nothing is kept between reads: nothing to look at."""
        return False

    def read(self) -> Tables | None:
        """Every table, read now."""
        conn = self.connection()
        if conn is None:
            return {}
        try:
            tables, self.suspect = read_tables(conn)
        except sqlite3.DatabaseError as exc:
            raise _wrap(self.path, exc) from exc
        return tables

    def write(self, data: Tables) -> None:
        """Replace every table (at commit inside a transaction)."""
        if self.read_only:
            raise DatabaseError(say("db.opened_read_only", path=self.path))
        self._pending = data
        if self._in_transaction:
            self._dirty = True
        else:
            self._write_out()

    def begin(self, *, broken_ok: bool = False, announced: bool = False) -> None:
        """Hold writes until commit."""
        if self._in_transaction:
            raise RuntimeError("a transaction is already open")
        self._in_transaction, self._dirty = True, False

    def announce(self, table: str, keys: Iterable[str] | None = None) -> None:
        """Nothing to do: a write here replaces every table."""

    def _write_out(self) -> None:
        conn = self.connection(create=True)
        assert conn is not None and self._pending is not None
        conn.execute("BEGIN IMMEDIATE")
        try:
            write_tables(conn, self._pending)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        finally:
            self._pending = None
        self.generation += 1

    def _discard(self) -> None:
        self._pending = None

    def close(self) -> None:
        """Close the connection."""
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class _SQLView(_View):
    """The data of one generation, read as far as it is asked for: the report, rule and
    aliases at once (three small rows), the projects when all of them are wanted, one
    project's history when that is wanted. Patched by our own writes like ``_View``."""

    def __init__(self, generation: int, store: SQLiteStore) -> None:  # noqa: D107
        # (not _View.__init__: it reads every project)
        self.generation = generation
        self.suspect = False
        self._store = store
        self._ids: dict[str, int] | None = None
        self._by_id: dict[str, Project] | None = None
        self._ordered: list[Project] = []
        self._position: dict[str, int] = {}
        self._history: list[Change] | None = None
        self._by_project: dict[str, list[Change]] | None = None
        self._of: dict[str, list[Change]] = {}
        meta = store._meta_values()
        report = meta.get("report")
        self.report = _clean_report(Report.from_dict(report if isinstance(report, dict) else {}))
        rule = meta.get("schedule")
        try:
            self.schedule = ScheduleSettings.from_dict(rule if isinstance(rule, dict) else None)
        except ValueError:  # a hand-edited row: the default rule, and `check` says why
            self.schedule = ScheduleSettings()
        merged = meta.get("aliases")
        self.aliases = {
            clean_text(str(k), single_line=True): clean_text(str(v), single_line=True)
            for k, v in (merged.items() if isinstance(merged, dict) else ())
        }

    # --- the projects, all at once when asked for ---------------------------------------
    def _load(self) -> dict[str, Project]:
        if self._by_id is None:
            rows = self._store._rows("SELECT doc_id, CAST(doc AS BLOB) FROM projects")
            scan = _Scan.of(b"\n".join(raw for _i, raw in rows))
            self.suspect = scan.suspect
            by_id: dict[str, Project] = {}
            ids: dict[str, int] = {}
            with collector_paused():
                for doc_id, raw in rows:
                    try:
                        project = Project.from_dict(_decode(raw, scan.long_numbers))
                    except (KeyError, TypeError, ValueError, AttributeError) as exc:
                        detail = f"{type(exc).__name__}: {exc}"
                        problem = say("store.malformed_project", key=doc_id, detail=detail)
                        raise DatabaseError(at(self._store.location, problem)) from None
                    if scan.suspect:
                        project = clean_project(project)
                    by_id[project.id] = project
                    ids[project.id] = doc_id
            self._by_id, self._ids = by_id, ids
            self._ordered = sorted(by_id.values(), key=_report_order)
            self._position = {p.id: i for i, p in enumerate(self._ordered)}
        return self._by_id

    @property
    def loaded(self) -> bool:
        """Whether every project has been read."""
        return self._by_id is not None

    @property
    def by_id(self) -> dict[str, Project]:
        """Projects by id."""
        return self._load()

    @by_id.setter
    def by_id(self, value: dict[str, Project]) -> None:
        self._by_id = value

    @property
    def ordered(self) -> list[Project]:
        """Projects in report order."""
        self._load()
        return self._ordered

    @ordered.setter
    def ordered(self, value: list[Project]) -> None:
        self._ordered = value

    @property
    def position(self) -> dict[str, int]:
        """Each project's place in ``ordered``."""
        self._load()
        return self._position

    @position.setter
    def position(self, value: dict[str, int]) -> None:
        self._position = value

    @property
    def doc_ids(self) -> dict[str, int]:
        """Project id -> row id (read without the documents when they are not wanted)."""
        if self._ids is None:
            self._ids = dict(self._store._rows("SELECT id, doc_id FROM projects"))
        return self._ids

    @doc_ids.setter
    def doc_ids(self, value: dict[str, int]) -> None:
        self._ids = value

    def replace(self, project: Project) -> None:
        if self._by_id is not None:
            super().replace(project)

    # --- history ------------------------------------------------------------------------
    def history(self) -> list[Change]:
        """All changes, oldest first."""
        if self._history is None:
            self._history = self._changes("SELECT doc_id, CAST(doc AS BLOB) FROM history", ())
        return self._history

    def history_of(self, project_id: str) -> list[Change]:
        """The changes of one project, oldest first (its rows only, unless all are read)."""
        if self._history is not None:
            return super().history_of(project_id)
        if project_id not in self._of:
            self._of[project_id] = self._changes(
                "SELECT doc_id, CAST(doc AS BLOB) FROM history WHERE project = ?", (project_id,)
            )
        return self._of[project_id]

    def _changes(self, sql: str, args: tuple[Any, ...]) -> list[Change]:
        rows = self._store._rows(sql + " ORDER BY doc_id", args)
        scan = _Scan.of(b"\n".join(raw for _i, raw in rows))
        with collector_paused():
            changes = [Change.from_doc(i, _decode(raw, scan.long_numbers)) for i, raw in rows]
        return [clean_change(c) for c in changes] if scan.suspect else changes

    def add_change(self, change: Change) -> None:
        super().add_change(change)
        if change.project in self._of:
            self._of[change.project].append(change)


class _HistoryRows(Table):
    """The history table as ``DocumentStore.undo`` asks it: one change by its id, one row read."""

    def __init__(self, store: SQLiteStore) -> None:
        super().__init__(store._storage, HISTORY)
        self._store = store

    def get(
        self, cond: Any = None, doc_id: int | None = None, doc_ids: list[Any] | None = None
    ) -> Any:
        """The change with ``doc_id`` (None when there is none)."""
        if doc_id is None or cond is not None or doc_ids is not None:
            raise RuntimeError("history rows are read by their id only")
        rows = self._store._rows(
            "SELECT doc_id, CAST(doc AS BLOB) FROM history WHERE doc_id = ?", (int(doc_id),)
        )
        if not rows:
            return None
        doc = _decode(rows[0][1], _Scan.of(rows[0][1]).long_numbers)
        return Document(doc, rows[0][0]) if isinstance(doc, dict) else None


class _SQLTransaction(_Transaction):
    """``_Transaction`` on rows: it reads the projects it changes, and writes only its rows."""

    def __init__(self, store: SQLiteStore, view: _SQLView) -> None:
        super().__init__(store, view)
        self.store = store
        self.sql_view = view
        self.history = _HistoryRows(store)
        self.row_ids: dict[str, int] = {}

    def current(self, project_id: str) -> Project:
        """The project as the database holds it now (or as this transaction changed it)."""
        pid = canonical_id(project_id)
        if pid in self.changed:
            return Project.from_dict(dict(self.changed[pid]))
        view = self.sql_view
        if view.loaded:
            found = view.by_id.get(pid)
            if found is None:
                raise UnknownProjectError(say("store.no_project", id=quote(project_id)))
            self.row_ids[pid] = view.doc_ids[pid]
            return found
        rows = self.store._rows(
            "SELECT doc_id, CAST(doc AS BLOB) FROM projects WHERE id = ?", (pid,)
        )
        if not rows:
            raise UnknownProjectError(say("store.no_project", id=quote(project_id)))
        (doc_id, raw), scan = rows[0], _Scan.of(rows[0][1])
        project = Project.from_dict(_decode(raw, scan.long_numbers))
        self.row_ids[pid] = doc_id
        # Text someone else wrote with control characters is cleaned by the next save of it.
        return clean_project(project) if scan.suspect else project

    @property
    def pending(self) -> bool:
        """Whether the transaction has anything to write."""
        return bool(
            self.changed or self.created or self.changes or self.report is not None
            or self.aliases is not None or self.schedule is not None
        )  # fmt: skip

    def write(self) -> None:
        """Write the transaction's rows (in the open SQLite transaction)."""
        conn = self.store._connection()
        if self.changed:
            rows = []
            for pid, doc in self.changed.items():
                doc_id = self.row_ids.get(pid)
                rows.append(
                    (_encode(doc), doc_id if doc_id is not None else self.view.doc_ids[pid])
                )
            conn.executemany("UPDATE projects SET doc = ? WHERE doc_id = ?", rows)
        if self.created:
            start = conn.execute("SELECT COALESCE(MAX(doc_id), 0) FROM projects").fetchone()[0]
            conn.executemany(
                "INSERT INTO projects (doc_id, id, doc) VALUES (?, ?, ?)",
                [(start + 1 + n, doc["id"], _encode(doc)) for n, doc in enumerate(self.created)],
            )
        for key, value in (
            ("report", None if self.report is None else self.report.to_dict()),
            ("aliases", None if self.aliases is None else dict(self.aliases)),
            ("schedule", None if self.schedule is None else self.schedule.to_dict()),
        ):
            if value is not None:
                text = _encode({"key": key, "value": value})
                if not conn.execute("UPDATE meta SET doc = ? WHERE key = ?", (text, key)).rowcount:
                    conn.execute("INSERT INTO meta (key, doc) VALUES (?, ?)", (key, text))
        if self.changes:
            start = conn.execute("SELECT COALESCE(MAX(doc_id), 0) FROM history").fetchone()[0]
            ids = range(start + 1, start + 1 + len(self.changes))
            conn.executemany(
                "INSERT INTO history (doc_id, project, doc) VALUES (?, ?, ?)",
                [(i, d["project"], _encode(d)) for i, d in zip(ids, self.changes, strict=True)],
            )
            self.recorded = [Change.from_doc(i, d) for i, d in zip(ids, self.changes, strict=True)]


def _holder_text() -> bytes:
    holder = say("lock.holder", user=current_user(), pid=os.getpid(), host=socket.gethostname())
    return f"{holder}\n".encode()


class _WriteLock:
    """SQLite's write lock (``BEGIN IMMEDIATE``) as the store holds it: waits as long as the
    store's ``wait`` allows, says who holds it after a second, writes who holds it now."""

    def __init__(self, store: SQLiteStore) -> None:
        self.store = store
        #: who holds the write lock, for a waiter's message (written by each holder)
        self.holder_path = store.path.with_name(store.path.name + "-writer")

    def __enter__(self) -> _WriteLock:
        store = self.store
        conn = store._connection()
        start = time.monotonic()
        told = False
        timer: threading.Timer | None = None
        if store.wait is None and store.on_wait is not None:  # told from a timer, as FileLock
            on_wait = store.on_wait
            timer = threading.Timer(1.0, lambda: on_wait(self.holder()))
            timer.daemon = True
        conn.execute(f"PRAGMA busy_timeout = {_LOCK_STEP_MS}")
        try:
            while True:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        detail = str(exc)
                        raise StoreError(
                            say("store.not_written", where=store.location, detail=detail)
                        ) from exc
                waited = time.monotonic() - start
                if store.wait is not None and waited >= store.wait:
                    holder = self.holder() or say("lock.someone")
                    raise LockTimeout(
                        say(
                            "lock.timeout", path=store.path, holder=holder,
                            seconds=seconds(store.wait),
                        )
                    ) from None  # fmt: skip
                if timer is not None and not timer.is_alive() and not told:
                    timer.start()
                    told = True
                elif store.wait is not None and not told and waited >= 1.0 and store.on_wait:
                    store.on_wait(self.holder())
                    told = True
                time.sleep(random.uniform(0.0, 0.002))
        finally:
            conn.execute(f"PRAGMA busy_timeout = {_BUSY_MS}")
            if timer is not None:
                timer.cancel()
        self._write_holder()
        return self

    def _write_holder(self) -> None:
        with contextlib.suppress(OSError):
            fd = os.open(
                self.holder_path, os.O_WRONLY | os.O_CREAT, new_file_mode(self.store.path.parent)
            )
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, _holder_text(), 0)
            finally:
                os.close(fd)

    def holder(self) -> str:
        """Who holds the lock, as its holder wrote it ('' when unknown)."""
        try:
            with open(self.holder_path, "rb") as handle:
                text = handle.read(200).decode("utf-8", "replace")
        except OSError:
            return ""
        return clean_text(text, single_line=True)

    def __exit__(self, *exc: object) -> None:
        conn = self.store._connection()
        if conn.in_transaction:
            conn.execute("ROLLBACK")


class SQLiteStore(DocumentStore):
    """The projects of one SQLite database, safe to share between processes, users, threads."""

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
        storage = SQLiteStorage(self.path, read_only=read_only)
        self._write_lock = _WriteLock(self)
        super().__init__(
            storage, self._write_lock, user=user, read_only=read_only,
            read_only_reason=read_only_reason,
        )  # fmt: skip
        self._sqlite = storage
        self._generation = 1
        self._data_version: int | None = None
        self._backed_up_on = ""
        self._swept = False
        if load:
            with self._mutex:
                self._sync()  # a file that is not a database is reported now

    # --- the connection -----------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        conn = self._sqlite.connection(create=True)
        assert conn is not None
        return conn

    def _rows(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        conn = self._sqlite.connection()
        if conn is None:
            return []
        try:
            return conn.execute(sql, args).fetchall()
        except sqlite3.DatabaseError as exc:
            raise _wrap(self.path, exc) from exc

    def _meta_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, raw in self._rows("SELECT key, CAST(doc AS BLOB) FROM meta ORDER BY doc_id"):
            doc = _decode(raw, _Scan.of(raw).long_numbers)
            if isinstance(doc, dict) and isinstance(key, str):
                values[key] = doc.get("value")
        return values

    # --- reading ------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        """Changes whenever the data this store sees changes (here or in another process)."""
        return self._generation

    def _look(self) -> bool:
        """Whether another connection committed since we last looked (then the view goes)."""
        conn = self._sqlite.connection()
        if conn is None:
            return False
        try:
            version = conn.execute("PRAGMA data_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise _wrap(self.path, exc) from exc
        if version == self._data_version:
            return False
        first = self._data_version is None
        self._data_version = version
        self._view = None
        if first:
            return False
        self._generation += 1
        return True

    def refresh(self) -> bool:
        """Look at the database again; True when another process changed it."""
        with self._mutex:
            return self._look()

    def _sync(self) -> _View:
        self._look()
        view = self._view
        if view is None or view.generation != self._generation:
            view = self._view = _SQLView(self._generation, self)
        return view

    def first_projects(self, count: int) -> FirstScreen | None:
        """The first projects in report order, sorted by SQLite without decoding the rest."""
        with self._mutex:
            view = self._sync()
            assert isinstance(view, _SQLView)
            if view.loaded:
                return FirstScreen(view.ordered[:count], view.report, view.schedule)
            rows = self._rows(
                f"SELECT CAST(doc AS BLOB) FROM projects ORDER BY {_REPORT_ORDER} LIMIT ?",  # noqa: S608
                (count,),
            )
        scan = _Scan.of(b"\n".join(raw for (raw,) in rows))
        try:
            projects = [Project.from_dict(_decode(raw, scan.long_numbers)) for (raw,) in rows]
        except (KeyError, TypeError, ValueError, AttributeError):
            return None  # (the full read says what is wrong)
        if scan.suspect:
            projects = [clean_project(p) for p in projects]
        return FirstScreen(projects, view.report, view.schedule)

    # --- the transaction ----------------------------------------------------------------
    @contextlib.contextmanager
    def _transaction(self, backup: str | None = None) -> Iterator[_Transaction]:
        """Take the write lock, see the data as it is now, change rows, commit once."""
        self._refuse_if_read_only()
        with self._mutex, self._write_lock:
            conn = self._connection()
            try:
                view = self._sync()
                assert isinstance(view, _SQLView)
                tx = _SQLTransaction(self, view)
                yield tx
                pending = tx.pending
                if pending:
                    self._before_commit(backup)
                    tx.write()
                    conn.execute("COMMIT")
            except sqlite3.DatabaseError as exc:  # a full disk, an I/O error: as it was
                self._view = None
                raise StoreError(say("store.not_written", where=self.location, detail=exc)) from exc
            except BaseException:
                self._view = None
                raise
        if pending:
            self._generation += 1
            if tx.created:
                self._view = None  # new projects: the view is read again when wanted
            elif self._view is view:
                tx.patch(view)
                view.generation = self._generation

    # --- backups ------------------------------------------------------------------------
    def _before_commit(self, reason: str | None) -> None:
        """A copy of the database as it was before an import, and before the day's first
        write (the write lock is held; nothing of this transaction is written yet)."""
        backups = self.path.parent / "backups"
        if not self._swept:
            sweep_temp_files(backups, lambda name: name.startswith(f"{self.path.stem}-"))
            # and what SQLite kept beside a killed copy (its journal, its WAL)
            for side in backups.glob(f".{self.path.stem}-*.tmp-*"):
                if not side.with_name(side.name.rpartition("-")[0]).exists():
                    with contextlib.suppress(OSError):
                        side.unlink()
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
            self._make_backup(reason)
        except (OSError, sqlite3.Error) as exc:
            detail = os_problem(exc) if isinstance(exc, OSError) else str(exc)
            raise StoreError(say("db.backup_failed", path=self.path, detail=detail)) from exc
        self._backed_up_on = today

    def _make_backup(self, reason: str) -> Path | None:
        conn = self._connection()
        if not conn.execute("SELECT count(*) FROM projects").fetchone()[0]:
            return None  # nothing to keep yet
        folder = self.path.parent / "backups"
        make_shared_dir(folder, self.path.parent)
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        target = folder / f"{self.path.stem}-{stamp}-{reason}{self.path.suffix}"
        tmp = temp_name(target)
        # The committed data, read through a connection of its own (in WAL mode a reader does
        # not wait for the write lock this store holds; nothing of the transaction is written).
        source = _connect(self.path, read_only=True)
        copy = sqlite3.connect(tmp)
        try:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
            copy.commit()
        finally:
            copy.close()
            source.close()
        try:
            fd = os.open(tmp, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            os.chmod(tmp, self.path.stat().st_mode & 0o666)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        prune_backups(self.path)
        return target

    def backups(self) -> list[Path]:
        """The backups of the database, oldest first."""
        return list_backups(self.path)

    def check(self, backup: Path | None = None) -> CheckReport:
        """Verify the database (or one of its backups): rows of the model's shape, ids unique."""
        return check_sqlite(self.path if backup is None else Path(backup))

    def restore(self, backup: str | Path) -> RestoreResult:
        """Make a backup the database again as one recorded transaction (a copy of what is
        there now is kept first); revisions move past both, as the JSON file's restore does."""
        self._refuse_if_read_only()
        source = resolve_backup(self.path, backup)
        checked = check_sqlite(source)
        if not checked.ok:
            raise DatabaseError(say("db.not_restored", path=source, problem=checked.problems[0]))
        tables = dump(source)
        with self._mutex, self._write_lock:
            conn = self._connection()
            try:
                saved = self._make_backup("before-restore")
                current = {
                    pid: int(json.loads(doc).get("revision", 0))
                    for pid, doc in conn.execute("SELECT id, doc FROM projects")
                }
                next_id = conn.execute("SELECT COALESCE(MAX(doc_id), 0) FROM history").fetchone()[0]
                for doc in tables.get(PROJECTS, {}).values():
                    doc["revision"] = max(doc["revision"], current.get(doc["id"], 0)) + 1
                history = tables.setdefault(HISTORY, {})
                restored = max([int(k) for k in history], default=0)
                history[str(max(next_id, restored) + 1)] = {
                    "project": "", "field": "restore", "old": None, "new": source.name,
                    "at": now_iso(), "by": self.user, "source": "cli",
                }  # fmt: skip
                write_tables(conn, tables)
                conn.execute("COMMIT")
            finally:
                self._view = None
        self._generation += 1
        projects = len(tables.get(PROJECTS, {}))
        return RestoreResult(restored=source, saved_current=saved, projects=projects)


def dump(path: Path) -> Tables:
    """Every table of the SQLite database at ``path`` (TinyDB's layout)."""
    if not Path(path).exists():
        raise DatabaseError(say("db.no_such_database", path=path))
    storage = SQLiteStorage(path, read_only=True)
    try:
        return storage.read() or {}
    finally:
        storage.close()


def load(path: Path, tables: Tables) -> None:
    """Make a new SQLite database at ``path`` holding ``tables`` (TinyDB's layout)."""
    storage = SQLiteStorage(path)
    try:
        storage.write(tables)
        conn = storage.connection()
        assert conn is not None
        conn.execute("PRAGMA journal_mode = DELETE")  # all of it in the one file
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(say("store.not_written", where=path, detail=exc)) from exc
    finally:
        storage.close()


def check_sqlite(path: Path) -> CheckReport:
    """Verify a SQLite database: SQLite's own integrity check, then the rows as the JSON file's
    documents are checked (the model's keys, unique ids, positive revisions, clean text)."""
    report = CheckReport(str(path))
    if not Path(path).exists():
        report.problems.append(say("db.no_such_database", path=path))
        return report
    storage = SQLiteStorage(path, read_only=True)
    try:
        conn = storage.connection()
        assert conn is not None
        found = conn.execute("PRAGMA quick_check").fetchall()
        if found != [("ok",)]:
            report.problems.extend(at(str(path), str(row[0])) for row in found[:20])
            return report
        tables = storage.read() or {}
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        report.problems.append(str(exc) if str(path) in str(exc) else at(str(path), str(exc)))
        return report
    finally:
        storage.close()
    found_report = check_tables(tables, str(path))
    report.projects, report.changes = found_report.projects, found_report.changes
    report.problems.extend(found_report.problems)
    return report

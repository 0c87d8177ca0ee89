"""ProjectStore: the projects on TinyDB, every write locked, atomic and recorded in history."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import pwd
import threading
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from store.interface import (
    Change,
    CheckReport,
    ConflictError,
    DatabaseError,
    Edit,
    ImportResult,
    NetworkFilesystemError,
    RestoreResult,
    Saved,
    StoreError,
    UnknownProjectError,
)
from store.models import (
    FIELD_LABELS,
    LEVELS,
    STATUSES,
    ParsedReport,
    Project,
    ProjectRecord,
    Report,
    Update,
    canonical_id,
    clean_text,
    normalise_deadline,
    normalise_status,
    project_from_record,
    split_departments,
)
from store.storage import AtomicJSONStorage, FileLock, network_filesystem

#: Fields an import sets; a user's dated updates are never touched by an import.
IMPORTED_FIELDS: tuple[str, ...] = (
    "name",
    "level",
    "department",
    "departments",
    "status",
    "status_raw",
    "deadline",
    "deadline_raw",
    "overview",
    "target",
    "plan",
    "progress",
    "extra",
)
SINGLE_LINE_FIELDS = frozenset({"name", "department", "level", "status", "deadline"})
#: Fields that follow from another field: changed with it, never recorded on their own.
DERIVED_FIELDS = frozenset({"departments", "status_raw", "deadline_raw", "revision"})

PROJECTS, HISTORY, META = "projects", "history", "meta"


def default_db_path() -> Path:
    """$MINSHENG_DB, else the user's data folder."""
    env = os.environ.get("MINSHENG_DB")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(Path.home(), ".local", "share")
    return Path(base) / "minsheng" / "minsheng.json"


def current_user() -> str:
    """The OS user (over SSH, the person); the environment is not trusted for this."""
    try:
        return pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:
        return str(os.geteuid())


def now_iso() -> str:
    """Local time with offset, to the second."""
    return datetime.now().astimezone().isoformat(timespec="seconds")


def write_problem(path: Path) -> str | None:
    """Why this user cannot save to the database at ``path`` (None when they can).

    Saving replaces the file, so the folder must be writable as well as the file.
    """
    path = Path(path)
    folder = path.parent if path.parent.exists() else None
    if path.exists() and not os.access(path, os.W_OK):
        return f"{path} is not writable by {current_user()}"
    if folder is not None and not os.access(folder, os.W_OK | os.X_OK):
        return f"the folder {folder} is not writable by {current_user()}"
    return None


_PROJECT_FIELDS = tuple(f.name for f in dataclasses.fields(Project))


def project_doc(project: Project) -> dict[str, Any]:
    """Equal to ``project.to_dict()`` but without dataclasses.asdict's deep copying (10x faster)."""
    doc: dict[str, Any] = {}
    for name in _PROJECT_FIELDS:
        value = getattr(project, name)
        if isinstance(value, list):
            value = [dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v for v in value]
        elif isinstance(value, dict):
            value = dict(value)
        doc[name] = value
    return doc


_ONE_LINE_TEXT = ("id", "table", "name", "level", "department", "status", "status_raw",
                  "deadline", "deadline_raw")  # fmt: skip
_LONG_TEXT = ("overview", "target", "plan", "progress")


def clean_project(project: Project) -> Project:
    """The project with control, bidi and surrogate characters taken out of every text.

    The store never writes them; this is for files that someone else wrote.
    """
    values: dict[str, Any] = {
        k: clean_text(getattr(project, k), single_line=True) for k in _ONE_LINE_TEXT
    }
    values.update({k: clean_text(getattr(project, k)) for k in _LONG_TEXT})
    values["departments"] = [clean_text(d, single_line=True) for d in project.departments]
    values["updates"] = [
        Update(
            month=clean_text(u.month, single_line=True),
            text=clean_text(u.text),
            at=clean_text(u.at, single_line=True),
            by=clean_text(u.by, single_line=True),
        )
        for u in project.updates
    ]
    values["extra"] = {
        clean_text(k, single_line=True): clean_text(v) for k, v in project.extra.items()
    }
    return dataclasses.replace(project, **values)


def _clean_value(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [_clean_value(v) for v in value]
    if isinstance(value, dict):
        return {clean_text(str(k)): _clean_value(v) for k, v in value.items()}
    return value


def clean_change(change: Change) -> Change:
    """A recorded change with control characters taken out of its texts."""
    one = {
        k: clean_text(getattr(change, k), single_line=True)
        for k in ("project", "field", "at", "by", "source", "note")
    }
    return dataclasses.replace(
        change, old=_clean_value(change.old), new=_clean_value(change.new), **one
    )


def _clean_report(report: Report) -> Report:
    report.region = clean_text(report.region, single_line=True)
    report.titles = {
        clean_text(k, single_line=True): clean_text(v, single_line=True)
        for k, v in report.titles.items()
    }
    return report


def _clean_record(record: ProjectRecord) -> ProjectRecord:
    """What project_from_record does not clean: the table and the extra columns' names."""
    return dataclasses.replace(
        record,
        table=clean_text(record.table, single_line=True),
        extra={clean_text(k, single_line=True): v for k, v in record.extra.items()},
    )


def _report_order(project: Project) -> tuple[bool, str, int]:
    return (project.table != "县级", project.table, project.number)


class _View:
    """Model objects for one generation of the data: built once, patched by our own writes."""

    def __init__(
        self, generation: int, tables: dict[str, dict[str, Any]], suspect: bool = False
    ) -> None:
        self.generation = generation
        #: the file may hold control characters: every text is cleaned on the way in
        self.suspect = suspect
        self.doc_ids: dict[str, str] = {}
        self.by_id: dict[str, Project] = {}
        for doc_id, doc in tables.get(PROJECTS, {}).items():
            try:
                project = Project.from_dict(doc)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                raise DatabaseError(
                    f"project document {doc_id} is malformed ({type(exc).__name__}: {exc})"
                ) from None
            if suspect:
                project = clean_project(project)
            self.by_id[project.id] = project
            self.doc_ids[project.id] = doc_id
        self.ordered = sorted(self.by_id.values(), key=_report_order)
        self.position = {p.id: i for i, p in enumerate(self.ordered)}
        self.report = Report()
        self.report_doc_id: str | None = None
        for doc_id, doc in tables.get(META, {}).items():
            if isinstance(doc, dict) and doc.get("key") == "report":
                self.report = Report.from_dict(doc.get("value") or {})
                if suspect:
                    self.report = _clean_report(self.report)
                self.report_doc_id = doc_id
                break
        # The storage's tables as they were when the view was built; our own writes change
        # them in place (and patch the view), a reload replaces them (and the view).
        self._tables = tables
        self._history: list[Change] | None = None
        self._by_project: dict[str, list[Change]] | None = None

    def history(self) -> list[Change]:
        """All changes, oldest first."""
        if self._history is None:
            docs = self._tables.get(HISTORY, {})
            changes = [Change.from_doc(k, d) for k, d in docs.items()]
            if self.suspect:
                changes = [clean_change(c) for c in changes]
            changes.sort(key=lambda c: c.id)
            self._history = changes
        return self._history

    def history_of(self, project_id: str) -> list[Change]:
        """The changes of one project, oldest first."""
        if self._by_project is None:
            by_project: dict[str, list[Change]] = {}
            for change in self.history():
                by_project.setdefault(change.project, []).append(change)
            self._by_project = by_project
        return self._by_project.get(project_id, [])

    def replace(self, project: Project) -> None:
        self.by_id[project.id] = project
        self.ordered[self.position[project.id]] = project

    def add_change(self, change: Change) -> None:
        if self._history is not None:
            self._history.append(change)
        if self._by_project is not None:
            self._by_project.setdefault(change.project, []).append(change)


class ProjectStore:
    """The projects of one database file, safe to share between processes, users and threads.

    Reads see the file as another process may have left it (a cheap check, a reload only when
    it changed). Every write takes the file lock, looks at the file again, changes it in
    memory, records history, and replaces the file atomically, once, re-encoding only the
    documents that changed.
    """

    def __init__(
        self,
        path: str | Path,
        *,
        user: str | None = None,
        read_only: bool = False,
        read_only_reason: str = "",
        allow_network_fs: bool = False,
    ) -> None:
        self.path = Path(path)
        self.user = user or current_user()
        self.read_only = read_only
        #: why edits are off, for people ("--read-only", "not writable by bob"...)
        self.read_only_reason = read_only_reason if read_only else ""
        if not read_only and not allow_network_fs:
            kind = network_filesystem(self.path.parent)
            if kind:
                raise NetworkFilesystemError(
                    f"{self.path}: the folder is on {kind}, a network file system where file "
                    "locks may not work, so two people saving at once could lose edits; keep "
                    "the database on the server's own disk, open it with --read-only, or pass "
                    "--i-know-locks-may-fail"
                )
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._storage = AtomicJSONStorage(self.path, read_only=read_only)
        # The same data through TinyDB's own API (same storage, same file format).
        self._db = TinyDB(storage=lambda: self._storage)  # type: ignore[arg-type]
        self._lock = FileLock(self.path)
        self._mutex = threading.RLock()
        self._view: _View | None = None
        self._patched = False  # this transaction changed the view in place
        self._view_stale = False  # this transaction added projects: rebuild after it
        self._at = ""
        self._backed_up_on = ""  # the day this process last saw a backup of that day
        self._recorded: list[Change] | None = None
        try:
            self._storage.refresh()  # a broken file is reported now, not at first use
            self._sync()
        except DatabaseError as exc:
            from store.backup import broken_file_hint

            message = str(exc) if str(self.path) in str(exc) else f"{self.path}: {exc}"
            raise DatabaseError(f"{message}; {broken_file_hint(self.path)}") from exc

    @property
    def location(self) -> str:
        """The database file, for people."""
        return str(self.path)

    @property
    def home(self) -> Path:
        """The folder of the database file: snapshots and exports go beside it."""
        return self.path.parent

    # --- reading -------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        """Changes whenever the data this store sees changes (here or in another process)."""
        return self._storage.generation

    def refresh(self) -> bool:
        """Look at the file again; True when another process changed it."""
        with self._mutex:
            return self._storage.refresh()

    def _sync(self) -> _View:
        """The view of the data as it is now (in a transaction: as the transaction sees it)."""
        self._storage.refresh()
        view = self._view
        if view is None or view.generation != self._storage.generation:
            data = self._storage.read() or {}
            view = _View(self._storage.generation, data, self._storage.suspect)
            self._view = view
        return view

    def projects(self) -> list[Project]:
        """All projects in report order (treat them as read-only)."""
        with self._mutex:
            return list(self._sync().ordered)

    def get(self, project_id: str) -> Project:
        """The project with that id ('s1', 'S01' alike)."""
        with self._mutex:
            try:
                return self._sync().by_id[canonical_id(project_id)]
            except KeyError:
                raise UnknownProjectError(f"no project with id {project_id!r}") from None

    def report(self) -> Report:
        """The report's metadata."""
        with self._mutex:
            return Report.from_dict(self._sync().report.to_dict())

    def history(self, project_id: str | None = None) -> list[Change]:
        """Recorded changes, oldest first; of one project when an id is given."""
        with self._mutex:
            view = self._sync()
            if project_id:
                return list(view.history_of(canonical_id(project_id)))
            return list(view.history())

    # --- writing -------------------------------------------------------------------------
    def _reset_tinydb_caches(self) -> None:
        """Forget what TinyDB's tables remember between calls (query results, the next id):
        another process may have changed the file since."""
        for table in self._db._tables.values():
            table.clear_cache()
            table._next_id = None

    def _backup_before_write(self, reason: str | None) -> None:
        """Keep a copy of the file as it is before an import, and before the day's first write
        (the lock is held, the transaction has changes to write)."""
        from store.backup import backup_day, list_backups, make_backup

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
            raise StoreError(
                f"{self.path}: nothing was saved: the backup before it could not be written "
                f"({exc.strerror or exc}: {exc.filename or ''})"
            ) from exc
        self._backed_up_on = today

    @contextlib.contextmanager
    def _transaction(self, backup: str | None = None) -> Iterator[_View]:
        """Lock, see the file as another process may have left it, change, write once.

        Before writing, a backup is kept when ``backup`` names a reason (an import) or when
        this is the first write of the day.
        """
        if self.read_only:
            reason = f" ({self.read_only_reason})" if self.read_only_reason else ""
            raise StoreError(f"{self.path}: opened read-only{reason}; edits are off")
        with self._mutex, self._lock:
            self._reset_tinydb_caches()
            self._storage.begin()
            self._patched = self._view_stale = False
            self._at = now_iso()  # one moment for everything the transaction records
            try:
                view = self._sync()
                yield view
                if self._storage.pending:
                    self._backup_before_write(backup)
            except BaseException:
                self._storage.rollback()
                if self._patched or self._view_stale:
                    self._view = None
                raise
            try:
                written = self._storage.commit()
            except BaseException:
                self._view = None
                raise
            if self._view_stale:
                self._view = None
            elif written and self._view is view:
                # Our own write: the patched view already is the new data; no rebuild.
                view.generation = self._storage.generation

    def _put_project(self, view: _View, doc: dict[str, Any]) -> Project:
        """Store a changed project (in a transaction) and patch the view to match."""
        doc_id = view.doc_ids[doc["id"]]
        self._storage.put(PROJECTS, doc_id, doc)
        self._patched = True
        view.replace(Project.from_dict(doc))
        return Project.from_dict(dict(doc))  # the caller's object, apart from the view's

    def _record(
        self,
        view: _View,
        project: str,
        fld: str,
        old: Any,
        new: Any,
        source: str,
        note: str = "",
    ) -> Change:
        """Add one history document (in a transaction)."""
        doc: dict[str, Any] = {
            "project": project,
            "field": fld,
            "old": old,
            "new": new,
            "at": self._at,
            "by": self.user,
            "source": source,
        }
        if note:
            doc["note"] = note
        doc_id = self._storage.insert(HISTORY, doc)
        change = Change.from_doc(doc_id, doc)
        if self._recorded is not None:
            self._recorded.append(change)
        self._patched = True
        view.add_change(change)
        return change

    def _current(self, view: _View, project_id: str) -> Project:
        """The project as the file holds it now (in a transaction); change a project_doc of it."""
        pid = canonical_id(project_id)
        doc_id = view.doc_ids.get(pid)
        if doc_id is None:
            raise UnknownProjectError(f"no project with id {project_id!r}")
        project = Project.from_dict(self._storage.table(PROJECTS)[doc_id])
        # Text someone else wrote with control characters is cleaned by the next save of it.
        return clean_project(project) if view.suspect else project

    def _last_change(self, view: _View, project_id: str, fld: str | None = None) -> Change | None:
        for change in reversed(view.history_of(project_id)):
            if fld is None or change.field == fld:
                return change
        return None

    def _check_revision(
        self,
        view: _View,
        project: Project,
        expected: int | None,
        seen: dict[str, Any] | None = None,
        touched: Iterable[str] = (),
    ) -> None:
        """Refuse a save made from an older revision, unless (given ``seen``, the project as
        the editor showed it) the fields it touches are still as they were: someone else
        changed only other fields, and this save goes on top of theirs."""
        if expected is None or project.revision == expected:
            return
        if seen is not None:
            now = project_doc(project)
            if all(now.get(name) == seen.get(name) for name in touched):
                return
        raise ConflictError(project, self._last_change(view, project.id), expected)

    def update_fields(
        self,
        project_id: str,
        values: dict[str, str],
        *,
        source: str,
        expected_revision: int | None = None,
        seen: dict[str, Any] | None = None,
        note: str = "",
    ) -> Project:
        """Change fields of one project; refuses if it moved past ``expected_revision``.

        With ``seen`` (the project's document as the editor showed it), a project that moved
        on is still saved when the fields changed here are as they were in ``seen``.
        """
        changes = {name: self._normalise_value(name, value) for name, value in values.items()}
        note = clean_text(note, single_line=True)
        with self._transaction() as view:
            project = self._current(view, project_id)
            before = project_doc(project)
            derived = [self._derived(name, value, before) for name, value in changes.items()]
            touched = [name for fields in derived for name in fields]
            self._check_revision(view, project, expected_revision, seen, touched)
            after = dict(before)
            for fields in derived:
                after.update(fields)
            recorded = {
                k: v for k, v in after.items() if before.get(k) != v and k not in DERIVED_FIELDS
            }
            if not recorded:
                return project
            after["revision"] = project.revision + 1
            saved = self._put_project(view, after)
            for k, v in recorded.items():
                self._record(view, project.id, k, before.get(k), v, source, note)
        return saved

    def save(self, edit: Edit) -> Saved:
        """Apply one user's edit (fields, or a dated update) and return what it recorded."""
        seen = project_doc(edit.seen) if edit.seen is not None else None
        expected = edit.started_from
        with self._recording() as changes:
            if edit.update is not None:
                project = self.add_update(
                    edit.project_id, edit.update.month, edit.update.text, source=edit.source,
                    expected_revision=expected, seen=seen,
                )  # fmt: skip
            if edit.fields or edit.update is None:
                project = self.update_fields(
                    edit.project_id, dict(edit.fields), source=edit.source,
                    expected_revision=expected if edit.update is None else None,
                    seen=seen, note=edit.note,
                )  # fmt: skip
        return Saved(project, tuple(changes))

    @contextlib.contextmanager
    def _recording(self) -> Iterator[list[Change]]:
        """Collect the changes recorded by the writes in the body."""
        changes: list[Change] = []
        self._recorded = changes
        try:
            yield changes
        finally:
            self._recorded = None

    def check(self) -> CheckReport:
        """Verify the database file (works when the store would refuse to open it)."""
        from store.backup import check_database

        return check_database(self.path)

    def backups(self) -> list[Path]:
        """The backups of the database file, oldest first."""
        from store.backup import list_backups

        return list_backups(self.path)

    def restore(self, backup: str | Path) -> RestoreResult:
        """Make a backup (a path, or a name in backups/) the database again."""
        from store.backup import resolve_backup, restore_backup

        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only; a restore writes the database")
        with self._mutex:
            result = restore_backup(
                self.path, resolve_backup(self.path, backup), user=self.user, at=now_iso()
            )
            self._view = None
        return result

    def set_status(
        self,
        project_id: str,
        status: str,
        *,
        source: str,
        note: str = "",
        expected_revision: int | None = None,
    ) -> Project:
        """Set 工作成效 to one of STATUSES (synonyms accepted)."""
        return self.update_fields(
            project_id,
            {"status": status},
            source=source,
            note=note,
            expected_revision=expected_revision,
        )

    def add_update(
        self,
        project_id: str,
        month: str,
        text: str,
        *,
        source: str,
        expected_revision: int | None = None,
        seen: dict[str, Any] | None = None,
    ) -> Project:
        """Add a dated progress note (month 'YYYY-MM').

        ``expected_revision`` and ``seen`` as in update_fields: with ``seen``, only a change
        of the project's updates since makes this a conflict.
        """
        month_norm = normalise_deadline(month)
        if not month_norm:
            raise StoreError(f"month {month!r} is not of the form YYYY-MM")
        text = clean_text(text).strip()
        if not text:
            raise StoreError("an update needs some text")
        with self._transaction() as view:
            project = self._current(view, project_id)
            self._check_revision(view, project, expected_revision, seen, ["updates"])
            doc = project_doc(project)
            before = doc["updates"]
            new = Update(month=month_norm, text=text, at=self._at, by=self.user)
            after = before + [_update_dict(new)]
            doc["updates"] = after
            doc["revision"] = project.revision + 1
            saved = self._put_project(view, doc)
            self._record(view, project.id, "updates", before, after, source)
        return saved

    def undo(self, change_id: int, *, source: str) -> Saved:
        """Put back the value a recorded change replaced (the undo is itself recorded)."""
        with self._recording() as changes:
            project = self._undo(change_id, source=source)
        return Saved(project, tuple(changes))

    def _undo(self, change_id: int, *, source: str) -> Project:
        with self._transaction() as view:
            matches = [c for c in view.history() if c.id == change_id]
            if not matches:
                raise StoreError(f"no change {change_id} in history")
            change = matches[0]
            if not change.project:
                raise StoreError(f"change {change_id} ({change.field}) is not of a project")
            if change.field == "*":
                raise StoreError(
                    f"change {change_id} created {change.project}; that cannot be undone"
                )
            project = self._current(view, change.project)
            before = project_doc(project)
            if change.field not in before or change.field in DERIVED_FIELDS:
                raise StoreError(f"change {change_id}: {change.field!r} cannot be undone")
            if before[change.field] != change.new:
                raise ConflictError(project, self._last_change(view, project.id, change.field))
            after = dict(before)
            if change.field in FIELD_LABELS:
                after.update(self._derived(change.field, change.old or "", before))
            else:
                after[change.field] = change.old
            if after == before:
                return project
            after["revision"] = project.revision + 1
            saved = self._put_project(view, after)
            self._record(
                view,
                project.id,
                change.field,
                change.new,
                after[change.field],
                source,
                note=f"undo of change {change.id}",
            )
        return saved

    def set_period(self, period_from: int, period_to: int, *, source: str = "cli") -> Report:
        """Change the months the report covers."""
        if not (1 <= period_from <= period_to <= 12):
            raise StoreError(f"period {period_from}-{period_to} is not within months 1-12")
        with self._transaction() as view:
            report = Report.from_dict(view.report.to_dict())
            old = report.to_dict()
            report.period_from, report.period_to = period_from, period_to
            if report.to_dict() == old:
                return report
            self._save_report(view, report)
            self._record(view, "", "period", old.get("period"), report.to_dict()["period"], source)
        return report

    def _save_report(self, view: _View, report: Report) -> None:
        doc = {"key": "report", "value": report.to_dict()}
        self._patched = True
        if view.report_doc_id is None:
            view.report_doc_id = self._storage.insert(META, doc)
        else:
            self._storage.put(META, view.report_doc_id, doc)
        view.report = Report.from_dict(report.to_dict())

    def import_report(self, parsed: ParsedReport, *, source: str) -> ImportResult:
        """Upsert every record by (table, number); each changed field goes into history.

        Nothing is written when nothing changed.
        """
        result = ImportResult(warnings=list(parsed.warnings))
        with self._transaction(backup="import") as view:
            report = view.report
            # Importers clean cells; the store cleans again whatever it is given.
            incoming = _clean_report(Report.from_dict(parsed.report.to_dict()))
            merged = Report(
                region=incoming.region or report.region,
                year=incoming.year or report.year,
                period_from=(
                    incoming.period_from if incoming.period_from is not None else report.period_from
                ),
                period_to=(
                    incoming.period_to if incoming.period_to is not None else report.period_to
                ),
                titles={**report.titles, **incoming.titles},
            )
            if merged.to_dict() != report.to_dict():
                self._save_report(view, merged)
            latest: dict[str, tuple[ProjectRecord, Project]] = {}
            for record in parsed.records:
                record = _clean_record(record)
                project = project_from_record(record, merged.year)
                if project.id in latest:
                    first = latest.pop(project.id)[0]
                    result.warnings.append(
                        f"{source}: line {record.line}: {project.table} 编号 {project.number} "
                        f"also on line {first.line}; the later row wins"
                    )
                latest[project.id] = (record, project)
            docs = self._storage.table(PROJECTS)
            for _record, project in latest.values():
                doc_id = view.doc_ids.get(project.id)
                if doc_id is None:
                    self._storage.insert(PROJECTS, project_doc(project))
                    self._view_stale = True  # new projects: rebuild the view after commit
                    self._record(view, project.id, "*", None, "created", source)
                    result.new.append(project.id)
                    continue
                before = docs[doc_id]
                fresh = project_doc(project)
                diff = {k: fresh[k] for k in IMPORTED_FIELDS if before.get(k) != fresh[k]}
                if not any(k not in DERIVED_FIELDS for k in diff):
                    result.unchanged.append(project.id)
                    continue
                after = {**before, **diff, "revision": int(before.get("revision", 1)) + 1}
                self._put_project(view, after)
                for k, v in diff.items():
                    if k not in DERIVED_FIELDS:
                        self._record(view, project.id, k, before.get(k), v, source)
                result.changed.append(project.id)
        return result

    # --- values --------------------------------------------------------------------------
    @staticmethod
    def _normalise_value(name: str, value: str) -> str:
        if name not in FIELD_LABELS:
            raise StoreError(f"{name!r} is not a field that can be edited")
        value = clean_text(value, single_line=name in SINGLE_LINE_FIELDS)
        value = value.strip()
        if name == "name" and not value:
            raise StoreError("项目名称 cannot be empty")
        if name == "status" and normalise_status(value) not in STATUSES:
            raise StoreError(f"工作成效 must be one of {' '.join(STATUSES)}, not {value!r}")
        if name == "deadline" and value and not normalise_deadline(value):
            raise StoreError(f"完成时限 {value!r} is not a month such as 2023-08 or 2023年8月")
        if name == "level" and value and value not in LEVELS:
            raise StoreError(f"项目等级 must be one of {' '.join(LEVELS)}, not {value!r}")
        return value

    @staticmethod
    def _derived(name: str, value: str, before: dict[str, Any]) -> dict[str, Any]:
        """The field itself plus what follows from it (departments, normalised forms)."""
        if name == "department":
            return {"department": value, "departments": split_departments(value)}
        if name == "status":
            return {"status": normalise_status(value) if value else "", "status_raw": value}
        if name == "deadline":
            year = int(before["deadline"][:4]) if before.get("deadline") else None
            return {"deadline": normalise_deadline(value, year), "deadline_raw": value}
        return {name: value}


def _update_dict(update: Update) -> dict[str, str]:
    return {"month": update.month, "text": update.text, "at": update.at, "by": update.by}


__all__ = [
    "Change",
    "ConflictError",
    "DatabaseError",
    "ImportResult",
    "NetworkFilesystemError",
    "ProjectStore",
    "StoreError",
    "UnknownProjectError",
    "default_db_path",
    "write_problem",
]

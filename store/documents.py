"""The store's behaviour on TinyDB tables, whatever keeps them: one class, two storages.

``DocumentStore`` implements ``store.interface.ProjectStore`` on three TinyDB tables
(``projects``, ``history``, ``meta``) through TinyDB's public ``Table`` and ``Query`` API.
A subclass gives it a storage with transactions (``TransactionalStorage``) and a lock:
``store.jsonfile.JSONFileStore`` (a file shared between processes) and
``store.memory.MemoryStore`` (tests, scratch work). TinyDB does the documents; this class
does what TinyDB does not: a transaction spanning tables, conflict checks, history.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from tinydb import Query
from tinydb.table import Document, Table

from store.files import collector_paused, network_filesystem
from store.identity import current_user, now_iso
from store.interface import (
    Change,
    CheckReport,
    ConflictError,
    DatabaseError,
    Edit,
    FirstScreen,
    ImportResult,
    LockLostError,
    NetworkFilesystemError,
    NewUpdate,
    RestoreResult,
    Saved,
    StoreError,
    UnknownProjectError,
)
from store.models import (
    FIELD_LABELS,
    LEVELS,
    SINGLE_LINE_FIELDS,
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
from store.schedule_rule import ScheduleSettings
from store.text import tidy_lines
from store.transactions import TransactionalStorage
from store.vocabulary import FIELD_REGISTRY, read_status
from store.words import UNDO_NOTE, listing, months, os_problem, quote, say

PROJECTS, HISTORY, META = "projects", "history", "meta"
#: The years a dated progress update may be for, and how its month is written.
UPDATE_YEARS = range(2000, 2101)
_UPDATE_MONTH_RE = re.compile(r"(\d{4})\s*[-年./]\s*(\d{1,2})\s*月?")


def _field_name(key: str) -> str:
    """A field as the report names it ('项目等级'), else its stored key."""
    known = FIELD_REGISTRY.get(key)
    return known.label if known is not None else key


def _not_one_of(key: str, choices: Iterable[str], value: str) -> str:
    label = FIELD_LABELS[key]
    return say("store.not_one_of", label=label, choices=listing(choices), value=quote(value))


TABLES = (PROJECTS, HISTORY, META)

#: Fields an import sets; a user's dated updates are never touched by an import.
IMPORTED_FIELDS: tuple[str, ...] = (
    "name", "level", "department", "departments", "status", "status_raw", "deadline",
    "deadline_raw", "overview", "target", "plan", "progress", "extra",
)  # fmt: skip
#: The model fields each column of a report sets (the column's own and what follows from it).
COLUMN_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "level": ("level",),
    "department": ("department", "departments"),
    "status": ("status", "status_raw"),
    "deadline": ("deadline", "deadline_raw"),
    "overview": ("overview",),
    "target": ("target",),
    "plan": ("plan",),
    "progress": ("progress",),
}
#: Kept by an import beside the field it follows (each period's 推进情况), not recorded as a
#: change of its own: the change of ``progress`` is.
QUIET_FIELDS = frozenset({"progress_history"})
#: Fields that follow from another field: changed with it, never recorded on their own.
DERIVED_FIELDS = frozenset({"departments", "status_raw", "deadline_raw", "revision"})
_REPORT = Query().key == "report"
_ALIASES = Query().key == "aliases"
_SCHEDULE = Query().key == "schedule"


def _with_aliases(doc: dict[str, Any], aliases: dict[str, str]) -> dict[str, Any]:
    """The 牵头单位 fields of a project document with merged unit names replaced; the name as
    reported is kept in department_raw (once: a second merge keeps the first report's)."""
    units = split_departments(doc["department"])
    if not set(units) & aliases.keys():
        return {}
    merged = list(dict.fromkeys(aliases.get(u, u) for u in units))
    return {
        "department": " ".join(merged),
        "departments": merged,
        "department_raw": doc.get("department_raw") or doc["department"],
    }


def _without_updates(text: str, project: Project, report: Report) -> str:
    """推进情况 from a file without the lines an export added for the project's dated updates
    (``store.export.current_progress``): reading our own export back must not double them."""
    from store.export import update_line

    # Compared line by line without blank lines: a file format may not keep them.
    known = [
        [line for line in update_line(u, report.year).split("\n") if line.strip()]
        for u in project.updates
    ]
    lines = text.split("\n")
    stripped = True
    while stripped:
        while lines and not lines[-1].strip():
            lines.pop()
        stripped = False
        for block in known:
            if not block:
                continue
            tail = [line for line in lines[-len(block) * 2 :] if line.strip()][-len(block) :]
            if tail == block:
                # drop the block's lines (and the blank lines among them) from the end
                count = 0
                while count < len(block):
                    if lines.pop().strip():
                        count += 1
                stripped = True
                break
    return "\n".join(lines)


def _owner(derived: str) -> str:
    """The field a derived field follows (status_raw -> status)."""
    return derived.removesuffix("_raw").removesuffix("s")


def project_doc(project: Project) -> dict[str, Any]:
    """The project's document (``Project.to_dict``)."""
    return project.to_dict()


_ONE_LINE_TEXT = ("id", "table", "name", "level", "department", "status", "status_raw",
                  "deadline", "deadline_raw", "status_reported", "department_raw")  # fmt: skip
_LONG_TEXT = ("overview", "target", "plan", "progress")


def clean_project(project: Project) -> Project:
    """The project with control, bidi and surrogate characters taken out of every text.

    The store never writes them; this is for data that someone else wrote.
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
    values["progress_history"] = [_clean_value(h) for h in project.progress_history]
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
    one: dict[str, Any] = {
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


def _doc_order(doc: Any) -> tuple[bool, str, int]:
    """``_report_order`` of a stored document, as ``Project.from_dict`` would read it (a
    hand-edited one that it would refuse sorts first; opening the file then says why)."""
    try:
        table = doc.get("table", "")
        table = table if type(table) is str else str(table)
        number = doc.get("number", 0)
        return (table != "县级", table, number if type(number) is int else int(number))
    except (AttributeError, TypeError, ValueError):
        return (False, "", 0)


def keep_report_order(storage: TransactionalStorage) -> None:
    """Put the projects of the data in a transaction in report order, and say so: what a
    first screen reads from the start of the file is then the first projects of the list
    (the sort is stable, so projects that tie stay as they are and the view reads them in
    the same order)."""
    data = storage.read() or {}
    table = data.get(PROJECTS)
    if table:
        data[PROJECTS] = dict(sorted(table.items(), key=lambda item: _doc_order(item[1])))
        storage.write(data)
    storage.ordered = True


class _View:
    """Model objects for one generation of the data: built once, patched by our own writes."""

    def __init__(self, generation: int, storage: TransactionalStorage) -> None:
        self.generation = generation
        #: the data may hold control characters: every text is cleaned on the way in
        self.suspect = storage.suspect
        self.doc_ids: dict[str, int] = {}
        self.by_id: dict[str, Project] = {}
        # The documents as the storage holds them (TinyDB's Storage.read), not Table's copies
        # of them (a dict copy each: 130 ms of opening 10,000 projects): the store never
        # changes a stored document in place, it replaces it (see _Transaction.write), so a
        # project may keep its document as its attributes.
        tables = storage.read() or {}
        for key, doc in tables.get(PROJECTS, {}).items():
            try:
                project = Project.from_dict(doc)
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                detail = f"{type(exc).__name__}: {exc}"
                raise DatabaseError(
                    say("store.malformed_project", key=key, detail=detail)
                ) from None
            if self.suspect:
                project = clean_project(project)
            self.by_id[project.id] = project
            self.doc_ids[project.id] = int(key)
        self.ordered = sorted(self.by_id.values(), key=_report_order)
        self.position = {p.id: i for i, p in enumerate(self.ordered)}
        found = Table(storage, META).get(_REPORT)
        value = found.get("value") if isinstance(found, dict) else None
        self.report = Report.from_dict(value if isinstance(value, dict) else {})
        if self.suspect:
            self.report = _clean_report(self.report)
        found = Table(storage, META).get(_SCHEDULE)
        rule = found.get("value") if isinstance(found, dict) else None
        try:
            self.schedule = ScheduleSettings.from_dict(rule if isinstance(rule, dict) else None)
        except ValueError:  # a hand-edited file: the default rule, and `check` says why
            self.schedule = ScheduleSettings()
        found = Table(storage, META).get(_ALIASES)
        merged = found.get("value") if isinstance(found, dict) else None
        #: unit name as reported -> the name it is merged into (牵头单位 aliases)
        self.aliases: dict[str, str] = {
            clean_text(str(k), single_line=True): clean_text(str(v), single_line=True)
            for k, v in (merged.items() if isinstance(merged, dict) else ())
        }
        self._storage = storage
        self._history: list[Change] | None = None
        self._by_project: dict[str, list[Change]] | None = None

    def history(self) -> list[Change]:
        """All changes, oldest first."""
        if self._history is None:
            table = Table(self._storage, HISTORY)
            changes = [Change.from_doc(doc.doc_id, doc) for doc in table]
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


class _Transaction:
    """What one transaction changes, written through TinyDB's tables when it ends."""

    def __init__(self, store: DocumentStore, view: _View) -> None:
        storage = self.storage = store._storage
        self.view = view
        self.projects = Table(storage, PROJECTS)
        self.history = Table(storage, HISTORY)
        self.meta = Table(storage, META)
        self.at = now_iso()  # one moment for everything the transaction records
        self.user = store.user
        self.changed: dict[str, dict[str, Any]] = {}  # project id -> its new document
        self.created: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []
        self.recorded: list[Change] = []
        self.report: Report | None = None
        self.aliases: dict[str, str] | None = None
        self.schedule: ScheduleSettings | None = None

    def current(self, project_id: str) -> Project:
        """The project as the data holds it now (or as this transaction changed it)."""
        pid = canonical_id(project_id)
        if pid in self.changed:
            return Project.from_dict(dict(self.changed[pid]))
        doc_id = self.view.doc_ids.get(pid)
        doc = self.projects.get(doc_id=doc_id) if doc_id is not None else None
        if not isinstance(doc, dict):
            raise UnknownProjectError(say("store.no_project", id=quote(project_id)))
        project = Project.from_dict(dict(doc))
        # Text someone else wrote with control characters is cleaned by the next save of it.
        return clean_project(project) if self.view.suspect else project

    def put(self, doc: dict[str, Any]) -> None:
        self.changed[doc["id"]] = doc

    def record(
        self, project: str, fld: str, old: Any, new: Any, source: str, note: str = ""
    ) -> None:
        doc: dict[str, Any] = {
            "project": project,
            "field": fld,
            "old": old,
            "new": new,
            "at": self.at,
            "by": self.user,
            "source": source,
        }
        if note:
            doc["note"] = note
        self.changes.append(doc)

    def write(self) -> None:
        """Hand everything to TinyDB: one call per table (the storage holds it until commit)."""
        storage = self.storage
        moved = bool(self.created) or not storage.ordered
        if self.changed:
            changed = self.changed
            keys = [str(self.view.doc_ids[pid]) for pid in changed]
            storage.announce(PROJECTS, keys)
            # Replaced, not changed in place (Table.update would): readers keep the old
            # ones. In its place (Table.remove and insert would move it to the end).
            data = storage.read() or {}
            table = data.setdefault(PROJECTS, {})
            by_id = self.view.by_id
            for pid, key in zip(changed, keys, strict=True):
                doc = changed[pid]
                old = by_id.get(pid)
                moved = moved or old is None or _doc_order(doc) != _report_order(old)
                table[key] = doc
            storage.write(data)
        if self.created:
            self.projects.insert_multiple(self.created)
        if moved:
            keep_report_order(storage)
        if self.report is not None:
            storage.announce(META)
            self.meta.upsert({"key": "report", "value": self.report.to_dict()}, _REPORT)
        if self.aliases is not None:
            storage.announce(META)
            self.meta.upsert({"key": "aliases", "value": dict(self.aliases)}, _ALIASES)
        if self.schedule is not None:
            storage.announce(META)
            self.meta.upsert({"key": "schedule", "value": self.schedule.to_dict()}, _SCHEDULE)
        if self.changes:
            ids = self.history.insert_multiple(self.changes)
            self.recorded = [Change.from_doc(i, d) for i, d in zip(ids, self.changes, strict=True)]

    def patch(self, view: _View) -> None:
        """Make the view what the data now is, without building it again."""
        for doc in self.changed.values():
            view.replace(Project.from_dict(dict(doc)))
        for change in self.recorded:
            view.add_change(change)
        if self.report is not None:
            view.report = Report.from_dict(self.report.to_dict())
        if self.aliases is not None:
            view.aliases = dict(self.aliases)
        if self.schedule is not None:
            view.schedule = self.schedule


class DocumentStore:
    """The projects on TinyDB tables; every write locked, all or nothing, recorded in history."""

    location: str
    home: Path

    def __init__(
        self,
        storage: TransactionalStorage,
        lock: AbstractContextManager[Any],
        *,
        user: str | None = None,
        read_only: bool = False,
        read_only_reason: str = "",
    ) -> None:
        self._storage = storage
        self._lock = lock
        self.user = user or current_user()
        self.read_only = read_only
        #: why edits are off, for people ("--read-only", "not writable by bob"...)
        self.read_only_reason = read_only_reason if read_only else ""
        self._mutex = threading.RLock()
        self._view: _View | None = None

    def _locate(
        self,
        path: str | Path,
        *,
        read_only: bool,
        allow_network_fs: bool,
        wait: float | None,
        on_wait: Callable[[str], None] | None,
    ) -> None:
        """Where a database file is (the path resolved once: a symbolic link's target is the
        file written), and how its writers wait for each other. For writing, a file on a
        network file system is refused (its locks may not work) and its folder is made."""
        given = Path(path)
        self.path = Path(os.path.realpath(given))
        self.location = str(given)
        self.home = self.path.parent
        #: seconds to wait for another writer's lock before giving up (None: as long as it takes)
        self.wait = wait
        #: told who holds the lock when a save has waited for it a second
        self.on_wait = on_wait
        if not read_only and not allow_network_fs:
            kind = network_filesystem(self.path.parent)
            if kind:
                raise NetworkFilesystemError(say("db.network_fs", path=self.path, kind=kind))
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)

    # --- reading -------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        """Changes whenever the data this store sees changes (here or in another process)."""
        return self._storage.generation

    def refresh(self) -> bool:
        """Look at the data again; True when another process changed it."""
        with self._mutex:
            return self._storage.refresh()

    def _sync(self) -> _View:
        """The view of the data as it is now."""
        self._storage.refresh()
        view = self._view
        if view is None or view.generation != self._storage.generation:
            with collector_paused():
                view = _View(self._storage.generation, self._storage)
            self._view = view
        return view

    def projects(self) -> list[Project]:
        """All projects in report order (treat them as read-only)."""
        with self._mutex:
            return list(self._sync().ordered)

    def first_projects(self, count: int) -> FirstScreen | None:
        """The first projects from the first bytes of the data, when the storage can read
        them so and they were written in report order (or from the view already read)."""
        with self._mutex:
            view = self._view
            if (
                view is not None
                and not self._storage.refresh()
                and view.generation == (self._storage.generation)
            ):
                return FirstScreen(view.ordered[:count], view.report, view.schedule)
            tables = self._storage.head(count, PROJECTS)
        if tables is None or META not in tables:
            return None
        try:
            projects = [Project.from_dict(doc) for doc in tables.get(PROJECTS, {}).values()]
        except (KeyError, TypeError, ValueError, AttributeError):
            return None  # (the full read says what is wrong)
        meta = {doc.get("key"): doc.get("value") for doc in tables[META].values()}
        report, rule = meta.get("report"), meta.get("schedule")
        try:
            settings = ScheduleSettings.from_dict(rule if isinstance(rule, dict) else None)
        except ValueError:
            settings = ScheduleSettings()
        return FirstScreen(
            projects, Report.from_dict(report if isinstance(report, dict) else {}), settings
        )

    def get(self, project_id: str) -> Project:
        """The project with that id ('s1', 'S01' alike)."""
        with self._mutex:
            try:
                return self._sync().by_id[canonical_id(project_id)]
            except KeyError:
                raise UnknownProjectError(say("store.no_project", id=quote(project_id))) from None

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

    # --- the transaction -----------------------------------------------------------------
    def _before_commit(self, reason: str | None) -> None:
        """Called with the lock held when a transaction has something to write (backups)."""

    def _before_write(self) -> None:
        """Called last before the data is replaced (a check that the lock is still ours)."""

    def _refuse_if_read_only(self) -> None:
        if self.read_only:
            if self.read_only_reason:
                raise StoreError(
                    say(
                        "store.read_only_because", where=self.location, reason=self.read_only_reason
                    )
                )
            raise StoreError(say("store.read_only", where=self.location))

    @contextlib.contextmanager
    def _transaction(self, backup: str | None = None) -> Iterator[_Transaction]:
        """Lock, see the data as another process may have left it, change, write once."""
        self._refuse_if_read_only()
        with self._mutex, self._lock:
            # Every change goes through _Transaction.write, which names the documents it
            # changes: the storage need not compare every document to find them.
            self._storage.begin(announced=True)
            try:
                view = self._sync()
                tx = _Transaction(self, view)
                yield tx
                tx.write()
                if self._storage.pending:
                    self._before_commit(backup)
                    self._before_write()
            except BaseException:
                self._storage.rollback()
                self._view = None
                raise
            try:
                written = self._storage.commit()
            except OSError as exc:  # a full disk, an I/O error: the file is as it was
                self._view = None
                detail = os_problem(exc)
                raise StoreError(
                    say("store.not_written", where=self.location, detail=detail)
                ) from exc
            except BaseException:
                self._view = None
                raise
            if tx.created:
                self._view = None  # new projects: the view is built again on the next read
            elif written and self._view is view:
                tx.patch(view)  # our own write: the patched view is the new data
                view.generation = self._storage.generation

    # --- writing -------------------------------------------------------------------------
    def save(self, edit: Edit) -> Saved:
        """Apply one user's edit (fields and/or a dated update) and return what it recorded.

        A save whose lock was taken away (its lock file deleted) is tried again, twice."""
        for attempt in range(3):
            try:
                return self._save(edit)
            except LockLostError:
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _save(self, edit: Edit) -> Saved:
        fields = {name: self._normalise_value(name, v) for name, v in edit.fields.items()}
        update = self._normalise_update(edit.update) if edit.update is not None else None
        note = clean_text(edit.note, single_line=True)
        with self._transaction() as tx:
            project = tx.current(edit.project_id)
            before = project_doc(project)
            derived = [self._derived(name, value, before) for name, value in fields.items()]
            touched = [name for part in derived for name in part]
            if update is not None:
                touched.append("updates")
            self._check_revision(tx, project, edit, touched)
            after = dict(before)
            for part in derived:
                after.update(part)
            recorded = {
                k: v for k, v in after.items() if before.get(k) != v and k not in DERIVED_FIELDS
            }
            if update is not None:
                new = {"month": update.month, "text": update.text, "at": tx.at, "by": self.user}
                after["updates"] = before["updates"] + [new]
                recorded["updates"] = after["updates"]
            if not recorded:
                return Saved(project)
            after["revision"] = project.revision + 1
            tx.put(after)
            for k, v in recorded.items():
                why = "" if k == "updates" else note
                tx.record(project.id, k, before.get(k), v, edit.source, why)
        return Saved(Project.from_dict(dict(after)), tuple(tx.recorded))

    def undo(self, change_id: int, *, source: str) -> Saved:
        """Put back the value a recorded change replaced (the undo is itself recorded)."""
        with self._transaction() as tx:
            found = tx.history.get(doc_id=change_id)
            if not isinstance(found, Document):
                raise StoreError(say("store.no_change", id=change_id))
            change = Change.from_doc(found.doc_id, found)
            if not change.project:
                raise StoreError(
                    say("store.change_not_of_project", id=change_id, field=change.field)
                )
            if change.field == "*":
                raise StoreError(say("store.change_created", id=change_id, project=change.project))
            project = tx.current(change.project)
            before = project_doc(project)
            if change.field not in before or change.field in DERIVED_FIELDS:
                raise StoreError(
                    say("store.change_cannot_undo", id=change_id, field=_field_name(change.field))
                )
            if before[change.field] != change.new:
                raise ConflictError(project, self._last_change(tx.view, project.id, change.field))
            after = dict(before)
            if change.field in FIELD_LABELS:
                after.update(self._derived(change.field, change.old or "", before))
            else:
                after[change.field] = change.old
            if after == before:
                return Saved(project)
            after["revision"] = project.revision + 1
            tx.put(after)
            # (recorded as "undo:<source>", so history can say 撤销 without reading the note)
            tx.record(
                project.id, change.field, change.new, after[change.field], f"undo:{source}",
                note=f"{UNDO_NOTE}{change.id}",
            )  # fmt: skip
        return Saved(Project.from_dict(dict(after)), tuple(tx.recorded))

    def set_period(self, period_from: int, period_to: int, *, source: str = "cli") -> Report:
        """Change the months the report covers."""
        if not (1 <= period_from <= period_to <= 12):
            raise StoreError(say("store.bad_period", period=months(period_from, period_to)))
        with self._transaction() as tx:
            report = Report.from_dict(tx.view.report.to_dict())
            old = report.to_dict()
            report.period_from, report.period_to = period_from, period_to
            if report.to_dict() == old:
                return report
            tx.report = report
            tx.record("", "period", old.get("period"), report.to_dict()["period"], source)
        return report

    def schedule_settings(self) -> ScheduleSettings:
        """The 序时 rule everyone on this data judges by (basis and thresholds)."""
        with self._mutex:
            return self._sync().schedule

    def set_schedule_settings(self, settings: ScheduleSettings, *, source: str) -> None:
        """Change the 序时 rule (recorded)."""
        with self._transaction() as tx:
            old = tx.view.schedule
            if old == settings:
                return
            tx.schedule = settings
            tx.record("", "schedule", old.to_dict(), settings.to_dict(), source)

    def correct_indicator(
        self, project_id: str, correction: dict[str, Any], *, source: str
    ) -> Saved:
        """Correct (or add, or with ``remove`` take out) one 序时 indicator of a project, by
        its name and unit: target, planned, actual as numbers or None (as read). Kept with
        the project, recorded, and never replaced by an import."""
        edit: dict[str, Any] = {
            "name": clean_text(str(correction.get("name", "")), single_line=True),
            "unit": clean_text(str(correction.get("unit", "")), single_line=True),
        }
        if not edit["name"] and not edit["unit"]:
            raise StoreError(say("store.indicator_unnamed"))
        for key in ("target", "planned", "actual"):
            value = correction.get(key)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                      or value != value or value < 0):  # fmt: skip
                what = {
                    "target": say("store.indicator_target"),
                    "planned": say("store.indicator_planned"),
                    "actual": say("store.indicator_actual"),
                }[key]
                raise StoreError(say("store.indicator_not_number", what=what, value=quote(value)))
            edit[key] = value
        if correction.get("remove"):
            edit["remove"] = True
        edit["note"] = clean_text(str(correction.get("note", "")), single_line=True)
        with self._transaction() as tx:
            project = tx.current(project_id)
            before = project_doc(project)
            edits = [
                e for e in before["indicator_edits"]
                if (e.get("name"), e.get("unit")) != (edit["name"], edit["unit"])
            ]  # fmt: skip
            edits.append({**edit, "by": self.user, "at": tx.at})
            after = {**before, "indicator_edits": edits, "revision": project.revision + 1}
            tx.put(after)
            tx.record(project.id, "indicator_edits", before["indicator_edits"], edits, source)
        return Saved(Project.from_dict(dict(after)), tuple(tx.recorded))

    def aliases(self) -> dict[str, str]:
        """牵头单位 names merged into others: the name as reported -> the name it counts as."""
        with self._mutex:
            return dict(self._sync().aliases)

    def merge_units(self, old: str, new: str, *, source: str) -> list[Change]:
        """Count the unit ``old`` as ``new`` from now on (facets, filters, search, exports, and
        later imports); each project's 牵头单位 as reported stays in ``department_raw``."""
        old = clean_text(old, single_line=True).strip()
        new = clean_text(new, single_line=True).strip()
        if not old or not new or old == new:
            raise StoreError(say("store.merge_same", old=quote(old), new=quote(new)))
        with self._transaction() as tx:
            aliases = dict(tx.view.aliases)
            if aliases.get(new) == old:
                raise StoreError(say("store.already_merged", new=new, old=old))
            aliases = {k: (new if v == old else v) for k, v in aliases.items()}
            aliases[old] = new
            tx.aliases = aliases
            tx.record("", "alias", None, {"from": old, "to": new}, source)
            for project in tx.view.ordered:
                if old not in project.departments:
                    continue
                before = project_doc(tx.current(project.id))
                after = {**before, **_with_aliases(before, {old: new})}
                after["revision"] = before["revision"] + 1
                tx.put(after)
                tx.record(project.id, "department", before["department"], after["department"],
                          source, note=say("store.merge_note", old=old, new=new))  # fmt: skip
        return list(tx.recorded)

    def unmerge_units(self, old: str, *, source: str) -> list[Change]:
        """Undo ``merge_units`` of ``old``: the projects get their 牵头单位 as reported back."""
        old = clean_text(old, single_line=True).strip()
        with self._transaction() as tx:
            aliases = dict(tx.view.aliases)
            if old not in aliases:
                raise StoreError(say("store.not_merged", old=old))
            new = aliases.pop(old)
            tx.aliases = aliases
            tx.record("", "alias", {"from": old, "to": new}, None, source)
            for project in tx.view.ordered:
                if old not in split_departments(project.department_raw):
                    continue
                before = project_doc(tx.current(project.id))
                raw = before["department_raw"]
                after = {**before, "department": raw, "department_raw": "",
                         "departments": split_departments(raw)}  # fmt: skip
                after.update(_with_aliases(after, aliases))
                after["revision"] = before["revision"] + 1
                tx.put(after)
                tx.record(project.id, "department", before["department"], after["department"],
                          source, note=say("store.unmerge_note", old=old, new=new))  # fmt: skip
        return list(tx.recorded)

    def import_report(
        self,
        parsed: ParsedReport,
        *,
        source: str,
        clear_empty: bool = False,
        take_reported: bool = False,
    ) -> ImportResult:
        """Upsert every record by (table, number); each changed field goes into history.

        Only the columns a row has are changed: a column the file lacks leaves its field as
        it is, and an empty cell clears its field only with ``clear_empty``. A field someone
        changed by hand since it was last imported keeps the hand edit (listed in
        ``ImportResult.kept``) unless ``take_reported``; the reported 工作成效 always goes to
        ``status_reported``. Each period's 推进情况 is kept in ``progress_history``.
        Nothing is written when nothing changed.
        """
        result = ImportResult(warnings=list(parsed.warnings))
        with self._transaction(backup="import") as tx:
            report = tx.view.report
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
                tx.report = merged
            latest: dict[str, tuple[ProjectRecord, Project]] = {}
            # The warnings name the file ('import:t.md' is the history's code for it).
            file = source.removeprefix("import:") or source
            for record in parsed.records:
                record = _clean_record(record)
                project = project_from_record(record, merged.year)
                if tx.view.aliases and set(project.departments) & tx.view.aliases.keys():
                    doc = project_doc(project)
                    project = Project.from_dict({**doc, **_with_aliases(doc, tx.view.aliases)})
                if project.id in latest:
                    first = latest.pop(project.id)[0]
                    result.warnings.append(
                        say(
                            "store.import_repeated",
                            where=say("where.line", file=file, line=record.line),
                            table=project.table,
                            number=project.number,
                            first=first.line,
                        )
                    )
                latest[project.id] = (record, project)
                status = record.fields.get("status", "").strip()
                problem = (
                    read_status(clean_text(status, single_line=True)).problem if status else ""
                )
                if problem:
                    where = say("where.line", file=file, line=record.line)
                    result.warnings.append(
                        say("store.import_status", where=where, id=project.id, problem=problem)
                    )
            entry = {
                "period": merged.to_dict()["period"], "source": source, "at": tx.at,
            }  # fmt: skip
            for record, project in latest.values():
                pid = project.id
                if pid not in tx.view.doc_ids:
                    doc = project_doc(project)
                    if "progress" in record.fields and project.progress:
                        doc["progress_history"] = [{**entry, "text": project.progress}]
                    tx.created.append(doc)
                    tx.record(pid, "*", None, "created", source)
                    result.new.append(pid)
                    continue
                current = tx.current(pid)
                before = project_doc(current)
                fresh = project_doc(project)
                if current.updates and fresh["progress"]:  # our own export read back
                    fresh["progress"] = _without_updates(fresh["progress"], current, merged)
                settable = self._imported_fields(record, clear_empty)
                if fresh["indicators_reported"]:  # a table with numbers in its own columns
                    settable.append("indicators_reported")
                hand = set() if take_reported else self._hand_edited(tx.view, pid)
                diff: dict[str, Any] = {}
                for k in settable:
                    if before.get(k) == fresh[k]:
                        continue
                    if k in hand or (k in DERIVED_FIELDS and _owner(k) in hand):
                        if k not in DERIVED_FIELDS:
                            result.kept.setdefault(pid, []).append(k)
                        continue
                    diff[k] = fresh[k]
                if "status" in settable and before.get("status_reported") != fresh["status"]:
                    diff["status_reported"] = fresh["status"]  # what the report says, always
                if "status_raw" in diff or "status_reported" in diff:
                    diff["status_raw"] = fresh["status_raw"]
                if record.extra:
                    extra = {**before.get("extra", {}), **fresh["extra"]}
                    if extra != before.get("extra"):
                        diff["extra"] = extra
                if "progress" in settable and fresh["progress"]:
                    history = self._progress_history(before, fresh["progress"], entry, report)
                    if history != before.get("progress_history", []):
                        diff["progress_history"] = history
                after = {**before, **diff}
                if after.get("status") and after.get("status") != after.get("status_reported"):
                    result.differs.append(pid)
                recorded = [k for k in diff if k not in DERIVED_FIELDS and k not in QUIET_FIELDS]
                if not recorded:
                    if diff:  # a new period's entry of the same progress: kept, not a change
                        tx.put(after)
                    result.unchanged.append(pid)
                    continue
                after["revision"] = int(before.get("revision", 1)) + 1
                tx.put(after)
                for k in recorded:
                    tx.record(pid, k, before.get(k), diff[k], source)
                result.changed.append(pid)
                result.fields[pid] = recorded
        return result

    @staticmethod
    def _hand_edited(view: _View, project_id: str) -> set[str]:
        """The fields whose last recorded change was not an import's (someone's judgement)."""
        last: dict[str, str] = {}
        for change in view.history_of(project_id):
            last[change.field] = change.source
        return {f for f, src in last.items() if not src.startswith("import")}

    @staticmethod
    def _progress_history(
        before: dict[str, Any], text: str, entry: dict[str, Any], report: Report
    ) -> list[dict[str, Any]]:
        """The periods' progress with this import's: its period's entry replaced or added."""
        history = [dict(h) for h in before.get("progress_history") or []]
        if not history and before.get("progress"):  # kept before periods were: the last one
            history.append({
                "period": report.to_dict()["period"], "text": before["progress"],
                "source": "", "at": "",
            })  # fmt: skip
        if history and history[-1].get("period") == entry["period"]:
            if history[-1].get("text") == text:
                return history
            history[-1] = {**entry, "text": text}
        else:
            history.append({**entry, "text": text})
        return history

    @staticmethod
    def _imported_fields(record: ProjectRecord, clear_empty: bool) -> list[str]:
        """The model fields a row sets: its columns' (an empty cell only with clear_empty)."""
        fields: list[str] = []
        for column, value in record.fields.items():
            if not value.strip() and not clear_empty:
                continue
            fields.extend(COLUMN_FIELDS.get(column, ()))
        return fields

    # --- checks --------------------------------------------------------------------------
    def _last_change(self, view: _View, project_id: str, fld: str | None = None) -> Change | None:
        for change in reversed(view.history_of(project_id)):
            if fld is None or change.field == fld:
                return change
        return None

    def _check_revision(
        self, tx: _Transaction, project: Project, edit: Edit, touched: Iterable[str]
    ) -> None:
        """Refuse a save made from an older revision, unless (given ``edit.seen``, the project
        as the editor showed it) the fields it touches are still as they were: someone else
        changed only other fields, and this save goes on top of theirs."""
        expected = edit.started_from
        if expected is None or project.revision == expected:
            return
        if edit.seen is not None:
            now, seen = project_doc(project), project_doc(edit.seen)
            if all(now.get(name) == seen.get(name) for name in touched):
                return
        raise ConflictError(project, self._last_change(tx.view, project.id), expected)

    def check(self, backup: Path | None = None) -> CheckReport:
        """Verify the data: every document of the model's shape, ids unique, text clean."""
        from store.checks import check_tables

        if backup is not None:
            raise StoreError(say("store.no_backups", where=self.location))
        with self._mutex:
            self._storage.refresh()
            return check_tables(self._storage.read() or {}, self.location)

    def backups(self) -> list[Path]:
        """No copies are kept by this implementation."""
        return []

    def restore(self, backup: str | Path) -> RestoreResult:
        """Refused: this implementation keeps no copies."""
        raise StoreError(say("store.no_backups_to_restore", where=self.location))

    # --- conveniences over save() for scripts and tests ----------------------------------
    def update_fields(
        self,
        project_id: str,
        values: dict[str, str],
        *,
        source: str,
        expected_revision: int | None = None,
        seen: Project | None = None,
        note: str = "",
    ) -> Project:
        """``save`` of field values; the project as saved."""
        edit = Edit(project_id, values, source=source, note=note, seen=seen,
                    expected_revision=expected_revision)  # fmt: skip
        return self.save(edit).project

    def set_status(
        self,
        project_id: str,
        status: str,
        *,
        source: str,
        note: str = "",
        expected_revision: int | None = None,
    ) -> Project:
        """``save`` of 工作成效 (one of STATUSES; synonyms accepted)."""
        return self.update_fields(
            project_id, {"status": status}, source=source, note=note,
            expected_revision=expected_revision,
        )  # fmt: skip

    def add_update(
        self,
        project_id: str,
        month: str,
        text: str,
        *,
        source: str,
        expected_revision: int | None = None,
        seen: Project | None = None,
    ) -> Project:
        """``save`` of a dated progress note (month 'YYYY-MM')."""
        edit = Edit(project_id, update=NewUpdate(month, text), source=source, seen=seen,
                    expected_revision=expected_revision)  # fmt: skip
        return self.save(edit).project

    # --- values --------------------------------------------------------------------------
    @staticmethod
    def _normalise_update(update: NewUpdate) -> NewUpdate:
        # The whole text is a year and a month ('2023-07', '2023年7月'), nothing after it.
        given = unicodedata.normalize("NFKC", update.month).strip()
        found = _UPDATE_MONTH_RE.fullmatch(given)
        year, month_number = (int(found[1]), int(found[2])) if found else (0, 0)
        if year not in UPDATE_YEARS or not 1 <= month_number <= 12:
            first, last = UPDATE_YEARS.start, UPDATE_YEARS.stop - 1
            raise StoreError(
                say("store.bad_update_month", value=quote(update.month), first=first, last=last)
            )
        month = f"{year:04d}-{month_number:02d}"
        # As an import reads a cell: the update reads back the same from an export.
        text = tidy_lines(update.text)
        if not text:
            raise StoreError(say("store.update_empty"))
        return NewUpdate(month, text)

    @staticmethod
    def _normalise_value(name: str, value: str) -> str:
        if name not in FIELD_LABELS:
            raise StoreError(say("store.not_editable", name=quote(name)))
        value = clean_text(value, single_line=name in SINGLE_LINE_FIELDS)
        value = value.strip()
        if name == "name" and not value:
            raise StoreError(say("store.empty", label=FIELD_LABELS[name]))
        if name == "status" and normalise_status(value) not in STATUSES:
            raise StoreError(_not_one_of(name, STATUSES, value))
        if name == "deadline" and value and not normalise_deadline(value):
            raise StoreError(
                say("store.bad_deadline", label=FIELD_LABELS[name], value=quote(value))
            )
        if name == "level" and value and value not in LEVELS:
            raise StoreError(_not_one_of(name, LEVELS, value))
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

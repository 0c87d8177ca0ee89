"""ProjectStore: the projects on TinyDB, every write locked, atomic and recorded in history."""

from __future__ import annotations

import contextlib
import os
import pwd
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Table

from store.models import (
    FIELD_LABELS,
    STATUSES,
    ParsedReport,
    Project,
    Report,
    Update,
    canonical_id,
    clean_text,
    normalise_deadline,
    normalise_status,
    project_from_record,
    split_departments,
)
from store.storage import AtomicJSONStorage, DatabaseError, FileLock

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


class StoreError(Exception):
    """A refused operation: the message says why, in a line."""


class UnknownProjectError(StoreError):
    """No project has that id."""


class ConflictError(StoreError):
    """The project changed since the editor read it."""

    def __init__(self, project: Project, change: Change | None) -> None:
        who = f"{change.by} at {change.at}" if change else "another editor"
        super().__init__(
            f"{project.id} was changed by {who} (now revision {project.revision}); reload and retry"
        )
        self.project = project
        self.change = change


@dataclass(frozen=True)
class Change:
    """One recorded change of one field."""

    id: int
    project: str
    field: str
    old: Any
    new: Any
    at: str
    by: str
    source: str
    note: str = ""


@dataclass
class ImportResult:
    """What an import did."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people."""
        return (
            f"{len(self.new)} new, {len(self.changed)} changed, "
            f"{len(self.unchanged)} unchanged"
        )


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


class ProjectStore:
    """The projects of one database file, safe to share between processes and users."""

    def __init__(
        self, path: str | Path, *, user: str | None = None, read_only: bool = False
    ) -> None:
        self.path = Path(path)
        self.user = user or current_user()
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._storage = AtomicJSONStorage(self.path, read_only=read_only)
        self._db = TinyDB(storage=lambda: self._storage)  # type: ignore[arg-type]
        self._projects: Table = self._db.table("projects")
        self._history: Table = self._db.table("history")
        self._meta: Table = self._db.table("meta")
        self._lock = FileLock(self.path)
        self._cache_generation = -1
        self._cache: list[Project] = []
        self._by_id: dict[str, Project] = {}
        self._doc_ids: dict[str, int] = {}
        self._storage.refresh()  # a broken file is reported now, not at first use

    # --- reading -------------------------------------------------------------------------
    @property
    def generation(self) -> int:
        """Changes whenever the data this store sees changes (here or in another process)."""
        return self._storage.generation

    def refresh(self) -> bool:
        """Look at the file again; True when another process changed it."""
        return self._storage.refresh()

    def _load(self) -> None:
        self._storage.refresh()
        if self._cache_generation == self._storage.generation:
            return
        raw = (self._storage.read() or {}).get("projects", {})
        projects = []
        doc_ids = {}
        for doc_id, doc in raw.items():
            project = Project.from_dict(doc)
            projects.append(project)
            doc_ids[project.id] = int(doc_id)
        projects.sort(key=lambda p: (p.table != "县级", p.table, p.number))
        self._cache = projects
        self._by_id = {p.id: p for p in projects}
        self._doc_ids = doc_ids
        self._cache_generation = self._storage.generation

    def projects(self) -> list[Project]:
        """All projects in report order (treat them as read-only)."""
        self._load()
        return list(self._cache)

    def get(self, project_id: str) -> Project:
        """The project with that id ('s1', 'S01' alike)."""
        self._load()
        try:
            return self._by_id[canonical_id(project_id)]
        except KeyError:
            raise UnknownProjectError(f"no project with id {project_id!r}") from None

    def report(self) -> Report:
        """The report's metadata."""
        docs = self._meta.search(lambda doc: doc.get("key") == "report")
        return Report.from_dict(docs[0].get("value", {})) if docs else Report()

    def history(self, project_id: str | None = None) -> list[Change]:
        """Recorded changes, oldest first; of one project when an id is given."""
        wanted = canonical_id(project_id) if project_id else None
        raw = (self._storage.read() or {}).get("history", {})
        changes = []
        for doc_id, doc in raw.items():
            if wanted and doc.get("project") != wanted:
                continue
            changes.append(
                Change(
                    id=int(doc_id),
                    project=doc.get("project", ""),
                    field=doc.get("field", ""),
                    old=doc.get("old"),
                    new=doc.get("new"),
                    at=doc.get("at", ""),
                    by=doc.get("by", ""),
                    source=doc.get("source", ""),
                    note=doc.get("note", ""),
                )
            )
        changes.sort(key=lambda c: c.id)
        return changes

    # --- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """Lock, see the file as another process may have left it, change, write once."""
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only; edits are off")
        with self._lock:
            self._storage.begin()
            for table in (self._projects, self._history, self._meta):
                table.clear_cache()
                table._next_id = None  # another process may have added documents
            try:
                yield
            except BaseException:
                self._storage.rollback()
                raise
            self._storage.commit()

    def _record(
        self, project: str, fld: str, old: Any, new: Any, source: str, note: str = ""
    ) -> dict[str, Any]:
        doc = {
            "project": project,
            "field": fld,
            "old": old,
            "new": new,
            "at": now_iso(),
            "by": self.user,
            "source": source,
        }
        if note:
            doc["note"] = note
        return doc

    def _current(self, project_id: str) -> tuple[int, Project]:
        """The project as the file holds it now (inside a transaction)."""
        self._load_in_transaction()
        pid = canonical_id(project_id)
        if pid not in self._doc_ids:
            raise UnknownProjectError(f"no project with id {project_id!r}")
        doc_id = self._doc_ids[pid]
        doc = (self._storage.read() or {})["projects"][str(doc_id)]
        return doc_id, Project.from_dict(doc)

    def _load_in_transaction(self) -> None:
        if self._cache_generation != self._storage.generation:
            self._cache_generation = -1
            raw = (self._storage.read() or {}).get("projects", {})
            self._doc_ids = {str(doc["id"]): int(doc_id) for doc_id, doc in raw.items()}

    def _last_change(self, project_id: str) -> Change | None:
        changes = self.history(project_id)
        return changes[-1] if changes else None

    def update_fields(
        self,
        project_id: str,
        values: dict[str, str],
        *,
        source: str,
        expected_revision: int | None = None,
        note: str = "",
    ) -> Project:
        """Change fields of one project; refuses if it moved past ``expected_revision``."""
        changes = {name: self._normalise_value(name, value) for name, value in values.items()}
        with self._transaction():
            doc_id, project = self._current(project_id)
            if expected_revision is not None and project.revision != expected_revision:
                raise ConflictError(project, self._last_change(project.id))
            before = project.to_dict()
            after = dict(before)
            for name, value in changes.items():
                after.update(self._derived(name, value, before))
            diff = {k: v for k, v in after.items() if before.get(k) != v and k != "revision"}
            if not diff:
                return project
            after["revision"] = project.revision + 1
            self._projects.update(after, doc_ids=[doc_id])
            self._history.insert_multiple(
                self._record(project.id, k, before.get(k), v, source, note)
                for k, v in diff.items()
                if k not in ("departments", "status_raw", "deadline_raw")
            )
        return Project.from_dict(after)

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
    ) -> Project:
        """Add a dated progress note (month 'YYYY-MM')."""
        month_norm = normalise_deadline(month)
        if not month_norm:
            raise StoreError(f"month {month!r} is not of the form YYYY-MM")
        text = clean_text(text).strip()
        if not text:
            raise StoreError("an update needs some text")
        with self._transaction():
            doc_id, project = self._current(project_id)
            if expected_revision is not None and project.revision != expected_revision:
                raise ConflictError(project, self._last_change(project.id))
            before = [_update_dict(u) for u in project.updates]
            new = Update(month=month_norm, text=text, at=now_iso(), by=self.user)
            after = before + [_update_dict(new)]
            self._projects.update(
                {"updates": after, "revision": project.revision + 1}, doc_ids=[doc_id]
            )
            self._history.insert(self._record(project.id, "updates", before, after, source))
        project.updates.append(new)
        project.revision += 1
        return project

    def undo(self, change_id: int, *, source: str) -> Project:
        """Put back the value a recorded change replaced (the undo is itself recorded)."""
        matches = [c for c in self.history() if c.id == change_id]
        if not matches:
            raise StoreError(f"no change {change_id} in history")
        change = matches[0]
        with self._transaction():
            doc_id, project = self._current(change.project)
            before = project.to_dict()
            if before.get(change.field) != change.new:
                raise ConflictError(project, self._last_change(project.id))
            after = dict(before)
            if change.field == "updates" or change.field not in FIELD_LABELS:
                after[change.field] = change.old
            else:
                after.update(self._derived(change.field, change.old or "", before))
            after["revision"] = project.revision + 1
            self._projects.update(after, doc_ids=[doc_id])
            self._history.insert(
                self._record(
                    project.id, change.field, change.new, change.old, source,
                    note=f"undo of change {change.id}",
                )
            )
        return Project.from_dict(after)

    def set_period(self, period_from: int, period_to: int) -> Report:
        """Change the months the report covers."""
        if not (1 <= period_from <= period_to <= 12):
            raise StoreError(f"period {period_from}-{period_to} is not within months 1-12")
        with self._transaction():
            report = self.report()
            old = report.to_dict()
            report.period_from, report.period_to = period_from, period_to
            self._save_report(report)
            self._history.insert(
                self._record("", "period", old.get("period"), report.to_dict()["period"], "cli")
            )
        return report

    def _save_report(self, report: Report) -> None:
        docs = self._meta.search(lambda doc: doc.get("key") == "report")
        if docs:
            self._meta.update({"value": report.to_dict()}, doc_ids=[docs[0].doc_id])
        else:
            self._meta.insert({"key": "report", "value": report.to_dict()})

    def import_report(self, parsed: ParsedReport, *, source: str) -> ImportResult:
        """Upsert every record by (table, number); each changed field goes into history."""
        result = ImportResult(warnings=list(parsed.warnings))
        with self._transaction():
            report = self.report()
            incoming = parsed.report
            merged = Report(
                region=incoming.region or report.region,
                year=incoming.year or report.year,
                period_from=(
                    incoming.period_from
                    if incoming.period_from is not None
                    else report.period_from
                ),
                period_to=(
                    incoming.period_to if incoming.period_to is not None else report.period_to
                ),
                titles={**report.titles, **incoming.titles},
            )
            if merged.to_dict() != report.to_dict():
                self._save_report(merged)
            self._load_in_transaction()
            raw = (self._storage.read() or {}).get("projects", {})
            new_docs: list[dict[str, Any]] = []
            history: list[dict[str, Any]] = []
            seen: set[str] = set()
            for record in parsed.records:
                project = project_from_record(record, merged.year)
                if project.id in seen:
                    result.warnings.append(
                        f"{source}:{record.line}: {project.table} 编号 {project.number} "
                        "appears twice; the later row wins"
                    )
                seen.add(project.id)
                doc_id = self._doc_ids.get(project.id)
                if doc_id is None:
                    new_docs.append(project.to_dict())
                    history.append(self._record(project.id, "*", None, "created", source))
                    result.new.append(project.id)
                    self._doc_ids[project.id] = -1
                    continue
                if doc_id == -1:  # twice in one file: update the pending new document
                    for doc in new_docs:
                        if doc["id"] == project.id:
                            doc.update(project.to_dict())
                    continue
                before = raw[str(doc_id)]
                fresh = project.to_dict()
                diff = {k: fresh[k] for k in IMPORTED_FIELDS if before.get(k) != fresh[k]}
                if not diff:
                    result.unchanged.append(project.id)
                    continue
                diff["revision"] = int(before.get("revision", 1)) + 1
                for k, v in diff.items():
                    if k not in ("revision", "departments", "status_raw", "deadline_raw"):
                        history.append(self._record(project.id, k, before.get(k), v, source))
                self._projects.update(diff, doc_ids=[doc_id])
                result.changed.append(project.id)
            if new_docs:
                self._projects.insert_multiple(new_docs)
            if history:
                self._history.insert_multiple(history)
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
    "ProjectStore",
    "StoreError",
    "UnknownProjectError",
    "default_db_path",
]

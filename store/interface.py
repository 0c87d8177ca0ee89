"""The one way callers see the store: a Protocol, the values it takes and returns, its errors.

The app, the command line, backups and snapshots use only what is here. How the projects are
kept (a JSON file today: ``store.jsonfile``; memory in tests: ``store.memory``) is the
implementation's business; a second one (a server database) implements ``ProjectStore`` and
nothing in ``tui/`` changes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from store.models import ParsedReport, Project, Report
from store.schedule_rule import ScheduleSettings
from store.words import count, moment, say, source


class StoreError(Exception):
    """A refused operation: the message says why, in a line."""


class DatabaseError(Exception):
    """The stored data cannot be used as it is; the message names where it is kept."""


class LockLostError(StoreError):
    """The lock file was removed while a save held it; nothing was saved (try again)."""


class UnknownProjectError(StoreError):
    """No project has that id."""


class NetworkFilesystemError(DatabaseError):
    """The database is on a network file system, where file locks may not work."""


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

    @classmethod
    def from_doc(cls, doc_id: str | int, doc: Mapping[str, Any]) -> Change:
        """Build from a stored history document."""
        return cls(
            id=int(doc_id),
            project=str(doc.get("project", "")),
            field=str(doc.get("field", "")),
            old=doc.get("old"),
            new=doc.get("new"),
            at=str(doc.get("at", "")),
            by=str(doc.get("by", "")),
            source=str(doc.get("source", "")),
            note=str(doc.get("note", "")),
        )


class ConflictError(StoreError):
    """The project changed since the editor read it."""

    def __init__(
        self, project: Project, change: Change | None, expected_revision: int | None = None
    ) -> None:
        if change is not None:
            via = say("store.conflict_via", source=source(change.source)) if change.source else ""
            who = say("store.conflict_by", by=change.by, at=moment(change.at), via=via)
        else:
            who = say("store.conflict_other")
        had = (
            say("store.conflict_had", revision=expected_revision)
            if expected_revision is not None
            else ""
        )
        super().__init__(
            say("store.conflict", project=project.id, who=who, had=had, revision=project.revision)
        )
        self.project = project
        self.change = change


@dataclass(frozen=True)
class NewUpdate:
    """A dated progress note to add: the month ('YYYY-MM', or as typed) and its text."""

    month: str
    text: str


@dataclass(frozen=True)
class Edit:
    """What a user wrote to one project, and what their editor started from.

    ``seen`` is the project as the editor showed it: the save is refused (ConflictError) only
    when someone changed a field this edit touches since then; their other changes are kept
    and this one goes on top. ``expected_revision`` without ``seen`` is strict: any change
    since that revision is a conflict (the command line's ``--expect-revision``). With
    neither, the edit goes on top of whatever is there.
    """

    project_id: str
    fields: Mapping[str, str] = field(default_factory=dict)
    update: NewUpdate | None = None
    source: str = ""
    note: str = ""
    seen: Project | None = None
    expected_revision: int | None = None

    @property
    def started_from(self) -> int | None:
        """The revision the edit expects, if any."""
        if self.seen is not None:
            return self.seen.revision
        return self.expected_revision


@dataclass(frozen=True)
class Saved:
    """What a save did: the project as it is now, and the changes it recorded (maybe none)."""

    project: Project
    changes: tuple[Change, ...] = ()


@dataclass
class ImportResult:
    """What an import did: each project of the file is in exactly one of new/changed/unchanged."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: project id -> the fields (model names) the import changed
    fields: dict[str, list[str]] = field(default_factory=dict)
    #: project id -> the fields whose hand edit was kept over the report's value
    kept: dict[str, list[str]] = field(default_factory=dict)
    #: the projects whose 工作成效 (the office's) now differs from what the report says
    differs: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for people."""
        return say(
            "store.import_summary",
            new=count(len(self.new)),
            changed=count(len(self.changed)),
            unchanged=count(len(self.unchanged)),
        )


@dataclass
class CheckReport:
    """What a check of the stored data found: counts, and problems (none when it is sound)."""

    where: str
    projects: int = 0
    changes: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No problems."""
        return not self.problems


@dataclass
class RestoreResult:
    """What a restore did."""

    restored: Path
    saved_current: Path | None
    projects: int


@dataclass(frozen=True)
class FirstScreen:
    """The first projects of the list, with what showing them needs, read before the rest."""

    projects: list[Project]
    report: Report
    schedule: ScheduleSettings


@runtime_checkable
class ProjectStore(Protocol):
    """The projects, the report they come from, and the history of every change.

    Reads see the data as another process may have left it. Every write is all or nothing,
    is recorded in history, and refuses (StoreError) in read-only mode.
    """

    #: where the data is kept, for people (a file path, a server address)
    location: str
    #: the folder beside the data where snapshots and exports go by default
    home: Path
    user: str
    read_only: bool
    read_only_reason: str

    @property
    def generation(self) -> int:
        """Changes whenever the data this store sees changes (here or in another process).

        Each write of this store's own moves it by exactly one, so a caller that knows the
        generation before its save can tell its own write from someone else's (the list
        patches one row after its own save, and reads everything again otherwise).
        """
        ...

    def refresh(self) -> bool:
        """Look at the data again; True when someone else changed it."""
        ...

    def projects(self) -> list[Project]:
        """All projects in report order (treat them as read-only)."""
        ...

    def first_projects(self, count: int) -> FirstScreen | None:
        """The first ``count`` projects in report order, the report and its 序时 settings,
        when they can be had without reading every project (a first screen while
        ``projects`` reads the rest); None when they cannot (then read them all)."""
        ...

    def get(self, project_id: str) -> Project:
        """The project with that id ('s1', 'S01' alike); UnknownProjectError if none."""
        ...

    def report(self) -> Report:
        """The report's metadata (a copy)."""
        ...

    def history(self, project_id: str | None = None) -> list[Change]:
        """Recorded changes, oldest first; of one project when an id is given."""
        ...

    def save(self, edit: Edit) -> Saved:
        """Apply one user's edit; ConflictError when it started from an outdated project."""
        ...

    def undo(self, change_id: int, *, source: str) -> Saved:
        """Put back the value a recorded change replaced (the undo is recorded too)."""
        ...

    def import_report(
        self,
        parsed: ParsedReport,
        *,
        source: str,
        clear_empty: bool = False,
        take_reported: bool = False,
    ) -> ImportResult:
        """Upsert every record of a report; each changed field goes into history.

        A field the file has no column for is left as it is; an empty cell clears its field
        only with ``clear_empty``.
        """
        ...

    def aliases(self) -> dict[str, str]:
        """牵头单位 names merged into others: the name as reported -> the name it counts as."""
        ...

    def schedule_settings(self) -> ScheduleSettings:
        """The 序时 rule everyone on this data judges by (basis and thresholds)."""
        ...

    def set_schedule_settings(self, settings: ScheduleSettings, *, source: str) -> None:
        """Change the 序时 rule (recorded)."""
        ...

    def correct_indicator(
        self, project_id: str, correction: dict[str, Any], *, source: str
    ) -> Saved:
        """Correct, add or remove one 序时 indicator of a project (recorded, kept by imports)."""
        ...

    def merge_units(self, old: str, new: str, *, source: str) -> list[Change]:
        """Count the unit ``old`` as ``new`` from now on (recorded; ``unmerge_units`` undoes)."""
        ...

    def unmerge_units(self, old: str, *, source: str) -> list[Change]:
        """Give the projects of a merged unit their 牵头单位 as reported back."""
        ...

    def set_period(self, period_from: int, period_to: int, *, source: str = "cli") -> Report:
        """Change the months the report covers."""
        ...

    def check(self, backup: Path | None = None) -> CheckReport:
        """Verify the stored data (works when it cannot be opened, too), or a kept copy."""
        ...

    def backups(self) -> list[Path]:
        """The kept copies of the data, oldest first."""
        ...

    def restore(self, backup: str | Path) -> RestoreResult:
        """Make a kept copy the data again, keeping a copy of what is there now."""
        ...

"""Dated snapshots beside the database, their index, and what changed between two of them.

A snapshot is an export (store.export) written into ``snapshots/`` next to the database file
under a name that says where, which months and when (``lanling-2023-m01-06-20231128-1530.json``).
Every export written into that folder is recorded in ``snapshots/index.json`` (written
atomically, under its own lock), so ``minsheng snapshots`` can list them with who made them.
An export killed between writing its file and recording it leaves a file the index lacks: the
next listing or export gives it an entry rebuilt from the file (marked ``rebuilt``), and
removes the temporary files that killed writers left in the folder.

``compare`` takes two states (a snapshot, a report file read by an importer, or the live
database) and says per project what changed, which projects are new or gone, and which did not
move at all: the projects a supervision office chases.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pwd
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from store.derived import DerivedCache
from store.export import (
    COUNTY_TABLE,
    EXPORT_FORMATS,
    EXTENSIONS,
    ExportError,
    check_export_target,
    current_progress,
    export_bytes,
    format_of,
    number_header,
    write_export,
)
from store.files import FileLock, atomic_write_bytes, make_shared_dir, sweep_temp_files
from store.identity import current_user, now_iso
from store.interface import ProjectStore
from store.models import FIELD_LABELS, Project, Report, clean_text
from store.text import fit, fit_apart
from store.words import at, count, json_problem, listing, os_problem, quote, say

SNAPSHOT_FOLDER = "snapshots"
#: Where the app's exports go unless told otherwise: beside the database, apart from snapshots.
EXPORT_FOLDER = "exports"
INDEX_NAME = "index.json"
#: A file bigger than this is not read to count its projects when its entry is rebuilt.
COUNT_BYTES_LIMIT = 32 * 1024 * 1024
#: Administrative suffixes left out of a file name: 兰陵县 -> lanling.
_REGION_SUFFIXES = (
    "自治县", "自治州", "自治旗", "街道", "县", "市", "区", "旗", "州", "省", "镇", "乡",
)  # fmt: skip


def snapshot_dir(home: Path) -> Path:
    """The snapshots folder of a store: ``snapshots/`` in its home (beside the database file)."""
    return Path(os.path.abspath(home)) / SNAPSHOT_FOLDER


def region_slug(region: str) -> str:
    """The region in lower-case ASCII for a file name: '兰陵县' -> 'lanling'."""
    from store.pinyin import pinyin_keys  # (its tables: read on first use)

    region = clean_text(region, single_line=True).strip()
    for suffix in _REGION_SUFFIXES:
        if region.endswith(suffix) and len(region) > len(suffix) + 1:
            region = region[: -len(suffix)]
            break
    text = pinyin_keys(region)[0]
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].strip("-")


def default_snapshot_name(report: Report, fmt: str, when: datetime | None = None) -> str:
    """An ASCII file name: region, year, months and time, e.g. lanling-2023-m01-06-20231128-1530."""
    when = when or datetime.now()
    parts = [region_slug(report.region) or "minsheng"]
    if report.year:
        parts.append(str(report.year))
    if report.period_from is not None and report.period_to is not None:
        parts.append(f"m{report.period_from:02d}-{report.period_to:02d}")
    parts.append(when.strftime("%Y%m%d-%H%M"))
    return "-".join(parts) + EXTENSIONS.get(fmt, f".{fmt}")


def default_snapshot_path(
    home: Path, report: Report, fmt: str, when: datetime | None = None
) -> Path:
    """Where a snapshot goes unless told otherwise."""
    return snapshot_dir(home) / default_snapshot_name(report, fmt, when)


def export_dir(home: Path) -> Path:
    """The exports folder of a store: ``exports/`` in its home (beside the database file)."""
    return Path(os.path.abspath(home)) / EXPORT_FOLDER


def default_export_path(home: Path, report: Report, fmt: str, when: datetime | None = None) -> Path:
    """Where an export from the app goes unless told otherwise: a dated file in ``exports/``
    (made when the export is written), not among the snapshots."""
    return export_dir(home) / default_snapshot_name(report, fmt, when)


def in_export_dir(home: Path, path: Path) -> bool:
    """Whether ``path`` is a file directly inside the database's exports folder."""
    folder = os.path.realpath(export_dir(home))
    return os.path.realpath(Path(path).parent) == folder


# ---------------------------------------------------------------------------------------------
# The index


@dataclass
class SnapshotEntry:
    """One recorded snapshot."""

    file: str  # name inside the snapshots folder
    format: str
    at: str  # ISO time it was written
    by: str
    projects: int | None  # how many projects it holds (None: not known, in a rebuilt entry)
    scope: str = "all"  # "all", or "list": what the list showed ("": not known)
    region: str = ""
    year: int | None = None
    period: dict[str, int] | None = None
    #: made from the file itself (its export was killed before recording it): ``at`` is the
    #: file's time, ``by`` its owner, and the scope is not known
    rebuilt: bool = False

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SnapshotEntry:
        """Build from the index; odd values are made harmless rather than trusted."""
        period = data.get("period")
        projects = data.get("projects", 0)
        return cls(
            file=str(data.get("file", "")),
            format=str(data.get("format", "")),
            at=str(data.get("at", "")),
            by=str(data.get("by", "")),
            projects=projects if isinstance(projects, int) and projects >= 0 else None,
            scope=str(data.get("scope", "all")),
            region=str(data.get("region", "")),
            year=data.get("year") if isinstance(data.get("year"), int) else None,
            period=period if isinstance(period, dict) else None,
            rebuilt=data.get("rebuilt") is True,
        )


def _index_path(folder: Path) -> Path:
    return folder / INDEX_NAME


def _read_index(folder: Path) -> list[SnapshotEntry]:
    path = _index_path(folder)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise ExportError(say("snapshot.bad_index", path=path, detail=exc)) from exc
    items = data.get("snapshots", []) if isinstance(data, dict) else []
    return [SnapshotEntry.from_dict(d) for d in items if isinstance(d, dict)]


def _write_index(folder: Path, entries: list[SnapshotEntry]) -> None:
    payload = {"snapshots": [asdict(e) for e in entries]}
    text = json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
    atomic_write_bytes(_index_path(folder), text.encode("utf-8"))


def _count_projects(path: Path, fmt: str) -> tuple[int | None, dict[str, Any]]:
    """How many projects an export of ours holds, read cheaply from the file (None when it
    cannot be told), and the report's metadata when the format carries it (json)."""
    try:
        if path.stat().st_size > COUNT_BYTES_LIMIT:
            return None, {}
        if fmt == "xlsx":
            return _count_xlsx(path), {}
        raw = path.read_bytes()
    except (OSError, ValueError, zipfile.BadZipFile):
        return None, {}
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", "replace")  # the other CSV encoding offered
    if fmt == "json":
        try:
            data = json.loads(text)
        except ValueError:
            return None, {}
        projects = data.get("projects") if isinstance(data, dict) else None
        if not isinstance(projects, list | dict):  # a database file keeps a dict
            return None, {}
        report = data.get("report") if isinstance(data.get("report"), dict) else {}
        return len(projects), report
    if fmt == "csv":  # a title row, a header row starting 表, a row per project
        try:
            rows = [row for row in csv.reader(io.StringIO(text)) if row]
        except csv.Error:
            return None, {}
        ours = len(rows) >= 2 and rows[1][:1] == ["表"]
        return (len(rows) - 2 if ours else None), {}
    if fmt == "md":  # per table: a '# ' title, a header line, a line per project
        lines = [line for line in text.splitlines() if line.strip()]
        heads = [i + 1 for i, line in enumerate(lines) if line.startswith("# ")]
        number = tuple(f"{number_header(t)}\t" for t in (COUNTY_TABLE, ""))
        if not heads or any(i >= len(lines) or not lines[i].startswith(number) for i in heads):
            return None, {}
        return len(lines) - 2 * len(heads), {}
    if fmt == "html":
        return text.count("<tr id="), {}
    return None, {}


#: A number in column A: a project's 编号/序号 (the title, the header and a row continued
#: from the project above, 续, are text; a shared or inline string is not a number).
_NUMBER_IN_A = re.compile(rb'<c r="A\d+"(?:(?! t="(?:s|str|inlineStr)")[^>])*>\s*<v>')


def _count_xlsx(path: Path) -> int | None:
    """The projects of an xlsx export: the rows whose 编号 is a number, counted in each sheet's
    XML as it is unpacked (a chunk at a time: no sheet is held whole)."""
    total = 0
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if re.fullmatch(r"xl/worksheets/[^/]+\.xml", n)]
        for name in sheets:
            with archive.open(name) as part:
                rest = b""
                while chunk := part.read(1 << 20):
                    text = rest + chunk
                    cut = text.rfind(b"<c ")  # a cell the chunk's end may cut waits for the next
                    cut = cut if cut >= 0 else len(text)
                    total += len(_NUMBER_IN_A.findall(text, 0, cut))
                    rest = text[cut:]
                total += len(_NUMBER_IN_A.findall(rest))
    return total if sheets else None


def rebuilt_entry(path: Path) -> SnapshotEntry:
    """An index entry for a snapshot file the index lacks, from what the file itself says:
    the format from its suffix, the time from its modification time, its owner, and the
    projects when they can be counted cheaply."""
    st = path.stat()
    fmt = format_of(path, default="")
    try:
        owner = pwd.getpwuid(st.st_uid).pw_name
    except KeyError:
        owner = str(st.st_uid)
    projects, report = _count_projects(path, fmt)
    period = report.get("period")
    year = report.get("year")
    return SnapshotEntry(
        file=path.name,
        format=fmt,
        at=datetime.fromtimestamp(st.st_mtime).astimezone().isoformat(timespec="seconds"),
        by=owner,
        projects=projects,
        scope="",
        region=clean_text(str(report.get("region", "")), single_line=True),
        year=year if isinstance(year, int) else None,
        period=period if isinstance(period, dict) else None,
        rebuilt=True,
    )


def _unrecorded(folder: Path, entries: list[SnapshotEntry]) -> list[Path]:
    """Export files in the folder that no entry names (temporary, lock and index files are
    not exports; nor is anything but a regular file)."""
    recorded = {e.file for e in entries}
    found = []
    with os.scandir(folder) as listing:
        for item in listing:
            name = item.name
            if name in recorded or name.startswith(".") or name == INDEX_NAME:
                continue
            if format_of(Path(name), default="") and item.is_file(follow_symlinks=False):
                found.append(folder / name)
    return found


def _when(entry: SnapshotEntry) -> float | None:
    try:
        return datetime.fromisoformat(entry.at).timestamp()
    except ValueError:
        return None


def _with_unrecorded(folder: Path, recorded: list[SnapshotEntry]) -> list[SnapshotEntry]:
    """The index's entries, with one rebuilt for each export file they lack (placed by time)."""
    entries = list(recorded)
    found = []
    for path in _unrecorded(folder, entries):
        try:
            found.append(rebuilt_entry(path))
        except OSError:  # removed meanwhile
            continue
    for entry in sorted(found, key=lambda e: _when(e) or 0.0):
        at = _when(entry) or 0.0
        later = [i for i, e in enumerate(entries) if (_when(e) or 0.0) > at]
        entries.insert(later[0] if later else len(entries), entry)
    return entries


def _tidy(folder: Path) -> tuple[list[SnapshotEntry], list[SnapshotEntry]]:
    """Remove the temporary files killed writers left in the folder (everything in it is
    ours); the index as recorded, and with the export files it lacks."""
    sweep_temp_files(folder, lambda _target: True)
    recorded = _read_index(folder)
    return recorded, _with_unrecorded(folder, recorded)


def list_snapshots(home: Path) -> list[tuple[SnapshotEntry, bool]]:
    """The recorded snapshots, oldest first, each with whether its file is still there.

    Export files the index lacks get an entry rebuilt from the file, which is recorded when
    this user may write the index; an entry whose file was removed stays, shown as gone.
    """
    folder = snapshot_dir(home)
    if not folder.is_dir():
        return []
    try:
        with FileLock(_index_path(folder)):
            recorded, entries = _tidy(folder)
            if entries != recorded:
                _write_index(folder, entries)
    except OSError:  # may not write here: what the files say, without recording it
        entries = _with_unrecorded(folder, _read_index(folder))
    return [(e, (folder / e.file).is_file()) for e in entries]


def in_snapshot_dir(home: Path, path: Path) -> bool:
    """Whether ``path`` is a file directly inside the database's snapshots folder."""
    folder = os.path.realpath(snapshot_dir(home))
    return os.path.realpath(Path(path).parent) == folder


def save_export(
    store: ProjectStore,
    path: Path,
    fmt: str,
    projects: list[Project],
    *,
    report: Report | None = None,
    force: bool = False,
    scope: str = "all",
    encoding: str = "utf-8-sig",
    paper: str = "A4",
) -> SnapshotEntry | None:
    """Write an export; into the snapshots folder (made when missing) it is also recorded.
    The exports folder is made when missing too, with the mode and group of the database's.

    Returns the index entry when the export was recorded as a snapshot.
    """
    path = Path(path)
    into_snapshots = in_snapshot_dir(store.home, path)
    folder = snapshot_dir(store.home)
    shared = folder if into_snapshots else export_dir(store.home)
    if into_snapshots or in_export_dir(store.home, path):
        try:
            make_shared_dir(shared, like=store.home)
        except OSError as exc:
            raise ExportError(at(str(shared), os_problem(exc)), path=path, code=exc.errno) from exc
    check_export_target(path, force=force)  # before the work of making the bytes
    report = report or store.report()
    data = export_bytes(
        fmt,
        report,
        projects,
        encoding=encoding,
        paper=paper,
        settings=store.schedule_settings(),
        derived=DerivedCache.of_store(store),
    )
    if not into_snapshots:
        write_export(path, data, force=force)
        return None
    entry = SnapshotEntry(
        file=path.name,
        format=fmt,
        at=now_iso(),
        by=store.user or current_user(),
        projects=len(projects),
        scope=scope,
        region=report.region,
        year=report.year,
        period=report.to_dict()["period"],
    )
    try:
        with FileLock(_index_path(folder)):
            _recorded, entries = _tidy(folder)
            entries = [e for e in entries if e.file != entry.file]
            write_export(path, data, force=force)
            _write_index(folder, entries + [entry])
    except OSError as exc:
        raise ExportError(at(str(folder), os_problem(exc)), path=path, code=exc.errno) from exc
    return entry


def write_snapshot(
    store: ProjectStore,
    fmt: str = "json",
    *,
    when: datetime | None = None,
    encoding: str = "utf-8-sig",
) -> tuple[Path, SnapshotEntry]:
    """Export every project into a new dated file in the snapshots folder and record it."""
    if fmt not in EXPORT_FORMATS:
        raise ExportError(say("export.bad_format", fmt=quote(fmt), choices=listing(EXPORT_FORMATS)))
    report = store.report()
    projects = store.projects()
    folder = snapshot_dir(store.home)
    path = folder / default_snapshot_name(report, fmt, when)
    stem, n = path.stem, 2
    while path.exists():  # two snapshots in one minute: the second gets a number
        path, n = folder / f"{stem}-{n}{path.suffix}", n + 1
    entry = save_export(store, path, fmt, projects, report=report, encoding=encoding)
    assert entry is not None
    return path, entry


# ---------------------------------------------------------------------------------------------
# Reading a snapshot back


@dataclass
class Snapshot:
    """A state of the projects to compare: where it came from, its report and projects."""

    label: str
    report: Report
    projects: list[Project]
    has_updates: bool = True  # False for report files: their updates are lines of 推进情况


def read_snapshot_json(path: Path) -> Snapshot:
    """A JSON snapshot (``export --format json``) or a minsheng database file."""
    path = Path(path)
    try:
        raw = path.read_bytes()
        data = json.loads(raw.decode("utf-8-sig"))
    except OSError as exc:
        raise ExportError(at(str(path), os_problem(exc)), path=path, code=exc.errno) from exc
    except json.JSONDecodeError as exc:
        where = say("where.line", file=path, line=exc.lineno)
        detail = json_problem(exc.msg)
        raise ExportError(say("snapshot.not_json", path=where, detail=detail), path=path) from exc
    except ValueError as exc:  # (not UTF-8)
        detail = say("snapshot.not_utf8")
        raise ExportError(say("snapshot.not_json", path=path, detail=detail), path=path) from exc
    if isinstance(data, dict) and isinstance(data.get("projects"), dict):  # a database file
        from store.jsonfile import open_store  # a database file: read by its own store

        store = open_store(path, read_only=True)
        return Snapshot(str(path), store.report(), store.projects())
    if not isinstance(data, dict) or not isinstance(data.get("projects"), list):
        raise ExportError(say("snapshot.no_projects", path=path), path=path)
    try:
        projects = [Project.from_dict(p) for p in data["projects"]]
        report = Report.from_dict(data.get("report") or {})
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ExportError(say("snapshot.bad_shape", path=path), path=path) from exc
    return Snapshot(str(path), report, projects)


# ---------------------------------------------------------------------------------------------
# Comparing two states

#: Fields compared, in the order changes are listed; updates and extra fields come last.
COMPARED_FIELDS: tuple[str, ...] = (
    "status", "deadline", "progress", "name", "department", "level", "overview", "target", "plan",
)  # fmt: skip
_LABELS = {**FIELD_LABELS, "updates": "新增进展", "extra": "其他列"}


@dataclass
class FieldChange:
    """One field of one project, before and after."""

    field: str
    label: str
    old: str
    new: str


@dataclass
class ProjectChange:
    """A project present in both states, with the fields that differ."""

    id: str
    name: str
    changes: list[FieldChange]


@dataclass
class SnapshotDiff:
    """What differs between two states."""

    old_label: str
    new_label: str
    changed: list[ProjectChange] = field(default_factory=list)
    added: list[Project] = field(default_factory=list)
    removed: list[Project] = field(default_factory=list)
    unchanged: list[Project] = field(default_factory=list)  # nothing differs at all
    progress_unchanged: list[Project] = field(default_factory=list)  # 推进情况 did not move

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (full texts, not shortened)."""
        return {
            "old": self.old_label,
            "new": self.new_label,
            "changed": [asdict(c) for c in self.changed],
            "added": [p.id for p in self.added],
            "removed": [p.id for p in self.removed],
            "unchanged": [p.id for p in self.unchanged],
            "progress_unchanged": [p.id for p in self.progress_unchanged],
        }


def _value(project: Project, name: str) -> str:
    if name == "deadline":
        return project.deadline or project.deadline_raw
    return str(getattr(project, name))


def _update_texts(project: Project) -> list[str]:
    return [f"{u.month} {u.text}" for u in project.updates]


def compare(old: Snapshot, new: Snapshot) -> SnapshotDiff:
    """Per project (matched by id) the fields that changed; new, removed and unmoved projects.

    When either side is a report file (its updates are lines of 推进情况), 推进情况 is compared
    as the report shows it on both sides: the text with the updates after it.
    """
    folded = not (old.has_updates and new.has_updates)
    diff = SnapshotDiff(old.label, new.label)
    before = {p.id: p for p in old.projects}
    after_ids = {p.id for p in new.projects}
    for project in new.projects:
        previous = before.get(project.id)
        if previous is None:
            diff.added.append(project)
            continue
        changes: list[FieldChange] = []
        for name in COMPARED_FIELDS:
            if name == "progress" and folded:
                a, b = current_progress(previous, old.report), current_progress(project, new.report)
            else:
                a, b = _value(previous, name), _value(project, name)
            if a != b:
                changes.append(FieldChange(name, _LABELS[name], a, b))
        progress_moved = any(c.field == "progress" for c in changes)
        if not folded:
            was, now = _update_texts(previous), _update_texts(project)
            if was != now:
                progress_moved = True
                added = [u for u in now if u not in was]
                dropped = [u for u in was if u not in now]
                changes.append(
                    FieldChange("updates", _LABELS["updates"], "\n".join(dropped), "\n".join(added))
                )
        if previous.extra != project.extra:
            a = "；".join(f"{k}：{v}" for k, v in previous.extra.items())
            b = "；".join(f"{k}：{v}" for k, v in project.extra.items())
            changes.append(FieldChange("extra", _LABELS["extra"], a, b))
        if changes:
            diff.changed.append(ProjectChange(project.id, project.name, changes))
        else:
            diff.unchanged.append(project)
        if not progress_moved:
            diff.progress_unchanged.append(project)
    diff.removed = [p for p in old.projects if p.id not in after_ids]
    return diff


def shorten(text: str, limit: int = 40) -> str:
    """One line of at most ``limit`` terminal cells, cut with …."""
    return fit(clean_text(text, single_line=True), limit, pad=False)


def shorten_apart(texts: Iterable[str], limit: int = 24) -> dict[str, str]:
    """Each of ``texts`` (by itself) as ``shorten`` makes it, except that two which would then
    read alike are cut in the middle where that keeps them apart (``fit_apart``): units."""
    lines = {text: clean_text(text, single_line=True) for text in texts}
    apart = fit_apart(lines.values(), limit, pad=False)
    return {text: apart[line] for text, line in lines.items()}


def brief_change(old: str, new: str, limit: int = 40) -> tuple[str, str]:
    """Old and new shortened around where they differ: a long shared start or end becomes …."""
    a, b = clean_text(old, single_line=True), clean_text(new, single_line=True)
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    context = 6
    prefix, suffix = a[:start], a[len(a) - end :]
    if len(prefix) > context:
        prefix = "…" + prefix[-context:]
    if len(suffix) > context:
        suffix = suffix[:context] + "…"

    def show(text: str) -> str:
        middle = text[start : len(text) - end]
        return shorten(prefix + middle + suffix, limit) if text else say("diff.empty")

    return show(a), show(b)


def diff_lines(diff: SnapshotDiff, *, limit: int = 40) -> list[str]:
    """The comparison for people, a line each; long text is shortened."""
    unchanged_count = len(diff.unchanged)
    lines = [
        say("diff.compared", old=diff.old_label, new=diff.new_label),
        say(
            "diff.counts",
            changed=count(len(diff.changed)),
            unchanged=count(unchanged_count),
            added=count(len(diff.added)),
            removed=count(len(diff.removed)),
            progress_unchanged=count(len(diff.progress_unchanged)),
        ),
        "",
        say("diff.changed", n=count(len(diff.changed))),
    ]
    for change in diff.changed:
        lines.append(f"  {change.id} {shorten(change.name, limit)}")
        for c in change.changes:
            if c.field == "updates":
                for text in c.new.split("\n") if c.new else []:
                    lines.append(f"    {c.label}：+ {shorten(text, limit * 2)}")
                for text in c.old.split("\n") if c.old else []:
                    lines.append(f"    {c.label}：- {shorten(text, limit * 2)}")
                continue
            a, b = brief_change(c.old, c.new, limit)
            lines.append(f"    {c.label}：{a} → {b}")
    for title, projects in (
        (say("diff.added", n=count(len(diff.added))), diff.added),
        (say("diff.removed", n=count(len(diff.removed))), diff.removed),
    ):
        lines += ["", title]
        lines += [f"  {p.id} {shorten(p.name, limit)}" for p in projects]
    lines += ["", say("diff.progress_unchanged", n=count(len(diff.progress_unchanged)))]
    units = shorten_apart(p.department for p in diff.progress_unchanged)
    for p in diff.progress_unchanged:
        status = p.status or "—"
        lines.append(f"  {p.id} {shorten(p.name, limit)}  {units[p.department]}  {status}")
    return lines

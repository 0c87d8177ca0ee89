"""Backups beside the database, checking a database file, and bringing a backup back.

Backups live in ``backups/`` beside the database, named ``<stem>-YYYYMMDD-HHMMSS-ffffff-<why>``
plus the database's suffix, newest last by name. The store keeps one before every import that
changes something and one before the first write of each day; the last ``KEEP`` are kept.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from store.interface import CheckReport, DatabaseError, RestoreResult
from store.models import Project, clean_text
from store.storage import (
    STAMP_TABLE,
    FileLock,
    atomic_write_bytes,
    decode_tables,
    encode_tables,
    make_shared_dir,
)

BACKUP_DIR = "backups"
KEEP = 10
PROJECTS, HISTORY, META = "projects", "history", "meta"

_PROJECT_KEYS = tuple(f.name for f in dataclasses.fields(Project))
_HISTORY_KEYS = ("project", "field", "at", "by", "source")
_UPDATE_KEYS = ("month", "text", "at", "by")
_SINGLE_LINE = frozenset({"id", "table", "name", "level", "department", "status", "deadline"})


def backup_dir(db_path: Path) -> Path:
    """The folder that holds the backups of ``db_path``."""
    return Path(db_path).parent / BACKUP_DIR


def _name_re(db_path: Path) -> re.Pattern[str]:
    db_path = Path(db_path)
    return re.compile(
        rf"{re.escape(db_path.stem)}-(\d{{8}})-(\d{{6}})-(\d{{6}})-([a-z-]+){re.escape(db_path.suffix)}\Z"
    )


def list_backups(db_path: Path) -> list[Path]:
    """The backups of ``db_path``, oldest first."""
    pattern = _name_re(db_path)
    try:
        names = [entry.name for entry in os.scandir(backup_dir(db_path)) if entry.is_file()]
    except OSError:
        return []
    matched = sorted((m.group(1, 2, 3), name) for name in names if (m := pattern.match(name)))
    return [backup_dir(db_path) / name for _key, name in matched]


def backup_day(backup: Path, db_path: Path) -> str:
    """The day a backup was taken, 'YYYYMMDD' ('' for a name not of ours)."""
    m = _name_re(db_path).match(Path(backup).name)
    return m.group(1) if m else ""


def make_backup(db_path: Path, reason: str, *, keep: int = KEEP) -> Path | None:
    """Copy the database as it is now into ``backups/`` (call with the lock held).

    Nothing is copied when there is no file, or when the newest backup already holds the same
    bytes. The oldest backups beyond ``keep`` are removed. Returns the backup holding the
    current bytes, if any.
    """
    db_path = Path(db_path)
    try:
        data = db_path.read_bytes()
    except FileNotFoundError:
        return None
    if not data.strip():
        return None
    folder = backup_dir(db_path)
    make_shared_dir(folder, db_path.parent)
    _remove_stale_temp_files(folder, db_path)
    existing = list_backups(db_path)
    if existing:
        with contextlib.suppress(OSError):
            if existing[-1].read_bytes() == data:
                return existing[-1]
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_path.stem}-{stamp}-{reason}{db_path.suffix}"
    atomic_write_bytes(target, data, like=db_path)
    prune_backups(db_path, keep)
    return target


def _remove_stale_temp_files(folder: Path, db_path: Path) -> None:
    """Temporary files of backups whose writer was killed (the lock is held: none is live)."""
    pattern = re.compile(rf"\.{re.escape(db_path.stem)}-.*\.tmp\Z")
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if pattern.match(entry.name):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def prune_backups(db_path: Path, keep: int = KEEP) -> list[Path]:
    """Remove all but the newest ``keep`` backups; the removed paths."""
    removed = []
    backups = list_backups(db_path)
    for old in backups[: max(0, len(backups) - keep)]:
        with contextlib.suppress(OSError):
            old.unlink()
            removed.append(old)
    return removed


# --- checking --------------------------------------------------------------------------------


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise DatabaseError(f"the key {key!r} appears twice in one object")
        seen[key] = value
    return seen


def check_database(path: Path) -> CheckReport:
    """Verify a database file: it parses, projects have the model's keys, ids are unique,
    history ids are unique, revisions are positive, and text holds no control characters."""
    path = Path(path)
    report = CheckReport(str(path))
    problems = report.problems
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(f"{path}: cannot read ({exc.strerror or exc})")
        return report
    try:
        decode_tables(raw, path)  # the store's own reader must accept it
        tables = (
            json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
            if (raw.strip())
            else {}
        )
    except (DatabaseError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(str(exc) if str(path) in str(exc) else f"{path}: {exc}")
        return report
    tables.pop(STAMP_TABLE, None)
    for name in tables:
        if name not in (PROJECTS, HISTORY, META):
            problems.append(f"unknown table {name!r}")
    _check_projects(tables.get(PROJECTS, {}), report)
    _check_history(tables.get(HISTORY, {}), report)
    return report


def _control_free(value: str, single_line: bool) -> bool:
    if clean_text(value) != value:
        return False
    return not single_line or ("\n" not in value and "\t" not in value)


def _check_projects(docs: dict[str, Any], report: CheckReport) -> None:
    problems = report.problems
    ids: dict[str, str] = {}
    for doc_id, doc in docs.items():
        where = f"project document {doc_id}"
        if not doc_id.isdigit():
            problems.append(f"{where}: the document id is not a number")
        if not isinstance(doc, dict):
            problems.append(f"{where}: not an object")
            continue
        report.projects += 1
        missing = [k for k in _PROJECT_KEYS if k not in doc]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
        pid = doc.get("id")
        if not isinstance(pid, str) or not pid:
            problems.append(f"{where}: no id")
        else:
            where = f"project {pid} (document {doc_id})"
            if pid in ids:
                problems.append(f"{where}: the id is also used by document {ids[pid]}")
            ids[pid] = doc_id
        revision = doc.get("revision")
        if not isinstance(revision, int) or isinstance(revision, bool) or revision < 1:
            problems.append(f"{where}: revision {revision!r} is not a positive whole number")
        if "number" in doc and (
            not isinstance(doc["number"], int) or isinstance(doc["number"], bool)
        ):
            problems.append(f"{where}: number {doc['number']!r} is not a whole number")
        for key in _PROJECT_KEYS:
            value = doc.get(key)
            if key in ("number", "revision", "departments", "updates", "extra") or key not in doc:
                continue
            if not isinstance(value, str):
                problems.append(f"{where}: {key} is not text")
            elif not _control_free(value, key in _SINGLE_LINE):
                problems.append(f"{where}: {key} holds control or invisible characters")
        if "departments" in doc and (
            not isinstance(doc["departments"], list)
            or not all(isinstance(d, str) for d in doc["departments"])
        ):
            problems.append(f"{where}: departments is not a list of text")
        if "extra" in doc and (
            not isinstance(doc["extra"], dict)
            or not all(isinstance(v, str) for v in doc["extra"].values())
        ):
            problems.append(f"{where}: extra is not a table of text")
        updates = doc.get("updates", [])
        if not isinstance(updates, list):
            problems.append(f"{where}: updates is not a list")
            continue
        for number, update in enumerate(updates, start=1):
            if not isinstance(update, dict) or any(
                not isinstance(update.get(k), str) for k in _UPDATE_KEYS
            ):
                problems.append(f"{where}: update {number} lacks month, text, at or by")
            elif not _control_free(update["text"], False):
                problems.append(f"{where}: update {number} holds control characters")


def _check_history(docs: dict[str, Any], report: CheckReport) -> None:
    problems = report.problems
    for doc_id, doc in docs.items():
        report.changes += 1
        where = f"history document {doc_id}"
        if not doc_id.isdigit() or int(doc_id) < 1:
            problems.append(f"{where}: the id is not a positive number")
        if not isinstance(doc, dict):
            problems.append(f"{where}: not an object")
            continue
        missing = [k for k in _HISTORY_KEYS if k not in doc]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")


def newest_good_backup(db_path: Path) -> Path | None:
    """The newest backup that passes ``check_database``."""
    for backup in reversed(list_backups(db_path)):
        if check_database(backup).ok:
            return backup
    return None


def broken_file_hint(db_path: Path) -> str:
    """What to tell someone whose database will not open: it is untouched, and the way back."""
    good = newest_good_backup(db_path)
    if good is None:
        return "the file was not changed; no good backup was found in " + str(backup_dir(db_path))
    return (
        f"the file was not changed; the newest good backup is {good} "
        f"(bring it back with: minsheng --db {db_path} db restore {good.name})"
    )


# --- restoring -------------------------------------------------------------------------------


def resolve_backup(db_path: Path, name: str | Path) -> Path:
    """A backup given as a path, or as a name inside ``backups/``."""
    candidate = Path(name)
    if candidate.exists() or candidate.is_absolute() or len(candidate.parts) > 1:
        return candidate
    return backup_dir(db_path) / candidate


def restore_backup(db_path: Path, backup: Path, *, user: str, at: str) -> RestoreResult:
    """Make ``backup`` the database again, atomically, keeping a backup of the current file.

    Revisions move past both the backup's and the current file's, so an editor that started
    from the current file is told of a conflict instead of overwriting the restored data. The
    restore is recorded in history.
    """
    db_path, backup = Path(db_path), Path(backup)
    checked = check_database(backup)
    if not checked.ok:
        raise DatabaseError(f"{backup}: not restored: {checked.problems[0]}")
    tables = decode_tables(backup.read_bytes(), backup)
    with FileLock(db_path):
        current_revisions: dict[str, int] = {}
        saved: Path | None = None
        if db_path.exists():
            saved = make_backup(db_path, "before-restore")
            with contextlib.suppress(DatabaseError, OSError, AttributeError, TypeError):
                now = decode_tables(db_path.read_bytes(), db_path)
                for doc in now.get(PROJECTS, {}).values():
                    if isinstance(doc, dict) and isinstance(doc.get("revision"), int):
                        current_revisions[str(doc.get("id"))] = doc["revision"]
        projects = tables.setdefault(PROJECTS, {})
        for doc in projects.values():
            doc["revision"] = max(doc["revision"], current_revisions.get(doc["id"], 0)) + 1
        history = tables.setdefault(HISTORY, {})
        next_id = max((int(k) for k in history), default=0) + 1
        history[str(next_id)] = {
            "project": "",
            "field": "restore",
            "old": None,
            "new": backup.name,
            "at": at,
            "by": user,
            "source": "cli",
        }
        stamp = {STAMP_TABLE: {"1": {"token": os.urandom(16).hex()}}}
        atomic_write_bytes(db_path, encode_tables({**stamp, **tables}), like=backup)
    return RestoreResult(restored=backup, saved_current=saved, projects=len(projects))

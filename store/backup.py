"""Backups beside the database file and checking such a file (the JSON store's own).

Backups live in ``backups/`` beside the database, named ``<stem>-YYYYMMDD-HHMMSS-ffffff-<why>``
plus the database's suffix, newest last by name. The store keeps one before every import that
changes something and one before the first write of each day; the last ``KEEP`` are kept.
Listing them (which every process's first write does) removes the temporary files that killed
backups left in the folder.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from store.checks import check_tables
from store.files import atomic_write_bytes, make_shared_dir, sweep_temp_files
from store.interface import CheckReport, DatabaseError
from store.jsonstorage import STAMP_TABLE, decode_tables
from store.words import at, os_problem, quote, say

BACKUP_DIR = "backups"
KEEP = 10


def backup_dir(db_path: Path) -> Path:
    """The folder that holds the backups of ``db_path``."""
    return Path(db_path).parent / BACKUP_DIR


def _name_re(db_path: Path) -> re.Pattern[str]:
    db_path = Path(db_path)
    return re.compile(
        rf"{re.escape(db_path.stem)}-(\d{{8}})-(\d{{6}})-(\d{{6}})-([a-z-]+){re.escape(db_path.suffix)}\Z"
    )


def sweep_backup_temp_files(db_path: Path) -> list[Path]:
    """Remove the temporary files of backups of ``db_path`` whose writer was killed (its
    process is gone, or the file is over an hour old); the removed paths."""
    stem = Path(db_path).stem
    return sweep_temp_files(backup_dir(db_path), lambda name: name.startswith(f"{stem}-"))


def list_backups(db_path: Path) -> list[Path]:
    """The backups of ``db_path``, oldest first (killed backups' temporary files are removed)."""
    sweep_backup_temp_files(db_path)
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
    existing = list_backups(db_path)  # (removes killed backups' temporary files)
    if existing:
        with contextlib.suppress(OSError):
            if existing[-1].read_bytes() == data:
                return existing[-1]
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_path.stem}-{stamp}-{reason}{db_path.suffix}"
    atomic_write_bytes(target, data, like=db_path)
    prune_backups(db_path, keep)
    return target


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
            raise DatabaseError(say("db.duplicate_key", key=quote(key)))
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
        problems.append(say("db.cannot_read", path=path, detail=os_problem(exc)))
        return report
    try:
        decode_tables(raw, path)  # the store's own reader must accept it
        tables = (
            json.loads(raw.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
            if (raw.strip())
            else {}
        )
    except (DatabaseError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.append(str(exc) if str(path) in str(exc) else at(str(path), str(exc)))
        return report
    tables.pop(STAMP_TABLE, None)
    found = check_tables(tables, str(path))
    report.projects, report.changes = found.projects, found.changes
    problems.extend(found.problems)
    return report


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
        return say("db.no_good_backup", folder=backup_dir(db_path))
    return say("db.good_backup", backup=good, db=db_path, name=good.name)


# --- restoring -------------------------------------------------------------------------------


def resolve_backup(db_path: Path, name: str | Path) -> Path:
    """A backup given as a path, or as a name inside ``backups/``."""
    candidate = Path(name)
    if candidate.exists() or candidate.is_absolute() or len(candidate.parts) > 1:
        return candidate
    return backup_dir(db_path) / candidate

"""Derived data kept beside the database: what the json export carries of each project that is
read from its text (the month items of 月度计划 and 推进情况, the 序时), worked out once per
change of what it is read from, not by every export.

In one process the readings are kept by their inputs (``store.months``, ``store.indicators``
and ``store.schedule`` memoise them): the app, the 通报 and the exports share them. Across
processes (``minsheng export`` is a new process each time) they are kept in ``<db>.derived``
next to the database file:

- one entry per project, named by a hash of everything its derived data is read from (the
  project's texts, 工作成效, corrections and reported indicators, the report's period and the
  序时 rule), so an entry is never stale: a change of any input names another entry;
- the file says which reading code made it (``reading_version``: a hash of the modules that
  read the texts); another version's file is not read;
- never authoritative: a missing, stale, corrupt or unreadable file (a checksum covers its
  body) is recomputed silently; it is written atomically (``store.files.atomic_write_bytes``,
  with the database's mode and group) only when something was recomputed, and not by a
  read-only store; an entry no export used for ``KEEP_WRITES`` writes is dropped;
- in a shared folder, what someone else put at its name is not followed: a symbolic link
  there is neither read nor written through (a write replaces the link itself), a FIFO is
  not read;
- read lazily, on the first project asked for: opening the database does not read it.

The database file itself is not changed: its documents hold what people wrote, nothing derived.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import stat
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.files import atomic_write_bytes, sweep_temp_files
from store.models import Project, Report
from store.schedule_rule import ScheduleSettings

if TYPE_CHECKING:
    from store.interface import ProjectStore

__all__ = [
    "CACHE_SUFFIX",
    "KEEP_WRITES",
    "DerivedCache",
    "ExportDerived",
    "export_derived",
    "inputs_key",
    "keep_derived",
    "reading_version",
]

#: the cache file's name is the database file's with this added
CACHE_SUFFIX = ".derived"
#: an entry unused by this many writes of the file in a row is dropped
KEEP_WRITES = 20
_FORMAT = 1
#: the modules whose code decides what is derived: a change of any makes a new version
_READING_MODULES = (
    "derived.py",
    "months.py",
    "indicators.py",
    "schedule.py",
    "schedule_rule.py",
    "units.py",
    "vocabulary.py",
    "words.py",
)

_dumps: Callable[[Any], bytes]
_loads: Callable[[bytes], Any]
try:
    from orjson import dumps as _dumps
    from orjson import loads as _loads
except ImportError:  # pragma: no cover
    _loads = json.loads

    def _dumps(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def _encode(value: Any) -> bytes:
    """JSON bytes of a value; json for what orjson refuses (integers beyond 64 bits)."""
    try:
        return _dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@cache
def reading_version() -> str:
    """A hash of the code that reads the texts: a cache made by other code is not used."""
    digest = hashlib.blake2b(digest_size=12)
    here = Path(__file__).resolve().parent
    for name in _READING_MODULES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:  # (not installed as files): the package's version has to do
            from importlib.metadata import PackageNotFoundError, version

            try:
                digest.update(version("minsheng").encode())
            except PackageNotFoundError:
                digest.update(b"unknown")
            break
    return digest.hexdigest()


def _period(report: Report | None) -> tuple[int, int] | None:
    if report is None or report.period_from is None or report.period_to is None:
        return None
    return (report.period_from, report.period_to)


def _context(report: Report | None, settings: ScheduleSettings) -> bytes:
    """What every project's derived data of one export is read with: the period and the rule."""
    return _encode([_period(report), settings.to_dict()])


def inputs_key(project: Project, context: bytes) -> str:
    """The name of a project's entry: a hash of everything its derived data is read from."""
    digest = hashlib.blake2b(context, digest_size=16)
    from store.schedule import schedule_inputs  # (the indicator reader: on first use)

    digest.update(_encode(list(schedule_inputs(project))))
    return digest.hexdigest()


class DerivedCache:
    """The derived data kept in one file beside a database (see the module's docstring)."""

    def __init__(self, path: Path, *, like: Path | None = None, writable: bool = True) -> None:
        self.path = path
        self._like = like  # the file whose mode and group the cache takes
        self._writable = writable
        self._entries: dict[str, list[Any]] | None = None  # read on first use
        self._writes = 0  # how many times the file was written
        self._used: set[str] = set()
        self._changed = False

    @classmethod
    def beside(cls, database: Path, *, writable: bool = True) -> DerivedCache:
        """The cache of the database file at ``database``."""
        return cls(
            database.with_name(database.name + CACHE_SUFFIX), like=database, writable=writable
        )

    @classmethod
    def of_store(cls, store: object) -> DerivedCache | None:
        """The cache of a store kept in a file (None for one that is not: in memory)."""
        path = getattr(store, "path", None)
        if not isinstance(path, Path):
            return None
        return cls.beside(path, writable=not getattr(store, "read_only", True))

    def _load(self) -> dict[str, list[Any]]:
        if self._entries is None:
            self._entries = {}
            with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
                self._entries, self._writes = _read(_regular_file_bytes(self.path))
        return self._entries

    def get(self, key: str) -> list[Any] | None:
        """The entry named ``key`` ([plan spans, progress spans, schedule]), or None."""
        entry = self._load().get(key)
        if entry is not None:
            self._used.add(key)
            return entry[1:]
        return None

    def put(self, key: str, value: list[Any]) -> None:
        """Keep ``value`` ([plan spans, progress spans, schedule]) as the entry ``key``."""
        self._load()[key] = [0, *value]
        self._used.add(key)
        self._changed = True

    def discard(self, key: str) -> None:
        """Forget an entry found unusable (it is recomputed and put again)."""
        if self._load().pop(key, None) is not None:
            self._changed = True

    def save(self) -> bool:
        """Write the file when something was recomputed; True when it was written.

        Whatever goes wrong is silent: the cache is only ever a shortcut.
        """
        if not self._changed or not self._writable or self._entries is None:
            return False
        writes = self._writes + 1
        kept: dict[str, list[Any]] = {}
        for key, entry in self._entries.items():
            if key in self._used:
                kept[key] = [writes, *entry[1:]]
            elif writes - entry[0] < KEEP_WRITES:
                kept[key] = entry
        body = _encode(kept)
        head = {
            "format": _FORMAT,
            "version": reading_version(),
            "writes": writes,
            "digest": hashlib.blake2b(body, digest_size=16).hexdigest(),
        }
        try:
            name = self.path.name
            sweep_temp_files(self.path.parent, lambda target: target == name)
            atomic_write_bytes(
                self.path, _encode(head) + b"\n" + body, like=self._like, follow_links=False
            )
        except OSError:
            return False
        self._entries, self._writes, self._changed = kept, writes, False
        return True


def _regular_file_bytes(path: Path) -> bytes:
    """The bytes of the regular file at ``path``: a symbolic link, a FIFO (which would keep a
    plain read waiting) or anything else there is refused with OSError."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return handle.read()
    finally:
        os.close(fd)


def _read(raw: bytes) -> tuple[dict[str, list[Any]], int]:
    """The entries of a cache file and its count of writes; ({}, 0) when it is not one of ours
    (another format or reading version, a body that fails its checksum)."""
    head_end = raw.find(b"\n")
    if head_end < 0:
        return {}, 0
    head, body = _loads(raw[:head_end]), raw[head_end + 1 :]
    if (
        not isinstance(head, dict)
        or head.get("format") != _FORMAT
        or head.get("version") != reading_version()
        or head.get("digest") != hashlib.blake2b(body, digest_size=16).hexdigest()
    ):
        return {}, 0
    entries = _loads(body)
    writes = head.get("writes")
    if not isinstance(entries, dict) or type(writes) is not int:
        return {}, 0
    # each entry: [the write that last used it, plan spans, progress spans, schedule]
    return {
        key: entry
        for key, entry in entries.items()
        if type(entry) is list and len(entry) == 4 and type(entry[0]) is int
    }, writes


# ---------------------------------------------------------------------------------------------
# What the json export carries


@dataclass(frozen=True)
class ExportDerived:
    """A project's derived data as the json export writes it."""

    plan_items: list[dict[str, Any]]
    progress_items: list[dict[str, Any]]
    schedule: dict[str, Any]


class _Unusable(Exception):
    """A cache entry that does not fit the project's texts (so it is recomputed)."""


def _items(text: str, spans: Any) -> list[dict[str, Any]]:
    """Items from their spans in ``text``, [[start, end, [months]], ...]; _Unusable if odd."""
    if type(spans) is not list:
        raise _Unusable
    items = []
    size = len(text)
    for span in spans:
        if type(span) is not list or len(span) != 3:
            raise _Unusable
        start, end, months = span
        if type(start) is not int or type(end) is not int or not 0 <= start < end <= size:
            raise _Unusable
        if type(months) is not list or not all(type(m) is int for m in months):
            raise _Unusable
        items.append({"months": months, "text": text[start:end]})
    return items


def _computed(
    project: Project, report: Report | None, settings: ScheduleSettings
) -> tuple[list[Any], list[Any], dict[str, Any]]:
    from store.months import placed_plan_items, placed_progress_items
    from store.schedule import project_schedule

    plan = [[i.start, i.end, list(i.months)] for i in placed_plan_items(project.plan)]
    progress = [
        [i.start, i.end, list(i.months)]
        for i in placed_progress_items(project.progress, _period(report))
    ]
    return plan, progress, project_schedule(project, report, settings).to_json()


def export_derived(
    projects: list[Project],
    report: Report | None,
    settings: ScheduleSettings,
    cache: DerivedCache | None = None,
) -> list[ExportDerived]:
    """Each project's month items and 序时 as the json export writes them: from ``cache``
    where it has them, else read (and put into it; the caller saves it). The values are
    shared with the cache: they are to be written out, not changed."""
    context = _context(report, settings) if cache is not None else b""
    found: list[ExportDerived] = []
    for project in projects:
        key = inputs_key(project, context) if cache is not None else ""
        entry = cache.get(key) if cache is not None else None
        if entry is not None:
            try:
                plan, progress, schedule = entry
                if type(schedule) is not dict:
                    raise _Unusable
                found.append(
                    ExportDerived(
                        _items(project.plan, plan), _items(project.progress, progress), schedule
                    )
                )
                continue
            except (_Unusable, ValueError):
                assert cache is not None
                cache.discard(key)
        plan, progress, schedule = _computed(project, report, settings)
        if cache is not None:
            cache.put(key, [plan, progress, schedule])
        found.append(
            ExportDerived(_items(project.plan, plan), _items(project.progress, progress), schedule)
        )
    return found


def keep_derived(store: ProjectStore, projects: list[Project] | None = None) -> bool:
    """Work out what the json export needs of ``projects`` (by default all of the store's) and
    keep it beside the database, so that the next export only reads it; True when the cache
    file was written (False: nothing new, a store without a file, or a read-only one).

    For a caller that has just changed many projects (an import) and can spare the time, in a
    worker: the export does the same for what it does not find.
    """
    cache = DerivedCache.of_store(store)
    if cache is None:
        return False
    every = store.projects() if projects is None else projects
    export_derived(every, store.report(), store.schedule_settings(), cache)
    return cache.save()

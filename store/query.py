"""Filtering, faceted counts, search (with pinyin) and sorting: shared by the CLI and the app.

The 序时 class (``store.schedule``) is a facet and a sort too, but costs seconds over 10,000
projects: ``ProjectIndex`` computes it only when asked (``prepare_schedule``, from a worker
once the first rows show) or when a query needs it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from itertools import chain
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any

from store.models import LEVELS, STATUSES, Project, Report
from store.pinyin import char_reading, pinyin_keys, release_pinyin_tables
from store.schedule_rule import DEFAULT_SETTINGS, ScheduleSettings
from store.vocabulary import SCHEDULE_CLASSES

if TYPE_CHECKING:
    from store.schedule import ProjectSchedule


def _schedule_of(project: Project, report: Report, settings: ScheduleSettings) -> ProjectSchedule:
    from store.schedule import project_schedule  # (the indicator reader: loaded on first use)

    return project_schedule(project, report, settings)


#: the facets every project has values for at once
FACETS: tuple[str, ...] = ("department", "level", "status")
#: the 序时 class: a facet whose values are computed on demand (ProjectIndex.prepare_schedule)
SCHEDULE_FACET = "schedule"
ALL_FACETS: tuple[str, ...] = (*FACETS, SCHEDULE_FACET)
SORT_KEYS: tuple[str, ...] = (
    "id",
    "name",
    "department",
    "level",
    "status",
    "deadline",
    "latest",
    "schedule",
)


def facet_values(project: Project, facet: str) -> list[str]:
    """The values a project shows under a facet (a project may name several units)."""
    if facet == "department":
        return project.departments or ([project.department] if project.department else [""])
    if facet == "level":
        return [project.level]
    if facet == "status":
        return [project.status]
    raise KeyError(facet)


def due_by(report: Report) -> str | None:
    """The last month ('YYYY-MM') of the report period: a deadline up to it is due; None when
    the report has no period."""
    if report.year is None or report.period_to is None:
        return None
    return f"{report.year:04d}-{report.period_to:02d}"


def _past_due(project: Project, due: str) -> bool:
    return bool(project.deadline) and project.deadline <= due and project.status != "已完成"


def is_overdue(project: Project, report: Report) -> bool:
    """Deadline inside or before the report period, and not 已完成."""
    due = due_by(report)
    return due is not None and _past_due(project, due)


def latest_progress(project: Project) -> str:
    """The newest thing said about progress: the last dated update, else the report's text."""
    if project.updates:
        last = max(project.updates, key=lambda u: (u.month, u.at))
        return f"{last.month[5:].lstrip('0')}月 {last.text}"
    return project.progress


@dataclass(frozen=True)
class ProjectQuery:
    """What the user asked to see: facet selections (OR within, AND across), search and sort."""

    departments: frozenset[str] = frozenset()
    levels: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    overdue_only: bool = False
    not_updated: bool = False  # only 未更新 projects (推进情况 as in the previous period)
    schedules: frozenset[str] = frozenset()  # 序时 classes
    department_text: str = ""  # substring of 牵头单位 (command line)
    search: str = ""
    sort: str = "id"
    descending: bool = False

    def selected(self, facet: str) -> frozenset[str]:
        """The values chosen in one facet."""
        return {
            "department": self.departments,
            "level": self.levels,
            "status": self.statuses,
            SCHEDULE_FACET: self.schedules,
        }[facet]

    def with_selected(self, facet: str, values: Iterable[str]) -> ProjectQuery:
        """A copy with one facet's selection replaced."""
        chosen = frozenset(values)
        if facet == "department":
            return replace(self, departments=chosen)
        if facet == "level":
            return replace(self, levels=chosen)
        if facet == "status":
            return replace(self, statuses=chosen)
        if facet == SCHEDULE_FACET:
            return replace(self, schedules=chosen)
        raise KeyError(facet)

    def toggled(self, facet: str, value: str) -> ProjectQuery:
        """A copy with one value switched on or off."""
        chosen = set(self.selected(facet))
        chosen.symmetric_difference_update({value})
        return self.with_selected(facet, chosen)

    def cleared(self) -> ProjectQuery:
        """No filters and no search; the sort stays."""
        return ProjectQuery(sort=self.sort, descending=self.descending)

    @property
    def is_filtered(self) -> bool:
        """Whether anything narrows the list."""
        return bool(
            self.departments
            or self.levels
            or self.statuses
            or self.schedules
            or self.overdue_only
            or self.not_updated
            or self.department_text
            or self.search.strip()
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form, for remembering the view between runs."""
        return {
            "departments": sorted(self.departments),
            "levels": sorted(self.levels),
            "statuses": sorted(self.statuses),
            "schedules": sorted(self.schedules, key=SCHEDULE_CLASSES.index),
            "overdue_only": self.overdue_only,
            "not_updated": self.not_updated,
            "search": self.search,
            "sort": self.sort,
            "descending": self.descending,
        }

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ProjectQuery:
        """Inverse of to_dict; anything odd is dropped rather than trusted."""

        def strings(key: str) -> frozenset[str]:
            value = data.get(key)
            return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()

        sort = str(data.get("sort", "id"))
        return cls(
            departments=strings("departments"),
            levels=strings("levels"),
            statuses=strings("statuses"),
            schedules=strings("schedules") & frozenset(SCHEDULE_CLASSES),
            overdue_only=bool(data.get("overdue_only", False)),
            not_updated=bool(data.get("not_updated", False)),
            search=str(data.get("search", "")),
            sort=sort if sort in SORT_KEYS else "id",
            descending=bool(data.get("descending", False)),
        )


def quick_pinyin_keys(text: str) -> tuple[str, str]:
    """As pinyin_keys, reading each character alone: about 20 times faster on unique names
    (10,000 of them: 1.5 s -> 0.07 s), at the price of the rare word-dependent reading."""
    syllables = [r for r in map(char_reading, text) if r.strip()]
    return "".join(syllables), "".join(s[0] for s in syllables)


#: each character seen so far -> what Latin search reads it as (its pinyin, lower case)
_READINGS: dict[int, str] = {}
_SEEN: set[str] = set()


def full_pinyin(text: str) -> str:
    """The text with each Chinese character replaced by its pinyin (read alone, as
    ``quick_pinyin_keys`` reads it) and everything else lower-cased: what Latin input is
    matched against. One ``str.translate``: a long text costs about what copying it costs."""
    new = set(text) - _SEEN
    if new:
        for char in new:
            _READINGS[ord(char)] = char_reading(char)
        _SEEN.update(new)
    return text.translate(_READINGS)


_LATIN_RE = re.compile(r"[a-z]+")


@dataclass(slots=True)
class _Entry:
    project: Project
    #: distinct values per facet, in ALL_FACETS order (the 序时 class: () until computed)
    facets: tuple[tuple[str, ...], ...]
    text: str = ""  # lower-cased searchable text, built on first search (text_ready)
    pinyin: str = ""  # built on the first Latin search (pinyin_ready)
    schedule: ProjectSchedule | None = None  # built by prepare_schedule
    overdue: bool = False  # (see is_overdue)
    counted: tuple[str, ...] = ()  # what counting counts (_count_as)


_ID = attrgetter("id")
_PROJECT = attrgetter("project")
_FACETS = attrgetter("facets")
_COUNTED = attrgetter("counted")


#: in an entry's ``counted``: the project is overdue (no facet value is one character)
_OVERDUE = "!"


def _entry(p: Project, due: str | None) -> _Entry:
    # distinct values per facet, in ALL_FACETS order (level and status: one value each)
    departments = (*dict.fromkeys(facet_values(p, "department")),)
    entry = _Entry(p, (departments, (p.level,), (p.status,), ()))
    entry.overdue = due is not None and _past_due(p, due)
    _count_as(entry)
    return entry


#: (facet values, overdue) -> what counting counts: entries share a few hundred of them
_COUNTED_AS: dict[tuple[tuple[tuple[str, ...], ...], bool], tuple[str, ...]] = {}


def _count_as(entry: _Entry) -> None:
    """What counting an entry counts: each facet value with its facet's digit in front, and
    whether it is overdue. One pass of Counter over these (in C) gives every facet's counts."""
    key = (entry.facets, entry.overdue)
    counted = _COUNTED_AS.get(key)
    if counted is None:
        if len(_COUNTED_AS) > 65536:  # (unit names typed by hand: bounded all the same)
            _COUNTED_AS.clear()
        found = [chr(48 + i) + v for i, values in enumerate(entry.facets) for v in values]
        counted = _COUNTED_AS[key] = (*found, _OVERDUE) if entry.overdue else tuple(found)
    entry.counted = counted


def _set_schedule(entry: _Entry, schedule: ProjectSchedule) -> None:
    entry.schedule = schedule
    entry.facets = (*entry.facets[:3], (schedule.class_name,))
    _count_as(entry)


def _search_text(p: Project) -> str:
    parts = (p.id, p.name, p.department, p.overview, p.target, p.plan, p.progress)
    return "\x00".join(parts + tuple(u.text for u in p.updates)).lower()


def _pinyin_text(p: Project) -> str:
    """What Latin input matches: the full pinyin of every field Chinese search covers, and
    the initials of the name and the unit (``jyj``). Initials of the long texts would match
    almost any two or three letters somewhere in them: they are left out."""
    keys = (*quick_pinyin_keys(p.name), *pinyin_keys(p.department))
    texts = (p.overview, p.target, p.plan, p.progress, *(u.text for u in p.updates))
    return "\x00".join((*keys, full_pinyin("\x00".join(texts))))


def _sort_key(name: str, report: Report | None) -> Callable[[Project], Any]:
    # Chinese text sorts by its pinyin, as people expect (not by code point)
    if name == "name":
        return lambda p: (quick_pinyin_keys(p.name)[0], p.name)
    if name == "department":
        return lambda p: (pinyin_keys(p.department)[0], p.department)
    if name == "level":
        return lambda p: LEVELS.index(p.level) if p.level in LEVELS else len(LEVELS)
    if name == "status":
        return lambda p: STATUSES.index(p.status) if p.status in STATUSES else len(STATUSES)
    if name == "deadline":
        return lambda p: p.deadline or "9999"
    if name == "latest":
        return lambda p: max((u.month for u in p.updates), default="")
    return lambda p: (p.table != "县级", p.table, p.number)


class ProjectIndex:
    """Projects prepared for fast narrowing: facet values now; search text, pinyin and 序时
    on demand."""

    def __init__(
        self,
        projects: list[Project],
        report: Report | None = None,
        settings: ScheduleSettings | None = None,
    ) -> None:
        self.report = report or Report()
        self.settings = settings or DEFAULT_SETTINGS
        due = due_by(self.report)  # (once, not per project)
        self.entries = [_entry(p, due) for p in projects]
        self._text_ready = False
        self._pinyin_ready = False
        self._all_values: dict[str, list[str]] = {}
        self._last_search: tuple[str, list[_Entry]] = ("", self.entries)
        self._overdue_ids: frozenset[str] | None = None
        #: the rows the last evaluate gave, and how many of them are overdue (counted with
        #: the facets, when it could be)
        self._last_overdue: tuple[list[Project], int] | None = None
        #: rows and counts with nothing filtered, by sort: what clearing a search gives back
        self._everything: dict[
            tuple[str, bool], tuple[list[Project], dict[str, Counter[str]], int | None]
        ] = {}
        self._positions: dict[str, int] | None = None  # project id -> entry, on first replace
        self._schedules: dict[str, ProjectSchedule] | None = None  # project id -> 序时, prepared

    def __len__(self) -> int:
        return len(self.entries)

    def replace(self, project: Project) -> ProjectIndex:
        """A new index with ``project`` in place of the one of its id (KeyError if none).

        The other entries are shared, with their search text and pinyin: patching one edited
        project costs that project, not a rebuild of all of them. This index is unchanged.
        """
        if self._positions is None:
            self._positions = {e.project.id: i for i, e in enumerate(self.entries)}
        position = self._positions[project.id]
        old = self.entries[position]
        entry = _entry(project, due_by(self.report))
        if self._text_ready:
            entry.text = _search_text(project)
        if self._pinyin_ready:
            entry.pinyin = _pinyin_text(project)
        patched = ProjectIndex.__new__(ProjectIndex)
        patched.report = self.report
        patched.settings = self.settings
        patched._schedules = None
        if self._schedules is not None:
            from store.schedule import project_schedule  # (the indicator reader: on first use)

            schedule = project_schedule(project, self.report, self.settings)
            _set_schedule(entry, schedule)
            patched._schedules = {**self._schedules, project.id: schedule}
        patched.entries = list(self.entries)
        patched.entries[position] = entry
        patched._text_ready, patched._pinyin_ready = self._text_ready, self._pinyin_ready
        # Facet values stay unless this project's changed; cached results hold the old entry.
        patched._all_values = dict(self._all_values) if entry.facets == old.facets else {}
        patched._last_search = ("", patched.entries)
        patched._overdue_ids = None
        patched._last_overdue = None
        if self._overdue_ids is not None:
            due = due_by(self.report)
            overdue = due is not None and _past_due(project, due)
            patched._overdue_ids = (
                self._overdue_ids | {project.id} if overdue else self._overdue_ids - {project.id}
            )
        patched._everything = {}
        patched._positions = self._positions  # the same ids at the same places
        return patched

    def overdue_count(self, projects: list[Project]) -> int:
        """How many of ``projects`` are overdue (see is_overdue)."""
        last = self._last_overdue
        if last is not None and last[0] is projects:  # the rows just evaluated: counted
            return last[1]
        if self._overdue_ids is None:
            due = due_by(self.report)  # (once, not per project: this runs before the first rows)
            self._overdue_ids = frozenset(
                p.id for p in map(_PROJECT, self.entries) if due is not None and _past_due(p, due)
            )
        ids = self._overdue_ids
        if not ids:
            return 0
        if len(projects) == len(self.entries):  # all of them (a row shows a project once)
            return len(ids)
        return sum(map(ids.__contains__, map(_ID, projects)))

    def prepare_search(self) -> None:
        """Build the searchable text (once; call from a worker to keep the first key fast)."""
        if not self._text_ready:
            for entry in self.entries:
                entry.text = _search_text(entry.project)
        self._text_ready = True

    def prepare_pinyin(self) -> None:
        """Compute the pinyin of what search covers (slow once; call from a worker)."""
        if not self._pinyin_ready:
            for entry in self.entries:
                entry.pinyin = _pinyin_text(entry.project)
            release_pinyin_tables()  # (what the data needs is kept; the rest read again if new)
        self._pinyin_ready = True

    @property
    def schedule_ready(self) -> bool:
        """Whether every project's 序时 is computed (prepare_schedule has run)."""
        return self._schedules is not None

    def prepare_schedule(self) -> None:
        """Compute every project's 序时 class (seconds at 10,000 projects: call from a worker
        after the first rows show). The 序时 facet, filter and sort call it when needed."""
        if self._schedules is not None:
            return
        report, settings = self.report, self.settings
        computed: dict[str, ProjectSchedule] = {}
        for entry in self.entries:
            # an entry shared with an index that already computed it keeps its schedule
            schedule = entry.schedule or _schedule_of(entry.project, report, settings)
            computed[entry.project.id] = schedule
        for entry in self.entries:
            _set_schedule(entry, computed[entry.project.id])
        self._schedules = computed
        self._everything = {}  # cached counts without the 序时 facet

    def schedule(self, project_id: str) -> ProjectSchedule | None:
        """A project's 序时, or None before prepare_schedule (or for an unknown id)."""
        return None if self._schedules is None else self._schedules.get(project_id)

    def schedules(self, projects: Iterable[Project]) -> list[ProjectSchedule]:
        """The 序时 of ``projects`` (of this index), in their order; computes all if needed."""
        self.prepare_schedule()
        assert self._schedules is not None
        return [self._schedules[p.id] for p in projects]

    def _search(self, text: str) -> list[_Entry]:
        terms = text.lower().split()
        key = " ".join(terms)
        if key == self._last_search[0]:
            return self._last_search[1]
        if not self._text_ready:
            self.prepare_search()
        if any(_LATIN_RE.fullmatch(t) for t in terms) and not self._pinyin_ready:
            self.prepare_pinyin()
        # Typing narrows: when the new search extends the last one, only its hits can match.
        previous_key, previous = self._last_search
        pool = previous if previous_key and key.startswith(previous_key) else self.entries
        result = pool
        for term in terms:  # each term narrows what the ones before left (comprehensions: fast)
            if _LATIN_RE.fullmatch(term):
                result = [e for e in result if term in e.text or term in e.pinyin]
            else:
                result = [e for e in result if term in e.text]
        self._last_search = (key, result)
        return result

    def evaluate(self, query: ProjectQuery) -> tuple[list[Project], dict[str, Counter[str]]]:
        """In one pass: the projects the query selects (in its order), and per facet how many
        projects each value would give with the other filters applied (faceted counts)."""
        chosen = [query.selected(f) for f in ALL_FACETS]
        if chosen[-1] or query.sort == SCHEDULE_FACET:
            self.prepare_schedule()
        report = self.report
        dept_text = query.department_text
        everything = not (
            any(chosen)
            or query.overdue_only
            or query.not_updated
            or dept_text
            or query.search.strip()
        )
        cache_key = (query.sort, query.descending)
        if everything and cache_key in self._everything:  # e.g. a search cleared
            found, counts, kept_overdue = self._everything[cache_key]
            rows = list(found)
            self._last_overdue = None if kept_overdue is None else (rows, kept_overdue)
            return rows, {f: Counter(c) for f, c in counts.items()}
        candidates = self._search(query.search)
        if query.overdue_only:
            candidates = [e for e in candidates if is_overdue(e.project, report)]
        if query.not_updated:
            candidates = [e for e in candidates if e.project.not_updated]
        if dept_text:
            candidates = [e for e in candidates if dept_text in e.project.department]
        facet_range = range(len(ALL_FACETS))
        overdue: int | None = None
        if not any(chosen):  # the common case, typing a search: count in C, not in a loop
            found = list(map(_PROJECT, candidates))
            counted = Counter(chain.from_iterable(map(_COUNTED, candidates)))
            overdue = counted.pop(_OVERDUE, 0)
            counts = {f: Counter[str]() for f in ALL_FACETS}
            for value, n in counted.items():
                counts[ALL_FACETS[ord(value[0]) - 48]][value[1:]] = n
        else:
            tallies: list[dict[str, int]] = [{} for _ in ALL_FACETS]
            found = []
            for entry in candidates:
                misses = [
                    i for i in facet_range if chosen[i] and chosen[i].isdisjoint(entry.facets[i])
                ]
                if not misses:
                    found.append(entry.project)
                    for i in facet_range:
                        tally = tallies[i]
                        for value in entry.facets[i]:
                            tally[value] = tally.get(value, 0) + 1
                elif len(misses) == 1:  # counts for the one facet that excluded it
                    tally = tallies[misses[0]]
                    for value in entry.facets[misses[0]]:
                        tally[value] = tally.get(value, 0) + 1
            counts = {f: Counter(tallies[i]) for i, f in enumerate(ALL_FACETS)}
        if query.sort == SCHEDULE_FACET:
            by_id = self._schedules
            assert by_id is not None
            from store.schedule import ratio_sort_key

            found.sort(key=lambda p: ratio_sort_key(by_id[p.id]), reverse=query.descending)
        elif query.sort != "id" or query.descending:
            found.sort(key=_sort_key(query.sort, report), reverse=query.descending)
        if everything:
            kept = {f: Counter(c) for f, c in counts.items()}
            self._everything[cache_key] = (list(found), kept, overdue)
        self._last_overdue = None if overdue is None else (found, overdue)
        return found, counts

    def apply(self, query: ProjectQuery) -> list[Project]:
        """The projects the query selects, in its order."""
        return self.evaluate(query)[0]

    def all_values(self, facet: str) -> list[str]:
        """Every value of a facet, in a stable order people expect (序时: every class, in the
        registry's order, without computing any)."""
        if facet == SCHEDULE_FACET:
            return list(SCHEDULE_CLASSES)
        if facet not in self._all_values:
            self._all_values[facet] = self._collect_values(facet)
        return self._all_values[facet]

    def _collect_values(self, facet: str) -> list[str]:
        i = FACETS.index(facet)
        counts = Counter(chain.from_iterable(map(itemgetter(i), map(_FACETS, self.entries))))
        values = set(counts)
        if facet == "level":
            return [v for v in LEVELS if v in values] + sorted(values - set(LEVELS))
        if facet == "status":
            return [v for v in STATUSES if v in values] + sorted(values - set(STATUSES))
        return sorted(values, key=lambda v: (-counts[v], v))

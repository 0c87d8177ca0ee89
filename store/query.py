"""Filtering, faceted counts, search (with pinyin) and sorting: shared by the CLI and the app."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from store.models import LEVELS, STATUSES, Project, Report

FACETS: tuple[str, ...] = ("department", "level", "status")
SORT_KEYS: tuple[str, ...] = ("id", "name", "department", "level", "status", "deadline", "latest")


def facet_values(project: Project, facet: str) -> list[str]:
    """The values a project shows under a facet (a project may name several units)."""
    if facet == "department":
        return project.departments or ([project.department] if project.department else [""])
    if facet == "level":
        return [project.level]
    if facet == "status":
        return [project.status]
    raise KeyError(facet)


def is_overdue(project: Project, report: Report) -> bool:
    """Deadline inside or before the report period, and not 已完成."""
    if project.status == "已完成" or not project.deadline:
        return False
    if report.year is None or report.period_to is None:
        return False
    return project.deadline <= f"{report.year:04d}-{report.period_to:02d}"


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
    department_text: str = ""  # substring of 牵头单位 (command line)
    search: str = ""
    sort: str = "id"
    descending: bool = False

    def selected(self, facet: str) -> frozenset[str]:
        """The values chosen in one facet."""
        return {"department": self.departments, "level": self.levels, "status": self.statuses}[
            facet
        ]

    def with_selected(self, facet: str, values: Iterable[str]) -> ProjectQuery:
        """A copy with one facet's selection replaced."""
        key = {"department": "departments", "level": "levels", "status": "statuses"}[facet]
        return replace(self, **{key: frozenset(values)})

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
            or self.overdue_only
            or self.department_text
            or self.search.strip()
        )

    def to_dict(self) -> dict[str, object]:
        """JSON-friendly form, for remembering the view between runs."""
        return {
            "departments": sorted(self.departments),
            "levels": sorted(self.levels),
            "statuses": sorted(self.statuses),
            "overdue_only": self.overdue_only,
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
            overdue_only=bool(data.get("overdue_only", False)),
            search=str(data.get("search", "")),
            sort=sort if sort in SORT_KEYS else "id",
            descending=bool(data.get("descending", False)),
        )


@lru_cache(maxsize=65536)
def pinyin_keys(text: str) -> tuple[str, str]:
    """Full pinyin without tones and the initials of each character, e.g. ('jiaoyuju', 'jyj')."""
    from pypinyin import Style, lazy_pinyin  # imported on first use: it loads a large dictionary

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars.lower()))
    full = "".join(syllables).lower()
    initials = "".join(s[0] for s in syllables if s).lower()
    return full, initials


_LATIN_RE = re.compile(r"[a-z]+")


@dataclass
class _Entry:
    project: Project
    text: str  # lower-cased searchable text
    facets: dict[str, list[str]] = field(default_factory=dict)
    pinyin: str | None = None


def _sort_key(name: str, report: Report | None) -> Callable[[Project], object]:
    if name == "name":
        return lambda p: p.name
    if name == "department":
        return lambda p: p.department
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
    """Projects prepared for fast narrowing: lower-cased text, facet values, pinyin on demand."""

    def __init__(self, projects: list[Project], report: Report | None = None) -> None:
        self.report = report or Report()
        self.entries = [
            _Entry(
                project=p,
                text="\x00".join(
                    (p.id, p.name, p.department, p.overview, p.target, p.plan, p.progress)
                    + tuple(u.text for u in p.updates)
                ).lower(),
                facets={f: facet_values(p, f) for f in FACETS},
            )
            for p in projects
        ]
        self._pinyin_ready = False
        self._all_values: dict[str, list[str]] = {}

    def __len__(self) -> int:
        return len(self.entries)

    def prepare_pinyin(self) -> None:
        """Compute pinyin of names and departments (slow once; call from a worker)."""
        for entry in self.entries:
            if entry.pinyin is None:
                p = entry.project
                keys = [pinyin_keys(p.name), pinyin_keys(p.department)]
                entry.pinyin = "\x00".join(k for pair in keys for k in pair)
        self._pinyin_ready = True

    def _search(self, text: str) -> list[_Entry]:
        terms = text.lower().split()
        if not terms:
            return self.entries
        if any(_LATIN_RE.fullmatch(t) for t in terms) and not self._pinyin_ready:
            self.prepare_pinyin()
        result = []
        for entry in self.entries:
            for term in terms:
                if term in entry.text:
                    continue
                if entry.pinyin is not None and _LATIN_RE.fullmatch(term) and term in entry.pinyin:
                    continue
                break
            else:
                result.append(entry)
        return result

    def _passes(self, entry: _Entry, query: ProjectQuery, skip: str | None = None) -> bool:
        for facet in FACETS:
            if facet == skip:
                continue
            chosen = query.selected(facet)
            if chosen and chosen.isdisjoint(entry.facets[facet]):
                return False
        if query.overdue_only and not is_overdue(entry.project, self.report):
            return False
        if query.department_text and query.department_text not in entry.project.department:
            return False
        return True

    def apply(self, query: ProjectQuery) -> list[Project]:
        """The projects the query selects, in its order."""
        found = [e.project for e in self._search(query.search) if self._passes(e, query)]
        found.sort(key=_sort_key(query.sort, self.report), reverse=query.descending)  # type: ignore[arg-type]
        return found

    def facet_counts(self, query: ProjectQuery) -> dict[str, Counter[str]]:
        """Per facet, how many projects each value would give with the other filters applied."""
        searched = self._search(query.search)
        counts: dict[str, Counter[str]] = {}
        for facet in FACETS:
            counter: Counter[str] = Counter()
            for entry in searched:
                if self._passes(entry, query, skip=facet):
                    counter.update(set(entry.facets[facet]))
            counts[facet] = counter
        return counts

    def all_values(self, facet: str) -> list[str]:
        """Every value of a facet, in a stable order people expect."""
        if facet not in self._all_values:
            self._all_values[facet] = self._collect_values(facet)
        return self._all_values[facet]

    def _collect_values(self, facet: str) -> list[str]:
        values = {v for e in self.entries for v in e.facets[facet]}
        if facet == "level":
            return [v for v in LEVELS if v in values] + sorted(values - set(LEVELS))
        if facet == "status":
            return [v for v in STATUSES if v in values] + sorted(values - set(STATUSES))
        counts = Counter(v for e in self.entries for v in e.facets[facet])
        return sorted(values, key=lambda v: (-counts[v], v))

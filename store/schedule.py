"""序时: how each project stands against its own plan for the report period.

For every indicator (``store.indicators``) with both a planned amount due and an actual, the
ratio actual / planned gives its class; a project takes its worst indicator's class:

* >= 110% 超序时, >= 90% 按序时, >= 70% 慢序时, below 滞后 (``ScheduleSettings``: the thresholds,
  or the basis of 银川, points of the target below plan: 10-30 points 慢序时, more 滞后);
* 已完成 when its 工作成效 is 已完成 or every indicator with a target has reached it;
* 未判定 when no indicator can be judged (nothing due, or no actual: a missing actual is
  missing, never 0).

A project whose class says behind (慢序时, 滞后) while its 工作成效 says 推进正常, or the reverse
(超序时, 按序时, 已完成 against 滞后), ``disagrees``: a hint for the reviewer, who decides.

The API, for the store, the list, the detail screen and the command line:

* ``schedule_of(project, report, settings)`` -> ``ProjectSchedule`` (cached by text);
* ``judge(project, indicators, period_to, settings)`` classes indicators someone corrected;
* ``schedules_of(projects, report, settings)``, ``class_counts(schedules)`` for a filter pane,
  ``ratio_sort_key`` for sorting by ratio;
* ``ProjectSchedule.to_json()``: the object ``minsheng schedule --json`` prints and the json
  export carries; ``ScheduleSettings.to_dict/from_dict``: the settings stored with a report.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from store.indicators import Indicator, Quantity, json_number, read_indicators, time_elapsed
from store.indicators import clear_cache as clear_indicators
from store.models import Project, Report
from store.months import clear_cache as clear_months
from store.schedule_rule import BASES, DEFAULT_SETTINGS, ScheduleSettings
from store.vocabulary import SCHEDULE_CLASSES, SCHEDULE_REGISTRY

__all__ = [
    "AHEAD",
    "BASES",
    "DEFAULT_SETTINGS",
    "DONE",
    "LATE",
    "ON_TIME",
    "SLOW",
    "UNJUDGED",
    "JudgedIndicator",
    "ProjectSchedule",
    "ScheduleSettings",
    "class_counts",
    "clear_cache",
    "classify",
    "judge",
    "period_of",
    "ratio_sort_key",
    "schedule_of",
    "schedules_of",
]

AHEAD, ON_TIME, SLOW, LATE, DONE, UNJUDGED = SCHEDULE_CLASSES

_REPORTED_NORMAL = "推进正常"
_REPORTED_LATE = "滞后"
_REPORTED_DONE = "已完成"


@dataclass(frozen=True)
class JudgedIndicator:
    """An indicator and its class (None: it cannot be judged)."""

    indicator: Indicator
    class_name: str | None
    #: points of the base between actual and planned (negative: behind); None if not judged
    points: float | None = None

    def to_json(self) -> dict[str, Any]:
        """The indicator as ``minsheng schedule --json`` prints it."""
        ind = self.indicator
        return {
            "name": ind.name,
            "unit": ind.unit,
            "target": json_number(ind.target),
            "planned": json_number(ind.planned),
            "actual": json_number(ind.actual),
            "ratio": json_number(ind.ratio),
            "source": ind.origin,
        }


@dataclass(frozen=True)
class ProjectSchedule:
    """One project's 序时: its class, the numbers behind it, and whether 工作成效 agrees."""

    id: str
    name: str
    class_name: str  # one of SCHEDULE_CLASSES
    #: the 工作成效 as the department reported it (the office's when no report says)
    reported: str
    disagrees: bool
    #: the worst judged indicator's ratio (None when none is judged)
    ratio: float | None
    #: the indicator that decides the class (None when none does)
    worst: JudgedIndicator | None
    indicators: tuple[JudgedIndicator, ...]
    #: one line saying why, in the report's words ("就业困难人员就业 31 / 190 人 = 16%")
    reason: str = ""
    #: numbers read that are no indicator's (the detail view shows them, with why)
    unused: tuple[Quantity, ...] = ()

    @property
    def behind(self) -> bool:
        """Whether the class says the project is behind its plan."""
        return SCHEDULE_REGISTRY[self.class_name].behind

    def to_json(self) -> dict[str, Any]:
        """The object ``minsheng schedule --json`` prints and ``export --format json`` carries."""
        return {
            "id": self.id,
            "name": self.name,
            "class": self.class_name,
            "reported": self.reported,
            "disagrees": self.disagrees,
            "ratio": json_number(self.ratio),
            "indicators": [judged.to_json() for judged in self.indicators],
        }


def period_of(report: Report | None) -> tuple[int, int] | None:
    """The report's months (from, to), or None when it does not say."""
    if report is None or report.period_from is None or report.period_to is None:
        return None
    return (report.period_from, report.period_to)


def _base(indicator: Indicator) -> float | None:
    """What points are counted of: the target, else the plan's year total (a share: 100)."""
    if indicator.kind == "share" and indicator.target is None:
        return 100.0
    if indicator.target is not None and indicator.target > 0:
        return indicator.target
    if indicator.plan_total is not None and indicator.plan_total > 0:
        return indicator.plan_total
    return None


def classify(
    indicator: Indicator, settings: ScheduleSettings = DEFAULT_SETTINGS
) -> JudgedIndicator:
    """The class of one indicator by the settings' basis; None when it cannot be judged."""
    ratio = indicator.ratio
    if ratio is None or indicator.actual is None or indicator.planned is None:
        return JudgedIndicator(indicator, None)
    base = _base(indicator)
    points = (indicator.actual - indicator.planned) / base * 100 if base else None
    if settings.basis == "points":
        if points is None:
            return JudgedIndicator(indicator, None)
        if points >= settings.ahead_points:
            name = AHEAD
        elif points > -settings.slow_points:
            name = ON_TIME
        elif points >= -settings.late_points:
            name = SLOW
        else:
            name = LATE
    elif ratio >= settings.ahead - 1e-9:
        name = AHEAD
    elif ratio >= settings.on_time - 1e-9:
        name = ON_TIME
    elif ratio >= settings.slow - 1e-9:
        name = SLOW
    else:
        name = LATE
    return JudgedIndicator(indicator, name, points)


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _reason(judged: JudgedIndicator) -> str:
    ind = judged.indicator
    percent = f"{ind.ratio:.0%}" if ind.ratio is not None else "—"
    basis = {"time_elapsed": " (序时进度)", "plan_share": " (计划进度)"}.get(ind.basis, "")
    name = ind.name or ind.unit
    return f"{name} {_number(ind.actual)} / {_number(ind.planned)}{ind.unit}{basis} = {percent}"


def _disagrees(class_name: str, reported: str) -> bool:
    if reported == _REPORTED_NORMAL:
        return SCHEDULE_REGISTRY[class_name].behind
    if reported == _REPORTED_LATE:
        return class_name in (AHEAD, ON_TIME, DONE)
    return False


def judge(
    project: Project,
    indicators: Sequence[Indicator],
    settings: ScheduleSettings = DEFAULT_SETTINGS,
    *,
    unused: tuple[Quantity, ...] = (),
) -> ProjectSchedule:
    """The 序时 of a project from its indicators (as read, or as someone corrected them);
    ``unused``: the numbers read that are no indicator's."""
    judged = tuple(classify(indicator, settings) for indicator in indicators)
    scored = [j for j in judged if j.class_name is not None]
    worst: JudgedIndicator | None = None
    if scored:

        def badness(j: JudgedIndicator) -> tuple[int, float]:
            assert j.class_name is not None
            measure = j.points if settings.basis == "points" and j.points is not None else None
            if measure is None:
                measure = j.indicator.ratio if j.indicator.ratio is not None else 0.0
            return SCHEDULE_REGISTRY[j.class_name].rank, measure

        worst = min(scored, key=badness)
    with_target = [
        j
        for j in judged
        if j.indicator.kind != "level"
        and (j.indicator.target is not None or j.indicator.kind == "share")
    ]
    reported = project.status_reported or project.status
    if project.status == _REPORTED_DONE:
        class_name, reason = DONE, "工作成效 已完成"
    elif with_target and all(j.indicator.met for j in with_target):
        class_name = DONE
        reason = "各项目标均已完成：" + "; ".join(_reason(j) for j in with_target)
    elif worst is not None:
        assert worst.class_name is not None
        class_name, reason = worst.class_name, _reason(worst)
    else:
        class_name = UNJUDGED
        reason = _unjudged_reason(indicators)
    return ProjectSchedule(
        id=project.id,
        name=project.name,
        class_name=class_name,
        reported=reported,
        disagrees=_disagrees(class_name, reported),
        ratio=worst.indicator.ratio if worst is not None else None,
        worst=worst,
        indicators=judged,
        reason=reason,
        unused=unused,
    )


def _unjudged_reason(indicators: Sequence[Indicator]) -> str:
    if not indicators:
        return "任务目标、月度计划中没有可计的数量"
    due = [i for i in indicators if i.planned]
    if not due:
        return "报告期内尚无到期的计划数量"
    return "到期的计划没有对应的实际数：" + "，".join(
        f"{i.name or i.unit} {_number(i.planned)}{i.unit}" for i in due[:3]
    )


def schedule_of(
    project: Project,
    report: Report | None,
    settings: ScheduleSettings = DEFAULT_SETTINGS,
) -> ProjectSchedule:
    """The 序时 of one project in a report's period, read from its text."""
    found = read_indicators(project.target, project.plan, project.progress, period_of(report))
    return judge(project, found.indicators, settings, unused=found.unused)


def apply_edits(
    indicators: Sequence[Indicator], edits: Sequence[dict[str, Any]]
) -> list[Indicator]:
    """The indicators with people's corrections (``Project.indicator_edits``) applied: an edit
    names an indicator by name and unit and replaces the numbers it gives, or removes it; an
    edit naming none adds an indicator of its own. Every corrected number is marked edited."""
    result = list(indicators)
    for edit in edits:
        key = (str(edit.get("name", "")), str(edit.get("unit", "")))
        at = next((i for i, ind in enumerate(result) if (ind.name, ind.unit) == key), None)
        if edit.get("remove"):
            if at is not None:
                del result[at]
            continue
        numbers = {k: _edit_number(edit.get(k)) for k in ("target", "planned", "actual")}
        note = str(edit.get("note", "")) or "已修正"
        if at is not None:
            corrected = result[at].with_values(
                target=numbers["target"], planned=numbers["planned"], actual=numbers["actual"]
            )
            result[at] = replace(corrected, note=note)
        else:
            result.append(
                Indicator.from_dict({**numbers, "name": key[0], "unit": key[1], "note": note})
            )
    return result


def _edit_number(value: Any) -> float | None:
    return None if value is None or isinstance(value, bool) else float(value)


def reported_indicators(project: Project, report: Report | None) -> list[Indicator]:
    """The indicators a quantitative table gave in its columns (``indicators_reported``), due
    by the period as the share of the year elapsed (序时进度) of the target; the published
    percentage and words are kept in the note, as the department reported them."""
    period = period_of(report)
    elapsed = time_elapsed(period[1]) if period else None
    found: list[Indicator] = []
    for data in project.indicators_reported:
        target = _edit_number(data.get("target"))
        actual = _edit_number(data.get("actual"))
        planned = target * elapsed if target is not None and elapsed is not None else None
        said = [
            f"上报 {json_number(_edit_number(data.get('reported_percent')))}%"
            if data.get("reported_percent") is not None else "",
            str(data.get("reported_words") or ""),
        ]  # fmt: skip
        found.append(
            Indicator.from_dict(
                {
                    "name": str(data.get("name", "")),
                    "unit": str(data.get("unit", "")),
                    "target": target,
                    "planned": planned,
                    "actual": actual,
                    "basis": "time_elapsed" if planned is not None else "",
                    "origin": "column",
                    "note": " ".join(part for part in said if part),
                }
            )  # fmt: skip
        )
    return found


def project_schedule(
    project: Project,
    report: Report | None,
    settings: ScheduleSettings = DEFAULT_SETTINGS,
) -> ProjectSchedule:
    """The 序时 of one project as the office sees it: read from its text, with its corrections.

    Kept by what it is worked out from (the project's texts, 工作成效, corrections and reported
    indicators, the report's period and the rule): the list, the detail screen, the 通报 and
    the exports of one process judge a project once until one of those changes.
    """
    *texts, edits, reported = schedule_inputs(project)
    return _schedule_of_inputs(
        *texts, _frozen(edits), _frozen(reported), period_of(report), settings
    )


def schedule_inputs(project: Project) -> tuple[Any, ...]:
    """Everything of a project its 序时 and month items are read from (with the report's
    period and the rule): what keeps them, in this process and beside the database
    (store/derived.py), is named by these."""
    return (
        project.id,
        project.name,
        project.status,
        project.status_reported,
        project.target,
        project.plan,
        project.progress,
        project.indicator_edits,
        project.indicators_reported,
    )


def _frozen(documents: list[dict[str, Any]]) -> str:
    """A list of small documents as one hashable value ('' for none, as most projects have)."""
    return json.dumps(documents, sort_keys=True, default=str) if documents else ""


@lru_cache(maxsize=32768)
def _schedule_of_inputs(
    project_id: str,
    name: str,
    status: str,
    status_reported: str,
    target: str,
    plan: str,
    progress: str,
    edits: str,
    reported: str,
    period: tuple[int, int] | None,
    settings: ScheduleSettings,
) -> ProjectSchedule:
    project = Project(
        id=project_id,
        table="",
        number=0,
        name=name,
        status=status,
        status_reported=status_reported,
        target=target,
        plan=plan,
        progress=progress,
        indicator_edits=json.loads(edits) if edits else [],
        indicators_reported=json.loads(reported) if reported else [],
    )
    report = Report(
        period_from=period[0] if period else None, period_to=period[1] if period else None
    )
    return _judged(project, report, settings)


def clear_cache() -> None:
    """Forget the 序时 worked out so far, the indicators and the month items read (for
    benchmarks that time a first reading)."""
    _schedule_of_inputs.cache_clear()
    clear_indicators()
    clear_months()


def _judged(project: Project, report: Report, settings: ScheduleSettings) -> ProjectSchedule:
    if project.indicators_reported:  # the table's own columns, not the text, give them
        indicators = apply_edits(reported_indicators(project, report), project.indicator_edits)
        return judge(project, indicators, settings)
    if not project.indicator_edits:
        return schedule_of(project, report, settings)
    found = read_indicators(project.target, project.plan, project.progress, period_of(report))
    indicators = apply_edits(found.indicators, project.indicator_edits)
    return judge(project, indicators, settings, unused=found.unused)


def schedules_of(
    projects: Iterable[Project],
    report: Report | None,
    settings: ScheduleSettings = DEFAULT_SETTINGS,
) -> list[ProjectSchedule]:
    """The 序时 of many projects, in their order."""
    return [project_schedule(project, report, settings) for project in projects]


def class_counts(schedules: Iterable[ProjectSchedule]) -> dict[str, int]:
    """How many projects are in each class, every class present, in the registry's order."""
    counts = dict.fromkeys(SCHEDULE_CLASSES, 0)
    for schedule in schedules:
        counts[schedule.class_name] += 1
    return counts


def ratio_sort_key(schedule: ProjectSchedule) -> tuple[int, float, str]:
    """Sort by ratio, worst first; projects without a ratio last, by class then id."""
    if schedule.ratio is None:
        return (1, float(SCHEDULE_REGISTRY[schedule.class_name].rank), schedule.id)
    return (0, schedule.ratio, schedule.id)

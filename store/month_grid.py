"""The month grid: a project's plan and progress lined up by month, with unmatched plans marked,
and at the report period's last month what was planned by then against what was done (序时)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from store.models import Project, Report
from store.months import ALL_MONTHS, MonthItem, plan_items, progress_items

if TYPE_CHECKING:
    from store.schedule import JudgedIndicator, ProjectSchedule


@dataclass(frozen=True)
class GridEntry:
    """One item in a grid cell."""

    text: str
    source: str = "report"  # "report" (the imported text) or "update" (a dated update)
    no_progress: bool = False  # a planned item inside the period with nothing reported for it


@dataclass
class GridRow:
    """One row: a month or a span of months, what was planned and what was reported."""

    months: tuple[int, ...]
    plan: list[GridEntry] = field(default_factory=list)
    progress: list[GridEntry] = field(default_factory=list)
    in_period: bool = False
    #: planned by the period against actual, one line per judged indicator (the period's row)
    measures: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """'5月', '3-5月', '全年', or e.g. '1、3月' for months that do not run on."""
        return months_label(self.months)


def months_label(months: tuple[int, ...]) -> str:
    """A short label for a set of months, in the report's own style."""
    if not months:
        return "未注明"
    if months == ALL_MONTHS:
        return "全年"
    if len(months) == 1:
        return f"{months[0]}月"
    if list(months) == list(range(months[0], months[-1] + 1)):
        return f"{months[0]}-{months[-1]}月"
    return "、".join(str(m) for m in months) + "月"


def _overlaps(a: tuple[int, ...], b: tuple[int, ...]) -> bool:
    return bool(set(a) & set(b))


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    shown = str(int(value)) if float(value).is_integer() else f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{shown}{unit}"


def measure_line(judged: JudgedIndicator) -> str:
    """'序时 滞后：就业困难人员就业 计划 190人 / 实际 31人（16.3%）': one judged indicator's
    planned-by-period against its actual, every number as computed."""
    ind = judged.indicator
    ratio = f"（{ind.ratio * 100:.1f}%）" if ind.ratio is not None else ""
    name = f"{ind.name} " if ind.name else ""
    by = "（按序时进度）" if ind.basis == "time_elapsed" else ""
    return (
        f"序时 {judged.class_name}：{name}计划 {_amount(ind.planned, ind.unit)}{by} / "
        f"实际 {_amount(ind.actual, ind.unit)}{ratio}"
    )


def measure_lines(schedule: ProjectSchedule | None) -> list[str]:
    """The lines of the judged indicators, the one that decides the class first; none when
    nothing can be judged (未判定: no number is made up)."""
    if schedule is None:
        return []
    judged = [j for j in schedule.indicators if j.class_name is not None]
    judged.sort(key=lambda j: j is not schedule.worst)  # (stable: the others in text order)
    return [measure_line(j) for j in judged]


def build_grid(
    project: Project, report: Report, schedule: ProjectSchedule | None = None
) -> list[GridRow]:
    """Rows in month order; each plan and progress item lands in the row of exactly its months.

    A planned item whose months all fall inside the report period, with no progress item (dated,
    undated or a later update) sharing any of its months, is marked ``no_progress``: a hint to
    the reviewer, not a verdict. Undated progress belongs to the whole report period and so
    counts as progress for every month of it. With the project's ``schedule``, the row of the
    period's last month (made when the texts name none) carries ``measures``: planned by the
    period against actual, per judged indicator.
    """
    period: tuple[int, int] | None = None
    if report.period_from is not None and report.period_to is not None:
        period = (report.period_from, report.period_to)
    period_months = tuple(range(period[0], period[1] + 1)) if period else ()

    plans = plan_items(project.plan)
    progress: list[tuple[MonthItem, str]] = [
        (item, "report") for item in progress_items(project.progress, period)
    ]
    for update in sorted(project.updates, key=lambda u: (u.month, u.at)):
        year, _, month = update.month.partition("-")
        same_year = report.year is None or year == str(report.year)
        months = (int(month),) if same_year and month.isdigit() else ()
        progress.append((MonthItem(months, update.text), "update"))

    rows: dict[tuple[int, ...], GridRow] = {}

    def row(months: tuple[int, ...]) -> GridRow:
        if months not in rows:
            rows[months] = GridRow(
                months=months,
                in_period=bool(period_months) and _overlaps(months, period_months),
            )
        return rows[months]

    reported_months = {m for item, _ in progress for m in item.months}
    for item in plans:
        inside = bool(period_months) and set(item.months) <= set(period_months)
        missing = inside and not (set(item.months) & reported_months)
        row(item.months).plan.append(GridEntry(item.text, no_progress=missing))
    for item, source in progress:
        row(item.months).progress.append(GridEntry(item.text, source=source))
    measures = measure_lines(schedule)
    if measures and period is not None:
        row((period[1],)).measures.extend(measures)

    def order(r: GridRow) -> tuple[int, int]:
        first = r.months[0] if r.months else 13
        return (first, -len(r.months))  # a span comes before the single months it starts with

    return sorted(rows.values(), key=order)

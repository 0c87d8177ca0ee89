"""The month grid: a project's plan and progress lined up by month, with unmatched plans marked."""

from __future__ import annotations

from dataclasses import dataclass, field

from store.models import Project, Report
from store.months import ALL_MONTHS, MonthItem, plan_items, progress_items


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


def build_grid(project: Project, report: Report) -> list[GridRow]:
    """Rows in month order; each plan and progress item lands in the row of exactly its months.

    A planned item whose months all fall inside the report period, with no progress item (dated,
    undated or a later update) sharing any of its months, is marked ``no_progress``: a hint to
    the reviewer, not a verdict. Undated progress belongs to the whole report period and so
    counts as progress for every month of it.
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

    def order(r: GridRow) -> tuple[int, int]:
        first = r.months[0] if r.months else 13
        return (first, -len(r.months))  # a span comes before the single months it starts with

    return sorted(rows.values(), key=order)

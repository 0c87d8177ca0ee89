"""The 通报: the bulletin the office sends up, computed from the store and written as docx, md
or html (headless, like the exports; the command line and the app both use it).

``compute_bulletin(store, projects, today)`` gives a ``Bulletin``: frozen values with every
number of the document, computed once. Its 序时 classes and ratios are those of
``minsheng schedule --json`` (``store.schedule.project_schedule`` with the store's settings).
Its parts, in the report's own words:

- the title from the report (``兰陵县2023年重点民生实事项目推进情况通报（1-6月）``) and the date;
- 一、总体情况: projects by 项目等级, 已完成 with the completion rate, started (开工) and not
  started (未启动), the projects in each 序时 class with their share, and the overdue ones
  (完成时限 passed by the bulletin's date, not 已完成);
- 二、分单位情况: 牵头单位 x 序时 class and x 工作成效 (merged unit names as the list counts
  them; a project several units lead counts for each), the most lagging units first;
- 三、存在问题: each 滞后 and 慢序时 project with its worst indicator in words ("计划6月底前完成
  190人，实际31人，完成计划的16.3%") and its reason: the note given when its 工作成效 was set, else
  its latest progress;
- 四、需核实的项目: where the reported 工作成效 and the 序时 class disagree;
- 附件1 慢序时/滞后项目清单, 附件2 按序时/超序时项目清单 (and 附件3 for many overdue projects).

``bulletin_blocks`` lays the bulletin out as headings, paragraphs and tables once; each writer
(``BULLETIN_REGISTRY``: md, html, docx) renders those blocks, so the three carry the same text
and numbers. ``bulletin_bytes(fmt, bulletin)`` writes one.
"""

from __future__ import annotations

import html
import io
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.export import ExportError, ExportFormat
from store.models import LEVELS, STATUSES, Project, Report, clean_text
from store.query import facet_values, latest_progress
from store.vocabulary import SCHEDULE_CLASSES

if TYPE_CHECKING:
    from store.interface import ProjectStore
    from store.schedule import ProjectSchedule
    from store.schedule_rule import ScheduleSettings

AHEAD, ON_TIME, SLOW, LATE, DONE, UNJUDGED = SCHEDULE_CLASSES
_DONE_STATUS = "已完成"
_NOT_STARTED = "未启动"
_NO_UNIT = "（未填牵头单位）"
_NO_LEVEL = "未标明等级"
#: how many projects a sentence names before a table takes over (the rest is in an 附件)
_NAMED_IN_TEXT = 10
#: a reason taken from the progress text is cut to about this many characters
_REASON_CHARS = 160


# ---------------------------------------------------------------------------------------------
# The numbers


@dataclass(frozen=True)
class Count:
    """A number of projects and its share of the bulletin's projects (None: there are none)."""

    label: str
    count: int
    share: float | None


@dataclass(frozen=True)
class ProjectLine:
    """One project as the bulletin names it: who leads it, its 序时 and the numbers behind it."""

    id: str
    name: str
    department: str
    level: str
    status: str  # 工作成效 (the office's)
    reported: str  # 工作成效 as reported
    class_name: str  # 序时
    ratio: float | None  # the worst indicator's actual / planned
    planned: str  # "190人" ('' when nothing is planned by the period)
    actual: str  # "31人"
    indicator: str  # the worst indicator's name
    words: str  # "就业困难人员就业：计划6月底前完成190人，实际31人，完成计划的16.3%"
    reason: str = ""  # the note given when the status was set, else the latest progress
    reason_is_note: bool = False
    deadline: str = ""  # 'YYYY-MM'


@dataclass(frozen=True)
class UnitRow:
    """One 牵头单位: its projects by 序时 class (SCHEDULE_CLASSES order) and by 工作成效."""

    unit: str
    total: int
    classes: tuple[int, ...]
    statuses: tuple[int, ...]

    def count(self, class_name: str) -> int:
        """How many of its projects are in one 序时 class."""
        return self.classes[SCHEDULE_CLASSES.index(class_name)]


@dataclass(frozen=True)
class Overview:
    """一、总体情况."""

    total: int
    levels: tuple[Count, ...]
    done: Count  # 工作成效 已完成
    started: Count  # not 未启动
    not_started: Count
    classes: tuple[Count, ...]  # every 序时 class, in the registry's order
    overdue: tuple[ProjectLine, ...]


@dataclass(frozen=True)
class Bulletin:
    """Everything the 通报 says, computed once: the writers only lay it out."""

    title: str
    date: date
    year: int | None
    period_to: int | None
    scope: str  # the filters that chose the projects ('' : all of them)
    rule: str  # the 序时 rule in words, from the store's settings
    overview: Overview
    statuses: tuple[str, ...]  # the 工作成效 columns of the unit table
    units: tuple[UnitRow, ...]
    late: tuple[ProjectLine, ...]  # 滞后
    slow: tuple[ProjectLine, ...]  # 慢序时
    behind: tuple[ProjectLine, ...]  # 附件1: 慢序时 and 滞后, in the projects' order
    on_plan: tuple[ProjectLine, ...]  # 附件2: 按序时 and 超序时, in the projects' order
    disagreements: tuple[ProjectLine, ...]  # reported 工作成效 against the 序时 class

    def class_count(self, class_name: str) -> int:
        """How many projects are in one 序时 class."""
        return next(c.count for c in self.overview.classes if c.label == class_name)


def bulletin_title(report: Report) -> str:
    """The title from the report's region, year and months: '兰陵县2023年…通报（1-6月）'."""
    title = "".join(report.region.split())
    if report.year:
        title += f"{report.year}年"
    title += "重点民生实事项目推进情况通报"
    if report.period_from is not None and report.period_to is not None:
        if report.period_from == report.period_to:
            title += f"（{report.period_to}月）"
        else:
            title += f"（{report.period_from}-{report.period_to}月）"
    return title


def title_lines(title: str) -> list[str]:
    """A long title broken where it reads: '…重点民生实事项目' / '推进情况通报（1-6月）'."""
    head, mark, tail = title.partition("推进情况通报")
    if mark and len(title) > 20 and head:
        return [head, mark + tail]
    return [title]


def percent(share: float | None) -> str:
    """A share as an office writes it: '40.8%', '100%' (one decimal, half up); '—' for none."""
    if share is None:
        return "—"
    value = (Decimal(repr(share)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    text = f"{value:f}"
    return (text[:-2] if text.endswith(".0") else text) + "%"


def figure(value: float | None) -> str:
    """A number as written: 190, 84.9, 3457.84 ('' for none)."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def day_text(day: date) -> str:
    """'2023年7月5日'."""
    return f"{day.year}年{day.month}月{day.day}日"


def month_text(month: str) -> str:
    """'2023-08' as '2023年8月' (as written when it is not of that form)."""
    try:
        return f"{int(month[:4])}年{int(month[5:7])}月"
    except ValueError:
        return month


def rule_text(settings: ScheduleSettings) -> str:
    """The 序时 rule as the bulletin explains it, from the store's settings."""
    if settings.basis == "points":
        return (
            f"实际完成量高于报告期末计划完成量达目标的{figure(settings.ahead_points)}个百分点"
            f"及以上为超序时，低于计划不足{figure(settings.slow_points)}个百分点为按序时，"
            f"低{figure(settings.slow_points)}至{figure(settings.late_points)}个百分点为慢序时，"
            "更多为滞后"
        )
    return (
        f"实际完成量与报告期末计划完成量之比，{percent(settings.ahead)}及以上为超序时，"
        f"{percent(settings.on_time)}及以上为按序时，{percent(settings.slow)}及以上为慢序时，"
        "以下为滞后"
    )


def _share(count: int, total: int) -> float | None:
    return count / total if total else None


def _one_line(text: str) -> str:
    return clean_text(text, single_line=True)


def _cut(text: str, limit: int = _REASON_CHARS) -> str:
    """At most about ``limit`` characters, ending at a sentence's end when one is near."""
    text = _one_line(text)
    if len(text) <= limit:
        return text
    head = text[:limit]
    stop = max(head.rfind(mark) for mark in "。；;")
    if stop >= limit // 2:
        return head[: stop + 1] + "……"
    return head.rstrip("，,、 ") + "……"


def _words(schedule: ProjectSchedule, period_to: int | None) -> tuple[str, str, str, str]:
    """The worst indicator's (name, planned, actual, sentence)."""
    worst = schedule.worst
    if worst is None:
        return "", "", "", ""
    ind = worst.indicator
    name = _one_line(ind.name)
    unit = _one_line(ind.unit)
    planned = figure(ind.planned) + unit if ind.planned is not None else ""
    actual = figure(ind.actual) + unit if ind.actual is not None else ""
    by = f"{period_to}月底前" if period_to else "报告期内"
    if ind.basis == "time_elapsed":
        plan = f"按序时进度{by}应完成{planned}"
    else:
        plan = f"计划{by}完成{planned}"
    sentence = f"{plan}，实际{actual}，完成计划的{percent(ind.ratio)}"
    if name:
        sentence = f"{name}：{sentence}"
    return name, planned, actual, sentence


def _status_notes(store: ProjectStore, ids: set[str]) -> dict[str, tuple[str, str]]:
    """Per project of ``ids``: (status it set, note) of the latest change of 工作成效."""
    found: dict[str, tuple[str, str]] = {}
    if not ids:
        return found
    for change in store.history():  # oldest first: a later change replaces an earlier one
        if change.field == "status" and change.project in ids:
            found[change.project] = (str(change.new), change.note)
    return found


def _units_of(project: Project, aliases: dict[str, str]) -> list[str]:
    """The units a project counts for, as the list's 牵头单位 facet counts them."""
    units = [aliases.get(u, u) for u in facet_values(project, "department")]
    return list(dict.fromkeys(u.strip() or _NO_UNIT for u in units))


def compute_bulletin(
    store: ProjectStore,
    projects: list[Project],
    today: date,
    *,
    scope: str = "",
    schedules: Sequence[ProjectSchedule] | None = None,
) -> Bulletin:
    """The 通报 of ``projects`` (in their order) as of ``today``.

    ``schedules``: their 序时 when the caller has them already (the same computation:
    ``project_schedule`` with the store's settings); ``scope``: the filters, in words.
    """
    from store.query import pinyin_keys
    from store.schedule import project_schedule

    report = store.report()
    if schedules is None:
        settings = store.schedule_settings()
        schedules = [project_schedule(p, report, settings) for p in projects]
    if len(schedules) != len(projects):
        raise ValueError("one 序时 per project is needed")
    aliases = store.aliases()
    total = len(projects)
    period_to = report.period_to

    behind_ids = {p.id for p, s in zip(projects, schedules, strict=True) if s.behind}
    notes = _status_notes(store, behind_ids)

    def line(p: Project, s: ProjectSchedule) -> ProjectLine:
        name, planned, actual, words = _words(s, period_to)
        reason, is_note = "", False
        if p.id in behind_ids:
            status, note = notes.get(p.id, ("", ""))
            if note.strip() and status == p.status:
                reason, is_note = _one_line(note), True
            else:
                reason = _cut(latest_progress(p))
        return ProjectLine(
            id=p.id,
            name=_one_line(p.name),
            department=_one_line("、".join(_units_of(p, aliases))),
            level=_one_line(p.level),
            status=_one_line(p.status),
            reported=_one_line(s.reported),
            class_name=s.class_name,
            ratio=s.ratio,
            planned=planned,
            actual=actual,
            indicator=name,
            words=words,
            reason=reason,
            reason_is_note=is_note,
            deadline=p.deadline,
        )

    lines = [line(p, s) for p, s in zip(projects, schedules, strict=True)]

    levels = Counter(p.level.strip() or _NO_LEVEL for p in projects)
    level_order = [v for v in LEVELS if v in levels] + sorted(set(levels) - set(LEVELS))
    statuses = Counter(_one_line(p.status) for p in projects)
    done = statuses.get(_DONE_STATUS, 0)
    not_started = statuses.get(_NOT_STARTED, 0)
    classes = Counter(s.class_name for s in schedules)
    month = today.strftime("%Y-%m")
    overdue = tuple(
        ln for ln, p in zip(lines, projects, strict=True)
        if p.deadline and p.deadline < month and p.status != _DONE_STATUS
    )  # fmt: skip
    overview = Overview(
        total=total,
        levels=tuple(Count(v, levels[v], _share(levels[v], total)) for v in level_order),
        done=Count(_DONE_STATUS, done, _share(done, total)),
        started=Count("已开工", total - not_started, _share(total - not_started, total)),
        not_started=Count(_NOT_STARTED, not_started, _share(not_started, total)),
        classes=tuple(Count(c, classes[c], _share(classes[c], total)) for c in SCHEDULE_CLASSES),
        overdue=overdue,
    )

    status_columns = tuple(STATUSES) + tuple(sorted(set(statuses) - set(STATUSES)))
    by_unit: dict[str, tuple[Counter[str], Counter[str]]] = {}
    for p, s in zip(projects, schedules, strict=True):
        for unit in _units_of(p, aliases):
            unit_classes, unit_statuses = by_unit.setdefault(unit, (Counter(), Counter()))
            unit_classes[s.class_name] += 1
            unit_statuses[_one_line(p.status)] += 1
    rows = [
        UnitRow(
            unit=_one_line(unit),
            total=sum(c.values()),
            classes=tuple(c[name] for name in SCHEDULE_CLASSES),
            statuses=tuple(st[name] for name in status_columns),
        )
        for unit, (c, st) in by_unit.items()
    ]
    rows.sort(
        key=lambda r: (-r.count(LATE), -r.count(SLOW), -r.total, pinyin_keys(r.unit)[0], r.unit)
    )

    return Bulletin(
        title=_one_line(bulletin_title(report)),
        date=today,
        year=report.year,
        period_to=period_to,
        scope=_one_line(scope),
        rule=rule_text(store.schedule_settings()),
        overview=overview,
        statuses=status_columns,
        units=tuple(rows),
        late=tuple(ln for ln in lines if ln.class_name == LATE),
        slow=tuple(ln for ln in lines if ln.class_name == SLOW),
        behind=tuple(ln for ln in lines if ln.class_name in (LATE, SLOW)),
        on_plan=tuple(ln for ln in lines if ln.class_name in (ON_TIME, AHEAD)),
        disagreements=tuple(ln for ln, s in zip(lines, schedules, strict=True) if s.disagrees),
    )


# ---------------------------------------------------------------------------------------------
# The layout: what every format shows, in order


@dataclass(frozen=True)
class Block:
    """One piece of the document: a title, heading, paragraph, caption, table or page break."""

    #: "title", "date", "heading" (一、), "subheading" ((一)), "paragraph", "item" (1.),
    #: "attachments" (the list of 附件 after the text), "signature" (the date under it),
    #: "attachment" (附件1, on a new page), "attachment_title", "caption" (a table's title),
    #: "table" (a cell may hold several lines)
    kind: str
    text: str = ""
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    #: relative widths of the table's columns (docx and html share them out)
    widths: tuple[float, ...] = ()
    #: per column: True when its cells are centred (numbers, ids, classes)
    centred: tuple[bool, ...] = ()


_CN_NUMBERS = "一二三四五六七八九十"


def _counts_text(counts: Sequence[Count], *, shares: bool = True) -> str:
    parts = []
    for c in counts:
        text = f"{c.label}{c.count}项"
        if shares and c.count:
            text += f"，占{percent(c.share)}"
        parts.append(text)
    return "；".join(parts) if shares else "、".join(parts)


def _class_cell(line: ProjectLine) -> str:
    if line.ratio is None:
        return line.class_name
    return f"{line.class_name}\n{percent(line.ratio)}"


def _project_table(lines: Sequence[ProjectLine]) -> Block:
    return Block(
        "table",
        headers=("编号", "项目名称", "牵头单位", "计划", "实际", "序时"),
        rows=tuple(
            (
                ln.id,
                ln.name,
                ln.department,
                f"{ln.indicator}：{ln.planned}" if ln.indicator else ln.planned,
                ln.actual,
                _class_cell(ln),
            )
            for ln in lines
        ),
        widths=(1.3, 3.9, 3.1, 3.5, 2.0, 1.8),
        centred=(True, False, False, False, True, True),
    )


def _by_when(b: Bulletin) -> str:
    return f"截至{b.period_to}月底" if b.period_to else "截至目前"


def bulletin_blocks(b: Bulletin) -> list[Block]:
    """The bulletin laid out once: every writer renders these blocks in order."""
    o = b.overview
    out: list[Block] = [Block("title", b.title), Block("date", f"（{day_text(b.date)}）")]
    year = f"{b.year}年" if b.year else ""
    heading = iter(_CN_NUMBERS)

    # 一、总体情况
    out.append(Block("heading", f"{next(heading)}、总体情况"))
    if b.scope:
        out.append(Block("paragraph", f"本通报范围：{b.scope}。"))
    if not o.total:
        out.append(Block("paragraph", "本通报范围内没有项目。"))
        return out
    levels = "、".join(f"{c.label}{c.count}项" for c in o.levels)
    out.append(
        Block(
            "paragraph",
            f"{year}纳入本通报的重点民生实事项目共{o.total}项，其中{levels}。"
            f"{_by_when(b)}，已完成{o.done.count}项，完成率{percent(o.done.share)}；"
            f"已开工{o.started.count}项，开工率{percent(o.started.share)}；"
            f"未启动{o.not_started.count}项。",
        )
    )
    out.append(
        Block(
            "paragraph",
            "对照各项目月度计划测算序时进度：" + _counts_text(o.classes) + "。"
            f"（序时：{b.rule}；已完成的另计；任务目标、月度计划中没有可计数量或实际数的"
            "为未判定。）",
        )
    )
    if not o.overdue:
        out.append(Block("paragraph", f"截至{day_text(b.date)}，没有已过完成时限仍未完成的项目。"))
    elif len(o.overdue) <= _NAMED_IN_TEXT:
        named = "；".join(
            f"{ln.name}（{ln.department}，完成时限{month_text(ln.deadline)}）" for ln in o.overdue
        )
        out.append(
            Block(
                "paragraph",
                f"截至{day_text(b.date)}，已过完成时限仍未完成的项目{len(o.overdue)}项：{named}。",
            )
        )
    else:
        out.append(
            Block(
                "paragraph",
                f"截至{day_text(b.date)}，已过完成时限仍未完成的项目{len(o.overdue)}项，"
                "详见附件3。",
            )
        )

    # 二、分单位情况
    out.append(Block("heading", f"{next(heading)}、分单位情况"))
    lagging = [u for u in b.units if u.count(LATE) or u.count(SLOW)]
    if lagging:
        named = "、".join(
            u.unit
            + "（"
            + "、".join(f"{c}{u.count(c)}项" for c in (LATE, SLOW) if u.count(c))
            + "）"
            for u in lagging[:_NAMED_IN_TEXT]
        )
        more = f"等{len(lagging)}个单位" if len(lagging) > _NAMED_IN_TEXT else ""
        out.append(
            Block(
                "paragraph",
                f"共{len(b.units)}个牵头单位。滞后、慢序时项目较多的单位有：{named}{more}。"
                "各单位情况见表1、表2（联合牵头的项目在各牵头单位分别计入）。",
            )
        )
    else:
        out.append(
            Block(
                "paragraph",
                f"共{len(b.units)}个牵头单位，均没有滞后、慢序时项目。各单位情况见表1、表2"
                "（联合牵头的项目在各牵头单位分别计入）。",
            )
        )
    n = len(SCHEDULE_CLASSES)
    out.append(Block("caption", "表1 各牵头单位项目序时情况"))
    out.append(
        Block(
            "table",
            headers=("牵头单位", "项目数", *SCHEDULE_CLASSES),
            rows=tuple((u.unit, str(u.total), *(str(v) for v in u.classes)) for u in b.units),
            widths=(4.0, 1.6) + (10.0 / n,) * n,
            centred=(False,) + (True,) * (n + 1),
        )
    )
    m = len(b.statuses)
    out.append(Block("caption", "表2 各牵头单位项目工作成效情况"))
    out.append(
        Block(
            "table",
            headers=("牵头单位", "项目数", *b.statuses),
            rows=tuple((u.unit, str(u.total), *(str(v) for v in u.statuses)) for u in b.units),
            widths=(5.2, 1.8) + (8.6 / max(m, 1),) * m,
            centred=(False,) + (True,) * (m + 1),
        )
    )

    # 三、存在问题
    out.append(Block("heading", f"{next(heading)}、存在问题"))
    if not (b.late or b.slow):
        out.append(Block("paragraph", "没有滞后、慢序时项目。"))
    sub = iter(_CN_NUMBERS)
    for label, lines in ((LATE, b.late), (SLOW, b.slow)):
        if not lines:
            continue
        out.append(Block("subheading", f"（{next(sub)}）{label}项目（{len(lines)}项）"))
        for i, ln in enumerate(lines, start=1):
            text = f"{i}．{ln.name}（{ln.department}）。{ln.words}。"
            if ln.reason:
                text += ("原因：" if ln.reason_is_note else "最新进展：") + ln.reason
                if not ln.reason.endswith(("。", "……", "！", "？", ".")):
                    text += "。"
            out.append(Block("item", text))

    # 四、需核实的项目
    if b.disagreements:
        out.append(Block("heading", f"{next(heading)}、需核实的项目"))
        out.append(
            Block(
                "paragraph",
                f"以下{len(b.disagreements)}个项目上报的工作成效与测算的序时不一致，"
                "请牵头单位核实：",
            )
        )
        out.append(Block("caption", "表3 工作成效与序时不一致的项目"))
        out.append(
            Block(
                "table",
                headers=("编号", "项目名称", "牵头单位", "上报工作成效", "序时"),
                rows=tuple(
                    (ln.id, ln.name, ln.department, ln.reported, _class_cell(ln))
                    for ln in b.disagreements
                ),
                widths=(1.3, 5.0, 4.0, 3.3, 2.0),
                centred=(True, False, False, True, True),
            )
        )

    attachments = ["慢序时、滞后项目清单", "按序时、超序时项目清单"]
    many_overdue = len(o.overdue) > _NAMED_IN_TEXT
    if many_overdue:
        attachments.append("已过完成时限未完成项目清单")
    listed = "\n".join(f"{i}．{name}" for i, name in enumerate(attachments, start=1))
    out.append(Block("attachments", listed))
    out.append(Block("signature", day_text(b.date)))

    out.append(Block("attachment", "附件1"))
    out.append(Block("attachment_title", f"慢序时、滞后项目清单（{len(b.behind)}项）"))
    out.append(_project_table(b.behind))
    out.append(Block("attachment", "附件2"))
    out.append(Block("attachment_title", f"按序时、超序时项目清单（{len(b.on_plan)}项）"))
    out.append(_project_table(b.on_plan))
    if many_overdue:
        out.append(Block("attachment", "附件3"))
        out.append(Block("attachment_title", f"已过完成时限未完成项目清单（{len(o.overdue)}项）"))
        out.append(
            Block(
                "table",
                headers=("编号", "项目名称", "牵头单位", "完成时限", "工作成效", "序时"),
                rows=tuple(
                    (
                        ln.id,
                        ln.name,
                        ln.department,
                        month_text(ln.deadline),
                        ln.status,
                        ln.class_name,
                    )
                    for ln in o.overdue
                ),  # fmt: skip
                widths=(1.3, 4.6, 3.0, 2.7, 2.0, 2.0),
                centred=(True, False, False, True, True, True),
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# md

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#~"})


def _md(text: str) -> str:
    """Text as Markdown shows it literally: its markup characters escaped, on one line."""
    return " ".join(text.split("\n")).translate(_MD_SPECIAL)


def _cell_html(text: str) -> str:
    return "<br>".join(_h(line) for line in text.split("\n"))


def bulletin_md(b: Bulletin) -> bytes:
    """The bulletin as Markdown: headings, paragraphs and pipe tables."""
    out: list[str] = []
    for block in bulletin_blocks(b):
        kind, text = block.kind, block.text
        if kind == "title":
            out.append(f"# {_md(text)}")
        elif kind in ("heading", "attachment"):
            out.append(f"## {_md(text)}")
        elif kind == "attachment_title":
            out.append(f"### {_md(text)}")
        elif kind == "subheading":
            out.append(f"### {_md(text)}")
        elif kind == "caption":
            out.append(f"**{_md(text)}**")
        elif kind == "attachments":
            lines = text.split("\n")
            out.append("附件：" + "<br>".join(_md(line) for line in lines))
        elif kind == "table":
            rows = [block.headers, *block.rows]
            out.append("| " + " | ".join(_md(h) for h in block.headers) + " |")
            out.append("| " + " | ".join(":---:" if c else "---" for c in block.centred) + " |")
            out += ["| " + " | ".join(_md(c) or " " for c in row) + " |" for row in rows[1:]]
        else:  # date, paragraph, item, signature
            out.append(_md(text))
        out.append("")
    return "\n".join(out).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# html

_HTML_CSS = """
body { font-family: "FangSong", "STFangsong", "仿宋_GB2312", "仿宋", "Noto Serif CJK SC",
       "SimSun", serif; font-size: 16pt; line-height: 1.75; color: #000;
       max-width: 156mm; margin: 2em auto; padding: 0 1em; }
h1 { font-family: "方正小标宋简体", "FZXiaoBiaoSong-B05S", "STZhongsong", "SimSun",
     "Noto Serif CJK SC", serif; font-size: 22pt; font-weight: normal; text-align: center;
     line-height: 1.5; margin: 0.5em 0 0.2em; }
h2, .attachment { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif;
     font-size: 16pt; font-weight: normal; margin: 0.6em 0 0.2em; }
h3 { font-family: "楷体_GB2312", "KaiTi", "STKaiti", "Noto Serif CJK SC", serif;
     font-size: 16pt; font-weight: normal; margin: 0.4em 0 0.2em; text-indent: 2em; }
p { margin: 0; text-indent: 2em; }
p.date { text-align: center; text-indent: 0; margin-bottom: 1em; }
p.signature { text-align: right; text-indent: 0; margin: 1.5em 2em 0 0; }
p.attachments { text-indent: 2em; margin-top: 1em; }
.attachment-title { font-family: "方正小标宋简体", "STZhongsong", "SimSun", "Noto Serif CJK SC",
     serif; font-size: 18pt; text-align: center; text-indent: 0; margin: 0.5em 0; }
.caption { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; font-size: 13pt;
     text-align: center; text-indent: 0; margin: 0.8em 0 0.3em; }
table { border-collapse: collapse; width: 100%; font-size: 11pt; line-height: 1.4;
        margin-bottom: 0.8em; }
th, td { border: 1px solid #000; padding: 0.2em 0.3em; vertical-align: middle; }
th { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; font-weight: normal;
     text-align: center; }
td.c { text-align: center; }
tr { page-break-inside: avoid; break-inside: avoid; }
section.attachment-page { margin-top: 2em; }
@page { size: A4 portrait; margin: 37mm 26mm 35mm 28mm; }
@media print {
  body { margin: 0; padding: 0; max-width: none; }
  thead { display: table-header-group; }
  section.attachment-page { page-break-before: always; break-before: page; margin-top: 0; }
}
"""


def _h(text: str) -> str:
    return html.escape(text, quote=True)


def bulletin_html(b: Bulletin) -> bytes:
    """One self-contained printable page (inline CSS, no scripts, every text escaped)."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(b.title)}</title>",
        f"<style>{_HTML_CSS}</style>",
        "</head>",
        "<body>",
        "<section>",
    ]
    for block in bulletin_blocks(b):
        kind, text = block.kind, block.text
        if kind == "title":
            parts.append(f"<h1>{'<br>'.join(_h(line) for line in title_lines(text))}</h1>")
        elif kind == "date":
            parts.append(f'<p class="date">{_h(text)}</p>')
        elif kind == "heading":
            parts.append(f"<h2>{_h(text)}</h2>")
        elif kind == "subheading":
            parts.append(f"<h3>{_h(text)}</h3>")
        elif kind == "attachment":
            parts.append("</section>")
            parts.append('<section class="attachment-page">')
            parts.append(f'<p class="attachment">{_h(text)}</p>')
        elif kind == "caption":
            parts.append(f'<p class="caption">{_h(text)}</p>')
        elif kind == "attachment_title":
            parts.append(f'<p class="attachment-title">{_h(text)}</p>')
        elif kind == "attachments":
            lines = "<br>".join(_h(line) for line in text.split("\n"))
            parts.append(f'<p class="attachments">附件：{lines}</p>')
        elif kind == "signature":
            parts.append(f'<p class="signature">{_h(text)}</p>')
        elif kind == "table":
            whole = sum(block.widths) or 1.0
            parts.append("<table>")
            parts.append(
                "<colgroup>"
                + "".join(f'<col style="width:{w / whole:.1%}">' for w in block.widths)
                + "</colgroup>"
            )
            header = "".join(f"<th>{_h(h)}</th>" for h in block.headers)
            parts.append(f"<thead><tr>{header}</tr></thead>")
            parts.append("<tbody>")
            for row in block.rows:
                cells = "".join(
                    f'<td class="c">{_cell_html(c)}</td>'
                    if centred
                    else f"<td>{_cell_html(c)}</td>"
                    for c, centred in zip(row, block.centred, strict=True)
                )
                parts.append(f"<tr>{cells}</tr>")
            parts.append("</tbody>")
            parts.append("</table>")
        else:  # paragraph, item
            parts.append(f"<p>{_h(text)}</p>")
    parts += ["</section>", "</body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# docx

#: 公文 fonts (GB/T 9704): the title in 方正小标宋简体, headings in 黑体, sub-headings in
#: 楷体_GB2312, text in 仿宋_GB2312; digits and Latin letters in Times New Roman. Where a
#: font is missing Word and LibreOffice put a Chinese font of the system in its place (宋体,
#: Noto CJK): the sizes are chosen to read well in those too.
TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
#: A4 portrait, the margins of 公文 (top, bottom, left, right), in cm
PAGE_CM = (21.0, 29.7)
MARGINS_CM = (3.7, 3.5, 2.8, 2.6)


def _set_fonts(rpr_parent: Any, east_asian: str, size: float, *, bold: bool = False) -> None:
    """Give a style or run its fonts: the Chinese one (w:eastAsia), Latin beside it."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = rpr_parent.font
    font.name = LATIN_FONT  # sets w:ascii and w:hAnsi
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = None
    rpr = rpr_parent.element.get_or_add_rPr()
    fonts = rpr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:cs"), east_asian)


def _paragraph_style(
    styles: Any,
    name: str,
    font: str,
    size: float,
    *,
    bold: bool = False,
    centred: bool = False,
    indent: bool = False,
    exact: float | None = 28.0,
    before: float = 0.0,
    after: float = 0.0,
    keep_with_next: bool = False,
) -> Any:
    from docx.enum.style import WD_STYLE_TYPE
    from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
    from docx.shared import Pt

    try:
        style = styles[name]
    except KeyError:
        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles["Normal"]
    _set_fonts(style, font, size, bold=bold)
    fmt = style.paragraph_format
    if exact is None:
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(exact)
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    fmt.first_line_indent = Pt(size * 2) if indent else Pt(0)
    fmt.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER if centred else WD_PARAGRAPH_ALIGNMENT.JUSTIFY
    fmt.keep_with_next = keep_with_next
    fmt.widow_control = True
    return style


def _field(paragraph: Any, instruction: str, shown: str) -> None:
    """A Word field (PAGE, NUMPAGES) in a paragraph, showing ``shown`` until updated."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def fld_char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    run = paragraph.add_run()
    run._r.append(fld_char("begin"))
    run = paragraph.add_run()
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run._r.append(instr)
    run = paragraph.add_run()
    run._r.append(fld_char("separate"))
    paragraph.add_run(shown)
    run = paragraph.add_run()
    run._r.append(fld_char("end"))


def _add(doc: Any, text: str, style: Any) -> Any:
    """A paragraph of a style (set by id: python-docx's style setter looks the default style
    up each time, most of the time of a document of thousands of paragraphs)."""
    paragraph = doc.add_paragraph(text)
    if style.style_id != "Normal":
        paragraph._p.style = style.style_id
    return paragraph


def _repeat_header(row: Any) -> None:
    """Mark a table row as the header repeated at the top of every page (w:tblHeader)."""
    from docx.oxml import OxmlElement

    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:tblHeader"))


def _no_split(row: Any) -> None:
    from docx.oxml import OxmlElement

    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def bulletin_docx(b: Bulletin) -> bytes:
    """The bulletin as a Word document an office would send: A4 portrait with 公文 margins,
    fonts and numbering, real tables whose header row repeats, page numbers in the footer."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_BREAK, WD_PARAGRAPH_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
    top, bottom, left, right = MARGINS_CM
    section.top_margin, section.bottom_margin = Cm(top), Cm(bottom)
    section.left_margin, section.right_margin = Cm(left), Cm(right)
    section.footer_distance = Cm(2.3)
    text_width = PAGE_CM[0] - left - right

    styles = doc.styles
    # Text read as Chinese: fallbacks for the fonts below are chosen for zh-CN.
    defaults = styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
        if lang is not None:
            lang.set(qn("w:val"), "en-US")
            lang.set(qn("w:eastAsia"), "zh-CN")
    normal = _paragraph_style(styles, "Normal", BODY_FONT, 16, indent=True)
    title = _paragraph_style(
        styles, "Title", TITLE_FONT, 22, centred=True, exact=36, after=6, keep_with_next=True
    )
    for border in title.element.findall(f"{qn('w:pPr')}/{qn('w:pBdr')}"):
        border.getparent().remove(border)  # (the default template underlines its title)
    date_style = _paragraph_style(
        styles, "公文日期", BODY_FONT, 16, centred=True, after=12, keep_with_next=True
    )
    heading = _paragraph_style(
        styles, "Heading 1", HEADING_FONT, 16, indent=True, before=6, keep_with_next=True
    )
    subheading = _paragraph_style(
        styles, "Heading 2", SUBHEADING_FONT, 16, indent=True, keep_with_next=True
    )
    attachment = _paragraph_style(styles, "附件标记", HEADING_FONT, 16, keep_with_next=True)
    caption = _paragraph_style(
        styles, "表格标题", HEADING_FONT, 14, centred=True, before=6, after=4,
        keep_with_next=True,
    )  # fmt: skip
    attachment_title = _paragraph_style(
        styles, "附件标题", TITLE_FONT, 18, centred=True, exact=30, before=6, after=8,
        keep_with_next=True,
    )  # fmt: skip
    cell_style = _paragraph_style(styles, "表格文字", BODY_FONT, 12, exact=None)
    cell_style.paragraph_format.alignment = WD_PARAGRAPH_ALIGNMENT.LEFT
    head_style = _paragraph_style(styles, "表头", HEADING_FONT, 12, centred=True, exact=None)
    footer_style = _paragraph_style(styles, "页码", LATIN_FONT, 14, centred=True, exact=None)

    core = doc.core_properties
    core.title = b.title
    core.author = ""
    core.last_modified_by = ""
    core.comments = ""
    core.keywords = "通报"
    moment = datetime(b.date.year, b.date.month, b.date.day)
    core.created = core.modified = moment
    core.revision = 1

    footer = section.footer.paragraphs[0]
    footer.style = footer_style
    footer.alignment = WD_PARAGRAPH_ALIGNMENT.CENTER
    footer.add_run("第 ")
    _field(footer, "PAGE", "1")
    footer.add_run(" 页  共 ")
    _field(footer, "NUMPAGES", "1")
    footer.add_run(" 页")

    body = doc.paragraphs[0] if doc.paragraphs else None  # the template's empty paragraph
    for block in bulletin_blocks(b):
        kind, text = block.kind, block.text
        if kind == "title":
            p = body if body is not None else doc.add_paragraph()
            p.style = title
            *first, last = title_lines(text)
            for line in first:
                p.add_run(line).add_break(WD_BREAK.LINE)
            p.add_run(last)
        elif kind == "date":
            _add(doc, text, date_style)
        elif kind == "heading":
            _add(doc, text, heading)
        elif kind == "subheading":
            _add(doc, text, subheading)
        elif kind == "attachment":
            p = _add(doc, "", attachment)
            p.paragraph_format.page_break_before = True
            p.add_run(text)
        elif kind == "caption":
            _add(doc, text, caption)
        elif kind == "attachment_title":
            _add(doc, text, attachment_title)
        elif kind == "attachments":
            for i, line in enumerate(text.split("\n")):
                p = _add(doc, "", normal)
                p.alignment = WD_PARAGRAPH_ALIGNMENT.LEFT
                if i == 0:
                    p.paragraph_format.space_before = Pt(14)
                    p.add_run("附件：" + line)
                else:  # under the first, as 公文 align them
                    p.paragraph_format.left_indent = Pt(16 * 5)
                    p.paragraph_format.first_line_indent = Pt(0)
                    p.add_run(line)
        elif kind == "signature":
            p = _add(doc, text, normal)
            p.alignment = WD_PARAGRAPH_ALIGNMENT.RIGHT
            p.paragraph_format.space_before = Pt(28)
            p.paragraph_format.right_indent = Pt(64)
        elif kind == "table":
            _docx_table(doc, block, text_width, cell_style, head_style)
        else:  # paragraph, item
            _add(doc, text, normal)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_table(
    doc: Any, block: Block, text_width: float, cell_style: Any, head_style: Any
) -> None:
    """A real Word table: fixed column widths over the text width, header row repeated on
    every page, rows kept whole on a page, numbers centred."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_BREAK, WD_PARAGRAPH_ALIGNMENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    columns = len(block.headers)
    whole = sum(block.widths) or 1.0
    widths = [Cm(text_width * w / whole) for w in block.widths]
    table = doc.add_table(rows=1 + len(block.rows), cols=columns)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    margins = OxmlElement("w:tblCellMar")  # narrow cell margins: 超序时 fits its column
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), "57")  # twentieths of a point: 0.1 cm
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    table._tbl.tblPr.append(margins)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    centre = WD_PARAGRAPH_ALIGNMENT.CENTER
    middle = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    rows = iter(table.rows)
    header = next(rows)
    _repeat_header(header)
    _no_split(header)
    for cell, text, width in zip(header.cells, block.headers, widths, strict=True):
        cell.width = width
        cell.vertical_alignment = middle
        p = cell.paragraphs[0]
        p._p.style = head_style.style_id
        p.add_run(text)
    for row, values in zip(rows, block.rows, strict=True):
        _no_split(row)
        for cell, text, width, centred in zip(
            row.cells, values, widths, block.centred, strict=True
        ):
            cell.width = width
            cell.vertical_alignment = middle
            p = cell.paragraphs[0]
            # (by id: python-docx's style setter looks the default style up each time, which
            # is most of the time of a table of thousands of rows)
            p._p.style = cell_style.style_id
            if centred:
                p.alignment = centre
            first, *rest = text.split("\n")
            run = p.add_run(first)
            for more in rest:
                run.add_break(WD_BREAK.LINE)
                run = p.add_run(more)
    # A paragraph after each table: Word needs one between two tables, and it gives air.
    _add(doc, "", cell_style)


# ---------------------------------------------------------------------------------------------
# The formats


#: The bulletin's formats, in the order people are offered them (the export dialog's shape:
#: ``ExportFormat``; each writer takes the ``Bulletin``).
BULLETIN_REGISTRY: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "docx",
            ".docx",
            "docx（Word 文档）",
            "Word 文档：A4 公文格式，表头每页重复，可直接修改、印发",
            bulletin_docx,
        ),
        ExportFormat(
            "md", ".md", "md（文本）", "文本格式，文字和数字与 Word 文档相同", bulletin_md
        ),
        ExportFormat(
            "html", ".html", "html（网页）", "网页，用浏览器打开即可查看、打印", bulletin_html
        ),
    )
}
#: The bulletin formats' names.
BULLETIN_FORMATS: tuple[str, ...] = tuple(BULLETIN_REGISTRY)
_BY_SUFFIX = {f.suffix: f.name for f in BULLETIN_REGISTRY.values()}


def bulletin_format_of(suffix: str) -> str | None:
    """The bulletin format a file name's extension ('.docx') asks for, if any."""
    return _BY_SUFFIX.get(suffix.lower())


def bulletin_bytes(fmt: str, bulletin: Bulletin) -> bytes:
    """The bulletin written in format ``fmt`` (one of BULLETIN_FORMATS)."""
    try:
        spec = BULLETIN_REGISTRY[fmt]
    except KeyError:
        raise ExportError(
            f"unknown bulletin format {fmt!r}; one of {', '.join(BULLETIN_FORMATS)}"
        ) from None
    data: bytes = spec.writer(bulletin)
    return data


def default_bulletin_path(
    home: Path, report: Report, fmt: str, when: datetime | None = None
) -> Path:
    """Where a bulletin from the app goes unless told otherwise: beside the exports, named
    as they are with ``tongbao`` in front (``tongbao-lanling-2023-m01-06-20231128-1530.docx``)."""
    from store.snapshots import default_export_path

    path = default_export_path(home, report, "md", when)
    return path.with_name("tongbao-" + path.stem + BULLETIN_REGISTRY[fmt].suffix)


def save_bulletin(
    store: ProjectStore,
    path: Path,
    fmt: str,
    projects: list[Project],
    *,
    today: date | None = None,
    scope: str = "",
    schedules: Sequence[ProjectSchedule] | None = None,
    force: bool = False,
) -> Bulletin:
    """Compute the 通报 of ``projects`` and write it atomically to ``path`` (refused before the
    work when the path may not be written; an existing file is kept unless ``force``). The
    exports folder is made when the path is in it."""
    from store.export import check_export_target, write_export
    from store.files import make_shared_dir
    from store.snapshots import export_dir, in_export_dir

    path = Path(path)
    if in_export_dir(store.home, path):
        folder = export_dir(store.home)
        try:
            make_shared_dir(folder, like=store.home)
        except OSError as exc:
            raise ExportError(
                f"{folder}: {exc.strerror or exc}", path=path, code=exc.errno
            ) from exc
    check_export_target(path, force=force)
    bulletin = compute_bulletin(
        store, projects, today or date.today(), scope=scope, schedules=schedules
    )
    write_export(path, bulletin_bytes(fmt, bulletin), force=force)
    return bulletin

"""The report's vocabularies, each in one registry that every consumer reads.

- ``STATUS_REGISTRY``: the values of 工作成效 (name, the wordings that mean it, the picker's
  letter, the project list's style, the spreadsheet fill). A new status is one entry here.
- ``FIELD_REGISTRY``: a project's fields (the report's word and column headers, single-line or
  not, editable or not, widths in the project list and in the workbook). A new field or
  column is one entry here (and, for the project list, its place in ``LIST_COLUMNS``).
- ``SCHEDULE_REGISTRY``: the 序时 classes (name, what it says, the project list's style, the
  spreadsheet fill, how bad it is). ``store.schedule`` computes them.

Export formats have their registry beside their writers (``store.export.FORMAT_REGISTRY``).
This module imports nothing of ours: the model, the exports and the app all read it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from store.words import listing, quote, say

# ---------------------------------------------------------------------------------------------
# 工作成效


@dataclass(frozen=True)
class StatusValue:
    """One value of 工作成效: how reports word it, how it is picked, shown and filled."""

    name: str
    #: the picker's key: the pinyin initial, for terminals without a Chinese input method
    letter: str
    #: whole wordings that mean it (spaces and 。.！! ignored)
    synonyms: tuple[str, ...]
    #: words that mean it inside a longer wording, unless a negation stands before them
    keywords: tuple[str, ...]
    #: when a wording names several statuses, the lowest rank wins (lateness first: it is
    #: the reading someone has to act on)
    rank: int
    #: background of its cell in xlsx and html, RRGGBB
    fill: str
    #: the project list's component class is ``project-table--<css_class>``
    css_class: str
    #: that class's Textual CSS: theme variables, so that every theme colours it
    list_style: str


#: The statuses, in the order they are offered, sorted and counted.
STATUS_REGISTRY: dict[str, StatusValue] = {
    s.name: s
    for s in (
        StatusValue(
            "推进正常",
            letter="t",
            synonyms=("推进正常", "正常推进", "正常", "进展顺利", "按计划推进"),
            keywords=("正常",),
            rank=3,
            fill="C6EFCE",  # green
            css_class="normal",
            # Plain: most projects say 推进正常, and the list marks what is not (a colour on
            # every row also costs a tenth of the bytes a repaint of 10,000 projects sends).
            list_style="",
        ),
        StatusValue(
            "已完成",
            letter="y",
            synonyms=("已完成", "工作完成", "完成", "已办结"),
            keywords=("完成",),
            rank=2,
            fill="BDD7EE",  # blue
            css_class="done",
            list_style="color: $primary;",
        ),
        StatusValue(
            "滞后",
            letter="z",
            synonyms=("滞后", "进度滞后", "推进缓慢", "滞后推进"),
            keywords=("滞后", "缓慢"),
            rank=0,
            fill="FFC7CE",  # red
            css_class="late",
            list_style="color: $error; text-style: bold;",
        ),
        StatusValue(
            "未启动",
            letter="w",
            synonyms=("未启动", "尚未启动", "未开工"),
            keywords=("未启动",),
            rank=1,
            fill="FFEB9C",  # amber
            css_class="pending",
            list_style="color: $warning;",
        ),
    )
}
STATUSES: tuple[str, ...] = tuple(STATUS_REGISTRY)


@dataclass(frozen=True)
class StatusReading:
    """What a reported 工作成效 says: one of ``STATUSES`` or None, and why not."""

    #: the status it means, or None (empty, unknown or negated wording)
    status: str | None
    #: the wording as reported, spaces and 。.！! dropped: what the project keeps as its status
    #: when ``status`` is None
    raw: str
    #: empty when the reading is plain; else a sentence for a warning (why it is not mapped)
    problem: str = ""

    @property
    def value(self) -> str:
        """What the project's status becomes: the status, else the wording kept as written."""
        return self.status or self.raw


_DROPPED_RE = re.compile(r"[\s。.！!]")
# Where one statement of a wording ends: a negation does not reach past these.
_CLAUSE_RE = re.compile(r"[,;:?!.。、()\[\]【】「」『』<>《》/|]+")
# Words that stand before a status word to say it is not so ("不能按期完成", "推进不正常").
_NEGATIONS = ("不", "没", "无", "非", "未", "否", "难以")
# Words that hold a negation's character without negating: "不断推进", "非常顺利".
_NOT_NEGATIONS = ("不断", "不错", "不少", "不仅", "不但", "非常", "无误")
_SYNONYMS: dict[str, str] = {
    word: s.name for s in STATUS_REGISTRY.values() for word in (s.name, *s.synonyms)
}
_KEYWORDS: tuple[tuple[str, StatusValue], ...] = tuple(
    sorted(
        ((word, s) for s in STATUS_REGISTRY.values() for word in s.keywords),
        key=lambda pair: pair[1].rank,
    )
)


def _negation_before(clause: str, start: int) -> str:
    """The negation that stands before ``clause[start:]`` in its clause, or ''."""
    before = clause[:start]
    for word in _NOT_NEGATIONS:
        before = before.replace(word, "")
    return next((word for word in _NEGATIONS if word in before), "")


@lru_cache(maxsize=4096)  # a report words its statuses a few ways; exports read each row's
def read_status(text: str) -> StatusReading:
    """Read a reported 工作成效 (a cell of an import, or what someone typed).

    A wording that is one of a status's synonyms, whole, means that status. A longer one
    means the status whose word it holds (``STATUS_REGISTRY[...].keywords``, the lowest
    rank when it holds several), except a word with a negation before it in its clause:
    "没有完成", "不能按期完成", "推进不正常", "不滞后" mean none of the statuses. Such a
    wording, or one holding no status word, gives ``status`` None and a ``problem`` that
    the caller shows as a warning; the wording is kept as written (``raw``), never mapped
    to a status it does not say. ``text`` is expected clean (``store.models.clean_text``).
    """
    raw = _DROPPED_RE.sub("", text)
    if not raw:
        return StatusReading(None, "")
    key = unicodedata.normalize("NFKC", raw)
    status = _SYNONYMS.get(raw) or _SYNONYMS.get(key)
    if status is not None:
        return StatusReading(status, raw)
    found: StatusValue | None = None
    negated: tuple[str, str, str] | None = None  # (negation, status word, its status)
    for clause in _CLAUSE_RE.split(unicodedata.normalize("NFKC", text)):
        clause = "".join(clause.split())
        whole = STATUS_REGISTRY.get(_SYNONYMS.get(clause, ""))
        if whole is not None and (found is None or whole.rank < found.rank):
            found = whole  # "未开工，计划年底完成": the clause that is a status's wording
        for word, value in _KEYWORDS:
            start = clause.find(word)
            while start >= 0:
                negation = _negation_before(clause, start)
                if not negation:
                    if found is None or value.rank < found.rank:
                        found = value
                elif negated is None:
                    negated = (negation, word, value.name)
                start = clause.find(word, start + len(word))
    if found is not None:
        return StatusReading(found.name, raw)
    if negated is not None:
        negation, word, name = negated
        problem = say(
            "status.negated",
            label=FIELD_REGISTRY["status"].label,
            raw=quote(raw),
            negation=quote(negation),
            word=quote(word),
            name=quote(name),
        )
        return StatusReading(None, raw, problem)
    label, known = FIELD_REGISTRY["status"].label, listing(STATUSES)
    return StatusReading(
        None, raw, say("status.unknown", label=label, raw=quote(raw), choices=known)
    )


# ---------------------------------------------------------------------------------------------
# 序时


@dataclass(frozen=True)
class ScheduleClass:
    """One 序时 class: how a project stands against its own plan for the period."""

    name: str
    #: one line for help and tooltips
    meaning: str
    #: how bad it is: a project takes its worst indicator's class (lowest rank)
    rank: int
    #: behind its plan: a 工作成效 of 推进正常 disagrees with it
    behind: bool
    #: background of its cell in xlsx and html, RRGGBB
    fill: str
    #: the project list's component class is ``project-table--schedule-<css_class>``
    css_class: str
    #: that class's Textual CSS: theme variables
    list_style: str


#: The 序时 classes, in the order they are offered, sorted and counted.
SCHEDULE_REGISTRY: dict[str, ScheduleClass] = {
    c.name: c
    for c in (
        ScheduleClass("超序时", say("schedule.ahead"), 3, False, "C6EFCE",
                      "ahead", "color: $success; text-style: bold;"),
        ScheduleClass("按序时", say("schedule.on_time"), 2, False, "E2EFDA",
                      "on-time", "color: $success;"),
        ScheduleClass("慢序时", say("schedule.slow"), 1, True, "FFEB9C",
                      "slow", "color: $warning;"),
        ScheduleClass("滞后", say("schedule.late"), 0, True, "FFC7CE",
                      "late", "color: $error; text-style: bold;"),
        ScheduleClass("已完成", say("schedule.done"), 4, False,
                      "BDD7EE", "done", "color: $primary;"),
        ScheduleClass("未判定", say("schedule.unjudged"), 5, False, "EDEDED",
                      "unjudged", "color: $text-muted;"),
    )
}  # fmt: skip
SCHEDULE_CLASSES: tuple[str, ...] = tuple(SCHEDULE_REGISTRY)


# ---------------------------------------------------------------------------------------------
# Fields and columns


@dataclass(frozen=True)
class ProjectField:
    """One field of a project: the report's words for it, how it is edited and how wide."""

    key: str  # the model's attribute
    #: the report's word, as the editor, the history and the diff show it
    label: str
    #: the report's column header outside the 县级 table ('' : not a column of the report)
    header: str = ""
    #: the header in the 县级 table, when it differs ('' : the same as ``header``)
    county_header: str = ""
    #: one line of text (spaces collapsed, no breaks); else free text with paragraphs
    single_line: bool = True
    #: people may change it (the edit dialog, the status picker, set-field)
    editable: bool = False
    #: the printed workbook: fixed column width in column units (about a Latin digit; a CJK
    #: character is two), or 0 for the long texts that share the page's width left over
    print_width: int = 0
    #: the printed workbook: share of the width left over (0: fixed)
    print_share: int = 0
    #: the project list: fixed width, or the least width of a flexible column
    list_width: int = 0
    #: the project list: share of the width left over (0: fixed)
    list_flex: int = 0

    def report_header(self, county: bool) -> str:
        """The column header in the 县级 table (``county``) or in the others."""
        return (self.county_header or self.header) if county else self.header


#: Every field that the report, the list or the editor names, in the report's column order.
# fmt: off
FIELD_REGISTRY: dict[str, ProjectField] = {f.key: f for f in (
    #            key          label       header          county_header
    ProjectField("number",     "序号",     "序号",         "编号",  print_width=4),
    ProjectField("name",       "项目名称", "项目名称",     editable=True,
                 list_width=12, list_flex=4, print_width=12),
    ProjectField("overview",   "项目概况", "项目概况",     editable=True, single_line=False,
                 print_share=2),
    ProjectField("target",     "任务目标", "任务目标",     editable=True, single_line=False,
                 print_share=2),
    ProjectField("plan",       "月度计划", "月度计划",     "项目月度计划", editable=True,
                 single_line=False, print_share=3),
    ProjectField("progress",   "推进情况", "项目推进情况", editable=True, single_line=False,
                 print_share=3),
    ProjectField("status",     "工作成效", "工作成效",     editable=True,
                 list_width=8, print_width=9),
    ProjectField("deadline",   "完成时限", "完成时限",     editable=True,
                 list_width=8, print_width=9),
    ProjectField("department", "牵头单位", "牵头单位",     editable=True,
                 list_width=8, list_flex=2, print_width=9),
    ProjectField("level",      "项目等级", "项目等级",     editable=True,
                 list_width=8, print_width=7),
    # Not columns of the report: the id people type, and the newest line of progress.
    ProjectField("id",         "编号",     list_width=5),
    ProjectField("latest",     "最新进展", list_width=8, list_flex=4),
)}
# fmt: on

#: The project list's columns, left to right (widths from ``FIELD_REGISTRY``).
LIST_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "department",
    "level",
    "status",
    "deadline",
    "latest",
)
#: The report's columns after the row number, in its order.
REPORT_FIELDS: tuple[ProjectField, ...] = tuple(
    f for f in FIELD_REGISTRY.values() if f.header and f.key != "number"
)
#: Fields a user may edit, with the report's word for each.
FIELD_LABELS: dict[str, str] = {f.key: f.label for f in FIELD_REGISTRY.values() if f.editable}
#: Fields held on one line.
SINGLE_LINE_FIELDS: frozenset[str] = frozenset(
    key for key in FIELD_LABELS if FIELD_REGISTRY[key].single_line
)

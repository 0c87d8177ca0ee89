"""Indicators: the quantities a project promises, plans by month and reports, read from its text.

An indicator is one promised quantity (``城镇新增就业 8000 人``) with what the 月度计划 plans of it
by the end of the report period and what the 推进情况 reports. Every number keeps where it was
read (``Source``: the field, the offsets and the exact text), so that a reviewer can check it
and correct it. This module is pure: no storage, no I/O; ``store.schedule`` classes the result.

How the text is read:

* **Quantities** are numbers in digits with a unit (``UNITS``): ``48800名``, ``620个``,
  ``7200场次``, ``10013.9万元``, ``1.1万余人``, ``52.80%``; a range ``2-3家`` counts its lower
  bound. Numbers in Chinese numerals (``一处``, ``两栋``) are not read: the report writes its
  amounts in digits, and Chinese numerals are common inside words (一批, 一次性).
* **Words**: each quantity is known by the words of its clause before it (from the clause's
  start or the previous quantity; month expressions, list markers and common verbs dropped) and
  the few words after it (``137处充电站``). Quantities are matched by unit and by the Chinese
  character pairs their words share; ``就业困难人员就业`` and ``城镇新增就业`` are two
  indicators. A number directly after ``各`` (``中心、文化小广场各145个``) is a target for
  each of the things listed.
* **Targets** are the quantities of 任务目标. **Plans** are the quantities of 月度计划, dated by
  the last month of their item (``4月-6月`` is June, ``一季度`` March, an undated item
  December) or by a point in time in their clause (``到6月底完成上岗3600人``). The plan's
  quantities of one indicator form a series: **cumulative** (each value is the total so far:
  ``5月:检查2440人 … 6月:检查4880人``) when its last value is the target, **per period**
  (``4月 新建10处, 7月 新建60处, 11月 新建60处``) when its values add up to the target, and
  without a target cumulative when the values never fall; a value marked ``累计``/``总`` is a
  running total in either. The planned amount by the period is the last due value
  (cumulative) or the sum of the due values (per period); a value is due when its month is at
  the latest the period's last month.
* **Shares** of the year's work (``完成年度计划的10%``, ``形象进度的35%``, ``全年训练量50%``,
  ``完成任务的52.80%``) make one indicator of their own, in percent of the whole.
* **Actuals** are the quantities of 推进情况, each given to the indicator whose words it shares
  most; of several readings of one indicator the latest dated wins (``截至6月底,已检查4970人``
  over ``截至5月下旬,已检查3960人``). A quantity sharing no words is still the actual of a
  target when it is the only one of that unit and the target the only one of that unit.
* **Where the plan gives no dated amount**, the planned amount (``basis``) is, in this order:
  as its whole's for a part of a planned target (``其中乡村岗9000人`` of ``9370人``, 3600 of
  which are due) and for a reported share of it (``完成任务的52.80%``): ``plan_share``; the
  target times the plan's share for the period when the plan dates shares of the whole
  (``9月,完成形象进度的30%``): ``plan_share``; else the target times the share of the year
  elapsed (``time_elapsed``: the period's last month / 12, which is the months in the period
  / 12 for a report from January). A level to keep (a rate, ``稳定在80%以上``,
  ``累计达到500种``) is not scaled by time.

Numbers are never invented. A missing actual is missing, not 0; these are never actuals:
parameters (``按照60%救助比例``, ``报销比例由60%提高到70%``, ``每月``, ``25%以上的部分``,
``抽取20%``), intentions (``拟设置``, ``预计``, ``争取``), last year's figures (``去年``) and
references to a whole (``共有``, ``全长``, ``（总127颗）``, ``在187个小区中``). Such
quantities are kept in ``ProjectIndicators.unused`` with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from itertools import pairwise
from typing import Any

from store.months import ALL_MONTHS, MonthMention, PlacedItem, read_dates
from store.words import say

__all__ = [
    "FIELDS",
    "KINDS",
    "UNITS",
    "Indicator",
    "ProjectIndicators",
    "Quantity",
    "Source",
    "clear_cache",
    "json_number",
    "read_indicators",
    "read_quantities",
    "time_elapsed",
    "unit_family",
    "unit_key",
]

#: The fields indicators are read from, as the model names them.
FIELDS: tuple[str, ...] = ("target", "plan", "progress")

#: What an indicator is: an amount to reach, a share of the year's work (percent), or a level
#: to keep (a rate or a stock: 处置率100%, 稳定在80%以上, 累计达到500种).
KINDS: tuple[str, ...] = ("amount", "share", "level")

# ---------------------------------------------------------------------------------------------
# Units


@dataclass(frozen=True)
class UnitInfo:
    """One unit as the report writes it: what it counts and what it may be matched with."""

    #: the same quantity whatever the wording (名 is 人, 场次 is 场)
    key: str
    #: units that may count the same things (处, 座, 个, 所: sites), for matching by words
    family: str
    #: what may not follow it for it to be this unit (个月 is not 个, 项目 not 项)
    not_followed_by: str = ""


#: The units read, as written. A new unit is one entry here.
UNITS: dict[str, UnitInfo] = {
    "人次": UnitInfo("人次", "人次"),
    "人": UnitInfo("人", "人", "民均"),
    "名": UnitInfo("人", "人", "单称额录义"),
    "场次": UnitInfo("场", "场"),
    "场": UnitInfo("场", "场", "所地景馆合面"),
    "处": UnitInfo("处", "site", "理置长室"),
    "座": UnitInfo("座", "site", "谈位"),
    "个": UnitInfo("个", "site"),
    "所": UnitInfo("所", "site", "有在以得谓属"),
    "家": UnitInfo("家", "家", "庭属长人具乡"),
    "户": UnitInfo("户", "户", "籍口外"),
    "公里": UnitInfo("公里", "公里"),
    "千米": UnitInfo("公里", "公里"),
    "km": UnitInfo("公里", "公里"),
    "平方米": UnitInfo("平方米", "平方米"),
    "m²": UnitInfo("平方米", "平方米"),
    "亩": UnitInfo("亩", "亩"),
    "元": UnitInfo("元", "元"),
    "张": UnitInfo("张", "张"),
    "盏": UnitInfo("盏", "盏"),
    "项": UnitInfo("项", "项", "目"),
    "批次": UnitInfo("批次", "批次"),
    "份": UnitInfo("份", "份", "额"),
    "类": UnitInfo("类", "类", "型别"),
    "种": UnitInfo("种", "种", "类植子"),
    "颗": UnitInfo("颗", "颗"),
    "栋": UnitInfo("栋", "栋"),
    "条": UnitInfo("条", "条", "件例款"),
    "台": UnitInfo("台", "台", "账阶"),
    "套": UnitInfo("套", "套", "餐"),
    "辆": UnitInfo("辆", "辆"),
    "%": UnitInfo("%", "%"),
    "％": UnitInfo("%", "%"),
}
# 个 counts months, working days and hours too: those are durations, never amounts.
_NOT_AFTER_GE = r"(?!月|工作日|小时|星期|百分点|季度)"


def _unit_pattern() -> str:
    parts = []
    for written in sorted(UNITS, key=len, reverse=True):
        info = UNITS[written]
        guard = f"(?![{re.escape(info.not_followed_by)}])" if info.not_followed_by else ""
        if written == "个":
            guard = _NOT_AFTER_GE
        if written == "km":
            guard = "(?![A-Za-z])"
        parts.append(re.escape(written) + guard)
    return "|".join(parts)


_NUMBER = r"\d+(?:\.\d+)?"
_QUANTITY_RE = re.compile(
    # not inside a longer number, a code (A1, 1#) or the second half of a range: the check
    # stands after the first digit, so that the pattern starts with a digit, which the regex
    # engine skips to rather than trying the pattern at every position
    r"(?P<low>\d(?<![\d.．A-Za-z#＃/\-－~～—]\d)\d*(?:\.\d+)?)"
    rf"(?:\s*(?:-|－|~|～|—|至)\s*(?P<high>{_NUMBER}))?"
    r"\s*(?P<scale>万|亿)?\s*(?P<approx>余|多)?\s*"
    rf"(?P<unit>{_unit_pattern()})"
)


def unit_key(unit: str) -> str:
    """The same-quantity key of a unit as written: 名 -> 人, 万名 -> 万人, 场次 -> 场."""
    scale = unit[0] if unit[:1] in ("万", "亿") and len(unit) > 1 else ""
    info = UNITS.get(unit[len(scale) :])
    return scale + (info.key if info else unit[len(scale) :])


def unit_family(unit: str) -> str:
    """The family of a unit as written: units that may count the same things."""
    scale = unit[0] if unit[:1] in ("万", "亿") and len(unit) > 1 else ""
    info = UNITS.get(unit[len(scale) :])
    return scale + (info.family if info else unit[len(scale) :])


# ---------------------------------------------------------------------------------------------
# Words

_CLAUSE_ENDS = frozenset("，,。；;：:！!？?\n")
_SENTENCE_ENDS = frozenset("。；;！!？?\n")
_AFTER_ENDS = frozenset('，,。；;：:！!？?\n、（(）)“”"')
_OPENING = frozenset("（(【〔[")
_CLOSING = {"）": "（", ")": "(", "】": "【", "〕": "〔", "]": "["}
_AFTER_LIMIT = 12
_HAN_RUN_RE = re.compile(r"[\u4e00-\u9fff]+")
_MARKER_AT_START_RE = re.compile(
    r"^\s*(?:[\u2460-\u249b]|\d{1,2}\s*[、.．](?!\d)|[（(]\s*\d{1,2}\s*[）)]"
    r"|[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}、)\s*"
)
# Words too common to tell indicators apart: dropped before character pairs are compared.
_COMMON_WORDS = (
    "已完成", "完成", "已经", "累计", "共计", "总计", "合计", "其中", "截至", "截止", "目前",
    "现已", "全县", "全市", "我县", "年度", "全年", "今年", "本年", "计划", "任务", "实现",
    "达到", "开展", "进行", "推进", "实施", "组织", "以上", "左右", "分别", "服务", "工作",
    "项目", "月份", "月底", "季度", "上半年", "下半年", "通过", "的", "了", "已",
)  # fmt: skip
_COMMON_RE = re.compile("|".join(sorted(map(re.escape, _COMMON_WORDS), key=len, reverse=True)))
# Leading and trailing words an indicator's name does without.
_NAME_HEAD_RE = re.compile(
    r"^(?:[、，,\s|]|其中|包括|另外|为|全年|\d{4}\s*年(?:底|末)?度?|计划完成|确保完成|已完成|完成|累计|"
    r"组织开展|全县|全市|我县|共|到|截至|截止|并|及|和|对)+"
)
_NAME_TAIL_RE = re.compile(
    r"(?:总计|共计|合计|累计|达到|稳定在|保持在|不低于|不少于|超过|的|各|共|约|为)+$"
)
_NAME_AFTER_CUT_RE = re.compile(r"提供|进行|开展|实施|完成|左右|以上|以下|的|，|,|、")

# Shares of the year's work: "完成年度计划的10%", "形象进度的35%", "全年训练量50%".
_SHARE_RE = re.compile(
    r"(?:计划|任务|目标|进度|总量|总任务)的?\s*$|(?:全年|年度)[\u4e00-\u9fff]{0,6}量的?\s*$"
)
# Levels to keep rather than amounts to add: stocks and rates.
_LEVEL_WORDS_RE = re.compile(r"累计|稳定在|保持在|总数|总量")
# Parameters: a rule's numbers, not amounts.
_PARAMETER_PERCENT_RE = re.compile(
    r"按照|按规定|按比例|比例|标准|提高|降低|上调|下调|抽取|抽查|倍|由\s*$"
)
_PARAMETER_PERCENT_AFTER_RE = re.compile(r"^\s*(?:以上)?的?部分|^\s*(?:的)?比例|^\s*(?:救助|报销)")
_PARAMETER_ANY_RE = re.compile(r"每")
_PARAMETER_ANY_AFTER_RE = re.compile(r"^\s*以上的?部分")
# Progress quantities that are not what was done.
_INTENTION_RE = re.compile(r"拟|预计|计划(?![的数内外任])|将于|将在|即将|准备|力争|争取")
_LAST_YEAR_RE = re.compile(r"去年|上年|上一年|前年")
_REFERENCE_RE = re.compile(r"共有|全长|总长|总数|总投资|总面积|(?:^|[（(])\s*总\s*$")
_OF_WHICH_AFTER_RE = re.compile(r"^[^，,。；;：:]{0,10}中(?![心学国部])")
# A running total inside a series: "累计遴选推广…2项", "完成总占地1.3万平方米", "9370人全部上岗".
_TOTAL_RE = re.compile(r"累计|总计|共计|总占地|总")
_TOTAL_AFTER_RE = re.compile(r"^\s*全部")
# Words before a month mention that make it the point in time of its clause: "到6月底完成…".
_POINT_IN_TIME_RE = re.compile(r"(?:截至到|截止到|截至|截止|到|至|于|在)\s*$")


def _bag(words: str) -> frozenset[str]:
    """The pairs of Chinese characters in words, common words dropped."""
    pairs: set[str] = set()
    for piece in _COMMON_RE.split(words):
        for run in _HAN_RUN_RE.findall(piece):
            pairs.update(run[i : i + 2] for i in range(len(run) - 1))
    return frozenset(pairs)


def _overlap(a: frozenset[str], b: frozenset[str]) -> tuple[float, int]:
    """How much of the smaller bag the other holds (1 when both are empty), and how many pairs."""
    if not a and not b:
        return 1.0, 0
    if not a or not b:
        return 0.5, 0
    shared = len(a & b)
    return shared / min(len(a), len(b)), shared


# ---------------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class Source:
    """Where a number was read: the field, the offsets in it and the exact text there."""

    field: str  # "target", "plan" or "progress" (what the model calls them)
    start: int
    end: int
    #: exactly ``getattr(project, field)[start:end]``: the number and its unit ("4970人")
    text: str
    #: the words of its clause around it, for showing where it came from
    clause: str = ""
    #: the month it holds by (plan) or as of (progress); None when the text does not say
    month: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """The stored and exported form."""
        return {
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "clause": self.clause,
            "month": self.month,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Source:
        """Build from the stored form."""
        month = data.get("month")
        return cls(
            field=str(data.get("field", "")),
            start=int(data.get("start", 0)),
            end=int(data.get("end", 0)),
            text=str(data.get("text", "")),
            clause=str(data.get("clause", "")),
            month=int(month) if month is not None else None,
        )


@dataclass(frozen=True)
class Quantity:
    """A number with its unit read from one field, and the words around it."""

    value: float
    unit: str  # as written, with 万/亿: "人", "名", "万元", "%"
    kind: str  # one of KINDS
    words: str  # the words before it in its clause, as written
    after: str  # the words after it, to the clause's end (at most a few)
    source: Source
    #: the words with month expressions blanked out, for matching
    keywords: str = ""
    #: a running total ("累计…", "总…", "…全部"), not the amount of its period
    total: bool = False
    #: why it is no indicator's number ('' when it may be): "parameter", "intention",
    #: "last year", "reference"
    excluded: str = ""
    #: which plan or progress item it is in (its index), -1 for the target
    item: int = -1
    #: the upper bound of a range ("2-3家": value 2, high 3); None when not a range
    high: float | None = None

    @cached_property
    def bag(self) -> frozenset[str]:
        """The character pairs of its words, for matching."""
        return _bag(self.keywords + "|" + self.after)


@dataclass(frozen=True)
class Indicator:
    """One promised quantity: its target, what the plan wants by the period, what was done."""

    name: str
    unit: str
    kind: str  # one of KINDS
    target: float | None
    #: planned by the end of the report period (0: nothing due yet; None: cannot tell)
    planned: float | None
    actual: float | None
    #: actual / planned; None when either is missing or nothing is due
    ratio: float | None
    #: how ``planned`` was found: "plan" (the plan's dated amounts), "plan_share" (the target
    #: times the plan's share for the period), "time_elapsed" (the target times the share of
    #: the year elapsed), or "" (not found)
    basis: str = ""
    #: how the plan's series reads: "cumulative", "per_period", "single" or "" (no series)
    reading: str = ""
    target_source: Source | None = None
    #: the sources ``planned`` comes from (the due plan values used; the share for plan_share)
    planned_sources: tuple[Source, ...] = ()
    actual_source: Source | None = None
    #: the plan's dated values for this indicator, in month order (all of them, due or not)
    plan: tuple[Quantity, ...] = ()
    #: the plan's total for the year (its last value, or the sum per period); None if no plan
    plan_total: float | None = None
    #: where the numbers come from: "text" (read here), "column" (a table's own column) or
    #: "edited" (a person's correction)
    origin: str = "text"
    #: why a number is missing or how it was read, in a few words (for the detail view)
    note: str = ""

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every source of its numbers: target, planned, actual."""
        found = [self.target_source, *self.planned_sources, self.actual_source]
        return tuple(s for s in found if s is not None)

    @property
    def met(self) -> bool:
        """Whether the actual has reached the target (a share: 100%)."""
        whole = 100.0 if self.kind == "share" and self.target is None else self.target
        return whole is not None and self.actual is not None and self.actual >= whole - 1e-9

    @property
    def judgeable(self) -> bool:
        """Whether it has both a planned amount due and an actual."""
        return self.ratio is not None

    def with_values(
        self,
        *,
        target: float | None = None,
        planned: float | None = None,
        actual: float | None = None,
        origin: str = "edited",
    ) -> Indicator:
        """A copy with some numbers replaced (a correction), the ratio worked out again."""
        new_target = self.target if target is None else target
        new_planned = self.planned if planned is None else planned
        new_actual = self.actual if actual is None else actual
        return replace(
            self,
            target=new_target,
            planned=new_planned,
            actual=new_actual,
            ratio=_ratio(new_actual, new_planned),
            origin=origin,
        )

    def to_dict(self) -> dict[str, Any]:
        """The full form: numbers, how they were read and every source."""
        return {
            "name": self.name,
            "unit": self.unit,
            "kind": self.kind,
            "target": json_number(self.target),
            "planned": json_number(self.planned),
            "actual": json_number(self.actual),
            "ratio": json_number(self.ratio),
            "basis": self.basis,
            "reading": self.reading,
            "plan_total": json_number(self.plan_total),
            "origin": self.origin,
            "note": self.note,
            "target_source": self.target_source.to_dict() if self.target_source else None,
            "planned_sources": [s.to_dict() for s in self.planned_sources],
            "actual_source": self.actual_source.to_dict() if self.actual_source else None,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Indicator:
        """Build from ``to_dict``'s form (a stored correction); the plan series is not kept."""

        def number(key: str) -> float | None:
            value = data.get(key)
            return None if value is None else float(value)

        def source(value: Any) -> Source | None:
            return Source.from_dict(value) if isinstance(value, dict) else None

        planned_sources = tuple(
            s for s in (source(v) for v in data.get("planned_sources") or ()) if s is not None
        )
        return cls(
            name=str(data.get("name", "")),
            unit=str(data.get("unit", "")),
            kind=str(data.get("kind", "amount")),
            target=number("target"),
            planned=number("planned"),
            actual=number("actual"),
            ratio=_ratio(number("actual"), number("planned")),
            basis=str(data.get("basis", "")),
            reading=str(data.get("reading", "")),
            target_source=source(data.get("target_source")),
            planned_sources=planned_sources,
            actual_source=source(data.get("actual_source")),
            plan_total=number("plan_total"),
            origin=str(data.get("origin", "edited")),
            note=str(data.get("note", "")),
        )


@dataclass(frozen=True)
class ProjectIndicators:
    """What one project's text promises and reports."""

    indicators: tuple[Indicator, ...]
    #: quantities read that are no indicator's number (with ``excluded`` saying why, or '' when
    #: simply unmatched: an actual of nothing promised, a plan value of nothing else)
    unused: tuple[Quantity, ...] = field(default=())
    #: the report period's last month the planned amounts are due by (None: no period)
    period_to: int | None = None


def json_number(value: float | None) -> int | float | None:
    """A number as JSON wants it: an integer when whole, else rounded to 4 places."""
    if value is None:
        return None
    if float(value).is_integer():
        return int(value)
    return round(float(value), 4)


def time_elapsed(period_to: int) -> float:
    """The share of the year elapsed by the end of month ``period_to`` (序时进度)."""
    return max(0, min(12, period_to)) / 12


def _figure(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _ratio(actual: float | None, planned: float | None) -> float | None:
    if actual is None or planned is None or planned <= 0:
        return None
    return actual / planned


# ---------------------------------------------------------------------------------------------
# Reading quantities


@dataclass(frozen=True)
class _Field:
    """One field's text, its items and month mentions."""

    name: str
    text: str
    items: tuple[PlacedItem, ...]
    mentions: tuple[MonthMention, ...]


def _clause_start(text: str, pos: int, floor: int) -> int:
    """Where the clause holding pos starts: after a clause end or an unclosed bracket."""
    depth: list[int] = []
    start = floor
    for i in range(pos - 1, floor - 1, -1):
        char = text[i]
        if char in _CLAUSE_ENDS:
            start = i + 1
            break
        if char in _CLOSING:
            depth.append(i)
        elif char in _OPENING:
            if depth:
                depth.pop()
            else:
                start = i + 1
                break
    return start


def _after_words(text: str, end: int) -> str:
    """The words after a quantity, to the clause's end or the next number, a few at most."""
    stop = end
    while stop < len(text) and stop - end < _AFTER_LIMIT:
        char = text[stop]
        if char in _AFTER_ENDS or char.isdigit():
            break
        stop += 1
    return text[end:stop]


def _without_mentions(text: str, start: int, end: int, mentions: Sequence[MonthMention]) -> str:
    """text[start:end] with the month expressions in it blanked out."""
    pieces = []
    pos = start
    for mention in mentions:
        if mention.end <= start or mention.start >= end or mention.months == ALL_MONTHS:
            continue  # 全年 is a word of the year's work, not a date
        pieces.append(text[pos : max(pos, mention.start)])
        pieces.append("|")
        pos = max(pos, mention.end)
    pieces.append(text[pos:end])
    return "".join(pieces)


def _item_of(items: Sequence[PlacedItem], pos: int) -> int:
    """Index of the item holding pos (-1 when none)."""
    for index, item in enumerate(items):
        if item.start <= pos < item.end:
            return index
    return -1


def _kind(unit: str, words: str, after: str, field_name: str) -> str:
    """One of KINDS for a quantity with these words around it."""
    if unit == "%":
        return "share" if _SHARE_RE.search(words) else "level"
    if field_name == "target" and (
        _LEVEL_WORDS_RE.search(words) or (words.endswith("达到") and after.startswith("以上"))
    ):
        return "level"
    return "amount"


def _excluded(field_name: str, unit: str, clause: str, after: str) -> str:
    """Why a quantity is no indicator's number ('' when it may be one)."""
    if unit == "%" and (
        _PARAMETER_PERCENT_RE.search(clause) or _PARAMETER_PERCENT_AFTER_RE.search(after)
    ):
        return "parameter"
    if _PARAMETER_ANY_RE.search(clause) or _PARAMETER_ANY_AFTER_RE.search(after):
        return "parameter"
    if field_name == "target":
        return ""
    if _LAST_YEAR_RE.search(clause):
        return "last year"
    if field_name == "plan":
        return ""
    if _INTENTION_RE.search(clause + after):
        return "intention"
    if _REFERENCE_RE.search(clause) or (
        clause.rstrip().endswith("在") and _OF_WHICH_AFTER_RE.search(after)
    ):
        return "reference"
    return ""


def _month_of(fld: _Field, item: int, pos: int) -> int | None:
    """The month a quantity at pos holds by (plan) or as of (progress).

    A plan value holds by the last month of its item, or of a point in time in its clause
    ("到6月底完成上岗3600人"). A progress value is as of the last month mentioned before it
    in its sentence (its item's month when the item starts that sentence); None when its
    sentence names no month ("现已新建健身广场52处": as of the report).
    """
    placed = fld.items[item] if item >= 0 else None
    floor = placed.start if placed is not None else 0
    text = fld.text
    if fld.name == "progress":
        sentence = floor
        for i in range(pos - 1, floor - 1, -1):
            if text[i] in _SENTENCE_ENDS:
                sentence = i + 1
                break
        floor = sentence
    clause_start = _clause_start(text, pos, floor)
    best: MonthMention | None = None
    for mention in fld.mentions:
        if mention.start < floor or mention.end > pos or mention.months == ALL_MONTHS:
            continue
        if placed is not None and mention.start == placed.start:
            continue  # the item's own leading month: its months say it
        in_clause = mention.start >= clause_start
        pointed = _POINT_IN_TIME_RE.search(text, max(floor, mention.start - 4), mention.start)
        if fld.name == "progress" or in_clause or pointed:
            best = mention
    if best is not None:
        return max(best.months)
    if placed is not None and placed.months and placed.start >= floor:
        return max(placed.months)
    if placed is not None and placed.months and fld.name == "plan":
        return max(placed.months)
    return 12 if fld.name == "plan" else None


def _read_field(fld: _Field) -> list[Quantity]:
    """The quantities of one field, in text order."""
    text = fld.text
    found: list[Quantity] = []
    previous_end = 0
    for match in _QUANTITY_RE.finditer(text):
        start, end = match.span()
        item = _item_of(fld.items, start) if fld.name != "target" else -1
        floor = fld.items[item].start if item >= 0 else 0
        clause_start = _clause_start(text, start, floor)
        words_start = max(clause_start, previous_end)
        previous_end = end
        listed = text.rfind("、", words_start, start)
        if listed >= 0 and not text[words_start:start].rstrip().endswith(("各", "等")):
            # "常规球类区、厕所2处": the number counts the last thing listed (but "A、B各3处"
            # counts each, and "A、B等3处" all of them)
            words_start = listed + 1
        clause = _without_mentions(text, clause_start, start, fld.mentions)
        clause = _MARKER_AT_START_RE.sub("", clause)
        words = _MARKER_AT_START_RE.sub("", text[words_start:start]).lstrip("、，, ")
        keywords = _without_mentions(text, words_start, start, fld.mentions)
        after = _after_words(text, end)
        written = match.group("unit")
        scale = match.group("scale") or ""
        unit = scale + ("%" if written in ("%", "％") else written)
        kind = _kind(unit, words.strip(), after, fld.name)
        excluded = _excluded(fld.name, unit, clause, after)
        month = _month_of(fld, item, start) if fld.name != "target" else None
        source = Source(
            field=fld.name,
            start=start,
            end=end,
            text=text[start:end],
            clause=(text[clause_start:start] + text[start:end] + after).strip(),
            month=month,
        )
        total = bool(_TOTAL_RE.search(words) or _TOTAL_AFTER_RE.search(after))
        value = float(match.group("low"))
        labels = [(words, keywords)]
        if words.endswith("各") and "、" in words:
            # "中心、文化小广场各145个": a target for each of the things listed
            labels = [(part, part) for part in words[:-1].split("、") if part.strip()]
        for label, keys in labels:
            found.append(
                Quantity(
                    value=value,
                    unit=unit,
                    kind=kind,
                    words=label.strip(),
                    after=after,
                    source=source,
                    keywords=keys,
                    total=total,
                    excluded=excluded,
                    item=item,
                    high=float(match.group("high")) if match.group("high") else None,
                )
            )
    return found


def _field(name: str, text: str) -> _Field:
    if not text or not _QUANTITY_RE.search(text):
        return _Field(name, text, (), ())
    items, mentions = read_dates(text)
    return _Field(name, text, items, mentions)


def read_quantities(field_name: str, text: str) -> list[Quantity]:
    """Every quantity of one field's text, in order, with its words, month and exclusion."""
    return _read_field(_field(field_name, text))


# ---------------------------------------------------------------------------------------------
# Series, matching and the planned amount


@dataclass
class _Draft:
    """An indicator while it is being put together."""

    kind: str
    target: Quantity | None = None
    series: list[Quantity] = field(default_factory=list)
    actual: Quantity | None = None

    @property
    def unit(self) -> str:
        if self.target is not None:
            return self.target.unit
        if self.series:
            return self.series[0].unit
        return self.actual.unit if self.actual is not None else ""

    @property
    def bag(self) -> frozenset[str]:
        pairs: set[str] = set()
        if self.target is not None:
            pairs |= self.target.bag
        for quantity in self.series:
            pairs |= quantity.bag
        return frozenset(pairs)


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def _ordered(series: Iterable[Quantity]) -> list[Quantity]:
    return sorted(series, key=lambda q: (q.source.month or 12, q.source.start))


def _reading(series: Sequence[Quantity], target: float | None) -> str:
    """Whether a plan series is cumulative or per period (see the module's docstring)."""
    if len(series) == 1:
        return "single"
    values = [q.value for q in _ordered(series)]
    if target is not None:
        if _close(values[-1], target) and not _close(sum(values), target):
            return "cumulative"
        if _close(sum(values), target):
            return "per_period"
    return "cumulative" if all(b >= a for a, b in pairwise(values)) else "per_period"


def _plan_total(series: Sequence[Quantity], reading: str) -> float | None:
    if not series:
        return None
    return _running(_ordered(series), reading)[0]


def _running(series: Sequence[Quantity], reading: str) -> tuple[float, list[Quantity]]:
    """The amount planned over the given (ordered) values, and the values it rests on."""
    if reading != "per_period":
        return series[-1].value, [series[-1]]
    total = 0.0
    used: list[Quantity] = []
    for quantity in series:
        if quantity.total:
            total, used = quantity.value, [quantity]
        else:
            total += quantity.value
            used.append(quantity)
    return total, used


def _planned_by(
    series: Sequence[Quantity], reading: str, period_to: int
) -> tuple[float, list[Quantity]]:
    """The amount the series plans by the end of month period_to (0 when nothing is due)."""
    due = [q for q in _ordered(series) if (q.source.month or 12) <= period_to]
    if not due:
        return 0.0, []
    return _running(due, reading)


def _cluster(quantities: Sequence[Quantity]) -> list[list[Quantity]]:
    """Group plan quantities into series: one unit family, like words, one value per item."""
    series: list[list[Quantity]] = []
    for quantity in quantities:
        best: list[Quantity] | None = None
        best_score = (0.0, 0)
        for group in series:
            head = group[0]
            if unit_family(head.unit) != unit_family(quantity.unit) or head.kind != quantity.kind:
                continue
            if any(member.item == quantity.item for member in group):
                continue
            score = max(_overlap(quantity.bag, member.bag) for member in group)
            if score > best_score:
                best, best_score = group, score
        if best is not None and best_score[0] >= 0.5:
            best.append(quantity)
        else:
            series.append([quantity])
    return series


_WORDS_ENOUGH = 0.4  # the share of the smaller bag two quantities must share to match by words


def _attach_series(drafts: list[_Draft], series: list[list[Quantity]]) -> list[list[Quantity]]:
    """Give plan series to the targets they belong to; return the series left over."""
    targets = [d for d in drafts if d.target is not None]
    pairs: list[tuple[tuple[bool, float, int], int, int]] = []
    for s_index, group in enumerate(series):
        group_bag = frozenset().union(*(q.bag for q in group))
        family = unit_family(group[0].unit)
        same_family = [d for d in targets if d.target and unit_family(d.target.unit) == family]
        for t_index, draft in enumerate(targets):
            assert draft.target is not None
            if unit_family(draft.target.unit) != family or draft.kind != group[0].kind:
                continue
            t_value = draft.target.value
            reading = _reading(group, t_value)
            total = _plan_total(group, reading)
            t_high = draft.target.high
            consistent = total is not None and (
                _close(total, t_value) or (t_high is not None and _close(total, t_high))
            )
            words, shared = _overlap(group_bag, draft.target.bag)
            # "一季度完成130场" says no more than its unit: the only target of that unit
            by_words = (words >= _WORDS_ENOUGH and shared > 0) or (
                not group_bag and len(same_family) == 1
            )
            by_numbers = consistent and (
                len(group) > 1 or shared > 0 or not group_bag or len(same_family) == 1
            )
            if by_words or by_numbers:
                pairs.append(((consistent, words, shared), s_index, t_index))
    pairs.sort(key=lambda p: p[0], reverse=True)
    used_series: set[int] = set()
    used_targets: set[int] = set()
    for _, s_index, t_index in pairs:
        if s_index in used_series or t_index in used_targets:
            continue
        targets[t_index].series = list(series[s_index])
        used_series.add(s_index)
        used_targets.add(t_index)
    return [group for index, group in enumerate(series) if index not in used_series]


def _assign_actuals(drafts: list[_Draft], candidates: list[Quantity]) -> list[Quantity]:
    """Give each indicator its actual; return the candidates left over."""
    pairs: list[tuple[tuple[float, int, int, int], int, int]] = []
    bags = [d.bag for d in drafts]
    for c_index, candidate in enumerate(candidates):
        family = unit_family(candidate.unit)
        for d_index, draft in enumerate(drafts):
            if draft.kind != candidate.kind:
                continue
            as_of = candidate.source.month or 12
            if draft.kind == "share":
                pairs.append(((1.0, 0, as_of, candidate.source.start), c_index, d_index))
                continue
            if unit_family(draft.unit) != family:
                continue
            words, shared = _overlap(candidate.bag, bags[d_index])
            if shared > 0 and words >= _WORDS_ENOUGH:
                pairs.append(((words, shared, as_of, candidate.source.start), c_index, d_index))
    pairs.sort(key=lambda p: p[0], reverse=True)
    used: set[int] = set()
    for _, c_index, d_index in pairs:
        if c_index in used or drafts[d_index].actual is not None:
            continue
        drafts[d_index].actual = candidates[c_index]
        used.add(c_index)
    # The only target of a unit and the only reading of that unit belong together.
    for draft in drafts:
        if draft.actual is not None or draft.target is None or draft.kind == "share":
            continue
        key = unit_key(draft.unit)
        if sum(1 for d in drafts if unit_key(d.unit) == key) != 1:
            continue
        left = [
            i
            for i, c in enumerate(candidates)
            if i not in used and c.kind == draft.kind and unit_key(c.unit) == key
        ]
        if len(left) == 1:
            draft.actual = candidates[left[0]]
            used.add(left[0])
    return [c for i, c in enumerate(candidates) if i not in used]


def _clean_name(words: str) -> str:
    return _NAME_TAIL_RE.sub("", _NAME_HEAD_RE.sub("", words.strip())).strip("、，, ")


def _noun_after(quantity: Quantity) -> str:
    return _NAME_AFTER_CUT_RE.split(quantity.after, maxsplit=1)[0].strip()


def _name(draft: _Draft) -> str:
    """A short name for an indicator from its words ("城镇新增就业", "适龄妇女")."""
    quantities = [draft.target] if draft.target is not None else []
    quantities += [*draft.series, *([draft.actual] if draft.actual is not None else [])]
    for quantity in quantities:
        name = _clean_name(quantity.keywords.replace("|", ""))
        noun = _noun_after(quantity)
        if len(name) < 5 and noun and not name.endswith(noun):
            name += noun  # "规划建设" + "充电站", "" + "适龄妇女"
        if len("".join(_HAN_RUN_RE.findall(name))) >= 2:
            return name
    if draft.kind == "share":
        return "年度进度"
    return next((q.words.strip() for q in quantities if q.words.strip()), "")


def _whole_of(drafts: Sequence[_Draft], index: int, text: str) -> int:
    """The target a target is a part of ("9370人，其中乡村岗9000人、城镇岗370人"), or -1."""
    part = drafts[index].target
    if part is None or drafts[index].series:
        return -1
    for earlier in range(index - 1, -1, -1):
        whole = drafts[earlier].target
        if whole is None or whole.source.start >= part.source.start:
            continue
        between = text[whole.source.end : part.source.start]
        if any(char in _SENTENCE_ENDS for char in between):
            return -1
        if (
            "其中" in between
            and unit_key(whole.unit) == unit_key(part.unit)
            and whole.value > part.value
        ):
            return earlier
    return -1


def _share_of(indicators: Iterable[Indicator], share: _Draft) -> Indicator | None:
    """The planned amount a reported share is a share of: "上岗4947人…完成任务的52.80%" of 9370."""
    if share.actual is None:
        return None
    for indicator in indicators:
        if indicator.kind != "amount" or indicator.basis != "plan":
            continue
        if not indicator.target or indicator.actual is None:
            continue
        implied = share.actual.value / 100 * indicator.target
        if abs(implied - indicator.actual) <= 0.005 * indicator.target:
            return indicator
    return None


def _build(
    draft: _Draft, period_to: int | None, share: _Draft | None, whole: Indicator | None = None
) -> Indicator:
    target = draft.target.value if draft.target is not None else None
    actual = draft.actual.value if draft.actual is not None else None
    series = _ordered(draft.series)
    share_whole = 100.0 if draft.kind == "share" else target
    reading = _reading(series, share_whole) if series else ""
    planned: float | None = None
    planned_sources: list[Source] = []
    basis = ""
    note = ""
    if period_to is None:
        note = say("indicator.no_period")
    elif series:
        planned, used = _planned_by(series, reading, period_to)
        planned_sources = [q.source for q in used]
        basis = "plan"
        if not used:
            note = say("indicator.plan_after", month=period_to)
    elif (
        whole is not None
        and whole.basis == "plan"
        and whole.target
        and whole.planned is not None
        and share_whole is not None
    ):
        # a part of a planned whole is due as the whole is: 乡村岗 9000 of 开发…岗位 9370;
        # so is a share of it: 完成任务的52.80% of 9370 when 3600 are due
        planned = share_whole * whole.planned / whole.target
        planned_sources = [*whole.planned_sources, *whole.sources[:1]]
        basis = "plan_share"
        planned_of, target_of = _figure(whole.planned), _figure(whole.target)
        note = (
            say("indicator.share_of", whole=whole.name, planned=planned_of, target=target_of)
            if draft.kind == "share"
            else say("indicator.part_of", whole=whole.name, planned=planned_of, target=target_of)
        )
    elif share is not None and share.series and target is not None and draft.kind == "amount":
        share_reading = _reading(share.series, 100.0)
        share_planned, used = _planned_by(share.series, share_reading, period_to)
        planned = target * share_planned / 100
        planned_sources = [q.source for q in used]
        basis = "plan_share"
        if not used:
            note = say("indicator.share_plan_after", month=period_to)
    elif share_whole is not None and draft.kind != "level":
        planned = share_whole * time_elapsed(period_to)
        basis = "time_elapsed"
    else:
        note = say("indicator.level")
    if actual is None and not note:
        note = "推进情况中没有实际数"
    return Indicator(
        name=_name(draft),
        unit=draft.unit,
        kind=draft.kind,
        target=target,
        planned=planned,
        actual=actual,
        ratio=_ratio(actual, planned),
        basis=basis,
        reading=reading,
        target_source=draft.target.source if draft.target is not None else None,
        planned_sources=tuple(planned_sources),
        actual_source=draft.actual.source if draft.actual is not None else None,
        plan=tuple(series),
        plan_total=_plan_total(series, reading) if series else None,
        note=note,
    )


@lru_cache(maxsize=32768)
def _read_texts(target: str, plan: str, progress: str, period_to: int | None) -> ProjectIndicators:
    targets = read_quantities("target", target)
    plans = read_quantities("plan", plan)
    progresses = read_quantities("progress", progress)
    unused = [q for q in (*targets, *plans, *progresses) if q.excluded]
    drafts = [_Draft(kind=q.kind, target=q) for q in targets if not q.excluded]
    plan_values = [q for q in plans if not q.excluded]
    share_values = [q for q in plan_values if q.kind == "share"]
    share: _Draft | None = None
    if share_values:
        share = _Draft(kind="share", series=_ordered(share_values))
    left = _attach_series(drafts, _cluster([q for q in plan_values if q.kind != "share"]))
    drafts.extend(_Draft(kind=group[0].kind, series=group) for group in left)
    candidates = [q for q in progresses if not q.excluded]
    if share is None and any(q.kind == "share" for q in candidates):
        share = _Draft(kind="share")
    if share is not None:
        drafts.append(share)
    unused.extend(_assign_actuals(drafts, candidates))
    built: dict[int, Indicator] = {}
    for index, draft in enumerate(drafts):
        if draft is share and not draft.series:
            whole = _share_of(built.values(), draft)
        else:
            found = _whole_of(drafts, index, target)
            whole = built.get(found) if found >= 0 else None
        built[index] = _build(draft, period_to, share, whole)
    indicators = tuple(built[index] for index in range(len(drafts)))
    unused.sort(key=lambda q: (FIELDS.index(q.source.field), q.source.start))
    return ProjectIndicators(indicators, tuple(unused), period_to)


def read_indicators(
    target: str, plan: str, progress: str, period: tuple[int, int] | None
) -> ProjectIndicators:
    """The indicators of one project's 任务目标, 月度计划 and 推进情况 for a report period.

    ``period`` is the report's months (from, to), or None when it is not known (then nothing is
    planned by a known month). Results are cached by text: a list of projects is read again
    only where a text changed.
    """
    return _read_texts(target, plan, progress, period[1] if period is not None else None)


def clear_cache() -> None:
    """Forget the indicators read so far (for benchmarks; the cache is keyed by text)."""
    _read_texts.cache_clear()

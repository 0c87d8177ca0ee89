"""Split a plan or progress text into items, each with the months (1-12) it covers.

The report's 月度计划 and 项目推进情况 cells are free text written by many departments. This
module cuts such a text into items and dates each one from the month expression it starts
with. The rules:

Items start at
  * the start of the text and of every line;
  * list markers: ``①``…``⑳`` anywhere; ``1、`` ``1.`` ``（1）`` ``一、`` ``（一）`` at a boundary
    (text or line start, after ``。；;！？：:`` or a space), and ``1、`` ``1.`` ``（1）`` also in
    mid-text when they continue the numbering (``…接管任务2、3月份…``);
  * a month expression (``3月``, ``3-5月份``, ``5月-6月``, ``4月12日``, ``6月底``, ``二季度``,
    ``上半年``, ``全年``, ``年底前`` …) at a boundary, possibly after a word such as 截至/到/预计
    (``截至4月下旬，…``), or right after a comma (``…区域，3月份2023年度…``), or in mid-clause
    when a colon or comma follows it (``…审核2月：开展…``, ``…统计4-5月,对…``);
  * a note (``（备注：…``) at a boundary.
A month expression in mid-clause followed by more of the clause (``拟定2月份资金申请计划``,
``预计7月初资金可拨付到位``), after 截至/到/于/在 and the like (``，截至6月底,``), after ``、``,
or inside brackets does not start an item.

An item's months come from the expression it starts with (after its list marker and such a
word); mentions further inside do not date it. Decisions on ambiguous wording:
  * ``1、2月份…2、3月份…`` (县级 6): the numbers before ``、`` number the list, so item 1 covers
    February, item 2 March, and so on. ``N、M月`` reads as the months N and M only when no other
    marker of that numbering follows or precedes it.
  * In a numbered list whose dated items all carry their own number as their month (``①1月…
    ②2月… ③通知…``), an undated item takes its number as its month.
  * Points in time date an item by that month: ``截至4月下旬`` is April, ``6月底`` June, and
    ``年底前`` is December (a deadline, like ``6月底前``), not the whole year.
  * ``11-2月`` wraps round the year end: November, December, January and February.
  * Months may be written in Chinese numerals (``三月``, ``十二月``, ``八月底``, ``三至五月``).
    Such a month standing after another Chinese character counts only after a word such as
    截至/到/预计 or when 份, a part of the month or a day follows it: ``统一月报`` holds no
    month, ``完成三月份任务`` does. ``二十三月`` and ``第三月`` are not months; ``三、四月``
    follows the rule of ``1、2月`` above.
In 项目推进情况 (``progress_items``) an item that starts undated but says where it stands as of a
month (``④召开…会议,截至6月底,已检查4970人``: 截至/截止 and a month, outside brackets) is dated by
that month (the last such, when it names several): a progress sentence belongs to the month it
reports on, wherever in it the month is written. Plans are not read so (``…预计8月份完成`` in
a plan item says when, not as of when).
Numbers not directly followed by 月 (``2023年``, ``16万亩``, ``30%``, ``1个月``) are never months,
nor are 0 and 13 or more. Nothing is lost: the items' texts, in order, make up the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ALL_MONTHS",
    "MonthItem",
    "MonthMention",
    "PlacedItem",
    "clear_cache",
    "placed_plan_items",
    "placed_progress_items",
    "plan_items",
    "progress_items",
    "read_dates",
    "split_months",
]

ALL_MONTHS: tuple[int, ...] = tuple(range(1, 13))


@dataclass(frozen=True)
class PlacedItem:
    """An item of a text with where it stands: ``text[start:end] == item.text``."""

    start: int
    end: int
    months: tuple[int, ...]  # as MonthItem.months
    text: str


@dataclass(frozen=True)
class MonthMention:
    """A month expression anywhere in a text, whether or not it starts an item."""

    start: int
    end: int
    months: tuple[int, ...]  # months 1..12 it names, ascending


@dataclass(frozen=True)
class MonthItem:
    """One item of a plan or progress text and the months it covers."""

    months: tuple[int, ...]  # months 1..12 this item covers, ascending; () when undated
    text: str  # the item's text, as in the original (trimmed)


# ---------------------------------------------------------------------------------------------
# Vocabulary

_SENTENCE_END = frozenset("。；;！!？?：:\n")
_COMMAS = frozenset("，,")
_SPACES = frozenset(" \t\u3000\u00a0")  # spaces inside a line
_BRACKETS = dict(zip("（(〔【《“「[", "）)〕】》”」]", strict=True))
_BRACKET_OR_LINE_RE = re.compile(
    "[" + re.escape("".join(_BRACKETS) + "".join(_BRACKETS.values())) + "\n]"
)
_MASK = "\ue000"  # stands in for a list marker while month expressions are found

# Words that may stand before an item's leading month expression: "截至4月下旬，已检查…".
_LEAD_INS = (
    "截至到", "截止到", "截至", "截止", "直到", "直至", "预计", "计划于", "计划在", "计划",
    "拟于", "拟", "定于", "将于", "力争", "争取", "确保", "到", "至", "于", "在", "从", "自",
)  # fmt: skip
# The lead-ins by their last character, each list in _LEAD_INS order (the first that fits wins).
_LEAD_INS_BY_LAST: dict[str, tuple[str, ...]] = {
    last: tuple(word for word in _LEAD_INS if word[-1] == last)
    for last in {w[-1] for w in _LEAD_INS}
}
# Words after which a month expression belongs to the clause, even if a comma follows it.
_CLAUSE_WORDS = (
    "截至到", "截止到", "截至", "截止", "直到", "直至", "预计", "拟定", "拟于", "拟", "定于",
    "将于", "将", "计划于", "计划在", "力争", "争取", "确保", "要在", "需在", "到", "至", "于",
    "在", "从", "自", "由", "和", "与", "及", "或", "每",
)  # fmt: skip

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_QUARTER_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_QUARTER_DIGITS |= {"１": 1, "２": 2, "３": 3, "４": 4}

# Circled ①…⑳, parenthesised ⑴…⒇ and full-stop ⒈…⒛ numbers: always list markers.
_ENCLOSED = {chr(base + i): (kind, i + 1) for base, kind in (
    (0x2460, "circled"), (0x2474, "paren-enclosed"), (0x2488, "stop-enclosed"),
) for i in range(20)}  # fmt: skip

_MARKER_RE = re.compile(
    r"(?P<enclosed>[\u2460-\u2473\u2474-\u2487\u2488-\u249b])"
    r"|(?<![\dA-Za-z#＃.．%])(?P<dun>\d{1,2})\s*、"
    r"|(?<![\dA-Za-z#＃.．%])(?P<dot>\d{1,2})[.．](?:(?!\d)|(?=\d{1,2}\s*月))"
    r"|[（(]\s*(?P<paren>\d{1,2})\s*[）)]"
    r"|[（(](?P<cnparen>[一二三四五六七八九十]{1,3})[）)]"
    r"|(?<![一二三四五六七八九十第])(?P<cndun>[一二三四五六七八九十]{1,3})、"
    r"(?!\s*第?[一二三四]\s*季度)"
)

_DASH = r"\s*(?:-|－|‐|–|—{1,2}|~|～|〜|至|到)\s*"
_DAY = r"\d{1,2}\s*[日号]"
_PART = r"(?:上旬|中旬|下旬|初|底|末|中)"
_BEFORE = r"(?:之前|以前|前)?"
_YEAR = r"(?:(?:\d{4}\s*年(?:度)?|今年|本年度?|当年)\s*)?"
# A month number: digits, or a Chinese numeral 一…十二 that is not the end of a longer number
# (二十三月) nor an ordinal (第三月).
_CN_MONTH = (
    r"(?<![一二三四五六七八九十百千万两〇零第几每])(?:十[一二]?|[一二三四五六七八九])"
    r"(?=\s*(?:月|[-－‐–—~～〜至到、]))"
)
_NUM = rf"(?:\d{{1,2}}|{_CN_MONTH})"
_MONTH_RE = re.compile(
    # what a month expression can start with: rejects most positions at once
    r"(?=[\d１-４一二三四五六七八九十前第上下全今本当])"
    r"(?<![\d.．])" + _YEAR + r"(?:"
    # 1、2月 / 5月、6月 / 三、四月: months listed (only where 、 did not number a list)
    rf"(?P<enum>(?:{_NUM}\s*(?:月份?)?\s*、\s*)+)?"
    r"(?:"
    # 3-5月, 5月-6月, 2月份-12月份, 6月2日-7月4日, 三至五月
    rf"(?P<r1>{_NUM})(?:\s*月份?(?:\s*{_DAY})?)?{_DASH}(?P<r2>{_NUM})\s*月份?"
    rf"(?:\s*{_DAY}|{_PART})?"
    # 3月, 3月份, 4月12日, 6月2日-4日, 6月底, 4月下旬, 三月, 十二月, 八月底
    rf"|(?P<m>{_NUM})\s*月份?(?:\s*{_DAY}(?:{_DASH}{_DAY})?|{_PART})?"
    r")"
    # 一季度, 第一季度, 前三季度, 一、二季度, 一至三季度
    r"|(?P<qfirst>前)?第?(?P<q>[一二三四1-4１-４](?:\s*(?:、|至|到|-|－|—|~|～)\s*第?[一二三四1-4１-４])*)"
    r"\s*季度"
    r"|(?P<half>[上下])半年"
    r"|(?P<whole>全年)(?:度)?"
    r")"
    + _BEFORE
    # 年底前, 2023年底
    + r"|(?<![\d.．])(?P<yearend>(?:\d{4}\s*)?年(?:底|末|终))"
    + _BEFORE
)

# Where a match of _MARKER_RE / _MONTH_RE can start: each is true of every position a match
# starts at (the first character, what a number there must be followed by, and what must not
# stand before it), and each starts with one class of characters, which the regex engine skips
# to without trying the whole pattern at every position (``_matches``).
_MARKER_START_RE = re.compile(
    r"[\u2460-\u249b（(\d一二三四五六七八九十](?:"
    r"(?<=[\u2460-\u249b（(])"
    r"|(?<=\d)(?<![\dA-Za-z#＃.．%]\d)\d?\s*[、.．]"
    r"|(?<=[一二三四五六七八九十])(?<![一二三四五六七八九十第].)[一二三四五六七八九十]{0,2}、"
    r")"
)
_MONTH_START_RE = re.compile(
    r"[\d１-４一二三四五六七八九十前第上下全今本当年](?<![\d.．].)"
    # a number: of a month (3月, 3-5月, 1、2月, 二季度) or a year (2023年)
    r"(?:(?<!\d)|\d?\s*[月、\-－‐–—~～〜至到季]|\d{3}\s*年)"
)

# A month right after a 、 marker: "1、2月份", "三、四月".
_MONTH_AFTER_MARKER = {
    "dun": re.compile(r"\s*\d{1,2}\s*月"),
    "cndun": re.compile(r"\s*(?:十[一二]?|[一二三四五六七八九])\s*月"),
}
_NOTE_RE = re.compile(r"[（(]?\s*备\s*注|(?<!备)注\s*[:：]")
_ENUM_NUMBER_RE = re.compile(r"\d{1,2}|十[一二]?|[一二三四五六七八九]")
_CN_NUMERALS = frozenset("一二三四五六七八九十")
# After a Chinese numeral month, the words that make it a date even in mid-clause ("完成三月份…").
_CN_MONTH_MARKED_RE = re.compile(r"月(?:份|上旬|中旬|下旬|初|底|末|中|\s*\d)")


# ---------------------------------------------------------------------------------------------
# Pieces


@dataclass(slots=True)
class _Marker:
    """A list marker: where it is, which numbering it belongs to, and its number."""

    start: int
    end: int
    kind: str
    value: int


@dataclass(slots=True)
class _MonthExpr:
    """A month expression found in the text and the months it names."""

    start: int
    end: int
    months: tuple[int, ...]


def _cn_number(text: str) -> int:
    """Value of a small Chinese numeral such as 三, 十, 十二 or 二十; 0 when not one."""
    if text == "十":
        return 10
    if "十" in text:
        tens, _, units = text.partition("十")
        return _CN_DIGITS.get(tens, 1 if not tens else 0) * 10 + _CN_DIGITS.get(units, 0)
    return _CN_DIGITS.get(text, 0) if len(text) == 1 else 0


def _month_span(first: int, last: int) -> tuple[int, ...]:
    """Months from first to last inclusive, wrapping round the year end; () if out of range."""
    if not (1 <= first <= 12 and 1 <= last <= 12):
        return ()
    if first <= last:
        return tuple(range(first, last + 1))
    return tuple(sorted(set(range(first, 13)) | set(range(1, last + 1))))


def _quarter_months(spec: str, *, up_to: bool) -> tuple[int, ...]:
    """Months of a quarter spec such as 二, 一、二 or 一至三; up_to for 前三季度."""
    quarters = [_QUARTER_DIGITS[c] for c in spec if c in _QUARTER_DIGITS]
    if not quarters:
        return ()
    if up_to:
        quarters = list(range(1, max(quarters) + 1))
    elif any(dash in spec for dash in "至到-－—~～") and len(quarters) == 2:
        quarters = list(range(min(quarters), max(quarters) + 1))
    return tuple(m for q in sorted(set(quarters)) for m in range(3 * q - 2, 3 * q + 1))


def _expr_months(match: re.Match[str]) -> tuple[int, ...]:
    """The months a month-expression match names; () when any number in it is not a month."""
    groups = match.groupdict()
    if groups["yearend"]:
        return (12,)
    if groups["whole"]:
        return ALL_MONTHS
    if groups["half"]:
        return tuple(range(1, 7)) if groups["half"] == "上" else tuple(range(7, 13))
    if groups["q"]:
        return _quarter_months(groups["q"], up_to=bool(groups["qfirst"]))
    if groups["r1"]:
        months = set(_month_span(_month_number(groups["r1"]), _month_number(groups["r2"])))
    else:
        month = _month_number(groups["m"])
        months = {month} if 1 <= month <= 12 else set()
    if not months:
        return ()
    for listed in _ENUM_NUMBER_RE.findall(groups["enum"] or ""):
        number = _month_number(listed)
        if not 1 <= number <= 12:
            return ()
        months.add(number)
    return tuple(sorted(months))


def _month_number(text: str) -> int:
    """A month number written in digits or in Chinese numerals (三, 十二); 0 when neither."""
    return int(text) if text.isdigit() else _cn_number(text)


def _cn_month_in_word(text: str, match: re.Match[str]) -> bool:
    """Whether a month in Chinese numerals is only part of a word ("统一月报", "唯一月票").

    Such a month counts when it stands after a non-Chinese character or a word such as
    截至/到/预计, or when 份, a part of the month or a day follows it ("完成三月份…").
    """
    start = match.start()
    if match.group("q") or start == 0 or text[start] not in _CN_NUMERALS:
        return False
    if not "\u4e00" <= text[start - 1] <= "\u9fff":
        return False
    if text.endswith(_LEAD_INS + _CLAUSE_WORDS, 0, start):
        return False
    return _CN_MONTH_MARKED_RE.search(match.group()) is None


def _matches(
    pattern: re.Pattern[str], starts: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, trying the pattern only where ``starts`` says a match can
    start (``starts`` must match at every position a match of ``pattern`` starts at)."""
    search, match = starts.search, pattern.match
    pos = 0
    while (candidate := search(text, pos)) is not None:
        at = candidate.start()
        found = match(text, at)
        if found is None or found.end() == at:
            pos = at + 1
            if found is not None:
                yield found
            continue
        yield found
        pos = found.end()


def _inside_brackets(text: str) -> list[bool]:
    """For each position, whether it lies strictly inside a bracket pair closed on its line."""
    inside = [False] * (len(text) + 1)
    if not any(opening in text for opening in _BRACKETS):
        return inside
    stack: list[tuple[str, int]] = []
    for found in _BRACKET_OR_LINE_RE.finditer(text):
        char, i = found.group(), found.start()
        if char == "\n":
            stack.clear()
        elif stack and char == stack[-1][0]:
            _, opened = stack.pop()
            inside[opened + 1 : i] = [True] * (i - opened - 1)
        elif char in _BRACKETS:
            stack.append((_BRACKETS[char], i))
    return inside


class _Splitter:
    """The state of splitting one text: markers, month expressions and item starts."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.inside = _inside_brackets(text)
        self.marker_ends: set[int] = set()  # filled while markers are found
        self.markers = self._find_markers()
        self.marker_ends = {m.end for m in self.markers}
        self.markers_by_start = {m.start: m for m in self.markers}
        masked = list(text)
        for marker in self.markers:
            masked[marker.start : marker.end] = _MASK * (marker.end - marker.start)
        self.exprs = self._find_exprs("".join(masked))
        self.exprs_by_start = {e.start: e for e in self.exprs}

    # -- context --------------------------------------------------------------------------

    def content_end(self, pos: int) -> int:
        """Where the text before pos ends once the spaces (not newlines) right before pos go."""
        while pos > 0 and self.text[pos - 1] in _SPACES:
            pos -= 1
        return pos

    def ends_with(self, end: int, words: str | tuple[str, ...]) -> bool:
        """Whether the text before end ends with one of words."""
        return self.text.endswith(words, 0, end)

    def is_boundary(self, pos: int) -> bool:
        """Whether pos starts a clause: text/line start, after a sentence end, marker or space."""
        end = self.content_end(pos)
        if end == 0 or self.text[end - 1] in _SENTENCE_END or end in self.marker_ends:
            return True
        # A space separates sentences, unless it only follows a word like 预计 ("预计 7月").
        return end < pos and not self.ends_with(end, _CLAUSE_WORDS)

    # -- markers ----------------------------------------------------------------------------

    def _find_markers(self) -> list[_Marker]:
        """List markers: enclosed numbers, and numbers that start or continue a numbering."""
        accepted: list[_Marker] = []
        last: dict[str, int] = {}
        for match in _matches(_MARKER_RE, _MARKER_START_RE, self.text):
            start, end = match.span()
            if self.inside[start]:
                continue
            kind = next(k for k, v in match.groupdict().items() if v is not None)
            raw = match.group(kind)
            if kind == "enclosed":
                kind, value = _ENCLOSED[raw]
            elif kind.startswith("cn"):
                value = _cn_number(raw)
            else:
                value = int(raw)
            if value <= 0:
                continue
            at_boundary = self.is_boundary(start)
            continues = last.get(kind) == value - 1 and not kind.startswith("cn")
            if kind in ("circled", "paren-enclosed", "stop-enclosed") or at_boundary or continues:
                accepted.append(_Marker(start, end, kind, value))
                last[kind] = value
                self.marker_ends.add(end)
        return self._drop_lone_month_lists(accepted)

    def _drop_lone_month_lists(self, markers: list[_Marker]) -> list[_Marker]:
        """Read a lone "1、2月份" (or "三、四月") as two months rather than item 1 of a list."""
        kept = []
        for marker in markers:
            month_after = _MONTH_AFTER_MARKER.get(marker.kind)
            if month_after is not None and month_after.match(self.text, marker.end):
                neighbours = {
                    m.value
                    for m in markers
                    if m.kind == marker.kind
                    and m is not marker
                    and abs(m.value - marker.value) == 1
                }
                if not neighbours:
                    continue
            kept.append(marker)
        return kept

    # -- month expressions ------------------------------------------------------------------

    @staticmethod
    def _find_exprs(masked: str) -> list[_MonthExpr]:
        """Month expressions naming at least one month between 1 and 12."""
        exprs = []
        for match in _matches(_MONTH_RE, _MONTH_START_RE, masked):
            months = _expr_months(match)
            if months and not _cn_month_in_word(masked, match):
                exprs.append(_MonthExpr(match.start(), match.end(), months))
        return exprs

    def lead_in_start(self, expr: _MonthExpr) -> int | None:
        """Start of a word like 截至 before expr when that word itself starts a clause."""
        end = self.content_end(expr.start)
        if end == 0:
            return None
        for word in _LEAD_INS_BY_LAST.get(self.text[end - 1], ()):
            if self.ends_with(end, word) and self.is_boundary(end - len(word)):
                return end - len(word)
        return None

    def expr_item_start(self, expr: _MonthExpr) -> int | None:
        """Where the item that expr opens starts, or None when expr belongs to its clause."""
        if self.inside[expr.start]:
            return None
        lead_in = self.lead_in_start(expr)
        if lead_in is not None:
            return lead_in
        if self.is_boundary(expr.start):
            return expr.start
        end = self.content_end(expr.start)
        if self.text[end - 1] in _COMMAS:
            return expr.start
        following = self.text[expr.end : expr.end + 1]
        if following and following in "：:，," and not self.ends_with(end, _CLAUSE_WORDS):
            return expr.start
        return None

    def leading_months(self, start: int, end: int) -> tuple[int, ...]:
        """Months of the expression an item starts with (after its marker and a word like 截至)."""
        pos = start
        marker = self.markers_by_start.get(pos)
        if marker is not None:
            pos = marker.end
        while pos < end and self.text[pos].isspace():
            pos += 1
        expr = self.exprs_by_start.get(pos)
        if expr is None:
            for word in _LEAD_INS:
                if self.text.startswith(word, pos):
                    after = pos + len(word)
                    while after < end and self.text[after] in _SPACES:
                        after += 1
                    expr = self.exprs_by_start.get(after)
                    if expr is not None:
                        break
        return expr.months if expr is not None and expr.start < end else ()

    # -- items ------------------------------------------------------------------------------

    def starts(self) -> list[int]:
        """Positions where items start, ascending."""
        text = self.text
        starts = {0}
        line = text.find("\n")
        while line >= 0:
            starts.add(line + 1)
            line = text.find("\n", line + 1)
        starts.update(m.start for m in self.markers)
        for expr in self.exprs:
            start = self.expr_item_start(expr)
            # Right after a marker the item already started at the marker.
            if start is not None and self.content_end(start) not in self.marker_ends:
                starts.add(start)
        for match in _NOTE_RE.finditer(text) if "注" in text else ():
            if not self.inside[match.start()] and self.is_boundary(match.start()):
                if self.content_end(match.start()) not in self.marker_ends:
                    starts.add(match.start())
        return sorted(s for s in starts if s < len(text))

    def items(self) -> list[MonthItem]:
        """The text's items with their months."""
        return [MonthItem(months, self.text[a:b]) for a, b, months in self.spans()]

    def placed(self) -> list[PlacedItem]:
        """The text's items with their months and where each stands in the text."""
        return [PlacedItem(a, b, months, self.text[a:b]) for a, b, months in self.spans()]

    def spans(self) -> list[tuple[int, int, tuple[int, ...]]]:
        """The text's items as (start, end, months): ``text[start:end]`` is the item's text."""
        starts = self.starts()
        if not starts:
            return []
        text = self.text
        spans = list(zip(starts, starts[1:] + [len(text)], strict=True))
        months = [self.leading_months(a, b) for a, b in spans]
        self._date_by_numbers(spans, months)
        found = []
        for (a, b), m in zip(spans, months, strict=True):
            piece = text[a:b]
            trimmed = piece.strip()
            if trimmed:
                start = a + len(piece) - len(piece.lstrip())
                found.append((start, start + len(trimmed), m))
        return found

    def _date_by_numbers(self, spans: list[tuple[int, int]], months: list[tuple[int, ...]]) -> None:
        """Date undated items of a list whose dated items all carry their own number as month."""
        runs: list[list[int]] = []  # item indexes of each numbering run
        last: dict[str, tuple[int, int]] = {}  # kind -> (value, run index)
        for index, (start, _) in enumerate(spans):
            marker = self.markers_by_start.get(start)
            if marker is None:
                continue
            previous = last.get(marker.kind)
            if previous is None or marker.value <= previous[0]:
                runs.append([])
                last[marker.kind] = (marker.value, len(runs) - 1)
            else:
                last[marker.kind] = (marker.value, previous[1])
            runs[last[marker.kind][1]].append(index)
        for run in runs:
            values = {i: self.markers_by_start[spans[i][0]].value for i in run}
            dated = [i for i in run if months[i]]
            if len(dated) >= 2 and all(months[i] == (values[i],) for i in dated):
                for i in run:
                    if not months[i] and 1 <= values[i] <= 12:
                        months[i] = (values[i],)


# ---------------------------------------------------------------------------------------------
# API

# The months tuples met, kept once: a reading of many texts holds few distinct ones.
_MONTHS_SEEN: dict[tuple[int, ...], tuple[int, ...]] = {}


def _shared(months: tuple[int, ...]) -> tuple[int, ...]:
    return _MONTHS_SEEN.setdefault(months, months)


@dataclass(frozen=True)
class _Reading:
    """What splitting a text found, without copies of the text: its items as (start, end,
    months, months "as of" which the item reports), and every month expression."""

    spans: tuple[tuple[int, int, tuple[int, ...], tuple[int, ...]], ...]
    mentions: tuple[MonthMention, ...]


@lru_cache(maxsize=1024)
def _reading(text: str) -> _Reading:
    """The reading of one text, kept for the texts read last: the month items, the indicators
    and the 序时 of a project read its plan and progress once between them."""
    splitter = _Splitter(text)
    spans = tuple(
        (a, b, _shared(months), () if months else _shared(_as_of_months(splitter, a, b)))
        for a, b, months in splitter.spans()
    )
    mentions = tuple(MonthMention(e.start, e.end, _shared(e.months)) for e in splitter.exprs)
    return _Reading(spans, mentions)


def split_months(text: str) -> list[MonthItem]:
    """Split a plan or progress text into items, each with the months it starts with."""
    return [MonthItem(months, text[a:b]) for a, b, months, _ in _reading(text).spans]


def read_dates(text: str) -> tuple[tuple[PlacedItem, ...], tuple[MonthMention, ...]]:
    """A text's items with their offsets (as ``split_months``), and every month mention in it.

    The mentions include those inside a clause (``…会议,截至6月底,已检查4970人``), which do
    not date their item but do date what follows them.
    """
    reading = _reading(text)
    placed = tuple(PlacedItem(a, b, months, text[a:b]) for a, b, months, _ in reading.spans)
    return placed, reading.mentions


def placed_plan_items(text: str) -> list[PlacedItem]:
    """``plan_items`` with where each item stands in the text."""
    return [
        PlacedItem(a, b, months or ALL_MONTHS, text[a:b])
        for a, b, months, _ in _reading(text).spans
    ]


def plan_items(text: str) -> list[MonthItem]:
    """Items of a 月度计划; an undated item covers the whole year."""
    return [MonthItem(item.months, item.text) for item in placed_plan_items(text)]


#: words saying "as of" before a month: a progress item holding one reports on that month
_AS_OF = ("截至到", "截止到", "截至", "截止")


def _as_of_months(splitter: _Splitter, start: int, end: int) -> tuple[int, ...]:
    """The months the last "截至6月底" inside the item text[start:end] names, or ()."""
    found: tuple[int, ...] = ()
    for expr in splitter.exprs:
        if not start < expr.start < end or splitter.inside[expr.start]:
            continue
        if expr.months == ALL_MONTHS:
            continue
        if splitter.ends_with(splitter.content_end(expr.start), _AS_OF):
            found = expr.months
    return found


def placed_progress_items(text: str, period: tuple[int, int] | None) -> list[PlacedItem]:
    """``progress_items`` with where each item stands in the text."""
    default = _month_span(*period) if period is not None else ()
    return [
        PlacedItem(a, b, months or as_of or default, text[a:b])
        for a, b, months, as_of in _reading(text).spans
    ]


def progress_items(text: str, period: tuple[int, int] | None) -> list[MonthItem]:
    """Items of a 项目推进情况: an undated item holding "截至N月" is of month N; any other undated
    item covers the report period's months (or none)."""
    return [MonthItem(item.months, item.text) for item in placed_progress_items(text, period)]


def clear_cache() -> None:
    """Forget the texts read last (for benchmarks)."""
    _reading.cache_clear()

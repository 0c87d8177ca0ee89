"""Readers of the county's progress report: the Markdown/tab-separated report, CSV and XLSX.

Every reader feeds rows to one builder, which knows the header words, refuses rows that do not
fit the header and keeps the limits of ``importers.limits``. A record's ``fields`` hold exactly
the columns its table has (a column the file lacks is absent, not empty), and the result's
``columns`` say which fields the file carries.

A quantitative table (one with 完成目标(%), 形象进度(%) or 是否达序 columns) also gives each row
an indicator in ``ProjectRecord.indicators``, its numbers read from its own cells; a workbook's
merged cells are carried down (``_MergedCells``).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import html
import io
import itertools
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importers import limits
from store.models import (
    TEXT_FIELDS,
    ImportFormatError,
    ParsedReport,
    ProjectRecord,
    Report,
    clean_text,
)
from store.text import CONTINUED, FORMULA_STARTS, SENTENCE_ENDS, fit, tidy_lines
from store.words import at, count, os_problem, quote, say, size

__all__ = [
    "clean_cell",
    "decode_text",
    "parse_csv_text",
    "parse_report_text",
    "parse_xlsx_bytes",
    "read_report",
]

#: Table name for rows that no title or 表 column places in a table.
DEFAULT_TABLE = "默认"

# ---------------------------------------------------------------------------------------------
# Header vocabulary

# Normalised header text -> what the column holds. "content" (项目内容) is the name when the
# table has no 项目名称 column, the overview otherwise.
_HEADER_WORDS: dict[str, str] = {}
for _kind, _words in {
    "number": ("编号", "序号", "number"),
    "name": ("项目名称", "工程名称", "名称", "name"),
    "content": ("项目内容",),
    "overview": ("项目概况", "overview"),
    "target": ("任务目标", "目标任务", "target"),
    "plan": ("项目月度计划", "月度计划", "计划", "plan"),
    "progress": (
        "项目推进情况",
        "推进情况",
        "进展情况",
        "完成情况",
        "当前进度",
        "工作进展",
        "进度",
        "progress",
    ),
    "status": ("工作成效", "推进状态", "完成状态", "状态", "status"),
    "deadline": ("完成时限", "时间节点", "完成时间", "deadline"),
    "department": ("牵头单位", "责任单位", "牵头部门", "department"),
    "level": ("项目等级", "等级", "level"),
    "remarks": ("备注",),
    "table": ("表", "所属表", "表格", "table"),
    # Columns of a quantitative table (a number per cell): kept in ``extra`` under their own
    # label, and read into ``ProjectRecord.indicators``.
    "percent": ("完成目标", "形象进度", "完成进度", "完成率", "完成比例"),
    "words": ("是否达序", "序时进度", "是否达到序时进度", "是否达到时间进度", "达序情况"),
    "item": ("指标", "指标名称", "具体指标", "主要指标"),
    "group": ("类别", "分类", "工程类别", "项目类别"),
}.items():
    for _word in _words:
        _HEADER_WORDS[_word] = _kind

#: Header kinds that only a quantitative table has; "percent" or "words" make a table one.
_QUANTITATIVE_KINDS = frozenset({"percent", "words", "item", "group"})

_NUMBER_RE = re.compile(r"[(\[]?(\d{1,9})(?:\.0+)?[)\].、,]?")
_SENTENCE_END = SENTENCE_ENDS
#: 编号 cells that mark a row going on with the project above: 续, （续）, (续) (NFKC, no spaces).
_CONTINUED_MARKS = frozenset({CONTINUED, "(续)"})

# ---------------------------------------------------------------------------------------------
# Cell cleaning

_SUPERSCRIPTS = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")

_BREAK_TAG_RE = re.compile(r"<\s*(?:br|/?\s*(?:p|div|li|tr|h[1-6]))\b[^<>]*>", re.IGNORECASE)
_SUP_RE = re.compile(r"<\s*sup\b[^<>]*>(.*?)<\s*/\s*sup\s*>", re.IGNORECASE | re.DOTALL)
_SUB_RE = re.compile(r"<\s*sub\b[^<>]*>(.*?)<\s*/\s*sub\s*>", re.IGNORECASE | re.DOTALL)
# Only things shaped like HTML tags or comments: "[bold]", "a < b" and "<5%" are text.
_TAG_RE = re.compile(r"<!--.*?-->|<\s*/?\s*[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>", re.DOTALL)


def _scripts(match: re.Match[str], table: dict[int, int]) -> str:
    inner = _TAG_RE.sub("", match.group(1))
    return "".join(inner.split()).translate(table)


def clean_cell(text: str) -> str:
    """Turn a cell as converted from PDF/HTML into plain text: tags, entities and stray spaces."""
    text = clean_text(text)
    text = _SUP_RE.sub(lambda m: _scripts(m, _SUPERSCRIPTS), text)
    text = _SUB_RE.sub(lambda m: _scripts(m, _SUBSCRIPTS), text)
    text = _BREAK_TAG_RE.sub("\n", text)
    text = _TAG_RE.sub("", text)
    text = html.unescape(text)
    return tidy_lines(text)


def _message(loc: str, message: str) -> str:
    """'path 第12行：message' on one line; the path is kept as written (spaces and all)."""
    loc = re.sub(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", " ", loc)
    return at(loc, clean_text(message, single_line=True))


def _line(source: str, number: int) -> str:
    """Where a line of a text file is: 't.md 第12行'."""
    return say("where.line", file=source, line=number)


def _error(loc: str, message: str) -> ImportFormatError:
    return ImportFormatError(_message(loc, message))


class _NoHeaderError(ImportFormatError):
    """No row of the file reads as a header: maybe the file's encoding was guessed wrong."""


_NO_HEADER = say("import.no_header")


def _one_line(text: str, limit: int = 40) -> str:
    """A short single-line rendering of untrusted text for an error message (``limit``
    terminal cells: a Chinese character is two)."""
    return fit(clean_text(text, single_line=True), limit, pad=False)


def _norm_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", clean_cell(text))
    return "".join(text.split()).rstrip(":").lower()


def _names_projects(kinds: list[str | None]) -> bool:
    """Whether a row's header kinds make it a header: two known words, one of them the name."""
    known = sum(kind is not None for kind in kinds)
    return known >= 2 and ("name" in kinds or "content" in kinds)


def _header_kind(text: str) -> str | None:
    if len(text) > 60:  # a long cell is data, never a header word
        return None
    key = _norm_header(text)
    if not key:
        return None
    if key in _HEADER_WORDS:
        return _HEADER_WORDS[key]
    # "完成时限(月)", "项目名称【必填】": the unit or note does not change what the column holds.
    bare = re.sub(r"\([^()]*\)|【[^【】]*】|\[[^\[\]]*\]|\*", "", key)
    return _HEADER_WORDS.get(bare)


# ---------------------------------------------------------------------------------------------
# Titles


@dataclass
class _Title:
    text: str
    table: str | None
    region: str = ""
    year: int | None = None
    period: tuple[int, int] | None = None


_YEAR_RE = re.compile(r"^(.*?)\s*((?:19|20|21)\d{2})\s*年")
_RANGE_RE = re.compile(r"(?<!\d)(\d{1,2})\s*[-~至到—–]\s*(\d{1,2})\s*月")
_MONTH_RE = re.compile(r"(?<!\d)(\d{1,2})\s*月")
_PAREN_RE = re.compile(r"[（(]([^（）()]*)[）)]")


def _parse_title(raw: str) -> _Title:
    text = clean_text(raw, single_line=True).lstrip("#").strip().strip("*").strip()
    plain = unicodedata.normalize("NFKC", text)
    title = _Title(text=text, table=None)
    m = _YEAR_RE.search(plain)
    if m:
        title.year = int(m.group(2))
        region = m.group(1).strip()
        if region and len(region) <= 30 and not re.search(r"\d", region):
            title.region = region
    m = _RANGE_RE.search(plain) or _MONTH_RE.search(plain)
    if m:
        start, end = int(m.group(1)), int(m.group(m.lastindex or 1))
        if 1 <= start <= end <= 12:
            title.period = (start, end)
    groups = _PAREN_RE.findall(text)
    if groups:
        name = "".join(groups[-1].split())
        if name and not _MONTH_RE.search(unicodedata.normalize("NFKC", name)):
            title.table = name
    return title


def _looks_like_title(text: str, *, strict: bool = False) -> bool:
    """Whether a lone line reads as a table's title; strict: only one that names a table."""
    plain = unicodedata.normalize("NFKC", text).strip()
    if plain.startswith("#"):
        return True
    if re.search(r"情况表|一览表|汇总表|统计表|进度表|台账", plain):
        return True
    return not strict and bool(re.search(r"年度|\d{4}\s*年", plain))


# ---------------------------------------------------------------------------------------------
# The reader shared by all formats: titles and rows in, records out


@dataclass
class _Header:
    width: int
    number_col: int | None
    number_label: str
    table_col: int | None
    fields: list[tuple[int, str]]
    extra: list[tuple[int, str]]
    labels: list[str]  # each column's header text, for messages
    #: columns of a quantitative table by kind ("percent", "words", "item", "group")
    quantities: dict[str, list[int]] = field(default_factory=dict)

    @property
    def quantitative(self) -> bool:
        """Whether the table publishes its progress as numbers (完成目标(%), 是否达序 ...)."""
        return "percent" in self.quantities or "words" in self.quantities

    def column(self, kind: str) -> int | None:
        """The column of a text field, None if the table has none."""
        return next((col for col, name in self.fields if name == kind), None)


@dataclass
class _Builder:
    source: str
    report: Report = field(default_factory=Report)
    records: list[ProjectRecord] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    header: _Header | None = None
    table: str = DEFAULT_TABLE
    title: _Title | None = None
    found_header: bool = False
    numbers: dict[tuple[str, int], str] = field(default_factory=dict)
    auto_numbers: dict[str, int] = field(default_factory=dict)
    columns: set[str] = field(default_factory=set)  # fields some header of the file has
    rows: int = 0
    unlisted_warnings: int = 0

    def error(self, loc: str, message: str) -> ImportFormatError:
        return _error(loc, message)

    def warn(self, loc: str, message: str) -> None:
        if len(self.warnings) >= limits.MAX_WARNINGS:
            self.unlisted_warnings += 1
            return
        self.warnings.append(_message(loc, message))

    def count_row(self, loc: str) -> None:
        """One more non-blank row or line: a file of more than MAX_ROWS is refused."""
        self.rows += 1
        if self.rows > limits.MAX_ROWS:
            raise self.error(loc, say("import.too_many_rows", limit=count(limits.MAX_ROWS)))

    def check_cells(self, cells: list[str], loc: str) -> list[str]:
        """Refuse a row too wide or a cell too long; drop blank cells past the header's width."""
        last = len(cells)
        while last and not cells[last - 1].strip():
            last -= 1
        if last > limits.MAX_COLUMNS:
            raise self.error(
                loc,
                say("import.row_too_wide", cells=count(last), limit=count(limits.MAX_COLUMNS)),
            )
        if len(cells) > limits.MAX_COLUMNS:  # only blanks beyond: no need to clean them all
            cells = cells[: max(last, self.header.width if self.header else last)]
        for col, cell in enumerate(cells):
            if len(cell) > limits.MAX_CELL_CHARS:
                label = self.header.labels[col] if self.header and col < self.header.width else ""
                where = (
                    say("where.column_label", column=col + 1, label=label)
                    if label
                    else say("where.column", column=col + 1)
                )
                raise self.error(loc, _too_long(where, len(cell)))
        return cells

    def start_section(self, table: str) -> None:
        """A new sheet: its own header and default table."""
        self.header = None
        self.table = table
        self.title = None

    def add_title(self, raw: str, loc: str) -> None:
        if len(raw) > limits.MAX_CELL_CHARS:
            raise self.error(loc, _too_long(say("where.title"), len(raw)))
        title = _parse_title(raw)
        self.title = title
        if title.table:
            self.table = title.table
        self.report.titles.setdefault(self.table, title.text)
        report = self.report
        for attr, value in (("region", title.region), ("year", title.year)):
            if not value:
                continue
            if not getattr(report, attr):
                setattr(report, attr, value)
            elif getattr(report, attr) != value:
                earlier = getattr(report, attr)
                self.warn(loc, say("import.title_differs", value=value, earlier=earlier))
        if title.period:
            if report.period_from is None:
                report.period_from, report.period_to = title.period
            elif (report.period_from, report.period_to) != title.period:
                self.warn(loc, say("import.title_months_differ"))

    def try_header(self, cells: list[str], loc: str) -> bool:
        """Take the row as the header if it is one; raise if it is a header without a name."""
        kinds = [_header_kind(c) for c in cells]
        if sum(k is not None for k in kinds) < 2:
            return False
        has_name = "name" in kinds
        if not _names_projects(kinds):
            if self.header is None:
                raise self.error(loc, say("import.header_no_name"))
            return False
        number_col: int | None = None
        number_label = "序号"
        table_col: int | None = None
        fields: list[tuple[int, str]] = []
        extra: list[tuple[int, str]] = []
        taken: set[str] = set()
        extra_keys: set[str] = set()
        labels: list[str] = []
        quantities: dict[str, list[int]] = {}

        def add_extra(col: int, key: str) -> None:
            base, n = key, 2
            while key in extra_keys:
                key, n = f"{base} ({n})", n + 1
            extra_keys.add(key)
            extra.append((col, key))

        for col, (cell, kind) in enumerate(zip(cells, kinds, strict=True)):
            label = clean_cell(cell).replace("\n", " ")
            labels.append(_one_line(label) or say("where.column", column=col + 1))
            if kind == "content":
                kind = "overview" if has_name else "name"
            if kind in _QUANTITATIVE_KINDS:
                quantities.setdefault(kind, []).append(col)
                add_extra(col, label or f"第{col + 1}列")
            elif kind == "number" and number_col is None:
                number_col, number_label = col, label
            elif kind == "table" and table_col is None:
                table_col = col
            elif kind not in (None, "remarks", "number", "table") and kind not in taken:
                taken.add(kind)
                fields.append((col, kind))
            else:
                add_extra(col, label or f"第{col + 1}列")
        self.header = _Header(
            len(cells), number_col, number_label, table_col, fields, extra, labels, quantities
        )
        self.columns.update(kind for _col, kind in fields)
        self.found_header = True
        return True

    def add_row(
        self,
        raw_cells: list[str],
        loc: str,
        line: int,
        unknown: dict[int, str] | None = None,
        covered: frozenset[int] = frozenset(),
    ) -> None:
        """One row of a table. ``unknown``: columns whose value the file does not hold (a
        formula without a saved value), each with its cell's location; they are left out.
        ``covered``: columns whose text was carried down from a merged cell above."""
        raw_cells = self.check_cells(raw_cells, loc)
        if self.try_header(raw_cells, loc):
            return
        cells = [clean_cell(c) for c in raw_cells]
        unknown = unknown or {}
        if not any(cells):
            for cell_loc in unknown.values():
                self.warn(cell_loc, _FORMULA_WARNING)
            return
        header = self.header
        if header is None:
            self.warn(loc, say("import.row_before_header"))
            return
        if len(cells) > header.width:
            if any(cells[header.width :]):
                raise self.error(loc, _row_cells(len(cells), header.width))
            cells = cells[: header.width]
        elif len(cells) < header.width:
            # A lost separator shifts every later cell into the wrong column: refuse the file.
            raise self.error(loc, _row_cells(len(cells), header.width))

        for col, cell_loc in unknown.items():
            if col in (header.number_col, header.table_col):
                # Without it the row's project is unknown: guessing would change another one.
                raise self.error(cell_loc, say("import.key_formula", label=header.labels[col]))
            self.warn(cell_loc, _FORMULA_WARNING)

        table = self.table
        if header.table_col is not None and cells[header.table_col]:
            table = cells[header.table_col].replace("\n", "")
        if header.number_col is not None and header.number_col in covered:
            # The number is merged down over this row: one more item of the project above.
            self.continue_merged(header, cells, unknown, covered, table, loc)
            return
        fields, extra = _row_fields(header, cells, unknown)

        if header.number_col is None:
            number = self.auto_numbers.get(table, 0) + 1
            self.auto_numbers[table] = number
        else:
            number_text = cells[header.number_col]
            plain = unicodedata.normalize("NFKC", number_text).replace(" ", "")
            if not plain or plain in _CONTINUED_MARKS:
                self.continue_previous(fields, extra, table, loc)
                return
            m = _NUMBER_RE.fullmatch(plain)
            if not m:
                raise self.error(
                    loc,
                    say(
                        "import.not_a_number",
                        label=header.number_label,
                        value=quote(_one_line(number_text)),
                    ),
                )
            number = int(m.group(1))
        if not fields.get("name"):
            self.warn(loc, say("import.no_name", label=header.number_label, number=number))
            return
        first = self.numbers.get((table, number))
        if first is not None:
            label = f"{table} {header.number_label} {number}"
            self.warn(loc, say("import.repeated", label=label, first=first))
        else:
            self.numbers[(table, number)] = loc
        self.report.titles.setdefault(table, self.title.text if self.title else "")
        record = ProjectRecord(table, number, fields, extra, line)
        if header.quantitative:
            record.indicators.append(_indicator(header, cells, unknown))
        self.records.append(record)

    def continue_merged(
        self,
        header: _Header,
        cells: list[str],
        unknown: dict[int, str],
        covered: frozenset[int],
        table: str,
        loc: str,
    ) -> None:
        """A row whose number cell is merged with the one above: the same project's next item
        (its own indicator, its own lines of 目标任务 and 进度); carried-down text is not
        repeated."""
        prev = self.records[-1] if self.records else None
        own = ["" if col in covered else cell for col, cell in enumerate(cells)]
        fields, extra = _row_fields(header, own, unknown)
        if not header.quantitative:
            self.continue_previous(fields, extra, table, loc)
            return
        if prev is None or prev.table != table:
            self.warn(loc, say("import.merged_no_project"))
            return
        prev.indicators.append(_indicator(header, cells, unknown))
        for target, parts in ((prev.fields, fields), (prev.extra, extra)):
            for key, text in parts.items():
                if text:
                    before = target.get(key, "")
                    target[key] = f"{before}\n{text}" if before else text

    def continue_previous(
        self, fields: dict[str, str], extra: dict[str, str], table: str, loc: str
    ) -> None:
        """A row with no number (or one marked 续): the rest of the previous project, cut by
        a page break or by the tallest row a workbook has."""
        prev = self.records[-1] if self.records else None
        if prev is None or prev.table != table:
            self.warn(loc, say("import.continue_no_project"))
            return
        for target, parts in ((prev.fields, fields), (prev.extra, extra)):
            for key, text in parts.items():
                if not text:
                    continue
                before = target.get(key, "")
                if not before:
                    target[key] = text
                elif before.endswith(_SENTENCE_END):
                    target[key] = f"{before}\n{text}"
                else:
                    target[key] = before + text

    def finish(self) -> ParsedReport:
        if not self.found_header:
            raise _NoHeaderError(_message(self.source, _NO_HEADER))
        if self.unlisted_warnings:
            self.warnings.append(
                _message(self.source, say("import.more_warnings", n=count(self.unlisted_warnings)))
            )
        columns = tuple(name for name in TEXT_FIELDS if name in self.columns)
        return ParsedReport(self.report, self.records, self.warnings, columns=columns)


_FORMULA_WARNING = say("import.formula")


def _row_cells(cells: int, width: int) -> str:
    return say("import.row_cells", cells=count(cells), width=count(width))


def _row_fields(
    header: _Header, cells: list[str], unknown: dict[int, str]
) -> tuple[dict[str, str], dict[str, str]]:
    """A row's text fields (a formula without a value left out) and its other columns; in a
    quantitative table a bare number of 目标任务 or 进度 gets the item's unit."""
    fields = {name: cells[col] for col, name in header.fields if col not in unknown}
    extra = {key: cells[col] for col, key in header.extra if cells[col]}
    if header.quantitative:
        unit = _indicator_name(header, cells, unknown)[1]
        for name in ("target", "progress"):
            if fields.get(name) and unit and _BARE_NUMBER_RE.fullmatch(_plain(fields[name])):
                fields[name] += unit
    return fields, extra


# ---------------------------------------------------------------------------------------------
# Quantitative tables: one indicator per row, from the table's own columns

#: Units a quantity is counted in, longest first where one begins another.
_UNITS = (
    "个百分点 平方公里 平方米 立方米 人次 场次 公里 千米 公顷 万元 亿元 千瓦 兆瓦 "
    "人 名 户 个 家 所 座 处 项 条 台 辆 套 间 张 床 场 次 米 亩 吨 元 件 宗 栋 幢 头 只 册 部 "
    "km ㎡ %"
).split()
_UNIT_PATTERN = (
    "(?:(?:万|亿|千|百)?(?:"
    + "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))
    + "))(?:/(?:人|户|年|月|日|天))?"
)
_UNIT_RE = re.compile(_UNIT_PATTERN)
# "城镇新增就业(人)", "新建改造提升（公里）": the unit in parentheses at the end of the name.
_NAME_UNIT_RE = re.compile(r"(.*?)\s*[(（]\s*([^()（）]{1,12}?)\s*[)）]\s*", re.DOTALL)
_BARE_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# Dates and ordinals are not amounts: "2017年", "1-11月", "11月底", "第3批".
_NOT_AMOUNT_RE = re.compile(
    r"(?:19|20)\d{2}\s*年|\d{1,2}\s*[-~至到—–]\s*\d{1,2}\s*月份?|\d{1,2}\s*月份?"
    r"|\d{1,2}\s*[日号]|第\s*\d+|\d+\s*(?:季度|期|批|届|年)"
)
_AMOUNT_RE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])\s*(" + _UNIT_PATTERN + ")?")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PERCENT_RE = re.compile(r"(?:约|[<>≤≥])?\s*(\d+(?:\.\d+)?)\s*%?")


def _plain(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _number(text: str) -> int | float:
    return float(text) if "." in text else int(text)


def _split_unit(text: str) -> tuple[str, str]:
    """An item name and the unit written at its end in parentheses ('' when it has none)."""
    name = clean_text(text, single_line=True)
    m = _NAME_UNIT_RE.fullmatch(name)
    if m and _UNIT_RE.fullmatch(_plain(m.group(2))):
        return m.group(1), _plain(m.group(2))
    return name, ""


def _read_amount(text: str) -> tuple[int | float | None, str]:
    """The one amount a cell holds and the unit written after it; (None, '') when it holds
    none or several (which one would be a guess)."""
    plain = _THOUSANDS_RE.sub("", _NOT_AMOUNT_RE.sub(" ", _plain(text)))
    found = _AMOUNT_RE.findall(plain)
    if len(found) != 1:
        return None, ""
    number, unit = found[0]
    return _number(number), unit


def _read_percent(text: str) -> int | float | None:
    """A published percentage ('95', '95%', '108.5'); None unless the cell holds just that."""
    m = _PERCENT_RE.fullmatch(_plain(text))
    return _number(m.group(1)) if m else None


def _indicator_name(header: _Header, cells: list[str], unknown: dict[int, str]) -> tuple[str, str]:
    """The row's item (its 指标 column, else its name) without its unit, and the unit."""
    items = [cells[col] for col in header.quantities.get("item", []) if col not in unknown]
    name_col = header.column("name")
    text = next((item for item in items if item), "")
    if not text and name_col is not None and name_col not in unknown:
        text = cells[name_col]
    return _split_unit(text)


def _indicator(header: _Header, cells: list[str], unknown: dict[int, str]) -> dict[str, Any]:
    """One row of a quantitative table as an indicator; a number only where its cell holds
    one, in the item's unit."""

    def cell(col: int | None) -> str:
        return "" if col is None or col in unknown else cells[col]

    name, unit = _indicator_name(header, cells, unknown)
    target, target_unit = _read_amount(cell(header.column("target")))
    actual, actual_unit = _read_amount(cell(header.column("progress")))
    unit = unit or target_unit or actual_unit
    if target_unit and target_unit != unit:
        target = None  # "5万人" against a target in 人: not the same quantity as written
    if actual_unit and actual_unit != unit:
        actual = None
    percents = (_read_percent(cell(col)) for col in header.quantities.get("percent", []))
    words = (cell(col) for col in header.quantities.get("words", []))
    return {
        "name": name,
        "unit": unit,
        "target": target,
        "actual": actual,
        "reported_percent": next((p for p in percents if p is not None), None),
        "reported_words": " ".join(clean_text(w, single_line=True) for w in words if w),
        "source": "column",
    }


def _too_long(what: str, length: int) -> str:
    return say(
        "import.too_long", what=what, length=count(length), limit=count(limits.MAX_CELL_CHARS)
    )


# ---------------------------------------------------------------------------------------------
# Formats

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def decode_text(data: bytes, source: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""
    return _decode(data, source)[0]


def _decode(data: bytes, source: str) -> tuple[str, str]:
    """The text and the encoding it was read in (``gb18030`` is a guess: it reads most bytes)."""
    if not data.strip() or data in _BOMS:
        raise _error(source, say("import.empty"))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _error(source, say("import.bad_utf16")) from None
    elif b"\x00" in data:
        raise _error(source, say("import.nul_bytes"))
    else:
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            try:
                text, encoding = data.decode("gb18030"), "gb18030"
            except UnicodeDecodeError:
                raise _error(source, say("import.not_utf8_or_gb")) from None
    if "\x00" in text:
        raise _error(source, say("import.nul_chars"))
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls * 20 > len(sample):
        raise _error(source, say("import.control_chars"))
    if not text.strip():
        raise _error(source, say("import.empty"))
    return text, encoding


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _check_textsize(text: str, source: str) -> None:
    if len(text) > limits.MAX_FILE_BYTES:
        raise _error(source, say("import.text_too_long", limit=count(limits.MAX_FILE_BYTES)))


# A backslash and the character it escapes, a pipe, or a run of anything else.
_PIPE_TOKEN_RE = re.compile(r"\\.|\||[^\\|]+|\\", re.DOTALL)


def _pipe_cells(line: str) -> list[str] | None:
    """Cells of a Markdown pipe-table line; None for its |---|---| rule.

    As GitHub's tables: a cell ends at a pipe that is not escaped; ``\\|`` is a pipe inside the
    cell. Other backslashes stay as written (``\\\\`` too: it only keeps the next pipe a pipe).
    """
    cells: list[str] = []
    current: list[str] = []
    token = ""
    for token in _PIPE_TOKEN_RE.findall(line.strip()):
        if token == "|":
            cells.append("".join(current))
            current = []
        else:
            current.append("|" if token == "\\|" else token)
    cells.append("".join(current))
    if line.strip().startswith("|"):
        cells = cells[1:]  # the empty text before the outer pipe
    if token == "|" and len(cells) > 1:
        cells = cells[:-1]  # ... and after the closing one
    if all(re.fullmatch(r"\s*:?-{3,}:?\s*", c) for c in cells):
        return None
    return cells


def _is_report_text(text: str) -> bool:
    return any("\t" in line or line.lstrip().startswith(("#", "|")) for line in _lines(text))


def parse_report_text(text: str, source: str) -> ParsedReport:
    """Parse the report format: '#' title lines and tab-separated (or pipe) table rows."""
    _check_textsize(text, source)
    builder = _Builder(source)
    for number, line in enumerate(_lines(text), start=1):
        loc = _line(source, number)
        if not line.strip():
            continue
        builder.count_row(loc)
        if "\t" in line:
            builder.add_row(line.split("\t"), loc, number)
            continue
        stripped = line.strip()
        if stripped.startswith("#"):
            builder.add_title(stripped, loc)
        elif stripped.startswith("|"):
            cells = _pipe_cells(stripped)
            if cells is not None:
                builder.add_row(cells, loc, number)
        elif _looks_like_title(stripped, strict=builder.header is not None):
            builder.add_title(stripped, loc)
        else:
            builder.warn(loc, say("import.not_a_row"))
    return builder.finish()


_DELIMITERS = (",", "\t", ";")
_SNIFF_LINES = 50  # lines read to find the header when choosing the delimiter
_SNIFF_ROWS = 20


def _delimiter(lines: list[str]) -> str:
    """The delimiter that makes a header of one of the first rows; else the most frequent.

    Counting alone is fooled by a cell full of ``;`` near the top (an update written with
    semicolons): the header's own words decide first.
    """
    sample = [line for line in lines[:_SNIFF_LINES] if line.strip()][:5]
    counts = {d: sum(line.count(d) for line in sample) for d in _DELIMITERS}
    ranked = sorted((d for d in _DELIMITERS if counts[d]), key=lambda d: -counts[d])
    head = "\n".join(lines[:_SNIFF_LINES])
    for delimiter in ranked:
        reader = csv.reader(io.StringIO(head), delimiter=delimiter)
        try:
            for row in itertools.islice(reader, _SNIFF_ROWS):
                if _names_projects([_header_kind(c) for c in row[: limits.MAX_COLUMNS]]):
                    return delimiter
        except csv.Error:
            continue
    return ranked[0] if ranked else ","


def parse_csv_text(text: str, source: str) -> ParsedReport:
    """Parse a CSV export: an optional title row, one header row, then one row per project."""
    _check_textsize(text, source)
    builder = _Builder(source)
    lines = _lines(text)
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    offset = 0
    if lines[first].lstrip().startswith("#"):
        builder.count_row(_line(source, first + 1))
        builder.add_title(lines[first], _line(source, first + 1))
        offset = first + 1
    body = "\n".join(lines[offset:])
    delimiter = _delimiter(lines[offset:])
    # strict: a quote that never closes is an error, not the rest of the file in one cell.
    reader = csv.reader(io.StringIO(body), delimiter=delimiter, strict=True)
    start = 1
    seen_row = offset > 0
    try:
        for row in reader:
            line = offset + start
            start = reader.line_num + 1
            loc = _line(source, line)
            non_empty = [c for c in row if c.strip()]
            if not non_empty:
                continue
            builder.count_row(loc)
            row = [_unguard_formula(cell) for cell in row]
            if not seen_row and builder.header is None and len(non_empty) == 1:
                builder.add_title(non_empty[0], loc)
            else:
                builder.add_row(row, loc, line)
            seen_row = True
    except csv.Error as exc:
        raise _csv_error(source, body, offset, start, delimiter, exc, reader.line_num) from None
    result = builder.finish()
    if builder.title is not None:
        # One title above the whole CSV speaks for every table in it.
        for table in result.report.titles:
            result.report.titles[table] = builder.title.text
    return result


def _csv_error(
    source: str, body: str, offset: int, start: int, delimiter: str, exc: csv.Error, line: int
) -> ImportFormatError:
    """What the csv module's complaint means, at the line where the trouble began."""
    if "field larger than field limit" in str(exc):
        message = say("import.csv_cell_too_long", limit=count(limits.MAX_CELL_CHARS))
        return _error(_line(source, offset + start), message)
    rest = body.split("\n", start - 1)[-1] if start > 1 else body
    problem = _quote_problem(rest, start, delimiter)
    if problem is None:
        return _error(_line(source, offset + line), say("import.bad_csv", detail=exc))
    opened, closed, after = problem
    loc = _line(source, offset + opened)
    if closed is None:
        return _error(loc, say("import.quote_never_closed"))
    text_after = quote(_one_line(after, 20))
    if closed == opened:
        return _error(loc, say("import.quote_text_after", after=text_after))
    return _error(loc, say("import.quote_text_after_line", line=offset + closed, after=text_after))


def _quote_problem(
    text: str, first_line: int, delimiter: str
) -> tuple[int, int | None, str] | None:
    """Where quoting goes wrong in CSV text that starts a row on ``first_line``: the line the
    quoted cell opened on, the line where text follows its closing quote (None: it never
    closes) and that text; None if the quotes are all right."""
    ends = re.compile(f"[{re.escape(delimiter)}\\n]")
    line, pos, size = first_line, 0, len(text)
    while pos < size:
        if text[pos] != '"':  # an unquoted cell: a quote inside it is text
            end = ends.search(text, pos)
            if end is None:
                return None
            line += end.group() == "\n"
            pos = end.end()
            continue
        opened = line
        pos += 1
        while True:
            close = text.find('"', pos)
            if close < 0:
                return opened, None, ""
            line += text.count("\n", pos, close)
            pos = close + 1
            if not text.startswith('"', pos):
                break
            pos += 1  # a doubled quote is a quote in the cell
        if pos < size and text[pos] not in (delimiter, "\n"):
            return opened, line, text[pos:].split("\n", 1)[0]
        if pos < size:
            line += text[pos] == "\n"
            pos += 1
    return None


def _unguard_formula(cell: str) -> str:
    """Drop the quote that spreadsheet-safe CSV puts before text a spreadsheet would compute."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _sheet_table(name: str) -> str:
    if re.fullmatch(r"(?:sheet|工作表)\s*\d*", name.strip(), re.IGNORECASE):
        return DEFAULT_TABLE
    return name.strip() or DEFAULT_TABLE


# Parts openpyxl reads as a stream; every other XML part it reads whole.
_STREAMED_PART_RE = re.compile(r"(?:.*/)?(?:worksheets/[^/]+|sharedStrings)\.xml", re.IGNORECASE)
# What openpyxl reads of a cell as it streams a sheet or the shared strings, rich text included;
# every other element becomes an object of its own (a style, a merged range, a name ...).
_CELL_TAGS = frozenset(
    b"worksheet sheetData row c v f is t r rPr sst si rPh phoneticPr rFont charset family b i "
    b"strike outline shadow condense extend color sz u vertAlign scheme".split()
)
# A start tag: its local name (after any prefix such as x:) and its attributes, whose quoted
# values may hold '>' and '=' but never '<'.
_START_TAG_RE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)"
    rb"((?:\s+[^\s=<>/]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*+)"
)
_ATTRIBUTE_RE = re.compile(rb"[^\s=<>/]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*')")
_TAG_END_RE = re.compile(rb"\s*/?>")
_SCAN_CHUNK = 1024 * 1024  # bytes unpacked at a time
_MAX_TAG_BYTES = 1024 * 1024  # no tag of the format comes near


@dataclass
class _WorkbookScan:
    """What the size check saw of a workbook on the way."""

    formulas: bool = False
    #: each sheet part's merged ranges ("A3:A5"), by part name
    merged: dict[str, list[str]] = field(default_factory=dict)


_MERGE_REF_RE = re.compile(
    rb"""\bref\s*=\s*["']([A-Za-z]{1,3}\d{1,7}(?::[A-Za-z]{1,3}\d{1,7})?)["']"""
)


def _check_workbook(data: bytes, source: str) -> _WorkbookScan:
    """Refuse a workbook too big to read before openpyxl parses any of it; say whether it has
    formulas, and which cells are merged (read-only openpyxl does not say).

    First the zip directory: its sizes bind (zipfile unpacks no more than a part's stated size,
    then fails its checksum), so a zip bomb is refused without inflating a byte. Then each XML
    part, unpacked as a stream in bounded memory, has its elements counted.
    """
    if len(data) > limits.MAX_FILE_BYTES:
        raise _error(source, say("import.file_too_big", limit=size(limits.MAX_FILE_BYTES)))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = [part for part in archive.infolist() if not part.is_dir()]
            _check_part_sizes(parts, source)
            return _scan_parts(archive, parts, source)
    except ImportFormatError:
        raise
    except Exception as exc:  # zipfile and zlib raise many kinds on a damaged archive
        detail = type(exc).__name__  # (its text is the library's English)
        raise _error(source, say("import.not_xlsx", detail=detail)) from None


def _is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def _check_part_sizes(parts: list[zipfile.ZipInfo], source: str) -> None:
    total = sum(part.file_size for part in parts)
    if total > limits.MAX_UNPACKED_BYTES:
        biggest = max(parts, key=lambda part: part.file_size)
        raise _error(
            source,
            say(
                "import.unpacked_too_big",
                total=size(total),
                part=_one_line(biggest.filename, 60),
                part_size=size(biggest.file_size),
                limit=size(limits.MAX_UNPACKED_BYTES),
            ),
        )
    for part in parts:
        name = part.filename
        if (
            part.file_size > limits.MAX_XML_PART_BYTES
            and _is_xml(name)
            and not _STREAMED_PART_RE.fullmatch(name)
        ):
            raise _error(
                source,
                say(
                    "import.part_too_big",
                    part=_one_line(name, 60),
                    size=size(part.file_size),
                    limit=size(limits.MAX_XML_PART_BYTES),
                ),
            )


def _scan_parts(
    archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo], source: str
) -> _WorkbookScan:
    """Count the elements of every XML part; whether the workbook has a formula, and its merged
    ranges (bounded by MAX_OBJECT_ELEMENTS, as every element that is not a cell)."""
    elements = objects = cells = 0
    scan = _WorkbookScan()
    for part in parts:
        name = part.filename
        if not _is_xml(name):
            continue  # pictures and the like: openpyxl's read-only mode does not open them
        for tags in _start_tags(archive, part, source):
            elements += len(tags)
            if elements > limits.MAX_XML_ELEMENTS:
                raise _error(
                    source, say("import.too_many_elements", limit=count(limits.MAX_XML_ELEMENTS))
                )
            for tag, attributes in tags:
                if tag in _CELL_TAGS:
                    if tag == b"c":
                        cells += 1
                        if cells > limits.XLSX_MAX_ROW_CELLS:
                            raise _error(
                                source,
                                say(
                                    "import.row_too_many_cells",
                                    part=_one_line(name, 60),
                                    limit=count(limits.XLSX_MAX_ROW_CELLS),
                                ),
                            )
                    elif tag == b"row":
                        cells = 0
                    elif tag == b"f":
                        scan.formulas = True
                else:
                    if tag == b"mergeCell" and (ref := _MERGE_REF_RE.search(attributes)):
                        scan.merged.setdefault(name, []).append(ref.group(1).decode("ascii"))
                    objects += 1
                    if objects > limits.MAX_OBJECT_ELEMENTS:
                        raise _error(
                            source,
                            say(
                                "import.too_many_objects",
                                part=_one_line(name, 60),
                                limit=count(limits.MAX_OBJECT_ELEMENTS),
                            ),
                        )
                # Counting '=' is quick and never too low; quoted values may hold more of them.
                if (
                    attributes.count(b"=") > limits.MAX_XML_ATTRIBUTES
                    and len(_ATTRIBUTE_RE.findall(attributes)) > limits.MAX_XML_ATTRIBUTES
                ):
                    raise _error(
                        source,
                        say(
                            "import.too_many_attributes",
                            part=_one_line(name, 60),
                            limit=count(limits.MAX_XML_ATTRIBUTES),
                        ),
                    )
    return scan


def _start_tags(
    archive: zipfile.ZipFile, part: zipfile.ZipInfo, source: str
) -> Iterator[list[tuple[bytes, bytes]]]:
    """A part's start tags, (local name, attributes), a chunk at a time: a tag that a chunk's
    end cuts waits for the next chunk, so that each is counted once, whole."""
    with archive.open(part) as stream:
        rest = b""
        while chunk := stream.read(_SCAN_CHUNK):
            text = rest + chunk
            cut = text.rfind(b"<")
            rest = b""
            if cut >= 0 and not _tag_is_whole(text, cut):
                text, rest = text[:cut], text[cut:]
                if len(rest) > _MAX_TAG_BYTES:
                    raise _error(
                        source,
                        say(
                            "import.tag_too_long",
                            part=_one_line(part.filename, 60),
                            limit=size(_MAX_TAG_BYTES),
                        ),
                    )
            yield _START_TAG_RE.findall(text)
        if rest:
            yield _START_TAG_RE.findall(rest)


def _tag_is_whole(text: bytes, start: int) -> bool:
    """Whether the tag at ``start`` ends within ``text``."""
    tag = _START_TAG_RE.match(text, start)
    if tag is None:  # an end tag, a comment, a declaration
        return text.find(b">", start) >= 0
    return _TAG_END_RE.match(text, tag.end()) is not None


def parse_xlsx_bytes(data: bytes, source: str) -> ParsedReport:
    """Parse a workbook: per sheet an optional title row, a header row, then project rows.

    Checked first (``_check_workbook``), then read as a stream (openpyxl's read-only mode) for
    the values the file saved; a workbook with formulas is read once more for which cells are
    formulas, so that a formula without a saved value is told apart from an empty cell.
    """
    import openpyxl  # only spreadsheet imports pay for it

    scan = _check_workbook(data, source)
    has_formulas = scan.formulas
    builder = _Builder(source)
    try:
        with warnings.catch_warnings(), contextlib.ExitStack() as stack:
            warnings.simplefilter("ignore")
            books = []
            for data_only in (True, False) if has_formulas else (True,):
                book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
                stack.callback(book.close)
                books.append(book)
            sheets = books[0].worksheets
            formula_sheets = books[1].worksheets if has_formulas else [None] * len(sheets)
            for sheet, formula_sheet in zip(sheets, formula_sheets, strict=True):
                for each in (sheet, formula_sheet):
                    if hasattr(each, "reset_dimensions"):
                        each.reset_dimensions()  # a wrong <dimension> must not cost a million rows
                # Read-only sheets know no merged cells; the scan found them in the sheet's part.
                part = str(getattr(sheet, "_worksheet_path", "")).lstrip("/")
                _read_sheet(builder, sheet, formula_sheet, source, scan.merged.get(part, []))
    except ImportFormatError:
        raise
    except Exception as exc:  # openpyxl, zipfile and XML parsers raise many kinds
        detail = type(exc).__name__  # (its text is the library's English)
        raise _error(source, say("import.not_xlsx", detail=detail)) from None
    return builder.finish()


class _MergedCells:
    """Carries merged cells down a sheet read as a stream: each merged range's top-left value
    fills the range's first column on every row it spans. Its other columns stay as the file
    has them, empty: a title or a header merged across a row is laid out, not repeated."""

    def __init__(self, refs: list[str]) -> None:
        from openpyxl.utils.cell import range_boundaries

        spans = []
        for ref in refs:
            min_col, min_row, _max_col, max_row = range_boundaries(ref)
            if min_col is None or min_row is None or max_row is None:
                continue
            if max_row > min_row and min_col <= limits.MAX_COLUMNS:
                spans.append((min_row, max_row, min_col - 1))
        spans.sort()
        self.pending = spans[::-1]  # next to start last
        self.active: dict[int, tuple[int, str]] = {}  # column -> (last row, value)

    def fill(self, row: int, cells: list[str]) -> frozenset[int]:
        """Fill a row's covered cells in place; the columns filled."""
        for col, (last, _value) in list(self.active.items()):
            if last < row:
                del self.active[col]
        while self.pending and self.pending[-1][0] <= row:
            first, last, col = self.pending.pop()
            # Overlapping ranges are not in a sound file: the first one holds its column, so
            # no more than MAX_COLUMNS ranges are ever active.
            if col not in self.active and last >= row:
                value = cells[col] if first == row and col < len(cells) else ""
                self.active[col] = (last, value)
        covered = []
        for col, (_last, value) in self.active.items():
            if value and (col >= len(cells) or not cells[col]):
                cells.extend([""] * (col + 1 - len(cells)))
                cells[col] = value
                covered.append(col)
        return frozenset(covered)


def _read_sheet(
    builder: _Builder,
    sheet: Any,
    formula_sheet: Any | None,
    source: str,
    merged: list[str] | None = None,
) -> None:
    """Feed a sheet's rows to the builder. ``formula_sheet``: the same sheet read for its
    formulas (None when the workbook has none); ``merged``: its merged ranges."""
    from openpyxl.utils import get_column_letter

    title = str(getattr(sheet, "title", ""))
    where = say("where.sheet", file=source, sheet=title)
    builder.start_section(_sheet_table(title))
    if formula_sheet is None:
        rows: Iterable[tuple[Any, Any]] = ((row, ()) for row in sheet.iter_rows())  # no formulas
    else:
        rows = zip(sheet.iter_rows(), formula_sheet.iter_rows(values_only=True), strict=True)
    merger = _MergedCells(merged) if merged else None
    for row_number, (saved, formulas) in enumerate(rows, start=1):
        if not saved:
            continue
        values = [cell.value for cell in saved]
        # A formula with nothing saved: no value, and not the empty text result ("str") that
        # Excel saves for =IF(…,"",…).
        unknown = {
            col: say(
                "where.sheet_cell", sheet=where, cell=f"{get_column_letter(col + 1)}{row_number}"
            )
            for col, (cell, formula) in enumerate(zip(saved, formulas, strict=False))
            if formula is not None and cell.value is None and cell.data_type != "str"
        }
        cells = []
        for col, value in enumerate(values):
            text = _cell_text(value)
            if len(text) > limits.MAX_CELL_CHARS:
                cell = say(
                    "where.sheet_cell",
                    sheet=where,
                    cell=f"{get_column_letter(col + 1)}{row_number}",
                )
                raise builder.error(cell, _too_long(say("where.cell"), len(text)))
            if "%" in str(getattr(saved[col], "number_format", "")) and _is_number(value):
                text = _cell_text(round(float(value) * 100, 9)) + "%"  # shown as 95%, saved 0.95
            cells.append(text)
        covered: frozenset[int] = frozenset()
        if merger is not None:
            has_own = any(cell.strip() for cell in cells)
            covered = merger.fill(row_number, cells)
            if not has_own and not unknown:
                continue  # a blank row inside a merged range is still a blank row
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells and not unknown:
            continue
        loc = say("where.sheet_row", sheet=where, row=row_number)
        builder.count_row(loc)
        non_empty = [(i, c) for i, c in enumerate(cells) if c.strip()]
        if len(non_empty) == 1 and not unknown:
            col, text = non_empty[0]
            number_col = builder.header.number_col if builder.header else 0
            is_number = _NUMBER_RE.fullmatch(unicodedata.normalize("NFKC", text).strip())
            if builder.header is None or (
                col in (0, number_col) and not is_number and _looks_like_title(text, strict=True)
            ):
                if builder.title is None or builder.header is not None:
                    builder.add_title(text, loc)
                continue
        if builder.header is not None and len(cells) < builder.header.width:
            # A sheet has every column; its trailing blank cells are simply empty.
            cells += [""] * (builder.header.width - len(cells))
        builder.add_row(cells, loc, row_number, unknown, covered)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def read_report(path: str | Path) -> ParsedReport:
    """Read a report file (Markdown/tab-separated report, .csv or .xlsx) into records."""
    source = str(path)
    try:
        with open(path, "rb") as file:
            data = file.read(limits.MAX_FILE_BYTES + 1)  # a bigger file is not read further
    except OSError as exc:
        raise _error(source, say("import.cannot_read", detail=os_problem(exc))) from None
    if len(data) > limits.MAX_FILE_BYTES:
        raise _error(source, say("import.file_too_big", limit=size(limits.MAX_FILE_BYTES)))
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data.startswith(b"PK\x03\x04"):
        if not data:
            raise _error(source, say("import.empty"))
        return parse_xlsx_bytes(data, source)
    text, encoding = _decode(data, source)
    try:
        return _parse_text(text, source, suffix)
    except _NoHeaderError:
        if encoding != "gb18030":
            raise
        # GB18030 reads almost any bytes, Big5 and Shift-JIS too, as the wrong characters.
        raise _error(source, say("import.wrong_encoding", no_header=_NO_HEADER)) from None


def _parse_text(text: str, source: str, suffix: str) -> ParsedReport:
    if suffix in (".csv", ".tsv"):
        return parse_csv_text(text, source)
    if _is_report_text(text):
        return parse_report_text(text, source)
    if any("," in line for line in _lines(text)[:5]):
        return parse_csv_text(text, source)
    raise _NoHeaderError(_message(source, _NO_HEADER))

"""Readers of the county's progress report: the Markdown/tab-separated report, CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.models import ImportFormatError, ParsedReport, ProjectRecord, Report, clean_text

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
    "name": ("项目名称", "名称", "name"),
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
        "progress",
    ),
    "status": ("工作成效", "推进状态", "完成状态", "状态", "status"),
    "deadline": ("完成时限", "时间节点", "完成时间", "deadline"),
    "department": ("牵头单位", "责任单位", "牵头部门", "department"),
    "level": ("项目等级", "等级", "level"),
    "remarks": ("备注",),
    "table": ("表", "所属表", "表格", "table"),
}.items():
    for _word in _words:
        _HEADER_WORDS[_word] = _kind

_NUMBER_RE = re.compile(r"[(\[]?(\d{1,9})(?:\.0+)?[)\].、,]?")
_SENTENCE_END = tuple("。；;！？.!?")

# ---------------------------------------------------------------------------------------------
# Cell cleaning

_SUPERSCRIPTS = str.maketrans("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")
_SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")

_BREAK_TAG_RE = re.compile(r"<\s*(?:br|/?\s*(?:p|div|li|tr|h[1-6]))\b[^<>]*>", re.IGNORECASE)
_SUP_RE = re.compile(r"<\s*sup\b[^<>]*>(.*?)<\s*/\s*sup\s*>", re.IGNORECASE | re.DOTALL)
_SUB_RE = re.compile(r"<\s*sub\b[^<>]*>(.*?)<\s*/\s*sub\s*>", re.IGNORECASE | re.DOTALL)
# Only things shaped like HTML tags or comments: "[bold]", "a < b" and "<5%" are text.
_TAG_RE = re.compile(r"<!--.*?-->|<\s*/?\s*[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>", re.DOTALL)
_BLANKS_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")

_IDEO = "\u2e80-\u2fdf\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
# Full-width and CJK punctuation: 、。《》〔〕（），：；！？ and the like.
_FW_PUNCT = "\u3001-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
# Marks that sit tight against Chinese text but may stand between Latin words.
_CJK_MARKS = "\u2018\u2019\u201c\u201d\u2014\u2026\u00b7\u2460-\u24ff"
_SCRIPTS = "\u00b2\u00b3\u00b9\u2070-\u209f"
# Digits, Latin letters, ASCII signs and units: a space between these and Chinese is PDF noise.
_NARROW = "!-~\uff10-\uff19\uff21-\uff3a\uff41-\uff5a%‰℃°\u3380-\u33ff" + _SCRIPTS
# "…审核 2 月：开展…", "…统计 4-5月,对…": the space separates plan items; keep it.
_MONTH_ITEM = r"\d{1,2}(?:\s*[-~、至]\s*\d{1,2})?\s*月份?\s*[：:，,]"
_GLUED_SPACE_RE = re.compile(
    f"(?<=[{_IDEO}]) (?!{_MONTH_ITEM})(?=[{_NARROW}{_CJK_MARKS}])"
    f"|(?<=[{_NARROW}{_CJK_MARKS}]) (?=[{_IDEO}])"
    f"|(?<=[{_FW_PUNCT}]) "
    f"| (?=[{_FW_PUNCT}{_SCRIPTS}])"
)


def _scripts(match: re.Match[str], table: dict[int, str]) -> str:
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
    lines = []
    for line in clean_text(text).split("\n"):
        line = _BLANKS_RE.sub(" ", line).strip()
        line = _GLUED_SPACE_RE.sub("", line)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _message(loc: str, message: str) -> str:
    """'path:line: message' on one line; the path is kept as written (spaces and all)."""
    loc = re.sub(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]", " ", loc)
    return f"{loc}: {clean_text(message, single_line=True)}"


def _error(loc: str, message: str) -> ImportFormatError:
    return ImportFormatError(_message(loc, message))


def _one_line(text: str, limit: int = 40) -> str:
    """A short single-line rendering of untrusted text for an error message."""
    text = clean_text(text, single_line=True)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _norm_header(text: str) -> str:
    text = unicodedata.normalize("NFKC", clean_cell(text))
    return "".join(text.split()).rstrip(":").lower()


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
    if re.search(r"情况表|一览表|汇总表|统计表|台账", plain):
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

    def error(self, loc: str, message: str) -> ImportFormatError:
        return _error(loc, message)

    def warn(self, loc: str, message: str) -> None:
        self.warnings.append(_message(loc, message))

    def start_section(self, table: str) -> None:
        """A new sheet: its own header and default table."""
        self.header = None
        self.table = table
        self.title = None

    def add_title(self, raw: str, loc: str) -> None:
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
                self.warn(loc, f"title says {value}, an earlier title said {getattr(report, attr)}")
        if title.period:
            if report.period_from is None:
                report.period_from, report.period_to = title.period
            elif (report.period_from, report.period_to) != title.period:
                self.warn(loc, "title's months differ from an earlier title's")

    def try_header(self, cells: list[str], loc: str) -> bool:
        """Take the row as the header if it is one; raise if it is a header without a name."""
        kinds = [_header_kind(c) for c in cells]
        if sum(k is not None for k in kinds) < 2:
            return False
        has_name = "name" in kinds
        if not has_name and "content" not in kinds:
            if self.header is None:
                raise self.error(loc, "the header has no 项目名称 (or 项目内容) column")
            return False
        number_col: int | None = None
        number_label = "序号"
        table_col: int | None = None
        fields: list[tuple[int, str]] = []
        extra: list[tuple[int, str]] = []
        taken: set[str] = set()
        extra_keys: set[str] = set()

        def add_extra(col: int, key: str) -> None:
            base, n = key, 2
            while key in extra_keys:
                key, n = f"{base} ({n})", n + 1
            extra_keys.add(key)
            extra.append((col, key))

        for col, (cell, kind) in enumerate(zip(cells, kinds, strict=True)):
            label = clean_cell(cell).replace("\n", " ")
            if kind == "content":
                kind = "overview" if has_name else "name"
            if kind == "number" and number_col is None:
                number_col, number_label = col, label
            elif kind == "table" and table_col is None:
                table_col = col
            elif kind not in (None, "remarks", "number", "table") and kind not in taken:
                taken.add(kind)
                fields.append((col, kind))
            else:
                add_extra(col, label or f"第{col + 1}列")
        self.header = _Header(len(cells), number_col, number_label, table_col, fields, extra)
        self.found_header = True
        return True

    def add_row(self, raw_cells: list[str], loc: str, line: int) -> None:
        if self.try_header(raw_cells, loc):
            return
        cells = [clean_cell(c) for c in raw_cells]
        if not any(cells):
            return
        header = self.header
        if header is None:
            self.warn(loc, "row before any header row; ignored")
            return
        if len(cells) > header.width:
            if any(cells[header.width :]):
                raise self.error(loc, f"row has {len(cells)} cells, the header has {header.width}")
            cells = cells[: header.width]
        elif len(cells) < header.width:
            # A lost separator shifts every later cell into the wrong column: refuse the file.
            raise self.error(loc, f"row has {len(cells)} cells, the header has {header.width}")

        table = self.table
        if header.table_col is not None and cells[header.table_col]:
            table = cells[header.table_col].replace("\n", "")
        fields = {name: cells[col] for col, name in header.fields}
        extra = {key: cells[col] for col, key in header.extra if cells[col]}

        if header.number_col is None:
            number = self.auto_numbers.get(table, 0) + 1
            self.auto_numbers[table] = number
        else:
            number_text = cells[header.number_col]
            if not number_text:
                self.continue_previous(fields, extra, table, loc)
                return
            m = _NUMBER_RE.fullmatch(unicodedata.normalize("NFKC", number_text).replace(" ", ""))
            if not m:
                raise self.error(
                    loc, f"{header.number_label} {_one_line(number_text)!r} is not a number"
                )
            number = int(m.group(1))
        if not fields.get("name"):
            self.warn(loc, f"{header.number_label} {number} has no 项目名称; row skipped")
            return
        first = self.numbers.get((table, number))
        if first is not None:
            label = f"{table} {header.number_label} {number}"
            self.warn(loc, f"{label} appears again (first at {first})")
        else:
            self.numbers[(table, number)] = loc
        self.report.titles.setdefault(table, self.title.text if self.title else "")
        self.records.append(ProjectRecord(table, number, fields, extra, line))

    def continue_previous(
        self, fields: dict[str, str], extra: dict[str, str], table: str, loc: str
    ) -> None:
        """A row with no number: the rest of the previous project, cut by a page break."""
        prev = self.records[-1] if self.records else None
        if prev is None or prev.table != table:
            self.warn(loc, "row has no number and no project before it to continue; ignored")
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
            raise self.error(
                self.source, "no recognisable header (a row with 序号 and 项目名称 columns)"
            )
        return ParsedReport(self.report, self.records, self.warnings)


# ---------------------------------------------------------------------------------------------
# Formats

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def decode_text(data: bytes, source: str) -> str:
    """Decode a text file: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030."""
    if not data.strip() or data in _BOMS:
        raise _error(source, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise _error(source, "not a text file (bad UTF-16)") from None
    elif b"\x00" in data:
        raise _error(source, "not a text file (it contains NUL bytes)")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise _error(source, "not a text file (neither UTF-8 nor GB18030)") from None
    if "\x00" in text:
        raise _error(source, "not a text file (it contains NUL characters)")
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if controls * 20 > len(sample):
        raise _error(source, "not a text file (it has control characters)")
    if not text.strip():
        raise _error(source, "the file is empty")
    return text


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _pipe_cells(line: str) -> list[str] | None:
    """Cells of a Markdown pipe-table line; None for its |---|---| rule."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") else inner
    cells = inner.split("|")
    if all(re.fullmatch(r"\s*:?-{3,}:?\s*", c) for c in cells):
        return None
    return cells


def _is_report_text(text: str) -> bool:
    return any("\t" in line or line.lstrip().startswith(("#", "|")) for line in _lines(text))


def parse_report_text(text: str, source: str) -> ParsedReport:
    """Parse the report format: '#' title lines and tab-separated (or pipe) table rows."""
    builder = _Builder(source)
    for number, line in enumerate(_lines(text), start=1):
        loc = f"{source}:{number}"
        if "\t" in line:
            builder.add_row(line.split("\t"), loc, number)
            continue
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            builder.add_title(stripped, loc)
        elif stripped.startswith("|"):
            cells = _pipe_cells(stripped)
            if cells is not None:
                builder.add_row(cells, loc, number)
        elif _looks_like_title(stripped, strict=builder.header is not None):
            builder.add_title(stripped, loc)
        else:
            builder.warn(loc, "line is not a table row (no tabs); ignored")
    return builder.finish()


def _delimiter(lines: list[str]) -> str:
    sample = [line for line in lines if line.strip()][:5]
    counts = {d: sum(line.count(d) for line in sample) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def parse_csv_text(text: str, source: str) -> ParsedReport:
    """Parse a CSV export: an optional title row, one header row, then one row per project."""
    builder = _Builder(source)
    lines = _lines(text)
    first = next((i for i, line in enumerate(lines) if line.strip()), 0)
    offset = 0
    if lines[first].lstrip().startswith("#"):
        builder.add_title(lines[first], f"{source}:{first + 1}")
        offset = first + 1
    body = "\n".join(lines[offset:])
    reader = csv.reader(io.StringIO(body), delimiter=_delimiter(lines[offset:]))
    start = 1
    seen_row = offset > 0
    try:
        for row in reader:
            line = offset + start
            start = reader.line_num + 1
            loc = f"{source}:{line}"
            non_empty = [c for c in row if c.strip()]
            if not non_empty:
                continue
            row = [_unguard_formula(cell) for cell in row]
            if not seen_row and builder.header is None and len(non_empty) == 1:
                builder.add_title(non_empty[0], loc)
            else:
                builder.add_row(row, loc, line)
            seen_row = True
    except csv.Error as exc:
        raise _error(f"{source}:{offset + reader.line_num}", f"bad CSV: {exc}") from None
    result = builder.finish()
    if builder.title is not None:
        # One title above the whole CSV speaks for every table in it.
        for table in result.report.titles:
            result.report.titles[table] = builder.title.text
    return result


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _unguard_formula(cell: str) -> str:
    """Drop the quote that spreadsheet-safe CSV puts before text a spreadsheet would compute."""
    if cell.startswith("'") and cell[1:].startswith(_FORMULA_STARTS):
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


def parse_xlsx_bytes(data: bytes, source: str) -> ParsedReport:
    """Parse a workbook: per sheet an optional title row, a header row, then project rows."""
    import openpyxl  # imported here: only spreadsheet imports pay for it

    builder = _Builder(source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                for sheet in workbook.worksheets:
                    if hasattr(sheet, "reset_dimensions"):
                        sheet.reset_dimensions()  # a wrong <dimension> must not cost a million rows
                    _read_sheet(builder, sheet, source)
            finally:
                workbook.close()
    except ImportFormatError:
        raise
    except Exception as exc:  # openpyxl, zipfile and XML parsers raise many kinds
        detail = _one_line(f"{type(exc).__name__}: {exc}", 120)
        raise _error(source, f"not a readable .xlsx workbook ({detail})") from None
    return builder.finish()


def _read_sheet(builder: _Builder, sheet: Any, source: str) -> None:
    title = str(getattr(sheet, "title", ""))
    builder.start_section(_sheet_table(title))
    for row_number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(v) for v in values]
        while cells and not cells[-1].strip():
            cells.pop()
        if not cells:
            continue
        loc = f"{source}:{title}!R{row_number}"
        non_empty = [(i, c) for i, c in enumerate(cells) if c.strip()]
        if len(non_empty) == 1:
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
        builder.add_row(cells, loc, row_number)


def read_report(path: str | Path) -> ParsedReport:
    """Read a report file (Markdown/tab-separated report, .csv or .xlsx) into records."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise _error(source, f"cannot read the file ({exc.strerror or exc})") from None
    suffix = Path(path).suffix.lower()
    if suffix in (".xlsx", ".xlsm") or data.startswith(b"PK\x03\x04"):
        if not data:
            raise _error(source, "the file is empty")
        return parse_xlsx_bytes(data, source)
    text = decode_text(data, source)
    if suffix in (".csv", ".tsv"):
        return parse_csv_text(text, source)
    if _is_report_text(text):
        return parse_report_text(text, source)
    if any("," in line for line in _lines(text)[:5]):
        return parse_csv_text(text, source)
    raise _error(source, "no recognisable header (a row with 序号 and 项目名称 columns)")

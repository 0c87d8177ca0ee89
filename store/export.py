"""Headless exports of the current state: shared by the command line and the app.

Formats (``FORMAT_REGISTRY``: name, suffix, label, hint and writer of each; the command line's
``--format``, the export dialog and ``export_bytes`` read it), each written by a function
``(report, projects) -> bytes``:

- ``md``: the report's own layout: a ``#`` title per table (region, year, months, table) and
  tab-separated rows under the report's ten headers (编号 for 县级, 序号 for the others), plus
  one column per extra field. Multi-line cells are ``<p>line</p>`` runs; ``& < >`` and tabs are
  entities. ``minsheng import`` of the file gives back the same projects.
- ``xlsx``: a workbook for WPS/Excel: one sheet per table, merged title, bold frozen header with
  an autofilter, wrapped 10 pt text, and 工作成效 coloured by meaning; set up to print on A4 (or
  A3) landscape: the columns fill the page's width, each row is as tall as its wrapped text,
  the header row repeats, and each page carries the title and 第 N 页 共 M 页. A text too long
  for the tallest row a sheet allows goes on in the rows below, their 编号 reading 续, cut
  where an import's join gives it back (``minsheng import`` of the file gives back the same
  projects); ``xlsx_overflow`` names a cell with nowhere to cut (a Latin word longer than a
  row). Its cells name one of a few registered styles, and the rows are streamed into the
  sheets' XML (``export_xlsx``).
- ``csv``: UTF-8 with a BOM (Excel reads Chinese then) or GB18030; a title row, then a ``表``
  column so that the 县级 / 省市级 split survives an import.
- ``json``: the full model, plus each project's plan and progress split into month-dated items
  and its 序时 (``schedule``: the object ``minsheng schedule --json`` prints), judged by the
  rule stored with the data (``schedule_rule``); the writer is given that rule, and the
  store's ``DerivedCache`` (store/derived.py), where what was read of each text is kept.
  Written by orjson (two-space indent, Chinese as it is, keys in order: the bytes json gives).
- ``html``: one self-contained printable page (inline CSS, no scripts, no outside assets).

Updates: the report formats (md, xlsx, csv, html) show the current state, so each dated update
added after import is a line of 项目推进情况 after the report's text: ``7月：…`` (``2024年1月：…``
when the update's year is not the report's). Importing such a file into a new database gives
those lines as part of 推进情况 and no separate updates; importing it into the database it came
from records a change of 推进情况 (the updates stay as they are). Only ``json`` keeps progress
and updates apart; it is the lossless format for snapshots.

Spreadsheet safety: in xlsx and csv a text cell that starts with one of
``store.text.FORMULA_STARTS`` (``= + - @``, a tab or a CR) is never a formula: xlsx writes it as
a string cell (with Excel's quote prefix), csv with a leading ``'``.
"""

from __future__ import annotations

import csv
import errno as errno_codes
import html
import io
import json
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.derived import DerivedCache, ExportDerived, export_derived
from store.files import atomic_write_bytes, collector_paused, sweep_temp_files
from store.models import Project, Report, Update, normalise_deadline, normalise_status
from store.schedule_rule import DEFAULT_SETTINGS, ScheduleSettings
from store.text import CONTINUED, FORMULA_STARTS, SENTENCE_ENDS
from store.vocabulary import FIELD_REGISTRY, REPORT_FIELDS, STATUS_REGISTRY
from store.words import at, listing, os_problem, quote, say

_orjson_dumps: Callable[..., bytes] | None
try:
    from orjson import OPT_INDENT_2 as _ORJSON_INDENT
    from orjson import dumps as _orjson_dumps
except ImportError:  # pragma: no cover
    _orjson_dumps, _ORJSON_INDENT = None, 0

#: CSV encodings offered: UTF-8 with BOM (Excel), plain UTF-8, GB18030 (older systems).
CSV_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "utf-8", "gb18030")

#: The report's columns after the row number, as (field, header in 县级, header elsewhere).
REPORT_COLUMNS: tuple[tuple[str, str, str], ...] = tuple(
    (f.key, f.report_header(county=True), f.report_header(county=False)) for f in REPORT_FIELDS
)
COUNTY_TABLE = "县级"
#: Fills of 工作成效 by meaning (xlsx and html), from the status registry.
STATUS_COLOURS: dict[str, str] = {s.name: s.fill for s in STATUS_REGISTRY.values()}


class ExportError(Exception):
    """An export that could not be written; the message names the file."""

    def __init__(self, message: str, *, path: Path | None = None, code: int | None = None):
        super().__init__(message)
        self.path = path
        self.code = code  # errno of the failure, when the system refused


class ExportExistsError(ExportError):
    """The file is there already and overwriting was not asked for."""


class ExportFolderError(ExportError):
    """The folder to write into does not exist."""


class ExportTargetError(ExportError):
    """The path names something an export must not replace: a device, a FIFO, a socket, or
    a symbolic link to nothing."""


# ---------------------------------------------------------------------------------------------
# What a row of the report holds


def number_header(table: str) -> str:
    """编号 in the 县级 table, 序号 in the others, as in the report."""
    return FIELD_REGISTRY["number"].report_header(county=table == COUNTY_TABLE)


def report_headers(table: str, extras: list[str] | None = None) -> list[str]:
    """The report's header row for one table, followed by the extra fields' names."""
    county = table == COUNTY_TABLE
    headers = [number_header(table)]
    headers += [own if county else other for _f, own, other in REPORT_COLUMNS]
    return headers + list(extras or ())


def report_title(report: Report, table: str | None = None) -> str:
    """The report's title, e.g. '兰陵县 2023 年度重点民生实事项目推进情况表（1-6 月份）（县级）'."""
    region = report.region.strip()
    if report.year:
        title = f"{region} {report.year} 年度".strip()
    else:
        title = region
    title += "重点民生实事项目推进情况表"
    period = report.period_label()
    if period:
        title += f"（{period}）"
    if table:
        title += f"（{table}）"
    return title


def update_line(update: Update, year: int | None) -> str:
    """A dated update as a line of 推进情况: '7月：…', or '2024年1月：…' in another year."""
    try:
        update_year, month = int(update.month[:4]), int(update.month[5:7])
    except ValueError:
        return update.text
    when = f"{month}月" if year == update_year else f"{update_year}年{month}月"
    return f"{when}：{update.text}"


def current_progress(project: Project, report: Report) -> str:
    """推进情况 as of now: the report's text, then each dated update (by month) on its line."""
    lines = [project.progress] if project.progress else []
    updates = sorted(project.updates, key=lambda u: u.month)  # stable: same month, added order
    lines += [update_line(u, report.year) for u in updates]
    return "\n".join(lines)


def status_cell(project: Project) -> str:
    """工作成效 in the report's wording when that still says the same, else the status."""
    raw = project.status_raw
    if raw and normalise_status(raw) == project.status:
        return raw
    return project.status


def deadline_cell(project: Project, year: int | None) -> str:
    """完成时限 as written when it still reads as the same month, else 'YYYY-MM'."""
    raw = project.deadline_raw
    if raw and normalise_deadline(raw, year) == project.deadline:
        return raw
    return project.deadline


def report_cells(project: Project, report: Report, extras: list[str] | None = None) -> list[str]:
    """A project's row of the report (number first), then its extra fields."""
    values = {
        "status": status_cell(project),
        "deadline": deadline_cell(project, report.year),
        "progress": current_progress(project, report),
    }
    cells = [str(project.number)]
    cells += [values.get(f, getattr(project, f)) for f, _own, _other in REPORT_COLUMNS]
    return cells + [project.extra.get(key, "") for key in extras or ()]


def extra_keys(projects: list[Project]) -> list[str]:
    """The extra fields these projects have, in the order first met."""
    keys: dict[str, None] = {}
    for project in projects:
        for key in project.extra:
            keys.setdefault(key, None)
    return list(keys)


def tables_of(report: Report, projects: list[Project]) -> list[tuple[str, list[Project]]]:
    """Projects grouped by table: the report's tables in its order, then any other table.

    Within a table the projects keep the order they were given in (a sorted list stays sorted).
    """
    groups: dict[str, list[Project]] = {table: [] for table in report.titles}
    for project in projects:
        groups.setdefault(project.table, []).append(project)
    return [(table, rows) for table, rows in groups.items() if rows]


def spreadsheet_safe(text: str) -> bool:
    """Whether a spreadsheet may read the text as it is (not as a formula)."""
    return not text.startswith(FORMULA_STARTS)


# ---------------------------------------------------------------------------------------------
# md: the report's own layout


def _md_cell(text: str) -> str:
    text = html.escape(text.replace("\r\n", "\n").replace("\r", "\n"), quote=False)
    text = text.replace("\t", "&#9;")
    if "\n" not in text:
        return text
    # Blank lines are left out: the report's layout has none, and reading the file back
    # would drop them anyway (export, import, export gives the same file).
    return "".join(f"<p>{line}</p>" for line in text.split("\n") if line.strip())


def export_md(report: Report, projects: list[Project]) -> bytes:
    """The report's Markdown/tab-separated layout: one titled table per table of the report."""
    out: list[str] = []
    for table, rows in tables_of(report, projects):
        extras = extra_keys(rows)
        if out:
            out.append("")
        out += [f"# {_md_cell(report_title(report, table))}", ""]
        out.append("\t".join(_md_cell(h) for h in report_headers(table, extras)))
        for project in rows:
            out.append("\t".join(_md_cell(c) for c in report_cells(project, report, extras)))
    return ("\n".join(out) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# csv


def csv_headers(extras: list[str]) -> list[str]:
    """The CSV header: 表 first (the table survives an import), then the report's columns."""
    return ["表", "编号"] + [own for _f, own, _other in REPORT_COLUMNS] + extras


def _csv_cell(text: str) -> str:
    return text if spreadsheet_safe(text) else "'" + text


def export_csv(report: Report, projects: list[Project], encoding: str = "utf-8-sig") -> bytes:
    """A title row, a header row and one row per project, in the order given."""
    if encoding not in CSV_ENCODINGS:
        raise ExportError(
            say("export.bad_encoding", encoding=quote(encoding), choices=listing(CSV_ENCODINGS))
        )
    extras = extra_keys(projects)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # The title and header come from imported text too: guard them like the data cells.
    writer.writerow([_csv_cell(report_title(report))])
    writer.writerow([_csv_cell(header) for header in csv_headers(extras)])
    for project in projects:
        cells = report_cells(project, report, extras)
        writer.writerow([_csv_cell(project.table), cells[0], *map(_csv_cell, cells[1:])])
    try:
        return buffer.getvalue().encode(encoding)
    except UnicodeEncodeError as exc:
        raise ExportError(
            say("export.cannot_encode", encoding=encoding, detail=exc.reason)
        ) from exc


# ---------------------------------------------------------------------------------------------
# xlsx

_SHEET_NAME_BAD = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _sheet_name(table: str, taken: set[str]) -> str:
    base = (table.translate(_SHEET_NAME_BAD).strip("'") or "表")[:31]
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


#: Paper the workbook is set up for: (openpyxl's paper size code, the printable width in column
#: units). The page is landscape with 1 cm side margins: 784 pt of line on A4, 1,133 pt on A3;
#: LibreOffice gives a column unit 7 pt, so the columns fill that width there.
PAPERS: dict[str, tuple[str, int]] = {"A4": ("9", 110), "A3": ("8", 158)}
DEFAULT_PAPER = "A4"
#: Text size of the table, in points: 10 pt reads on paper (五号 is 10.5 pt), and no cell is
#: smaller: a text longer than the tallest row goes on in the rows below (``_pieces``).
_TEXT_SIZE = 10.0
_TALLEST_ROW = 409.0  # points: Excel's and LibreOffice's limit
_LINE = 1.45  # line height / text size, as LibreOffice sets CJK text
_CELL_PAD = 4.0  # points of a row's height that are not text
#: The lines of text the tallest row holds (27).
_ROW_LINES = int((_TALLEST_ROW - _CELL_PAD) // (_TEXT_SIZE * _LINE))
#: How deflated the workbook's parts are: zlib's fastest level. At the default level (6)
#: deflating the sheets takes twice as long, more than the rest of writing the workbook, for
#: a file some 15 % smaller (10,000 projects: 8.0 MB against 9.2 MB); Excel, WPS and
#: LibreOffice read either.
_ZIP_LEVEL = 1


#: Runs of characters one cell wide, and not line breaks: what is left is two cells wide (East
#: Asian Wide and Fullwidth: CJK, kana, Hangul, fullwidth forms and punctuation, the common
#: emoji blocks), as rich's ``cell_len`` counts them.
_NARROW = re.compile(
    "[^\n\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
    "\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe6f\uff01-\uff60"
    "\uffe0-\uffe6\U0001f300-\U0001f64f\U0001f900-\U0001f9ff\U00020000-\U0003fffd]+"
)


def _cell_width(line: str) -> int:
    """The terminal cells a line of text takes (a CJK character two), as ``rich.cells.cell_len``
    counts them for a report's text, in a fraction of its time on a workbook's long texts."""
    if line.isascii():
        return len(line)
    return len(line) + len(_NARROW.sub("", line))


def _line_widths(text: str) -> list[int]:
    """``_cell_width`` of each line of ``text``, in two passes over the whole text."""
    lines = text.split("\n")
    if text.isascii():
        return [len(line) for line in lines]
    wide = _NARROW.sub("", text).split("\n")  # each line's wide characters
    return [len(line) + len(chars) for line, chars in zip(lines, wide, strict=True)]


def _print_widths(fields: list[str], extras: int, paper: str) -> list[int]:
    """Column widths (in column units) that fill the printable width of the paper: the short
    columns get their fixed ``print_width``, the long texts share what is left."""
    budget = PAPERS[paper][1]
    specs = [FIELD_REGISTRY[f] for f in fields]
    fixed = sum(s.print_width for s in specs if not s.print_share) + 10 * extras
    shares = sum(s.print_share for s in specs)
    left = max(budget - fixed, 12 * sum(1 for s in specs if s.print_share))
    widths = [s.print_width or max(12, left * s.print_share // shares) for s in specs]
    # What the rounding down left goes to the last long text (推进情况): the page is filled.
    last = max(i for i, s in enumerate(specs) if s.print_share)
    widths[last] += max(0, budget - 10 * extras - sum(widths))
    return widths + [10] * extras


def _per_line(width: int) -> int:
    """The cells of 10 pt text a line holds in a wrapped column ``width`` units wide (a CJK
    character is two cells and 10 points wide).

    The line is the narrower one of Excel's (a unit is 7 px, 5.25 pt, plus 5 px) and
    LibreOffice's (7 pt): a row is never too short for its text in either, at the price of
    some space under the text in LibreOffice.
    """
    return max(1, int(2 * (5.25 * width + 3.75 - 6) / _TEXT_SIZE))


def _line_count(cells: int, per_line: int) -> int:
    return max(1, -(-cells // per_line))


def _most_lines(text: str, per_line: int) -> int:
    """The lines ``text`` takes at most (every character two cells wide), without measuring."""
    return sum(max(1, -(-2 * len(line) // per_line)) for line in text.split("\n"))


def _row_height(lines: int) -> float:
    return lines * _TEXT_SIZE * _LINE + _CELL_PAD


#: Where a line may go on in the row below, inside it (see ``_cut``): best after the end of
#: a clause, else between two characters that are not both of a number or a Latin word.
_CLAUSE_ENDS = frozenset("，、：,:")
_NO_LINE_START = frozenset("，。、；：？！）》」』”’,.;:?!)]}%")
_NO_LINE_END = frozenset("（《「『“‘([{")


def _in_word(char: str) -> bool:
    """Whether ``char`` belongs to a number or a Latin word (so a line is not cut next to
    another such character)."""
    return (char.isalnum() and char < "\u1100") or char in "._%‰-+/'’"


def _may_cut(before: str, after: str) -> bool:
    """Whether a line may go on in the row below between ``before`` and ``after``: never
    after a sentence's end (an import's join would make it a line break), nor at a space
    (an import trims cells), nor inside a number or a Latin word, nor around a bracket or
    before a closing mark."""
    return not (
        before.isspace()
        or after.isspace()
        or before in SENTENCE_ENDS
        or before in _NO_LINE_END
        or after in _NO_LINE_START
        or (_in_word(before) and _in_word(after))
    )


def _fitting(line: str, cells: int) -> int:
    """How many of ``line``'s first characters take at most ``cells`` cells."""
    if line.isascii():
        return min(len(line), cells)
    used = start = 0  # cells taken by line[:start]
    for run in _NARROW.finditer(line):  # runs of narrow characters between wide ones
        wide = run.start() - start
        if used + 2 * wide > cells:
            return start + (cells - used) // 2
        used += 2 * wide
        if used + len(run.group()) > cells:
            return run.start() + cells - used
        used += len(run.group())
        start = run.end()
    return start + min(len(line) - start, (cells - used) // 2)


def _cut_inside(line: str, fits: int, per_line: int) -> int | None:
    """The last place within ``line[:fits]`` that a line may be cut (``_may_cut``), or the
    end of a clause (，、：) up to two lines before it."""
    last = next((i for i in range(fits - 1, 0, -1) if _may_cut(line[i - 1], line[i])), None)
    if last is None:
        return None
    for i in range(last, max(0, last - per_line), -1):
        if line[i - 1] in _CLAUSE_ENDS and _may_cut(line[i - 1], line[i]):
            return i
    return last


#: A line of a cell's text and the cells it takes.
_Line = tuple[str, int]


def _cut(lines: list[_Line], per_line: int) -> tuple[int, int] | None:
    """Where to end the part of a text (its ``lines``) that goes in a row, at most
    ``_ROW_LINES`` lines: (line, characters of it kept), the whole line when that is its
    length; or None when there is no place to cut within a row.

    The rest goes on in the row below, and an import joins the two as it joins a table row
    cut by a page break: on a new line when the part above ends a sentence, straight on
    otherwise. So the cut is after the last whole line that ends a sentence (the line break
    is given back) when that fills half the row or more, or else inside the line that does
    not fit (``_cut_inside``), or inside an earlier one.
    """
    room = _ROW_LINES
    after_sentence: tuple[int, int] | None = None  # (lines above, line)
    over = 0
    for over, (line, cells) in enumerate(lines):
        need = _line_count(cells, per_line)
        if need > room:
            break
        room -= need
        if line.endswith(SENTENCE_ENDS) and over < len(lines) - 1:
            after_sentence = (_ROW_LINES - room, over)
    else:
        return None  # (it all fits)
    if after_sentence is not None and 2 * after_sentence[0] >= _ROW_LINES:
        return after_sentence[1], len(lines[after_sentence[1]][0])
    line = lines[over][0]
    inside = _cut_inside(line, _fitting(line, room * per_line), per_line)
    if inside is not None:
        return over, inside
    if after_sentence is not None:
        return after_sentence[1], len(lines[after_sentence[1]][0])
    for before in range(over - 1, -1, -1):
        inside = _cut_inside(lines[before][0], len(lines[before][0]), per_line)
        if inside is not None:
            return before, inside
    return None


def _pieces(text: str, per_line: int) -> list[tuple[str, int]]:
    """``text`` as the parts of consecutive rows, each with its lines: one part when the text
    fits the tallest row, else parts of at most ``_ROW_LINES`` lines cut by ``_cut`` (a part
    with nowhere to cut is longer: its end is cut on paper). Each line is measured once."""
    if "\n" not in text and 2 * len(text) <= per_line:
        return [(text, 1)]  # (most cells: nothing to measure)
    rest = list(zip(text.split("\n"), _line_widths(text), strict=True))
    pieces = []
    while True:
        lines = sum(_line_count(cells, per_line) for _line, cells in rest)
        cut = _cut(rest, per_line) if lines > _ROW_LINES else None
        if cut is None:
            pieces.append(("\n".join(line for line, _cells in rest), lines))
            return pieces
        at, kept = cut
        line, cells = rest[at]
        if kept == len(line):  # after a whole line: its line break is the join's
            head, rest = rest[: at + 1], rest[at + 1 :]
        else:
            width = _cell_width(line[:kept])
            head = [*rest[:at], (line[:kept], width)]
            rest = [(line[kept:], cells - width), *rest[at + 1 :]]
        text = "\n".join(part for part, _cells in head)
        pieces.append((text, sum(_line_count(cells, per_line) for _part, cells in head)))


def xlsx_overflow(
    report: Report, projects: list[Project], paper: str = DEFAULT_PAPER
) -> list[tuple[Project, str]]:
    """The (project, field) cells whose text does not fit a printed row on ``paper``, even
    going on in the rows below: a part with nowhere to cut (a number or a Latin word longer
    than a row) has its end cut on paper (the file keeps all of it)."""
    fields = ["number"] + [f for f, _own, _other in REPORT_COLUMNS]
    cut: list[tuple[Project, str]] = []
    for _table, rows in tables_of(report, projects):
        extras = extra_keys(rows)
        per_line = [_per_line(w) for w in _print_widths(fields, len(extras), paper)]
        for project in rows:
            for col, text in enumerate(report_cells(project, report)):
                if _most_lines(text, per_line[col]) <= _ROW_LINES:
                    continue  # (most cells: fits one row, whatever its characters' widths)
                if any(n > _ROW_LINES for _part, n in _pieces(text, per_line[col])):
                    cut.append((project, fields[col]))
    return cut


def _header_text(text: str) -> str:
    """Text for a page header or footer: ``&`` starts a code there."""
    return text.replace("&", "&&")


def export_xlsx(report: Report, projects: list[Project], paper: str = DEFAULT_PAPER) -> bytes:
    """A workbook for WPS/Excel: one formatted sheet per table of the report, set up to print
    on ``paper`` (A4 or A3, landscape) with the header row and page numbers on every page.

    Written as a spreadsheet program writes one: a few registered styles that cells name by
    number, and the rows streamed out as the sheet's XML. openpyxl (write-only) makes the
    workbook: styles, columns, frozen header, filter, page setup, title and header rows;
    the project rows then go into each sheet's ``sheetData`` as they are made (``_SheetRows``),
    each cell naming its style's number, which openpyxl gives (``style_id``).
    """
    from zipfile import ZIP_DEFLATED, ZipFile

    from openpyxl import Workbook  # imported here: only spreadsheet exports pay for it
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.properties import PageSetupProperties
    from openpyxl.writer.excel import ExcelWriter

    if paper not in PAPERS:
        raise ExportError(say("export.bad_paper", paper=quote(paper), choices=listing(PAPERS)))
    workbook = Workbook(write_only=True)
    # One named style per kind of cell, registered once: cells name their style instead of
    # each getting its own font, alignment and border.
    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    centred = Alignment(horizontal="center", vertical="center", wrap_text=True)
    wrapped = Alignment(vertical="top", wrap_text=True)
    styles = {
        "ms-title": NamedStyle("ms-title", font=Font(bold=True, size=16), alignment=centred),
        "ms-header": NamedStyle(
            "ms-header", font=Font(bold=True, size=_TEXT_SIZE), alignment=centred, border=box
        ),
        "ms-text": NamedStyle("ms-text", font=Font(size=_TEXT_SIZE), alignment=wrapped, border=box),
    }
    for status, colour in STATUS_COLOURS.items():
        styles[f"ms-{status}"] = NamedStyle(
            f"ms-{status}",
            font=Font(size=_TEXT_SIZE),
            alignment=wrapped,
            border=box,
            fill=PatternFill("solid", start_color=colour, end_color=colour),
        )
    for style in styles.values():
        workbook.add_named_style(style)
    fields = ["number"] + [f for f, _own, _other in REPORT_COLUMNS]
    taken: set[str] = set()
    groups = tables_of(report, projects) or [(COUNTY_TABLE, [])]
    made: list[tuple[Any, _SheetRows]] = []
    for table, rows in groups:
        extras = extra_keys(rows)
        headers = report_headers(table, extras)
        width = len(headers)
        widths = _print_widths(fields, len(extras), paper)
        sheet: Any = workbook.create_sheet(_sheet_name(table, taken))
        heading = report_title(report, table)
        _print_setup(sheet, heading, paper, PageSetupProperties)
        # A write-only sheet writes its columns and frozen panes before its first row, and
        # each row's height with the row: all of them are set before the row is added.
        for col, col_width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = col_width
        sheet.freeze_panes = "A3"
        sheet.merged_cells.add(f"A1:{get_column_letter(width)}1")

        def cell(value: str | None, style: str, *, quoted: bool = False) -> Any:
            """A cell of the sheet: text stays text (never a formula)."""
            one = WriteOnlyCell(sheet, value)  # noqa: B023 (used before the loop goes on)
            one.style = style
            if value is not None:
                one.data_type = "s"
            if quoted or (value is not None and not spreadsheet_safe(value)):
                one.quotePrefix = True
            return one

        sheet.row_dimensions[1].height = 30
        sheet.append([cell(heading, "ms-title")])
        # Extra column names come from imported headers: text cells like the data.
        sheet.append([cell(header, "ms-header") for header in headers])
        # The style numbers of the data cells: each kind plain and with Excel's quote prefix.
        numbers = {
            (name, quoted): cell(None, name, quoted=quoted).style_id
            for name in styles
            if name not in ("ms-title", "ms-header")
            for quoted in (False, True)
        }
        body = _SheetRows(
            [get_column_letter(col) for col in range(1, width + 1)],
            [_per_line(w) for w in widths],
            numbers,
        )
        for project in rows:
            body.add(project, report_cells(project, report, extras))
        sheet.auto_filter.ref = f"A2:{get_column_letter(width)}{body.last_row}"
        made.append((sheet, body))
    skeleton = io.BytesIO()
    with ZipFile(skeleton, "w") as archive:  # small and stored: the rows go in below
        ExcelWriter(workbook, archive).save()
    bodies = {sheet.path.lstrip("/"): body for sheet, body in made}
    buffer = io.BytesIO()
    with (
        ZipFile(skeleton) as parts,
        ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=_ZIP_LEVEL) as archive,
    ):
        for name in parts.namelist():
            data = parts.read(name)
            if name not in bodies:
                archive.writestr(name, data)
                continue
            head, end, tail = data.rpartition(b"</sheetData>")
            with archive.open(name, "w") as part:
                part.write(head)
                for chunk in bodies[name].chunks:
                    part.write(chunk)
                part.write(end + tail)
    return buffer.getvalue()


#: Characters that XML 1.0 does not allow in text (openpyxl refuses them too).
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class _SheetRows:
    """The project rows of a sheet as its ``sheetData`` XML, made a project at a time.

    Each cell names its style by number (``numbers``: (style name, quote prefix) -> number);
    a text too long for the tallest row goes on in the rows below, each as tall as its text,
    their 编号 reading 续, the 工作成效 fill only on the project's first row.
    """

    def __init__(self, letters: list[str], per_line: list[int], numbers: dict[Any, int]):
        self.letters = letters
        self.per_line = per_line
        self.numbers = numbers
        self.status_col = 1 + [f for f, _own, _other in REPORT_COLUMNS].index("status")
        self.last_row = 2  # (the title and the header)
        self.chunks: list[bytes] = []  # each project's rows, in UTF-8 (the part's encoding)

    def add(self, project: Project, texts: list[str]) -> None:
        """The rows of one project (its number first, then its cells' texts)."""
        pieces = [_pieces(text, self.per_line[col]) for col, text in enumerate(texts)]
        status = f"ms-{project.status}"
        if (status, False) not in self.numbers:
            status = "ms-text"
        xml: list[str] = []
        out = xml.append
        for part in range(max(map(len, pieces))):
            lines = max(p[part][1] if part < len(p) else 1 for p in pieces)
            self.last_row += 1
            row = self.last_row
            height = min(_TALLEST_ROW, _row_height(lines))
            out(f'<row r="{row}" ht="{height:g}" customHeight="1">')
            for col, cell in enumerate(pieces):
                style = status if col == self.status_col and part == 0 else "ms-text"
                text = cell[part][0] if part < len(cell) else ""
                ref = f"{self.letters[col]}{row}"
                if col == 0 and part == 0:
                    out(
                        f'<c r="{ref}" s="{self.numbers[style, False]}"><v>{project.number}</v></c>'
                    )
                    continue
                if col == 0:
                    text = CONTINUED
                if not text:
                    out(f'<c r="{ref}" s="{self.numbers[style, False]}"/>')
                    continue
                number = self.numbers[style, not spreadsheet_safe(text)]
                text = html.escape(_NOT_IN_XML.sub("", text), quote=False)
                out(f'<c r="{ref}" s="{number}" t="inlineStr"><is><t xml:space="preserve">')
                out(text)
                out("</t></is></c>")
            out("</row>")
        self.chunks.append("".join(xml).encode("utf-8"))


def _print_setup(sheet: Any, heading: str, paper: str, properties: Any) -> None:
    """Set a sheet up to print: landscape on ``paper``, the columns across the page, the header
    row on every page, the title above and 第 N 页 共 M 页 below each."""
    sheet.print_title_rows = "2:2"
    setup = sheet.page_setup
    setup.orientation = "landscape"
    setup.paperSize = PAPERS[paper][0]
    # The columns are made to fill the page's width: fitting to it only evens out the fonts'
    # differences, it does not shrink ten columns into unreadable text.
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = properties(fitToPage=True)
    margins = sheet.page_margins
    margins.left = margins.right = 0.4  # inches
    margins.top = margins.bottom = 0.7
    margins.header = margins.footer = 0.3
    sheet.oddHeader.center.text = _header_text(heading)
    sheet.oddHeader.center.size = 9
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    sheet.oddFooter.center.size = 9
    sheet.print_options.horizontalCentered = True


# ---------------------------------------------------------------------------------------------
# json


def project_export_dict(
    project: Project, report: Report | None = None, settings: ScheduleSettings = DEFAULT_SETTINGS
) -> dict[str, Any]:
    """A project in the JSON interface: the model's keys, plus its plan and progress items and
    its 序时 (``schedule``: as ``minsheng schedule --json`` prints it)."""
    return _with_derived(project, export_derived([project], report, settings)[0])


def _with_derived(project: Project, derived: ExportDerived) -> dict[str, Any]:
    data = project.to_dict()
    data["plan_items"] = derived.plan_items
    data["progress_items"] = derived.progress_items
    data["schedule"] = derived.schedule
    return data


def report_export_dict(report: Report) -> dict[str, Any]:
    """The report's metadata in the JSON interface."""
    return report.to_dict()


def export_json(
    report: Report,
    projects: list[Project],
    *,
    settings: ScheduleSettings = DEFAULT_SETTINGS,
    derived: DerivedCache | None = None,
) -> bytes:
    """`{"report": {...}, "schedule_rule": {...}, "projects": [...]}` as UTF-8 JSON, Chinese
    kept readable; each project's 序时 is judged by ``settings`` (the rule stored with the
    data: the callers that have a store pass its ``schedule_settings()``).

    The month items and 序时 come from ``derived`` (the store's ``DerivedCache``) where it has
    them; what was read anew is saved into it.
    """
    with collector_paused():  # (many small acyclic objects: the collector would walk them)
        extras = export_derived(projects, report, settings, derived)
        payload = {
            "report": report_export_dict(report),
            "schedule_rule": settings.to_dict(),
            "projects": [_with_derived(p, d) for p, d in zip(projects, extras, strict=True)],
        }
        data = json_bytes(payload)
        del payload, extras
    if derived is not None:
        derived.save()
    return data


def json_bytes(payload: Any) -> bytes:
    """A value as the json export writes it: UTF-8, Chinese as it is, keys in their order, two
    spaces of indent and a final line break.

    orjson writes it about eight times faster than json; what it refuses (an integer beyond 64
    bits, which json writes exactly) json writes, in the same layout.
    """
    if _orjson_dumps is not None:
        try:
            return _orjson_dumps(payload, option=_ORJSON_INDENT) + b"\n"
        except TypeError:
            pass
    return (json.dumps(payload, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# html

_HTML_CSS = (
    """
body { font-family: "Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", sans-serif;
       margin: 1.5em; color: #222; }
h1 { font-size: 1.3em; text-align: center; margin: 1.2em 0 0.6em; }
table { border-collapse: collapse; width: 100%; font-size: 0.85em; }
th, td { border: 1px solid #888; padding: 0.3em 0.4em; vertical-align: top; text-align: left; }
th { background: #eee; text-align: center; }
td.number, td.status, td.deadline, td.level { text-align: center; white-space: nowrap; }
tr { page-break-inside: avoid; }
"""
    # 工作成效 by meaning, in the fills of the workbook
    + "".join(f".status-{s.name} {{ background: #{s.fill}; }}\n" for s in STATUS_REGISTRY.values())
    + """@page { size: A4 landscape; margin: 12mm; }
@media print { body { margin: 0; } h1 { page-break-before: auto; }
  section + section h1 { page-break-before: always; } thead { display: table-header-group; } }
"""
)


def _html_text(text: str) -> str:
    return "<br>".join(html.escape(line) for line in text.split("\n"))


def export_html(report: Report, projects: list[Project]) -> bytes:
    """One self-contained, printable page: a titled table per table of the report."""
    fields = ["number"] + [f for f, _own, _other in REPORT_COLUMNS]
    heading = html.escape(report_title(report))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{heading}</title>",
        f"<style>{_HTML_CSS}</style>",
        "</head>",
        "<body>",
    ]
    for table, rows in tables_of(report, projects):
        extras = extra_keys(rows)
        parts.append("<section>")
        parts.append(f"<h1>{html.escape(report_title(report, table))}</h1>")
        parts.append("<table>")
        header = "".join(f"<th>{html.escape(h)}</th>" for h in report_headers(table, extras))
        parts.append(f"<thead><tr>{header}</tr></thead>")
        parts.append("<tbody>")
        for project in rows:
            cells = []
            for col, text in enumerate(report_cells(project, report, extras)):
                field = fields[col] if col < len(fields) else "extra"
                classes = field
                if field == "status" and project.status in STATUS_COLOURS:
                    classes += f" status-{project.status}"
                cells.append(f'<td class="{html.escape(classes)}">{_html_text(text)}</td>')
            parts.append(f'<tr id="{html.escape(project.id)}">{"".join(cells)}</tr>')
        parts.append("</tbody>")
        parts.append("</table>")
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts).encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The formats, and writing


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its name and file suffix, how the export dialog offers it, and the
    function that writes it."""

    name: str  # what --format takes
    suffix: str  # the file name's extension, with its dot
    label: str  # the export dialog's choice
    hint: str  # the export dialog's line under the choices: what the format is for
    #: ``(report, projects) -> bytes``; with ``encoding=`` too when ``encodings`` are offered,
    #: and ``settings=`` (the 序时 rule) and ``derived=`` (a ``DerivedCache``, when the caller
    #: has one) when it is ``judged``
    writer: Callable[..., bytes]
    encodings: tuple[str, ...] = ()  # the text encodings it can be written in
    papers: tuple[str, ...] = ()  # the paper sizes it can be set up to print on (``paper=``)
    judged: bool = False  # whether it carries each project's 序时 (so needs the rule)


#: The formats, in the order people are offered them. A new format is one entry here.
FORMAT_REGISTRY: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("md", ".md", "md", "文本表格，与报告原件的格式相同，可再导入", export_md),
        ExportFormat(
            "xlsx",
            ".xlsx",
            "xlsx",
            "Excel 表格：每张表一个工作表，表头固定，可直接打印",
            export_xlsx,
            papers=tuple(PAPERS),
        ),
        ExportFormat(
            "csv",
            ".csv",
            "csv",
            "逗号分隔的表格，Excel、WPS 都能打开",
            export_csv,
            encodings=CSV_ENCODINGS,
        ),
        ExportFormat(
            "json",
            ".json",
            "json",
            "完整数据（含按月拆分的计划和进展、序时），供其他程序读取",
            export_json,
            judged=True,
        ),
        ExportFormat("html", ".html", "html", "网页，用浏览器打开即可查看、打印", export_html),
    )
}
#: The formats' names, in the order people are offered them.
EXPORT_FORMATS: tuple[str, ...] = tuple(FORMAT_REGISTRY)
#: The file name extension of each format.
EXTENSIONS: dict[str, str] = {f.name: f.suffix for f in FORMAT_REGISTRY.values()}
_BY_SUFFIX: dict[str, str] = {f.suffix: f.name for f in FORMAT_REGISTRY.values()}


def export_bytes(
    fmt: str,
    report: Report,
    projects: list[Project],
    *,
    encoding: str = "utf-8-sig",
    paper: str = DEFAULT_PAPER,
    settings: ScheduleSettings = DEFAULT_SETTINGS,
    derived: DerivedCache | None = None,
) -> bytes:
    """The export of ``projects`` in format ``fmt`` (``encoding`` and ``paper`` are for the
    formats that offer them, ``settings``, the 序时 rule, and ``derived``, the store's cache of
    what is read from the texts, for those that judge)."""
    try:
        spec = FORMAT_REGISTRY[fmt]
    except KeyError:
        raise ExportError(
            say("export.bad_format", fmt=quote(fmt), choices=listing(EXPORT_FORMATS))
        ) from None
    options: dict[str, Any] = {}
    if spec.encodings:
        options["encoding"] = encoding
    if spec.papers:
        options["paper"] = paper
    if spec.judged:
        options["settings"] = settings
        if derived is not None:
            options["derived"] = derived
    return spec.writer(report, projects, **options)


def format_of(path: Path, default: str = "json") -> str:
    """The format a file name asks for by its extension, else ``default``."""
    return _BY_SUFFIX.get(Path(path).suffix.lower(), default)


def _kind_of(mode: int) -> str:
    """What a file that is not a regular one is, in a few words."""
    kinds = (
        (stat.S_ISFIFO, say("export.kind_fifo")),
        (stat.S_ISCHR, say("export.kind_char")),
        (stat.S_ISBLK, say("export.kind_block")),
        (stat.S_ISSOCK, say("export.kind_socket")),
        (stat.S_ISDIR, say("export.kind_folder")),
    )
    return next((words for test, words in kinds if test(mode)), say("export.kind_other"))


def check_export_target(path: Path, *, force: bool = False) -> None:
    """Refuse, before anything is written, a path an export may not write to.

    The folder must exist; a folder, device, FIFO or socket at the path is refused (replacing
    it would swap, say, /dev/null or a pipe someone reads for a regular file); so is a symbolic
    link to nothing. A symbolic link to a regular file is followed, as the database's is: the
    file it points to gets the export and the link stays a link. An existing file is kept
    unless ``force``.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise ExportFolderError(
            say("export.no_folder", path=path, folder=path.parent),
            path=path,
            code=errno_codes.ENOENT,
        )
    try:
        st = os.stat(path)  # follows a symbolic link
    except FileNotFoundError:
        if os.path.lexists(path):
            raise ExportTargetError(
                say("export.dangling_link", path=path, target=os.readlink(path)),
                path=path,
            ) from None
        return
    except OSError as exc:
        raise ExportError(at(str(path), os_problem(exc)), path=path, code=exc.errno) from exc
    if stat.S_ISDIR(st.st_mode):
        raise ExportError(say("export.is_folder", path=path), path=path, code=errno_codes.EISDIR)
    if not stat.S_ISREG(st.st_mode):
        raise ExportTargetError(
            say("export.not_regular", path=path, kind=_kind_of(st.st_mode)),
            path=path,
        )
    if not force:
        raise ExportExistsError(say("export.exists", path=path), path=path, code=errno_codes.EEXIST)


def write_export(path: Path, data: bytes, *, force: bool = False) -> None:
    """Write an export atomically into a regular file (``check_export_target`` says which
    paths are refused); an existing file is kept unless ``force``.

    Temporary files that killed exports to the same name left beside it are removed first.
    """
    path = Path(path)
    check_export_target(path, force=force)
    real = Path(os.path.realpath(path))
    sweep_temp_files(real.parent, lambda target: target == real.name)
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        raise ExportError(at(str(path), os_problem(exc)), path=path, code=exc.errno) from exc

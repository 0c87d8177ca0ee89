"""Exports: round trips through md, xlsx and csv, the workbook's layout, safety, atomic writes."""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.report import clean_cell, parse_report_text, read_report
from store.export import (
    CSV_ENCODINGS,
    EXPORT_FORMATS,
    EXTENSIONS,
    FORMAT_REGISTRY,
    REPORT_COLUMNS,
    STATUS_COLOURS,
    ExportError,
    ExportExistsError,
    ExportFolderError,
    ExportTargetError,
    export_bytes,
    export_csv,
    export_html,
    export_json,
    export_md,
    export_xlsx,
    format_of,
    report_headers,
    report_title,
    write_export,
    xlsx_overflow,
)
from store.jsonfile import JSONFileStore as ProjectStore
from store.models import Project, Report
from store.text import CONTINUED, FORMULA_STARTS, tidy_lines
from store.vocabulary import STATUS_REGISTRY

SUFFIX = {"md": ".md", "xlsx": ".xlsx", "csv": ".csv"}


@pytest.fixture
def store(db_path: Path, bundled: Path) -> ProjectStore:
    """The bundled report imported into a fresh database."""
    s = ProjectStore(db_path, user="tester")
    s.import_report(read_report(bundled), source="import:bundled")
    return s


def _projects_json(store: ProjectStore) -> list[dict[str, Any]]:
    """The projects as `export --format json` gives them, without `revision` (it counts edits,
    so a database that saw more of them differs there and only there)."""
    projects: list[dict[str, Any]] = json.loads(export_json(store.report(), store.projects()))[
        "projects"
    ]
    for project in projects:
        del project["revision"]
        for period in project.get("progress_history", []):  # which file, when: differs
            period.pop("source", None), period.pop("at", None)
    return projects


def _round_trip(store: ProjectStore, fmt: str, tmp_path: Path, **options: Any) -> ProjectStore:
    """Export to a file, import that file into a new database, and return the new store."""
    path = tmp_path / f"export{SUFFIX[fmt]}"
    write_export(path, export_bytes(fmt, store.report(), store.projects(), **options))
    again = ProjectStore(tmp_path / f"again-{fmt}.json", user="tester")
    result = again.import_report(read_report(path), source=f"import:{path.name}")
    assert result.warnings == []
    assert len(result.new) == len(store.projects())
    return again


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["md", "xlsx", "csv"])
def test_bundled_report_round_trips(store: ProjectStore, tmp_path: Path, fmt: str) -> None:
    again = _round_trip(store, fmt, tmp_path)
    assert _projects_json(again) == _projects_json(store)
    report, back = store.report(), again.report()
    assert (back.region, back.year, back.period_from, back.period_to) == (
        report.region,
        report.year,
        report.period_from,
        report.period_to,
    )
    if fmt != "csv":  # one title row above a CSV speaks for every table (see the CSV test)
        assert back.titles == report.titles


def test_csv_round_trips_in_gb18030(store: ProjectStore, tmp_path: Path) -> None:
    data = export_csv(store.report(), store.projects(), "gb18030")
    assert not data.startswith(b"\xef\xbb\xbf")
    data.decode("gb18030")
    again = _round_trip(store, "csv", tmp_path, encoding="gb18030")
    assert _projects_json(again) == _projects_json(store)


def test_md_keeps_the_reports_layout(store: ProjectStore) -> None:
    text = export_md(store.report(), store.projects()).decode("utf-8")
    lines = text.split("\n")
    titles = [line for line in lines if line.startswith("# ")]
    assert titles == [
        "# 兰陵县 2023 年度重点民生实事项目推进情况表（1-6 月份）（县级）",
        "# 兰陵县 2023 年度重点民生实事项目推进情况表（1-6 月份）（省市级）",
    ]
    headers = [line for line in lines if line.startswith(("编号\t", "序号\t"))]
    assert headers == [
        "编号\t项目名称\t项目概况\t任务目标\t项目月度计划\t项目推进情况\t工作成效\t完成时限\t牵头单位\t项目等级",
        "序号\t项目名称\t项目概况\t任务目标\t月度计划\t项目推进情况\t工作成效\t完成时限\t牵头单位\t项目等级",
    ]
    rows = [line.split("\t") for line in lines if "\t" in line and line[0].isdigit()]
    assert len(rows) == 49 and all(len(row) == 10 for row in rows)
    # The report's own wording of statuses and deadlines is kept.
    x10 = next(row for row in rows[:10] if row[0] == "10")
    assert x10[6] == "工作完成"
    assert rows[0][7] == "2023年8月"
    # Multi-line cells are <p> runs (X08's progress has two numbered paragraphs).
    x08 = next(row for row in rows[:10] if row[0] == "8")
    assert x08[5].startswith("<p>1、兰之陵市民公园") and x08[5].count("<p>") == 2


def test_md_golden_for_a_small_report() -> None:
    report = Report(region="兰陵县", year=2023, period_from=1, period_to=6,
                    titles={"县级": "t", "省市级": "t"})  # fmt: skip
    projects = [
        Project(id="S02", table="省市级", number=2, name="B & <C>", level="省级",
                department="县民政局", status="滞后", status_raw="进度滞后",
                deadline="2023-12", deadline_raw="年底", progress="一\n二\tthree",
                extra={"备注": "x"}),
        Project(id="X01", table="县级", number=1, name="A", level="县级", status="推进正常",
                status_raw="正常", deadline="2023-09", deadline_raw="2023年8月"),
    ]  # fmt: skip
    expected = (
        "# 兰陵县 2023 年度重点民生实事项目推进情况表（1-6 月份）（县级）\n"
        "\n"
        "编号\t项目名称\t项目概况\t任务目标\t项目月度计划\t项目推进情况\t工作成效\t完成时限\t牵头单位\t项目等级\n"
        "1\tA\t\t\t\t\t正常\t2023-09\t\t县级\n"
        "\n"
        "# 兰陵县 2023 年度重点民生实事项目推进情况表（1-6 月份）（省市级）\n"
        "\n"
        "序号\t项目名称\t项目概况\t任务目标\t月度计划\t项目推进情况\t工作成效\t完成时限\t牵头单位\t项目等级\t备注\n"
        "2\tB &amp; &lt;C&gt;\t\t\t\t<p>一</p><p>二&#9;three</p>"
        "\t进度滞后\t年底\t县民政局\t省级\tx\n"
    )
    assert export_md(report, projects).decode("utf-8") == expected


def test_md_keeps_text_that_looks_like_html_as_text() -> None:
    text = "写<p>段落</p>和<sup>2</sup>、&amp;与&#9;原样\n第二行a<b>c &lt; d"
    project = Project(id="X01", table="县级", number=1, name="名称", progress=text)
    parsed = parse_report_text(export_md(Report(), [project]).decode("utf-8"), "t.md")
    assert parsed.records[0].fields["progress"] == text


_ALPHABET = st.sampled_from(
    list("民生项目推进完成月：，。（）()<>&;#/=+-@'\" \t\nabpPsu0123456789²")
    + ["<p>", "</p>", "<br>", "&amp;", "&lt;", "&#9;", "<sup>2</sup>", "\u3000", "\r\n"]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_ALPHABET, min_size=1, max_size=40).map("".join))
def test_md_round_trips_any_text_the_importer_would_keep(raw: str) -> None:
    """Text as an import leaves it (a fixed point of clean_cell) comes back unchanged; other
    text comes back as an import of it would have been (tabs and blank runs become one space)."""
    text = clean_cell(raw)
    project = Project(id="X01", table="县级", number=1, name="名称", overview=raw,
                      progress=text, target=raw)  # fmt: skip
    md = export_md(Report(year=2023), [project]).decode("utf-8")
    parsed = parse_report_text(md, "t.md")
    assert parsed.warnings == []
    (record,) = parsed.records
    if clean_cell(text) == text:
        assert record.fields["progress"] == text
    assert record.fields["overview"] == record.fields["target"]


def test_updates_become_dated_lines_of_progress(store: ProjectStore, tmp_path: Path) -> None:
    """What an exported table with updates does on import (see store.export's docstring)."""
    store.add_update("X01", "2023-07", "主体完工", source="cli")
    store.add_update("X01", "2024-01", "竣工验收\n已交付", source="cli")
    store.add_update("X02", "2023-08", "完成招标", source="cli")
    x01 = store.get("X01")
    md = export_md(store.report(), [x01]).decode("utf-8")
    assert "<p>7月：主体完工</p><p>2024年1月：竣工验收</p><p>已交付</p>" in md
    # Into a new database: the lines are part of 推进情况, there are no separate updates.
    again = _round_trip(store, "md", tmp_path)
    back = again.get("X01")
    assert back.progress == x01.progress + "\n7月：主体完工\n2024年1月：竣工验收\n已交付"
    assert back.updates == []
    assert again.get("X03").progress == store.get("X03").progress  # no updates: as it was
    # Back into the same database: the lines are known as its updates, nothing doubles.
    path = tmp_path / "again.md"
    write_export(path, export_md(store.report(), store.projects()))
    result = store.import_report(read_report(path), source="import:again.md")
    assert result.changed == []
    assert [u.text for u in store.get("X01").updates] == ["主体完工", "竣工验收\n已交付"]
    assert store.get("X01").progress == x01.progress


# --- xlsx ------------------------------------------------------------------------------------


def test_xlsx_layout(store: ProjectStore) -> None:
    store.set_status("S14", "滞后", source="cli")
    store.set_status("S15", "未启动", source="cli")
    projects = store.projects()
    workbook = openpyxl.load_workbook(io.BytesIO(export_xlsx(store.report(), projects)))
    assert workbook.sheetnames == ["县级", "省市级"]
    for sheet, table, count, first in ((workbook["县级"], "县级", 10, "编号"),
                                       (workbook["省市级"], "省市级", 39, "序号")):  # fmt: skip
        assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:J1"]
        assert sheet["A1"].value == report_title(store.report(), table)
        assert sheet["A1"].font.bold
        header = [c.value for c in sheet[2]]
        assert header[0] == first and header[1] == "项目名称" and header[-1] == "项目等级"
        assert all(c.font.bold for c in sheet[2])
        assert sheet.freeze_panes == "A3"
        # A text too long for the tallest row goes on in rows below, marked 续.
        numbers = [sheet.cell(r, 1).value for r in range(3, sheet.max_row + 1)]
        assert set(numbers) - set(range(1, count + 1)) == {CONTINUED} and numbers[0] == 1
        assert len(numbers) - numbers.count(CONTINUED) == count
        assert sheet.auto_filter.ref == f"A2:J{sheet.max_row}"
        assert sheet.print_title_rows == "$2:$2"
        assert sheet.page_setup.orientation == "landscape"
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        ours = [p for p in projects if p.table == table]
        first_rows = [r for r in range(3, sheet.max_row + 1) if sheet.cell(r, 1).value != CONTINUED]
        for row, project in zip(first_rows, ours, strict=True):
            assert sheet.cell(row, 1).value == project.number
            assert sheet.cell(row, 2).value == project.name
            assert sheet.cell(row, 9).value == project.department
            assert sheet.cell(row, 3).alignment.wrap_text
            colour = STATUS_COLOURS[project.status]
            assert sheet.cell(row, 7).fill.fill_type == "solid"
            assert sheet.cell(row, 7).fill.start_color.rgb.endswith(colour)
        widths = {c: sheet.column_dimensions[c].width for c in "ABCDEFGHIJ"}
        # The columns fill an A4 page's line (110 units in LibreOffice), the long texts widest.
        assert sum(widths.values()) == 110
        assert widths["E"] == widths["F"] > widths["C"] == widths["D"] > widths["A"]
        # Printing: A4, the header row on every page, the title and page numbers on each.
        assert sheet.page_setup.paperSize == 9  # A4
        assert sheet.oddHeader.center.text == report_title(store.report(), table)
        assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
        # 10 pt text everywhere, and no row taller than a sheet allows.
        rows = range(3, sheet.max_row + 1)
        assert {sheet.cell(r, c).font.size for r in rows for c in range(1, 11)} == {10}
        assert {c.font.size for c in sheet[2]} == {10}
        assert all(0 < sheet.row_dimensions[r].height <= 409 for r in rows)
    seen = {
        sheet.cell(row, 7).value: sheet.cell(row, 7).fill.start_color.rgb[-6:]
        for sheet in workbook.worksheets
        for row in range(3, sheet.max_row + 1)
        if sheet.cell(row, 1).value != CONTINUED
    }
    # 已完成 is written 工作完成 in this report, 推进正常 also 正常推进.
    expected = {s: c for s, c in STATUS_COLOURS.items() if s != "已完成"}
    expected |= {"工作完成": STATUS_COLOURS["已完成"], "正常推进": expected["推进正常"]}
    assert seen == expected


def test_xlsx_rows_are_as_tall_as_their_wrapped_text() -> None:
    short = Project(id="X01", table="县级", number=1, name="短", progress="已开工")
    long = Project(id="X02", table="县级", number=2, name="长", progress="推进" * 100)
    sheet = openpyxl.load_workbook(io.BytesIO(export_xlsx(Report(), [short, long])))["县级"]
    width = sheet.column_dimensions["F"].width  # 推进情况
    # 200 CJK characters of 10 pt in a column of ``width`` units of 5.25 pt (Excel's, the
    # narrower): that many lines of 14.5 pt, whatever the column's exact width.
    per_line = int(2 * (5.25 * width + 3.75 - 6) / 10)
    lines = -(-400 // per_line)
    assert sheet.row_dimensions[4].height == pytest.approx(lines * 14.5 + 4)
    assert sheet.row_dimensions[3].height < 25  # one line
    assert sheet.cell(4, 6).font.size == 10


#: A 推进情况 too long for the tallest row of A4: lines that end a sentence, one line longer
#: than a row by itself (cut inside, after a comma), numbers and Latin words all through;
#: written as the store keeps text (no spaces between Chinese and digits: see tidy_lines).
_BATCHES = "，".join(f"第{n}批2023-0{n % 9 + 1}期Wi-Fi覆盖{n * 37}户" for n in range(60))
LONG_PROGRESS = "\n".join(
    [f"{m}月：完成投资1234.5万元，GDP增长6.5%，新建LED路灯{m * 101}盏。" for m in range(1, 9)]
    + [f"全年{_BATCHES}。"]
    + [f"{m}月：验收合格。" for m in range(9, 13)]
)


def _sheet_rows(data: bytes, table: str = "县级") -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))[table]
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]


def test_xlsx_text_too_long_for_a_row_goes_on_in_rows_below(tmp_path: Path) -> None:
    long = Project(id="X01", table="县级", number=1, name="长", progress=LONG_PROGRESS)
    short = Project(id="X02", table="县级", number=2, name="短", progress="已开工")
    data = export_xlsx(Report(), [long, short])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["县级"]
    rows = _sheet_rows(data)
    numbers = [row[0] for row in rows]
    assert numbers[0] == 1 and numbers[-1] == 2 and set(numbers[1:-1]) == {CONTINUED}
    parts = [row[5] for row in rows[:-1]]
    assert len(parts) >= 3
    # Every row within the tallest a sheet has, the text at its normal size.
    for r in range(3, 3 + len(parts)):
        assert 0 < sheet.row_dimensions[r].height <= 409
        assert sheet.cell(r, 6).font.size == 10
    # The continuation rows hold only the text that goes on (and the mark).
    assert all(row[1:5] == [None] * 4 and row[6:] == [None] * 4 for row in rows[1:-1])
    # Cut where the report's own join gives the text back: after a line that ends a
    # sentence, or inside a line never after a sentence's end, nor in a number or a word.
    joined = parts[0]
    for part in parts[1:]:
        assert not part[0].isspace() and not joined[-1].isspace()
        assert not (joined[-1].isascii() and joined[-1].isalnum() and part[0].isascii()
                    and part[0].isalnum())  # fmt: skip
        joined += ("\n" if joined.endswith("。") else "") + part
    assert joined == LONG_PROGRESS
    assert any(not part.endswith("。") for part in parts[:-1])  # the line longer than a row
    assert xlsx_overflow(Report(), [long, short]) == []
    # And an import of the file gives back the two projects as they were.
    path = tmp_path / "long.xlsx"
    path.write_bytes(data)
    parsed = read_report(path)
    assert parsed.warnings == []
    assert [(r.number, r.fields["name"]) for r in parsed.records] == [(1, "长"), (2, "短")]
    assert parsed.records[0].fields["progress"] == LONG_PROGRESS


def test_xlsx_text_with_no_place_to_cut_within_a_row_is_named() -> None:
    # A Latin "word" longer than a row: never cut inside, so its end is cut on paper.
    huge = Project(id="X01", table="县级", number=1, name="长", progress="x" * 2000)
    data = export_xlsx(Report(), [huge])
    sheet = openpyxl.load_workbook(io.BytesIO(data))["县级"]
    assert sheet.max_row == 3 and sheet.cell(3, 6).value == "x" * 2000  # the file keeps it
    assert sheet.row_dimensions[3].height == 409 and sheet.cell(3, 6).font.size == 10
    assert xlsx_overflow(Report(), [huge]) == [(huge, "progress")]
    # Chinese text of the same length goes on in rows below: nothing is cut.
    chinese = Project(id="X02", table="县级", number=2, name="长", progress="推进" * 1000)
    assert xlsx_overflow(Report(), [chinese]) == []
    assert len(_sheet_rows(export_xlsx(Report(), [chinese]))) > 3


def test_bundled_report_prints_whole_on_a4_and_a3(store: ProjectStore, tmp_path: Path) -> None:
    report, projects = store.report(), store.projects()
    for paper in ("A4", "A3"):
        assert xlsx_overflow(report, projects, paper) == []
        data = export_bytes("xlsx", report, projects, paper=paper)
        numbers = [row[0] for table in ("县级", "省市级") for row in _sheet_rows(data, table)]
        continued = numbers.count(CONTINUED)
        assert continued >= (8 if paper == "A4" else 2)  # the cells that were cut before


#: Characters of a report's text: Chinese, fullwidth and CJK punctuation, Latin, digits,
#: the narrow marks Chinese text uses (“”—…①), Latin-1 letters.
REPORT_CHARS = "兰陵县推进完成，。、；：（）《》“”—…①②ｍ² aZ09.%-/éü"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=REPORT_CHARS, max_size=80), st.integers(0, 200))
def test_xlsx_measures_text_as_cell_len_does(line: str, cells: int) -> None:
    from rich.cells import cell_len

    from store.export import _cell_width, _fitting, _line_widths

    assert _cell_width(line) == cell_len(line)
    assert _line_widths(f"{line}\n{line[::-1]}") == [cell_len(line)] * 2
    kept = _fitting(line, cells)  # the most characters that fit ``cells``
    assert cell_len(line[:kept]) <= cells
    assert kept == len(line) or cell_len(line[: kept + 1]) > cells


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.text(alphabet=REPORT_CHARS + "。。。", min_size=1, max_size=400), max_size=12))
def test_xlsx_continued_rows_import_as_the_text_they_hold(
    tmp_path_factory: Any, lines: list[str]
) -> None:
    text = tidy_lines("\n".join(lines)) + "完" * 900  # (long enough to go on in rows below)
    plan = tidy_lines(text[::-1])  # (as the store keeps text)
    project = Project(id="X01", table="县级", number=1, name="甲", progress=text, plan=plan)
    path = tmp_path_factory.mktemp("xlsx") / "long.xlsx"
    path.write_bytes(export_xlsx(Report(), [project]))
    (record,) = read_report(path).records
    assert (record.fields["progress"], record.fields["plan"]) == (text, plan)


def test_xlsx_on_a3_is_set_up_for_a3() -> None:
    projects = [Project(id="X01", table="县级", number=1, name="x", progress="y")]
    a3 = openpyxl.load_workbook(io.BytesIO(export_bytes("xlsx", Report(), projects, paper="A3")))
    sheet = a3["县级"]
    assert sheet.page_setup.paperSize == 8  # A3
    assert sum(sheet.column_dimensions[c].width for c in "ABCDEFGHIJ") == 158
    with pytest.raises(ExportError, match="B5"):
        export_xlsx(Report(), projects, paper="B5")


SPREADSHEET_TRAPS = ['=HYPERLINK("http://x","点击")', "+1", "-2", "@SUM(A1)", "=1+1\n第二行"]


def test_xlsx_never_writes_formulas(tmp_path: Path) -> None:
    projects = [
        Project(id=f"X{i:02d}", table="县级", number=i, name=text, progress=text, department=text)
        for i, text in enumerate(SPREADSHEET_TRAPS, start=1)
    ]
    data = export_xlsx(Report(year=2023), projects)
    sheet = openpyxl.load_workbook(io.BytesIO(data))["县级"]
    for row, text in enumerate(SPREADSHEET_TRAPS, start=3):
        for col in (2, 6, 9):
            cell = sheet.cell(row, col)
            assert cell.data_type == "s" and cell.value == text
            assert cell.quotePrefix
    # And the importer reads them back as the text they are.
    path = tmp_path / "traps.xlsx"
    path.write_bytes(data)
    records = read_report(path).records
    assert [r.fields["name"] for r in records] == SPREADSHEET_TRAPS
    assert [r.fields["progress"] for r in records] == SPREADSHEET_TRAPS


def test_xlsx_sheet_names_are_valid_and_distinct() -> None:
    projects = [
        Project(id="A", table="a/b:c", number=1, name="x"),
        Project(id="B", table="a?b*c", number=1, name="y"),
        Project(id="C", table="长" * 40, number=1, name="z"),
    ]
    workbook = openpyxl.load_workbook(io.BytesIO(export_xlsx(Report(), projects)))
    names = workbook.sheetnames
    assert names[0] == "a_b_c" and names[1] == "a_b_c (2)" and len(names[2]) == 31


def test_xlsx_of_nothing_is_a_workbook() -> None:
    workbook = openpyxl.load_workbook(io.BytesIO(export_xlsx(Report(), [])))
    assert workbook.sheetnames == ["县级"]


# --- csv -------------------------------------------------------------------------------------


def test_csv_has_a_bom_a_title_and_a_table_column(store: ProjectStore) -> None:
    data = export_csv(store.report(), store.projects())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["兰陵县 2023 年度重点民生实事项目推进情况表（1-6 月份）"]
    assert rows[1][:3] == ["表", "编号", "项目名称"] and len(rows[1]) == 11
    assert [r[0] for r in rows[2:]] == ["县级"] * 10 + ["省市级"] * 39
    assert len(rows) == 51


def test_csv_quotes_what_a_spreadsheet_would_run() -> None:
    projects = [
        Project(id=f"X{i:02d}", table="县级", number=i, name=text, progress=text)
        for i, text in enumerate(SPREADSHEET_TRAPS + ["\tx", "普通"], start=1)
    ]
    rows = list(csv.reader(io.StringIO(export_csv(Report(), projects).decode("utf-8-sig"))))
    names = [r[2] for r in rows[2:]]
    assert names == ["'" + t for t in SPREADSHEET_TRAPS] + ["'\tx", "普通"]
    assert [r[6] for r in rows[2:]] == names


def test_csv_round_trips_formula_like_text(tmp_path: Path) -> None:
    projects = [Project(id="X01", table="县级", number=1, name="=1+1", progress="-2")]
    path = tmp_path / "traps.csv"
    path.write_bytes(export_csv(Report(), projects))
    (record,) = read_report(path).records
    assert (record.fields["name"], record.fields["progress"]) == ("=1+1", "-2")


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_guarded_in_csv_and_xlsx(start: str) -> None:
    text = f"{start}1+2"
    projects = [Project(id="X01", table="县级", number=1, name=text, progress="普通")]
    rows = list(csv.reader(io.StringIO(export_csv(Report(), projects).decode("utf-8-sig"))))
    assert rows[2][2] == "'" + text and rows[2][6] == "普通"
    sheet = openpyxl.load_workbook(io.BytesIO(export_xlsx(Report(), projects)))["县级"]
    assert sheet.cell(3, 2).data_type == "s" and sheet.cell(3, 2).quotePrefix
    assert not sheet.cell(3, 6).quotePrefix


def test_csv_refuses_an_unknown_encoding() -> None:
    with pytest.raises(ExportError, match="latin-1"):
        export_csv(Report(), [], "latin-1")


# --- json ------------------------------------------------------------------------------------


def test_json_is_the_full_model_with_month_items(store: ProjectStore) -> None:
    store.add_update("X01", "2023-07", "主体完工", source="cli")
    data = json.loads(export_json(store.report(), store.projects()))
    assert data["report"]["period"] == {"from": 1, "to": 6}
    assert data["report"]["region"] == "兰陵县"
    x01 = data["projects"][0]
    model_keys = list(Project.from_dict(x01).to_dict())
    assert list(x01) == model_keys + ["plan_items", "progress_items", "schedule"]
    assert x01["updates"][0]["text"] == "主体完工"
    plan = x01["plan_items"]
    assert plan[0] == {"months": [1], "text": plan[0]["text"]}
    assert plan[0]["text"].startswith("1月：") and [i["months"] for i in plan][-1] == [8]
    assert all(isinstance(m, int) for item in plan for m in item["months"])
    # An undated progress item covers the report period.
    assert x01["progress_items"][0]["months"] == [1, 2, 3, 4, 5, 6]
    assert "".join(i["text"] for i in x01["progress_items"]).replace(" ", "") in x01[
        "progress"
    ].replace(" ", "").replace("\n", "")


def test_json_is_laid_out_as_json_writes_it(store: ProjectStore) -> None:
    # Indented by two, Chinese as it is, keys in the model's order: the bytes json.dumps gives.
    data = export_json(store.report(), store.projects())
    again = json.dumps(json.loads(data), ensure_ascii=False, indent=2) + "\n"
    assert data.decode("utf-8") == again
    assert "兰陵县" in again and "\\u" not in again


def test_json_writes_integers_beyond_64_bits_exactly() -> None:
    huge = 2**70 + 1  # orjson refuses it: json writes it
    project = Project(id="X01", table="县级", number=huge, name="很大的编号")
    data = export_json(Report(region="兰陵县"), [project])
    assert json.loads(data)["projects"][0]["number"] == huge
    assert data.endswith(b"\n") and "很大的编号".encode() in data


# --- html ------------------------------------------------------------------------------------


def test_html_is_one_self_contained_escaped_page(store: ProjectStore) -> None:
    store.update_fields("X01", {"name": "<script>alert(1)</script> & co"}, source="cli")
    page = export_html(store.report(), store.projects()).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "http" not in page and "src=" not in page and "<link" not in page
    assert "@page { size: A4 landscape" in page
    assert page.count("<tr id=") == 49 and page.count("<h1>") == 2
    assert 'class="status status-推进正常"' in page


# --- writing ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_every_format_writes_something(store: ProjectStore, fmt: str) -> None:
    assert len(export_bytes(fmt, store.report(), store.projects())) > 10_000


def test_formats_come_from_one_registry() -> None:
    assert EXPORT_FORMATS == tuple(FORMAT_REGISTRY) == ("md", "xlsx", "csv", "json", "html")
    for name, spec in FORMAT_REGISTRY.items():
        assert spec.name == name and spec.label and spec.hint
        assert EXTENSIONS[name] == spec.suffix == f".{name}"
        assert format_of(Path(f"a/report{spec.suffix.upper()}")) == name
    assert format_of(Path("report.txt")) == "json"
    assert format_of(Path("report"), default="") == ""
    assert FORMAT_REGISTRY["csv"].encodings == CSV_ENCODINGS
    assert all(not f.encodings for n, f in FORMAT_REGISTRY.items() if n != "csv")


def test_an_encoding_goes_to_the_formats_that_offer_one() -> None:
    projects = [Project(id="X01", table="县级", number=1, name="甲")]
    assert not export_bytes("csv", Report(), projects, encoding="gb18030").startswith(b"\xef")
    assert export_bytes("md", Report(), projects, encoding="gb18030") == export_md(
        Report(), projects
    )


def test_the_reports_columns_come_from_the_field_registry() -> None:
    assert REPORT_COLUMNS == (
        ("name", "项目名称", "项目名称"),
        ("overview", "项目概况", "项目概况"),
        ("target", "任务目标", "任务目标"),
        ("plan", "项目月度计划", "月度计划"),
        ("progress", "项目推进情况", "项目推进情况"),
        ("status", "工作成效", "工作成效"),
        ("deadline", "完成时限", "完成时限"),
        ("department", "牵头单位", "牵头单位"),
        ("level", "项目等级", "项目等级"),
    )
    assert report_headers("县级")[:1] == ["编号"] and report_headers("省市级")[:1] == ["序号"]


def test_status_fills_come_from_the_status_registry() -> None:
    assert STATUS_COLOURS == {s.name: s.fill for s in STATUS_REGISTRY.values()}
    projects = [
        Project(id=f"X{i:02d}", table="县级", number=i, name="甲", status=status)
        for i, status in enumerate(STATUS_REGISTRY, start=1)
    ]
    page = export_html(Report(), projects).decode("utf-8")
    sheet = openpyxl.load_workbook(io.BytesIO(export_xlsx(Report(), projects)))["县级"]
    for row, status in enumerate(STATUS_REGISTRY.values(), start=3):
        assert f".status-{status.name} {{ background: #{status.fill}; }}" in page
        assert sheet.cell(row, 7).fill.start_color.rgb.endswith(status.fill)


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ExportError, match="pdf"):
        export_bytes("pdf", Report(), [])


def test_write_export_keeps_an_existing_file_unless_forced(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    write_export(path, b"first")
    with pytest.raises(ExportExistsError, match="已经存在（加 --force 覆盖）"):
        write_export(path, b"second")
    assert path.read_bytes() == b"first"
    write_export(path, b"second", force=True)
    assert path.read_bytes() == b"second"


def test_write_export_into_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ExportFolderError, match="不存在") as info:
        write_export(tmp_path / "no" / "out.json", b"x")
    assert info.value.code == errno.ENOENT


def test_a_failed_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportError) as info:
        write_export(path, b"new" * 1000, force=True)
    assert info.value.code == errno.ENOSPC and "磁盘已满" in str(info.value)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.xlsx"]


# --- what is at the path ---------------------------------------------------------------------


def test_a_fifo_is_refused_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "out.json"
    os.mkfifo(fifo)
    for force in (False, True):
        with pytest.raises(ExportTargetError) as info:
            write_export(fifo, b"data", force=force)
        message = str(info.value)
        assert message.startswith(f"{fifo}：是命名管道（FIFO），不是普通文件")
        assert "\n" not in message and "--force" not in message and "标准输出" in message
        assert info.value.path == fifo
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary file either


def test_a_device_is_refused_even_with_force(monkeypatch: pytest.MonkeyPatch) -> None:
    # As root, a write here would replace /dev/null itself: make sure none can happen.
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("an export tried to write over a device")

    monkeypatch.setattr("store.export.atomic_write_bytes", never)
    monkeypatch.setattr("store.export.sweep_temp_files", never)
    before = os.lstat(os.devnull)
    with pytest.raises(ExportTargetError, match="是字符设备，不是普通文件"):
        write_export(Path(os.devnull), b"data", force=True)
    after = os.lstat(os.devnull)
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_a_symlink_to_a_file_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_bytes(b"old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    with pytest.raises(ExportExistsError):
        write_export(link, b"new")
    write_export(link, b"new", force=True)
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.md", "real.md"]


def test_a_symlink_to_nothing_or_to_a_fifo_is_refused(tmp_path: Path) -> None:
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "elsewhere" / "x.md")
    with pytest.raises(ExportTargetError, match="而那里没有文件"):
        write_export(dangling, b"x", force=True)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    to_fifo = tmp_path / "to-fifo.md"
    to_fifo.symlink_to(fifo)
    with pytest.raises(ExportTargetError, match="FIFO"):
        write_export(to_fifo, b"x", force=True)
    assert dangling.is_symlink() and to_fifo.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dangling.md", "pipe", "to-fifo.md"]


#: A child process that runs ``code`` and stops for good just before it would rename a file
#: whose path holds ``argv[1]`` into place: it prints "mid-write" and waits to be killed.
KILLED_MID_WRITE = textwrap.dedent(
    """
    import os, sys, time
    stop_at, code = sys.argv[1], sys.argv[2]
    replace = os.replace
    def stopping(src, dst, *args, **kwargs):
        if stop_at in str(dst):
            print("mid-write", flush=True)
            time.sleep(600)
        return replace(src, dst, *args, **kwargs)
    os.replace = stopping
    exec(code)
    """
)


def kill_mid_write(stop_at: str, code: str) -> None:
    """Run ``code`` in a child process and SIGKILL it while it writes ``stop_at``."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_WRITE, stop_at, code],
        env=env,
        text=True,
        stdout=subprocess.PIPE,
    )
    assert child.stdout is not None
    try:
        assert child.stdout.readline() == "mid-write\n"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()


def test_the_next_export_removes_what_a_killed_export_left(tmp_path: Path) -> None:
    out = tmp_path / "out.md"
    code = f"from store.export import write_export; write_export({str(out)!r}, b'x' * 100000)"
    kill_mid_write("out.md", code)
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(".out.md.") and left[0].endswith(".tmp")
    (tmp_path / "other.md").write_bytes(b"")
    (tmp_path / ".other.md.1-0123abcd.tmp").write_bytes(b"")  # another file's: not ours
    write_export(out, b"done")
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".other.md.1-0123abcd.tmp",
        "other.md",
        "out.md",
    ]
    assert out.read_bytes() == b"done"


def test_an_export_the_app_writes_judges_by_the_stored_rule(
    store: ProjectStore, tmp_path: Path
) -> None:
    from store.schedule import ScheduleSettings, project_schedule
    from store.snapshots import save_export

    stricter = ScheduleSettings(ahead=1.5, on_time=1.2, slow=1.0)
    store.set_schedule_settings(stricter, source="cli")
    path = tmp_path / "out.json"
    save_export(store, path, "json", store.projects())  # as the export dialog does
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schedule_rule"] == stricter.to_dict()
    expected = [project_schedule(p, store.report(), stricter).to_json() for p in store.projects()]
    assert [p["schedule"] for p in data["projects"]] == expected
    by_default = json.loads(export_json(store.report(), store.projects()))
    assert by_default["schedule_rule"] == ScheduleSettings().to_dict()
    assert [p["schedule"] for p in by_default["projects"]] != expected  # the rule matters

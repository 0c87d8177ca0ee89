"""Quantitative progress tables: numbers in columns, merged group and lead-unit cells."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.styles import Border, Side

from importers.report import (
    _MergedCells,
    _parse_title,
    parse_csv_text,
    parse_xlsx_bytes,
    read_report,
)
from store.models import ParsedReport

TITLE = "2017年1—11月十大民生工程项目实施进度表"
HEADER = [
    "类别",
    "序号",
    "项目名称",
    "牵头单位",
    "目标任务",
    "进度",
    "完成目标(%)",
    "形象进度(%)",
    "是否达序",
]
ROWS: list[list[Any]] = [
    ["就业创业工程", 1, "城镇新增就业(人)", "市人社局", 50000, 52340, 104.7, None, "超额完成"],
    [None, 2, "就业困难人员就业(人)", None, 3000, 2700, 90, None, "达到时间进度"],
    [None, 3, "农村劳动力转移就业（人）", "市农业局", 40000, "完成3.1万人", 77.5, None, "滞后"],
    ["交通工程", 4, "新建改造提升(公里)", "市交通局", "新建改造提升农村公路600公里", 580]
    + [None, 96.7, "达到时间进度"],
    ["教育工程", 5, "新建幼儿园", "市教育局", "20所", "已开工18所，竣工12所", None, 0.6, "滞后"],
    ["卫生工程", 6, "村卫生室标准化(个)", "市卫计委", None, None, None, None, None],
]
THIN = Side(style="thin")


def quantitative_workbook() -> bytes:
    """The table as an office suite saves it: the title merged across, the group merged over
    three rows, a lead unit over two, every cell of the table bordered (covered ones too)."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append([TITLE])
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    sheet.merge_cells("A1:I1")
    sheet.merge_cells("A3:A5")  # 就业创业工程 over three items
    sheet.merge_cells("D3:D4")  # 市人社局 over two
    sheet["H7"].number_format = "0%"  # saved as 0.6, shown as 60%
    for line in sheet.iter_rows(min_row=2, max_row=8, max_col=9):
        for cell in line:
            cell.border = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def parsed() -> ParsedReport:
    """The workbook above, imported."""
    return parse_xlsx_bytes(quantitative_workbook(), "进度表.xlsx")


def indicator(name: str, unit: str, target: Any, actual: Any, percent: Any, words: str) -> dict:
    """An indicator as the importer gives it."""
    return {
        "name": name,
        "unit": unit,
        "target": target,
        "actual": actual,
        "reported_percent": percent,
        "reported_words": words,
        "source": "column",
    }


def test_the_workbook_has_the_merges_it_is_meant_to() -> None:
    sheet = openpyxl.load_workbook(io.BytesIO(quantitative_workbook())).active
    assert sheet is not None
    assert sorted(map(str, sheet.merged_cells.ranges)) == ["A1:I1", "A3:A5", "D3:D4"]


def test_records_have_the_text_fields(parsed: ParsedReport) -> None:
    assert parsed.warnings == []
    assert [(r.table, r.number, r.line) for r in parsed.records] == [
        ("默认", n, n + 2) for n in range(1, 7)
    ]
    first = parsed.records[0]
    assert first.fields == {
        "name": "城镇新增就业(人)",
        "department": "市人社局",
        "target": "50000人",  # a bare number takes the item's unit
        "progress": "52340人",
    }
    assert parsed.records[3].fields["target"] == "新建改造提升农村公路600公里"
    assert parsed.records[4].fields["progress"] == "已开工18所，竣工12所"
    assert parsed.columns == ("name", "target", "progress", "department")


def test_merged_cells_are_carried_down(parsed: ParsedReport) -> None:
    groups = [r.extra.get("类别") for r in parsed.records]
    assert groups == ["就业创业工程"] * 3 + ["交通工程", "教育工程", "卫生工程"]
    departments = [r.fields["department"] for r in parsed.records]
    assert departments[:3] == ["市人社局", "市人社局", "市农业局"]


def test_each_row_has_its_indicator(parsed: ParsedReport) -> None:
    assert [r.indicators for r in parsed.records] == [
        [indicator("城镇新增就业", "人", 50000, 52340, 104.7, "超额完成")],
        [indicator("就业困难人员就业", "人", 3000, 2700, 90, "达到时间进度")],
        # "3.1万人" is not in the item's unit as written: no actual, rather than a guess
        [indicator("农村劳动力转移就业", "人", 40000, None, 77.5, "滞后")],
        [indicator("新建改造提升", "公里", 600, 580, 96.7, "达到时间进度")],
        # two numbers in 进度 (开工, 竣工): which one is the actual is not for us to say
        [indicator("新建幼儿园", "所", 20, None, 60, "滞后")],
        [indicator("村卫生室标准化", "个", None, None, None, "")],  # empty cells are None
    ]


def test_the_period_comes_from_the_title(parsed: ParsedReport) -> None:
    report = parsed.report
    assert (report.year, report.period_from, report.period_to) == (2017, 1, 11)
    assert report.titles == {"默认": TITLE}


@pytest.mark.parametrize("months", ["1—11月", "1-11月", "1至11月", "1－11月", "1~11月"])
def test_the_period_is_read_in_every_spelling(months: str) -> None:
    assert _parse_title(f"2017年{months}十大民生工程项目实施进度表").period == (1, 11)


def test_a_number_merged_over_rows_makes_one_project_with_several_items() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2017年1至11月民生实事进度表"])
    sheet.append(["序号", "工程名称", "指标", "牵头单位", "目标任务", "完成情况"] + ["序时进度"])
    sheet.append([1, "就业创业工程", "城镇新增就业(人)", "市人社局", 50000, 52340, "超序时"])
    sheet.append([None, None, "创业担保贷款(万元)", None, 80000, None, None])
    sheet.append([2, "公路工程", "新建改造(公里)", "市交通局", 600, 580, "按序时"])
    for ref in ("A3:A4", "B3:B4", "D3:D4"):
        sheet.merge_cells(ref)
    out = io.BytesIO()
    book.save(out)
    parsed = parse_xlsx_bytes(out.getvalue(), "q.xlsx")
    assert parsed.warnings == []
    assert [(r.number, r.fields["name"], r.fields["department"]) for r in parsed.records] == [
        (1, "就业创业工程", "市人社局"),
        (2, "公路工程", "市交通局"),
    ]
    first = parsed.records[0]
    assert first.fields["target"] == "50000人\n80000万元"
    assert first.fields["progress"] == "52340人"
    assert first.extra["指标"] == "城镇新增就业(人)\n创业担保贷款(万元)"
    assert first.indicators == [
        indicator("城镇新增就业", "人", 50000, 52340, None, "超序时"),
        indicator("创业担保贷款", "万元", 80000, None, None, ""),
    ]
    assert (parsed.report.period_from, parsed.report.period_to) == (1, 11)


def test_a_csv_table_gives_indicators_too() -> None:
    text = (
        "2017年1-11月民生工程进度表\n"
        "序号,项目名称,牵头单位,目标任务,进度,完成目标(%),是否达序\n"
        '1,城镇新增就业(人),市人社局,50000,"52,340",104.7%,超额完成\n'
        "2,棚户区改造(套),市住建局,12000套,8000,,滞后\n"
    )
    parsed = parse_csv_text(text, "q.csv")
    assert [r.indicators for r in parsed.records] == [
        [indicator("城镇新增就业", "人", 50000, 52340, 104.7, "超额完成")],
        [indicator("棚户区改造", "套", 12000, 8000, None, "滞后")],
    ]
    assert (parsed.report.period_from, parsed.report.period_to) == (1, 11)


def test_an_ordinary_report_has_no_indicators(bundled_path: Path) -> None:
    parsed = read_report(bundled_path)
    assert len(parsed.records) == 49
    assert all(record.indicators == [] for record in parsed.records)


def test_merged_cells_in_an_ordinary_table_carry_the_unit_down() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编号", "项目名称", "牵头单位", "推进情况"])
    sheet.append([1, "两河体育公园", "县教育局", "已开工"])
    sheet.append([2, "校园足球", None, "招标中"])
    sheet.merge_cells("C2:C3")
    out = io.BytesIO()
    book.save(out)
    parsed = parse_xlsx_bytes(out.getvalue(), "t.xlsx")
    assert [r.fields["department"] for r in parsed.records] == ["县教育局", "县教育局"]
    assert all(record.indicators == [] for record in parsed.records)


def test_a_header_on_two_rows_reads_as_its_lower_row() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["序号", "项目名称", "牵头单位", "目标任务", "完成情况", None, "是否达序"])
    sheet.append([None, None, None, None, "完成目标(%)", "形象进度(%)", None])
    sheet.append([1, "新建公园(处)", "市住建局", 10, None, 80, "达到时间进度"])
    for ref in ("A1:A2", "B1:B2", "C1:C2", "D1:D2", "E1:F1", "G1:G2"):
        sheet.merge_cells(ref)
    out = io.BytesIO()
    book.save(out)
    parsed = parse_xlsx_bytes(out.getvalue(), "h.xlsx")
    assert parsed.warnings == []
    assert parsed.records[0].fields == {
        "name": "新建公园(处)",
        "department": "市住建局",
        "target": "10处",
    }
    assert parsed.records[0].indicators == [
        indicator("新建公园", "处", 10, None, 80, "达到时间进度")
    ]


def test_overlapping_merged_ranges_do_not_pile_up() -> None:
    merged = _MergedCells(["A1:A3", "A2:A4", "B2:C3", "A1:A1"])
    rows = [["组", "x"], ["", ""], ["", ""], ["", ""]]
    covered = [merged.fill(n, row) for n, row in enumerate(rows, start=1)]
    assert rows == [["组", "x"], ["组", ""], ["组", ""], ["", ""]]
    assert covered == [frozenset(), {0}, {0}, frozenset()]

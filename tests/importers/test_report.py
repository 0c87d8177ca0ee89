"""The report importer: the bundled report, its re-saved copies, CSV/XLSX, other offices' tables."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from importers.report import clean_cell, decode_text, parse_report_text, read_report
from store.models import FIELD_LABELS, ImportFormatError, ParsedReport, ProjectRecord

from .conftest import GOLDEN

HEADER_WORDS = ["序号", *FIELD_LABELS.values(), "表"]
FIELD_ORDER = list(FIELD_LABELS)


def rows_of(parsed: ParsedReport) -> list[tuple[str, int, dict[str, str], dict[str, str]]]:
    """The records without their line numbers, which differ between formats."""
    return [(r.table, r.number, r.fields, r.extra) for r in parsed.records]


def record(parsed: ParsedReport, table: str, number: int) -> ProjectRecord:
    """The one record with this table and number."""
    [found] = [r for r in parsed.records if r.table == table and r.number == number]
    return found


def assert_one_line_error(exc: ImportFormatError, path: Path, line: int | None) -> None:
    """Messages are one line, start with the path and name the line where there is one."""
    message = str(exc)
    assert "\n" not in message
    assert message.startswith(str(path))
    if line is not None:
        assert message.startswith(f"{path} 第{line}行：")


# --- the bundled report ---


def test_bundled_report_has_49_projects_in_two_tables(bundled: ParsedReport) -> None:
    numbers = {
        table: [r.number for r in bundled.records if r.table == table]
        for table in ("县级", "省市级")
    }
    assert numbers == {"县级": list(range(1, 11)), "省市级": list(range(1, 40))}
    assert len(bundled.records) == 49
    assert bundled.warnings == []


def test_bundled_report_levels(bundled: ParsedReport) -> None:
    levels = Counter(r.fields["level"] for r in bundled.records)
    assert levels == {"县级": 10, "市级": 13, "省级": 26}


def test_bundled_report_title_metadata(bundled: ParsedReport) -> None:
    report = bundled.report
    assert (report.region, report.year, report.period_from, report.period_to) == (
        "兰陵县",
        2023,
        1,
        6,
    )
    assert list(report.titles) == ["县级", "省市级"]
    assert report.titles["县级"] == "兰陵县 2023 年度重点民生实事项目推进情况表（1-6 月份）（县级）"


def test_bundled_report_text_is_clean(bundled: ParsedReport) -> None:
    texts = [v for r in bundled.records for v in [*r.fields.values(), *r.extra.values()]]
    for tag in ("<p>", "</p>", "<sup>", "</sup>"):
        assert not any(tag in text for text in texts)
    # Repeated header rows never become projects.
    assert not any(r.fields["name"] == "项目名称" for r in bundled.records)
    first = record(bundled, "县级", 1)
    assert "占地约13万m²" in first.fields["overview"]
    assert first.fields["deadline"] == "2023年8月"
    # <p> items become lines.
    plan = record(bundled, "省市级", 3).fields["plan"]
    assert plan.startswith("①1月，受理审批残疾儿童康复救助申请。\n②2月，")


def test_page_break_continuation_joins_the_split_word(bundled: ParsedReport) -> None:
    progress = record(bundled, "省市级", 14).fields["progress"]
    assert "梯级发展工程行动计划路线图" in progress
    assert "11. 6月26日，完成第一批山东省高水平中等职业学校" in progress
    # The continuation row has no number: it adds no project and touches no other project.
    assert "行动计划路线图" not in record(bundled, "省市级", 15).fields["progress"]


@pytest.mark.parametrize("mark", ["续", "（续）", "(续)", " 续 "])
def test_a_row_marked_continued_goes_on_with_the_project_above(mark: str) -> None:
    # As a workbook's text too long for one row goes on in the row below (or an office marks
    # a row cut by a page break): the text joins on a new line after a sentence's end.
    text = (
        "# 县级\n\n编号\t项目名称\t项目推进情况\t项目等级\n"
        "1\t甲\t完成设计。\t县级\n"
        f"{mark}\t\t完成招标，\t\n"
        f"{mark}\t\t开工建设。\t\n"
        "2\t乙\t已开工\t县级\n"
    )
    parsed = parse_report_text(text, "r.md")
    assert parsed.warnings == []
    assert [(r.number, r.fields["name"]) for r in parsed.records] == [(1, "甲"), (2, "乙")]
    assert parsed.records[0].fields["progress"] == "完成设计。\n完成招标，开工建设。"
    assert parsed.records[0].fields["level"] == "县级"


def test_bundled_report_matches_golden(bundled: ParsedReport) -> None:
    golden = GOLDEN / "lanling-2023-h1.json"
    actual = {
        "report": bundled.report.to_dict(),
        "records": [
            {
                "table": r.table,
                "number": r.number,
                "line": r.line,
                "fields": r.fields,
                "extra": r.extra,
            }
            for r in bundled.records
        ],
        "warnings": bundled.warnings,
    }
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(json.dumps(actual, ensure_ascii=False, indent=1) + "\n", "utf-8")
    assert json.loads(golden.read_text("utf-8")) == actual


# --- the same report, saved by other programs ---


@pytest.mark.parametrize(
    ("encoding", "newline"),
    [("gb18030", "\n"), ("utf-8-sig", "\n"), ("utf-8", "\r\n"), ("gb18030", "\r\n")],
    ids=["gb18030", "utf-8-bom", "crlf", "gb18030-crlf"],
)
def test_resaved_copies_read_the_same(
    tmp_path: Path, bundled_path: Path, bundled: ParsedReport, encoding: str, newline: str
) -> None:
    text = bundled_path.read_text("utf-8")
    copy = tmp_path / "兰陵 上半年.md"
    copy.write_bytes(text.replace("\n", newline).encode(encoding))
    parsed = read_report(copy)
    assert parsed.records == bundled.records
    assert parsed.report == bundled.report
    assert parsed.warnings == []


def test_decode_text_prefers_utf8_then_gb18030() -> None:
    assert decode_text("兰陵县".encode(), "x") == "兰陵县"
    assert decode_text("兰陵县".encode("gbk"), "x") == "兰陵县"
    assert decode_text("\ufeff兰陵县".encode(), "x") == "兰陵县"
    assert decode_text("兰陵县".encode("utf-16"), "x") == "兰陵县"


# --- CSV and XLSX exports of the same tables ---


def export_rows(parsed: ParsedReport) -> list[list[str]]:
    """Header (report words and 表) and one row per record, as an export would write them."""
    rows = [HEADER_WORDS]
    for r in parsed.records:
        rows.append([str(r.number), *(r.fields.get(f, "") for f in FIELD_ORDER), r.table])
    return rows


def test_csv_export_reads_back_the_same(tmp_path: Path, bundled: ParsedReport) -> None:
    path = tmp_path / "导出.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows(export_rows(bundled))
    parsed = read_report(path)
    assert rows_of(parsed) == rows_of(bundled)
    assert list(parsed.report.titles) == ["县级", "省市级"]
    assert parsed.warnings == []


def test_xlsx_export_reads_back_the_same(tmp_path: Path, bundled: ParsedReport) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in export_rows(bundled):
        sheet.append([int(row[0]) if row[0].isdigit() else row[0], *row[1:]])
    path = tmp_path / "导出.xlsx"
    workbook.save(path)
    parsed = read_report(path)
    assert rows_of(parsed) == rows_of(bundled)
    assert parsed.warnings == []


def test_xlsx_sheets_with_title_rows(tmp_path: Path, bundled: ParsedReport) -> None:
    """One sheet per table, each under a merged title row, numbers stored as floats."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table, title in bundled.report.titles.items():
        sheet = workbook.create_sheet(f"表{len(workbook.worksheets) + 1}")
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(FIELD_ORDER) + 1)
        sheet.append(["编号", *FIELD_LABELS.values()])
        for r in bundled.records:
            if r.table == table:
                sheet.append([float(r.number), *(r.fields.get(f, "") for f in FIELD_ORDER)])
    path = tmp_path / "report.xlsx"
    workbook.save(path)
    parsed = read_report(path)
    assert rows_of(parsed) == rows_of(bundled)
    assert parsed.report == bundled.report
    assert parsed.records[0].line == 3  # spreadsheet rows: title, header, then the first project


# --- other offices' tables ---


def test_table_without_project_name_uses_project_content(tmp_path: Path) -> None:
    path = tmp_path / "乡镇报送.csv"
    rows = [
        ["序号", "项目内容", "责任单位", "当前进度", "备注"],
        ["1", "新建村级文体广场 130 处", "县教育体育局", "已完成 60 处", "资金已到位"],
        ["（2）", "更新健身器材", "县体育中心", "招标中", ""],
    ]
    with path.open("w", encoding="gb18030", newline="") as fh:
        csv.writer(fh).writerows(rows)
    parsed = read_report(path)
    assert [(r.table, r.number, r.fields, r.extra) for r in parsed.records] == [
        (
            "默认",
            1,
            {
                "name": "新建村级文体广场130处",
                "department": "县教育体育局",
                "progress": "已完成60处",
            },
            {"备注": "资金已到位"},
        ),
        (
            "默认",
            2,
            {"name": "更新健身器材", "department": "县体育中心", "progress": "招标中"},
            {},
        ),
    ]
    assert parsed.records[1].line == 3


def test_title_row_above_csv_and_other_vocabulary(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    path.write_text(
        "某某县2024年重点民生实事推进情况表（3月份）\n"
        "编号,项目名称,目标任务,计划,进展情况,推进状态,时间节点,牵头部门,等级,资金（万元）\n"
        "1,城区供暖,新增供暖面积,3月开工,已开工,正常推进,2024.10,县住建局,县级,500\n",
        encoding="utf-8",
    )
    parsed = read_report(path)
    assert (parsed.report.region, parsed.report.year) == ("某某县", 2024)
    assert (parsed.report.period_from, parsed.report.period_to) == (3, 3)
    [r] = parsed.records
    assert r.fields == {
        "name": "城区供暖",
        "target": "新增供暖面积",
        "plan": "3月开工",
        "progress": "已开工",
        "status": "正常推进",
        "deadline": "2024.10",
        "department": "县住建局",
        "level": "县级",
    }
    assert r.extra == {"资金（万元）": "500"}


def test_report_without_title_and_with_odd_rows(tmp_path: Path) -> None:
    path = tmp_path / "草稿.md"
    path.write_text(
        "\t续行没有上一项\t\n"  # before any header: a warning, not a project
        "序号\t项目名称\t推进情况\t完成时限\n"
        "1.\t公厕改造\t完成 3 座\t2023 年 12 月\t\t\n"  # extra empty cells: fine
        "２\t路灯安装\t已安装\t\n"
        "\t\t，另有 2 座在建\t\n"  # continues 2's progress after a comma: no separator
        "3\t\t\t\n",  # a number without a name: warned and skipped
        encoding="utf-8",
    )
    parsed = read_report(path)
    assert [(r.table, r.number, r.fields["name"]) for r in parsed.records] == [
        ("默认", 1, "公厕改造"),
        ("默认", 2, "路灯安装"),
    ]
    assert parsed.records[0].fields["deadline"] == "2023年12月"
    assert parsed.records[1].fields["progress"] == "已安装，另有2座在建"
    assert parsed.report.region == "" and parsed.report.year is None
    assert [w.split("：")[0] for w in parsed.warnings] == [f"{path} 第1行", f"{path} 第6行"]
    assert "序号 3 没有项目名称" in parsed.warnings[1]


def test_title_forms_and_continuation_after_sentence_end() -> None:
    text = (
        "# 兰陵县2023年重点民生实事项目推进情况表（1-6月）\n"
        "编号\t项目名称\t项目推进情况\n"
        "1\t甲\t第一句。\n"
        "\t\t第二句。\n"
    )
    parsed = parse_report_text(text, "r.md")
    assert (parsed.report.period_from, parsed.report.period_to) == (1, 6)
    assert parsed.report.titles == {"默认": "兰陵县2023年重点民生实事项目推进情况表（1-6月）"}
    assert parsed.records[0].fields["progress"] == "第一句。\n第二句。"


# --- files that cannot be imported ---

MALFORMED: dict[str, tuple[str, bytes, int | None, str]] = {
    "empty": ("report.md", b"", None, "文件是空的"),
    "blank": ("report.md", "\ufeff \r\n\n".encode(), None, "文件是空的"),
    "binary": ("report.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None, "NUL"),
    "undecodable": ("report.md", b"\x80abc\xff\xfe\xfd" * 3, None, "既不是 UTF-8 也不是 GB18030"),
    "no header": ("report.md", "兰陵县\n一些说明文字\n".encode(), None, "找不到表头"),
    "rows, no header": (
        "report.md",
        "1\t两河体育公园\t县教育局\n".encode(),
        None,
        "找不到表头",
    ),
    "no name column": (
        "report.md",
        "# 标题（县级）\n序号\t牵头单位\t推进情况\n1\t县教育局\t正常\n".encode(),
        2,
        "项目名称",
    ),
    "wrong cell count": (
        "report.md",
        "序号\t项目名称\t牵头单位\n1\t甲\t县教育局\n2\t乙\t县民政局\t多出来的\n".encode(),
        3,
        "这一行有 4 个单元格，表头有 3 个",
    ),
    "missing cell": (
        "report.md",
        "序号\t项目名称\t牵头单位\n1\t甲\t县教育局\n2\t乙\n".encode(),
        3,
        "这一行有 2 个单元格，表头有 3 个",
    ),
    "bad number": (
        "report.md",
        "序号\t项目名称\n1\t甲\n第二\t乙\n".encode(),
        3,
        "序号 “第二” 不是数字",
    ),
    "csv bad number": ("r.csv", "序号,项目名称\n1,甲\nx,乙\n".encode(), 3, "“x” 不是数字"),
    "unreadable xlsx": ("report.xlsx", b"PK\x03\x04 not really a zip", None, "xlsx"),
    "text named xlsx": ("report.xlsx", "序号\t项目名称\n".encode(), None, "xlsx"),
    "big5": ("報送.csv", "序號,項目名稱,牽頭單位\n1,體育公園,縣教育局\n".encode("big5"), None,
             "不是 UTF-8"),
    "shift-jis": ("報告.md", "番号\t項目名\t担当\n1\t体育公園\t教育局\n".encode("shift_jis"),
                  None, "不是 UTF-8"),
}  # fmt: skip


@pytest.mark.parametrize("case", list(MALFORMED), ids=list(MALFORMED))
def test_malformed_files_raise_one_line_errors(tmp_path: Path, case: str) -> None:
    name, data, line, words = MALFORMED[case]
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(ImportFormatError) as info:
        read_report(path)
    assert_one_line_error(info.value, path, line)
    assert words in str(info.value)


def test_missing_file_is_an_import_error(tmp_path: Path) -> None:
    path = tmp_path / "没有这个文件.md"
    with pytest.raises(ImportFormatError) as info:
        read_report(path)
    assert_one_line_error(info.value, path, None)


# --- cell cleaning ---


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<p>a</p> <p>b</p>", "a\nb"),
        ("13 万 m <sup>2</sup>", "13万m²"),
        ("2023 年 8 月", "2023年8月"),
        ("共 137 个", "共137个"),
        ("1#、2#公共", "1#、2#公共"),
        ("Wi Fi", "Wi Fi"),
        ("A 区", "A区"),
        ("a &amp; b &lt;c&gt;", "a & b <c>"),
        ("[bold]x[/bold]", "[bold]x[/bold]"),
        ("m <sup>2</sup> ，", "m²，"),
        ("CO<sub>2</sub>", "CO₂"),
        ("上行<br>下行", "上行\n下行"),
        ("<span style='x'>完成</span> 。", "完成。"),
        ("“红色物业” 行动", "“红色物业”行动"),
        ("审核 2 月：开展评审", "审核 2月：开展评审"),
        ("统计 4-5月,对全县", "统计 4-5月,对全县"),
        ("城区  老区", "城区 老区"),
        ("a\u202eb\x07c", "abc"),
        ("小于 <5% 的", "小于<5%的"),
    ],
)
def test_clean_cell(raw: str, clean: str) -> None:
    assert clean_cell(raw) == clean


# --- any bytes ---

_HEADER = "序号\t项目名称\t项目推进情况\t项目等级\n".encode()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=400),
        st.binary(max_size=400).map(lambda b: _HEADER + b),
        st.binary(max_size=400).map(lambda b: b"PK\x03\x04" + b),
        st.text(alphabet="序号项目名称1２.\t\n\r# ,<>p/（）县级", max_size=200).map(str.encode),
        st.text(max_size=200).map(lambda t: _HEADER + t.encode("utf-8", "surrogatepass")),
    ),
    suffix=st.sampled_from([".md", ".csv", ".xlsx", ".txt", ""]),
)
def test_any_bytes_give_records_or_an_import_error(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"input{suffix}"
        path.write_bytes(data)
        try:
            parsed = read_report(path)
        except ImportFormatError as exc:
            assert "\n" not in str(exc)
            assert str(exc).startswith(str(path))
        else:
            assert all(isinstance(r, ProjectRecord) for r in parsed.records)
            assert all("\n" not in w for w in parsed.warnings)


def test_markdown_pipe_table() -> None:
    text = (
        "# 兰陵县 2023 年度重点民生实事项目推进情况表（1月份）（县级）\n\n"
        "| 序号 | 项目名称 | 牵头单位 |\n"
        "|---|:---:|---|\n"
        "| 1 | 路灯安装 | 县住建局 |\n"
    )
    parsed = parse_report_text(text, "r.md")
    assert (parsed.report.period_from, parsed.report.period_to) == (1, 1)
    assert [(r.table, r.number, r.fields) for r in parsed.records] == [
        ("县级", 1, {"name": "路灯安装", "department": "县住建局"})
    ]


def test_csv_quote_before_formula_like_text_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "safe.csv"
    path.write_text("序号,项目名称,推进情况\n1,'=SUM(A1),'-2\n2,'引号开头,'+\n", encoding="utf-8")
    records = read_report(path).records
    assert [(r.fields["name"], r.fields["progress"]) for r in records] == [
        ("=SUM(A1)", "-2"),
        ("'引号开头", "+"),
    ]


def test_big5_file_is_told_its_encoding(tmp_path: Path) -> None:
    path = tmp_path / "報送.csv"
    path.write_bytes("序號,項目名稱,牽頭單位\n1,體育公園,縣教育局\n".encode("big5"))
    with pytest.raises(ImportFormatError) as info:
        read_report(path)
    message = str(info.value)
    assert message.startswith(f"{path}：")
    assert "UTF-8" in message and "GB18030" in message and "Big5" in message


def test_gb18030_file_without_header_still_says_no_header(tmp_path: Path) -> None:
    path = tmp_path / "说明.md"
    path.write_bytes("兰陵县\n一些说明文字\n".encode("gb18030"))
    with pytest.raises(ImportFormatError) as info:
        read_report(path)
    assert "找不到表头" in str(info.value)


# --- which columns a file has ---


def test_records_hold_only_the_columns_the_file_has(tmp_path: Path) -> None:
    path = tmp_path / "状态.csv"
    path.write_text("表,序号,项目名称,工作成效\n县级,1,两河体育公园,滞后\n", encoding="utf-8")
    parsed = read_report(path)
    [project] = parsed.records
    assert project.fields == {"name": "两河体育公园", "status": "滞后"}
    assert parsed.columns == ("name", "status")


def test_columns_of_every_table_in_model_order() -> None:
    text = (
        "# 表一（县级）\n序号\t工作成效\t项目名称\n1\t滞后\t甲\n"
        "# 表二（省市级）\n序号\t项目名称\t牵头单位\t推进情况\n1\t乙\t县民政局\t\n"
    )
    parsed = parse_report_text(text, "r.md")
    assert [r.fields for r in parsed.records] == [
        {"status": "滞后", "name": "甲"},
        {"name": "乙", "department": "县民政局", "progress": ""},  # present and empty: kept
    ]
    assert parsed.columns == ("name", "progress", "status", "department")


def test_bundled_report_has_every_column(bundled: ParsedReport) -> None:
    assert set(bundled.columns) == set(FIELD_LABELS)
    assert all(set(r.fields) == set(FIELD_LABELS) for r in bundled.records)

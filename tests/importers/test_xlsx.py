"""The workbook reader: formulas without a saved value, and workbooks too big to read."""

from __future__ import annotations

import io
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from importers import limits, report
from importers.report import parse_xlsx_bytes, read_report
from store import words
from store.models import ImportFormatError

HEADER = ["编号", "项目名称", "牵头单位", "推进情况", "完成时限", "工作成效"]


def workbook_bytes(rows: list[list[object]], title: str = "县级") -> bytes:
    """A one-sheet workbook as openpyxl writes it: formulas are stored without a value."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite_member(data: bytes, name: str, change) -> bytes:
    """The same workbook with one part's text changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == name:
                # One spelling of the XML whichever writer openpyxl used (with lxml installed
                # it writes characters as references and empty elements as pairs).
                xml = re.sub(r"&#(\d+);", lambda m: chr(int(m[1])), part.decode("utf-8"))
                xml = re.sub(r"<(\w+)></\1>", r"<\1 />", xml)
                changed = change(xml)
                assert changed != xml, f"the test's change does not apply to {name}"
                part = changed.encode("utf-8")
            dst.writestr(info.filename, part, zipfile.ZIP_DEFLATED)
    return out.getvalue()


ROWS: list[list[object]] = [
    ["兰陵县 2023 年度重点民生实事项目推进情况表（1-6 月份）（县级）"],
    HEADER,
    [1, "两河体育公园", "县教育局", "已开工", "2023年8月", "推进正常"],
    [2, "城区供暖", "县住建局", "已完成", "2023年10月", "已完成"],
    [3, "农村公路", "县交通局", "招标中", "2023年12月", "推进正常"],
    [4, "老旧小区", "县住建局", "施工中", "2023年12月", "推进正常"],
    [5, "公厕改造", "县城管局", '=CONCAT("完成","3 座")', "2023年9月", '=IF(1,"滞后","")'],
]


# --- formulas ---


def test_formula_without_saved_value_warns_and_leaves_the_field_out(tmp_path: Path) -> None:
    path = tmp_path / "县级.xlsx"
    path.write_bytes(workbook_bytes(ROWS))
    parsed = read_report(path)
    project = parsed.records[-1]
    assert (project.table, project.number, project.fields["name"]) == ("县级", 5, "公厕改造")
    assert "status" not in project.fields and "progress" not in project.fields
    assert project.fields["deadline"] == "2023年9月"
    assert parsed.warnings == [
        f"{path} 县级 工作表 D7 单元格：公式没有保存计算结果，这一格保持原样",
        f"{path} 县级 工作表 F7 单元格：公式没有保存计算结果，这一格保持原样",
    ]
    # The file still has those columns: other rows set them.
    assert parsed.records[0].fields["status"] == "推进正常"


def test_formula_with_a_saved_value_reads_the_value() -> None:
    data = rewrite_member(
        workbook_bytes(ROWS),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace('<c r="F7"><f>IF(1,"滞后","")</f><v /></c>',
                                '<c r="F7" t="str"><f>IF(1,"滞后","")</f><v>滞后</v></c>'),
    )  # fmt: skip
    parsed = parse_xlsx_bytes(data, "t.xlsx")
    assert parsed.records[-1].fields["status"] == "滞后"
    assert parsed.warnings == ["t.xlsx 县级 工作表 D7 单元格：公式没有保存计算结果，这一格保持原样"]


def test_formula_whose_saved_value_is_empty_text_is_empty() -> None:
    """Excel saves ``=IF(…,"",…)`` as a text result with an empty value: that is a value."""
    data = rewrite_member(
        workbook_bytes(ROWS),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(
            '<c r="F7"><f>IF(1,"滞后","")</f><v /></c>',
            '<c r="F7" t="str"><f>IF(0,"滞后","")</f><v></v></c>',
        ),
    )
    parsed = parse_xlsx_bytes(data, "t.xlsx")
    assert parsed.records[-1].fields["status"] == ""
    assert [w.split("：")[0] for w in parsed.warnings] == ["t.xlsx 县级 工作表 D7 单元格"]


def test_number_formula_without_value_is_refused_when_the_row_has_data() -> None:
    rows = [HEADER, [1, "甲", "县教育局"], ["=ROW()-1", "乙", "县民政局"]]
    with pytest.raises(ImportFormatError) as info:
        parse_xlsx_bytes(workbook_bytes(rows), "t.xlsx")
    message = str(info.value)
    assert message.startswith("t.xlsx 县级 工作表 A3 单元格：")
    assert "编号是没有保存计算结果的公式" in message


def test_number_formulas_on_empty_rows_only_warn() -> None:
    rows = [HEADER, [1, "甲", "县教育局"], ["=ROW()-1"], ["=ROW()-1"]]
    parsed = parse_xlsx_bytes(workbook_bytes(rows), "t.xlsx")
    assert [r.number for r in parsed.records] == [1]
    cells = [w.split("：")[0] for w in parsed.warnings]
    assert cells == ["t.xlsx 县级 工作表 A3 单元格", "t.xlsx 县级 工作表 A4 单元格"]


# --- size limits ---


def test_errors_name_sheet_and_row(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    path.write_bytes(workbook_bytes([["序号", "项目名称"], [1, "甲"], ["一", "乙"]]))
    with pytest.raises(ImportFormatError) as info:
        read_report(path)
    assert str(info.value).startswith(f"{path} 县级 工作表第3行：")


def test_cell_over_the_limit_is_refused_naming_the_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CELL_CHARS", 1000)
    rows = [HEADER, [1, "甲", "县教育局", "进" * 1000], [2, "乙", "县民政局", "进" * 1001]]
    with pytest.raises(ImportFormatError) as info:
        parse_xlsx_bytes(workbook_bytes(rows), "t.xlsx")
    message = str(info.value)
    assert message.startswith("t.xlsx 县级 工作表 D3 单元格：")
    assert "有 1001 个字符" in message and "上限 1000" in message


def test_rows_over_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 20)
    rows = [HEADER, *([n, f"项目{n}"] for n in range(1, 20))]
    assert len(parse_xlsx_bytes(workbook_bytes(rows), "t.xlsx").records) == 19
    rows.append([20, "项目20"])
    with pytest.raises(ImportFormatError) as info:
        parse_xlsx_bytes(workbook_bytes(rows), "t.xlsx")
    message = str(info.value)
    assert message.startswith("t.xlsx 县级 工作表第21行：")
    assert "超过 20 行" in message


def test_blank_rows_do_not_count() -> None:
    rows: list[list[object]] = [HEADER, [1, "甲"], *([None] for _ in range(50)), [2, "乙"]]
    data = rewrite_member(
        workbook_bytes(rows),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("</sheetData>", '<row r="1048576" /></sheetData>'),
    )
    assert [r.number for r in parse_xlsx_bytes(data, "t.xlsx").records] == [1, 2]


def _no_parse(*args: object, **kwargs: object) -> None:
    raise AssertionError("the workbook was parsed")


def test_zip_bomb_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cell over the unpacked limit packs into some 40 KB: the zip directory says so first."""
    huge = "甲" * (limits.MAX_UNPACKED_BYTES // 3 + 1)
    data = rewrite_member(
        workbook_bytes([HEADER, [1, "甲"]]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("<t>甲</t>", f"<t>{huge}</t>"),
    )
    assert len(data) < 1024 * 1024
    monkeypatch.setattr(openpyxl, "load_workbook", _no_parse)
    with pytest.raises(ImportFormatError) as info:
        parse_xlsx_bytes(data, "t.xlsx")
    message = str(info.value)
    assert message.startswith("t.xlsx：")
    assert "xl/worksheets/sheet1.xml" in message and "上限是 64 MiB" in message


def test_part_parsed_whole_has_its_own_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    xf = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    count = limits.MAX_XML_PART_BYTES // len(xf) + 1
    many = f'<cellXfs count="{count}">' + xf * count
    data = rewrite_member(
        workbook_bytes([HEADER, [1, "甲"]]),
        "xl/styles.xml",
        lambda xml: re.sub(r'<cellXfs count="\d+">', many, xml),
    )
    monkeypatch.setattr(openpyxl, "load_workbook", _no_parse)
    with pytest.raises(ImportFormatError) as info:
        parse_xlsx_bytes(data, "t.xlsx")
    assert "xl/styles.xml" in str(info.value) and "4 MiB" in str(info.value)


def test_file_over_the_size_limit_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 10_000)
    path = tmp_path / "big.xlsx"
    rows = [[n, random.Random(n).randbytes(300).hex()] for n in range(1, 40)]  # packs badly
    path.write_bytes(workbook_bytes([HEADER, *rows]))
    assert path.stat().st_size > 10_000
    with pytest.raises(ImportFormatError) as info:
        read_report(path)
    assert str(info.value).startswith(f"{path}：")
    assert "上限" in str(info.value)


def test_blank_rows_past_the_element_limit_are_refused_before_parsing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Rows of nothing cost openpyxl memory all the same: the scan counts every element."""
    monkeypatch.setattr(limits, "MAX_XML_ELEMENTS", 10_000)
    data = rewrite_member(
        workbook_bytes([HEADER, [1, "甲"]]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("</sheetData>", "<row/>" * 10_000 + "</sheetData>"),
    )
    monkeypatch.setattr(openpyxl, "load_workbook", _no_parse)
    with pytest.raises(ImportFormatError) as info:
        parse_xlsx_bytes(data, "t.xlsx")
    assert "超过 1万 个 XML 元素" in str(info.value)


def test_styles_past_their_element_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """A part read whole builds an object for each element: 4 MiB of <xf/> took 29 s."""
    count = limits.MAX_OBJECT_ELEMENTS
    xfs = "<xf/>" * count
    data = rewrite_member(
        workbook_bytes([HEADER, [1, "甲"]]),
        "xl/styles.xml",
        lambda xml: re.sub(r'<cellXfs count="\d+">', f'<cellXfs count="{count}">' + xfs, xml),
    )
    monkeypatch.setattr(openpyxl, "load_workbook", _no_parse)
    with pytest.raises(ImportFormatError) as info:
        parse_xlsx_bytes(data, "t.xlsx")
    assert "xl/styles.xml" in str(info.value)
    assert f"超过 {words.count(limits.MAX_OBJECT_ELEMENTS)} 个" in str(info.value)


def test_a_row_wider_than_a_sheet_can_be_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    data = rewrite_member(
        workbook_bytes([HEADER, [1, "甲"]]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("</sheetData>", "<row>" + "<c/>" * 16_385 + "</row></sheetData>"),
    )
    monkeypatch.setattr(openpyxl, "load_workbook", _no_parse)
    with pytest.raises(ImportFormatError) as info:
        parse_xlsx_bytes(data, "t.xlsx")
    assert "超过 16384 个单元格" in str(info.value) and "xl/worksheets/sheet1.xml" in str(
        info.value
    )


def test_prefixed_tags_are_counted_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_XML_ELEMENTS", 1_000)
    data = rewrite_member(
        workbook_bytes([HEADER, [1, "甲"]]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("</sheetData>", "<x:row/>" * 1_000 + "</sheetData>"),
    )
    with pytest.raises(ImportFormatError) as info:
        parse_xlsx_bytes(data, "t.xlsx")
    assert "XML 元素" in str(info.value)


def _attribute_bomb(count: int, value: str = "") -> bytes:
    cell = '<c r="B2" t="inlineStr"'
    attributes = "".join(f' a{n}="{value}"' for n in range(count))
    return rewrite_member(
        workbook_bytes([HEADER, [1, "甲"]]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace(f"{cell}>", f"{cell}{attributes}>"),
    )


def test_an_element_with_too_many_attributes_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """2.4 million attributes on one cell took openpyxl 52 s and 1.4 GB."""
    monkeypatch.setattr(openpyxl, "load_workbook", _no_parse)
    for value in ("", ">", "a='b' c='d'"):  # quoted '>' and '=' do not fool the count
        with pytest.raises(ImportFormatError) as info:
            parse_xlsx_bytes(_attribute_bomb(limits.MAX_XML_ATTRIBUTES + 1, value), "t.xlsx")
        assert f"属性超过 {limits.MAX_XML_ATTRIBUTES} 个" in str(info.value)


def test_attributes_at_the_limit_are_read() -> None:
    parsed = parse_xlsx_bytes(_attribute_bomb(limits.MAX_XML_ATTRIBUTES - 3, "x=y"), "t.xlsx")
    assert [r.fields["name"] for r in parsed.records] == ["甲"]


def test_the_scan_counts_the_same_across_chunk_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tags and attributes cut by a chunk's end are counted once, whole."""
    monkeypatch.setattr(report, "_SCAN_CHUNK", 7)
    assert len(parse_xlsx_bytes(workbook_bytes(ROWS), "t.xlsx").records) == 5
    monkeypatch.setattr(openpyxl, "load_workbook", _no_parse)
    with pytest.raises(ImportFormatError) as info:
        parse_xlsx_bytes(_attribute_bomb(limits.MAX_XML_ATTRIBUTES + 1, ">"), "t.xlsx")
    assert "属性超过" in str(info.value)


def test_merged_ranges_count_as_objects_in_a_sheet(monkeypatch: pytest.MonkeyPatch) -> None:
    """A sheet is read as a stream, but each merged range still becomes an object."""
    monkeypatch.setattr(limits, "MAX_OBJECT_ELEMENTS", 2_000)
    merges = "".join(f'<mergeCell ref="A{n}:B{n}"/>' for n in range(3, 2_003))
    data = rewrite_member(
        workbook_bytes([HEADER, [1, "甲"]]),
        "xl/worksheets/sheet1.xml",
        lambda xml: xml.replace("</sheetData>", f"</sheetData><mergeCells>{merges}</mergeCells>"),
    )
    monkeypatch.setattr(openpyxl, "load_workbook", _no_parse)
    with pytest.raises(ImportFormatError) as info:
        parse_xlsx_bytes(data, "t.xlsx")
    assert "行、单元格及其文字以外的 XML 元素" in str(info.value) and "超过 2000 个" in str(
        info.value
    )

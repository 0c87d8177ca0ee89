"""The CSV reader: quotes that never close, and which delimiter a file uses."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers import limits
from importers.report import parse_csv_text, read_report
from store.export import export_bytes
from store.models import ImportFormatError, Project, Report, Update

# --- quotes ---


def test_unterminated_quote_is_refused_at_the_line_it_opened(tmp_path: Path) -> None:
    path = tmp_path / "报送.csv"
    path.write_text(
        "序号,项目名称,牵头单位,推进情况\n"
        "1,公厕改造,县住建局,已完成\n"
        '2,"路灯安装,县住建局,已安装\n'  # the quote never closes: the rest would be one cell
        "3,城区供暖,县住建局,已开工\n"
        "4,农村公路,县交通局,招标中\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFormatError) as info:
        read_report(path)
    message = str(info.value)
    assert message.startswith(f"{path} 第3行：")
    assert "引号没有结束" in message
    assert "\n" not in message


def test_unterminated_quote_after_a_title_and_a_multiline_cell() -> None:
    text = (
        "兰陵县 2023 年度重点民生实事项目推进情况表（1-6 月份）\n"
        "序号,项目名称,推进情况\n"
        '1,甲,"第一行\n第二行"\n'
        '2,乙,"没有结束\n'
        "3,丙,正常\n"
    )
    with pytest.raises(ImportFormatError) as info:
        parse_csv_text(text, "t.csv")
    assert str(info.value).startswith("t.csv 第5行：")


def test_text_after_a_closing_quote_names_where_the_cell_opened() -> None:
    """A stray quote closes an earlier open one: the text after it shows the break."""
    text = '序号,项目名称,推进情况\n1,甲,"正常\n2,乙,"已开工"\n'
    with pytest.raises(ImportFormatError) as info:
        parse_csv_text(text, "t.csv")
    message = str(info.value)
    assert message.startswith("t.csv 第2行：")
    assert "第3行结束" in message and "已开工" in message


def test_quotes_inside_cells_still_read() -> None:
    text = '序号,项目名称,推进情况\n1,"甲""乙""",他说"好"\n2,丙,"多行\n内容"\n'
    records = parse_csv_text(text, "t.csv").records
    assert [(r.fields["name"], r.fields["progress"]) for r in records] == [
        ('甲"乙"', '他说"好"'),
        ("丙", "多行\n内容"),
    ]


# --- delimiter ---


def test_own_export_with_many_semicolons_reads_back(tmp_path: Path) -> None:
    note = "；".join(["a"] * 3) + ";" * 64 + "完"
    project = Project(
        id="X01", table="县级", number=1, name="城区供暖", level="县级", department="县住建局",
        departments=["县住建局"], status="推进正常", status_raw="推进正常", progress="已开工",
        updates=[Update(month="2023-07", text=note, at="2023-07-05T10:00:00+08:00", by="wang")],
    )  # fmt: skip
    report = Report(region="兰陵县", year=2023, period_from=1, period_to=6, titles={"县级": ""})
    path = tmp_path / "导出.csv"
    path.write_bytes(export_bytes("csv", report, [project]))
    [record] = read_report(path).records
    assert (record.table, record.number, record.fields["name"]) == ("县级", 1, "城区供暖")
    assert record.fields["progress"].endswith(";" * 64 + "完")


def test_semicolon_file_is_still_read_with_semicolons() -> None:
    text = "序号;项目名称;推进情况\n1;甲;已完成,验收中\n2;乙;招标中,下月开工\n"
    records = parse_csv_text(text, "t.csv").records
    assert [r.fields["progress"] for r in records] == ["已完成,验收中", "招标中,下月开工"]


def test_header_words_decide_over_counts() -> None:
    """Commas in the header, more tabs in the first rows' text: the header's delimiter wins."""
    busy = "\t".join(["x"] * 30)
    text = f'序号,项目名称,推进情况\n1,甲,"{busy}"\n2,乙,"{busy}"\n'
    records = parse_csv_text(text, "t.csv").records
    assert [r.fields["name"] for r in records] == ["甲", "乙"]


# --- size limits ---


def test_cell_over_the_limit_is_refused_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "大.csv"
    long = "进" * (limits.MAX_CELL_CHARS + 1)
    path.write_text(f'序号,项目名称,推进情况\n1,甲,正常\n2,乙,"{long}"\n', encoding="utf-8")
    with pytest.raises(ImportFormatError) as info:
        read_report(path)
    message = str(info.value)
    assert message.startswith(f"{path} 第3行：")
    assert f"超过 {limits.MAX_CELL_CHARS} 个字符" in message


def test_rows_over_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 10)
    rows = "".join(f"{n},项目{n}\n" for n in range(1, 10))
    assert len(parse_csv_text("序号,项目名称\n" + rows, "t.csv").records) == 9
    with pytest.raises(ImportFormatError) as info:
        parse_csv_text("序号,项目名称\n" + rows + "10,项目10\n", "t.csv")
    assert str(info.value).startswith("t.csv 第11行：")
    assert "超过 10 行" in str(info.value)


def test_wide_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_COLUMNS", 8)
    text = "序号,项目名称" + ",x" * 7 + "\n1,甲\n"
    with pytest.raises(ImportFormatError) as info:
        parse_csv_text(text, "t.csv")
    assert str(info.value).startswith("t.csv 第1行：")
    assert "有 9 个单元格" in str(info.value)


def test_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.csv"
    path.write_text("序号,项目名称\n" + "".join(f"{n},项目{n}\n" for n in range(1, 200)), "utf-8")
    with pytest.raises(ImportFormatError) as info:
        read_report(path)
    assert str(info.value).startswith(f"{path}：")
    assert "超过 1000 字节" in str(info.value)

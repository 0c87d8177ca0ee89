"""The 通报: its numbers from a real JSON store holding the bundled report, and the three
documents it is written as (docx read back with python-docx, md parsed, html escaped)."""

from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from importers.report import read_report
from store.bulletin import (
    BULLETIN_FORMATS,
    BULLETIN_REGISTRY,
    Bulletin,
    bulletin_bytes,
    bulletin_title,
    compute_bulletin,
    percent,
)
from store.export import ExportError, ExportFormat
from store.interface import Edit
from store.jsonfile import JSONFileStore, open_store
from store.models import Report
from store.schedule import project_schedule
from store.vocabulary import SCHEDULE_CLASSES

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "lanling-2023-h1.md"
DAY = date(2023, 7, 1)


@pytest.fixture
def store(tmp_path: Path) -> JSONFileStore:
    """A JSON store in tmp_path holding the bundled report."""
    opened = open_store(tmp_path / "minsheng.json")
    opened.import_report(read_report(BUNDLED), source="import:lanling-2023-h1.md")
    return opened


def _bulletin(store: JSONFileStore) -> Bulletin:
    return compute_bulletin(store, store.projects(), DAY)


def md_sections(data: bytes) -> dict[str, list[str]]:
    """The md bulletin's lines under each ## heading (### and tables included), unescaped."""
    sections: dict[str, list[str]] = {}
    current = ""
    for line in data.decode("utf-8").splitlines():
        if line.startswith("| "):  # cells are split on unescaped pipes first (md_tables)
            sections.setdefault(current, []).append(line)
            continue
        line = _unescape(line)
        if line.startswith("## "):
            current = line[3:]
            sections[current] = []
        elif line.strip():
            sections.setdefault(current, []).append(line)
    return sections


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def md_tables(lines: list[str]) -> list[list[list[str]]]:
    """The pipe tables among ``lines``: rows of cells, the header row first."""
    tables: list[list[list[str]]] = []
    inside = False
    for line in lines:
        if line.startswith("| "):
            cells = [_unescape(c.strip()) for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
            if set("".join(cells)) <= set(":-"):
                continue
            if not inside:
                tables.append([])
            tables[-1].append(cells)
            inside = True
        else:
            inside = False
    return tables


# --- the numbers ---------------------------------------------------------------------------


def test_the_numbers_are_those_of_the_schedule_rule(store: JSONFileStore) -> None:
    projects = store.projects()
    report, settings = store.report(), store.schedule_settings()
    schedules = [project_schedule(p, report, settings) for p in projects]
    b = _bulletin(store)
    assert b.title == "兰陵县2023年重点民生实事项目推进情况通报（1-6月）"
    assert b.overview.total == 49
    assert [(c.label, c.count) for c in b.overview.levels] == [
        ("县级", 10),
        ("市级", 13),
        ("省级", 26),
    ]
    classes = Counter(s.class_name for s in schedules)
    assert {c.label: c.count for c in b.overview.classes} == {
        c: classes[c] for c in SCHEDULE_CLASSES
    }
    assert b.overview.done.count == sum(p.status == "已完成" for p in projects) == 2
    assert b.overview.not_started.count == sum(p.status == "未启动" for p in projects)
    assert b.overview.started.count == 49 - b.overview.not_started.count
    by_id = {s.id: s for s in schedules}
    assert [ln.id for ln in b.late] == [s.id for s in schedules if s.class_name == "滞后"]
    assert [ln.id for ln in b.slow] == [s.id for s in schedules if s.class_name == "慢序时"]
    assert {ln.id for ln in b.behind} == {ln.id for ln in b.late + b.slow}
    assert [ln.id for ln in b.on_plan] == [
        s.id for s in schedules if s.class_name in ("按序时", "超序时")
    ]
    assert [ln.id for ln in b.disagreements] == [s.id for s in schedules if s.disagrees]
    for ln in b.behind + b.on_plan:
        assert ln.ratio == by_id[ln.id].ratio
    # every unit row adds up, and the most lagging units come first
    for row in b.units:
        assert sum(row.classes) == sum(row.statuses) == row.total
    keys = [(-r.count("滞后"), -r.count("慢序时")) for r in b.units]
    assert keys == sorted(keys)


def test_planned_and_actual_in_words(store: JSONFileStore) -> None:
    s15 = next(ln for ln in _bulletin(store).late if ln.id == "S15")
    assert s15.words == "就业困难人员就业：计划6月底前完成190人，实际31人，完成计划的16.3%"
    assert (s15.planned, s15.actual) == ("190人", "31人")
    s08 = next(ln for ln in _bulletin(store).late if ln.id == "S08")  # 序时进度 of the target
    assert "按序时进度6月底前应完成25人，实际6人" in s08.words


def test_overdue_at_the_bulletin_s_date(store: JSONFileStore) -> None:
    overdue = _bulletin(store).overview.overdue
    assert overdue and all(ln.deadline < "2023-07" and ln.status != "已完成" for ln in overdue)
    earlier = compute_bulletin(store, store.projects(), date(2023, 6, 30))
    assert len(earlier.overview.overdue) < len(overdue)  # June's deadlines have not passed yet


def test_a_status_set_with_a_note_gives_the_reason(store: JSONFileStore) -> None:
    store.save(Edit("S36", {"status": "滞后"}, source="cli", note="放映设备检修，六月停映两周"))
    s36 = next(ln for ln in _bulletin(store).slow if ln.id == "S36")
    assert (s36.reason, s36.reason_is_note) == ("放映设备检修，六月停映两周", True)
    text = bulletin_bytes("md", _bulletin(store)).decode("utf-8")
    assert "原因：放映设备检修，六月停映两周" in text
    # Set again without a note: the note was for the status it set; the latest progress speaks.
    store.save(Edit("S36", {"status": "推进正常"}, source="cli"))
    s36 = next(ln for ln in _bulletin(store).slow if ln.id == "S36")
    assert not s36.reason_is_note and s36.reason.startswith("1-6月份完成放映公益电影")


def test_units_merged_count_as_one(store: JSONFileStore) -> None:
    before = {r.unit: r.total for r in _bulletin(store).units}
    assert before["体育局"] == 1
    store.merge_units("体育局", "县教育体育局", source="cli")
    after = {r.unit: r.total for r in _bulletin(store).units}
    assert "体育局" not in after
    assert after["县教育体育局"] == before["县教育体育局"] + 1


def test_fewer_projects_fewer_numbers(store: JSONFileStore) -> None:
    chosen = [p for p in store.projects() if p.level == "市级"]
    b = compute_bulletin(store, chosen, DAY, scope="项目等级 市级")
    assert b.overview.total == 13 and [c.label for c in b.overview.levels] == ["市级"]
    assert "本通报范围：项目等级 市级。" in bulletin_bytes("md", b).decode("utf-8")
    empty = compute_bulletin(store, [], DAY)
    for fmt in BULLETIN_FORMATS:
        assert "本通报范围内没有项目" in _text(fmt, bulletin_bytes(fmt, empty))


def test_percent_as_an_office_writes_it() -> None:
    assert percent(0.408) == "40.8%"
    assert percent(31 / 190) == "16.3%"
    assert percent(1.0) == "100%"
    assert percent(0.4) == "40%"
    assert percent(0.0) == "0%"
    assert percent(0.12345) == "12.3%" and percent(0.12355) == "12.4%"  # half up
    assert percent(None) == "—"


def test_title_from_the_report() -> None:
    report = Report(region="兰陵县", year=2023, period_from=1, period_to=6)
    assert bulletin_title(report) == "兰陵县2023年重点民生实事项目推进情况通报（1-6月）"
    assert bulletin_title(replace(report, period_from=7, period_to=7)).endswith("通报（7月）")
    assert bulletin_title(Report()) == "重点民生实事项目推进情况通报"


# --- the documents -------------------------------------------------------------------------


def _text(fmt: str, data: bytes) -> str:
    if fmt == "docx":
        document = docx.Document(io.BytesIO(data))
        cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in document.paragraphs] + cells)
    return data.decode("utf-8")


def test_docx_is_a_document_an_office_sends(store: JSONFileStore) -> None:
    b = _bulletin(store)
    document = docx.Document(io.BytesIO(bulletin_bytes("docx", b)))
    section = document.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.cm, 1) for m in margins] == [3.7, 3.5, 2.8, 2.6]
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0] == "兰陵县2023年重点民生实事项目\n推进情况通报（1-6月）"
    headings = [p for p in paragraphs if re.match(r"^[一二三四五]、", p)]
    assert headings == ["一、总体情况", "二、分单位情况", "三、存在问题", "四、需核实的项目"]
    # fonts: the Chinese one by script (w:eastAsia), a Latin one beside it
    title_fonts = document.styles["Title"].element.rPr.rFonts
    assert title_fonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    assert title_fonts.get(qn("w:ascii")) == "Times New Roman"
    assert document.styles["Heading 1"].element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert document.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert document.styles["Normal"].font.size.pt == 16
    # tables: a header row repeated on every page, then one row per project
    tables = document.tables
    for table in tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    attached = tables[-2:]
    assert [c.text for c in attached[0].rows[0].cells] == [
        "编号", "项目名称", "牵头单位", "计划", "实际", "序时"
    ]  # fmt: skip
    assert [r.cells[0].text for r in attached[0].rows[1:]] == [ln.id for ln in b.behind]
    assert [r.cells[0].text for r in attached[1].rows[1:]] == [ln.id for ln in b.on_plan]
    s15 = next(r for r in attached[0].rows if r.cells[0].text == "S15")
    assert [c.text for c in s15.cells[3:]] == ["就业困难人员就业：190人", "31人", "滞后\n16.3%"]
    # page numbers: a PAGE field in the footer
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "第 " in section.footer.paragraphs[0].text
    assert document.core_properties.title == b.title


def test_md_and_html_carry_the_same_text(store: JSONFileStore) -> None:
    b = _bulletin(store)
    sections = md_sections(bulletin_bytes("md", b))
    assert list(sections)[1:] == [
        "一、总体情况", "二、分单位情况", "三、存在问题", "四、需核实的项目", "附件1", "附件2"
    ]  # fmt: skip
    late = md_tables(sections["附件1"])[0]
    assert [row[0] for row in late[1:]] == [ln.id for ln in b.behind]
    units = md_tables(sections["二、分单位情况"])[0]
    assert units[0] == ["牵头单位", "项目数", *SCHEDULE_CLASSES]
    assert [row[0] for row in units[1:]] == [r.unit for r in b.units]
    page = bulletin_bytes("html", b).decode("utf-8")
    docx_text = _text("docx", bulletin_bytes("docx", b))
    for paragraph in sections["一、总体情况"]:
        assert paragraph in docx_text and paragraph in page
    assert "@media print" in page and "<thead>" in page and "display: table-header-group" in page


def test_untrusted_text_stays_text(store: JSONFileStore) -> None:
    hostile = "<script>alert(1)</script> | **粗体** [链接](x) &amp;"
    project = replace(store.get("S15"), name=hostile, department="县<b>人社局</b>",
                      departments=["县<b>人社局</b>"])  # fmt: skip
    b = compute_bulletin(store, [project], DAY)
    page = bulletin_bytes("html", b).decode("utf-8")
    assert "<script>" not in page and "<b>" not in page and "&lt;script&gt;" in page
    assert "&amp;amp;" in page
    sections = md_sections(bulletin_bytes("md", b))
    row = md_tables(sections["附件1"])[0][1]
    assert len(row) == 6 and row[1] == hostile
    assert hostile in _text("docx", bulletin_bytes("docx", b))


def test_the_registry(store: JSONFileStore) -> None:
    assert BULLETIN_FORMATS == ("docx", "md", "html")
    for name, spec in BULLETIN_REGISTRY.items():
        assert isinstance(spec, ExportFormat) and spec.name == name
        assert spec.suffix == f".{name}" and re.search(r"[\u4e00-\u9fff]", spec.hint)
        assert spec.label.startswith(name) and re.search(r"[\u4e00-\u9fff]", spec.label)
    with pytest.raises(ExportError, match="unknown bulletin format"):
        bulletin_bytes("pdf", compute_bulletin(store, [], DAY))

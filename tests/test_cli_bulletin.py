"""`minsheng bulletin` end to end: the 通报 of a real database in tmp_path holds the numbers of
`schedule --json` and of the list's filters; `history` gives the note its own column."""

from __future__ import annotations

import io
import re
from collections import Counter
from pathlib import Path
from typing import Any

import docx
import pytest

from tests.store.test_bulletin import md_sections, md_tables

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "lanling-2023-h1.md"
DAY = "2023-07-01"  # the day after the report's period: June's deadlines have passed


#: (``db``: the bundled report imported, from tests/conftest.py)
pytestmark = pytest.mark.usefixtures("isolated_home")


def _ids(cli: Any, db: Path, *filters: str) -> list[str]:
    return [p["id"] for p in cli("--db", db, "list", "--json", *filters).json()]


def _counts(paragraph: str) -> dict[str, int]:
    """'超序时3项，占6.1%；按序时9项…' as {class: count}."""
    return {
        name: int(n)
        for name, n in re.findall(r"(超序时|按序时|慢序时|滞后|已完成|未判定)(\d+)项", paragraph)
    }


def test_md_bulletin_holds_the_numbers_of_schedule_and_list(
    tmp_path: Path, cli: Any, db: Path
) -> None:
    out = tmp_path / "通报.md"
    result = cli("--db", db, "bulletin", "-o", out, "--date", DAY)
    assert result.code == 0 and "已写出 49 个项目的通报" in result.err and result.out == ""
    sections = md_sections(out.read_bytes())
    schedule = cli("--db", db, "schedule", "--json").json()
    classes = Counter(s["class"] for s in schedule)
    overview = sections["一、总体情况"]
    [rates] = [p for p in overview if p.startswith("对照各项目月度计划")]
    assert _counts(rates.split("。")[0]) == dict(classes)  # (every class has projects here)
    late = classes["滞后"]
    assert f"滞后{late}项，占{late / 49:.1%}" in rates  # 10.2%: one decimal, as the share is
    [totals] = [p for p in overview if "共49项" in p]
    assert "县级10项、市级13项、省级26项" in totals and "已完成2项，完成率4.1%" in totals
    done = len(_ids(cli, db, "--status", "已完成"))
    assert f"已完成{done}项" in totals
    overdue = _ids(cli, db, "--overdue")  # deadline within the period: before 2023-07
    assert f"已过完成时限仍未完成的项目{len(overdue)}项" in "".join(overview)
    # 附件: the projects `list --schedule` gives, in its order
    behind = md_tables(sections["附件1"])[0]
    assert [r[0] for r in behind[1:]] == _ids(cli, db, "--schedule", "滞后", "--schedule", "慢序时")
    on_plan = md_tables(sections["附件2"])[0]
    assert [r[0] for r in on_plan[1:]] == _ids(
        cli, db, "--schedule", "按序时", "--schedule", "超序时"
    )
    ratios = {s["id"]: s["ratio"] for s in schedule}
    for row in behind[1:] + on_plan[1:]:
        shown = float(row[5].split()[-1].rstrip("%"))
        assert shown == pytest.approx(ratios[row[0]] * 100, abs=0.05)
    check = md_tables(sections["四、需核实的项目"])[0]
    assert [r[0] for r in check[1:]] == [s["id"] for s in schedule if s["disagrees"]]
    problems = "\n".join(sections["三、存在问题"])
    assert f"（一）滞后项目（{late}项）" in problems
    assert "计划6月底前完成190人，实际31人，完成计划的16.3%" in problems


def test_docx_bulletin_read_back(tmp_path: Path, cli: Any, db: Path) -> None:
    out = tmp_path / "通报.docx"
    assert cli("--db", db, "bulletin", "-o", out, "--date", DAY).code == 0
    document = docx.Document(io.BytesIO(out.read_bytes()))
    text = [p.text for p in document.paragraphs]
    schedule = cli("--db", db, "schedule", "--json").json()
    classes = Counter(s["class"] for s in schedule)
    [rates] = [p for p in text if p.startswith("对照各项目月度计划")]
    assert _counts(rates.split("。")[0]) == dict(classes)
    units = document.tables[0]
    header = [c.text for c in units.rows[0].cells]
    assert header == [
        "牵头单位",
        "项目数",
        "超序时",
        "按序时",
        "慢序时",
        "滞后",
        "已完成",
        "未判定",
    ]
    for column, name in enumerate(header[2:], start=2):  # each column adds up to its class
        total = sum(int(row.cells[column].text) for row in units.rows[1:])
        assert total >= classes[name]  # (a project two units lead counts for both)
    behind = document.tables[-2]
    assert [r.cells[0].text for r in behind.rows[1:]] == _ids(
        cli, db, "--schedule", "滞后", "--schedule", "慢序时"
    )


def test_a_status_set_to_late_with_a_note_is_in_the_problems(
    tmp_path: Path, cli: Any, db: Path
) -> None:
    note = "部分企业用工需求不足，岗位匹配难"
    assert cli("--db", db, "set-status", "S15", "滞后", "--note", note).code == 0
    out = tmp_path / "b.docx"
    assert cli("--db", db, "bulletin", "-o", out, "--date", DAY).code == 0
    text = [p.text for p in docx.Document(io.BytesIO(out.read_bytes())).paragraphs]
    start = text.index("三、存在问题")
    [s15] = [p for p in text[start:] if "实施“创业沂蒙·乐业临沂”行动" in p]
    assert s15.endswith(f"原因：{note}。")
    history = cli("--db", db, "history", "S15")
    assert history.code == 0
    header = history.out.splitlines()[0].split()
    assert header[-2:] == ["来源", "备注"]
    row = [line for line in history.out.splitlines() if "工作成效" in line][0]
    assert "部分企业" in row and "命令行 部分" not in row


def test_filters_narrow_the_bulletin(cli: Any, db: Path) -> None:
    result = cli("--db", db, "bulletin", "--level", "市级", "--date", DAY)  # md to stdout
    assert result.code == 0
    sections = md_sections(result.out.encode("utf-8"))
    overview = "".join(sections["一、总体情况"])
    assert "本通报范围：项目等级 市级。" in overview and "共13项，其中市级13项。" in overview
    schedule = cli("--db", db, "schedule", "--json", "--level", "市级").json()
    [rates] = [p for p in sections["一、总体情况"] if p.startswith("对照")]
    counted = Counter(s["class"] for s in schedule)
    assert _counts(rates.split("。")[0]) == {c: counted[c] for c in _counts(rates.split("。")[0])}
    assert sum(_counts(rates.split("。")[0]).values()) == 13
    behind = md_tables(sections["附件1"])[0]
    assert [r[0] for r in behind[1:]] == _ids(
        cli, db, "--level", "市级", "--schedule", "滞后", "--schedule", "慢序时"
    )
    html = cli("--db", db, "bulletin", "--format", "html", "--department", "医保局")
    assert html.code == 0 and html.out.startswith("<!DOCTYPE html>")
    assert "牵头单位含“医保局”" in html.out and "共6项" in html.out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["-o", "{tmp}/no/such/folder/b.docx"], "/no/such/folder 不存在"),
        (["-o", "{tmp}/b.txt"], "从扩展名 .txt 看不出格式"),
        (["-o", "{tmp}/b"], "没有扩展名，看不出格式"),
        (["--format", "md", "-o", "{tmp}"], "：是文件夹"),
        (["-o", "{tmp}/exists.md"], "--force"),
    ],
)
def test_a_bad_output_is_one_line_and_nothing_written(
    tmp_path: Path, cli: Any, db: Path, args: list[str], words: str
) -> None:
    (tmp_path / "exists.md").write_text("kept", encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = cli("--db", db, "bulletin", *(a.format(tmp=tmp_path) for a in args))
    assert result.code == 1 and result.out == ""
    assert len(result.err.splitlines()) == 1 and words in result.err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert (tmp_path / "exists.md").read_text(encoding="utf-8") == "kept"


def test_force_overwrites_and_format_wins_over_the_extension(
    tmp_path: Path, cli: Any, db: Path
) -> None:
    out = tmp_path / "exists.md"
    out.write_text("old", encoding="utf-8")
    assert cli("--db", db, "bulletin", "-o", out, "--force", "--format", "html").code == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    bad_date = cli("--db", db, "bulletin", "--date", "2023-13-01")
    assert bad_date.code == 2 and "YYYY-MM-DD" in bad_date.err

"""`minsheng export`, `snapshot`, `snapshots` and `diff` end to end, on files in tmp_path."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from store.query import quick_pinyin_keys
from store.snapshots import list_snapshots, snapshot_dir

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "lanling-2023-h1.md"


#: (``db``: the bundled report imported, from tests/conftest.py)
pytestmark = pytest.mark.usefixtures("isolated_home")


def _projects(path: Path) -> list[dict[str, Any]]:
    """The projects of a JSON export, without `revision` (it counts a database's own edits)."""
    projects: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["projects"]
    for project in projects:
        del project["revision"]
        for period in project.get("progress_history", []):  # which file, when: differs
            period.pop("source", None), period.pop("at", None)
    return projects


@pytest.mark.parametrize("fmt", ["md", "xlsx", "csv"])
def test_round_trip_through_the_command_line(tmp_path: Path, cli: Any, db: Path, fmt: str) -> None:
    exported = tmp_path / f"report.{fmt}"
    assert cli("--db", db, "export", "-o", exported).code == 0  # format from the extension
    again = tmp_path / "again.json"
    imported = cli("--db", again, "import", exported)
    assert imported.code == 0 and "新增 49" in imported.out and "warning" not in imported.out
    assert cli("--db", db, "export", "-o", tmp_path / "a.json").code == 0
    assert cli("--db", again, "export", "-o", tmp_path / "b.json").code == 0
    assert _projects(tmp_path / "a.json") == _projects(tmp_path / "b.json")


def test_export_formats_filters_and_sort(tmp_path: Path, cli: Any, db: Path) -> None:
    out = tmp_path / "list.csv"
    result = cli("--db", db, "export", "--format", "csv", "-o", out, "--level", "市级",
                 "--sort", "name", "--reverse")  # fmt: skip
    assert result.code == 0 and "已写出 13 个项目" in result.err
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 2 + 13 and {r[-1] for r in rows[2:]} == {"市级"}
    names = [r[2] for r in rows[2:]]
    assert names == sorted(names, key=lambda n: quick_pinyin_keys(n)[0], reverse=True)  # pinyin
    # --department, --status and --search narrow as `list` does.
    listed = cli("--db", db, "list", "--json", "--search", "医保", "--department", "医保局")
    out = tmp_path / "s.json"
    narrowed = cli("--db", db, "export", "-o", out, "--search", "医保", "--department", "医保局")
    assert narrowed.code == 0
    assert [p["id"] for p in json.loads(out.read_text())["projects"]] == [
        p["id"] for p in listed.json()
    ]
    assert cli("--db", db, "set-status", "S14", "滞后").code == 0
    assert cli("--db", db, "export", "-o", tmp_path / "late.json", "--status", "滞后").code == 0
    assert [p["id"] for p in _projects(tmp_path / "late.json")] == ["S14"]
    xlsx = tmp_path / "r.xlsx"
    assert cli("--db", db, "export", "--format", "xlsx", "-o", xlsx, "--level", "县级").code == 0
    assert openpyxl.load_workbook(xlsx).sheetnames == ["县级"]
    html = tmp_path / "r.html"
    assert cli("--db", db, "export", "-o", html).code == 0
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_export_by_schedule_and_not_updated(tmp_path: Path, cli: Any, db: Path) -> None:
    listed = cli("--db", db, "list", "--json", "--schedule", "滞后", "--sort", "schedule")
    out = tmp_path / "late.json"
    late = cli("--db", db, "export", "-o", out, "--schedule", "滞后", "--sort", "schedule")
    assert late.code == 0, late.err
    ids = [p["id"] for p in _projects(out)]
    assert ids == [p["id"] for p in listed.json()] and ids[0] == "S15"
    none = cli("--db", db, "export", "-o", tmp_path / "stale.json", "--not-updated")
    assert none.code == 0 and "已写出 0 个项目" in none.err  # one period: nothing to compare


def test_export_encoding_and_stdout(tmp_path: Path, cli: Any, db: Path) -> None:
    out = tmp_path / "old.csv"
    assert cli("--db", db, "export", "-o", out, "--encoding", "gb18030").code == 0
    assert "兰陵县" in out.read_bytes().decode("gb18030")
    to_stdout = cli("--db", db, "export", "--format", "md", "--level", "县级")
    assert to_stdout.code == 0 and to_stdout.out.count("\n1\t") == 1
    assert cli("--db", db, "export", "--format", "pdf").code == 2


def test_export_refuses_to_overwrite_and_names_missing_folders(
    tmp_path: Path, cli: Any, db: Path
) -> None:
    out = tmp_path / "r.xlsx"
    assert cli("--db", db, "export", "-o", out).code == 0
    before = out.read_bytes()
    refused = cli("--db", db, "export", "-o", out)
    assert refused.code == 1 and "已经存在（加 --force 覆盖）" in refused.err
    assert out.read_bytes() == before
    assert cli("--db", db, "export", "-o", out, "--force").code == 0
    missing = cli("--db", db, "export", "-o", tmp_path / "no" / "r.md")
    assert missing.code == 1 and "不存在" in missing.err
    assert not (tmp_path / "no").exists()


def test_snapshot_and_snapshots(tmp_path: Path, cli: Any, db: Path) -> None:
    first = cli("--db", db, "snapshot")
    assert first.code == 0
    path = Path(first.out.split("个项目：", 1)[1].strip())
    assert path.parent == db.parent / "snapshots"
    assert re.fullmatch(r"lanling-2023-m01-06-\d{8}-\d{4}\.json", path.name)
    assert len(json.loads(path.read_text(encoding="utf-8"))["projects"]) == 49
    second = cli("--db", db, "snapshot", "--format", "xlsx")
    assert second.code == 0 and second.out.strip().endswith(".xlsx")
    mine = db.parent / "snapshots" / "mine.csv"
    assert cli("--db", db, "export", "-o", mine, "--level", "县级").code == 0
    listed = cli("--db", db, "snapshots", "--json").json()
    assert [(s["format"], s["projects"], s["scope"], s["exists"]) for s in listed] == [
        ("json", 49, "all", True),
        ("xlsx", 49, "all", True),
        ("csv", 10, "list", True),
    ]
    table = cli("--db", db, "snapshots")
    assert table.code == 0 and path.name in table.out and "mine.csv" in table.out
    assert "3 个快照" in table.out


def test_snapshots_lists_a_file_the_index_lacks_as_rebuilt(cli: Any, db: Path) -> None:
    assert cli("--db", db, "snapshot").code == 0
    (db.parent / "snapshots" / "我的导出.csv").write_text("not ours\n", encoding="utf-8")
    table = cli("--db", db, "snapshots")
    assert table.code == 0
    line = next(line for line in table.out.splitlines() if "我的导出.csv" in line)
    assert "我的导出.csv（补记）" in line and line.split()[4:6] == ["—", "—"]  # projects, scope
    assert "None" not in table.out and "列表" not in table.out


def _edited_copy(tmp_path: Path) -> Path:
    """The bundled report with two statuses and one progress cell changed."""
    lines = BUNDLED.read_text(encoding="utf-8").split("\n")
    table = ""
    for i, line in enumerate(lines):
        if line.startswith("#"):
            table = "X" if "（县级）" in line else "S"
        cells = line.split("\t")
        if len(cells) != 10 or not cells[0].isdigit():
            continue
        pid = f"{table}{int(cells[0]):02d}"
        if pid == "X02":
            cells[6] = "滞后"
        elif pid == "S05":
            cells[6] = "未启动"
        elif pid == "S10":
            cells[5] = "已完成新改建农村公路120公里。"
        lines[i] = "\t".join(cells)
    copy = tmp_path / "edited.md"
    copy.write_text("\n".join(lines), encoding="utf-8")
    return copy


def test_diff_of_the_bundled_report_and_an_edited_copy(tmp_path: Path, cli: Any, db: Path) -> None:
    copy = _edited_copy(tmp_path)
    result = cli("--db", db, "diff", BUNDLED, copy)
    assert result.code == 0, result.err
    out = result.out
    changed = out[out.index("有变化的项目") : out.index("新增的项目")]
    assert [line.split()[0] for line in changed.splitlines()[1:] if line.startswith("  ")
            and not line.startswith("    ")] == ["X02", "S05", "S10"]  # fmt: skip
    assert "    工作成效：推进正常 → 滞后" in changed
    assert "    工作成效：推进正常 → 未启动" in changed
    assert "    推进情况：" in changed and "已完成新改建农村公路120公里。" in changed
    assert changed.count("    ") == 3  # one line per change, nothing else
    unchanged = out[out.index("推进情况无变化的项目") :].splitlines()
    assert unchanged[0] == "推进情况无变化的项目（48）"
    ids = [line.split()[0] for line in unchanged[1:] if line.strip()]
    assert len(ids) == 48 and "S10" not in ids and "X02" in ids and "S05" in ids
    data = cli("--db", db, "diff", BUNDLED, copy, "--json").json()
    assert [(c["id"], [f["field"] for f in c["changes"]]) for c in data["changed"]] == [
        ("X02", ["status"]),
        ("S05", ["status"]),
        ("S10", ["progress"]),
    ]
    assert len(data["unchanged"]) == 46 and len(data["progress_unchanged"]) == 48


def test_diff_of_a_snapshot_and_the_database(tmp_path: Path, cli: Any, db: Path) -> None:
    snap = Path(cli("--db", db, "snapshot").out.split("个项目：", 1)[1].strip())
    assert cli("--db", db, "note", "X01", "--month", "2023-07", "主体完工").code == 0
    assert cli("--db", db, "set-status", "S14", "滞后").code == 0
    result = cli("--db", db, "diff", snap, "db")
    assert result.code == 0
    assert "    新增进展：+ 2023-07 主体完工" in result.out
    assert "    工作成效：推进正常 → 滞后" in result.out
    assert "推进情况无变化的项目（48）" in result.out
    # An exported table holds the update inside 推进情况: against the database, no change.
    table = tmp_path / "now.xlsx"
    assert cli("--db", db, "export", "-o", table).code == 0
    same = cli("--db", db, "diff", "db", table, "--json").json()
    assert same["changed"] == [] and len(same["unchanged"]) == 49
    missing = cli("--db", db, "diff", tmp_path / "nope.json", "db")
    assert missing.code == 1 and "没有这个文件" in missing.err


def test_diff_alone_compares_the_newest_snapshot_of_all_projects_with_the_database(
    cli: Any, db: Path
) -> None:
    first = cli("--db", db, "diff")
    assert first.code == 1 and "minsheng snapshot" in first.err  # nothing to compare with yet
    assert cli("--db", db, "snapshot").code == 0
    assert cli("--db", db, "set-status", "S14", "滞后").code == 0
    county = snapshot_dir(db.parent) / "county.json"  # a snapshot of what the list showed: not it
    assert cli("--db", db, "export", "--level", "县级", "-o", county).code == 0
    assert [e.scope for e, _ in list_snapshots(db.parent)] == ["all", "list"]
    assert cli("--db", db, "set-status", "S15", "滞后").code == 0
    result = cli("--db", db, "diff", "--json").json()
    assert sorted(p["id"] for p in result["changed"]) == ["S14", "S15"]


def test_diff_alone_reads_only_a_regular_file_directly_in_the_snapshots_folder(
    cli: Any, db: Path, tmp_path: Path
) -> None:
    made = cli("--db", db, "snapshot")
    snap = Path(made.out.split("个项目：", 1)[1].strip())
    elsewhere = tmp_path / "someone-else.json"  # a file its owner did not mean to compare
    elsewhere.write_bytes(snap.read_bytes())
    index = snap.parent / "index.json"
    recorded = index.read_text(encoding="utf-8")
    # The folder (and its index) may be the whole group's to write.
    for name in (str(elsewhere), f"../../{elsewhere.name}"):
        index.write_text(recorded.replace(snap.name, name), encoding="utf-8")
        result = cli("--db", db, "diff")
        assert result.code == 1 and "不是这个文件夹里的文件" in result.err, name
        assert "请写明要比较的两个文件" in result.err
    index.write_text(recorded, encoding="utf-8")
    snap.unlink()
    snap.symlink_to(elsewhere)
    result = cli("--db", db, "diff")
    assert result.code == 1 and f"{snap}：最新的快照是符号链接" in result.err
    named = cli("--db", db, "diff", snap, "db")  # named on the command line: read as given
    assert named.code == 0 and "有变化 0" in named.out


def test_export_refuses_a_file_name_whose_format_it_cannot_tell(cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    assert cli("--db", db, "import", BUNDLED).code == 0
    result = cli("--db", db, "export", "-o", tmp_path / "report.pdf")
    assert result.code == 1 and ".pdf" in result.err and "--format" in result.err
    assert not (tmp_path / "report.pdf").exists()


def test_xlsx_on_a3_and_cells_too_long_to_print_are_named(
    tmp_path: Path, cli: Any, db: Path
) -> None:
    # The bundled report's longest texts go on in rows below: nothing is cut, on A4 or A3.
    a4 = cli("--db", db, "export", "-o", tmp_path / "a4.xlsx")
    assert a4.code == 0 and "放不下" not in a4.err
    a3 = cli("--db", db, "export", "-o", tmp_path / "a3.xlsx", "--paper", "A3")
    assert a3.code == 0 and "放不下" not in a3.err
    sheet = openpyxl.load_workbook(tmp_path / "a3.xlsx")["县级"]
    assert sheet.page_setup.paperSize == 8  # A3
    # A Latin "word" longer than a row is never cut inside: its end is cut on paper, named.
    report = tmp_path / "long.md"
    word = "x" * 2000
    report.write_text(
        f"# 县级\n\n编号\t项目名称\t项目推进情况\n1\t长\t{word}\n2\t短\t已开工\n",
        encoding="utf-8",
    )
    long_db = tmp_path / "long.json"
    assert cli("--db", long_db, "import", report, "--period", "1-6").code == 0
    cut = cli("--db", long_db, "export", "-o", tmp_path / "long.xlsx")
    assert cut.code == 0 and "1 个单元格的文字太长" in cut.err and "01 推进情况" in cut.err
    assert "--paper A3" in cut.err

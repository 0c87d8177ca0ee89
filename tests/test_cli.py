"""The command line end to end: real files in tmp_path, the bundled report, exit statuses."""

from __future__ import annotations

import csv
import errno
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len

from bench.synthetic import make_projects
from store.export import ExportExistsError
from store.interface import Edit
from store.jsonfile import JSONFileStore as ProjectStore
from store.models import STATUSES
from store.words import moment
from tests.test_hostile import hold_lock
from tui.cli import build_parser, run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test can reach the real ~/.local/share: HOME and XDG_DATA_HOME point into tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "xdg"))
    monkeypatch.delenv("MINSHENG_DB", raising=False)
    monkeypatch.setenv("COLUMNS", "100")
    return home


def _subprocess(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "MINSHENG_DB"}
    environ.update(env)
    environ["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "tui", *map(str, args)],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
    )


@pytest.fixture
def db(tmp_path: Path, cli: Any, bundled: Path) -> Path:
    """A database holding the bundled report."""
    path = tmp_path / "db.json"
    assert cli("--db", path, "import", bundled).code == 0
    return path


# --- the bundled report ----------------------------------------------------------------------


def test_import_of_the_bundled_report(tmp_path: Path, cli: Any, bundled: Path) -> None:
    path = tmp_path / "new.json"
    first = cli("--db", path, "import", bundled)
    assert first.code == 0, first.err
    assert "新增 49" in first.out
    projects = cli("--db", path, "list", "--json").json()
    assert len(projects) == 49
    assert Counter(p["level"] for p in projects) == {"县级": 10, "市级": 13, "省级": 26}
    assert Counter(p["table"] for p in projects) == {"县级": 10, "省市级": 39}
    assert len({p["department"] for p in projects}) == 20
    assert {p["status"] for p in projects} <= set(STATUSES)
    assert all(re.fullmatch(r"\d{4}-\d{2}", p["deadline"]) for p in projects)
    text = json.dumps(projects, ensure_ascii=False)
    for tag in ("<p>", "</p>", "<sup>"):
        assert tag not in text
    s14 = next(p for p in projects if p["id"] == "S14")
    assert s14["name"] == "提升职业学校办学条件"
    assert "将理工学校纳入培训基地" in s14["progress"]  # the row continued after a page break
    assert s14["progress"].index("山东省人社厅") < s14["progress"].index("将理工学校纳入培训基地")
    again = cli("--db", path, "import", bundled)
    assert again.code == 0 and "新增 0，有变化 0" in again.out


def _md_rows(bundled: Path) -> tuple[str, list[list[str]]]:
    """The bundled report as (title, rows with the table's name first); headers once."""
    title, table, header, rows = "", "", None, []
    for line in bundled.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            text = line.lstrip("#").strip()
            table = re.findall(r"（([^（）]*)）", text)[-1]
            title = text[: text.rindex("（")]
        elif "\t" in line:
            cells = line.split("\t")
            if cells[0] in ("编号", "序号"):
                header = header or ["表", *cells]
            else:
                rows.append([table, *cells])
    assert header is not None
    return title, [header, *rows]


def _as_csv(bundled: Path, path: Path) -> Path:
    title, rows = _md_rows(bundled)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([title])
        writer.writerows(rows)
    return path


def _as_xlsx(bundled: Path, path: Path) -> Path:
    import openpyxl

    title, (header, *rows) = _md_rows(bundled)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for table in ("县级", "省市级"):
        sheet = workbook.create_sheet(table)
        sheet.append([f"{title}（{table}）"])
        sheet.append(header[1:])
        for row in rows:
            if row[0] == table:
                number = int(row[1]) if row[1].isdigit() else None
                sheet.append([number, *row[2:]])
    workbook.save(path)
    return path


def _variant(kind: str, bundled: Path, tmp_path: Path) -> Path:
    text = bundled.read_text(encoding="utf-8")
    if kind == "gb18030":
        (path := tmp_path / "report-gb.md").write_bytes(text.encode("gb18030"))
    elif kind == "bom":
        (path := tmp_path / "report-bom.md").write_bytes(b"\xef\xbb\xbf" + text.encode())
    elif kind == "crlf":
        (path := tmp_path / "report-crlf.md").write_bytes(text.replace("\n", "\r\n").encode())
    elif kind == "csv":
        path = _as_csv(bundled, tmp_path / "report.csv")
    else:
        path = _as_xlsx(bundled, tmp_path / "report.xlsx")
    return path


def _no_provenance(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Projects without which file each period's progress came from, and when."""
    for project in projects:
        for period in project.get("progress_history", []):
            period.pop("source", None), period.pop("at", None)
    return projects


@pytest.mark.parametrize("kind", ["gb18030", "bom", "crlf", "csv", "xlsx"])
def test_the_report_resaved_imports_to_the_same_projects(
    kind: str, tmp_path: Path, cli: Any, bundled: Path, db: Path
) -> None:
    copy = _variant(kind, bundled, tmp_path)
    other = tmp_path / f"{kind}.json"
    result = cli("--db", other, "import", copy)
    assert result.code == 0, result.err
    assert "新增 49" in result.out
    expected = _no_provenance(cli("--db", db, "list", "--json").json())
    assert _no_provenance(cli("--db", other, "list", "--json").json()) == expected
    again = cli("--db", db, "import", copy)  # and it is the same report as far as the DB cares
    assert again.code == 0 and "新增 0，有变化 0" in again.out


# --- bad input -------------------------------------------------------------------------------

HEADER = "序号\t项目名称\t项目概况\t工作成效\t牵头单位"
MALFORMED: dict[str, tuple[bytes, str]] = {
    # name: (file content, what the message must also hold besides the file's name)
    "no-header": ("# 兰陵县 2023 年度项目表\n\n1\t项目\t内容\n".encode(), "找不到表头"),
    "no-name": (
        "序号\t牵头单位\t工作成效\n1\t县教育局\t推进正常\n".encode(),
        "第1行：表头没有“项目名称”",
    ),
    "cells": (
        f"{HEADER}\n1\t项目\t概况\t推进正常\t县教育局\t多\t余\n".encode(),
        "第2行：这一行有 7 个单元格，表头有 5 个",
    ),
    "binary": (bytes(range(256)) * 4, "不是文本文件"),
    "empty": (b"", "文件是空的"),
}


@pytest.mark.parametrize("case", [*MALFORMED, "missing", "xlsx"])
def test_bad_files_exit_1_with_one_line_naming_the_file_and_change_nothing(
    case: str, tmp_path: Path, cli: Any, db: Path
) -> None:
    if case == "missing":
        path, detail = tmp_path / "nowhere.md", "没有这个文件"
    elif case == "xlsx":
        path, detail = tmp_path / "broken.xlsx", "xlsx"
        path.write_bytes(b"PK\x03\x04 not really a workbook")
    else:
        content, detail = MALFORMED[case]
        path = tmp_path / f"{case}.md"
        path.write_bytes(content)
    before = db.read_bytes()
    result = cli("--db", db, "import", path)
    assert result.code == 1
    assert result.out == ""
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert str(path) in lines[0] and detail in lines[0]
    assert db.read_bytes() == before


def test_a_bad_file_among_good_ones_stores_none_of_them(
    tmp_path: Path, cli: Any, bundled: Path
) -> None:
    path = tmp_path / "new.json"
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    result = cli("--db", path, "import", bundled, empty)
    assert result.code == 1 and str(empty) in result.err
    assert not path.exists()


def test_a_broken_database_is_named(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "db.json"
    path.write_text("{ not json", encoding="utf-8")
    result = cli("--db", path, "list")
    assert result.code == 1 and str(path) in result.err and len(result.err.splitlines()) == 1


@pytest.mark.parametrize(
    "args",
    [
        (),  # the app needs a terminal; usage is checked below with real usage errors
        ("frobnicate",),
        ("show",),
        ("list", "--level", "乡级"),
        ("list", "--status", "还行"),
        ("note", "X01", "no month"),
        ("export", "--format", "pdf"),
        ("set-status", "X01"),
    ][1:],
)
def test_usage_errors_exit_2(args: tuple[str, ...], cli: Any, db: Path) -> None:
    before = db.read_bytes()
    result = cli("--db", db, *args)
    assert result.code == 2
    assert result.err.startswith("用法：minsheng")
    assert db.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "Z99"), "没有编号为 “Z99” 的项目"),
        (("history", "Z99"), "没有编号为 “Z99” 的项目"),
        (("set-status", "X01", "还行"), "工作成效须是 推进正常、已完成、滞后、未启动 之一"),
        (("set-status", "Z99", "滞后"), "没有编号为 “Z99” 的项目"),
        (("note", "X01", "--month", "2023-13", "text"), "YYYY-MM"),
        (("note", "X01", "--month", "0000-01", "text"), "不是 2000-01 到 2100-12 之间的 YYYY-MM"),
        (("note", "X01", "--month", "2023-07x", "text"), "YYYY-MM"),
        (("note", "X01", "--month", "2023-00", "text"), "月份 “2023-00” 不是"),
        (("note", "X01", "--month", "2101-01", "text"), "YYYY-MM"),
        (("note", "X01", "--month", "7月", "text"), "YYYY-MM"),
        (("note", "X01", "--month", "2023-07", "  "), "进展须有内容"),
    ],
)
def test_refused_commands_exit_1_and_change_nothing(
    args: tuple[str, ...], message: str, cli: Any, db: Path
) -> None:
    before = db.read_bytes()
    result = cli("--db", db, *args)
    assert result.code == 1
    assert message in result.err and len(result.err.splitlines()) == 1
    assert db.read_bytes() == before


def test_note_months_as_written_in_the_report_are_taken(cli: Any, db: Path) -> None:
    for month in ("2023-07", "2023年8月", "２０２３．９", " 2023/10 "):
        assert cli("--db", db, "note", "X01", "--month", month, f"{month} 进展").code == 0
    months = [u["month"] for u in cli("--db", db, "show", "X01", "--json").json()["updates"]]
    assert months == ["2023-07", "2023-08", "2023-09", "2023-10"]


def test_read_only_refuses_edits(cli: Any, db: Path) -> None:
    result = cli("--db", db, "--read-only", "set-status", "X01", "滞后")
    assert result.code == 1 and "read-only" in result.err
    assert cli("--db", db, "--read-only", "list", "--json").code == 0


# --- reading ---------------------------------------------------------------------------------


def test_list_filters(cli: Any, db: Path) -> None:
    def ids(*args: str) -> list[str]:
        result = cli("--db", db, "list", "--json", *args)
        assert result.code == 0, result.err
        return [p["id"] for p in result.json()]

    assert len(ids("--level", "县级")) == 10
    assert len(ids("--level", "市级", "--level", "省级")) == 39
    everyone = cli("--db", db, "list", "--json").json()
    education = [p["id"] for p in everyone if "教育" in p["department"]]
    assert ids("--department", "教育") == education and education
    normal = [p["id"] for p in everyone if p["status"] == "推进正常"]
    assert ids("--status", "推进正常") == normal
    assert ids("--status", "正常推进") == normal  # a synonym
    fields = ("name", "overview", "target", "plan", "progress")
    texts = {p["id"]: "".join(p[k] for k in fields) for p in everyone}
    park = ids("--search", "体育公园")
    assert park[0] == "X01" and all("体育公园" in texts[i] for i in park)
    assert ids("--level", "县级", "--search", "体育公园", "--department", "教育") == ["X01"]


@pytest.mark.parametrize("width", [40, 60, 80, 120, 200])
def test_list_table_fits_the_terminal_with_cjk_widths(
    width: int, cli: Any, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", str(width))
    result = cli("--db", db, "list")
    assert result.code == 0
    lines = result.out.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    rows = [line for line in lines if re.match(r"[XS]\d\d ", line)]
    assert len(rows) == 49
    assert any("…" in line for line in rows)  # long names are cut, not wrapped
    assert "两河体育" in rows[0]
    assert lines[-1].startswith("49 / 49")


def test_show_and_show_json(cli: Any, db: Path) -> None:
    result = cli("--db", db, "show", "s14")
    assert result.code == 0
    assert result.out.startswith("S14  提升职业学校办学条件")
    assert "将理工学校纳入培训基地" in result.out.replace("\n", "").replace(" ", "")
    data = cli("--db", db, "show", "S14", "--json").json()
    assert data["id"] == "S14" and data["revision"] == 1


def test_markup_in_text_prints_literally(
    cli: Any, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    store = ProjectStore(db, user="alice")
    store.save(Edit("X01", {"name": "[bold]公园[/bold] [link=x]链接"}, source="test"))
    assert cli("--db", db, "note", "X01", "--month", "2023-07", "[bold]粗体[/bold]").code == 0
    listed = cli("--db", db, "list", "--level", "县级")
    assert "[bold]公园[/bold] [link=x]链接" in listed.out
    assert "7月 [bold]粗体[/bold]" in listed.out  # 最新进展
    shown = cli("--db", db, "show", "X01")
    assert "[bold]公园[/bold] [link=x]链接" in shown.out
    assert "[bold]粗体[/bold]" in shown.out


# --- editing and history ---------------------------------------------------------------------


def test_set_status_note_and_history(cli: Any, db: Path) -> None:
    result = cli("--db", db, "set-status", "x1", "滞后", "--note", "雨季停工")
    assert result.code == 0 and "X01" in result.out
    assert cli("--db", db, "show", "X01", "--json").json()["status"] == "滞后"
    assert cli("--db", db, "note", "X01", "--month", "2023-07", "主体完工").code == 0
    changes = cli("--db", db, "history", "X01", "--json").json()
    assert [c["field"] for c in changes] == ["*", "status", "updates"]
    status = changes[1]
    assert (status["new"], status["note"], status["source"]) == ("滞后", "雨季停工", "cli")
    assert len(cli("--db", db, "history", "--json").json()) == 51
    table = cli("--db", db, "history", "X01")
    assert table.code == 0 and "滞后" in table.out and "主体完工" in table.out
    # each change's time as an office writes it; the JSON keeps the stored ISO time
    assert moment(status["at"]) in table.out and status["at"][:16] not in table.out
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", moment(status["at"]))
    assert datetime.fromisoformat(status["at"]).tzinfo is not None
    shown = cli("--db", db, "show", "X01", "--json").json()
    assert [u["text"] for u in shown["updates"]] == ["主体完工"]


def test_export_json(tmp_path: Path, cli: Any, db: Path) -> None:
    out = tmp_path / "export.json"
    assert cli("--db", db, "export", "--format", "json", "-o", out).code == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data["projects"]) == 49 and data["report"]["year"] == 2023
    refused = cli("--db", db, "export", "-o", out)
    assert refused.code == 1 and str(out) in refused.err and "--force" in refused.err
    assert cli("--db", db, "export", "-o", out, "--force", "--level", "县级").code == 0
    assert len(json.loads(out.read_text(encoding="utf-8"))["projects"]) == 10
    missing = cli("--db", db, "export", "-o", tmp_path / "no" / "such" / "dir.json")
    assert missing.code == 1
    to_stdout = _subprocess("--db", db, "export", "--format", "json", "-o", "-")
    assert to_stdout.returncode == 0
    assert len(json.loads(to_stdout.stdout)["projects"]) == 49


# --- the default database -------------------------------------------------------------------


def test_first_run_on_the_default_file_imports_the_bundled_report(
    tmp_path: Path, _isolated_home: Path
) -> None:
    env = {"HOME": str(_isolated_home), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    first = _subprocess("list", "--json", **env)
    assert first.returncode == 0, first.stderr
    assert len(json.loads(first.stdout)) == 49
    default = tmp_path / "xdg" / "minsheng" / "minsheng.json"
    assert default.exists()
    assert "附带的报告" in first.stderr and str(default) in first.stderr
    second = _subprocess("list", "--json", **env)
    assert second.returncode == 0 and second.stderr == ""


def test_without_xdg_the_default_is_under_home(
    cli: Any, _isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("XDG_DATA_HOME")
    result = cli("show", "X01", "--json")
    assert result.code == 0 and "附带的报告" in result.err
    assert (_isolated_home / ".local" / "share" / "minsheng" / "minsheng.json").exists()


def test_minsheng_db_names_the_file(
    tmp_path: Path, cli: Any, bundled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "from-env.json"
    monkeypatch.setenv("MINSHENG_DB", str(path))
    assert "新增 49" in cli("import", bundled).out
    assert path.exists()
    assert len(cli("list", "--json").json()) == 49


def test_first_run_with_a_bad_file_leaves_no_database(
    tmp_path: Path, cli: Any, _isolated_home: Path
) -> None:
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    assert cli("import", empty).code == 1
    assert not (_isolated_home / "xdg" / "minsheng" / "minsheng.json").exists()


# --- the program as installed ------------------------------------------------------------------


def test_the_entry_point_and_a_closed_pipe(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    ProjectStore(path, user="alice").import_report(make_projects(300), source="import:x")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(path), "list", "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline().strip() == b"["
    proc.stdout.close()  # like `| head -1`
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""
    proc.stderr.close()
    helped = _subprocess("--help")
    assert helped.returncode == 0 and "import" in helped.stdout


def test_period_can_be_read_and_changed(cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    assert cli("--db", db, "import", ROOT / "data" / "lanling-2023-h1.md").code == 0
    shown = cli("--db", db, "period")
    assert shown.code == 0 and "1-6 月份" in shown.out
    changed = cli("--db", db, "period", "1-9")
    assert changed.code == 0 and "1-9 月份" in changed.out
    exported = cli("--db", db, "export", "--format", "json").json()
    assert exported["report"]["period"] == {"from": 1, "to": 9}
    before = db.read_bytes()
    refused = cli("--db", db, "period", "9-1")
    assert refused.code == 1 and "9-1" in refused.err
    assert db.read_bytes() == before


def test_json_export_carries_month_items_for_every_project(cli: Any, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    assert cli("--db", db, "import", ROOT / "data" / "lanling-2023-h1.md").code == 0
    exported = cli("--db", db, "export", "--format", "json").json()
    assert exported["report"]["period"] == {"from": 1, "to": 6}
    assert len(exported["projects"]) == 49
    for project in exported["projects"]:
        for key, source in (("plan_items", "plan"), ("progress_items", "progress")):
            items = project[key]
            assert all(set(item) == {"months", "text"} for item in items), project["id"]
            assert all(1 <= m <= 12 for item in items for m in item["months"]), project["id"]
            joined = "".join(item["text"] for item in items)
            assert "".join(joined.split()) == "".join(project[source].split()), project["id"]
    x02 = next(p for p in exported["projects"] if p["id"] == "X02")
    assert [i["months"] for i in x02["plan_items"]][:3] == [[2], [3, 4, 5], [6]]
    assert x02["progress_items"] == [{"months": [6], "text": x02["progress"]}]


# --- told why: a full disk, a held lock, a lock file of someone else, a missing database ------


def test_a_full_disk_names_the_file_and_says_nothing_was_saved(
    cli: Any, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("--db", db, "set-status", "X01", "滞后").code == 0  # (the day's backup is made)
    before = db.read_bytes()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as ext4 says it at fsync

    monkeypatch.setattr(os, "fsync", full)
    result = cli("--db", db, "set-status", "S14", "滞后")
    assert result.code == 1 and len(result.err.splitlines()) == 1
    assert str(db) in result.err and "没有保存：数据库文件无法写入" in result.err
    assert "磁盘已满" in result.err
    monkeypatch.undo()
    assert db.read_bytes() == before
    assert not [p.name for p in db.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_held_lock_is_named_after_a_second_and_wait_gives_up(cli: Any, db: Path) -> None:
    before = db.read_bytes()
    holder = hold_lock(db, "wang pid 4242 on server\n")
    try:
        started = time.monotonic()
        result = cli("--db", db, "--wait", "1.5", "set-status", "X01", "滞后")
        took = time.monotonic() - started
        assert result.code == 1 and 1.4 < took < 10
        waiting, refused = result.err.splitlines()
        assert "wang pid 4242 on server正在保存" in waiting and "1.5 秒后放弃" in waiting
        assert str(db) in refused and "没有保存" in refused
        assert "wang pid 4242 on server 占用锁已超过 1.5 秒" in refused
        assert db.read_bytes() == before
        # Without --wait it waits as long as it takes, saying who for after a second.
        threading.Timer(1.5, holder.kill).start()
        result = cli("--db", db, "set-status", "X01", "滞后")
        assert result.code == 0 and "X01 工作成效：滞后" in result.out
        assert "wang pid 4242 on server正在保存" in result.err and "按 Ctrl+C 放弃" in result.err
    finally:
        holder.kill()
        holder.wait()
    assert cli("--db", db, "--wait", "x", "list").code == 2
    assert cli("--db", db, "--wait", "-1", "list").code == 2


@pytest.mark.skipif(
    os.geteuid() != 0 or not sys.platform.startswith("linux"),
    reason="needs root, to own a lock file another user may not read",
)
def test_another_user_s_private_lock_file_opens_read_only_saying_so(bundled: Path) -> None:
    nobody = pwd.getpwnam("nobody")
    folder = Path(tempfile.mkdtemp(prefix="minsheng-lock-"))  # (tmp_path: root's only)
    try:
        os.chmod(folder, 0o777)
        db = folder / "db.json"
        assert run(["--db", str(db), "import", str(bundled)]) == 0
        os.chmod(db, 0o666)  # the file may be written by all ...
        os.chmod(f"{db}.lock", 0o600)  # ... but root's lock file read by no one else
        before = db.read_bytes()
        build_parser()  # (what the child needs is loaded: it may not read root's Python)
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child
            status = 99
            try:
                os.dup2(write_fd, 2)
                sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 - pytest replaced it
                sys.stdout = open(os.devnull, "w")  # noqa: SIM115
                os.setgroups([])
                os.setgid(nobody.pw_gid)
                os.setuid(nobody.pw_uid)
                status = run(["--db", str(db), "set-status", "X01", "滞后"])
            finally:
                sys.stderr.flush()
                os._exit(status)
        os.close(write_fd)
        with os.fdopen(read_fd, encoding="utf-8", errors="replace") as pipe:
            err = pipe.read()
        _, waited = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(waited) == 1, err
        assert "以只读方式打开" in err and f"不能读取锁文件 {db}.lock" in err
        assert db.read_bytes() == before
    finally:
        shutil.rmtree(folder)


def test_a_database_that_does_not_exist_is_refused_unless_made_on_purpose(
    cli: Any, tmp_path: Path, bundled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tui.app

    monkeypatch.setattr(tui.app, "run_app", lambda store, **kw: 0)  # (no terminal here)
    typo = tmp_path / "shraed" / "minsheng.json"
    for argv in (
        ["list"],
        ["tui"],
        ["set-status", "X01", "滞后"],
        ["--read-only", "list"],
        ["db", "restore", "minsheng-20231128.json"],
    ):
        result = cli("--db", typo, *argv)
        assert result.code == 1, argv
        assert f"{typo}：没有这个数据库（文件夹 {typo.parent} 也不存在）" in result.err
        assert "无从只读打开" in result.err or "--create" in result.err
    assert not typo.parent.exists() and not list(tmp_path.glob("**/*.lock"))
    made = cli("--db", typo, "--create", "list")
    assert made.code == 0 and "0 / 0" in made.out
    imported = cli("--db", tmp_path / "new.json", "import", bundled)
    assert imported.code == 0 and "新建的数据库，由这次导入生成" in imported.err
    again = cli("--db", tmp_path / "new.json", "import", bundled)
    assert again.code == 0 and "new database" not in again.err


def test_snapshot_takes_another_name_and_never_suggests_force(
    cli: Any, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from store import snapshots

    real, calls = snapshots.write_snapshot, []

    def racing(store: Any, fmt: str = "json", **kw: Any) -> Any:
        calls.append(fmt)
        if len(calls) == 1 or taken:  # someone's snapshot took the name it chose
            path = snapshots.snapshot_dir(store.home) / "lanling-2023-m01-06-20231128-1530.json"
            raise ExportExistsError(f"{path}: already exists (use --force to overwrite)", path=path)
        return real(store, fmt, **kw)

    monkeypatch.setattr(snapshots, "write_snapshot", racing)
    taken = False
    result = cli("--db", db, "snapshot")
    assert result.code == 0 and len(calls) == 2 and "已写出 49 个项目" in result.out
    taken = True
    result = cli("--db", db, "snapshot")
    assert result.code == 1 and "--force" not in result.err and "请再运行一次" in result.err


# --- the monthly cycle (issue 13) and 序时 (issue 16) ----------------------------------------


def _next_month(bundled: Path, path: Path) -> Path:
    """The bundled report retitled 1-7 月份, X01's 推进情况 extended and S02 reported 已完成."""
    table, lines = "", []
    for line in bundled.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            assert "（1-6 月份）" in line
            table = "X" if "（县级）" in line else "S"
            line = line.replace("（1-6 月份）", "（1-7 月份）")
        cells = line.split("\t")
        if len(cells) > 6 and cells[0].isdigit():
            pid = f"{table}{int(cells[0]):02d}"
            if pid == "X01":
                cells[5] += " 7月，完成主体工程。"
            elif pid == "S02":
                cells[6] = "已完成"
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_next_month_keeps_the_office_s_judgement(
    tmp_path: Path, cli: Any, db: Path, bundled: Path
) -> None:
    assert cli("--db", db, "set-status", "S14", "滞后").code == 0
    july = cli("--db", db, "import", _next_month(bundled, tmp_path / "1-7.md"))
    assert july.code == 0, july.err
    assert "有变化 X01：推进情况" in july.out and "有变化 S02：工作成效" in july.out
    assert "保留了手工修改" in july.out and "S14：工作成效" in july.out
    assert "工作成效与报告不一致" in july.out and "：滞后 / 推进正常" in july.out
    s14 = cli("--db", db, "show", "S14", "--json").json()
    assert (s14["status"], s14["status_reported"]) == ("滞后", "推进正常")
    s02 = cli("--db", db, "show", "S02", "--json").json()
    assert s02["status"] == s02["status_reported"] == "已完成"
    x01 = cli("--db", db, "show", "X01", "--json").json()
    periods = [(h["period"]["from"], h["period"]["to"]) for h in x01["progress_history"]]
    assert periods == [(1, 6), (1, 7)] and x01["progress"].endswith("7月，完成主体工程。")
    stale = cli("--db", db, "list", "--not-updated", "--json").json()
    assert len(stale) == 48 and "X01" not in {p["id"] for p in stale}
    assert all(p["not_updated"] for p in stale)
    assert cli("--db", db, "period").out.strip() == "报告期：1-7 月份"
    shown = cli("--db", db, "show", "S14").out
    assert "滞后（上报：推进正常）" in shown and "1-6月推进情况  （未更新）" in shown
    assert "完成主体工程" not in cli("--db", db, "show", "X01").out.split("1-6月推进情况")[1]


def test_take_reported_takes_the_report_s_values_over_hand_edits(
    tmp_path: Path, cli: Any, db: Path, bundled: Path
) -> None:
    assert cli("--db", db, "set-status", "S14", "滞后").code == 0
    july = _next_month(bundled, tmp_path / "1-7.md")
    assert cli("--db", db, "import", "--take-reported", july).code == 0
    s14 = cli("--db", db, "show", "S14", "--json").json()
    assert s14["status"] == s14["status_reported"] == "推进正常"


def test_a_table_without_a_title_needs_its_period(tmp_path: Path, cli: Any, bundled: Path) -> None:
    untitled = tmp_path / "untitled.md"
    text = bundled.read_text(encoding="utf-8")
    untitled.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("#")),
        encoding="utf-8",
    )
    path = tmp_path / "db.json"
    refused = cli("--db", path, "import", untitled)
    assert refused.code == 1 and "请用 --period 给出" in refused.err and not path.exists()
    assert cli("--db", path, "import", "--period", "1-7", untitled).code == 0
    assert cli("--db", path, "period").out.strip() == "报告期：1-7 月份"
    again = cli("--db", path, "import", untitled)  # the database's period is taken, saying so
    assert again.code == 0 and "按数据库的报告期 1-7月 读取" in again.err
    contradicts = cli("--db", path, "import", "--period", "1-8", bundled)
    assert contradicts.code == 1 and "标题写的是 1-6月" in contradicts.err
    assert cli("--db", path, "import", "--period", "13-14", untitled).code == 2
    fresh = tmp_path / "fresh.json"  # a titled file first gives the untitled one its months
    both = cli("--db", fresh, "import", bundled, untitled)
    assert both.code == 0, both.err
    assert "按数据库的报告期 1-6月 读取" in both.err


def _department_ids(cli: Any, db: Path, department: str) -> set[str]:
    listed = cli("--db", db, "list", "--department", department, "--json")
    assert listed.code == 0, listed.err
    return {p["id"] for p in listed.json()}


def test_units_lists_names_and_merge_counts_old_as_new(cli: Any, db: Path) -> None:
    listed = cli("--db", db, "units")
    assert listed.code == 0 and "体育局" in listed.out and "units merge 原名称 新名称" in listed.out
    assert "体育局 → 县教育体育局" in listed.out  # a suggestion
    # (--department is a substring: 体育局 finds 县教育体育局's projects too)
    only_old = _department_ids(cli, db, "体育局") - _department_ids(cli, db, "县教育体育局")
    assert only_old == {"X05"}  # 县教育局 体育局
    merged = cli("--db", db, "units", "merge", "体育局", "县教育体育局")
    assert merged.code == 0, merged.err
    assert "体育局 → 县教育体育局：1 个项目" in merged.out
    assert "X05" in _department_ids(cli, db, "县教育体育局")
    x05 = cli("--db", db, "show", "X05", "--json").json()
    assert (x05["department"], x05["department_raw"]) == (
        "县教育局 县教育体育局",
        "县教育局 体育局",
    )


def test_units_unmerge_restores_the_names_as_reported(cli: Any, db: Path) -> None:
    before_new = _department_ids(cli, db, "县教育体育局")
    assert cli("--db", db, "units", "merge", "体育局", "县教育体育局").code == 0
    assert "已合并" in cli("--db", db, "units").out
    undone = cli("--db", db, "units", "unmerge", "体育局")
    assert undone.code == 0, undone.err
    assert _department_ids(cli, db, "县教育体育局") == before_new
    x05 = cli("--db", db, "show", "X05", "--json").json()
    assert (x05["department"], x05["department_raw"]) == ("县教育局 体育局", "")
    assert cli("--db", db, "units", "unmerge", "体育局").code == 1  # not merged any more


def test_schedule_names_the_projects_behind(cli: Any, db: Path) -> None:
    result = cli("--db", db, "schedule", "--json")
    assert result.code == 0, result.err
    schedules = {s["id"]: s for s in result.json()}
    assert len(schedules) == 49
    for pid in ("S15", "X03", "S12"):
        assert schedules[pid]["class"] == "滞后" and schedules[pid]["disagrees"]
    s15 = schedules["S15"]
    assert set(s15) == {"id", "name", "class", "reported", "disagrees", "ratio", "indicators"}
    assert isinstance(s15["ratio"], float) and s15["reported"] == "推进正常"
    assert {"name", "unit", "target", "planned", "actual", "ratio", "source"} == set(
        s15["indicators"][0]
    )
    late = cli("--db", db, "schedule", "--schedule", "滞后", "--level", "县级", "--json").json()
    assert "X03" in {s["id"] for s in late} and all(s["class"] == "滞后" for s in late)
    table = cli("--db", db, "schedule", "--schedule", "滞后")
    assert table.code == 0 and "S15" in table.out and "31 / 190" in table.out


def test_the_json_export_carries_each_projects_schedule_as_schedule_json_prints_it(
    cli: Any, db: Path
) -> None:
    for rule in ((), ("--thresholds", "150,120,100"), ("--basis", "points")):
        if rule:
            assert cli("--db", db, "schedule", *rule).code == 0
        printed = cli("--db", db, "schedule", "--json").json()
        exported = cli("--db", db, "export", "--format", "json").json()
        assert len(printed) == len(exported["projects"]) == 49
        assert [p["schedule"] for p in exported["projects"]] == printed
        assert exported["schedule_rule"]["basis"] == ("points" if "--basis" in rule else "ratio")
    # a stricter rule (the last but one) changed classes: the two kept agreeing throughout
    classes = {s["class"] for s in printed}
    assert "滞后" in classes


def test_the_rule_is_set_from_the_command_line_shown_and_recorded(cli: Any, db: Path) -> None:
    shown = cli("--db", db, "schedule")
    assert "≥110% 超序时，≥90% 按序时，≥70% 慢序时" in shown.out
    before = {s["id"]: s["class"] for s in cli("--db", db, "schedule", "--json").json()}
    done = cli("--db", db, "schedule", "--thresholds", "120,105,95")
    assert done.code == 0 and "≥120% 超序时，≥105% 按序时，≥95% 慢序时" in done.out
    after = {s["id"]: s["class"] for s in cli("--db", db, "schedule", "--json").json()}
    assert after["S39"] == "慢序时" and before["S39"] == "按序时"  # 102% of plan
    assert "≥120% 超序时" in cli("--db", db, "schedule").out
    (change,) = [c for c in cli("--db", db, "history", "--json").json() if c["field"] == "schedule"]
    assert (change["old"]["on_time"], change["new"]["on_time"]) == (0.9, 1.05)
    assert change["source"] == "cli"
    points = cli("--db", db, "schedule", "--basis", "points", "--thresholds", "5,-5,-20")
    assert points.code == 0 and "按百分点" in points.out and "低 5-20 点 慢序时" in points.out
    for bad in (("--thresholds", "90,110,70"), ("--thresholds", "110,90"),
                ("--thresholds", "110,90,-5"), ("--thresholds", "1200,90,70"),
                ("--thresholds", "abc"), ("--basis", "points", "--thresholds", "10,5,-30"),
                ("--basis", "points", "--thresholds", "10,-10,-130")):  # fmt: skip
        refused = cli("--db", db, "schedule", *bad)
        assert refused.code == 1 and refused.out == "", bad
        assert len(refused.err.strip().splitlines()) == 1 and "序时阈值" in refused.err, bad
    assert cli("--db", db, "schedule", "--basis", "weeks").code == 2
    history = [c for c in cli("--db", db, "history", "--json").json() if c["field"] == "schedule"]
    assert len(history) == 2  # the refused ones changed nothing
    assert cli("--db", db, "--read-only", "schedule", "--basis", "ratio").code == 1


def test_list_by_schedule(cli: Any, db: Path) -> None:
    late = cli("--db", db, "list", "--schedule", "滞后", "--json").json()
    assert {"S15", "X03", "S12"} <= {p["id"] for p in late}
    assert all(p["schedule"] == "滞后" for p in late)
    either = cli("--db", db, "list", "--schedule", "滞后", "--schedule", "慢序时", "--json").json()
    assert len(either) >= len(late)
    ordered = cli("--db", db, "list", "--sort", "schedule", "--json").json()
    assert ordered[0]["id"] == "S15"
    assert cli("--db", db, "list", "--schedule", "很慢").code == 2


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--bogus"], "不认识的参数：--bogus"),
        (
            ["list", "--level", "区级"],
            "参数 --level：没有 “区级” 这一项（可以是：县级、市级、省级）",
        ),
        (["export", "--paper"], "参数 --paper 后面要跟一个值"),
        (["import"], "缺少参数：文件"),
        (["set-status"], "缺少参数：编号, 工作成效"),
    ],
)  # fmt: skip
def test_argparse_speaks_chinese(argv: list[str], words: str, capsys) -> None:
    from tui.cli import run

    with pytest.raises(SystemExit) as exited:
        run(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("用法：minsheng") and words in err
    assert "usage" not in err and "error" not in err


def test_help_headings_are_chinese(capsys) -> None:
    from tui.cli import run

    with pytest.raises(SystemExit):
        run(["list", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("用法：minsheng list") and "\n选项：\n" in out
    assert "显示这份说明，然后退出" in out and "show this help" not in out

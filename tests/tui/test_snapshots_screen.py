"""The snapshots screen from the keyboard: the list, picking two (or one and 当前), the changes."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable

import store.snapshots as snapshots
from store.interface import Edit, NewUpdate
from store.jsonfile import JSONFileStore
from tests.tui.helpers import save_as, settle, text_of
from tui.screens.project_list import ProjectListScreen
from tui.screens.snapshots import SnapshotsScreen

#: the times the two snapshots are recorded at (no zone: shown as written, in any TZ)
TIMES = ("2023-07-01T09:30:00", "2023-08-01T09:30:00")
FIRST = "lanling-2023-m01-06-20230701-0930.json"
SECOND = "lanling-2023-m01-06-20230801-0930.json"


def make_snapshots(store: JSONFileStore, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """Two snapshots with changes between them, and one more change after the second:
    S14 滞后 and an update of S03 (with markup-like text) in the second; S01 已完成 now."""
    times = iter(TIMES)
    monkeypatch.setattr(snapshots, "now_iso", lambda: next(times))
    first, _ = snapshots.write_snapshot(store, "json", when=datetime(2023, 7, 1, 9, 30))
    store.save(Edit("S14", {"status": "滞后"}, source="cli"))
    store.save(Edit("S03", update=NewUpdate("2023-07", "完成[bold]验收[/bold]"), source="cli"))
    second, _ = snapshots.write_snapshot(store, "json", when=datetime(2023, 8, 1, 9, 30))
    store.save(Edit("S01", {"status": "已完成"}, source="cli"))
    return first, second


def _table(pilot: Any) -> DataTable:
    return pilot.app.screen.query_one("#snapshot-table", DataTable)


def _rows(pilot: Any) -> list[list[str]]:
    table = _table(pilot)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def _changes(pilot: Any) -> str:
    return text_of(pilot, "#snapshot-diff-text")


async def _open(pilot: Any) -> SnapshotsScreen:
    await settle(pilot)
    await pilot.press("h")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SnapshotsScreen)
    return screen


async def test_h_lists_the_snapshots_and_compares_the_newest_with_now(app, monkeypatch) -> None:
    make_snapshots(app.store, monkeypatch)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(pilot)
        assert _rows(pilot) == [
            ["", "2023年7月1日 09:30", FIRST, "json", "49", "全部", "tester"],
            ["旧", "2023年8月1日 09:30", SECOND, "json", "49", "全部", "tester"],
            ["新", "—", "当前（数据库）", "", "", "", ""],
        ]
        assert "2 个快照" in text_of(pilot, "#snapshots-header")
        # As `minsheng diff` with no files: the newest snapshot of all against the database.
        assert screen.diff is not None
        assert [c.id for c in screen.diff.changed] == ["S01"]
        shown = _changes(pilot)
        assert f"比较：{SECOND} → 当前" in shown
        assert "S01 推进城乡公益性岗位扩容提质" in shown
        assert "工作成效：推进正常 → 已完成" in shown
        assert "有变化 1 · 无变化 48 · 新增 0 · 移除 0 · 推进情况无变化 49" in shown
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)


async def test_pick_two_snapshots_and_see_what_changed(app, monkeypatch) -> None:
    make_snapshots(app.store, monkeypatch)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(pilot)
        assert _table(pilot).has_focus
        await pilot.press("up", "up", "space")  # the first: replaces the first picked
        await settle(pilot)
        assert [r[0] for r in _rows(pilot)] == ["旧", "", "新"]
        assert screen.diff is not None and screen.diff.new_label == "当前"
        assert sorted(c.id for c in screen.diff.changed) == ["S01", "S03", "S14"]
        await pilot.press("down", "enter")  # enter picks too: the first and the second
        await settle(pilot)
        assert [r[0] for r in _rows(pilot)] == ["旧", "新", ""]
        diff = screen.diff
        assert (diff.old_label, diff.new_label) == (FIRST, SECOND)
        assert [c.id for c in diff.changed] == ["S03", "S14"]
        assert [(f.field, f.old, f.new) for f in diff.changed[1].changes] == [
            ("status", "推进正常", "滞后")
        ]
        assert len(diff.unchanged) == 47 and diff.added == [] and diff.removed == []
        shown = _changes(pilot)
        assert f"比较：{FIRST} → {SECOND}" in shown
        assert "S14 提升职业学校办学条件" in shown and "工作成效：推进正常 → 滞后" in shown
        # text from the files is shown as written, never read as markup
        assert "新增进展：+ 2023-07 完成[bold]验收[/bold]" in shown
        changed, unmoved = shown.split("推进情况无变化的项目（48）")
        assert "  S03 " not in unmoved and "  S14 " in unmoved  # (a status is not progress)
        assert "S01" not in changed
        # Picking a picked one again takes it back: one left, nothing compared.
        await pilot.press("space")
        await settle(pilot)
        assert [r[0] for r in _rows(pilot)] == ["选", "", ""]
        assert screen.diff is None and _changes(pilot) == ""
        assert "再选一行" in text_of(pilot, "#snapshots-picked")
        # The diff pane scrolls from the keyboard.
        await pilot.press("tab")
        assert pilot.app.screen.query_one("#snapshot-diff").has_focus


async def test_removed_and_unrecorded_files_are_marked(app, monkeypatch) -> None:
    first, second = make_snapshots(app.store, monkeypatch)
    first.unlink()
    extra = second.with_name("copied.json")  # put there by hand: not in the index
    extra.write_bytes(second.read_bytes())
    os.utime(extra, (datetime(2023, 9, 1).timestamp(),) * 2)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(pilot)
        names = [r[2] for r in _rows(pilot)]
        assert names == [f"{FIRST}（已删除）", SECOND, "copied.json（补记）", "当前（数据库）"]
        assert _rows(pilot)[2][4:6] == ["49", "—"]  # counted from the file; scope not known
        # The newest whole snapshot is SECOND (a rebuilt entry's scope is not known).
        assert screen.diff is not None and screen.diff.old_label == SECOND
        await pilot.press("up", "up", "up", "space")  # the removed one: not picked
        await settle(pilot)
        assert screen.picked == ["file:" + SECOND, "\0current"]
        assert screen.diff is not None and screen.diff.old_label == SECOND  # as it was
        assert text_of(pilot, "#snapshots-picked").strip() == f"{FIRST}：文件已删除，不能比较"
        assert pilot.app.screen.query_one("#snapshots-picked").has_class("error")
        await pilot.press("down", "down", "space")  # the rebuilt one is read like any other
        await settle(pilot)
        assert (screen.diff.old_label, screen.diff.new_label) == ("copied.json", "当前")


async def test_a_file_the_index_names_is_read_only_when_it_is_a_plain_file(
    app, db_path, tmp_path, monkeypatch
) -> None:
    _first, second = make_snapshots(app.store, monkeypatch)
    secret = tmp_path / "elsewhere.json"
    secret.write_bytes(second.read_bytes())
    folder = second.parent
    (folder / "link.json").symlink_to(secret)
    index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    outside = {**index["snapshots"][0], "file": "../elsewhere.json"}
    linked = {**index["snapshots"][0], "file": "link.json", "at": "2023-09-01T09:30:00"}
    index["snapshots"] += [outside, linked]
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(pilot)
        # the newest whole snapshot is the link: not read unasked
        assert screen.diff is None
        assert "link.json：是符号链接，不读取" in text_of(pilot, "#snapshots-picked")
        await pilot.press("up", "space", "up", "space")  # ../elsewhere.json and SECOND
        await settle(pilot)
        assert screen.diff is None
        assert "不是快照文件夹里的文件" in text_of(pilot, "#snapshots-picked")


async def test_no_snapshots_yet(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot)
        assert _rows(pilot) == [["", "—", "当前（数据库）", "", "", "", ""]]
        assert "minsheng snapshot" in text_of(pilot, "#snapshots-picked")
        await pilot.press("space")
        await settle(pilot)
        assert screen.diff is None


async def test_the_command_palette_offers_the_snapshots(app) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "快照与比较（h）" in titles
        await _open(pilot)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "快照与比较（h）" not in titles  # already here
        assert "选择（space）" in titles and "返回（esc）" in titles


async def test_r_reads_the_database_again(app, db_path, monkeypatch) -> None:
    make_snapshots(app.store, monkeypatch)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(pilot)
        assert screen.diff is not None and [c.id for c in screen.diff.changed] == ["S01"]
        save_as(db_path, "another", "S02", {"status": "滞后"})  # someone else, meanwhile
        await pilot.press("r")
        await settle(pilot)
        assert [c.id for c in screen.diff.changed] == ["S01", "S02"]
        assert [r[0] for r in _rows(pilot)] == ["", "旧", "新"]  # the picks are kept


async def test_h_works_from_the_detail_screen_and_esc_goes_back_there(app) -> None:
    from tui.screens.project_detail import ProjectDetailScreen

    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        detail = pilot.app.screen
        assert isinstance(detail, ProjectDetailScreen)
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SnapshotsScreen)
        await pilot.press("h")  # not again on top of itself
        await settle(pilot)
        assert len([s for s in pilot.app.screen_stack if isinstance(s, SnapshotsScreen)]) == 1
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is detail


async def test_names_from_the_index_are_shown_as_written(app, monkeypatch) -> None:
    _first, second = make_snapshots(app.store, monkeypatch)
    index_path = second.parent / "index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    odd = {"file": "[bold red]x[/]\x1b[2J.json", "format": "json", "at": "[i]\x07", "by": "[b]m"}
    index["snapshots"].append({**index["snapshots"][0], **odd})
    index_path.write_text(json.dumps(index), encoding="utf-8")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open(pilot)
        row = _rows(pilot)[2]
        assert row[1:3] == ["[i]", "[bold red]x[/][2J.json（已删除）"]
        assert row[6] == "[b]m"


async def test_report_format_snapshots_compare_and_html_ones_are_skipped(app, monkeypatch) -> None:
    make_snapshots(app.store, monkeypatch)
    times = iter(("2023-09-01T09:30:00", "2023-09-02T09:30:00"))
    monkeypatch.setattr(snapshots, "now_iso", lambda: next(times))
    md, _ = snapshots.write_snapshot(app.store, "md", when=datetime(2023, 9, 1, 9, 30))
    snapshots.write_snapshot(app.store, "html", when=datetime(2023, 9, 2, 9, 30))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await _open(pilot)
        # the newest is html (for reading): the newest that can be read back is compared
        assert [r[0] for r in _rows(pilot)] == ["", "", "旧", "", "新"]
        assert screen.diff is not None and screen.diff.old_label == md.name
        assert screen.diff.changed == []  # read as an import reads it: the same projects
        await pilot.press("up", "space")  # the html one
        await settle(pilot)
        assert screen.diff is None
        said = text_of(pilot, "#snapshots-picked").strip()
        assert said.endswith("html 格式的快照不能比较（可比较 json、md、xlsx、csv）")

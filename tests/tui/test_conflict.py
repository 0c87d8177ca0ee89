"""Two people, one project: the conflict dialog, and another process's saves showing up live."""

from __future__ import annotations

import time
from pathlib import Path

from textual.widgets import TextArea

from store.jsonfile import JSONFileStore as ProjectStore
from tests.tui.helpers import save_as, settle, shown_ids, text_of
from tui.dialogs.conflict_dialog import ConflictDialog
from tui.dialogs.edit_field import AddUpdateDialog, EditFieldDialog
from tui.dialogs.status_picker import StatusPicker
from tui.screens.project_list import ProjectListScreen
from tui.widgets.project_table import ProjectTable


async def _edit_progress_while_someone_else_saves(pilot, db_path: Path, mine: str) -> None:
    """Open X01's editor, type ``mine``; meanwhile wang saves X01 from another process."""
    await settle(pilot)
    await pilot.press("e")
    dialog = pilot.app.screen
    assert isinstance(dialog, EditFieldDialog)
    dialog.query_one(TextArea).text = mine
    save_as(db_path, "wang", "X01", {"progress": "王的进展"})
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_conflict_shows_both_versions_and_keep_theirs_saves_nothing(
    app, db_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await _edit_progress_while_someone_else_saves(pilot, db_path, "我的进展")
        dialog = pilot.app.screen
        assert isinstance(dialog, ConflictDialog)
        assert dialog.has_class("-stacked")  # 80 columns: one above the other
        assert "王的进展" in text_of(pilot, "#theirs-text")
        assert "我的进展" in text_of(pilot, "#mine-text")
        who = str(dialog.query_one("#conflict-who").render())
        assert "wang" in who and "推进情况" in who
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    stored = ProjectStore(db_path).get("X01")
    assert stored.progress == "王的进展"
    assert [c.by for c in ProjectStore(db_path).history("X01")][-1] == "wang"


async def test_overwrite_saves_mine_against_their_revision(app, db_path: Path) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await _edit_progress_while_someone_else_saves(pilot, db_path, "我的进展")
        dialog = pilot.app.screen
        assert isinstance(dialog, ConflictDialog) and not dialog.has_class("-stacked")
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    history = ProjectStore(db_path).history("X01")
    assert [(c.by, c.new) for c in history[-2:]] == [("wang", "王的进展"), ("tester", "我的进展")]


async def test_merge_reopens_the_editor_with_theirs_then_mine(app, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await _edit_progress_while_someone_else_saves(pilot, db_path, "我的进展")
        await pilot.press("m")
        await settle(pilot)
        editor = pilot.app.screen
        assert isinstance(editor, EditFieldDialog)
        assert editor.query_one(TextArea).text == "王的进展\n\n我的进展"
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert ProjectStore(db_path).get("X01").progress == "王的进展\n\n我的进展"


async def test_escape_goes_back_to_my_text_and_a_third_save_conflicts_again(
    app, db_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await _edit_progress_while_someone_else_saves(pilot, db_path, "我的进展")
        await pilot.press("escape")
        await settle(pilot)
        editor = pilot.app.screen
        assert isinstance(editor, EditFieldDialog)
        assert editor.query_one(TextArea).text == "我的进展"
        save_as(db_path, "li", "X01", {"progress": "李的"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ConflictDialog)  # li saved after the dialog: asked again
        assert "李的" in text_of(pilot, "#theirs-text")
    assert ProjectStore(db_path).get("X01").progress == "李的"


async def test_a_status_conflict_offers_keep_or_overwrite(app, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        assert isinstance(pilot.app.screen, StatusPicker)
        save_as(db_path, "wang", "X01", {"status": "已完成"})
        await pilot.press("z", "enter")  # 滞后, no reason given
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ConflictDialog) and not dialog.can_merge
        assert "已完成" in text_of(pilot, "#theirs-text") and "滞后" in text_of(pilot, "#mine-text")
        await pilot.press("m")  # not offered: nothing happens
        assert pilot.app.screen is dialog
        await pilot.press("o")
        await settle(pilot)
    assert ProjectStore(db_path).get("X01").status == "滞后"


async def test_an_update_conflict_keeps_my_text(app, db_path: Path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        dialog = pilot.app.screen
        assert isinstance(dialog, AddUpdateDialog)
        dialog.query_one(TextArea).text = "七月完成验收"
        save_as(db_path, "wang", "X01", update=("2023-07", "王的更新"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ConflictDialog)
        await pilot.press("escape")
        await settle(pilot)
        editor = pilot.app.screen
        assert isinstance(editor, AddUpdateDialog)
        assert editor.query_one(TextArea).text == "七月完成验收"
        await pilot.press("ctrl+s")  # now against wang's revision
        await settle(pilot)
    project = ProjectStore(db_path).get("X01")
    assert [u.text for u in project.updates] == ["王的更新", "七月完成验收"]


async def test_a_change_to_another_field_meanwhile_is_kept_and_not_a_conflict(
    app, db_path: Path
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e")  # 推进情况
        pilot.app.screen.query_one(TextArea).text = "我的进展"
        save_as(db_path, "wang", "X01", {"status": "滞后"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)  # saved, nothing to decide
        await pilot.press("a")
        pilot.app.screen.query_one(TextArea).text = "七月完成验收"
        save_as(db_path, "wang", "X01", {"plan": "王的计划"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    project = ProjectStore(db_path).get("X01")
    assert (project.status, project.progress, project.plan) == ("滞后", "我的进展", "王的计划")
    assert [u.text for u in project.updates] == ["七月完成验收"]
    history = ProjectStore(db_path).history("X01")
    assert [(c.by, c.field) for c in history[-4:]] == [
        ("wang", "status"),
        ("tester", "progress"),
        ("wang", "plan"),
        ("tester", "updates"),
    ]


async def _wait_for(pilot, condition, timeout: float = 2.0) -> float:
    """Seconds until ``condition()`` held (fails after ``timeout``)."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "not shown within the time allowed"
        await pilot.pause(0.05)
    return time.monotonic() - start


async def test_another_process_s_save_appears_within_two_seconds_keeping_the_view(
    app, db_path: Path
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"jiaoyu", "enter")  # a search that keeps several rows
        await settle(pilot)
        rows = shown_ids(pilot)
        assert len(rows) >= 2
        await pilot.press("down")
        table = pilot.app.screen.query_one(ProjectTable)
        under_cursor = table.current_id
        target = rows[0]
        old = ProjectStore(db_path).get(target).status
        new = "滞后" if old != "滞后" else "已完成"
        save_as(db_path, "wang", target, {"status": new})

        def shown() -> bool:
            return any(p.id == target and p.status == new for p in table.rows)

        await _wait_for(pilot, shown)
        assert shown_ids(pilot) == rows and table.current_id == under_cursor
        assert pilot.app.screen.query_one("#search").value == "jiaoyu"

        await pilot.press("e")  # an editor open while the detail underneath refreshes
        editor = pilot.app.screen
        assert isinstance(editor, EditFieldDialog)
        editor.query_one(TextArea).text = "未保存的文字"
        save_as(db_path, "wang", under_cursor, {"progress": "王的新进展"})
        await _wait_for(
            pilot,
            lambda: any(p.id == under_cursor and p.progress == "王的新进展" for p in table.rows),
        )
        assert pilot.app.screen is editor
        assert editor.query_one(TextArea).text == "未保存的文字"


async def test_the_open_detail_screen_shows_another_process_s_save(app, db_path: Path) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        save_as(db_path, "wang", "X01", {"name": "两河体育公园（改名）"})
        await _wait_for(pilot, lambda: "两河体育公园（改名）" in text_of(pilot, "#detail-header"))

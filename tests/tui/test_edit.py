"""Quick edits from the keyboard: status, fields, updates, undo; all persisted with history."""

from __future__ import annotations

import re
from collections import Counter

from textual.widgets import Input, TextArea

from store.jsonfile import JSONFileStore as ProjectStore
from store.words import moment
from tests.tui.helpers import save_as, settle, text_of
from tui.dialogs.edit_field import EditFieldDialog
from tui.dialogs.status_picker import StatusPicker
from tui.screens.project_list import ProjectListScreen
from tui.widgets.facet_pane import FacetPane
from tui.widgets.project_table import ProjectTable


async def test_set_status_from_list(app, db_path) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("down", "s")
        assert isinstance(pilot.app.screen, StatusPicker)
        await pilot.press("down", "down", "enter")  # 推进正常 -> 已完成 -> 滞后
        await pilot.press("enter")  # no reason given
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    fresh = ProjectStore(db_path)
    assert fresh.get("X02").status == "滞后"
    change = fresh.history("X02")[-1]
    assert (change.field, change.old, change.new) == ("status", "推进正常", "滞后")
    assert change.by == "tester" and change.source == "tui"


async def test_set_status_by_number_and_letter(app, db_path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s", "4", "enter")  # 未启动, no reason given
        await settle(pilot)
        await pilot.press("down", "s", "y")  # 已完成, by its pinyin initial
        await settle(pilot)
    fresh = ProjectStore(db_path)
    assert fresh.get("X01").status == "未启动"
    assert fresh.get("X02").status == "已完成"


async def test_edit_progress_then_undo(app, db_path) -> None:
    original = ProjectStore(db_path).get("X01").progress
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("e")
        dialog = pilot.app.screen
        assert isinstance(dialog, EditFieldDialog)
        area = dialog.query_one(TextArea)
        assert area.text == original
        area.text = ""
        await pilot.press(*"七月完成验收")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "七月完成验收" in text_of(pilot, "#progress-text")
        assert ProjectStore(db_path).get("X01").progress == "七月完成验收"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert ProjectStore(db_path).get("X01").progress == original
        assert original[:10] in text_of(pilot, "#progress-text")
        history = ProjectStore(db_path).history("X01")
        await pilot.press("5")  # 修改记录: the undo's note as people read it
        await settle(pilot)
        shown = text_of(pilot, "#history-text")
        assert f"撤销第{history[-2].id}条更改" in shown and "undo of" not in shown
        # the time as an office writes it (stored as ISO)
        assert moment(history[-1].at) in shown and history[-1].at[:10] not in shown
        assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d", moment(history[-1].at))
    assert [c.field for c in history[-2:]] == ["progress", "progress"]
    assert history[-1].new == original and history[-1].note == f"undo of change {history[-2].id}"


async def test_failed_save_keeps_text(app, db_path) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        dialog = pilot.app.screen
        assert isinstance(dialog, EditFieldDialog)
        await pilot.press("shift+tab")  # to the field chooser
        await pilot.press("enter", "down", "down", "enter")  # 完成时限
        await pilot.press("tab")
        area = dialog.query_one(TextArea)
        area.text = ""
        await pilot.press(*"明年春天")
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, EditFieldDialog)
        assert dialog.query_one(TextArea).text == "明年春天"
        assert "完成时限" in text_of(pilot, "#edit-error")
    assert ProjectStore(db_path).get("X01").deadline == "2023-08"


async def test_add_dated_update(app, db_path) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await pilot.press("shift+tab")
        await pilot.press(*["backspace"] * 7, *"2023-07", "tab", *"完成竣工验收", "ctrl+s")
        await settle(pilot)
    project = ProjectStore(db_path).get("X01")
    assert [(u.month, u.text, u.by) for u in project.updates] == [
        ("2023-07", "完成竣工验收", "tester")
    ]


async def test_editor_never_drops_typed_text_silently(app, db_path) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e", *"ABC")
        dialog = pilot.app.screen
        assert isinstance(dialog, EditFieldDialog)
        await pilot.press("shift+tab", "enter", "down", "enter")  # try to switch to 月度计划
        assert dialog.field == "progress"
        assert dialog.query_one(TextArea).text.startswith("ABC")
        assert "未保存" in text_of(pilot, "#edit-error")
        await pilot.press("escape")  # the first Esc only warns
        assert pilot.app.screen is dialog
        assert "再按 Esc 放弃" in text_of(pilot, "#edit-error")
        await pilot.press("escape")  # the second one discards
        assert pilot.app.screen is not dialog
    assert not ProjectStore(db_path).get("X01").progress.startswith("ABC")


async def test_update_month_defaults_to_the_month_after_the_report(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        # the bundled report covers 2023 months 1-6: new progress is most likely for July
        assert pilot.app.screen.query_one("#update-month", Input).value == "2023-07"


async def test_an_edit_patches_its_row_without_reading_every_project_again(
    app, store, db_path, monkeypatch
) -> None:
    reads: list[int] = []
    read_all = store.projects
    monkeypatch.setattr(store, "projects", lambda: reads.append(1) or read_all())
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one(ProjectTable)
        statuses = screen.query_one("#facet-status", FacetPane)
        first, counts = screen.index, Counter(statuses.counts)
        assert reads == [1]
        await pilot.press("down", "s", "z", "enter")  # X02: 推进正常 -> 滞后 (no reason)
        await settle(pilot)
        assert table.rows[1].id == "X02" and table.rows[1].status == "滞后"
        assert table.current_id == "X02"
        assert statuses.counts["滞后"] == counts["滞后"] + 1
        assert statuses.counts["推进正常"] == counts["推进正常"] - 1
        assert text_of(pilot, "#list-status").startswith("49 / 49")
        patched = screen.index
        assert patched is not first and len(patched) == 49
        kept = [
            (a, b)
            for a, b in zip(first.entries, patched.entries, strict=True)
            if a.project.id != "X02"
        ]
        assert len(kept) == 48 and all(a is b for a, b in kept)  # the others untouched
        await pilot.press("enter", "s", "y", "escape")  # on the detail screen: 已完成, back
        await settle(pilot)
        assert table.rows[1].status == "已完成" and screen.index is not patched
        await pilot.pause(1.2)  # the watch's tick: our own saves are nothing new to it
        await settle(pilot)
        assert reads == [1]  # not read again: patched, twice
        save_as(db_path, "wang", "X03", {"status": "未启动"})  # someone else: read them all
        await pilot.pause(1.2)
        await settle(pilot)
        assert reads == [1, 1] and table.rows[2].status == "未启动"
        await pilot.press("ctrl+z")  # undo the detail screen's 已完成: patched again
        await settle(pilot)
        assert table.rows[1].status == "滞后" and reads == [1, 1]
    assert ProjectStore(db_path).get("X02").status == "滞后"

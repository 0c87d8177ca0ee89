"""序时 in the app: the detail view, correcting an indicator, the list's column and pane."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import ContentSwitcher, DataTable, Input

from store.jsonfile import JSONFileStore as ProjectStore
from store.schedule import project_schedule
from tests.tui.helpers import settle, shown_ids, text_of
from tui.app import make_app
from tui.dialogs.indicator_dialog import IndicatorDialog
from tui.screens.project_detail import ProjectDetailScreen
from tui.widgets.facet_pane import FacetPane
from tui.widgets.key_bar import KeyBar
from tui.widgets.project_table import ProjectTable

SIZE = (160, 45)
#: the bundled report's projects behind their plan, by the default rule
LATE = ["X03", "S08", "S12", "S13", "S15"]
CHARGING = 4  # X03's row of 企事业单位充电站及乡镇充电站 (7 of 20 处 by June)


async def open_schedule_view(pilot, downs: int = 2) -> ProjectDetailScreen:
    """From the list, open a project (X03 by default) and its 序时 view."""
    await settle(pilot)
    await pilot.press(*["down"] * downs, "enter")
    await settle(pilot)
    await pilot.press("6")
    screen = pilot.app.screen
    assert isinstance(screen, ProjectDetailScreen)
    assert screen.query_one(ContentSwitcher).current == "schedule"
    return screen


def _bar(pilot) -> str:
    return pilot.app.screen.query_one(KeyBar).render().plain


async def test_schedule_view_shows_indicators_class_and_sources(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_schedule_view(pilot)
        summary = text_of(pilot, "#schedule-summary")
        assert "滞后" in summary and "7 / 20处" in summary and "35%" in summary
        assert "推进正常" in summary and "≠" in summary  # 工作成效 says otherwise
        table = screen.query_one("#indicator-table", DataTable)
        assert pilot.app.focused is table
        assert table.row_count == 6
        cells = [str(c) for c in table.get_row_at(CHARGING)]
        assert cells[0].startswith("企事业单位充电")  # (cut to its room)
        assert cells[1:6] == ["处", "77", "20", "7", "35%"]
        assert "滞后" in cells and "文本" in cells
        for _ in range(CHARGING):
            await pilot.press("down")
        sources = text_of(pilot, "#indicator-sources-text")
        assert "[推进情况]" in sources and "城区规划的充电桩已完成7座基础" in sources
        assert "[月度计划]" in sources
        assert "i 修正指标" in _bar(pilot)
        await pilot.press("1")  # the correction keys belong to the 序时 view
        assert "修正指标" not in _bar(pilot)


async def test_correcting_an_indicator_changes_the_class_and_is_stored(app, store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_schedule_view(pilot)
        for _ in range(CHARGING):
            await pilot.press("down")
        await pilot.press("i")
        dialog = pilot.app.screen
        assert isinstance(dialog, IndicatorDialog)
        assert pilot.app.focused is dialog.query_one("#indicator-actual", Input)
        await pilot.press(*"19", "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        summary = text_of(pilot, "#schedule-summary")
        assert "按序时" in summary and "≠" not in summary
        cells = [str(c) for c in screen.query_one(DataTable).get_row_at(CHARGING)]
        assert "19" in cells and "95%" in cells and "已修正" in cells
        assert "已修正" in text_of(pilot, "#indicator-sources-text")
    saved = ProjectStore(store.path, user="other").get("X03")
    assert [(e["name"], e["actual"]) for e in saved.indicator_edits] == [
        ("企事业单位充电站及乡镇充电站", 19)
    ]
    assert project_schedule(saved, store.report(), store.schedule_settings()).class_name == "按序时"


async def test_a_bad_number_is_refused_in_the_dialog(app, store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_schedule_view(pilot)
        await pilot.press("i", *"abc", "enter")
        dialog = pilot.app.screen
        assert isinstance(dialog, IndicatorDialog)
        assert "数字" in str(dialog.query_one("#indicator-error").render())
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, IndicatorDialog)
    assert store.get("X03").indicator_edits == []


async def test_adding_and_removing_indicators(app, store) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_schedule_view(pilot)
        await pilot.press("plus")
        assert isinstance(pilot.app.screen, IndicatorDialog)
        await pilot.press(*"充电桩", "tab", *"座", "tab", *"130", "tab", *"20", "tab", *"18")
        await pilot.press("ctrl+s")
        await settle(pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == 7
        assert [str(c) for c in table.get_row_at(6)][:5] == ["充电桩", "座", "130", "20", "18"]
        # remove the one that makes the project 滞后
        await pilot.press(*["down"] * CHARGING, "i")
        dialog = pilot.app.screen
        assert isinstance(dialog, IndicatorDialog)
        dialog.query_one("#indicator-remove").focus()
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert table.row_count == 6
        assert "按序时" in text_of(pilot, "#schedule-summary")  # 18 / 20 = 90%
    edits = store.get("X03").indicator_edits
    assert {(e["name"], bool(e.get("remove"))) for e in edits} == {
        ("充电桩", False),
        ("企事业单位充电站及乡镇充电站", True),
    }


async def test_read_only_offers_no_correction(db_path: Path, tmp_path: Path) -> None:
    store = ProjectStore(db_path, user="li", read_only=True, read_only_reason="--read-only")
    app = make_app(store, state_path=tmp_path / "view.json")
    async with app.run_test(size=SIZE) as pilot:
        await open_schedule_view(pilot)
        assert "修正指标" not in _bar(pilot) and "新增指标" not in _bar(pilot)
        await pilot.press("i", "plus")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, IndicatorDialog)
        assert "按 +" not in text_of(pilot, "#indicator-sources-text")


async def test_list_column_pane_and_sort(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one(ProjectTable)
        x03 = table.schedule_of("X03")
        assert x03 is not None and x03.class_name == "滞后" and x03.disagrees
        pane = pilot.app.screen.query_one("#facet-schedule", FacetPane)
        assert not pane.pending and pane.counts["滞后"] == 5
        assert sum(pane.counts.values()) == 49
        for _ in range(4):  # from the table: 牵头单位, 项目等级, 工作成效, 序时
            await pilot.press("tab")
        assert pilot.app.focused is pane
        await pilot.press(*["down"] * pane.values.index("滞后"), "space")
        await pilot.pause()
        assert shown_ids(pilot) == LATE
        assert "序时: 滞后" in text_of(pilot, "#list-status")
        await pilot.press("c")
        await pilot.press("escape")  # back to the table
        await pilot.press(*"o" * 7)  # 编号 -> ... -> 序时: the worst ratio first
        await pilot.pause()
        assert shown_ids(pilot)[:5] == ["S15", "S08", "X03", "S13", "S12"]
        assert "排序: 序时▲" in text_of(pilot, "#list-status")


async def test_a_correction_patches_the_list_row_and_ctrl_z_undoes_it(
    app, store, monkeypatch
) -> None:
    reads: list[int] = []
    read_all = store.projects
    monkeypatch.setattr(store, "projects", lambda: reads.append(1) or read_all())
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        listing = pilot.app.screen
        table = listing.query_one(ProjectTable)
        await open_schedule_view(pilot)
        await pilot.press(*["down"] * CHARGING, "i", *"19", "enter")
        await settle(pilot)
        assert "按序时" in text_of(pilot, "#schedule-summary")
        await pilot.press("escape")
        await settle(pilot)
        x03 = table.schedule_of("X03")
        assert x03 is not None and x03.class_name == "按序时" and not x03.disagrees
        assert listing.query_one("#facet-schedule", FacetPane).counts["滞后"] == 4
        assert reads == [1]  # the one row patched, not every project read again
        await pilot.press("enter", "6")
        await settle(pilot)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert "滞后" in text_of(pilot, "#schedule-summary")
        await pilot.press("escape")
        await settle(pilot)
        x03 = table.schedule_of("X03")
        assert x03 is not None and x03.class_name == "滞后"
        assert reads == [1]
    assert store.get("X03").indicator_edits == []
    fields = [c.field for c in store.history("X03")[-2:]]
    assert fields == ["indicator_edits", "indicator_edits"]


async def test_the_rule_is_changed_in_a_dialog_and_the_list_judges_again(app, store) -> None:
    from tui.dialogs.schedule_settings import ScheduleSettingsDialog

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one(ProjectTable)
        s39 = table.schedule_of("S39")
        assert s39 is not None and s39.class_name == "按序时"  # 102% of plan
        await pilot.press("r")
        dialog = pilot.app.screen
        assert isinstance(dialog, ScheduleSettingsDialog)
        assert [i.value for i in dialog.query(Input).results(Input)] == ["110", "90", "70"]
        await pilot.press("tab", *"105")  # 按序时 from 105% (a field is selected when entered)
        assert "≥105% 按序时" in text_of(pilot, "#rule-text")
        await pilot.press("tab", *"110")  # not descending: refused
        await pilot.press("ctrl+s")
        assert pilot.app.screen is dialog
        assert "从高到低" in text_of(pilot, "#rule-error")
        await pilot.press(*["backspace"] * 3, *"95", "ctrl+s")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, ScheduleSettingsDialog)
        s39 = table.schedule_of("S39")
        assert s39 is not None and s39.class_name == "慢序时"
        pane = pilot.app.screen.query_one("#facet-schedule", FacetPane)
        assert pane.counts["慢序时"] > 2 and sum(pane.counts.values()) == 49
    rule = ProjectStore(store.path, user="other").schedule_settings()
    assert (rule.ahead, rule.on_time, rule.slow) == (1.1, 1.05, 0.95)
    (change,) = [c for c in store.history() if c.field == "schedule"]
    assert change.source == "tui"


async def test_the_points_basis_is_chosen_from_the_schedule_view(app, store) -> None:
    from tui.dialogs.schedule_settings import ScheduleSettingsDialog

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_schedule_view(pilot)
        assert "r 序时规则" in _bar(pilot)
        await pilot.press("r", "shift+tab", "right", "space")
        dialog = pilot.app.screen
        assert isinstance(dialog, ScheduleSettingsDialog)
        assert [i.value for i in dialog.query(Input).results(Input)] == ["10", "-10", "-30"]
        await pilot.press("tab", "tab", *"-20", "enter")
        await settle(pilot)
        assert pilot.app.screen is screen
    rule = store.schedule_settings()
    assert (rule.basis, rule.ahead_points, rule.slow_points, rule.late_points) == (
        "points", 10, 20, 30,
    )  # fmt: skip

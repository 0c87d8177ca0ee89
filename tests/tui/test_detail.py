"""The detail screen: plan beside progress, scrolling, next/previous, and back to the list."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import ContentSwitcher

from tests.tui.helpers import settle, text_of
from tui.screens.project_detail import ProjectDetailScreen
from tui.screens.project_list import ProjectListScreen
from tui.widgets.project_table import ProjectTable


async def test_open_scroll_move_and_back(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "enter")  # X02
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ProjectDetailScreen)
        header = text_of(pilot, "#detail-header")
        assert "农村清洁取暖建设项目" in header and "X02" in header
        assert "县住房和城乡建设局" in header and "2023-12" in header and "推进正常" in header
        assert "②3-5月" in text_of(pilot, "#plan-text")
        assert "6月，结合市级方案" in text_of(pilot, "#progress-text")

        await pilot.press("2")  # the plan and progress texts side by side
        plan = screen.query_one("#plan-pane", VerticalScroll)
        progress = screen.query_one("#progress-pane", VerticalScroll)
        assert pilot.app.focused is plan
        assert plan.max_scroll_y > 0
        await pilot.press("down")
        assert plan.scroll_y == 1
        await pilot.press("tab")
        assert pilot.app.focused is progress
        await pilot.press("pagedown")
        assert progress.scroll_y == 0  # short text: nothing to scroll, but no error

        await pilot.press("n")
        await settle(pilot)
        assert "全域充电桩建设" in text_of(pilot, "#detail-header")
        await pilot.press("n", "p", "p")
        await settle(pilot)
        assert "农村清洁取暖建设项目" in text_of(pilot, "#detail-header")
        await pilot.press("p")  # back to X01
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
        table = pilot.app.screen.query_one(ProjectTable)
        assert table.current_id == "X01"
        assert len(table.rows) == 49


async def test_long_progress_scrolls(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"职业学校办学", "enter", "enter")
        await settle(pilot)
        assert "S14" in text_of(pilot, "#detail-header")
        progress_text = text_of(pilot, "#progress-text")
        assert "行动计划路线图" in progress_text  # continued across the page break
        await pilot.press("2", "tab")
        progress = pilot.app.screen.query_one("#progress-pane", VerticalScroll)
        assert pilot.app.focused is progress
        await pilot.press("pagedown")
        assert progress.scroll_y > 0
        await pilot.press("end")
        assert progress.scroll_y == progress.max_scroll_y


async def test_other_views_one_key_away(app) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        switcher = pilot.app.screen.query_one(ContentSwitcher)
        assert switcher.current == "grid"
        await pilot.press("3")
        assert switcher.current == "info"
        assert "为更好满足群众对运动" in text_of(pilot, "#info-text")
        await pilot.press("5")
        assert switcher.current == "history"
        await pilot.press("v")
        assert switcher.current == "schedule"
        await pilot.press("v")
        assert switcher.current == "periods"
        await pilot.press("v")
        assert switcher.current == "grid"

"""The month grid on the detail screen: keys, the report period, snapshots of four plan styles."""

from __future__ import annotations

import pytest

from tests.tui.helpers import settle
from tui.widgets.month_grid import GridRowView, MonthGrid

# one project per way of planning: by single months, by ranges, by quarters, with no months
PROJECTS = {"S03": "single", "X02": "ranges", "S10": "quarters", "S20": "undated"}


async def open_project(pilot, pid: str) -> None:
    await settle(pilot)
    await pilot.press("slash", *pid.lower(), "enter", "enter")
    await settle(pilot)


async def test_grid_rows_follow_the_keys(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await open_project(pilot, "S03")
        grid = pilot.app.screen.query_one(MonthGrid)
        assert pilot.app.focused is grid
        assert [r.label for r in grid.rows][:3] == ["1月", "2月", "3月"]
        assert grid.current == 0
        for _ in range(7):
            await pilot.press("down")
        assert grid.current_row.label == "8月"
        views = list(pilot.app.screen.query(GridRowView))
        assert views[7].has_class("-current") and not views[0].has_class("-current")
        assert grid.scroll_y > 0  # the view followed the current row down
        assert views[4].has_class("-period") and not views[7].has_class("-period")
        await pilot.press("home")
        assert grid.current == 0 and grid.scroll_y == 0


async def test_grid_marks_plans_without_progress(app) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await open_project(pilot, "X02")
        grid = pilot.app.screen.query_one(MonthGrid)
        marked = [r.label for r in grid.rows for e in r.plan if e.no_progress]
        assert marked == ["2月", "3-5月"]
        assert "报告期 1-6 月份" in grid.border_subtitle


async def test_added_update_appears_in_its_month(app) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await open_project(pilot, "X02")
        await pilot.press("a", "shift+tab", *["backspace"] * 7, *"2023-07", "tab")
        await pilot.press(*"招标完成", "ctrl+s")
        await settle(pilot)
        grid = pilot.app.screen.query_one(MonthGrid)
        july = next(r for r in grid.rows if r.label == "7月")
        assert [(e.source, e.text) for e in july.progress] == [("update", "招标完成")]


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("pid", list(PROJECTS), ids=lambda p: f"{p}-{PROJECTS[p]}")
def test_grid_snapshot(snap_compare, app, pid, size) -> None:
    async def run_before(pilot) -> None:
        await open_project(pilot, pid)
        await pilot.press("down")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("pid", ["S07", "S15"], ids=lambda p: f"{p}-period")
def test_grid_period_row_snapshot(snap_compare, app, pid, size) -> None:
    """June, the report period's last month: the progress dated 截至6月底 and planned by the
    period against actual."""

    async def run_before(pilot) -> None:
        await open_project(pilot, pid)
        grid = pilot.app.screen.query_one(MonthGrid)
        while grid.current_row is not None and grid.current_row.label != "6月":
            await pilot.press("down")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_the_period_row_carries_the_computed_schedule(app) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await open_project(pilot, "S15")
        grid = pilot.app.screen.query_one(MonthGrid)
        june = next(r for r in grid.rows if r.label == "6月")
        assert june.measures[0] == "序时 滞后：就业困难人员就业 计划 190人 / 实际 31人（16.3%）"

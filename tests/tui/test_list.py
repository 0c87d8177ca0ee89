"""The list screen, driven by keys: filters, counts, search, sort, state across restarts."""

from __future__ import annotations

from pathlib import Path

from textual.coordinate import Coordinate
from textual.widgets import DataTable

from store.jsonfile import JSONFileStore as ProjectStore
from tests.tui.helpers import settle, shown_ids, text_of
from tui.app import make_app
from tui.widgets.facet_pane import FacetPane
from tui.widgets.project_table import ProjectTable

SIZE = (120, 36)


async def focus_pane(pilot, facet: str) -> FacetPane:
    """Tab from the table to a filter pane, as a person would."""
    order = ["facet-department", "facet-level", "facet-status"]
    await pilot.press("tab")  # the table is focused first; tab wraps to the first pane
    for _ in range(order.index(f"facet-{facet}")):
        await pilot.press("tab")
    pane = pilot.app.screen.query_one(f"#facet-{facet}", FacetPane)
    assert pilot.app.focused is pane
    return pane


async def choose(pilot, pane: FacetPane, value: str) -> None:
    """Move the highlight to ``value`` with arrow keys and press space."""
    target = pane.values.index(value)
    await pilot.press("home")
    for _ in range(target):
        await pilot.press("down")
    await pilot.press("space")
    await pilot.pause()


async def test_list_shows_all_projects_with_count(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert len(shown_ids(pilot)) == 49
        assert text_of(pilot, "#list-status").startswith("49 / 49")
        assert "兰陵县 2023 年" in text_of(pilot, "#list-title")


async def test_filter_by_one_department(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = await focus_pane(pilot, "department")
        await choose(pilot, pane, "县民政局")
        assert shown_ids(pilot) == ["S02", "S23", "S24", "S25", "S26"]
        status = text_of(pilot, "#list-status")
        assert status.startswith("5 / 49") and "牵头单位: 县民政局" in status
        level = pilot.app.screen.query_one("#facet-level", FacetPane)
        assert level.counts["市级"] == 1 and level.counts["省级"] == 4
        assert level.counts["县级"] == 0


async def test_filter_by_two_levels_is_or(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = await focus_pane(pilot, "level")
        await choose(pilot, pane, "县级")
        assert text_of(pilot, "#list-status").startswith("10 / 49")
        await choose(pilot, pane, "市级")
        assert text_of(pilot, "#list-status").startswith("23 / 49")
        assert {pid[0] for pid in shown_ids(pilot)} == {"X", "S"}
        # counts in the level pane ignore its own selection (faceted)
        assert pane.counts["省级"] == 26
        status = pilot.app.screen.query_one("#facet-status", FacetPane)
        assert status.counts["推进正常"] + status.counts["已完成"] == 23


async def test_filter_by_status_and_clear(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = await focus_pane(pilot, "status")
        await choose(pilot, pane, "已完成")
        assert shown_ids(pilot) == ["X10", "S30"]
        assert text_of(pilot, "#list-status").startswith("2 / 49")
        pilot.app.screen.query_one(ProjectTable).focus()
        await pilot.press("c")
        assert text_of(pilot, "#list-status").startswith("49 / 49")


async def test_search_chinese_text(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await pilot.press(*"充电桩")
        assert shown_ids(pilot) == ["X03"]
        assert text_of(pilot, "#list-status").startswith("1 / 49")
        await pilot.press("enter")  # back to the list, search kept
        assert isinstance(pilot.app.focused, ProjectTable)


async def test_search_pinyin_initials_and_syllables(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"mzj")
        await settle(pilot)
        assert shown_ids(pilot) == ["S02", "S23", "S24", "S25", "S26"]  # 县民政局
        await pilot.press(*["backspace"] * 3, *"jiaoyuju")
        ids = shown_ids(pilot)
        assert "X01" in ids and "X09" in ids and "S05" in ids
        assert text_of(pilot, "#list-status").startswith(f"{len(ids)} / 49")


async def test_sort_keeps_cursor_on_project(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one(ProjectTable)
        await pilot.press("down", "down", "down")
        assert table.current_id == "X04"
        await pilot.press("o")  # sort by 项目名称, in pinyin order
        assert table.sort_key == "name"
        assert table.current_id == "X04"
        first = [p.name for p in table.rows[:3]]  # chengqu, diaozheng tuixiu, diaozheng youfu
        assert first == [
            "城区无人管理小区物业全覆盖",
            "调整退休人员养老金待遇",
            "调整优抚对象抚恤和生活补助标准",
        ]
        await pilot.press("O")
        assert table.descending and table.current_id == "X04"
        assert "排序: 项目名称▼" in text_of(pilot, "#list-status")


async def test_filters_search_and_sort_come_back(store: ProjectStore, tmp_path: Path) -> None:
    state = tmp_path / "view.json"
    app = make_app(store, state_path=state)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = await focus_pane(pilot, "level")
        await choose(pilot, pane, "省级")
        await pilot.press("slash", *"医保", "enter", "o")
        await pilot.press("q")
    again = make_app(ProjectStore(store.path, user="tester"), state_path=state)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = text_of(pilot, "#list-status")
        assert "项目等级: 省级" in status and "搜索: 医保" in status
        assert "排序: 项目名称" in status
        assert status.startswith(f"{len(shown_ids(pilot))} / 49")
        assert len(shown_ids(pilot)) < 26


async def test_narrow_terminal_folds_filter_panes(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        facets = pilot.app.screen.query_one("#facets")
        assert not facets.display
        await pilot.press("f")
        assert facets.display
        assert pilot.app.focused.id == "facet-department"
        await pilot.press("space")
        assert text_of(pilot, "#list-status").startswith("6 / 49")  # 县医保局, most projects
        await pilot.press("f")
        assert not facets.display


async def test_overdue_flag_and_filter(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "逾期 3" in text_of(pilot, "#list-status")
        await pilot.press("d")
        # deadline within the report period (by 2023-06) and not 已完成; X10 and S30 are done
        assert shown_ids(pilot) == ["X06", "S18", "S19"]
        status = text_of(pilot, "#list-status")
        assert status.startswith("3 / 49") and "仅逾期" in status
        table = pilot.app.screen.query_one(ProjectTable)
        assert all(table.is_overdue(p) for p in table.rows)
        await pilot.press("d")
        assert len(shown_ids(pilot)) == 49


async def test_units_that_share_a_long_start_stay_apart_in_a_narrow_list(
    store, app, tmp_path: Path
) -> None:
    from store.interface import Edit

    building, planning = "县住房和城乡建设局城市管理科", "县住房和城乡建设局城市规划股"
    store.save(Edit("X02", {"department": building}, source="test"))
    store.save(Edit("X03", {"department": planning}, source="test"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one(ProjectTable)
        lines = {table.render_line(y).text[:6].strip(): table.render_line(y).text
                 for y in range(1, 5)}  # fmt: skip
        # cut at the end both would read 县住房和 …: in the middle, each keeps its end
        assert "县住…理科" in lines["X02"] and "县住…划股" in lines["X03"]
        assert "县教育局" in lines["X01"]  # a name that fits is as written
        assert "县农业农 …" in lines["X04"]  # and one that no other reads like: its start
    tall = make_app(store, state_path=tmp_path / "tall.json")  # (every unit in view)
    async with tall.run_test(size=(80, 60)) as pilot:
        await settle(pilot)
        await pilot.press("f")  # the filter panes: the unit pane cuts names apart as well
        await settle(pilot)
        pane = pilot.app.screen.query_one("#facet-department", FacetPane)
        shown = [pane.render_line(y).text for y in range(len(pane.values))]
        cut = [line.split()[1] for line in shown if "县住" in line and "…" in line]
        assert sorted(cut) == ["县住房和城乡…管理科", "县住房和城乡…规划股"], shown
        await pilot.press("escape", "z")  # the overview's table of units: the same
        await settle(pilot)
        units = pilot.app.screen.query_one("#unit-table", DataTable)
        labels = [str(units.get_cell_at(Coordinate(r, 0))) for r in range(units.row_count)]
        assert {"县住房和城乡…管理科", "县住房和城乡…规划股"} <= set(labels), labels

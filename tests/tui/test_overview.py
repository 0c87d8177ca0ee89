"""The overview (总览): its counts, drilling down from a count to the list and back, the
工作成效 mode, and what it shows while the 序时 classes are still being computed."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from store.jsonfile import JSONFileStore as ProjectStore
from store.models import LEVELS, STATUSES
from store.query import facet_values
from store.schedule import project_schedule
from store.vocabulary import SCHEDULE_CLASSES
from tests.tui.helpers import settle, shown_ids, text_of
from tui import cli
from tui.screens.overview import PENDING, TOTAL, CountTable, OverviewScreen
from tui.screens.project_list import ProjectListScreen
from tui.widgets.key_bar import KeyBar

SIZE = (120, 36)


def expected_counts(store: ProjectStore) -> dict[str, Counter[tuple[str, str]]]:
    """The counts worked out here, project by project (not through the list's index): by
    level and by unit (a project naming two units counts under each), against 序时 and 工作成效."""
    report, settings = store.report(), store.schedule_settings()
    counts: dict[str, Counter[tuple[str, str]]] = {
        "level-schedule": Counter(),
        "level-status": Counter(),
        "unit-schedule": Counter(),
        "unit-status": Counter(),
    }
    for p in store.projects():
        cls = project_schedule(p, report, settings).class_name
        counts["level-schedule"][(p.level, cls)] += 1
        counts["level-status"][(p.level, p.status)] += 1
        for unit in dict.fromkeys(facet_values(p, "department")):
            counts["unit-schedule"][(unit, cls)] += 1
            counts["unit-status"][(unit, p.status)] += 1
    return counts


async def open_overview(pilot) -> OverviewScreen:
    await settle(pilot)
    await pilot.press("z")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, OverviewScreen)
    return screen


def table(pilot, name: str) -> CountTable:
    return pilot.app.screen.query_one(f"#{name}", CountTable)


def cell_text(t: CountTable, row: str, column: str) -> str:
    return t.get_cell(row, column).plain.strip()


async def move_to(pilot, name: str, row: str, column: str) -> None:
    t = table(pilot, name)
    t.focus()
    t.move_to(row, column)
    await pilot.pause()


def cli_ids(db_path: Path, capsys, *args: str) -> list[str]:
    capsys.readouterr()
    assert cli.run(["--db", str(db_path), "list", *args, "--json"]) == 0
    return [p["id"] for p in json.loads(capsys.readouterr().out)]


async def test_counts_are_those_of_the_projects(app, store) -> None:
    expected = expected_counts(store)
    projects = store.projects()
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        levels, units = table(pilot, "level-table"), table(pilot, "unit-table")
        for level in LEVELS:
            for cls in SCHEDULE_CLASSES:
                n = expected["level-schedule"][(level, cls)]
                assert cell_text(levels, level, cls) == str(n), (level, cls)
            assert cell_text(levels, level, TOTAL) == str(sum(p.level == level for p in projects))
        for cls in SCHEDULE_CLASSES:
            n = sum(v for (_, c), v in expected["level-schedule"].items() if c == cls)
            assert cell_text(levels, TOTAL, cls) == str(n)
            assert cell_text(units, TOTAL, cls) == str(n)  # projects, not unit mentions
        assert cell_text(levels, TOTAL, TOTAL) == str(len(projects)) == "49"
        unit_names = {u for u, _ in expected["unit-schedule"]}
        assert set(units.row_values) == unit_names
        for unit in unit_names:
            for cls in SCHEDULE_CLASSES:
                n = expected["unit-schedule"][(unit, cls)]
                assert cell_text(units, unit, cls) == str(n), (unit, cls)
        # the units with the most 滞后 first, then the most 慢序时
        late = [expected["unit-schedule"][(u, "滞后")] for u in units.row_values]
        assert late == sorted(late, reverse=True)

        summary = text_of(pilot, "#overview-summary")
        done = sum(p.status == "已完成" for p in projects)
        started = sum(p.status != "未启动" for p in projects)
        assert f"共 49 项 · 已完成 {done} 项（完成率 {done / 49:.1%}）" in summary
        assert f"已启动 {started} 项（开工率 {started / 49:.1%}）" in summary
        assert "逾期 3 项" in summary  # as the list's status line counts


async def test_drill_down_from_the_late_column_gives_what_the_command_line_lists(
    app, db_path, capsys
) -> None:
    late = cli_ids(db_path, capsys, "--schedule", "滞后")
    assert late  # (the bundled report has some)
    by_class = {c: cli_ids(db_path, capsys, "--schedule", c) for c in SCHEDULE_CLASSES}
    assert all(by_class.values())  # (each class has projects: each is a real drill-down)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        await move_to(pilot, "level-table", TOTAL, "滞后")
        assert cell_text(table(pilot, "level-table"), TOTAL, "滞后") == str(len(late))
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ProjectListScreen)
        assert shown_ids(pilot) == late
        status = text_of(pilot, "#list-status")
        assert f"{len(late)} / 49" in status and "序时: 滞后" in status
        assert "返回总览" in screen.query_one(KeyBar).render().plain

        await pilot.press("escape")  # back to the overview, on the same cell
        await settle(pilot)
        assert isinstance(pilot.app.screen, OverviewScreen)
        levels = table(pilot, "level-table")
        assert levels.has_focus and levels.keys_at(levels.cursor_coordinate) == (TOTAL, "滞后")
        for cls, ids in by_class.items():  # and every other class the same way
            await move_to(pilot, "level-table", TOTAL, cls)
            await pilot.press("enter")
            await settle(pilot)
            assert shown_ids(pilot) == ids, cls
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(pilot.app.screen, OverviewScreen)

        await pilot.press("escape")  # and the list as it was before the overview
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
        assert len(shown_ids(pilot)) == 49
        assert "返回总览" not in pilot.app.screen.query_one(KeyBar).render().plain


async def test_drill_down_from_a_unit_and_level_cell(app, db_path, capsys) -> None:
    unit = "县人力资源社会保障局"
    ids = cli_ids(db_path, capsys, "--schedule", "滞后", "--department", unit)
    city = cli_ids(db_path, capsys, "--level", "市级")
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        await move_to(pilot, "unit-table", unit, "滞后")
        await pilot.press("enter")
        await settle(pilot)
        assert shown_ids(pilot) == ids == ["S15"]
        status = text_of(pilot, "#list-status")
        assert f"牵头单位: {unit}" in status and "序时: 滞后" in status

        await pilot.press("escape")
        await settle(pilot)
        await move_to(pilot, "level-table", "市级", TOTAL)  # a row's total: the level alone
        await pilot.press("enter")
        await settle(pilot)
        assert shown_ids(pilot) == city
        assert "项目等级: 市级" in text_of(pilot, "#list-status")


async def test_the_work_status_mode(app, store) -> None:
    expected = expected_counts(store)
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        await pilot.press("v")
        await pilot.pause()
        units = table(pilot, "unit-table")
        assert units.column_values == list(STATUSES)  # every status, those no project has too
        assert "工作成效" in str(units.border_title)
        for (unit, status), n in expected["unit-status"].items():
            assert cell_text(units, unit, status) == str(n)
        assert cell_text(units, "县生态环境局", "滞后") == "0"
        await move_to(pilot, "unit-table", "县生态环境局", "已完成")
        await pilot.press("enter")
        await settle(pilot)
        assert shown_ids(pilot) == ["S30"]
        status = text_of(pilot, "#list-status")
        assert "牵头单位: 县生态环境局" in status and "工作成效: 已完成" in status
        await pilot.press("escape")
        await settle(pilot)
        assert table(pilot, "unit-table").column_values == list(STATUSES)  # the mode kept


async def test_a_zero_count_opens_nothing(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        overview = await open_overview(pilot)
        await move_to(pilot, "level-table", "县级", "超序时")
        assert cell_text(table(pilot, "level-table"), "县级", "超序时") == "0"
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is overview


async def test_while_schedule_is_computed_the_classes_say_so(app, monkeypatch) -> None:
    # The list's 序时 worker is held back: the overview opens before the classes are known.
    monkeypatch.setattr(ProjectListScreen, "prepare_schedule", lambda self, index: None)
    async with app.run_test(size=SIZE) as pilot:
        overview = await open_overview(pilot)
        units = table(pilot, "unit-table")
        assert cell_text(units, "县医保局", "未判定") == PENDING  # not an invented 0
        assert cell_text(units, "县医保局", TOTAL) == "6"  # known without 序时
        assert "序时计算中" in str(units.border_subtitle)
        await move_to(pilot, "level-table", TOTAL, "滞后")
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is overview  # nothing to open yet

        list_screen = pilot.app.screen_stack[-2]
        assert isinstance(list_screen, ProjectListScreen)
        list_screen.index.prepare_schedule()  # what the worker does
        overview.refresh_counts()  # (its timer's look at the list's index)
        await pilot.pause()
        assert cell_text(units, "县医保局", "未判定") == "6"
        assert "序时计算中" not in str(units.border_subtitle)
        levels = table(pilot, "level-table")
        assert levels.keys_at(levels.cursor_coordinate) == (TOTAL, "滞后")  # cursor kept


async def test_listed_in_help_and_palette(app) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert "总览" in text_of(pilot, "#key-help-table")
        commands = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "总览（z）" in commands


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_overview_snapshot(snap_compare, app, size) -> None:
    async def run_before(pilot) -> None:
        await open_overview(pilot)
        await pilot.press("tab")  # to the unit table
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_x_on_the_overview_writes_the_bulletin_through_the_export_dialog(
    app, db_path, tmp_path
) -> None:
    from docx import Document

    from tui.dialogs.export_dialog import ExportDialog

    target = tmp_path / "通报.docx"
    async with app.run_test(size=SIZE) as pilot:
        await open_overview(pilot)
        await pilot.press("x")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportDialog) and dialog.chosen_format == "docx"
        path = dialog.query_one("#export-path")
        assert path.value.endswith(".docx") and "/exports/tongbao-" in path.value
        path.value = str(target)
        await pilot.press("ctrl+s")
        for _ in range(100):  # the bulletin is written in a worker
            await pilot.pause(0.05)
            if not isinstance(pilot.app.screen, ExportDialog):
                break
        assert isinstance(pilot.app.screen, OverviewScreen)
        # Once more to the same path: the dialog asks before overwriting, as for exports.
        await pilot.press("x")
        await settle(pilot)
        pilot.app.screen.query_one("#export-path").value = str(target)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "文件已存在" in text_of(pilot, "#export-message")
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "兰陵县2023年重点民生实事项目" in text and "一、总体情况" in text
    assert "共49项" in text.replace(" ", "")

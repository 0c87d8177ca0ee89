"""The reason asked when 工作成效 becomes 滞后 or 未启动: kept as the change's note and shown
on the detail screen beside 工作成效."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from store.jsonfile import JSONFileStore as ProjectStore
from tests.tui.helpers import settle, text_of
from tui.dialogs.status_picker import StatusPicker
from tui.screens.project_detail import ProjectDetailScreen
from tui.screens.project_list import ProjectListScreen

SIZE = (120, 36)
REASON = "资金未到位，招标延期"


def status_changes(db_path, project_id: str):
    return [c for c in ProjectStore(db_path).history(project_id) if c.field == "status"]


async def test_a_reason_is_kept_and_shown_in_the_detail(app, db_path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "s", "z")  # X02: 推进正常 -> 滞后
        picker = pilot.app.screen
        assert isinstance(picker, StatusPicker)
        assert picker.query_one(Input).has_focus
        assert "滞后" in text_of(pilot, "#status-reason-label")
        await pilot.press(*"zj")  # a letter is text here, not another status
        assert pilot.app.screen is picker and picker.query_one(Input).value == "zj"
        picker.query_one(Input).value = REASON  # (typed with an input method)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
        changes = status_changes(db_path, "X02")
        assert (changes[-1].old, changes[-1].new, changes[-1].note) == ("推进正常", "滞后", REASON)

        await pilot.press("enter")  # the detail of X02
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectDetailScreen)
        header = text_of(pilot, "#detail-header")
        assert f"工作成效 滞后（原因：{REASON}）" in header


async def test_enter_without_a_reason_skips_it(app, db_path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # X01's detail
        await settle(pilot)
        await pilot.press("s", "4", "enter")  # 未启动, no reason
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectDetailScreen)
        header = text_of(pilot, "#detail-header")
        assert "工作成效 未启动" in header and "原因" not in header
    changes = status_changes(db_path, "X01")
    assert (changes[-1].new, changes[-1].note) == ("未启动", "")


async def test_only_behind_statuses_ask_and_escape_goes_back(app, db_path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s", "z")
        picker = pilot.app.screen
        assert isinstance(picker, StatusPicker) and picker.asking == "滞后"
        await pilot.press("escape")  # back to the statuses
        assert pilot.app.screen is picker and picker.asking is None
        assert picker.query_one(OptionList).has_focus
        await pilot.press("y")  # 已完成: no reason asked
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    changes = status_changes(db_path, "X01")
    assert (changes[-1].new, changes[-1].note) == ("已完成", "")


async def test_an_undone_status_shows_no_reason(app, db_path) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s", "z")
        pilot.app.screen.query_one(Input).value = REASON
        await pilot.press("enter")
        await settle(pilot)
        assert "原因" in text_of(pilot, "#detail-header")
        await pilot.press("ctrl+z")  # back to 推进正常: the reason was for 滞后
        await settle(pilot)
        header = text_of(pilot, "#detail-header")
        assert "工作成效 推进正常" in header and "原因" not in header


def test_reason_prompt_snapshot(snap_compare, app) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "s", "z")
        pilot.app.screen.query_one(Input).value = REASON
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)

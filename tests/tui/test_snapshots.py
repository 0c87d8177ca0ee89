"""SVG snapshots of the screens people see, at 80x24 and 120x36.

Update after an intended change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.tui.helpers import settle

SIZES = [(80, 24), (120, 36)]


async def _ready(pilot) -> None:
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_list(snap_compare, app, size) -> None:
    assert snap_compare(app, terminal_size=size, run_before=_ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_filtered_list(snap_compare, app, size) -> None:
    async def run_before(pilot) -> None:
        await _ready(pilot)
        if pilot.app.screen.query_one("#facets").display:
            await pilot.press("tab")  # from the table to the 牵头单位 pane
        else:
            await pilot.press("f")  # narrow: unfold the panes, focus 牵头单位
        await pilot.press("space", "tab", "down", "space")  # 县医保局 and 市级
        await pilot.press("slash", *"医保", "enter")
        await _ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_detail(snap_compare, app, size) -> None:
    async def run_before(pilot) -> None:
        await _ready(pilot)
        await pilot.press("down", "enter")
        await _ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_status_picker(snap_compare, app, size) -> None:
    async def run_before(pilot) -> None:
        await _ready(pilot)
        await pilot.press("down", "down", "s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_diff(snap_compare, app, size, monkeypatch) -> None:
    from tests.tui.test_snapshots_screen import make_snapshots

    make_snapshots(app.store, monkeypatch)  # two snapshots, recorded at fixed times

    async def run_before(pilot) -> None:
        await _ready(pilot)
        await pilot.press("h")
        await _ready(pilot)
        await pilot.press("up", "up", "space", "down", "space")  # the first and the second
        await _ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


SCHEDULE_SIZES = [(80, 24), (160, 45)]


@pytest.mark.parametrize("size", SCHEDULE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_list_by_schedule(snap_compare, app, size) -> None:
    """The 序时 column and pane: the projects behind their plan, the worst first."""

    async def run_before(pilot) -> None:
        await _ready(pilot)
        if pilot.app.screen.query_one("#facets").display:
            await pilot.press("tab")  # from the table to the 牵头单位 pane
        else:
            await pilot.press("f")  # narrow: unfold the panes, focus 牵头单位
        await pilot.press("tab", "tab", "tab", "down", "down", "down", "space")  # 序时: 滞后
        await pilot.press("escape", *"o" * 7)  # back to the table, sorted by 序时
        await _ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SCHEDULE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_schedule_view(snap_compare, app, size) -> None:
    """The detail screen's 序时 view of 全域充电桩建设, its worst indicator highlighted."""

    async def run_before(pilot) -> None:
        await _ready(pilot)
        await pilot.press("down", "down", "enter")
        await _ready(pilot)
        await pilot.press("6", "down", "down", "down", "down")
        await _ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SCHEDULE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_schedule_settings_dialog(snap_compare, app, size) -> None:
    """The 序时 rule from the 序时 view: the points basis chosen, its thresholds in words."""

    async def run_before(pilot) -> None:
        await _ready(pilot)
        await pilot.press("down", "down", "enter")
        await _ready(pilot)
        await pilot.press("6", "r", "shift+tab", "right", "space", "tab")
        await _ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SCHEDULE_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_indicator_dialog(snap_compare, app, size) -> None:
    """Correcting an indicator: the dialog over the 序时 view."""

    async def run_before(pilot) -> None:
        await _ready(pilot)
        await pilot.press("down", "down", "enter")
        await _ready(pilot)
        await pilot.press("6", "down", "down", "down", "down", "i")
        await _ready(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)

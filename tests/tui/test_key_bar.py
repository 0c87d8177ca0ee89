"""The key bar at the bottom: the keys that work here, whole, and clickable."""

from __future__ import annotations

from rich.cells import cell_len

from tests.tui.helpers import settle
from tui.widgets.key_bar import KeyBar


def bar_text(pilot) -> str:
    bar = pilot.app.screen.query_one(KeyBar)
    return bar.render().plain


async def test_the_list_shows_its_keys_and_leaves_out_whole_keys_at_80_columns(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = bar_text(pilot)
        assert text.startswith("⏎ 详情 ? 帮助 / 搜索 f 筛选栏")
        assert cell_len(text) <= 80
        # every key drawn has its description: nothing is cut after the last key
        assert text.rstrip().split(" ")[-1] not in {"x", "q", "s", "e", "o", "c"}


async def test_a_wide_terminal_shows_every_key(app) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        text = bar_text(pilot)
        assert "x 导出" in text and "q 退出" in text


async def test_the_bar_follows_focus(app) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "⏎ 详情" in bar_text(pilot)
        await pilot.press("slash")  # the search box: its keys, not the table's
        await pilot.pause()
        assert "⏎ 详情" not in bar_text(pilot)
        assert "/ 搜索" in bar_text(pilot)


async def test_clicking_a_key_presses_it(app) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = bar_text(pilot)
        x = cell_len(text[: text.index("? 帮助")])
        await pilot.click(KeyBar, offset=(x, 0))
        await pilot.pause()
        assert pilot.app.screen.query("HelpPanel")
        x = cell_len(text[: text.index("f 筛选栏")]) + 2
        facets = pilot.app.screen.query_one("#facets")
        assert facets.display  # 120 columns: shown
        await pilot.click(KeyBar, offset=(x, 0))
        await pilot.pause()
        assert not facets.display

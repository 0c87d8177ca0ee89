"""The key bar at the bottom: the keys that work here, whole, and clickable."""

from __future__ import annotations

from rich.cells import cell_len

from tests.tui.helpers import settle
from tui.widgets.key_bar import KeyBar
from tui.widgets.key_help import KeyHelp


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
        assert pilot.app.screen.query(KeyHelp)
        x = cell_len(text[: text.index("f 筛选栏")]) + 2
        facets = pilot.app.screen.query_one("#facets")
        assert facets.display  # 120 columns: shown
        await pilot.click(KeyBar, offset=(x, 0))
        await pilot.pause()
        assert not facets.display


async def test_help_lists_the_keys_in_chinese_and_escape_closes_it(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_ = pilot.app.screen.query_one(KeyHelp)
        rows = dict((said, key) for key, said in help_.rows())
        assert rows["详情"] == "⏎" and rows["搜索"] == "/" and rows["下一栏"] == "tab"
        assert all(not said.isascii() for said in rows)  # no "Scroll Left", "Focus Next"...
        assert list(rows).index("清除筛选") < list(rows).index("下一栏")  # the app's own first
        await pilot.press("slash")  # the search box: its editing keys, in the same words
        await pilot.pause()
        rows = dict((said, key) for key, said in help_.rows())
        assert "删除左边一个字" in rows and all(not said.isascii() for said in rows)
        await pilot.press("escape")  # back to the list; a second Escape closes the help
        await pilot.press("escape")
        await pilot.pause()
        assert not pilot.app.screen.query(KeyHelp)


async def test_the_command_palette_speaks_chinese(app) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "配色" in titles and "清除筛选（c）" in titles and "帮助（? f1）" in titles
        assert all(not title.split("（")[0].isascii() for title in titles)
        assert not any(title.startswith(("上移", "下移", "首行")) for title in titles)


async def test_help_keeps_apart_two_actions_of_the_same_name(app) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # the detail screen: the month grid has focus
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        rows = {said: key for key, said in pilot.app.screen.query_one(KeyHelp).rows()}
        assert rows["上一行"] == "↑ k" and rows["上一个"] == "p ["  # a row vs a project
        assert rows["下一行"] == "↓ j" and rows["下一个"] == "n ]"

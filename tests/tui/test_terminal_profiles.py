"""Plain SSH terminals: the ASCII profile, the 16-colour theme, and copying with OSC 52."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from store.interface import Edit
from store.jsonfile import JSONFileStore as ProjectStore
from store.models import clean_text
from store.query import latest_progress
from tests.tui.helpers import settle
from tui.app import MinshengApp, make_app
from tui.glyphs import GLYPHS, is_ascii, locale_is_utf8, use_ascii
from tui.screens.project_detail import ProjectDetailScreen
from tui.theme import THEME_16, theme_name
from tui.widgets.month_grid import MonthGrid
from tui.widgets.project_table import ProjectTable

#: what a terminal without UTF-8 box drawing shows: ASCII, and Chinese (CJK ideographs, CJK
#: and full-width punctuation) which a UTF-8 terminal needs anyway
_PLAIN = re.compile(r"[\x20-\x7e\u00a0\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture
def ascii_app(store: ProjectStore, tmp_path: Path) -> Iterator[MinshengApp]:
    """The app in the ASCII profile (the profile is the process's: put back afterwards)."""
    yield make_app(store, state_path=tmp_path / "view.json", ascii=True)
    use_ascii(False)


def screen_text(app: MinshengApp) -> str:
    """Every character on the screen, as the SVG screenshot has them."""
    svg = app.export_screenshot()
    text = "".join(html.unescape(t) for t in re.findall(r">([^<]*)</text>", svg))
    return text.replace("\xa0", " ")


def data_characters(store: ProjectStore) -> set[str]:
    """The characters of the projects' own text (①, “”, ² in the report's words stay)."""
    chars: set[str] = set()
    for p in store.projects():
        for value in vars(p).values():
            chars.update(str(value))
    report = store.report()
    chars.update(str(vars(report)))
    return chars


#: the keys that open each screen and view, from the list
SCREENS = {
    "list": (),
    "help": ("question_mark",),
    "facets": ("f",),
    "detail-grid": ("enter",),
    "detail-plan": ("enter", "2"),
    "detail-info": ("enter", "3"),
    "detail-history": ("enter", "5"),
    "detail-schedule": ("enter", "6"),
    "detail-periods": ("enter", "7"),
    "indicator": ("enter", "6", "i"),
    "schedule-rule": ("enter", "6", "r"),
    "add-update": ("a",),
    "import": ("I",),
    "overview": ("z",),
    "export": ("x",),
    "status": ("s",),
    "edit": ("e",),
    "snapshots": ("h",),
    "palette": ("ctrl+p",),
}


@pytest.mark.parametrize("keys", SCREENS.values(), ids=SCREENS.keys())
async def test_the_ascii_profile_draws_no_box_drawing_arrows_or_bullets(
    ascii_app: MinshengApp, store: ProjectStore, keys: tuple[str, ...]
) -> None:
    allowed = data_characters(store)
    async with ascii_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        shown = screen_text(ascii_app)
    odd = sorted({c for c in shown if not _PLAIN.match(c) and c not in allowed and c != "\n"})
    assert odd == []
    assert "+" in shown and "-" in shown  # (the borders are there, in ASCII)


def _odd(app: MinshengApp, store: ProjectStore) -> list[str]:
    allowed = data_characters(store)
    shown = screen_text(app).replace("\n", "")
    return sorted({c for c in shown if not _PLAIN.match(c) and c not in allowed})


async def test_the_ascii_profile_in_a_snapshot_diff(
    ascii_app: MinshengApp, store: ProjectStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.tui.test_snapshots_screen import make_snapshots

    make_snapshots(store, monkeypatch)
    async with ascii_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        await pilot.press("up", "up", "space", "down", "space")
        await settle(pilot)
        assert "->" in screen_text(ascii_app)  # old -> new
        assert _odd(ascii_app, store) == []


async def test_the_ascii_profile_after_an_import_and_in_two_periods(
    ascii_app: MinshengApp, store: ProjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.tui.cycle_files import write_july_report

    store.save(Edit("S14", {"status": "滞后"}, source="tui"))
    write_july_report(tmp_path)
    monkeypatch.chdir(tmp_path)
    async with ascii_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("I")
        await settle(pilot)
        await pilot.press(*"lanling-2023-m07.md", "enter")
        await settle(pilot)
        assert type(ascii_app.screen).__name__ == "ImportReviewScreen"
        assert _odd(ascii_app, store) == []
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter", "7")  # this period beside the last
        await settle(pilot)
        assert _odd(ascii_app, store) == []


async def test_the_ascii_profile_keeps_the_marks_in_ascii(ascii_app: MinshengApp) -> None:
    async with ascii_app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert "Enter 详情" in screen_text(ascii_app)  # the key bar's ⏎
        await pilot.press("tab", "space")  # the first 牵头单位 picked
        await settle(pilot)
        shown = screen_text(ascii_app)
        assert "编号^" in shown  # the sort arrow
        assert "x 县医保局" in shown and "- 县民政局" in shown  # picked and not
        assert " | 排序: 编号^" in shown  # the separators
        await pilot.press("o", "O")  # sorted by 项目名称, descending
        await settle(pilot)
        assert "项目名称v" in screen_text(ascii_app)


def test_the_ascii_profile_list_snapshot(snap_compare: Any, ascii_app: MinshengApp) -> None:
    assert snap_compare(ascii_app, terminal_size=(80, 24), run_before=settle)


def test_every_glyph_has_a_plain_ascii_stand_in() -> None:
    for name, glyph in GLYPHS.items():
        assert glyph.ascii.isascii() and glyph.ascii.isprintable(), name
        assert glyph.unicode != glyph.ascii, name


def test_the_profile_is_put_back_for_the_next_app(store: ProjectStore, tmp_path: Path) -> None:
    make_app(store, state_path=tmp_path / "v.json", ascii=True)
    assert is_ascii()
    make_app(store, state_path=tmp_path / "v.json")
    assert not is_ascii()


@pytest.mark.parametrize(
    ("environ", "utf8_mode", "utf8"),
    [
        ({"LANG": "C"}, False, False),
        ({}, False, False),
        ({"LANG": "POSIX"}, False, False),
        ({"LANG": "zh_CN.GBK"}, False, False),
        ({"LANG": "zh_CN.UTF-8"}, False, True),
        ({"LANG": "en_US.utf8"}, False, True),
        ({"LANG": "C.UTF-8"}, False, True),
        ({"LC_ALL": "C", "LANG": "zh_CN.UTF-8"}, False, False),  # LC_ALL decides
        ({"LC_CTYPE": "zh_CN.UTF-8", "LANG": "C"}, False, True),
        # LANG=C as Python leaves it: LC_CTYPE=C.UTF-8 written in, UTF-8 mode on
        ({"LC_CTYPE": "C.UTF-8", "LANG": "C"}, True, False),
        ({"LC_CTYPE": "C.UTF-8"}, True, False),
        # the user's own LC_CTYPE (no UTF-8 mode: Python did not replace a C locale)
        ({"LC_CTYPE": "C.UTF-8", "LANG": "C"}, False, True),
    ],
)
def test_the_locale_is_read_as_the_user_set_it(
    environ: dict[str, str], utf8_mode: bool, utf8: bool
) -> None:
    assert locale_is_utf8(environ, utf8_mode=utf8_mode) is utf8


@pytest.fixture
def notes(app: MinshengApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the app told the user."""
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: said.append(message))
    return said


async def test_a_locale_without_utf8_is_said_once_at_start(
    app: MinshengApp, notes: list[str]
) -> None:
    app.locale_not_utf8 = True
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    assert len(notes) == 1 and "UTF-8" in notes[0] and "--no-ascii" in notes[0]


# --- the 16-colour theme -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "colorterm", "theme"),
    [
        ("xterm", "", THEME_16),
        ("screen", "", THEME_16),
        ("xterm-16color", "", THEME_16),
        ("xterm-256color", "", "textual-dark"),
        ("screen-256color", "", "textual-dark"),
        ("xterm", "truecolor", "textual-dark"),
    ],
)
async def test_the_16_colour_theme_is_chosen_on_a_terminal_of_16_colours(
    store: ProjectStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    term: str,
    colorterm: str,
    theme: str,
) -> None:
    monkeypatch.setenv("TERM", term)
    monkeypatch.setenv("COLORTERM", colorterm)
    app = make_app(store, state_path=tmp_path / "view.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == theme


async def test_a_theme_asked_for_is_kept(
    store: ProjectStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm")
    app = make_app(store, state_path=tmp_path / "view.json", theme="textual-light")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "textual-light"


def test_the_theme_option_names() -> None:
    assert theme_name("16") == THEME_16
    assert theme_name(None) is None
    assert theme_name("nord") == "nord"
    with pytest.raises(ValueError, match="没有名为 neon 的配色"):
        theme_name("neon")


def test_a_wrong_theme_is_refused_in_one_line(cli: Any, db_path: Path) -> None:
    before = db_path.read_bytes()
    result = cli("--db", db_path, "--theme", "neon")
    assert result.code == 1
    assert "没有名为 neon 的配色" in result.err and len(result.err.splitlines()) == 1
    assert db_path.read_bytes() == before


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_16_colour_theme_snapshot(
    snap_compare: Any, store: ProjectStore, tmp_path: Path, size: tuple[int, int]
) -> None:
    app = make_app(store, state_path=tmp_path / "view.json", theme=THEME_16)

    async def run_before(pilot: Any) -> None:
        await settle(pilot)
        await pilot.press("down", "down")  # the cursor on X03 (滞后, which its 工作成效 denies)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


# --- copying -------------------------------------------------------------------------------


async def test_y_copies_the_list_row_as_tab_separated_text(
    app: MinshengApp, notes: list[str]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "y")
        await settle(pilot)
        project = app.screen.query_one(ProjectTable).current
        assert project is not None and project.id == "X02"
        cells = app.clipboard.split("\t")
        assert cells[:2] == ["X02", project.name]  # the whole name, not as cut on screen
        assert cells[-1] == clean_text(latest_progress(project), single_line=True)
        assert len(cells) == 7
        assert notes[-1].startswith("已复制 X02 一行（编号、项目名称")
        assert notes[-1].endswith(f"（{len(app.clipboard)} 个字符）到本机剪贴板")


async def test_y_in_the_detail_copies_the_focused_pane(app: MinshengApp, notes: list[str]) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProjectDetailScreen) and screen.project is not None
        project = screen.project
        # the month grid: the current row's plan and progress
        row = screen.query_one(MonthGrid).current_row
        assert row is not None
        await pilot.press("y")
        assert app.clipboard.startswith(f"{row.label}\n月度计划：")
        # 计划/进展: the pane with the focus, its text whole (not wrapped as on screen)
        await pilot.press("2")
        await settle(pilot)
        screen.query_one("#progress-pane").focus()
        await pilot.press("y")
        assert app.clipboard == project.progress.strip()
        screen.query_one("#plan-pane").focus()
        await pilot.press("y")
        assert app.clipboard == project.plan.strip()
        assert notes[-1].startswith(f"已复制 {project.id} 月度计划（{len(app.clipboard)} 个字符）")
        # 概况/目标: the text of the view
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("y")
        assert project.target.split("\n")[0][:10] in app.clipboard
        assert "\u2500" not in app.clipboard


async def test_the_copy_key_is_in_the_help_and_the_palette(app: MinshengApp) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "复制（y）" in titles
        await pilot.press("question_mark")
        await settle(pilot)
        assert "复制" in screen_text(app)


# --- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "ascii", "theme"),
    [
        ((), None, None),
        (("--ascii",), True, None),
        (("--no-ascii",), False, None),
        (("--theme", "16"), None, THEME_16),
        (("--ascii", "--theme", "textual-light", "tui"), True, "textual-light"),
    ],
)
def test_the_options_reach_the_app(
    cli: Any,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: tuple[str, ...],
    ascii: bool | None,
    theme: str | None,
) -> None:
    import tui.app

    given: dict[str, Any] = {}

    def run_app(store: object, **kw: Any) -> int:
        given.update(kw)
        return 0

    monkeypatch.setattr(tui.app, "run_app", run_app)
    assert cli("--db", db_path, *args).code == 0
    assert given["ascii"] is ascii and given["theme"] == theme


@pytest.mark.parametrize(
    ("asked", "utf8", "ascii"),
    [(None, True, False), (None, False, True), (False, False, False), (True, True, True)],
)
def test_the_profile_follows_the_locale_unless_asked(
    asked: bool | None, utf8: bool, ascii: bool
) -> None:
    from tui.app import use_ascii_profile

    assert use_ascii_profile(asked, utf8) is ascii


def test_a_browser_page_is_never_ascii(tmp_path: Path) -> None:
    from tui.serve import app_command

    assert "--no-ascii" in app_command(tmp_path / "db.json", read_only=False)

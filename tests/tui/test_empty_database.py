"""A database with no projects: it says so and offers the imports (the bundled report, a
file); the first run's note is shown in the app, on its first screen."""

from __future__ import annotations

from pathlib import Path

import pytest

import tui.cli
from data import BUNDLED_REPORT_NAME
from store.jsonfile import JSONFileStore
from tests.tui.helpers import settle
from tui.app import make_app
from tui.dialogs.import_dialog import ImportDialog
from tui.screens.import_review import ImportReviewScreen
from tui.screens.project_list import ProjectListScreen
from tui.widgets.project_table import EMPTY_MESSAGE, ProjectTable

SIZES = [(80, 24), (160, 45)]


@pytest.fixture
def empty_app(tmp_path: Path):
    """The app on a new, empty database (as `MINSHENG_DB=... minsheng --create` opens)."""
    store = tui.cli.open_store(tmp_path / "new.json", create=True)
    return make_app(store, state_path=tmp_path / "view.json")


def _said(pilot) -> list[str]:
    """The lines the project table shows below its header."""
    table = pilot.app.screen.query_one(ProjectTable)
    return [table.render_line(y).text.strip() for y in range(1, 8)]


async def test_an_empty_database_says_so_and_offers_the_bundled_report(empty_app) -> None:
    async with empty_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        said = _said(pilot)
        assert "数据库里还没有项目。" in said
        assert any(BUNDLED_REPORT_NAME in line and "b" in line for line in said)
        assert EMPTY_MESSAGE not in said  # not as if a filter hid the rows
        await pilot.press("b")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(pilot.app.screen, ImportReviewScreen)
        assert len(empty_app.store.projects()) == 49
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
        assert len(pilot.app.screen.query_one(ProjectTable).rows) == 49
        await pilot.press("b")  # offered only while the database is empty
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)


async def test_an_empty_database_offers_a_file_by_path(empty_app) -> None:
    async with empty_app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert any("I" in line and "文件" in line for line in _said(pilot))
        await pilot.press("I")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ImportDialog)


async def test_read_only_an_empty_database_offers_no_import(tmp_path) -> None:
    tui.cli.open_store(tmp_path / "new.json", create=True)
    store = JSONFileStore(tmp_path / "new.json", read_only=True)
    app = make_app(store, state_path=tmp_path / "view.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert any("只读" in line for line in _said(pilot))
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)


async def test_the_search_box_hint_does_not_say_a_key_it_would_type(app) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzzq")
        await settle(pilot)
        focused = [line for line in _said(pilot) if line.startswith("没有符合条件")]
        assert focused and "Esc" in focused[0]
        await pilot.press("escape")
        await settle(pilot)
        assert EMPTY_MESSAGE in _said(pilot)


async def test_the_first_run_note_is_shown_in_the_app(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("MINSHENG_DB", raising=False)
    default = tmp_path / "home" / "minsheng.json"
    monkeypatch.setattr(tui.cli, "default_db_path", lambda: default)
    notices: list[str] = []
    store = tui.cli.open_store(None, notice=notices.append)
    assert len(store.projects()) == 49
    assert len(notices) == 1 and "首次运行" in notices[0] and str(default) in notices[0]
    app = make_app(store, state_path=tmp_path / "view.json", notices=notices)
    shown: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: shown.append(message))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    assert shown == notices


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_empty_database_snapshot(snap_compare, empty_app, size) -> None:
    assert snap_compare(empty_app, terminal_size=size, run_before=settle)

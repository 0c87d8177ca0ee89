"""Read-only mode: browsing and search work, edit keys say why they are off, nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.db import ProjectStore
from tests.tui.helpers import settle, shown_ids
from tui import cli
from tui.app import make_app
from tui.screens.project_detail import ProjectDetailScreen
from tui.screens.project_list import ProjectListScreen


def _notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.mark.parametrize(
    ("reason", "shown"),
    [("--read-only", "--read-only"), ("/srv/m.json is not writable by li", "not writable by li")],
)
async def test_edit_keys_say_why_and_nothing_is_written(
    db_path: Path, tmp_path: Path, reason: str, shown: str
) -> None:
    before = db_path.read_bytes()
    store = ProjectStore(db_path, user="li", read_only=True, read_only_reason=reason)
    app = make_app(store, state_path=tmp_path / "view.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        banner = pilot.app.screen.query_one("#read-only-banner")
        assert banner.display and "只读模式" in str(banner.render())
        for key in ("s", "e", "a"):
            await pilot.press(key)
            assert isinstance(pilot.app.screen, ProjectListScreen)  # no editor opened
        messages = _notifications(pilot.app)
        assert len(messages) == 3 and all(shown in m and "只读" in m for m in messages)
        await pilot.press("ctrl+z")
        await pilot.press("slash", *"jiaoyu", "enter")  # search still works
        await settle(pilot)
        assert 0 < len(shown_ids(pilot)) < 49
        await pilot.press("enter")  # and so does the detail screen
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectDetailScreen)
        await pilot.press("e")
        assert isinstance(pilot.app.screen, ProjectDetailScreen)
    assert db_path.read_bytes() == before


def test_the_cli_opens_a_file_it_cannot_write_read_only(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = db_path.read_bytes()
    reason = f"{db_path} is not writable by li"
    monkeypatch.setattr(cli, "write_problem", lambda path: reason)  # root may write anything
    opened = cli.open_store(db_path)
    assert opened.read_only and opened.read_only_reason == reason
    assert cli.run(["--db", str(db_path), "list"]) == 0
    assert cli.run(["--db", str(db_path), "export", "--format", "json", "-o", "-"]) == 0
    capsys.readouterr()
    assert cli.run(["--db", str(db_path), "set-status", "X01", "滞后"]) == 1
    err = capsys.readouterr().err
    assert "read-only" in err and "not writable by li" in err
    assert db_path.read_bytes() == before


def test_expect_revision_refuses_a_stale_script(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    revision = ProjectStore(db_path).get("X01").revision
    ProjectStore(db_path, user="wang").set_status("X01", "已完成", source="cli")
    args = ["--db", str(db_path), "set-status", "X01", "滞后", "--expect-revision"]
    assert cli.run([*args, str(revision)]) == 1
    err = capsys.readouterr().err
    assert "changed by wang" in err and f"you had revision {revision}" in err
    assert ProjectStore(db_path).get("X01").status == "已完成"
    assert cli.run([*args, str(revision + 1)]) == 0
    assert ProjectStore(db_path).get("X01").status == "滞后"
    note = ["--db", str(db_path), "note", "X01", "--month", "2023-07", "七月"]
    assert cli.run([*note, "--expect-revision", str(revision)]) == 1
    assert cli.run([*note, "--expect-revision", str(revision + 2)]) == 0

"""Read-only mode: browsing and search work, the edit keys are not offered, nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.jsonfile import JSONFileStore as ProjectStore
from tests.tui.helpers import save_as, settle, shown_ids
from tui import cli
from tui.app import make_app
from tui.screens.project_detail import ProjectDetailScreen
from tui.screens.project_list import ProjectListScreen
from tui.widgets.key_bar import KeyBar
from tui.widgets.key_help import KeyHelp

EDIT_KEYS = ("s 工作成效", "e 编辑", "a 添加进展", "ctrl+z 撤销", "^z 撤销")


def _bar(pilot) -> str:
    return pilot.app.screen.query_one(KeyBar).render().plain


@pytest.mark.parametrize(
    ("reason", "shown"),
    [("--read-only", "--read-only"), ("li 不能写入 /srv/m.json", "li 不能写入 /srv/m.json")],
)
async def test_edit_keys_are_not_offered_and_nothing_is_written(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reason: str, shown: str
) -> None:
    before = db_path.read_bytes()
    store = ProjectStore(db_path, user="li", read_only=True, read_only_reason=reason)
    app = make_app(store, state_path=tmp_path / "view.json")
    notes: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: notes.append(message))
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        banner = str(pilot.app.screen.query_one("#read-only-banner").render())
        assert pilot.app.screen.query_one("#read-only-banner").display
        assert "只读模式" in banner and shown in banner  # why, once, above the list
        assert "x 导出" in _bar(pilot) and not any(k in _bar(pilot) for k in EDIT_KEYS)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "导出（x）" in titles and not any(t.startswith("工作成效") for t in titles)
        for key in ("s", "e", "a", "ctrl+z"):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(pilot.app.screen, ProjectListScreen)  # no editor opened
        assert notes == []  # and nothing said: the keys are not there
        await pilot.press("slash", *"jiaoyu", "enter")  # search still works
        await settle(pilot)
        assert 0 < len(shown_ids(pilot)) < 49
        await pilot.press("enter")  # and so does the detail screen, without edit keys
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectDetailScreen)
        assert "v 切换视图" in _bar(pilot) and not any(k in _bar(pilot) for k in EDIT_KEYS)
        await pilot.press("question_mark")
        await pilot.pause()
        said = [s for _key, s in pilot.app.screen.query_one(KeyHelp).rows()]
        assert "切换视图" in said and not {"工作成效", "编辑", "添加进展", "撤销"} & set(said)
        await pilot.press("e", "s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectDetailScreen)
    assert db_path.read_bytes() == before


async def test_the_edit_keys_are_there_when_the_store_is_writable(app) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert "s 工作成效" in _bar(pilot) and "e 编辑" in _bar(pilot)
        assert not pilot.app.screen.query_one("#read-only-banner").display


def test_the_cli_opens_a_file_it_cannot_write_read_only(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = db_path.read_bytes()
    reason = f"li 不能写入 {db_path}"
    monkeypatch.setattr(cli, "write_problem", lambda path: reason)  # root may write anything
    opened = cli.open_store(db_path)
    assert opened.read_only and opened.read_only_reason == reason
    assert cli.run(["--db", str(db_path), "list"]) == 0
    assert cli.run(["--db", str(db_path), "export", "--format", "json", "-o", "-"]) == 0
    capsys.readouterr()
    assert cli.run(["--db", str(db_path), "set-status", "X01", "滞后"]) == 1
    err = capsys.readouterr().err
    assert "以只读方式打开" in err and f"li 不能写入 {db_path}" in err
    assert db_path.read_bytes() == before


def test_expect_revision_refuses_a_stale_script(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    revision = ProjectStore(db_path).get("X01").revision
    save_as(db_path, "wang", "X01", {"status": "已完成"})
    args = ["--db", str(db_path), "set-status", "X01", "滞后", "--expect-revision"]
    assert cli.run([*args, str(revision)]) == 1
    err = capsys.readouterr().err
    assert "已被 wang 于" in err and f"你打开时是第{revision}版" in err
    assert ProjectStore(db_path).get("X01").status == "已完成"
    assert cli.run([*args, str(revision + 1)]) == 0
    assert ProjectStore(db_path).get("X01").status == "滞后"
    note = ["--db", str(db_path), "note", "X01", "--month", "2023-07", "七月"]
    assert cli.run([*note, "--expect-revision", str(revision)]) == 1
    assert cli.run([*note, "--expect-revision", str(revision + 2)]) == 0

"""The export dialog from the keyboard: format, path, scope, errors, overwriting; and its look."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from rich.cells import cell_len
from textual.widgets import Input, RadioSet

from store.jsonfile import JSONFileStore as ProjectStore
from tests.tui.helpers import settle, shown_ids, text_of
from tui.app import make_app
from tui.dialogs.export_dialog import ExportDialog
from tui.screens.project_list import ProjectListScreen

SIZES = [(80, 24), (120, 36)]


@pytest.fixture
def notes(app: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """What the app told the user (message and options)."""
    said: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: said.append((message, kw)))
    return said


async def _open(pilot: Any) -> ExportDialog:
    await pilot.press("x")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    return dialog


def _path_field(dialog: ExportDialog) -> Input:
    return dialog.query_one("#export-path", Input)


async def _set_path(pilot: Any, dialog: ExportDialog, path: str | Path) -> None:
    """Put a path in the field (typing "/" needs key names) and let the dialog react."""
    _path_field(dialog).value = str(path)
    await pilot.pause()


def _message(pilot: Any) -> str:
    return text_of(pilot, "#export-message").strip()


async def _choose_format(pilot: Any, fmt: str) -> None:
    """From the format set (focused when the dialog opens): move to a format and press it."""
    order = ["md", "xlsx", "csv", "json", "html"]
    radio = pilot.app.screen.query_one("#export-format", RadioSet)
    assert radio.has_focus
    steps = order.index(fmt) - order.index(pilot.app.screen.chosen_format)
    await pilot.press(*(["right"] * steps if steps > 0 else ["left"] * -steps), "enter")


async def test_default_path_is_a_dated_file_in_the_exports_folder(app, db_path, notes) -> None:
    # Exports from the app used to default to snapshots/, where they were listed among the
    # snapshots; they now go to exports/ beside the database, made when first written.
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        path = Path(_path_field(dialog).value)
        assert path.parent == db_path.parent / "exports"
        assert path.name.startswith("lanling-2023-m01-06-") and path.suffix == ".xlsx"
        assert not path.parent.exists()  # opening the dialog makes nothing
        await _choose_format(pilot, "json")
        assert Path(_path_field(dialog).value) == path.with_suffix(".json")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    data = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    assert len(data["projects"]) == 49
    assert not (db_path.parent / "snapshots").exists()  # not a snapshot
    (message, options) = notes[-1]
    assert message == f"已导出 49 个项目到 {path.with_suffix('.json')}"
    assert options["markup"] is False


async def test_a_long_path_shows_its_end(tmp_path, seeded_template) -> None:
    # A path longer than the field showed its folders and hid the file name and extension.
    deep = tmp_path.joinpath(*["各单位报送材料汇总"] * 6)
    deep.mkdir(parents=True)
    (deep / "db.json").write_bytes(seeded_template)
    app = make_app(ProjectStore(deep / "db.json", user="tester"), state_path=tmp_path / "v.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        field = _path_field(dialog)
        assert cell_len(field.value) > field.content_size.width  # too long to show whole
        for fmt in ("xlsx", "md"):  # the default path, then a format chosen
            if fmt != "xlsx":
                await _choose_format(pilot, fmt)
                await pilot.pause()
            shown = field.render_line(0).text  # the line the field shows
            assert field.value.endswith(f".{fmt}") and f".{fmt}" in shown, shown


async def test_an_export_typed_into_the_snapshot_folder_is_recorded(app, db_path, notes) -> None:
    target = db_path.parent / "snapshots" / "mine.json"
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        await pilot.press("tab")
        await _set_path(pilot, dialog, target)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    index = json.loads((target.parent / "index.json").read_text(encoding="utf-8"))
    assert [(s["file"], s["format"], s["projects"], s["by"]) for s in index["snapshots"]] == [
        ("mine.json", "json", 49, "tester")
    ]
    assert not (db_path.parent / "exports").exists()


async def test_exports_what_the_list_shows(app, tmp_path, notes) -> None:
    target = tmp_path / "shown.csv"
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"医保", "enter", "o", "o")  # search, then sort by 单位
        await settle(pilot)
        shown = shown_ids(pilot)
        assert len(shown) == 6
        dialog = await _open(pilot)
        assert dialog.chosen_scope == "list"
        assert "当前列表（6 个项目）" in str(dialog.query_one("#scope-list").label)
        await _choose_format(pilot, "csv")
        await pilot.press("tab")
        assert _path_field(dialog).has_focus
        await _set_path(pilot, dialog, target)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
        assert shown_ids(pilot) == shown  # the list is as it was
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert [f"S{int(r[1]):02d}" for r in rows[2:]] == shown
    assert notes[-1][0] == f"已导出 6 个项目到 {target}"


async def test_exports_everything_when_asked(app, tmp_path, notes) -> None:
    target = tmp_path / "all.xlsx"
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"医保", "enter")
        await settle(pilot)
        dialog = await _open(pilot)
        assert "全部（49 个项目）" in str(dialog.query_one("#scope-all").label)
        await pilot.press("tab")
        await _set_path(pilot, dialog, target)
        await pilot.press("tab")
        assert dialog.query_one("#export-scope", RadioSet).has_focus
        await pilot.press("left", "enter")  # 当前列表 -> 全部
        assert dialog.chosen_scope == "all"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    workbook = openpyxl.load_workbook(target)
    numbered = {  # (rows whose 编号 reads 续 go on with the project above)
        sheet.title: sum(isinstance(c.value, int) for c in sheet["A"]) for sheet in workbook
    }
    assert numbered == {"县级": 10, "省市级": 39}


async def test_a_missing_folder_is_shown_in_the_dialog(app, tmp_path, notes) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        missing = tmp_path / "no" / "such" / "r.xlsx"
        await _set_path(pilot, dialog, missing)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is dialog  # still open, the app keeps running
        assert _message(pilot) == f"文件夹不存在：{missing.parent}"
        assert dialog.query_one("#export-message").has_class("error")
        assert not (tmp_path / "no").exists() and notes == []
        # Fixing the path is enough: the message goes, the export works.
        await _set_path(pilot, dialog, tmp_path / "r.xlsx")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    assert (tmp_path / "r.xlsx").exists()


async def test_other_failures_are_shown_in_the_dialog(app, tmp_path, monkeypatch) -> None:
    import errno
    import os

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        await _set_path(pilot, dialog, tmp_path / "r.md")
        monkeypatch.setattr(os, "fsync", full)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is dialog
        assert _message(pilot) == f"磁盘已满：{tmp_path / 'r.md'}"
        await _set_path(pilot, dialog, tmp_path)  # a folder, not a file
        monkeypatch.undo()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert _message(pilot) == f"这是一个文件夹：{tmp_path}"
    assert not (tmp_path / "r.md").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".r.md")] == []  # no temp


async def test_an_existing_file_needs_a_second_ctrl_s(app, tmp_path, notes) -> None:
    target = tmp_path / "r.html"
    target.write_text("old", encoding="utf-8")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        await _set_path(pilot, dialog, target)
        await _choose_format(pilot, "html")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is dialog
        assert _message(pilot) == "文件已存在：r.html。再按 Ctrl+S 覆盖，或修改路径。"
        assert target.read_text(encoding="utf-8") == "old"
        # Changing the format asks again: the confirmation was for html.
        await _choose_format(pilot, "md")
        await _choose_format(pilot, "html")
        assert _message(pilot) == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is dialog and "文件已存在" in _message(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert notes[-1][0] == f"已导出 49 个项目到 {target}"


async def test_escape_cancels_and_writes_nothing(app, db_path, tmp_path, notes) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        await _set_path(pilot, dialog, tmp_path / "never.json")
        await pilot.press("tab", "tab", "tab")  # format -> path -> scope -> format
        assert dialog.query_one("#export-format", RadioSet).has_focus
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    assert not (tmp_path / "never.json").exists()
    assert not (db_path.parent / "snapshots").exists() and notes == []
    assert not (db_path.parent / "exports").exists()


async def test_export_works_read_only(store, db_path, tmp_path) -> None:
    from tui.app import make_app

    app = make_app(ProjectStore(db_path, read_only=True), state_path=tmp_path / "view.json")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        await _set_path(pilot, dialog, tmp_path / "ro.json")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    assert (tmp_path / "ro.json").exists()


# --- how it looks ----------------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_export_dialog_snapshot(snap_compare, app, size) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("slash", *"医保", "enter")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        dialog = pilot.app.screen
        field = dialog.query_one("#export-path", Input)
        field.value = "/srv/minsheng/snapshots/lanling-2023-m01-06-20231128-1530.xlsx"
        for widget in dialog.query(Input):
            widget.cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_the_chosen_format_and_scope_are_marked_by_shape_not_only_colour(app: Any) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        dialog = await _open(pilot)
        marks = {b.id: b.render().plain[1] for b in dialog.query("Choice")}
        assert marks["format-xlsx"] == "●" and marks["format-csv"] == "○"
        assert marks["scope-all"] == "○"
        await pilot.press("right", "enter")  # csv
        await pilot.pause()
        marks = {b.id: b.render().plain[1] for b in dialog.query("Choice")}
        assert marks["format-csv"] == "●" and marks["format-xlsx"] == "○"

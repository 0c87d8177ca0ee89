"""The monthly cycle in the app: import next month's report (I), review what differs, see each
period's progress (detail view 7) and the 未更新 projects (u)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from importers.report import read_report
from store.interface import Edit
from store.jsonfile import JSONFileStore
from store.models import ImportFormatError
from tests.tui.cycle_files import JULY_PROGRESS, write_july_report
from tests.tui.helpers import settle, shown_ids, text_of
from tui.app import make_app
from tui.dialogs.import_dialog import (
    ImportDialog,
    format_error_text,
    next_period,
    parse_months,
)
from tui.screens.import_review import ImportReviewScreen
from tui.screens.project_detail import ProjectDetailScreen
from tui.screens.project_list import ProjectListScreen
from tui.widgets.key_bar import KeyBar
from tui.widgets.progress_periods import changed_spans

SIZES = [(80, 24), (160, 45)]


def _july_in_store(store: JSONFileStore, folder: Path) -> None:
    """S14 set to 滞后 by the office, then the July report imported (as the CLI would)."""
    store.save(Edit("S14", {"status": "滞后"}, source="tui"))
    path = write_july_report(folder)
    store.import_report(read_report(path), source=f"import:{path.name}")


def _status(pilot) -> str:
    return str(pilot.app.screen.query_one("#list-status").render())


def _review_rows(pilot) -> list[list[str]]:
    table = pilot.app.screen.query_one("#review-table", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def _import(pilot, name: str) -> None:
    """Press I, type a file name (the test runs in its folder), Enter."""
    await settle(pilot)
    await pilot.press("I")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ImportDialog)
    await pilot.press(*name, "enter")
    await settle(pilot)


# --- importing -------------------------------------------------------------------------------
async def test_importing_july_lists_what_the_office_must_confirm(
    app, store: JSONFileStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(Edit("S14", {"status": "滞后"}, source="tui"))
    write_july_report(tmp_path)
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await _import(pilot, "lanling-2023-m07.md")
        assert isinstance(pilot.app.screen, ImportReviewScreen)
        assert "lanling-2023-m07.md（1-7 月份）" in text_of(pilot, "#review-header")
        counts = text_of(pilot, "#review-counts")
        assert "新增 0 · 有变化 2 · 无变化 47 · 未更新 48" in counts
        assert "工作成效与报告不一致 1 个 · 保留了手工修改 1 个" in counts
        details = text_of(pilot, "#review-details-text").splitlines()
        assert details[:2] == [
            "X01 两河体育公园项目（吴坦河体育公园）：推进情况",
            "X02 农村清洁取暖建设项目：工作成效",
        ]
        assert _review_rows(pilot) == [
            ["S14", "提升职业学校办学条件", "滞后", "推进正常", "工作成效"]
        ]
        bar = pilot.app.screen.query_one(KeyBar).render().plain
        assert "⏎ 详情" in bar and "esc 返回列表" in bar
        # the store: the office's judgement kept, the report followed where not overridden
        s14, x02 = store.get("S14"), store.get("X02")
        assert (s14.status, s14.status_reported) == ("滞后", "推进正常")
        assert (x02.status, x02.status_reported) == ("已完成", "已完成")
        assert store.report().period_to == 7

        await pilot.press("enter")  # the project, to confirm or change its 工作成效
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectDetailScreen)
        assert pilot.app.screen.project is not None and pilot.app.screen.project.id == "S14"
        await pilot.press("s", "t")  # 推进正常, as reported
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ImportReviewScreen)
        assert _review_rows(pilot)[0][2:4] == ["推进正常", "推进正常"]  # read again

        await pilot.press("escape")  # the list, read again: the new period, 未更新 counted
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
        assert "1-7 月份" in text_of(pilot, "#list-title")
        assert "未更新 48" in _status(pilot)


async def test_a_table_without_months_asks_for_them(
    app, store: JSONFileStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_july_report(tmp_path, title=False)
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await _import(pilot, "lanling-2023-m07-notitle.md")
        dialog = pilot.app.screen
        assert isinstance(dialog, ImportDialog)  # not imported yet: its months are asked
        period = dialog.query_one("#import-period", Input)
        assert period.display and period.has_focus and period.value == "1-7"  # a month on
        assert "标题没有写月份" in str(dialog.query_one("#import-message").render())
        await pilot.press("ctrl+u", *"1-13", "enter")
        await settle(pilot)
        assert "不是月份范围" in str(dialog.query_one("#import-message").render())
        assert (
            store.report().period_to == 6
            and store.get("X01").progress_history[-1]["period"]["to"] == 6
        )
        await pilot.press("ctrl+u", *"1至7月", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ImportReviewScreen)
        assert store.report().period_to == 7
        x01 = store.get("X01")
        assert [h["period"]["to"] for h in x01.progress_history] == [6, 7]


@pytest.mark.parametrize(
    ("name", "content", "said"),
    [
        ("missing.md", None, ("找不到文件：missing.md（在 ",)),
        ("folder.md", "", ("不能导入 folder.md：是一个文件夹",)),
        (
            "notes.md",
            "这不是报表\n只是几行字\n",
            ("不能导入 notes.md", "找不到表头（含“序号”和“项目名称”两列的一行）"),
        ),
        ("report.pdf", "x", ("只能导入 .md、.txt、.csv、.xlsx 文件",)),
    ],
)
async def test_a_file_that_cannot_be_imported_is_one_line_and_changes_nothing(
    app,
    db_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    content: str | None,
    said: tuple[str, ...],
) -> None:
    if content == "":
        (tmp_path / name).mkdir()
    elif content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    before = db_path.read_bytes()
    async with app.run_test(size=(120, 36)) as pilot:
        await _import(pilot, name)
        dialog = pilot.app.screen
        assert isinstance(dialog, ImportDialog)  # still open, to correct the path
        message = str(dialog.query_one("#import-message").render())
        assert all(s in message for s in said) and "\n" not in message.strip(), message
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)
    assert db_path.read_bytes() == before


async def test_the_import_key_is_not_offered_read_only(db_path: Path, tmp_path: Path) -> None:
    store = JSONFileStore(db_path, user="li", read_only=True, read_only_reason="--read-only")
    app = make_app(store, state_path=tmp_path / "view.json")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "导出（x）" in titles and "导入（I）" not in titles
        await pilot.press("I")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProjectListScreen)


async def test_the_import_key_is_in_the_palette(app) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        titles = [c.title for c in pilot.app.get_system_commands(pilot.app.screen)]
        assert "导入（I）" in titles and "仅看未更新（u）" in titles


# --- 未更新 in the list ----------------------------------------------------------------------
async def test_the_not_updated_filter(app, store: JSONFileStore, tmp_path: Path) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert "未更新" not in _status(pilot)  # one period: nothing to compare yet
        _july_in_store(store, tmp_path)
        pilot.app.screen.check_for_changes()  # (as its timer would, a second later)
        await settle(pilot)
        assert "未更新 48" in _status(pilot)
        await pilot.press("u")
        await settle(pilot)
        ids = shown_ids(pilot)
        assert len(ids) == 48 and "X01" not in ids
        assert all(store.get(pid).not_updated for pid in ids)
        assert "48 / 49" in _status(pilot) and "仅未更新" in _status(pilot)
        await pilot.press("c")  # clears it with the other filters
        await settle(pilot)
        assert len(shown_ids(pilot)) == 49 and "未更新 48" in _status(pilot)
        await pilot.press("u", "u")  # and u again shows all
        await settle(pilot)
        assert len(shown_ids(pilot)) == 49


# --- the two periods in the detail screen ---------------------------------------------------
async def _periods_of(pilot, row: int) -> tuple[str, str, str]:
    await pilot.press(*["down"] * row, "enter")
    await settle(pilot)
    await pilot.press("7")
    await settle(pilot)
    return (
        text_of(pilot, "#periods-summary"),
        text_of(pilot, "#period-before-text"),
        text_of(pilot, "#period-now-text"),
    )


async def test_the_two_period_view_marks_what_is_new(
    app, store: JSONFileStore, tmp_path: Path
) -> None:
    _july_in_store(store, tmp_path)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        summary, before, now = await _periods_of(pilot, 0)  # X01, extended in July
        assert "新增 1 处" in summary
        assert JULY_PROGRESS in now.replace("\n", "") and JULY_PROGRESS not in before
        screen = pilot.app.screen
        assert screen.query_one("#period-before").border_title == "上期 1-6月 · lanling-2023-h1.md"
        assert screen.query_one("#period-now").border_title == "本期 1-7月 · lanling-2023-m07.md"
        await pilot.press("n")  # X02: the same text as in June
        await settle(pilot)
        assert "未更新 本期（1-7月）的推进情况与上期（1-6月）相同" in text_of(
            pilot, "#periods-summary"
        )


async def test_one_period_says_so(app) -> None:
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        summary, before, _now = await _periods_of(pilot, 0)
        assert "只有一期（1-6月）的推进情况" in summary and "无上期" in before


def test_what_is_new_is_the_added_text_only() -> None:
    june = "一标段完成基础施工，二标段完成围网。"
    july = "一标段完成基础施工，二标段完成围网。7月，完成全部场地施工。"
    added, dropped = changed_spans(june, july)
    assert [july[s:e] for s, e in added] == ["7月，完成全部场地施工。"] and dropped == []
    changed = "一标段完成基础施工，二标段完成围网和照明。"
    added, dropped = changed_spans(june, changed)
    assert [changed[s:e] for s, e in added] == ["和照明"] and dropped == []
    assert changed_spans(june, june) == ([], [])


def test_months_and_errors_in_the_office_s_words(tmp_path: Path) -> None:
    assert parse_months("1-7") == (1, 7) and parse_months("1至7月") == (1, 7)
    assert parse_months("7-1") is None and parse_months("1-13") is None
    assert parse_months("七月") is None
    assert next_period((1, 6)) == "1-7" and next_period((1, 12)) == "1-12"
    assert next_period(None) == ""
    # The importer's own message, with the path it starts with cut to the file's name.
    notes = tmp_path / "notes.md"
    notes.write_text("一些笔记，没有表格\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as refused:
        read_report(notes)
    assert str(refused.value).startswith(f"{notes}：")
    assert format_error_text(notes, refused.value) == (
        "不能导入 notes.md：找不到表头（含“序号”和“项目名称”两列的一行）"
    )
    at_line = ImportFormatError(f"{notes} 第12行：这一行有 3 个单元格，表头有 10 个")
    assert format_error_text(notes, at_line) == (
        "不能导入 notes.md 第12行：这一行有 3 个单元格，表头有 10 个"
    )
    assert format_error_text(notes, OSError("磁盘已满")) == "不能导入 notes.md：磁盘已满"


# --- snapshots -------------------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_import_review_snapshot(snap_compare, app, store, tmp_path, monkeypatch, size) -> None:
    store.save(Edit("S14", {"status": "滞后"}, source="tui"))
    store.save(Edit("X03", {"deadline": "2023年10月"}, source="tui"))  # a hand edit kept
    write_july_report(tmp_path)
    monkeypatch.chdir(tmp_path)

    async def run_before(pilot) -> None:
        await _import(pilot, "lanling-2023-m07.md")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_two_period_view_snapshot(snap_compare, app, store, tmp_path, size) -> None:
    _july_in_store(store, tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("enter", "7")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_not_updated_filter_snapshot(snap_compare, app, store, tmp_path, size) -> None:
    _july_in_store(store, tmp_path)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


async def test_the_importer_s_warnings_are_listed(
    app, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    july = write_july_report(tmp_path)
    lines = july.read_text(encoding="utf-8").split("\n")
    cells = lines[11].split("\t")  # line 12: X03, 全域充电桩建设
    cells[6] = "有点慢"  # not a 工作成效 the importer knows
    lines[11] = "\t".join(cells)
    july.write_text("\n".join(lines), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await _import(pilot, july.name)
        assert isinstance(pilot.app.screen, ImportReviewScreen)
        assert pilot.app.screen.query_one("#review-details").display
        details = text_of(pilot, "#review-details-text")
        # (the header names the file: the warning says only where in it)
        assert "\n导入提示\n第12行：X03 工作成效 “有点慢” 不是" in details
        assert f"{july.name} 第12行" not in details

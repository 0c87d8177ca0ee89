"""History in the report's words: an update as its month and text, sources as 界面 / 命令行 /
导入 / 撤销, from `minsheng history` and from the detail's 修改记录."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from store.interface import Change
from store.jsonfile import JSONFileStore
from tests.conftest import Result
from tests.tui.helpers import settle, text_of
from tui.app import make_app
from tui.labels import change_values, note_label, source_label


def _history_of_x03(cli: Callable[..., Result], db: Path, bundled: Path) -> JSONFileStore:
    """Imported, an update and a status from the command line, both undone in the app."""
    assert cli("--db", db, "import", bundled).code == 0
    assert cli("--db", db, "note", "X03", "--month", "2023-07", "完成桩基施工30个").code == 0
    assert cli("--db", db, "set-status", "X03", "滞后").code == 0
    store = JSONFileStore(db, user="tester")
    *_, update, status = store.history("X03")
    store.undo(status.id, source="tui")
    store.undo(update.id, source="tui")
    return store


def test_history_shows_updates_and_sources_in_words(cli, db_path, bundled, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    _history_of_x03(cli, db_path, bundled)
    result = cli("--db", db_path, "history", "X03")
    assert result.code == 0, result.err
    rows = [line.split() for line in result.out.splitlines()[2:]]
    # 序号 时间(2) 编号 字段 修改人, then the values, the source and the note
    by_field = [(r[4], r[6:]) for r in rows]
    assert by_field[0][0] == "新建" and by_field[0][1][1].startswith("导入")
    assert by_field[1] == ("进展", ["2023-07", "完成桩基施工30个", "命令行"])
    assert by_field[2] == ("工作成效", ["推进正常", "滞后", "命令行"])
    assert by_field[3][1][:3] == ["滞后", "推进正常", "撤销"]
    assert by_field[4][1][:3] == ["2023-07", "完成桩基施工30个", "撤销"]  # (old value: put back)
    assert "[{" not in result.out and "undo" not in result.out and "tui" not in result.out


def test_an_undo_is_recorded_with_its_own_source(cli, db_path, bundled) -> None:
    store = _history_of_x03(cli, db_path, bundled)
    last = store.history("X03")[-1]
    assert last.source == "undo:tui"
    assert source_label(last.source, last.note) == "撤销"


def _change(field: str = "status", old: Any = None, new: Any = None) -> Change:
    return Change(1, "X01", field, old, new, at="", by="", source="tui")


def test_labels_of_sources_and_notes() -> None:
    assert source_label("tui") == "界面" and source_label("cli") == "命令行"
    assert source_label("import:a.md") == "导入 a.md"
    # an undo recorded before undos had a source of their own
    assert source_label("tui", "undo of change 12") == "撤销"
    assert source_label("tui", "因为统计口径调整") == "界面"
    assert note_label("undo of change 12") == "撤销第12条更改"
    assert note_label("因为统计口径调整") == "因为统计口径调整"


def test_an_update_change_shows_what_differs() -> None:
    kept = {"month": "2023-06", "text": "开工", "at": "", "by": ""}
    added = {"month": "2023-07", "text": "完成桩基施工", "at": "", "by": ""}
    assert change_values(_change(field="updates", old=[kept], new=[kept, added])) == (
        "",
        "2023-07 完成桩基施工",
    )
    edited = dict(added, text="完成桩基施工30个")
    assert change_values(_change(field="updates", old=[added], new=[edited])) == (
        "2023-07 完成桩基施工",
        "2023-07 完成桩基施工30个",
    )
    assert change_values(_change(old="推进正常", new="滞后")) == ("推进正常", "滞后")
    assert change_values(_change(field="*", new="created")) == ("", "")


async def test_the_detail_history_shows_words(cli, db_path, bundled, tmp_path) -> None:
    store = _history_of_x03(cli, db_path, bundled)
    app = make_app(store, state_path=tmp_path / "view.json")
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter", "5")  # X03, its 修改记录
        await settle(pilot)
        shown = text_of(pilot, "#history-text")
    assert "2023-07 完成桩基施工30个" in shown
    assert "tester（撤销）" in shown and "（命令行）" in shown and "（导入 lanling" in shown
    assert "[{" not in shown and "undo" not in shown


def test_the_source_reads_whole_at_80_columns(cli, db_path, bundled, monkeypatch) -> None:
    """The time column is wide (2026年12月1日 13:21): the source keeps its word all the same,
    with the note beside it; at 160 columns the imported file's name shows too."""
    assert cli("--db", db_path, "import", bundled).code == 0
    assert cli("--db", db_path, "set-status", "X03", "滞后", "--note", "资金未到位").code == 0
    assert cli("--db", db_path, "note", "X03", "--month", "2023-07", "完成桩基施工30个").code == 0
    monkeypatch.setenv("COLUMNS", "80")
    result = cli("--db", db_path, "history", "X03")
    assert result.code == 0, result.err
    header, _rule, *rows = result.out.splitlines()
    assert header.split()[-2:] == ["来源", "备注"]
    assert all(cell_len(line) <= 80 for line in result.out.splitlines())
    column = header.index("来源")  # (the rows' cells stand where the header's do)
    sources = [_cells_from(row, cell_len(header[:column])) for row in rows]
    assert [s.split()[0] for s in sources] == ["导入", "命令行", "命令行"]
    monkeypatch.setenv("COLUMNS", "160")
    wide = cli("--db", db_path, "history", "X03").out
    assert "导入 lanling-2023-h1.md" in wide and "资金未到位" in wide


def _cells_from(line: str, start: int) -> str:
    """What a line holds from cell ``start`` on."""
    at = 0
    for index, char in enumerate(line):
        if at >= start:
            return line[index:]
        at += cell_len(char)
    return ""


def test_a_source_is_cut_at_its_file_name_never_in_its_word() -> None:
    from tui.cli import _fit_source

    label = "导入 lanling-2023-h1.md"
    assert [_fit_source(label, n).plain for n in (4, 6, 8, 23, 30)] == [
        "导入", "导入", "导入 la…", label, label,
    ]  # fmt: skip
    assert _fit_source("命令行", 6).plain == "命令行"

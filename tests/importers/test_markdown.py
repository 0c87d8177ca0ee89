"""The report text reader (Markdown pipe tables and tab-separated rows): escaped pipes, limits."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers import limits
from importers.report import parse_report_text, read_report
from store.models import ImportFormatError

TITLE = "# 兰陵县 2023 年度重点民生实事项目推进情况表（1-6 月份）（县级）\n\n"


def test_escaped_pipe_stays_in_its_cell() -> None:
    text = (
        TITLE + "| 编号 | 项目名称 | 项目概况 | 任务目标 | 项目推进情况 | 完成时限 | 牵头单位 |\n"
        "|---|---|---|---|---|---|---|\n"
        "| 1 | 甲\\|乙 | 概况 | 目标 | 进展 a\\|b\\|c | 2023年8月 | 县住建局 |\n"
    )
    [record] = parse_report_text(text, "r.md").records
    assert record.fields["name"] == "甲|乙"
    assert record.fields["progress"] == "进展a|b|c"
    assert record.fields["department"] == "县住建局"


def test_escaped_backslash_before_a_pipe_ends_the_cell() -> None:
    """As GitHub reads it: ``\\\\|`` is an escaped backslash, then the cell's end."""
    text = "| 序号 | 项目名称 | 牵头单位 |\n|---|---|---|\n| 1 | 甲\\\\| 县住建局 |\n"
    [record] = parse_report_text(text, "r.md").records
    assert (record.fields["name"], record.fields["department"]) == ("甲\\\\", "县住建局")


def test_other_backslashes_are_kept() -> None:
    text = "| 序号 | 项目名称 | 牵头单位 |\n|---|---|---|\n| 1 | C:\\路径\\文件 | 县住建局 |\n"
    [record] = parse_report_text(text, "r.md").records
    assert record.fields["name"] == "C:\\路径\\文件"


# --- size limits ---


def test_cell_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "大.md"
    long = "进" * (limits.MAX_CELL_CHARS + 1)
    path.write_text(f"序号\t项目名称\t推进情况\n1\t甲\t正常\n2\t乙\t{long}\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as info:
        read_report(path)
    message = str(info.value)
    assert message.startswith(f"{path} 第3行：")
    assert "第3列（推进情况）" in message and f"上限 {limits.MAX_CELL_CHARS}" in message


def test_pipe_cell_over_the_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_CELL_CHARS", 100)
    text = f"| 序号 | 项目名称 |\n|---|---|\n| 1 | {'甲' * 101} |\n"
    with pytest.raises(ImportFormatError) as info:
        parse_report_text(text, "r.md")
    assert str(info.value).startswith("r.md 第3行：")


def test_rows_over_the_limit_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_ROWS", 30)
    lines = "".join(f"{n}\t项目{n}\n" for n in range(1, 30))
    assert len(parse_report_text("序号\t项目名称\n" + lines, "r.md").records) == 29
    with pytest.raises(ImportFormatError) as info:
        parse_report_text("序号\t项目名称\n" + lines + "说明文字\n", "r.md")
    assert str(info.value).startswith("r.md 第31行：")
    assert "超过 30 行" in str(info.value)


def test_warnings_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_WARNINGS", 5)
    text = "序号\t项目名称\n1\t甲\n" + "一行说明\n" * 12
    warnings = parse_report_text(text, "r.md").warnings
    assert len(warnings) == 6
    assert warnings[-1] == "r.md：另有 7 条提示未列出"


def test_file_over_the_size_limit_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_FILE_BYTES", 2 * 1024 * 1024)
    path = tmp_path / "big.md"
    path.write_bytes(b"#" * (2 * 1024 * 1024 + 1))
    with pytest.raises(ImportFormatError) as info:
        read_report(path)
    assert str(info.value).startswith(f"{path}：")
    assert "超过 2 MiB" in str(info.value)

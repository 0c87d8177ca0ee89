"""The vocabularies: statuses read as they are meant (negations included), fields in one place."""

from __future__ import annotations

import re

import pytest

from store import models
from store.models import ProjectRecord, normalise_status, project_from_record
from store.vocabulary import (
    FIELD_LABELS,
    FIELD_REGISTRY,
    LIST_COLUMNS,
    REPORT_FIELDS,
    SINGLE_LINE_FIELDS,
    STATUS_REGISTRY,
    STATUSES,
    read_status,
)

# --- statuses --------------------------------------------------------------------------------

#: Every wording that read as a status before negations were understood, and still does.
PLAIN = {
    "推进正常": "推进正常",
    "正常推进": "推进正常",
    "正常": "推进正常",
    "进展顺利": "推进正常",
    "按计划推进": "推进正常",
    "工作完成": "已完成",
    "已完成": "已完成",
    "完成": "已完成",
    "已办结": "已完成",
    "滞后": "滞后",
    "进度滞后": "滞后",
    "推进缓慢": "滞后",
    "滞后推进": "滞后",
    "未启动": "未启动",
    "尚未启动": "未启动",
    "未开工": "未启动",
    # a status word inside a longer wording
    "推进 正常。": "推进正常",
    "总体正常": "推进正常",
    "基本完成": "已完成",
    "进度明显滞后": "滞后",
    "推进较为缓慢": "滞后",
    "目前未启动": "未启动",
    # several: lateness first, then not started, then done
    "正常推进，部分滞后": "滞后",
    "未启动，计划年底完成": "未启动",
}


@pytest.mark.parametrize(("wording", "status"), PLAIN.items())
def test_plain_wordings_still_read_as_their_status(wording: str, status: str) -> None:
    reading = read_status(wording)
    assert (reading.status, reading.problem) == (status, "")
    assert normalise_status(wording) == status


NEGATED = {
    "没有完成": "完成",
    "不能按期完成": "完成",
    "推进不正常": "正常",
    "不滞后": "滞后",
    "未完成": "完成",
    "尚未完成": "完成",
    "无法按期完成": "完成",
    "进度不算滞后": "滞后",
    "非正常推进": "正常",
}


@pytest.mark.parametrize(("wording", "word"), NEGATED.items())
def test_a_negated_status_word_is_kept_as_written_and_flagged(wording: str, word: str) -> None:
    reading = read_status(wording)
    assert reading.status is None and reading.raw == wording
    assert f"否定了 “{word}”" in reading.problem
    assert f"“{wording}”" in reading.problem and "保留原文" in reading.problem
    # never its opposite: the project keeps the wording, which is none of the statuses
    assert normalise_status(wording) == wording
    assert normalise_status(wording) not in STATUSES


def test_the_four_reported_misreadings() -> None:
    """没有完成 and 不能按期完成 were 已完成, 推进不正常 was 推进正常, 不滞后 was 滞后."""
    for wording in ("没有完成", "不能按期完成", "推进不正常", "不滞后"):
        assert normalise_status(wording) == wording
        assert read_status(wording).status is None


def test_a_negation_reaches_only_to_the_end_of_its_clause() -> None:
    assert read_status("推进正常，不存在滞后").status == "推进正常"
    assert read_status("未完成，进度滞后").status == "滞后"
    assert read_status("已完成；无滞后").status == "已完成"


def test_words_that_only_look_negative() -> None:
    assert read_status("不断推进，总体正常").status == "推进正常"
    assert read_status("推进非常正常").status == "推进正常"


def test_unknown_wording_is_kept_and_flagged() -> None:
    reading = read_status("按序时推进")
    assert reading.status is None and reading.raw == "按序时推进"
    assert "不是 推进正常、已完成、滞后、未启动 之一" in reading.problem
    assert normalise_status("按序时推进") == "按序时推进"


def test_nothing_reported_is_no_status_and_no_problem() -> None:
    for text in ("", "  ", "。"):
        reading = read_status(text)
        assert (reading.status, reading.raw, reading.problem) == (None, "", "")
        assert normalise_status(text) == ""


def test_an_import_keeps_a_negated_status_as_reported() -> None:
    record = ProjectRecord("县级", 1, {"name": "甲", "status": "不能按期完成"})
    project = project_from_record(record, 2023)
    assert (project.status, project.status_raw) == ("不能按期完成", "不能按期完成")


def test_the_status_registry_is_complete() -> None:
    assert STATUSES == tuple(STATUS_REGISTRY) == models.STATUSES
    assert STATUSES == ("推进正常", "已完成", "滞后", "未启动")
    values = list(STATUS_REGISTRY.values())
    for attr in ("letter", "css_class", "rank"):
        assert len({getattr(s, attr) for s in values}) == len(values), attr
    assert [s.letter for s in values] == ["t", "y", "z", "w"]
    for status in values:
        assert re.fullmatch(r"[0-9A-F]{6}", status.fill)
        # theme variables, or nothing for 推进正常: the list colours what is not
        plain = status.name == "推进正常"
        assert status.list_style == "" if plain else status.list_style.endswith(";")
        assert plain or "$" in status.list_style
        for word in (status.name, *status.synonyms):
            assert read_status(word).status == status.name


# --- fields ----------------------------------------------------------------------------------


def test_field_labels_and_single_line_fields_come_from_the_registry() -> None:
    assert FIELD_LABELS == {
        "name": "项目名称",
        "overview": "项目概况",
        "target": "任务目标",
        "plan": "月度计划",
        "progress": "推进情况",
        "status": "工作成效",
        "deadline": "完成时限",
        "department": "牵头单位",
        "level": "项目等级",
    }
    assert list(FIELD_LABELS) == list(models.FIELD_LABELS) == list(models.TEXT_FIELDS)
    assert SINGLE_LINE_FIELDS == {"name", "department", "level", "status", "deadline"}
    assert models.SINGLE_LINE_FIELDS == SINGLE_LINE_FIELDS


def test_the_reports_columns_and_headers() -> None:
    assert [f.key for f in REPORT_FIELDS] == list(FIELD_LABELS)
    number = FIELD_REGISTRY["number"]
    assert (number.report_header(county=True), number.report_header(county=False)) == (
        "编号",
        "序号",
    )
    plan, progress = FIELD_REGISTRY["plan"], FIELD_REGISTRY["progress"]
    assert (plan.report_header(True), plan.report_header(False)) == ("项目月度计划", "月度计划")
    assert progress.report_header(True) == progress.report_header(False) == "项目推进情况"


def test_every_list_column_is_a_field_with_a_width() -> None:
    assert LIST_COLUMNS[0] == "id"
    for key in LIST_COLUMNS:
        assert FIELD_REGISTRY[key].list_width > 0
    for f in REPORT_FIELDS:  # each printed column has a width or a share of the page
        assert (f.print_width > 0) != (f.print_share > 0), f.key

"""Tests of store.schedule: the 序时 class of indicators and projects."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from importers.report import read_report
from store.indicators import Indicator
from store.memory import MemoryStore
from store.models import Project, Report
from store.schedule import (
    AHEAD,
    DONE,
    LATE,
    ON_TIME,
    SLOW,
    UNJUDGED,
    ProjectSchedule,
    ScheduleSettings,
    class_counts,
    classify,
    judge,
    ratio_sort_key,
    schedule_of,
    schedules_of,
)
from store.vocabulary import SCHEDULE_CLASSES, SCHEDULE_REGISTRY

SEED = Path(__file__).resolve().parents[2] / "data" / "lanling-2023-h1.md"
H1 = Report(region="兰陵县", year=2023, period_from=1, period_to=6)


def indicator(planned: float | None, actual: float | None, target: float | None = 100) -> Indicator:
    ratio = actual / planned if actual is not None and planned else None
    return Indicator("指标", "人", "amount", target, planned, actual, ratio, basis="plan")


def project(status: str = "推进正常", **text: str) -> Project:
    return Project(id="S01", table="省市级", number=1, name="项目", status=status, **text)


def imported(path: Path = SEED) -> tuple[list[Project], Report]:
    """The projects and report of a report file, through the store."""
    store = MemoryStore()
    store.import_report(read_report(path), source=f"import:{path.name}")
    return store.projects(), store.report()


def by_id(schedules: list[ProjectSchedule]) -> dict[str, ProjectSchedule]:
    return {s.id: s for s in schedules}


# ---------------------------------------------------------------------------------------------
# The registry


def test_the_classes_in_their_registry() -> None:
    assert SCHEDULE_CLASSES == ("超序时", "按序时", "慢序时", "滞后", "已完成", "未判定")
    assert (AHEAD, ON_TIME, SLOW, LATE, DONE, UNJUDGED) == SCHEDULE_CLASSES
    assert [c for c in SCHEDULE_CLASSES if SCHEDULE_REGISTRY[c].behind] == ["慢序时", "滞后"]
    ranks = sorted(SCHEDULE_CLASSES, key=lambda c: SCHEDULE_REGISTRY[c].rank)
    assert ranks[:4] == ["滞后", "慢序时", "按序时", "超序时"]
    for value in SCHEDULE_REGISTRY.values():
        assert "$" in value.list_style and "#" not in value.list_style  # theme variables
        assert len(value.fill) == 6


# ---------------------------------------------------------------------------------------------
# One indicator


@pytest.mark.parametrize(
    ("actual", "expected"),
    [(111, AHEAD), (110, AHEAD), (109.9, ON_TIME), (90, ON_TIME), (89.9, SLOW), (70, SLOW),
     (69.9, LATE), (0, LATE)],
)  # fmt: skip
def test_default_ratio_thresholds(actual: float, expected: str) -> None:
    assert classify(indicator(100, actual)).class_name == expected


def test_no_class_without_both_numbers() -> None:
    assert classify(indicator(100, None)).class_name is None
    assert classify(indicator(None, 50)).class_name is None
    assert classify(indicator(0, 50)).class_name is None  # nothing due


def test_points_below_plan_as_银川() -> None:
    points = ScheduleSettings(basis="points")
    # target 100, planned 50 by the period: points are actual - planned in % of the target
    cases = [(61, AHEAD), (60, AHEAD), (41, ON_TIME), (40, SLOW), (20, SLOW), (19, LATE)]
    for actual, expected in cases:
        judged = classify(indicator(50, actual), points)
        assert judged.class_name == expected, actual
        assert judged.points == pytest.approx(actual - 50)
    # the same numbers by ratio: 40 / 50 = 80%
    assert classify(indicator(50, 40)).class_name == SLOW


def test_points_without_a_target_count_of_the_plans_total() -> None:
    ind = replace(indicator(50, 20, target=None), plan_total=200.0)
    assert classify(ind, ScheduleSettings(basis="points")).points == pytest.approx(-15)


def test_thresholds_are_settings() -> None:
    strict = ScheduleSettings(ahead=1.2, on_time=1.0, slow=0.5)
    assert classify(indicator(100, 95), strict).class_name == SLOW
    assert classify(indicator(100, 49), strict).class_name == LATE


def test_settings_round_trip_and_validation() -> None:
    custom = ScheduleSettings(basis="points", slow_points=5, late_points=20)
    assert ScheduleSettings.from_dict(custom.to_dict()) == custom
    assert json.loads(json.dumps(custom.to_dict())) == custom.to_dict()
    assert ScheduleSettings.from_dict({}) == ScheduleSettings()
    assert ScheduleSettings.from_dict(None) == ScheduleSettings()
    assert ScheduleSettings.from_dict({"ahead": 1.5, "unknown": 1}).ahead == 1.5
    with pytest.raises(ValueError, match="序时依据 “vibes” 应为 ratio、points 之一"):
        ScheduleSettings.from_dict({"basis": "vibes"})
    with pytest.raises(ValueError, match="序时阈值须从低到高"):
        ScheduleSettings(on_time=1.2)
    with pytest.raises(ValueError, match="序时设置 slow 须是数字"):
        ScheduleSettings.from_dict({"slow": "0.7"})
    with pytest.raises(ValueError, match="序时百分点须不小于 0"):
        ScheduleSettings(slow_points=40, late_points=30)


# ---------------------------------------------------------------------------------------------
# One project


def test_a_project_takes_its_worst_indicator() -> None:
    result = judge(project(), [indicator(100, 150), indicator(100, 95), indicator(100, 60)])
    assert result.class_name == LATE
    assert result.ratio == pytest.approx(0.6)
    assert result.worst is not None and result.worst.indicator.actual == 60
    assert [j.class_name for j in result.indicators] == [AHEAD, ON_TIME, LATE]


def test_indicators_that_cannot_be_judged_do_not_count() -> None:
    result = judge(project(), [indicator(100, None), indicator(0, 5), indicator(100, 100)])
    assert result.class_name == ON_TIME


def test_no_judgeable_indicator_is_未判定() -> None:
    assert judge(project(), []).class_name == UNJUDGED
    result = judge(project(), [indicator(100, None)])
    assert (result.class_name, result.ratio, result.disagrees) == (UNJUDGED, None, False)
    assert "没有对应的实际数" in result.reason


def test_status_已完成_is_已完成() -> None:
    result = judge(project(status="已完成"), [indicator(100, 10)])
    assert result.class_name == DONE


def test_every_target_reached_is_已完成() -> None:
    result = judge(project(), [indicator(50, 100, target=100), indicator(20, 30, target=30)])
    assert result.class_name == DONE
    # a plan-only indicator has no target to reach: the others decide
    result = judge(project(), [indicator(50, 100), indicator(20, 5, target=None)])
    assert result.class_name == DONE


def test_disagreement_with_工作成效() -> None:
    behind = [indicator(100, 50)]
    ahead = [indicator(100, 120)]
    assert judge(project("推进正常"), behind).disagrees
    assert judge(project("推进正常"), [indicator(100, 80)]).disagrees  # 慢序时
    assert not judge(project("推进正常"), ahead).disagrees
    assert judge(project("滞后"), ahead).disagrees
    assert judge(project("滞后"), [indicator(100, 95)]).disagrees
    assert not judge(project("滞后"), behind).disagrees
    assert not judge(project("推进正常"), []).disagrees  # 未判定 says nothing


def test_the_reported_工作成效_is_what_the_department_said() -> None:
    p = replace(project("滞后"), status_reported="推进正常")
    result = judge(p, [indicator(100, 50)])
    assert (result.reported, result.disagrees) == ("推进正常", True)


def test_schedule_of_reads_the_text() -> None:
    p = project(
        target="城镇新增就业8000人,失业人员再就业2000人、就业困难人员就业380人以上。",
        plan="①3月,完成城镇新增就业1800人,失业人员再就业500人,就业困难人员就业95人。"
        "②4月-6月,完成城镇新增就业3600人,失业人员再就业1000人,就业困难人员就业190人。",
        progress="截至6月底,已完成城镇新增就业5375人,失业转就业1030人,困难人员就业31人。",
    )
    result = schedule_of(p, H1)
    assert result.class_name == LATE
    assert result.reason == "就业困难人员就业 31 / 190人 = 16%"
    assert schedule_of(p, Report()).class_name == UNJUDGED  # no period, nothing is due


def test_json_form() -> None:
    p = project(
        target="组织开展演出600场",
        plan="①一季度完成130场。②二季度完成180场。③三季度完成160场。④四季度完成130场。",
    )
    data = schedule_of(p, H1).to_json()
    assert list(data) == ["id", "name", "class", "reported", "disagrees", "ratio", "indicators"]
    assert data["class"] == UNJUDGED and data["ratio"] is None
    (ind,) = data["indicators"]
    assert ind == {
        "name": "演出",
        "unit": "场",
        "target": 600,
        "planned": 310,
        "actual": None,
        "ratio": None,
        "source": "text",
    }
    json.dumps(data, ensure_ascii=False)


def test_counts_and_sorting() -> None:
    schedules = [
        judge(replace(project(), id="S01"), [indicator(100, 50)]),
        judge(replace(project(), id="S02"), []),
        judge(replace(project(), id="S03"), [indicator(100, 20)]),
        judge(replace(project(), id="S04"), [indicator(100, 100, target=1000)]),
    ]
    counts = class_counts(schedules)
    assert list(counts) == list(SCHEDULE_CLASSES)
    assert counts == {AHEAD: 0, ON_TIME: 1, SLOW: 0, LATE: 2, DONE: 0, UNJUDGED: 1}
    assert [s.id for s in sorted(schedules, key=ratio_sort_key)] == ["S03", "S01", "S04", "S02"]


# ---------------------------------------------------------------------------------------------
# The bundled report

#: The class of every project of the bundled report (see the numbers in the 序时 notes).
BUNDLED_CLASSES = {
    "X01": UNJUDGED, "X02": UNJUDGED, "X03": LATE, "X04": UNJUDGED, "X05": UNJUDGED,
    "X06": UNJUDGED, "X07": UNJUDGED, "X08": UNJUDGED, "X09": UNJUDGED, "X10": DONE,
    "S01": AHEAD, "S02": UNJUDGED, "S03": AHEAD, "S04": UNJUDGED, "S05": UNJUDGED,
    "S06": UNJUDGED, "S07": ON_TIME, "S08": LATE, "S09": UNJUDGED, "S10": AHEAD,
    "S11": ON_TIME, "S12": LATE, "S13": LATE, "S14": UNJUDGED, "S15": LATE,
    "S16": UNJUDGED, "S17": ON_TIME, "S18": UNJUDGED, "S19": UNJUDGED, "S20": UNJUDGED,
    "S21": UNJUDGED, "S22": UNJUDGED, "S23": ON_TIME, "S24": UNJUDGED, "S25": UNJUDGED,
    "S26": UNJUDGED, "S27": UNJUDGED, "S28": ON_TIME, "S29": ON_TIME, "S30": DONE,
    "S31": UNJUDGED, "S32": UNJUDGED, "S33": UNJUDGED, "S34": ON_TIME, "S35": ON_TIME,
    "S36": SLOW, "S37": SLOW, "S38": UNJUDGED, "S39": ON_TIME,
}  # fmt: skip


def test_every_bundled_project() -> None:
    projects, report = imported()
    schedules = by_id(schedules_of(projects, report))
    assert {i: s.class_name for i, s in schedules.items()} == BUNDLED_CLASSES
    disagreeing = sorted(i for i, s in schedules.items() if s.disagrees)
    assert disagreeing == ["S08", "S12", "S13", "S15", "S36", "S37", "X03"]


def test_the_three_projects_of_the_issue_are_behind() -> None:
    projects, report = imported()
    schedules = by_id(schedules_of(projects, report))
    expected = {"S15": (190, 31), "X03": (20, 7), "S12": (310, 191)}
    for project_id, (planned, actual) in expected.items():
        result = schedules[project_id]
        assert result.class_name == LATE and result.behind and result.disagrees
        assert result.worst is not None
        assert (result.worst.indicator.planned, result.worst.indicator.actual) == (
            planned,
            actual,
        )


@pytest.mark.parametrize(
    ("project_id", "written", "rewritten", "expected"),
    [
        # 困难人员就业 190 of 190: the worst is then 失业人员再就业 1030 / 1000
        ("S15", "困难人员就业31人", "困难人员就业190人", ON_TIME),
        ("S15", "困难人员就业31人", "困难人员就业150人", SLOW),
        ("X03", "已完成 7 座基础", "已完成 20 座基础", ON_TIME),
        ("X03", "已完成 7 座基础", "已完成 23 座基础", AHEAD),
        ("S12", "送戏下乡191场", "送戏下乡350场", AHEAD),
        ("S12", "送戏下乡191场", "送戏下乡300场", ON_TIME),
        ("S12", "送戏下乡191场", "送戏下乡230场", SLOW),
    ],
)
def test_changing_the_actuals_in_a_copy_of_the_report(
    tmp_path: Path, project_id: str, written: str, rewritten: str, expected: str
) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert text.count(written) == 1
    copy = tmp_path / SEED.name
    copy.write_text(text.replace(written, rewritten), encoding="utf-8")
    projects, report = imported(copy)
    schedules = by_id(schedules_of(projects, report))
    assert schedules[project_id].class_name == expected
    unchanged = {i: s.class_name for i, s in schedules.items() if i != project_id}
    assert unchanged == {i: c for i, c in BUNDLED_CLASSES.items() if i != project_id}


def test_numbers_no_indicator_takes_are_kept_with_why() -> None:
    projects, report = imported()
    s06 = next(schedule_of(p, report) for p in projects if p.id == "S06")
    assert [(q.source.text, q.excluded) for q in s06.unused] == [
        ("3.5个", "parameter"),
        ("7家", "intention"),
    ]


def test_points_basis_on_the_bundled_report() -> None:
    projects, report = imported()
    schedules = by_id(schedules_of(projects, report, ScheduleSettings(basis="points")))
    # 就业困难人员就业: (31 - 190) / 380 = 41.8 points below plan
    assert schedules["S15"].class_name == LATE
    # 放映公益电影: (2097 - 2700) / 7200 = 8.4 points below: 按序时 by points, 慢序时 by ratio
    assert schedules["S36"].class_name == ON_TIME


def test_the_bundled_report_as_json() -> None:
    projects, report = imported()
    data = [s.to_json() for s in schedules_of(projects, report)]
    text = json.dumps(data, ensure_ascii=False)
    back = json.loads(text)
    s15 = next(d for d in back if d["id"] == "S15")
    assert s15["class"] == "滞后" and s15["reported"] == "推进正常" and s15["disagrees"] is True
    assert s15["ratio"] == pytest.approx(31 / 190, abs=1e-4)
    hard = next(i for i in s15["indicators"] if i["name"] == "就业困难人员就业")
    assert hard == {
        "name": "就业困难人员就业",
        "unit": "人",
        "target": 380,
        "planned": 190,
        "actual": 31,
        "ratio": pytest.approx(0.1632, abs=1e-4),
        "source": "text",
    }


def test_a_table_s_own_columns_give_the_indicators_and_the_classes_follow_its_numbers() -> None:
    from store.memory import MemoryStore
    from store.models import ParsedReport, ProjectRecord, Report
    from store.schedule import project_schedule

    def table(actual: float) -> ParsedReport:
        rows = []
        for number, (name, got) in enumerate([("城镇新增就业", actual), ("新建公路", 30.0)], 1):
            record = ProjectRecord("民生工程", number, {"name": name, "department": "县人社局"})
            record.indicators = [  # as the quantitative importer gives them
                {"name": name, "unit": "人" if number == 1 else "公里", "target": 8000.0
                 if number == 1 else 100.0, "actual": got, "reported_percent": None,
                 "reported_words": "达到时间进度", "source": "column"},
            ]  # fmt: skip
            rows.append(record)
        return ParsedReport(Report(region="某市", year=2017, period_from=1, period_to=11), rows)

    store = MemoryStore()
    store.import_report(table(7000.0), source="import:table.xlsx")
    report = store.report()
    first = project_schedule(store.get(store.projects()[0].id), report)
    second = project_schedule(store.get(store.projects()[1].id), report)
    # 11 of 12 months: 8000 x 11/12 = 7333 due; 7000 is 95%. 100 x 11/12 = 91.7 due; 30 is 33%.
    assert first.class_name == "按序时" and first.ratio is not None
    assert abs(first.ratio - 7000 / (8000 * 11 / 12)) < 1e-9
    assert second.class_name == "滞后"
    assert first.worst is not None and first.worst.indicator.origin == "column"
    assert "达到时间进度" in first.worst.indicator.note
    store.import_report(table(3000.0), source="import:table-2.xlsx")  # the next month's numbers
    assert project_schedule(store.get(store.projects()[0].id), report).class_name == "滞后"


def test_a_quantitative_workbook_imports_with_its_indicators_and_classes(tmp_path: Path) -> None:
    """An office's xlsx with merged cells and numbers in columns: its classes follow them."""
    import tests.importers.test_quantitative as table
    from importers.report import read_report
    from store.memory import MemoryStore
    from store.schedule import project_schedule

    def classes(rows: list[list[Any]]) -> dict[str, str]:
        path = tmp_path / "进度表.xlsx"
        saved = table.ROWS[:]
        table.ROWS[:] = rows
        try:
            path.write_bytes(table.quantitative_workbook())
        finally:
            table.ROWS[:] = saved
        store = MemoryStore()
        store.import_report(read_report(path), source="import:进度表.xlsx")
        report = store.report()
        assert (report.period_from, report.period_to) == (1, 11)
        return {p.name: project_schedule(p, report).class_name for p in store.projects()}

    found = classes(table.ROWS)
    # 11 of 12 months elapsed: 50000 target, 52340 done (the year's target reached); 3000 ->
    # 2750 due, 2700 done; 600 -> 550, 580; no actual as a number -> 未判定.
    assert found["城镇新增就业(人)"] == "已完成"
    assert found["就业困难人员就业(人)"] == "按序时"
    assert found["新建改造提升(公里)"] == "按序时"
    assert found["农村劳动力转移就业（人）"] == "未判定"
    behind = [row[:] for row in table.ROWS]
    behind[1][5] = 1500  # 就业困难人员就业: 1500 of 2750 due
    assert classes(behind)["就业困难人员就业(人)"] == "滞后"


def test_thresholds_are_written_descending_and_refused_out_of_order_or_range() -> None:
    from store.schedule_rule import (
        DEFAULT_SETTINGS,
        parse_thresholds,
        rule_text,
        thresholds_of,
        with_thresholds,
    )

    assert thresholds_of(DEFAULT_SETTINGS) == (110, 90, 70)
    assert thresholds_of(DEFAULT_SETTINGS, "points") == (10, -10, -30)
    stricter = with_thresholds(DEFAULT_SETTINGS, None, parse_thresholds("120，95、75%"))
    assert (stricter.basis, stricter.ahead, stricter.on_time, stricter.slow) == (
        "ratio", 1.2, 0.95, 0.75,
    )  # fmt: skip
    yinchuan = with_thresholds(DEFAULT_SETTINGS, "points", (5, -5, -20))
    assert (yinchuan.ahead_points, yinchuan.slow_points, yinchuan.late_points) == (5, 5, 20)
    assert yinchuan.ahead == DEFAULT_SETTINGS.ahead  # the other basis's thresholds are kept
    assert "低 5-20 点 慢序时" in rule_text(yinchuan)
    assert with_thresholds(yinchuan, "ratio").basis == "ratio"
    for basis, values in (
        (None, (90, 110, 70)), (None, (110, 90, 90)), (None, (110, 90, -1)),
        (None, (1001, 90, 70)), ("points", (10, 5, -30)), ("points", (-1, -5, -30)),
        ("points", (10, -10, -101)), ("weeks", ()),
    ):  # fmt: skip
        with pytest.raises(ValueError):
            with_thresholds(DEFAULT_SETTINGS, basis, values)
    for text in ("110,90", "a,b,c", "110,90,70,50", "nan,1,0"):
        with pytest.raises(ValueError):
            parse_thresholds(text)

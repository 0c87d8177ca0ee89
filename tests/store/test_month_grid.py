"""The month grid built from the bundled report: rows, period marks, unmatched plans, updates."""

from __future__ import annotations

from pathlib import Path

import pytest

from importers.report import read_report
from store.jsonfile import JSONFileStore as ProjectStore
from store.month_grid import build_grid, months_label
from store.schedule import ProjectSchedule, project_schedule

BUNDLED = Path(__file__).resolve().parents[2] / "data" / "lanling-2023-h1.md"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ProjectStore:
    store = ProjectStore(tmp_path_factory.mktemp("grid") / "db.json", user="tester")
    store.import_report(read_report(BUNDLED), source="import:test")
    return store


def labels(store: ProjectStore, pid: str) -> list[str]:
    return [row.label for row in build_grid(store.get(pid), store.report())]


def test_labels() -> None:
    assert months_label((5,)) == "5月"
    assert months_label((3, 4, 5)) == "3-5月"
    assert months_label(tuple(range(1, 13))) == "全年"
    assert months_label((1, 3)) == "1、3月"
    assert months_label(()) == "未注明"


def test_single_months_line_up_plan_and_progress(store: ProjectStore) -> None:
    rows = build_grid(store.get("S03"), store.report())  # ①1月 … ⑫12月 planned, ①-⑥ reported
    assert [r.label for r in rows] == [f"{m}月" for m in range(1, 13)]
    may = rows[4]
    assert may.in_period and may.plan[0].text.startswith("⑤5月")
    assert may.progress[0].text.startswith("⑤5月") and "50%" in may.progress[0].text
    assert not rows[6].in_period and rows[6].progress == []
    assert not any(e.no_progress for r in rows for e in r.plan)


def test_ranges_and_unmatched_plans(store: ProjectStore) -> None:
    rows = build_grid(store.get("X02"), store.report())
    assert [r.label for r in rows][:4] == ["2月", "3-5月", "6月", "7月"]
    flagged = [r.label for r in rows for e in r.plan if e.no_progress]
    assert flagged == ["2月", "3-5月"]  # only 6月 has reported progress
    assert rows[2].progress[0].text.startswith("6月，结合市级方案")


def test_quarters(store: ProjectStore) -> None:
    assert labels(store, "S10") == ["1-6月", "1-3月", "4-6月", "7-9月", "10-12月"]
    rows = build_grid(store.get("S10"), store.report())
    assert [r.in_period for r in rows] == [True, True, True, False, False]
    assert rows[0].plan == [] and rows[0].progress  # undated progress: the report period


def test_no_months_at_all(store: ProjectStore) -> None:
    rows = build_grid(store.get("S20"), store.report())
    assert [r.label for r in rows] == ["全年", "1-6月"]
    assert rows[0].plan[0].text == "按照市局安排时间节点及政策开展集采工作"
    assert rows[1].progress and not rows[1].plan


def test_updates_land_in_their_month(store: ProjectStore, tmp_path: Path) -> None:
    copy = tmp_path / "db.json"
    copy.write_bytes(store.path.read_bytes())
    other = ProjectStore(copy, user="tester")
    other.add_update("X02", "2023-03", "完成入户调查", source="test")
    other.add_update("X02", "2023-07", "招标公告已挂网", source="test")
    rows = build_grid(other.get("X02"), other.report())
    by_label = {r.label: r for r in rows}
    assert "3月" in by_label and by_label["3月"].progress[0].source == "update"
    assert by_label["7月"].progress[0].text == "招标公告已挂网"
    # March now has progress, so the 3-5月 plan is no longer marked; February still is.
    flagged = [r.label for r in rows for e in r.plan if e.no_progress]
    assert flagged == ["2月"]


def test_every_project_keeps_all_its_text(store: ProjectStore) -> None:
    report = store.report()
    for project in store.projects():
        rows = build_grid(project, report)
        plan = "".join(e.text for r in rows for e in r.plan)
        progress = "".join(e.text for r in rows for e in r.progress if e.source == "report")
        squash = lambda t: "".join(t.split())  # noqa: E731
        assert sorted(squash(plan)) == sorted(squash(project.plan)), project.id
        assert sorted(squash(progress)) == sorted(squash(project.progress)), project.id


def _schedule(store: ProjectStore, pid: str) -> ProjectSchedule:
    return project_schedule(store.get(pid), store.report(), store.schedule_settings())


def test_an_as_of_month_in_mid_sentence_puts_progress_in_that_month(store: ProjectStore) -> None:
    rows = {r.label: r for r in build_grid(store.get("S07"), store.report())}
    # ④召开乡镇卫生院两癌筛查启动会议暨培训会议,截至6月底,已检查4970人。
    (june,) = rows["6月"].progress
    assert june.text.startswith("④召开") and "已检查4970人" in june.text
    assert [e.text[:2] for e in rows["4月"].progress] == ["②截"]
    assert all("④" not in e.text for e in rows["1-6月"].progress)  # no longer of the period


def test_the_periods_row_shows_planned_against_actual(store: ProjectStore) -> None:
    s15 = _schedule(store, "S15")
    rows = build_grid(store.get("S15"), store.report(), s15)
    carrying = [r for r in rows if r.measures]
    assert [r.label for r in carrying] == ["6月"]  # the report period's last month
    measures = carrying[0].measures
    assert measures[0] == "序时 滞后：就业困难人员就业 计划 190人 / 实际 31人（16.3%）"  # the worst
    assert "序时 超序时：城镇新增就业 计划 3600人 / 实际 5375人（149.3%）" in measures
    assert len(measures) == len([j for j in s15.indicators if j.class_name is not None])
    # no schedule given: no line
    assert not any(r.measures for r in build_grid(store.get("S15"), store.report()))


def test_a_period_row_is_made_for_the_line_when_the_texts_name_no_such_month(
    store: ProjectStore,
) -> None:
    x03 = _schedule(store, "X03")
    before = build_grid(store.get("X03"), store.report())
    rows = build_grid(store.get("X03"), store.report(), x03)
    june = next(r for r in rows if r.label == "6月")
    assert june.in_period and june.measures == [
        "序时 滞后：企事业单位充电站及乡镇充电站 计划 20处 / 实际 7处（35.0%）"
    ]
    assert [r.label for r in rows if not r.measures] == [
        r.label for r in before if r.label != "6月"
    ]


def test_nothing_judged_no_line(store: ProjectStore) -> None:
    for pid in ("S06", "X01"):  # 托位 planned but no count reported; no numbers at all
        schedule = _schedule(store, pid)
        assert schedule.class_name == "未判定"
        assert not any(r.measures for r in build_grid(store.get(pid), store.report(), schedule))


def test_a_share_of_the_target_by_time_elapsed_says_so() -> None:
    from store.indicators import Indicator
    from store.month_grid import measure_line
    from store.schedule import JudgedIndicator

    ind = Indicator.from_dict(
        {"name": "新增托位", "unit": "个", "target": 620, "planned": 310, "actual": 155,
         "basis": "time_elapsed"}
    )  # fmt: skip
    assert measure_line(JudgedIndicator(ind, "滞后")) == (
        "序时 滞后：新增托位 计划 310个（按序时进度） / 实际 155个（50.0%）"
    )

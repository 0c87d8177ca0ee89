"""ProjectIndex and ProjectQuery: filters, faceted counts, search with pinyin, sorting."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.synthetic import make_projects
from importers.report import read_report
from store.jsonfile import JSONFileStore as ProjectStore
from store.memory import MemoryStore
from store.models import Project, Report, Update, project_from_record, split_departments
from store.query import (
    SCHEDULE_FACET,
    ProjectIndex,
    ProjectQuery,
    facet_values,
    is_overdue,
    latest_progress,
)


def _project(
    pid: str,
    name: str,
    department: str,
    level: str,
    status: str,
    deadline: str,
    progress: str = "",
    updates: tuple[Update, ...] = (),
) -> Project:
    table = "县级" if pid.startswith("X") else "省市级"
    return Project(
        id=pid,
        table=table,
        number=int(pid[1:]),
        name=name,
        level=level,
        department=department,
        departments=split_departments(department),
        status=status,
        deadline=deadline,
        progress=progress,
        updates=list(updates),
    )


PROJECTS = [
    _project("X01", "两河体育公园项目", "县教育体育局", "县级", "推进正常", "2023-08", "标段推进"),
    _project("X02", "农村清洁取暖建设项目", "县住房和城乡建设局", "县级", "滞后", "2023-05"),
    _project("X03", "十八小学校舍建设项目", "县教育局 体育局", "县级", "已完成", "2023-06"),
    _project(
        "S01",
        "推进城乡公益性岗位扩容提质",
        "县人力资源社会保障局",
        "省级",
        "推进正常",
        "2023-12",
        updates=(Update("2023-07", "七月完成招聘", "2023-07-31T10:00:00+08:00", "alice"),),
    ),
    _project("S02", "提高困难群众救助标准", "县民政局", "市级", "未启动", "2023-04"),
]
REPORT = Report(region="兰陵县", year=2023, period_from=1, period_to=6)


def _ids(projects: list[Project]) -> list[str]:
    return [p.id for p in projects]


@pytest.fixture
def index() -> ProjectIndex:
    return ProjectIndex(PROJECTS, REPORT)


def test_no_query_gives_everything_in_report_order(index: ProjectIndex) -> None:
    assert _ids(index.apply(ProjectQuery())) == ["X01", "X02", "X03", "S01", "S02"]
    assert len(index) == 5


def test_facets_or_within_and_across(index: ProjectIndex) -> None:
    query = ProjectQuery(levels=frozenset({"县级", "市级"}))
    assert _ids(index.apply(query)) == ["X01", "X02", "X03", "S02"]
    query = query.with_selected("status", {"推进正常", "未启动"})
    assert _ids(index.apply(query)) == ["X01", "S02"]
    assert _ids(index.apply(query.toggled("status", "未启动"))) == ["X01"]


def test_a_project_of_several_units_counts_under_each(index: ProjectIndex) -> None:
    assert facet_values(PROJECTS[2], "department") == ["县教育局", "体育局"]
    query = ProjectQuery(departments=frozenset({"体育局"}))
    assert _ids(index.apply(query)) == ["X03"]


def test_department_text_is_a_substring_of_the_unit(index: ProjectIndex) -> None:
    assert _ids(index.apply(ProjectQuery(department_text="教育"))) == ["X01", "X03"]


def test_facet_counts_apply_the_other_facets_only(index: ProjectIndex) -> None:
    query = ProjectQuery(levels=frozenset({"县级"}), statuses=frozenset({"滞后"}))
    counts = index.evaluate(query)[1]
    assert counts["status"] == {"推进正常": 1, "滞后": 1, "已完成": 1}  # among 县级
    assert counts["level"] == {"县级": 1}  # among 滞后
    assert sum(counts["department"].values()) == 1


def test_search_ands_terms_over_all_text_and_updates(index: ProjectIndex) -> None:
    assert _ids(index.apply(ProjectQuery(search="建设"))) == ["X02", "X03"]
    assert _ids(index.apply(ProjectQuery(search="建设  学校"))) == ["X03"]
    assert _ids(index.apply(ProjectQuery(search="招聘"))) == ["S01"]  # a dated update
    assert _ids(index.apply(ProjectQuery(search="s01"))) == ["S01"]  # the id, any case
    assert _ids(index.apply(ProjectQuery(search="标段"))) == ["X01"]  # progress text


def test_search_by_pinyin_and_initials(index: ProjectIndex) -> None:
    assert _ids(index.apply(ProjectQuery(search="jiaoyu"))) == ["X01", "X03"]
    assert _ids(index.apply(ProjectQuery(search="jyj"))) == ["X03"]  # 教育局
    assert _ids(index.apply(ProjectQuery(search="minzheng"))) == ["S02"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["", "建", "建设", "建设 学", "jy", "jyj", "县", "县教", "x0"])))
def test_search_as_you_type_gives_what_a_fresh_index_gives(searches: list[str]) -> None:
    typed = ProjectIndex(PROJECTS, REPORT)
    for text in searches:
        query = ProjectQuery(search=text)
        assert _ids(typed.apply(query)) == _ids(ProjectIndex(PROJECTS, REPORT).apply(query))


def test_clearing_gives_back_everything_however_often_and_whatever_the_caller_did(
    index: ProjectIndex,
) -> None:
    everything = ProjectQuery(sort="deadline")
    rows, counts = index.evaluate(everything)
    rows.reverse()  # the caller's lists and counts are its own
    counts["level"].clear()
    index.evaluate(ProjectQuery(sort="deadline", search="建设"))
    again, counts_again = index.evaluate(everything)
    fresh = ProjectIndex([e.project for e in index.entries], index.report)
    assert _ids(again) == _ids(fresh.apply(everything))
    assert counts_again == fresh.evaluate(everything)[1]
    assert counts_again["level"]


def test_sorting(index: ProjectIndex) -> None:
    assert _ids(index.apply(ProjectQuery(sort="deadline"))) == ["S02", "X02", "X03", "X01", "S01"]
    assert _ids(index.apply(ProjectQuery(sort="deadline", descending=True)))[0] == "S01"
    assert _ids(index.apply(ProjectQuery(sort="status")))[:2] == ["X01", "S01"]
    assert _ids(index.apply(ProjectQuery(sort="latest")))[-1] == "S01"


def test_overdue_is_due_within_the_period_and_not_done(index: ProjectIndex) -> None:
    assert [p.id for p in PROJECTS if is_overdue(p, REPORT)] == ["X02", "S02"]
    assert not is_overdue(PROJECTS[1], Report())
    assert _ids(index.apply(ProjectQuery(overdue_only=True))) == ["X02", "S02"]
    assert index.overdue_count(PROJECTS) == 2 and index.overdue_count(PROJECTS[2:]) == 1
    assert ProjectIndex(PROJECTS, Report()).overdue_count(PROJECTS) == 0  # no period: none
    parsed = make_projects(300)
    many = [project_from_record(r, parsed.report.year) for r in parsed.records]
    report = parsed.report
    overdue = sum(is_overdue(p, report) for p in many)
    assert 0 < overdue < len(many)
    assert ProjectIndex(many, report).overdue_count(many) == overdue


def test_latest_progress_prefers_the_newest_update() -> None:
    assert latest_progress(PROJECTS[3]) == "7月 七月完成招聘"
    assert latest_progress(PROJECTS[0]) == "标段推进"


def test_all_values_in_the_order_people_expect(index: ProjectIndex) -> None:
    assert index.all_values("level") == ["县级", "市级", "省级"]
    assert index.all_values("status") == ["推进正常", "已完成", "滞后", "未启动"]
    assert len(index.all_values("department")) == 6


def test_query_round_trips_and_drops_what_it_cannot_trust() -> None:
    query = ProjectQuery(
        levels=frozenset({"县级"}), statuses=frozenset({"滞后"}), search="学校", sort="name"
    )
    assert ProjectQuery.from_dict(query.to_dict()) == query
    odd = ProjectQuery.from_dict({"levels": "县级", "sort": "drop table", "search": 3})
    assert odd == ProjectQuery(search="3")
    assert query.is_filtered and not query.cleared().is_filtered
    assert query.cleared().sort == "name"
    both = ProjectQuery(not_updated=True, schedules=frozenset({"滞后", "慢序时"}), sort="schedule")
    assert ProjectQuery.from_dict(both.to_dict()) == both and both.is_filtered
    assert both.to_dict()["schedules"] == ["慢序时", "滞后"]  # in the registry's order
    assert ProjectQuery.from_dict({"schedules": ["滞后", "很慢"]}).schedules == {"滞后"}


def test_a_view_remembered_before_schedules_and_not_updated_still_reads() -> None:
    old = {"levels": ["县级"], "overdue_only": True, "search": "", "sort": "id"}
    query = ProjectQuery.from_dict(old)
    assert query == ProjectQuery(levels=frozenset({"县级"}), overdue_only=True)
    assert not query.not_updated and not query.schedules


def test_index_over_a_real_store(tmp_path: Path) -> None:
    store = ProjectStore(tmp_path / "db.json", user="alice")
    store.import_report(make_projects(100), source="import:synthetic")
    index = ProjectIndex(store.projects(), store.report())
    everything = index.apply(ProjectQuery())
    assert len(everything) == 100
    by_level = index.evaluate(ProjectQuery())[1]["level"]
    assert sum(by_level.values()) == 100 and set(by_level) == {"县级", "市级", "省级"}
    behind = index.apply(ProjectQuery(statuses=frozenset({"滞后"})))
    assert behind and all(p.status == "滞后" for p in behind)


BUNDLED = Path(__file__).resolve().parents[2] / "data" / "lanling-2023-h1.md"


@pytest.fixture(scope="module")
def bundled() -> tuple[list[Project], Report]:
    store = MemoryStore()
    store.import_report(read_report(BUNDLED), source="import:lanling-2023-h1.md")
    return store.projects(), store.report()


def test_schedules_are_computed_only_when_asked(bundled: tuple[list[Project], Report]) -> None:
    projects, report = bundled
    index = ProjectIndex(projects, report)
    rows, counts = index.evaluate(ProjectQuery())
    assert len(rows) == len(projects) and not index.schedule_ready
    assert index.schedule("S15") is None and not counts[SCHEDULE_FACET]
    assert index.all_values(SCHEDULE_FACET)[:4] == ["超序时", "按序时", "慢序时", "滞后"]
    assert not index.schedule_ready  # the facet's values need no computing
    index.prepare_schedule()
    assert index.schedule_ready
    schedule = index.schedule("S15")
    assert schedule is not None and schedule.class_name == "滞后"
    counts = index.evaluate(ProjectQuery())[1]  # the cached counts now include 序时
    assert sum(counts[SCHEDULE_FACET].values()) == len(projects)


def test_the_schedule_facet_filters_and_counts(bundled: tuple[list[Project], Report]) -> None:
    projects, report = bundled
    index = ProjectIndex(projects, report)
    late = ProjectQuery(schedules=frozenset({"滞后"}))
    rows, counts = index.evaluate(late)  # computed on demand
    assert index.schedule_ready
    assert {"S12", "S15", "X03"} <= set(_ids(rows))
    assert all(index.schedules(rows)[i].class_name == "滞后" for i in range(len(rows)))
    assert counts[SCHEDULE_FACET]["按序时"] > 0  # what choosing another class would give
    county = index.evaluate(late.with_selected("level", {"县级"}))[0]
    assert "X03" in _ids(county) and all(p.level == "县级" for p in county)
    assert late.toggled(SCHEDULE_FACET, "滞后") == ProjectQuery()


def test_sorting_by_schedule_puts_the_worst_ratio_first(
    bundled: tuple[list[Project], Report],
) -> None:
    projects, report = bundled
    index = ProjectIndex(projects, report)
    rows = index.apply(ProjectQuery(sort="schedule"))
    ratios = [s.ratio for s in index.schedules(rows)]
    judged = [r for r in ratios if r is not None]
    assert judged == sorted(judged) and ratios[: len(judged)] == judged  # no ratio: last
    assert rows[0].id == "S15"  # 31 of 190: the worst


def test_not_updated_keeps_projects_whose_progress_is_as_before() -> None:
    progress = [
        {"period": {"from": 1, "to": 6}, "text": "开工", "source": "a", "at": "t"},
        {"period": {"from": 1, "to": 7}, "text": "开工", "source": "b", "at": "t"},
    ]
    same = _project("X09", "项目", "县民政局", "县级", "推进正常", "2023-12")
    same = Project.from_dict({**same.to_dict(), "progress_history": progress})
    assert same.not_updated
    index = ProjectIndex([*PROJECTS, same], REPORT)
    assert _ids(index.apply(ProjectQuery(not_updated=True))) == ["X09"]
    counts = index.evaluate(ProjectQuery(not_updated=True))[1]
    assert counts["level"] == {"县级": 1}


def test_a_replaced_project_gets_its_schedule(bundled: tuple[list[Project], Report]) -> None:
    projects, report = bundled
    index = ProjectIndex(projects, report)
    index.prepare_schedule()
    s15 = next(p for p in projects if p.id == "S15")
    done = Project.from_dict({**s15.to_dict(), "status": "已完成"})
    patched = index.replace(done)
    after = patched.schedule("S15")
    assert after is not None and after.class_name == "已完成"
    before = index.schedule("S15")
    assert before is not None and before.class_name == "滞后"  # the old index is unchanged
    assert "S15" not in _ids(patched.apply(ProjectQuery(schedules=frozenset({"滞后"}))))


@pytest.mark.parametrize(
    ("chinese", "latin"),
    [("教育", "jiaoyu"), ("农村", "nongcun"), ("充电桩", "chongdianzhuang"),
     ("验收", "yanshou"), ("托位", "tuowei"), ("救助", "jiuzhu")],
)  # fmt: skip
def test_latin_input_finds_what_chinese_input_finds(
    bundled: tuple[list[Project], Report], chinese: str, latin: str
) -> None:
    """Pinyin covers every field Chinese search covers: plans and progress too."""
    projects, report = bundled
    index = ProjectIndex(projects, report)
    found = _ids(index.apply(ProjectQuery(search=chinese)))
    assert found  # (a word of the report)
    assert set(_ids(index.apply(ProjectQuery(search=latin)))) >= set(found)
    in_plans_only = [
        p.id for p in projects if chinese in p.plan + p.progress and chinese not in p.name
    ]
    assert set(in_plans_only) <= set(_ids(index.apply(ProjectQuery(search=latin))))


def test_overdue_counts_match_the_rows_however_they_were_found() -> None:
    parsed = make_projects(300, seed=3)
    projects = [project_from_record(r, parsed.report.year) for r in parsed.records]
    index = ProjectIndex(projects, parsed.report)
    queries = [
        ProjectQuery(),
        ProjectQuery(search="县"),
        ProjectQuery(search="县教"),
        ProjectQuery(),  # (all rows again: kept from the first time)
        ProjectQuery(levels=frozenset({"省级"})),
        ProjectQuery(search="项目", statuses=frozenset({"推进正常"})),
    ]
    for query in queries:
        rows = index.evaluate(query)[0]
        expected = sum(is_overdue(p, parsed.report) for p in rows)
        assert 0 < expected < len(projects)
        assert index.overdue_count(rows) == expected
        assert index.overdue_count(list(rows)) == expected  # (rows of any origin)
    first = next(p for p in projects if is_overdue(p, parsed.report))
    patched = index.replace(replace(first, status="已完成"))
    rows = patched.evaluate(ProjectQuery())[0]
    assert patched.overdue_count(rows) == index.overdue_count(index.evaluate(ProjectQuery())[0]) - 1

"""Tests of store.indicators: the quantities a project promises, plans and reports."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from importers.report import read_report
from store.indicators import (
    Indicator,
    ProjectIndicators,
    read_indicators,
    read_quantities,
    time_elapsed,
)
from store.models import Project, project_from_record

SEED = Path(__file__).resolve().parents[2] / "data" / "lanling-2023-h1.md"
H1 = (1, 6)


@cache
def seed_projects() -> dict[str, Project]:
    """The bundled report's projects by id."""
    parsed = read_report(SEED)
    projects = [project_from_record(r, parsed.report.year) for r in parsed.records]
    return {p.id: p for p in projects}


def read(target: str = "", plan: str = "", progress: str = "", period=H1) -> ProjectIndicators:
    """The indicators of the three texts."""
    return read_indicators(target, plan, progress, period)


def seed_read(project_id: str) -> ProjectIndicators:
    project = seed_projects()[project_id]
    return read(project.target, project.plan, project.progress)


def one(found: ProjectIndicators, name_part: str) -> Indicator:
    """The indicator whose name holds name_part (exactly one)."""
    matching = [i for i in found.indicators if name_part in i.name]
    assert len(matching) == 1, [i.name for i in found.indicators]
    return matching[0]


def numbers_in(text: str) -> list[float]:
    return [float(n) for n in re.findall(r"\d+(?:\.\d+)?", text)]


def assert_sources_hold(found: ProjectIndicators, texts: dict[str, str]) -> None:
    """Every source is the exact text at its offsets, and every number is in its source."""
    for indicator in found.indicators:
        for source in indicator.sources:
            assert texts[source.field][source.start : source.end] == source.text
        if indicator.target is not None:
            assert indicator.target_source is not None
            assert indicator.target in numbers_in(indicator.target_source.text)
        if indicator.actual is not None:
            assert indicator.actual_source is not None
            assert indicator.actual in numbers_in(indicator.actual_source.text)
        if indicator.basis == "plan" and indicator.planned:
            values = [numbers_in(s.text)[0] for s in indicator.planned_sources]
            assert indicator.planned == pytest.approx(
                sum(values) if indicator.reading == "per_period" else values[-1]
            )
        if indicator.basis == "time_elapsed":
            assert indicator.planned_sources == ()
    for quantity in found.unused:
        assert texts[quantity.source.field][quantity.source.start : quantity.source.end] == (
            quantity.source.text
        )


# ---------------------------------------------------------------------------------------------
# Targets


@pytest.mark.parametrize(
    ("text", "value", "unit", "name"),
    [
        ("2023年为48800名适龄妇女提供宫颈癌、乳腺癌免费检查服务", 48800, "名", "适龄妇女"),
        ("新增3岁以下婴幼儿照护服务托位620个,每千人口托位数达到3.5个。", 620, "个", "托位"),
        ("全年放映公益电影7200场次。", 7200, "场次", "放映公益电影"),
        ("包括规划建设137处充电站，其中", 137, "处", "充电站"),
        ("延伸通达工程32公里;改造提升工程83公里", 32, "公里", "延伸通达工程"),
        ("完成农村清洁取暖8000户改造任务", 8000, "户", "农村清洁取暖"),
        ("2023年度计划总投资32000万元", 32000, "万元", "总投资"),
    ],
)
def test_target_forms(text: str, value: float, unit: str, name: str) -> None:
    indicator = read(target=text).indicators[0]
    assert (indicator.target, indicator.unit) == (value, unit)
    assert name in indicator.name
    assert indicator.target_source is not None
    assert indicator.target_source.field == "target"
    assert text[indicator.target_source.start : indicator.target_source.end].startswith(str(value))


def test_one_target_for_each_thing_listed_before_各_省市级11() -> None:
    found = read(target="新建城市书房1处,提档升级村(社区)综合性文化服务中心、文化小广场各145个。")
    assert [(i.name, i.target) for i in found.indicators] == [
        ("新建城市书房", 1),
        ("提档升级村(社区)综合性文化服务中心", 145),
        ("文化小广场", 145),
    ]


def test_a_range_counts_its_lower_bound_省市级16() -> None:
    (indicator,) = read(target="全县基层医疗机构通过二级综合医院评审2-3家。").indicators
    assert indicator.target == 2
    assert indicator.target_source is not None and indicator.target_source.text == "2-3家"


def test_units_with_万_余_and_多() -> None:
    found = read_quantities(
        "progress", "为1.03万名困难残疾人发放补贴987.7823万元;涉及1.1万余人;11000多人次"
    )
    assert [(q.value, q.unit) for q in found] == [
        (1.03, "万名"), (987.7823, "万元"), (1.1, "万人"), (11000, "人次"),
    ]  # fmt: skip


def test_numbers_that_are_not_quantities() -> None:
    text = "2023年4月12日开标，临民〔2023〕3号，A1教学楼，1#公共厕所，整改期限1个月，15分钟服务圈"
    assert read_quantities("progress", text) == []


def test_quantities_in_chinese_numerals_are_not_read_省市级11() -> None:
    assert read_quantities("progress", "城市书房已经建成一处,另外两处城市书房选址确定") == []


# ---------------------------------------------------------------------------------------------
# Plans


def test_cumulative_plan_by_month_省市级7() -> None:
    plan = (
        "5月:检查2440人,完成年度计划的5%; 6月:检查4880人,完成年度计划的10%; "
        "7月:检查12200人,完成年度计划的25%; 12月:检查48800人,完成年度计划的100%。"
    )
    found = read(target="2023年为48800名适龄妇女提供免费检查服务", plan=plan)
    women = one(found, "适龄妇女")
    assert women.reading == "cumulative"
    assert (women.planned, women.basis) == (4880, "plan")
    assert [s.text for s in women.planned_sources] == ["4880人"]
    assert [(q.value, q.source.month) for q in women.plan] == [
        (2440, 5), (4880, 6), (12200, 7), (48800, 12),
    ]  # fmt: skip
    share = one(found, "年度计划")
    assert (share.kind, share.unit, share.planned, share.reading) == (
        "share",
        "%",
        10,
        "cumulative",
    )


def test_per_period_plan_adding_up_to_the_target_省市级13() -> None:
    found = read(
        target="新建村级文体广场130处,更新70处。建成吴坦河体育公园。",
        plan=(
            "2月,吴坦河体育公园本年度开工建设。4月,新建健身广场10处、更新健身广场20处。7月,"
            "新建健身广场60处,更新健身广场20处。11月,新建健身广场60处。12月,更新健身广场30处。"
        ),
        progress="2月吴坦河体育公园开工建设。现已新建健身广场52处、更新健身广场12处。",
    )
    new, renewed = one(found, "新建"), one(found, "更新")
    assert (new.reading, new.planned, new.actual) == ("per_period", 10, 52)
    assert (renewed.reading, renewed.planned, renewed.actual) == ("per_period", 20, 12)
    assert [q.value for q in new.plan] == [10, 60, 60]
    assert [q.value for q in renewed.plan] == [20, 20, 30]


def test_quarters_per_period_省市级12() -> None:
    found = read(
        target="组织开展“戏曲进乡村”文化惠民演出600场",
        plan="①一季度完成130场。 ②二季度完成180场。 ③三季度完成160场。 ④四季度完成130场。"
        "(备注:根据每个月工作安排,完成数量有浮动,年底前全部完成)",
        progress="根据全年工作计划,文化惠民工作稳步推进。1-6月份完成送戏下乡191场。",
    )
    (shows,) = found.indicators
    assert (shows.target, shows.planned, shows.actual) == (600, 310, 191)
    assert shows.reading == "per_period"
    assert [s.text for s in shows.planned_sources] == ["130场", "180场"]
    assert shows.ratio == pytest.approx(191 / 310)


def test_monthly_sites_per_period_县级3() -> None:
    found = seed_read("X03")
    sites = one(found, "乡镇充电站")
    assert (sites.target, sites.planned, sites.actual, sites.reading) == (77, 20, 7, "per_period")
    assert [s.text for s in sites.planned_sources] == ["6处", "7处", "7处"]
    assert sites.actual_source is not None and sites.actual_source.text == "7座"
    small = one(found, "小区小型充电站")
    assert (small.target, small.planned, small.actual) == (60, 0, None)
    assert small.note == "计划的第一个数量要到6月以后才到期"


def test_point_in_time_in_the_plan_clause_省市级1() -> None:
    found = seed_read("S01")
    posts = one(found, "公益性岗位")
    assert [(q.value, q.source.month) for q in posts.plan] == [(1000, 4), (3600, 6), (9370, 10)]
    assert (posts.planned, posts.actual, posts.reading) == (3600, 4947, "cumulative")


def test_plans_dated_in_chinese_numerals() -> None:
    found = read(
        target="全年放映公益电影7200场次。",
        plan="三月，放映200场次；六月，放映2500场次；八月底前放映2500场次；十二月，放映2000场次。",
        progress="截至六月底,完成放映公益电影2097场次。",
    )
    (films,) = found.indicators
    assert [(q.value, q.source.month) for q in films.plan] == [
        (200, 3), (2500, 6), (2500, 8), (2000, 12),
    ]  # fmt: skip
    assert (films.planned, films.actual, films.reading) == (2700, 2097, "per_period")


def test_running_totals_in_a_series_省市级17() -> None:
    found = seed_read("S17")
    (tech,) = found.indicators
    assert [q.value for q in tech.plan] == [1, 1, 2, 3, 4]
    assert (tech.target, tech.planned, tech.actual) == (4, 2, 2)


def test_shares_of_the_year_形象进度_省市级35() -> None:
    found = read(
        plan="①4-5月,完成方案批复、工程招标。②6月,完成项目形象进度的35%。③7月,完成项目形象进度的51%。",
        progress="1-6月,兰陵县2023年农村饮水安全工程维修养护项目完成形象进度的35%。",
    )
    (share,) = found.indicators
    assert (share.kind, share.planned, share.actual, share.ratio) == ("share", 35, 35, 1.0)


def test_nothing_due_by_the_period_is_planned_0_not_missing_县级2() -> None:
    found = seed_read("X02")
    heating = one(found, "农村清洁取暖")
    assert (heating.target, heating.planned, heating.basis) == (8000, 0, "plan_share")
    assert heating.ratio is None


def test_time_elapsed_where_the_plan_dates_no_amount_省市级8() -> None:
    found = seed_read("S08")
    (aid,) = found.indicators
    assert (aid.target, aid.planned, aid.basis, aid.actual) == (50, 25, "time_elapsed", 6)
    assert time_elapsed(6) == 0.5


def test_levels_are_not_scaled_by_time_省市级20() -> None:
    found = seed_read("S20")
    assert {(i.kind, i.target, i.planned) for i in found.indicators} == {
        ("level", 500, None),
        ("level", 25, None),
    }


def test_no_period_no_planned_amount() -> None:
    found = read(
        target="全年放映公益电影7200场次。", progress="完成放映公益电影2097场次。", period=None
    )
    (films,) = found.indicators
    assert (films.planned, films.actual, films.ratio) == (None, 2097, None)


# ---------------------------------------------------------------------------------------------
# Actuals


def test_latest_dated_reading_is_the_actual_省市级7() -> None:
    found = seed_read("S07")
    women = one(found, "适龄妇女")
    assert women.actual == 4970
    assert women.actual_source is not None
    assert women.actual_source.text == "4970人"
    assert "截至6月底" in seed_projects()["S07"].progress[: women.actual_source.start]
    assert sorted(q.value for q in found.unused if q.unit == "人") == [2230, 3960]


def test_actual_by_span_of_months_省市级36() -> None:
    (films,) = seed_read("S36").indicators
    assert (films.target, films.planned, films.actual) == (7200, 2700, 2097)
    assert films.actual_source is not None and films.actual_source.month == 6


def test_indicators_told_apart_by_words_省市级15() -> None:
    found = seed_read("S15")
    assert [(i.name, i.planned, i.actual) for i in found.indicators] == [
        ("城镇新增就业", 3600, 5375),
        ("失业人员再就业", 1000, 1030),
        ("就业困难人员就业", 190, 31),
    ]
    hard = found.indicators[2]
    assert hard.actual_source is not None
    assert hard.actual_source.clause.endswith("困难人员就业31人")


def test_share_actual_完成任务的_省市级1() -> None:
    found = seed_read("S01")
    share = [i for i in found.indicators if i.kind == "share"]
    assert len(share) == 1
    # 52.80% is 4947 of 9370: due as the 3600 of 9370 that the plan wants by June
    assert (share[0].actual, share[0].basis) == (52.8, "plan_share")
    assert share[0].planned == pytest.approx(3600 / 9370 * 100)
    assert share[0].actual_source is not None and share[0].actual_source.text == "52.80%"


def test_share_of_the_year_without_a_plan_is_due_by_time_elapsed_省市级37() -> None:
    found = seed_read("S37")
    share = one(found, "年度计划")
    assert (share.actual, share.planned, share.basis) == (40, 50, "time_elapsed")


def test_parts_of_a_planned_target_are_due_as_it_is_省市级1() -> None:
    found = seed_read("S01")
    rural, urban = one(found, "乡村岗"), one(found, "城镇岗")
    assert (rural.target, rural.actual, urban.target, urban.actual) == (9000, 4732, 370, 215)
    assert rural.basis == urban.basis == "plan_share"
    assert rural.planned == pytest.approx(9000 * 3600 / 9370)
    assert [s.text for s in rural.planned_sources] == ["3600人", "9370人"]


def test_a_missing_actual_is_missing_not_0_省市级6() -> None:
    found = seed_read("S06")
    places = one(found, "托位")
    assert places.target == 620
    assert [(q.value, q.source.month) for q in places.plan] == [(200, 7), (500, 11), (620, 12)]
    assert places.actual is None and places.ratio is None
    # "7家幼儿园拟设置托班" is an intention, not 7 done
    assert [(q.source.text, q.excluded) for q in found.unused] == [
        ("3.5个", "parameter"),
        ("7家", "intention"),
    ]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("按照60%救助比例及时救助", "parameter"),
        ("超过全市上年居民人均可支配收入25%以上的部分", "parameter"),
        ("报销比例统一由60%提高到70%", "parameter"),
        ("抽取20%残疾儿童满意度电话调查", "parameter"),
        ("每月更新医保报销个人负担20000元", "parameter"),
        ("摸底统计7家幼儿园拟设置托班", "intention"),
        ("已争取2023年高标准农田建设项目16万亩", "intention"),
        ("完成了去年开发的第二批公益性岗位3440人的培训工作", "last year"),
        ("全县共有20个乡镇卫生院", "reference"),
        ("吴坦河大桥完成桩基施工104颗(总127颗)", "reference"),
        ("在187个小区中", "reference"),
    ],
)
def test_what_is_never_an_actual(text: str, reason: str) -> None:
    quantities = read_quantities("progress", text)
    assert quantities[-1].excluded == reason
    found = read(target="完成任务100人，计划100%", progress=text)
    excluded = quantities[-1].source
    assert excluded in [q.source for q in found.unused]
    assert all(i.actual_source != excluded for i in found.indicators)


def test_working_days_are_no_quantity_省市级4() -> None:
    text = "收到民政部门因病致贫患者确认名单后,十五个工作日内,15个工作日内,五个工作日内提供"
    assert read_quantities("progress", text) == []


def test_parameters_only_give_no_indicator_省市级19() -> None:
    found = seed_read("S19")
    assert found.indicators == ()
    assert {q.excluded for q in found.unused} == {"parameter"}


def test_actual_of_a_unit_no_target_has_stays_unused_省市级2() -> None:
    found = seed_read("S02")
    assert found.indicators == ()
    assert {q.source.text for q in found.unused} >= {"694户", "10013.9万元", "318人次"}


def test_the_only_target_and_the_only_reading_of_a_unit_match() -> None:
    found = read(target="组织开展演出600场", progress="1-6月份完成送戏下乡191场。")
    assert found.indicators[0].actual == 191


def test_a_reading_sharing_no_words_with_one_of_several_targets_stays_unused() -> None:
    found = read(target="新建广场130处,更新70处。", progress="完成公厕5处。")
    assert all(i.actual is None for i in found.indicators)
    assert [q.source.text for q in found.unused] == ["5处"]


# ---------------------------------------------------------------------------------------------
# The bundled report


def test_the_bundled_report_sources_hold() -> None:
    for project in seed_projects().values():
        texts = {"target": project.target, "plan": project.plan, "progress": project.progress}
        assert_sources_hold(seed_read(project.id), texts)


def test_the_three_projects_of_the_issue() -> None:
    hard = one(seed_read("S15"), "就业困难人员")
    sites = one(seed_read("X03"), "乡镇充电站")
    (shows,) = seed_read("S12").indicators
    assert [(i.planned, i.actual) for i in (hard, sites, shows)] == [(190, 31), (20, 7), (310, 191)]


def test_indicators_to_dict() -> None:
    hard = one(seed_read("S15"), "就业困难人员")
    data = hard.to_dict()
    assert data["target"] == 380 and data["planned"] == 190 and data["actual"] == 31
    assert data["actual_source"]["text"] == "31人"
    assert data["planned_sources"][0]["text"] == "190人"
    assert data["origin"] == "text"


def test_indicators_from_dict_round_trip() -> None:
    for indicator in seed_read("S15").indicators + seed_read("X03").indicators:
        back = Indicator.from_dict(indicator.to_dict())
        assert back.to_dict() == indicator.to_dict()
        assert back.plan == ()  # the series stays with the text it was read from


def test_a_correction_works_the_ratio_out_again() -> None:
    hard = one(seed_read("S15"), "就业困难人员")
    corrected = hard.with_values(actual=171)
    assert (corrected.actual, corrected.ratio, corrected.origin) == (171, 0.9, "edited")
    assert hard.actual == 31  # the reading is left as it was


# ---------------------------------------------------------------------------------------------
# Any text

_WORDS = [
    "完成", "城镇新增就业", "检查", "新建健身广场", "更新", "放映公益电影", "困难人员就业",
    "形象进度的", "年度计划的", "按照", "拟", "去年", "共有", "各", "、", "其中", "累计",
]  # fmt: skip
_MONTHS = ["1月", "3月:", "4-6月,", "6月底", "一季度", "二季度", "截至6月底,", "十二月", "上半年"]
_NUMBERS = st.builds(
    lambda n, frac, unit: f"{n}{frac}{unit}",
    st.integers(0, 99999),
    st.sampled_from(["", ".5", ".25"]),
    st.sampled_from(
        ["人", "名", "人次", "场", "场次", "处", "个", "户", "公里", "万元", "%", "万余人"]
    ),
)
_PIECES = st.one_of(
    _NUMBERS,
    st.sampled_from(_WORDS),
    st.sampled_from(_MONTHS),
    st.sampled_from(list("，,。；;、①② \n")),
)
_TEXT = st.lists(_PIECES, max_size=25).map("".join)


@settings(max_examples=200, deadline=None)
@given(_TEXT, _TEXT, _TEXT, st.sampled_from([H1, (1, 3), (1, 12), None]))
def test_no_number_is_absent_from_its_source(
    target: str, plan: str, progress: str, period: tuple[int, int] | None
) -> None:
    found = read(target, plan, progress, period)
    assert_sources_hold(found, {"target": target, "plan": plan, "progress": progress})
    for indicator in found.indicators:
        if indicator.ratio is not None:
            assert indicator.actual is not None and indicator.planned
            assert indicator.ratio == pytest.approx(indicator.actual / indicator.planned)
        if indicator.actual is None:
            assert indicator.actual_source is None  # missing, never 0

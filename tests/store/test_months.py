"""Tests of store.months: splitting plan and progress texts into dated items."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store import indicators as indicators_module
from store import months as months_module
from store.months import (
    ALL_MONTHS,
    MonthItem,
    plan_items,
    progress_items,
    read_dates,
    split_months,
)

SEED = Path(__file__).resolve().parents[2] / "data" / "lanling-2023-h1.md"
_CJK = r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]"


def clean(cell: str) -> str:
    """Clean a raw report cell as the importer does: <p> items become lines, tags go."""
    cell = re.sub(r"\s*</p>\s*<p[^>]*>\s*", "\n", cell)
    cell = re.sub(r"<[^>]+>", "", cell)
    cell = re.sub(rf"(?<={_CJK}) +(?=\d)|(?<=\d) +(?={_CJK})", "", cell)
    return cell.strip()


@cache
def seed_projects() -> tuple[tuple[str, int, str, str], ...]:
    """(table, number, plan, progress) of every project in the bundled report."""
    rows: list[list[str]] = []
    table = ""
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            table = "县级" if "（县级）" in line else "省市级"
        cells = line.split("\t")
        if len(cells) != 10 or cells[0] in ("编号", "序号"):
            continue
        if not cells[0].strip():  # a row cut by a page break continues the previous one
            rows[-1][2] += clean(cells[4])
            rows[-1][3] += clean(cells[5])
            continue
        rows.append([table, cells[0].strip(), clean(cells[4]), clean(cells[5])])
    return tuple((t, int(n), plan, progress) for t, n, plan, progress in rows)


def seed(table: str, number: int) -> tuple[str, str]:
    """The plan and progress of one seed project."""
    for t, n, plan, progress in seed_projects():
        if (t, n) == (table, number):
            return plan, progress
    raise KeyError((table, number))


def squash(text: str) -> str:
    """Text with all whitespace removed."""
    return re.sub(r"\s", "", text)


def assert_no_loss(text: str, items: list[MonthItem]) -> None:
    """The items' texts, in order, make up the text (ignoring whitespace)."""
    assert squash("".join(item.text for item in items)) == squash(text)


def months(text: str) -> list[tuple[int, ...]]:
    """The months of each item of text."""
    items = split_months(text)
    assert_no_loss(text, items)
    return [item.months for item in items]


def texts(text: str) -> list[str]:
    """The text of each item of text."""
    return [item.text for item in split_months(text)]


# ---------------------------------------------------------------------------------------------
# Month forms


def test_month_colon_县级1() -> None:
    raw = (
        "1 月：工程进行常规球类区运动场地及健身步道的清表、压实、场地平整。 2 月：工程进行常规"
        "球类区运动场地基层级配砂石、水泥稳定沙施工；健身步道清表、压实、场地平整。"
    )
    text = clean(raw)
    assert text.startswith("1月：")
    assert months(text) == [(1,), (2,)]
    assert texts(text) == [
        "1月：工程进行常规球类区运动场地及健身步道的清表、压实、场地平整。",
        "2月：工程进行常规球类区运动场地基层级配砂石、水泥稳定沙施工；健身步道清表、压实、场地平整。",
    ]


def test_month_colon_with_space_kept_before_it() -> None:
    # The real importer may keep the space after "。": "…平整。 2月：…"
    text = "1月：工程进行场地平整。 2月：健身步道清表、压实、场地平整。"
    assert months(text) == [(1,), (2,)]


def test_month_comma_县级10() -> None:
    text = "1月，完成工程工程设计、预算。2月，完成工程预算限价评审，招标公告发布等招标准备工作。"
    assert months(text) == [(1,), (2,)]
    assert texts(text)[1] == "2月，完成工程预算限价评审，招标公告发布等招标准备工作。"


def test_month_fen_colon_省市级2() -> None:
    text = clean(
        "1 月份：收到市民政局、市财政局《关于调整困难群众救助保障标准的通知》（临民〔2023〕3号），"
        "拟定 2 月份资金申请计划。2 月份：根据提标文件，落实新的补贴标准，并补齐 1 月份提标差额，"
        "及时发放到位。 3-12 月份：按月及时足额将相关补助资金发放到位。"
    )
    assert months(text) == [(1,), (2,), tuple(range(3, 13))]
    # "拟定2月份…" and "补齐1月份…" stay inside their sentences.
    assert texts(text)[0].endswith("拟定2月份资金申请计划。")
    assert texts(text)[1].endswith("并补齐1月份提标差额，及时发放到位。")


def test_month_fen_sentences_县级5() -> None:
    _, progress = seed("县级", 5)
    assert progress.startswith("1月份完成施工图纸审核。2月份完成")
    assert months(progress) == [(1,), (2,), (3,), (4,), (5,), (6,)]
    assert texts(progress)[:2] == ["1月份完成施工图纸审核。", "2月份完成工程造价预算评审。"]


def test_month_range_县级2() -> None:
    text = "②3-5月，指导镇街入户调查摸底，了解群众清洁取暖意愿，拟定技术路线。"
    assert months(text) == [(3, 4, 5)]


def test_month_range_fen_省市级10() -> None:
    text = (
        "1-3月份完成10公里路面施工,桥梁桥基施工,路基施工,剩余道路图纸设计。"
        "4-6月份完成55公里路面施工,桥梁桥基施工。项目招标,进场施工。"
    )
    assert months(text) == [(1, 2, 3), (4, 5, 6)]
    assert texts(text)[1] == "4-6月份完成55公里路面施工,桥梁桥基施工。项目招标,进场施工。"


def test_month_to_month_县级8() -> None:
    text = "④5月-6月，继续推进兰之陵市民公园1万平方米建设内容，同步进行地被小苗栽植工作。"
    assert months(text) == [(5, 6)]


def test_month_to_month_省市级15() -> None:
    text = "②4月-6月,完成城镇新增就业3600人,失业人员再就业1000人,就业困难人员就业190人。"
    assert months(text) == [(4, 5, 6)]


def test_month_fen_to_month_fen_省市级26() -> None:
    text = "2月份-12月份,做好日常儿童信息管理和维护工作,及时向市局报送名单。"
    assert months(text) == [tuple(range(2, 13))]


def test_whole_year_range_省市级2() -> None:
    text = clean("1-12 月，健全低收入人口动态监测和常态化救助帮扶机制，加强日常监测；")
    assert months(text) == [ALL_MONTHS]


def test_year_end_range_县级2() -> None:
    text = "⑧11-12月，指导乡镇、街道开展安全宣传工作，确保清洁取暖设备运行安全。"
    assert months(text) == [(11, 12)]


@pytest.mark.parametrize("dash", ["～", "~", "—", "至", "到", "－"])
def test_range_dashes(dash: str) -> None:
    text = f"②3{dash}5月，指导镇街入户调查摸底。③6月，结合市级方案。"
    assert months(text) == [(3, 4, 5), (6,)]


def test_range_over_year_end_wraps() -> None:
    assert months("11-2月，指导乡镇、街道开展安全宣传工作。") == [(1, 2, 11, 12)]


def test_quarters_省市级12() -> None:
    plan, _ = seed("省市级", 12)
    assert plan.startswith("①一季度完成130场。 ②二季度完成180场。")
    assert months(plan) == [(1, 2, 3), (4, 5, 6), (7, 8, 9), (10, 11, 12), ()]


def test_quarter_plan_省市级36() -> None:
    plan, _ = seed("省市级", 36)
    assert plan.startswith("一季度放映农村公益电影200场次; 二季度放映2500场次;")
    assert months(plan) == [(1, 2, 3), (4, 5, 6), (7, 8, 9), (10, 11, 12)]


def test_numbered_quarter() -> None:
    text = "第一季度完成村(社区)综合性文化服务中心升级30处。第二季度完成升级40处。"
    assert months(text) == [(1, 2, 3), (4, 5, 6)]


def test_half_years_and_whole_year() -> None:
    text = "上半年完成送戏下乡310场。下半年完成290场。全年完成600场。"
    assert months(text) == [tuple(range(1, 7)), tuple(range(7, 13)), ALL_MONTHS]


def test_year_end_deadline_is_december_省市级11() -> None:
    """年底前 is a deadline: December, like 6月底前 is June."""
    assert months("年底前全部完成") == [(12,)]
    assert months("完成数量有浮动,年底前全部完成") == [(), (12,)]


def test_note_is_its_own_undated_item_省市级11() -> None:
    plan, _ = seed("省市级", 11)
    items = split_months(plan)
    assert items[-1] == MonthItem((), "(备注:根据每个月工作安排,完成数量有浮动,年底前全部完成)")
    assert items[-2].months == (10, 11, 12)
    assert plan_items(plan)[-1].months == ALL_MONTHS


# ---------------------------------------------------------------------------------------------
# Months in Chinese numerals


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三月：开展调查。四月：完成验收。", [(3,), (4,)]),
        ("十二月，全部完成。", [(12,)]),
        ("十月，竣工验收。十一月，结算。", [(10,), (11,)]),
        ("八月底前完成主体工程。", [(8,)]),
        ("三至五月，入户调查。", [(3, 4, 5)]),
        ("十一月-十二月，验收。", [(11, 12)]),
        ("九月份：招生。", [(9,)]),
        ("截至六月底，已检查4970人。", [(6,)]),
        ("2023年十月，竣工。", [(10,)]),
        ("今年三月完成。", [(3,)]),
        ("①一月，受理申请。②二月，审批。", [(1,), (2,)]),
    ],
)
def test_chinese_numeral_months(text: str, expected: list[tuple[int, ...]]) -> None:
    assert months(text) == expected


@pytest.mark.parametrize(
    "text",
    ["统一月报制度。", "二十三月份", "第三月", "一个月内完成", "两个月后复审", "唯一月票"],
)
def test_chinese_numerals_that_are_not_months(text: str) -> None:
    assert months(text) == [()]


def test_chinese_numeral_month_inside_a_clause_stays_in_it() -> None:
    # As "拟定2月份资金申请计划": a mention, not the start of an item.
    assert months("完成三月份任务。") == [()]
    _, mentions = read_dates("完成三月份任务。")
    assert [(m.start, m.end, m.months) for m in mentions] == [(2, 5, (3,))]


def test_chinese_numeral_month_lists() -> None:
    assert months("入户评估于三、四月完成。") == [()]
    assert read_dates("入户评估于三、四月完成。")[1][0].months == (3, 4)
    assert months("于三、四月完成入户评估。") == [(3, 4)]  # as "于3月…" at a clause start
    assert months("三、四月份开展调查。") == [(3, 4)]  # a lone 三、 as a lone 1、
    assert months("一、三月份开展调查。二、四月份完成验收。") == [(3,), (4,)]  # a numbering


def test_quarters_unchanged_by_chinese_numeral_months() -> None:
    assert months("一季度完成130场。二季度完成180场。") == [(1, 2, 3), (4, 5, 6)]
    assert months("一至三季度完成。") == [tuple(range(1, 10))]


# ---------------------------------------------------------------------------------------------
# Offsets and mentions


def test_read_dates_places_items_and_mentions_省市级7() -> None:
    _, progress = seed("省市级", 7)
    placed, mentions = read_dates(progress)
    assert [(p.months, p.text) for p in placed] == [
        (i.months, i.text) for i in split_months(progress)
    ]
    assert all(progress[p.start : p.end] == p.text for p in placed)
    # ④'s "截至6月底" dates nothing as an item, but it is a mention.
    june = [m for m in mentions if progress[m.start : m.end] == "6月底"]
    assert len(june) == 1 and june[0].months == (6,)
    assert placed[3].start < june[0].start < placed[3].end


# ---------------------------------------------------------------------------------------------
# Dates inside progress texts


def test_dated_events_县级4() -> None:
    _, progress = seed("县级", 4)
    items = split_months(progress)
    assert_no_loss(progress, items)
    assert [item.months for item in items] == [
        (), (2,), (3,), (4,), (4,), (4,), (5,), (5,), (6,), (6,), (6,),
    ]  # fmt: skip
    assert items[0].text == "已争取2023年高标准农田建设项目16万亩，确定各乡镇具体实施区域，"
    assert items[2].text == "3月份2023年度兰陵县高标准农田建设项目勘察设计招标公告挂网，"
    assert items[4].text == "4月12日，完成兰陵县2023年16万亩高标准农田勘察设计招标工作；"
    assert items[5].text == "4月底，完成实施方案设计；"
    assert items[7].text == "5月30日，完成市级专家评审工作。"


def test_month_end_after_until_省市级15() -> None:
    text = "截至6月底,已完成城镇新增就业5375人,失业转就业1030人,困难人员就业31人。"
    assert split_months(text) == [MonthItem((6,), text)]


def test_until_late_month_省市级7() -> None:
    _, progress = seed("省市级", 7)
    items = split_months(progress)
    assert [item.text[:8] for item in items] == [
        "①筹备两癌检查所",
        "②截至4月下旬,",
        "③截至5月下旬,",
        "④召开乡镇卫生院",
    ]
    # ④ says "…会议,截至6月底,已检查4970人": 截至 in mid-sentence does not start an item ...
    assert [item.months for item in items] == [(), (4,), (5,), ()]
    # ... but as progress the item reports on June; ① says no month: the report period
    dated = progress_items(progress, (1, 6))
    assert [item.months for item in dated] == [tuple(range(1, 7)), (4,), (5,), (6,)]
    assert [item.text for item in dated] == [item.text for item in items]


def test_a_progress_sentence_is_of_the_month_it_reports_on() -> None:
    period = (1, 6)
    whole = tuple(range(1, 7))
    for text, months in (
        ("④召开启动会议,截至6月底,已检查4970人。", (6,)),
        ("完成设计,截止到5月下旬累计完成3处。", (5,)),
        ("截至4月底完成2处,截至6月底完成5处。", (4,)),  # (its own leading month dates it)
        ("召开会议,截至4月底完成2处,截至6月底完成5处。", (6,)),  # the latest as-of
        ("城区规划的充电桩已完成7座基础（截至5月底）。", whole),  # in brackets: an aside
        ("已完成招标，预计8月份完工。", whole),  # when it will be, not as of when
        ("已完成招标，到8月底完工。", whole),
        ("截至目前，已完成60%。", whole),  # no month
    ):
        assert progress_items(text, period) == [MonthItem(months, text)], text
    # plans are not dated so: "截至6月底" in a plan item says when it is due
    assert plan_items("完成设计,截至6月底完成5处。")[0].months == tuple(range(1, 13))


def test_day_range_省市级14() -> None:
    text = clean("7. 6 月 2 日-4 日，举办兰陵县职业教育宣传暨招生双向选择见面会。")
    assert text == "7. 6月2日-4日，举办兰陵县职业教育宣传暨招生双向选择见面会。"
    assert months(text) == [(6,)]


def test_date_then_date_in_one_sentence_省市级14() -> None:
    text = "6. 2023年度教师招聘工作已于5月27日上午进行笔试，6月13日对特岗教师进行技能考核。"
    assert split_months(text) == [
        MonthItem((), "6. 2023年度教师招聘工作已于5月27日上午进行笔试，"),
        MonthItem((6,), "6月13日对特岗教师进行技能考核。"),
    ]


# ---------------------------------------------------------------------------------------------
# List numbering


def test_circled_numbers_are_not_months_县级4() -> None:
    plan, _ = seed("县级", 4)
    items = split_months(plan)
    assert [item.months for item in items] == [(m,) for m in range(1, 13)]
    assert items[0].text == "①1月，积极对接市局，争取2023年度高标准农田建设任务。"
    assert items[11].text == "⑫12月，完成主体工程建设。"


def test_circled_numbers_skipping_one_县级8() -> None:
    plan, _ = seed("县级", 8)
    assert months(plan) == [(1, 2), (3, 4), (5, 6), (7, 8), (9, 10), (11,), (12,)]


def test_dun_numbers_on_lines_县级8() -> None:
    _, progress = seed("县级", 8)
    items = split_months(progress)
    assert [item.text[:2] for item in items] == ["1、", "2、"]
    assert [item.months for item in items] == [(), ()]


def test_dot_numbers_in_one_line_省市级4() -> None:
    _, progress = seed("省市级", 4)
    items = split_months(progress)
    assert [item.text[:2] for item in items] == ["1.", "2.", "3."]
    assert all(item.months == () for item in items)


def test_dot_number_then_month_省市级14() -> None:
    text = "1.5月23日,山东省人社厅专家组进行实地评估。2.学校改扩建二期工程许可证正在办理。"
    assert months(text) == [(5,), ()]


def test_decimals_are_not_numbering_县级1() -> None:
    text = "总完成混凝土浇筑4.5千米，路沿石铺设1.4千米。"
    assert months(text) == [()]


def test_parenthesised_numbers() -> None:
    text = "（1）1-2月份，开展燕子河流域涉水工业企业专项检查。（2）3-6月份，开展畜禽养殖专项治理。"
    assert months(text) == [(1, 2), (3, 4, 5, 6)]
    assert texts(text)[1] == "（2）3-6月份，开展畜禽养殖专项治理。"


def test_number_then_range_省市级33() -> None:
    plan, _ = seed("省市级", 33)
    assert plan.startswith("1、1-2月份，开展燕子河流域涉水工业企业专项检查。")
    assert months(plan) == [
        (1, 2), (3, 4, 5, 6), (7, 8, 9), (10, 11, 12), ALL_MONTHS, ALL_MONTHS, ALL_MONTHS,
    ]  # fmt: skip
    assert texts(plan)[-1] == "1-12月份，开展市政污水管网排查与整治。"


def test_numbering_before_months_县级6() -> None:
    """In "1、2月份…2、3月份…" 1、 2、 … number the list: item 1 is February, item 5 June.

    Reading "1、2月份" as "January and February" would make the items overlap (Jan-Feb,
    Feb-Mar, …) and leave the list unnumbered; the five areas are taken over one a month.
    """
    plan, _ = seed("县级", 6)
    assert plan.startswith("1、2月份完成滨河东片区24个无人管理小区接管任务2、3月份完成")
    items = split_months(plan)
    assert_no_loss(plan, items)
    assert [item.months for item in items] == [(2,), (3,), (4,), (5,), (6,)]
    assert items[0].text == "1、2月份完成滨河东片区24个无人管理小区接管任务"
    assert items[4].text == "5、6月份完成老区东片区38个无人管理小区接管任务"


def test_lone_month_list_is_two_months() -> None:
    """Without a numbered list around it, "1、2月份" names January and February."""
    assert months("1、2月份完成滨河东片区24个无人管理小区接管任务") == [(1, 2)]


def test_undated_numbered_items_take_their_number_省市级8() -> None:
    plan, _ = seed("省市级", 8)
    items = split_months(plan)
    assert [item.months for item in items] == [(m,) for m in range(1, 13)]
    assert items[2].text == "③通知各个乡镇整理国家级“两癌”救助证明材料"


def test_undated_numbered_item_in_dated_list_省市级9() -> None:
    plan, _ = seed("省市级", 9)
    items = split_months(plan)
    assert items[3] == MonthItem((4,), "④探索开展外出异地就医自动备案")
    assert [item.months for item in items] == [(m,) for m in range(1, 13)]


def test_numbers_not_months_do_not_date_other_items_省市级16() -> None:
    _, progress = seed("省市级", 16)
    items = split_months(progress)
    undated = [item.text[:6] for item in items if not item.months]
    assert undated == ["④大仲村镇中", "⑥大仲村镇中"]


# ---------------------------------------------------------------------------------------------
# Where items start


def test_month_inside_sentence_stays_省市级22() -> None:
    text = "③8月,预计8月份省里出台相关文件后,根据全市会议部署工作。④9月-12月,落实好相关政策。"
    assert months(text) == [(8,), (9, 10, 11, 12)]


def test_month_after_until_stays_省市级1() -> None:
    text = clean("③5-6 月，第二批安排 7 个乡镇，到 6 月底完成上岗 3600 人。")
    assert months(text) == [(5, 6)]


def test_expected_month_stays_省市级14() -> None:
    text = "目前，正在申请配套费，预计7月初资金可拨付到位。"
    assert months(text) == [()]


def test_month_after_comma_starts_item_省市级1() -> None:
    _, progress = seed("省市级", 1)
    items = split_months(progress)
    assert [item.months for item in items] == [(2, 3), (4,), (5,), (6,)]
    assert items[3].text == "6月底上岗4947人（其中城镇岗215人，乡村岗4732人），完成任务的52.80%。"


def test_month_comma_action_县级2() -> None:
    _, progress = seed("县级", 2)
    assert split_months(progress) == [MonthItem((6,), progress)]
    assert progress.startswith("6月，结合市级方案")


def test_glued_headings_县级5() -> None:
    plan, _ = seed("县级", 5)
    assert plan.startswith("1月：开展施工图纸审核2月：开展工程造价预算评审3月：文物考古")
    assert months(plan) == [(m,) for m in range(1, 13)]
    assert texts(plan)[:3] == [
        "1月：开展施工图纸审核",
        "2月：开展工程造价预算评审",
        "3月：文物考古",
    ]


def test_glued_ranges_with_comma_省市级6() -> None:
    plan, _ = seed("省市级", 6)
    assert "统计4-5月,对" in plan
    assert months(plan) == [(3,), (4, 5), (6, 7), (8, 9), (10, 11), (12,)]
    assert texts(plan)[0] == "3月,组织全县托育机构填报国家托育信息统计"


def test_space_separates_items_省市级38() -> None:
    text = "6月,抽检覆盖率40%,不合格产品处置率100% 7月,抽检覆盖率50%,不合格产品处置率100%"
    assert months(text) == [(6,), (7,)]


def test_months_in_brackets_do_not_start_items() -> None:
    text = "完成提档升级综合性文化服务中心70处（其中5月,完成30处）。"
    assert months(text) == [()]


def test_text_before_first_month_is_its_own_item_省市级12() -> None:
    _, progress = seed("省市级", 12)
    assert split_months(progress) == [
        MonthItem((), "根据全年工作计划,文化惠民工作稳步推进。"),
        MonthItem(tuple(range(1, 7)), "1-6月份完成送戏下乡191场。"),
    ]


def test_numbers_are_never_months() -> None:
    text = (
        "已争取2023年高标准农田建设项目16万亩，完成年度计划30%左右，"
        "规划建设120处，整改期限1个月后复审。"
    )
    assert months(text) == [()]


def test_months_out_of_range_are_ignored() -> None:
    assert months("13月，完成。0月份完成。") == [()]
    assert months("13-14月，完成。") == [()]


def test_empty_and_blank_texts() -> None:
    assert split_months("") == []
    assert split_months(" \n ") == []


# ---------------------------------------------------------------------------------------------
# Whole plans and progress


def test_plan_县级1_months_1_to_8() -> None:
    plan, _ = seed("县级", 1)
    assert months(plan) == [(m,) for m in range(1, 9)]
    assert texts(plan)[-1] == "8月：完成工程收尾工作，工程竣工。"


def test_quarter_plan_省市级11() -> None:
    plan, _ = seed("省市级", 11)
    items = plan_items(plan)
    assert [item.months for item in items[:4]] == [
        (1, 2, 3), (4, 5, 6), (7, 8, 9), (10, 11, 12),
    ]  # fmt: skip
    assert items[1].text == "②二季度完成村(社区)综合性文化服务中心升级40处,文化小广场40处。"


def test_plan_items_undated_cover_the_year_省市级20() -> None:
    plan, _ = seed("省市级", 20)
    assert plan_items(plan) == [MonthItem(ALL_MONTHS, "按照市局安排时间节点及政策开展集采工作")]


def test_progress_items_undated_cover_the_period_县级7() -> None:
    _, progress = seed("县级", 7)
    assert [item.months for item in progress_items(progress, (1, 6))] == [(1, 2, 3, 4, 5, 6)]
    assert [item.months for item in progress_items(progress, None)] == [()]


def test_progress_items_keep_dated_items_县级9() -> None:
    _, progress = seed("县级", 9)
    assert [item.months for item in progress_items(progress, (1, 6))] == [
        (1,), (2,), (3,), (4,), (5,), (6,),
    ]  # fmt: skip


def test_seed_has_49_projects() -> None:
    projects = seed_projects()
    assert len(projects) == 49
    assert sum(1 for p in projects if p[0] == "县级") == 10


@pytest.mark.parametrize("column", ["plan", "progress"])
@pytest.mark.parametrize(
    ("table", "number"),
    [
        pytest.param(t, n, id=f"{'county' if t == '县级' else 'city'}-{n}")
        for t, n, _, _ in seed_projects()
    ],
)
def test_every_seed_cell_splits_without_loss(table: str, number: int, column: str) -> None:
    plan, progress = seed(table, number)
    text = plan if column == "plan" else progress
    items = split_months(text)
    assert_no_loss(text, items)
    for item in items:
        assert item.text and item.text == item.text.strip()
        assert all(1 <= m <= 12 for m in item.months)
        assert list(item.months) == sorted(set(item.months))


def test_every_seed_cell_from_the_importer() -> None:
    """The cells as the report importer cleans them split without loss too."""
    try:
        from importers.report import read_report

        parsed = read_report(SEED)
    except Exception as exc:  # the importer is optional here; its own tests cover it
        pytest.skip(f"importers.report not usable: {exc}")
    assert len(parsed.records) == 49
    for record in parsed.records:
        for column in ("plan", "progress"):
            text = record.fields.get(column, "")
            items = split_months(text)
            assert_no_loss(text, items)
            assert all(1 <= m <= 12 for item in items for m in item.months)
        if record.table.startswith("县") and record.number == 6:
            assert [i.months for i in split_months(record.fields["plan"])] == [
                (2,), (3,), (4,), (5,), (6,),
            ]  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Any text

_PIECES = st.sampled_from(
    list("0123456789１月份日号年底前初旬季度一二三四五六七八九十上下半全至到")
    + list("-~～—、.．，,：:；;。（）() \n")
    + ["①", "⑫", "⑳", "⑴", "⒈", "备注", "截至", "预计", "12月", "1、", "3-5月", "第一季度"]
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_PIECES, max_size=30).map("".join)))
def test_any_text_splits_without_loss(text: str) -> None:
    items = split_months(text)
    assert_no_loss(text, items)
    for item in items:
        assert item.text and item.text == item.text.strip()
        assert all(1 <= m <= 12 for m in item.months)
        assert list(item.months) == sorted(set(item.months))
    assert [i.text for i in plan_items(text)] == [i.text for i in items]
    assert all(i.months for i in plan_items(text))
    placed, mentions = read_dates(text)
    assert [(p.months, p.text) for p in placed] == [(i.months, i.text) for i in items]
    assert all(text[p.start : p.end] == p.text for p in placed)
    assert all(m.months and 0 <= m.start < m.end <= len(text) for m in mentions)


# ---------------------------------------------------------------------------------------------
# The fast paths read as the plain ones


def _plain_inside_brackets(text: str) -> list[bool]:
    """Whether each position is strictly inside a bracket pair closed on its line, read one
    character at a time (what store.months does by jumping from bracket to bracket)."""
    inside = [False] * (len(text) + 1)
    stack: list[tuple[str, int]] = []
    for i, char in enumerate(text):
        if char == "\n":
            stack.clear()
        elif stack and char == stack[-1][0]:
            _, opened = stack.pop()
            for j in range(opened + 1, i):
                inside[j] = True
        elif char in months_module._BRACKETS:
            stack.append((months_module._BRACKETS[char], i))
    return inside


def _assert_fast_paths_agree(text: str) -> None:
    for pattern, starts in (
        (months_module._MARKER_RE, months_module._MARKER_START_RE),
        (months_module._MONTH_RE, months_module._MONTH_START_RE),
    ):
        fast = [(m.span(), m.groupdict()) for m in months_module._matches(pattern, starts, text)]
        assert fast == [(m.span(), m.groupdict()) for m in pattern.finditer(text)]
    assert months_module._inside_brackets(text) == _plain_inside_brackets(text)
    # The quantity pattern checks what stands before a number after its first digit.
    fast_head = r"(?P<low>\d(?<![\d.．A-Za-z#＃/\-－~～—]\d)\d*(?:\.\d+)?)"
    plain_head = r"(?<![\d.．A-Za-z#＃/\-－~～—])(?P<low>\d+(?:\.\d+)?)"
    fast = indicators_module._QUANTITY_RE
    assert fast.pattern.startswith(fast_head)
    plain = re.compile(plain_head + fast.pattern[len(fast_head) :])
    assert [(m.span(), m.groupdict()) for m in fast.finditer(text)] == [
        (m.span(), m.groupdict()) for m in plain.finditer(text)
    ]


def test_fast_paths_agree_on_the_bundled_and_synthetic_texts() -> None:
    from bench.synthetic import make_projects

    texts = [text for _t, _n, plan, progress in seed_projects() for text in (plan, progress)]
    for record in make_projects(300, seed=3).records:
        texts += [record.fields["target"], record.fields["plan"], record.fields["progress"]]
    for text in texts:
        _assert_fast_paths_agree(text)


_BRACKET_PIECES = st.one_of(_PIECES, st.sampled_from(list("（(〔【《“「[）)〕】》”」]")))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_BRACKET_PIECES, max_size=40).map("".join)))
def test_fast_paths_agree_on_any_text(text: str) -> None:
    _assert_fast_paths_agree(text)

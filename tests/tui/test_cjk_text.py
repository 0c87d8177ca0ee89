"""Wrapped Chinese text: no line starts with closing punctuation, and nothing is lost."""

from __future__ import annotations

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from rich.console import Console

from tui.widgets.cjk_text import NO_LINE_START, CJKText, line_breaks

CONSOLE = Console(width=200)
SEED = "6月，结合市级方案，制定兰陵县农村清洁取暖工作方案；开展确村确户工作，建立台账。"


def _lines(text: str, width: int) -> list[str]:
    return [line.plain for line in CJKText(text).wrap(CONSOLE, width)]


def test_a_comma_that_would_start_a_line_takes_the_character_before_it_along() -> None:
    for width in range(6, 40):
        lines = _lines(SEED, width)
        assert "".join(lines) == SEED
        assert all(line[:1] not in NO_LINE_START for line in lines[1:]), (width, lines)
        assert all(CONSOLE.measure(line).maximum <= width for line in lines)


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="教育局建设，。、；：”“（）ab 12", min_size=1, max_size=80),
    st.integers(min_value=4, max_value=30),
)
def test_breaks_only_move_and_every_character_stays(text: str, width: int) -> None:
    breaks = line_breaks(text, width)
    assert breaks == sorted(set(breaks)) and all(0 < b < len(text) for b in breaks)
    for start, end in zip([0, *breaks], [*breaks, len(text)], strict=True):
        assert CONSOLE.measure(text[start:end].rstrip()).maximum <= width


def test_a_number_that_fits_a_line_is_not_split() -> None:
    text = "②2月，受理审批残疾儿童康复救助申请，完成残疾儿童集中康复救助全年训练量10%。"
    for width in range(8, 80):
        lines = _lines(text, width)
        assert "".join(lines) == text
        assert not any(line.startswith(("0", "%")) for line in lines), (width, lines)


#: Pieces of report text, and long runs without spaces (a pasted table, a number, a hostile
#: 100,000-character field): the breaker must cost about the text's length on all of them.
_PIECES = st.text(alphabet="教育局建设，。；”ab12", max_size=12)
_RUNS = st.builds(lambda char, count: char * count, st.sampled_from("长a1，"), st.integers(1, 3000))
_LONG_TEXT = st.lists(st.one_of(_PIECES, _RUNS), min_size=1, max_size=8).map("".join)


@settings(max_examples=150, deadline=None)
@given(_LONG_TEXT, st.integers(min_value=2, max_value=60))
def test_long_runs_break_into_lines_that_fit(text: str, width: int) -> None:
    breaks = line_breaks(text, width)
    assert breaks == sorted(set(breaks)) and all(0 < b < len(text) for b in breaks)
    for start, end in zip([0, *breaks], [*breaks, len(text)], strict=True):
        assert CONSOLE.measure(text[start:end]).maximum <= width
    assert "".join(_lines(text, width)) == text


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet="教育局建设ab12", min_size=1, max_size=30),
            st.sampled_from("，。；”"),
            st.just("。”"),
            st.builds(lambda count: "长" * count, st.integers(1, 2000)),
        ),
        min_size=1,
        max_size=12,
    ).map("".join),
    st.integers(min_value=6, max_value=40),
)
def test_closing_punctuation_never_starts_a_line_of_text_without_spaces(
    text: str, width: int
) -> None:
    # The rule lets at most two follow a character: three in a row may start a line.
    assume(not any(set(text[i : i + 3]) <= NO_LINE_START for i in range(len(text) - 2)))
    lines = _lines(text, width)
    assert "".join(lines) == text
    assert all(line[:1] not in NO_LINE_START for line in lines[1:]), (width, lines)


def test_a_long_field_without_spaces_fills_every_line() -> None:
    text = "QZ40X" + "长" * 100_000  # the hostile test's long payload
    lines = _lines(text, 61)
    assert "".join(lines) == text
    assert lines[0] == "QZ40X" + "长" * 28
    assert all(line == "长" * 30 for line in lines[1:-1])


async def test_a_widget_wraps_cjk_text_by_its_own_breaks() -> None:
    """Textual draws a ``Text`` given to a widget by its own wrapping (which split "2023" as
    "202" / "3" in the plan view): a CJKText keeps its breaks there, and the widget is as
    tall as its lines."""
    from textual.app import App, ComposeResult
    from textual.geometry import Region
    from textual.widgets import Static

    text = "已争取2023年高标准农田建设项目16万亩，确定各乡镇具体实施区域，3月份2023年度兰陵县"

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(CJKText(text), id="text")

    for width in range(10, 40):
        app = One()
        async with app.run_test(size=(width, 24)) as pilot:
            static = pilot.app.query_one("#text", Static)
            strips = static.render_lines(Region(0, 0, width, static.size.height))
            lines = [strip.text.rstrip() for strip in strips]
        assert lines == _lines(text, width), width
        assert "".join(lines) == text
        for before, after in zip(lines, lines[1:], strict=False):
            assert not (before[-1:].isdigit() and after[:1].isdigit()), (width, lines)


def test_a_number_with_a_comma_or_a_plus_moves_whole() -> None:
    text = "全县累计发放补贴资金1,250,000元，进行“3+2”中高职分段培养"
    for width in range(12, 40):
        lines = _lines(text, width)
        assert "".join(lines) == text
        for before, after in zip(lines, lines[1:], strict=False):
            assert not (_is_number_end(before) and after[:1] in "0123456789,+"), (width, lines)


def _is_number_end(line: str) -> bool:
    return line[-1:] in "0123456789,+"


def test_a_comma_between_chinese_and_a_number_is_punctuation() -> None:
    text = "临沂市共落地执行国家、省和城市联盟组织的10批427种药品,14批43类医用耗材。"
    for width in range(8, 40):
        lines = _lines(text, width)
        assert all(line[:1] not in NO_LINE_START for line in lines[1:]), (width, lines)

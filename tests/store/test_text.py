"""Text by terminal cells: one cut-to-width helper for every list, pane and summary."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from store.snapshots import shorten
from store.text import FORMULA_STARTS, fit, fit_apart, fit_middle, one_line


@pytest.mark.parametrize(
    ("text", "width", "padded", "cut"),
    [
        ("abc", 5, "abc  ", "abc"),
        ("abcde", 5, "abcde", "abcde"),
        ("abcdef", 5, "abcd…", "abcd…"),
        ("中文", 4, "中文", "中文"),  # exactly the width: nothing cut
        ("中文", 5, "中文 ", "中文"),
        ("中文", 3, "中…", "中…"),
        ("中文字符", 5, "中文…", "中文…"),
        ("中文字符", 6, "中文 …", "中文…"),  # a wide character does not fit: the … stays right
        ("ab中文", 4, "ab …", "ab…"),
        ("a中b文", 5, "a中b…", "a中b…"),
        ("中文", 1, "…", "…"),
        ("中文", 2, " …", "…"),  # not even one character fits beside the …
        ("", 3, "   ", ""),
    ],
)
def test_fit_cuts_by_cells(text: str, width: int, padded: str, cut: str) -> None:
    assert fit(text, width) == padded
    assert fit(text, width, pad=False) == cut


@pytest.mark.parametrize("width", [0, -1, -10])
def test_no_room_gives_nothing(width: int) -> None:
    assert fit("中文", width) == "" and fit("", width) == ""


def test_another_ellipsis_or_none() -> None:
    assert fit("abcdefgh", 6, "...") == "abc..."
    assert fit("中文字符", 5, "") == "中文 "  # a hard cut
    assert fit("中文字符", 5, "", pad=False) == "中文"
    assert fit("abcdef", 2, "...") == "ab"  # the ellipsis does not fit: cut without it


TEXT = st.text(
    st.sampled_from(list("ab 1中文字。，、") + ["\u0301", "\u200b", "🙂", "ｱ", "Ａ"]),
    max_size=30,
)


@given(TEXT, st.integers(min_value=0, max_value=40))
def test_padded_is_always_exactly_the_width(text: str, width: int) -> None:
    assert cell_len(fit(text, width)) == width


@given(TEXT, st.integers(min_value=0, max_value=40))
def test_cut_is_the_text_or_a_start_of_it_and_the_ellipsis(text: str, width: int) -> None:
    result = fit(text, width, pad=False)
    assert cell_len(result) <= width
    if not width:
        assert result == ""
    elif cell_len(text) <= width:
        assert result == text
    else:
        assert result.endswith("…") and text.startswith(result[:-1])
        # As much as fits: one more character would not.
        kept = len(result) - 1
        assert cell_len(text[: kept + 1]) > width - 1


def test_snapshot_summaries_cut_with_the_same_helper() -> None:
    assert shorten("项目" * 30, 9) == "项目项目…"
    assert shorten("a\nb\x1b[31m", 40) == "a b[31m"
    assert cell_len(shorten("中" * 100)) <= 40


def test_one_line() -> None:
    assert one_line("第一行\n第二行\t\x1b") == "第一行 第二行"
    assert one_line("甲" * 500, 200) == "甲" * 200
    assert one_line("a" + " " * 1000 + "b", 5) == "a"  # bounded before cleaning


def test_formula_starts_are_the_spreadsheet_ones() -> None:
    assert set(FORMULA_STARTS) == {"=", "+", "-", "@", "\t", "\r"}


@pytest.mark.parametrize("width", range(8, 24))
def test_a_middle_cut_keeps_names_that_differ_at_the_end_apart(width: int) -> None:
    check, aid = "开展适龄妇女“两癌”检查", "开展适龄妇女“两癌”救助"
    shown = fit_middle(check, width), fit_middle(aid, width)
    assert shown[0] != shown[1]
    assert [cell_len(s) for s in shown] == [width, width]
    assert shown[0].startswith("开展") and shown[0].rstrip().endswith("查")


@pytest.mark.parametrize(
    ("text", "width", "padded", "cut"),
    [
        ("开展适龄妇女“两癌”检查", 14, "开展适龄…”检查", "开展适龄…”检查"),
        ("开展适龄妇女“两癌”检查", 12, "开展适…”检查", "开展适…”检查"),
        ("abcdefghij", 8, "abcd…hij", "abcd…hij"),
        ("短名", 6, "短名  ", "短名"),
        ("中文字符", 3, "中…", "中…"),  # too narrow for both ends: the start, as fit cuts
    ],
)
def test_fit_middle_cuts_by_cells(text: str, width: int, padded: str, cut: str) -> None:
    assert fit_middle(text, width) == padded
    assert fit_middle(text, width, pad=False) == cut


@given(st.text(max_size=40), st.integers(min_value=-2, max_value=30))
def test_fit_middle_is_exactly_the_width(text: str, width: int) -> None:
    text = one_line(text)
    assert cell_len(fit_middle(text, width)) == max(width, 0)
    assert cell_len(fit_middle(text, width, pad=False)) <= max(width, 0)


def test_names_that_would_read_alike_cut_at_the_end_are_cut_in_the_middle() -> None:
    names = ["县住房和城乡建设局", "县住房和城乡规划局", "县教育体育局", "县教育局 体育局"]
    shown = fit_apart(names, 10)
    assert shown["县住房和城乡建设局"] == "县住…设局 "
    assert shown["县住房和城乡规划局"] == "县住…划局 "
    # apart at the end already: their starts stay (a middle cut would make both 县教…育局)
    assert shown["县教育体育局"] == fit("县教育体育局", 10)
    assert shown["县教育局 体育局"] == fit("县教育局 体育局", 10)
    assert len(set(shown.values())) == len(names)


def test_names_a_middle_cut_cannot_tell_apart_keep_the_end_cut() -> None:
    names = ["县住房和城乡建设局", "县住房和城乡规建设局"]  # the same start and end
    assert fit_apart(names, 10) == {n: fit(n, 10) for n in names}
    assert fit_apart(names, 10, pad=False)["县住房和城乡建设局"] == fit(names[0], 10, pad=False)

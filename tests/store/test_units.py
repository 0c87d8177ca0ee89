"""Unit names: counts and likely aliases."""

from __future__ import annotations

from collections import Counter

from store.units import suggest_aliases


def test_a_bureau_under_three_names_is_suggested_as_one() -> None:
    counts = Counter({"县教育局": 4, "县教育体育局": 2, "体育局": 1, "县民政局": 5, "县医保局": 6})
    suggested = suggest_aliases(counts)
    assert ("县教育体育局", "县教育局") in suggested  # fewer projects into more
    assert ("体育局", "县教育体育局") in suggested
    assert all("县民政局" not in pair and "县医保局" not in pair for pair in suggested)


def test_names_alike_only_in_their_office_words_are_not_suggested() -> None:
    assert suggest_aliases(Counter({"县财政局": 1, "县水利局": 1, "县交通运输局": 2})) == []

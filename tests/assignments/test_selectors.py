"""The affinity histogram on the chairs' assignment page spreads over the scores it shows."""

from __future__ import annotations

from assignments.selectors import affinity_histogram


def test_small_tfidf_scores_spread_over_the_bars() -> None:
    histogram = affinity_histogram([0.012, 0.035, 0.071])
    assert histogram[0][0] == "0.00 to 0.01"
    assert histogram[-1][0] == "0.09 to 0.10"
    assert [count for _, count in histogram] == [0, 1, 0, 1, 0, 0, 0, 1, 0, 0]


def test_scores_up_to_one_use_tenths() -> None:
    histogram = affinity_histogram([0.95, 0.15, 1.0])
    assert histogram[0][0] == "0.0 to 0.1"
    assert [count for _, count in histogram] == [0, 1, 0, 0, 0, 0, 0, 0, 0, 2]


def test_no_scores_show_empty_bars_from_zero_to_one() -> None:
    histogram = affinity_histogram([])
    assert len(histogram) == 10
    assert histogram[-1] == ("0.9 to 1.0", 0)

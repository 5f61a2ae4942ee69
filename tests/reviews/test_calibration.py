"""The calibrated scores recover a planted reviewer bias (pure functions, no database).

A simulated edition, fixed seed: 200 papers, 4 reviews each by 4 different reviewers drawn from
50 (16 reviews per reviewer on average), quality ~ N(0, 1), each reviewer's additive bias
~ N(0, 1), noise sd 0.5. The scores are tested both kept continuous and rounded to the 1-6
merit scale (3.5 + quality + bias + noise, rounded and clipped), as a real form records them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from scipy.stats import kendalltau, pearsonr, spearmanr

from reviews.calibration import fit, merit_key

SEED = 20260


@dataclass
class Simulated:
    quality: Any
    bias: Any
    observations: list[tuple[int, int, float]]


def simulate(
    *, papers: int = 200, reviewers: int = 50, per_paper: int = 4, rounded: bool, seed: int = SEED
) -> Simulated:
    rng = np.random.default_rng(seed)
    quality = rng.normal(0, 1, papers)
    bias = rng.normal(0, 1, reviewers)
    observations = []
    for paper in range(papers):
        for reviewer in rng.choice(reviewers, size=per_paper, replace=False):
            score = 3.5 + quality[paper] + bias[reviewer] + rng.normal(0, 0.5)
            if rounded:
                score = float(np.clip(np.rint(score), 1, 6))
            observations.append((paper, int(reviewer), float(score)))
    return Simulated(quality, bias, observations)


@pytest.mark.parametrize("rounded", [False, True], ids=["continuous", "rounded-1-6"])
def test_the_planted_biases_are_recovered(rounded: bool) -> None:
    world = simulate(rounded=rounded)
    result = fit(world.observations)
    reviewers = sorted(result.reviewers)
    estimated = [result.reviewers[j].bias for j in reviewers]
    planted = [world.bias[j] for j in reviewers]
    assert pearsonr(estimated, planted)[0] >= 0.9


@pytest.mark.parametrize("rounded", [False, True], ids=["continuous", "rounded-1-6"])
def test_the_calibrated_ranking_agrees_better_with_quality_than_the_mean(rounded: bool) -> None:
    world = simulate(rounded=rounded)
    result = fit(world.observations)
    papers = sorted(result.papers)
    planted = [world.quality[i] for i in papers]
    calibrated = [result.papers[i].calibrated for i in papers]
    mean = [result.papers[i].mean for i in papers]
    assert spearmanr(calibrated, planted)[0] > spearmanr(mean, planted)[0]
    assert kendalltau(calibrated, planted)[0] > kendalltau(mean, planted)[0]
    ranks = [result.papers[i].calibrated_rank for i in papers]
    assert spearmanr(ranks, planted)[0] == pytest.approx(-spearmanr(calibrated, planted)[0])  # rank 1 is best


def test_biases_sum_to_zero_and_each_component_keeps_its_own_mean() -> None:
    # Two separate groups: reviewers 0-1 on papers a, b; reviewers 2-3 (all harsh) on c, d.
    observations = [
        ("a", 0, 5.0), ("a", 1, 4.0), ("b", 0, 6.0), ("b", 1, 4.0),
        ("c", 2, 2.0), ("c", 3, 1.0), ("d", 2, 3.0), ("d", 3, 1.0),
    ]  # fmt: skip
    result = fit(observations)
    assert result.components == 2
    assert result.papers["a"].component == result.papers["b"].component != result.papers["c"].component
    for group, papers in [((0, 1), "ab"), ((2, 3), "cd")]:
        assert sum(result.reviewers[j].bias for j in group) == pytest.approx(0, abs=1e-9)
        calibrated = np.mean([result.papers[p].calibrated for p in papers])
        raw = np.mean([result.papers[p].mean for p in papers])
        assert calibrated == pytest.approx(raw, abs=1e-6)
    assert result.reviewers[0].bias > 0 > result.reviewers[1].bias


def test_a_reviewer_with_one_review_is_shrunk_toward_no_bias() -> None:
    # Paper x: three reviewers say 3; a fourth, seen nowhere else, says 6.
    observations = [("x", 1, 3.0), ("x", 2, 3.0), ("x", 3, 3.0), ("x", 9, 6.0)]
    observations += [("y", 1, 4.0), ("y", 2, 4.0), ("y", 3, 4.0)]
    result = fit(observations)
    lone = result.reviewers[9]
    assert lone.reviews == 1
    assert 0 < lone.bias < 3 * 0.75  # less than its whole residual of 3 (minus the others' share)
    assert fit(observations, ridge=0.01).reviewers[9].bias > lone.bias


def test_no_reviews_fit_nothing() -> None:
    result = fit([])
    assert result.is_empty
    assert result.components == 0


def test_merit_is_calibrated_else_the_first_score() -> None:
    @dataclass
    class Field:
        key: str
        type: str

    assert merit_key([Field("summary", "text"), Field("confidence", "score"), Field("merit", "score")]) == "merit"
    assert merit_key([Field("summary", "text"), Field("novelty", "score"), Field("soundness", "score")]) == "novelty"
    assert merit_key([Field("summary", "text")]) is None

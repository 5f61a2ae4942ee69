"""The reviewer-assignment solver against an independent formulation.

The reference is the whole problem written out as one dense mixed-integer program (one binary
per (paper, reviewer) pair, pins and conflicts as variable bounds) and solved by SciPy's HiGHS:
it shares no code with the solver, which works per area on a sparse min-cost flow. No test here
touches the database.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from assignments.solver import (
    ML,
    SYSTEMS,
    AssignmentProblem,
    AssignmentResult,
    Infeasible,
    load_instance,
    solve,
)
from tests.conftest import require_service

INSTANCES = Path(__file__).resolve().parents[3] / "shared" / "data" / "assignment" / "instances"
BID_VALUES = {-1: 0.0, 0: -1.0, 1: 0.5, 2: 1.0}  # documented mapping: none, no, maybe, yes


# ---------------------------------------------------------------------------------------------
# The independent reference.
# ---------------------------------------------------------------------------------------------


def reference_scores(problem: AssignmentProblem) -> np.ndarray:
    scores = np.asarray(problem.affinity, dtype=np.float64).copy()
    if problem.bids is not None and problem.bid_weight:
        scores += problem.bid_weight * np.vectorize(BID_VALUES.get)(problem.bids.astype(int))
    return scores


@dataclass
class Dense:
    """The dense MIP: x[p, r] for every pair, flattened row-major; t last."""

    problem: AssignmentProblem
    scores: np.ndarray

    def constraints(self) -> tuple[list[LinearConstraint], np.ndarray, np.ndarray]:
        pr = self.problem
        n, m = pr.affinity.shape
        nv = n * m
        p, r = np.divmod(np.arange(nv), m)
        area = pr.reviewer_area[r].astype(int)
        need = np.where(np.arange(2 * n) % 2 == SYSTEMS, pr.systems_per_paper, pr.ml_per_paper).astype(float)
        a_area = sparse.csr_array((np.ones(nv), (2 * p + area, np.arange(nv))), shape=(2 * n, nv + 1))
        a_load = sparse.csr_array((np.ones(nv), (r, np.arange(nv))), shape=(m, nv + 1))
        lower = np.zeros(nv + 1)
        upper = np.ones(nv + 1)
        for pairs in (pr.conflicts, pr.forbidden):
            upper[pairs[:, 0] * m + pairs[:, 1]] = 0
        lower[pr.pinned[:, 0] * m + pr.pinned[:, 1]] = 1
        cons = [
            LinearConstraint(a_area, need, need),
            LinearConstraint(a_load, pr.min_loads.astype(float), pr.max_loads.astype(float)),
        ]
        return cons, lower, upper

    def floor_rows(self) -> sparse.csr_array:
        n, m = self.scores.shape
        nv = n * m
        p = np.arange(nv) // m
        data = np.concatenate([self.scores.ravel(), -np.ones(n)])
        rows = np.concatenate([p, np.arange(n)])
        cols = np.concatenate([np.arange(nv), np.full(n, nv)])
        return sparse.csr_array((data, (rows, cols)), shape=(n, nv + 1))

    def solve(self, *, objective: str = "total", floor: float | None = None, integral: bool = True) -> Any:
        cons, lower, upper = self.constraints()
        nv = self.scores.size
        if objective == "total":
            c = np.append(-self.scores.ravel(), 0.0)
            lower[nv] = upper[nv] = 0.0
        else:  # maximise the worst paper
            c = np.zeros(nv + 1)
            c[nv] = -1.0
            lower[nv], upper[nv] = -np.inf, np.inf
        if objective == "maxmin" or floor is not None:
            cons.append(LinearConstraint(self.floor_rows(), 0.0 if floor is None else floor, np.inf))
        integrality = np.append(np.ones(nv) if integral else np.zeros(nv), 0)
        if (lower > upper).any():  # a pinned pair that is also ruled out
            return None
        return milp(c, constraints=cons, integrality=integrality, bounds=Bounds(lower, upper))


def reference_optimum(problem: AssignmentProblem) -> float | None:
    res = Dense(problem, reference_scores(problem)).solve()
    if res is None or res.status == 2:
        return None
    assert res.status == 0, res.message
    return float(-res.fun)


# ---------------------------------------------------------------------------------------------
# Checks on a result, written without the solver's helpers.
# ---------------------------------------------------------------------------------------------


def assert_valid(problem: AssignmentProblem, result: AssignmentResult) -> None:
    n, m = problem.affinity.shape
    pairs = result.pairs
    assert pairs.ndim == 2
    assert pairs.shape[1] == 2
    assert len({(int(p), int(r)) for p, r in pairs}) == len(pairs), "a pair is assigned twice"
    x = np.zeros((n, m), dtype=int)
    x[pairs[:, 0], pairs[:, 1]] = 1
    area = problem.reviewer_area
    assert (x[:, area == SYSTEMS].sum(axis=1) == problem.systems_per_paper).all(), "Systems reviewers per paper"
    assert (x[:, area == ML].sum(axis=1) == problem.ml_per_paper).all(), "ML reviewers per paper"
    loads = x.sum(axis=0)
    assert (loads <= problem.max_loads).all(), "a reviewer over the maximum load"
    assert (loads >= problem.min_loads).all(), "a reviewer under the minimum load"
    assert not x[problem.conflicts[:, 0], problem.conflicts[:, 1]].any(), "a conflicted pair"
    assert not x[problem.forbidden[:, 0], problem.forbidden[:, 1]].any(), "a forbidden pair"
    assert x[problem.pinned[:, 0], problem.pinned[:, 1]].all(), "a pinned pair is missing"
    scores = reference_scores(problem)
    assert result.objective == pytest.approx(float((scores * x).sum()), abs=1e-9)
    assert result.affinity_total == pytest.approx(float((problem.affinity * x).sum()), abs=1e-6)
    np.testing.assert_allclose(result.per_paper_score, (scores * x).sum(axis=1), atol=1e-9)
    np.testing.assert_array_equal(result.loads, loads)


# ---------------------------------------------------------------------------------------------
# Random instances.
# ---------------------------------------------------------------------------------------------


def random_problem(
    seed: int,
    *,
    papers: int = 24,
    reviewers: int = 20,
    k: tuple[int, int] = (2, 2),
    max_load: Any = None,
    min_load: Any = 0,
    conflicts: int = 0,
    pins: int = 0,
    forbids: int = 0,
    bids: bool = False,
    bid_weight: float = 0.0,
    per_reviewer_loads: bool = False,
) -> AssignmentProblem:
    rng = np.random.default_rng(seed)
    area = np.zeros(reviewers, dtype=np.int8)
    area[rng.permutation(reviewers)[: reviewers // 2]] = ML
    topics = rng.random((papers, 4)) @ rng.random((4, reviewers))
    affinity = (topics / topics.max() + 0.2 * rng.random((papers, reviewers))).astype(np.float32)
    if max_load is None:
        per_area = min(int((area == SYSTEMS).sum()), int((area == ML).sum()))
        max_load = int(np.ceil(papers * max(k) / per_area)) + 1
    if per_reviewer_loads:
        max_load = rng.integers(max_load - 1, max_load + 3, reviewers)
        min_load = np.minimum(rng.integers(0, 3, reviewers), max_load)
    pairs = np.stack([rng.integers(0, papers, 200), rng.integers(0, reviewers, 200)], axis=1)
    pairs = np.unique(pairs, axis=0)[rng.permutation(len(np.unique(pairs, axis=0)))]
    chosen_conflicts = pairs[:conflicts]
    chosen_forbids = pairs[conflicts : conflicts + forbids]
    pinned = []
    seen_papers: set[int] = set()
    for p, r in pairs[conflicts + forbids :]:
        if len(pinned) == pins:
            break
        if int(p) not in seen_papers:  # at most one pin per paper keeps it feasible
            pinned.append((p, r))
            seen_papers.add(int(p))
    return AssignmentProblem(
        affinity=affinity,
        reviewer_area=area,
        systems_per_paper=k[0],
        ml_per_paper=k[1],
        max_load=max_load,
        min_load=min_load,
        conflicts=chosen_conflicts,
        forbidden=chosen_forbids,
        pinned=np.asarray(pinned, dtype=np.int64).reshape(-1, 2),
        bids=rng.integers(-1, 3, (papers, reviewers)).astype(np.int8) if bids else None,
        bid_weight=bid_weight,
    )


CASES = {
    "plain": {},
    "conflicts": {"conflicts": 40},
    "tight loads": {"papers": 30, "reviewers": 20, "max_load": 6},  # 60 slots per area, 60 needed
    "per-reviewer loads": {"per_reviewer_loads": True, "conflicts": 15},
    "min loads": {"min_load": 3, "max_load": 6, "conflicts": 10},
    "pins and forbids": {"pins": 8, "forbids": 20, "conflicts": 10},
    "1 + 3": {"k": (1, 3), "reviewers": 26, "conflicts": 20},
    "bids": {"bids": True, "bid_weight": 0.3, "conflicts": 10},
    "everything": {
        "per_reviewer_loads": True,
        "pins": 5,
        "forbids": 10,
        "conflicts": 10,
        "bids": True,
        "bid_weight": 0.2,
    },
}


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("case", CASES)
def test_optimum_equals_the_dense_mip(case: str, seed: int) -> None:
    problem = random_problem(seed, **CASES[case])
    expected = reference_optimum(problem)
    if expected is None:
        with pytest.raises(Infeasible):
            solve(problem)
        return
    # Default candidates (here the whole matrix), and 3 per paper and area: column generation.
    for result in (solve(problem), solve(problem, candidates_per_paper=3, add_per_paper=2)):
        assert_valid(problem, result)
        assert result.proven_optimal
        assert result.objective == pytest.approx(expected, abs=1e-6)
        # The dual bound is an upper bound on any assignment, and it closes the gap.
        assert result.dual_bound >= expected - 1e-6
        assert result.gap <= 1e-6


def test_random_cases_are_mostly_feasible() -> None:
    """Guard for the test above: its instances must mostly be solved, not only refused."""
    feasible = sum(
        reference_optimum(random_problem(seed, **CASES[case])) is not None for case in CASES for seed in range(4)
    )
    assert feasible >= 0.8 * len(CASES) * 4


def crowded(seed: int) -> AssignmentProblem:
    """16 papers, 6 reviewers per area, random loads and 30% of pairs conflicted: about half of
    these are infeasible."""
    rng = np.random.default_rng(seed)
    return AssignmentProblem(
        affinity=rng.random((16, 12)),
        reviewer_area=np.repeat([SYSTEMS, ML], 6).astype(np.int8),
        max_load=rng.integers(4, 9, 12),
        min_load=rng.integers(0, 4, 12),
        conflicts=np.argwhere(rng.random((16, 12)) < 0.3),
    )


def test_feasibility_agrees_with_the_dense_mip() -> None:
    outcomes = []
    for seed in range(20):
        problem = crowded(seed)
        expected = reference_optimum(problem)
        if expected is None:
            with pytest.raises(Infeasible) as caught:
                solve(problem, candidates_per_paper=3)
            assert caught.value.reasons
            assert all(("paper" in reason or "reviewer" in reason) for reason in caught.value.reasons)
        else:
            result = solve(problem, candidates_per_paper=3)
            assert_valid(problem, result)
            assert result.objective == pytest.approx(expected, abs=1e-6)
        outcomes.append(expected is not None)
    assert 5 <= sum(outcomes) <= 15  # both kinds occur


def test_bid_weight_zero_ignores_bids_and_weight_changes_the_choice() -> None:
    with_bids = random_problem(3, bids=True, bid_weight=0.0)
    without = AssignmentProblem(
        affinity=with_bids.affinity, reviewer_area=with_bids.reviewer_area, max_load=with_bids.max_loads
    )
    assert solve(with_bids).objective == pytest.approx(solve(without).objective, abs=1e-9)

    weighted = random_problem(3, bids=True, bid_weight=0.5)
    result = solve(weighted)
    assert_valid(weighted, result)
    assert result.objective == pytest.approx(reference_optimum(weighted), abs=1e-6)
    assert result.objective != pytest.approx(result.affinity_total)


def test_dominant_bid_weight_maximises_the_bids_first() -> None:
    """With weight 1000 a step between bid values (500) outweighs any affinity total (< 120), so
    the assignment's bid value is the best possible one."""
    problem = random_problem(5, bids=True, bid_weight=1000.0)
    result = solve(problem)
    assert_valid(problem, result)
    assert result.objective == pytest.approx(reference_optimum(problem), rel=1e-9)
    bids_only = AssignmentProblem(
        affinity=np.zeros(problem.affinity.shape),
        reviewer_area=problem.reviewer_area,
        max_load=problem.max_loads,
        bids=problem.bids,
        bid_weight=1.0,
    )
    chosen = np.vectorize(BID_VALUES.get)(problem.bids[result.pairs[:, 0], result.pairs[:, 1]].astype(int))
    assert chosen.sum() == pytest.approx(reference_optimum(bids_only), abs=1e-9)


# ---------------------------------------------------------------------------------------------
# Column generation: where the candidate set alone is not enough.
# ---------------------------------------------------------------------------------------------


def popular_reviewers(papers: int = 40, per_area: int = 10, max_load: int = 9, seed: int = 0) -> AssignmentProblem:
    """Every paper ranks reviewers nearly alike: each paper's few best reviewers are the same
    few reviewers, who cannot take everybody (tight loads)."""
    rng = np.random.default_rng(seed)
    quality = np.linspace(1.0, 0.1, per_area)
    affinity = np.concatenate([quality, quality])[None, :] + 0.05 * rng.random((papers, 2 * per_area))
    return AssignmentProblem(
        affinity=affinity.astype(np.float32),
        reviewer_area=np.repeat([SYSTEMS, ML], per_area).astype(np.int8),
        max_load=max_load,
    )


def top_k_only_optimum(problem: AssignmentProblem, k: int) -> float | None:
    """The dense MIP restricted to each paper's ``k`` best reviewers per area (what pruning without
    certification would solve)."""
    n, m = problem.affinity.shape
    keep = np.zeros((n, m), dtype=bool)
    for area in (SYSTEMS, ML):
        cols = np.flatnonzero(problem.reviewer_area == area)
        best = np.argsort(-problem.affinity[:, cols], axis=1)[:, :k]
        keep[np.arange(n)[:, None], cols[best]] = True
    dropped = np.argwhere(~keep)
    restricted = AssignmentProblem(
        affinity=problem.affinity,
        reviewer_area=problem.reviewer_area,
        max_load=problem.max_loads,
        forbidden=dropped,
    )
    return reference_optimum(restricted)


def tight_random(seed: int = 5) -> AssignmentProblem:
    """40 papers, 10 reviewers per area with max load 8: every slot is needed."""
    rng = np.random.default_rng(seed)
    return AssignmentProblem(
        affinity=rng.random((40, 20)).astype(np.float32),
        reviewer_area=np.repeat([SYSTEMS, ML], 10).astype(np.int8),
        max_load=8,
    )


def test_certification_recovers_what_top_k_pruning_loses() -> None:
    problem = tight_random()
    k = 3
    pruned = top_k_only_optimum(problem, k)
    dense = reference_optimum(problem)
    assert pruned is not None
    assert dense is not None
    assert pruned < dense - 1e-3, "the instance must be one where pruning alone is suboptimal"
    result = solve(problem, candidates_per_paper=k, add_per_paper=2)
    assert_valid(problem, result)
    assert result.proven_optimal
    assert result.objective == pytest.approx(dense, abs=1e-6)
    assert result.arcs_added > 0
    assert result.rounds > 2


def test_infeasible_candidate_set_goes_through_phase_one() -> None:
    problem = popular_reviewers(papers=40, per_area=10, max_load=8)  # every slot is needed
    result = solve(problem, candidates_per_paper=3, add_per_paper=1)
    assert_valid(problem, result)
    assert result.proven_optimal
    assert result.objective == pytest.approx(reference_optimum(problem), abs=1e-6)
    assert result.stats["areas"]["Systems"]["phase1_rounds"] > 0


def test_time_limit_between_rounds_gives_a_feasible_unproven_answer() -> None:
    problem = popular_reviewers()
    result = solve(problem, candidates_per_paper=6, add_per_paper=1, time_limit=0.0)
    assert_valid(problem, result)
    assert not result.proven_optimal
    assert result.objective <= reference_optimum(problem) + 1e-9


# ---------------------------------------------------------------------------------------------
# Infeasible instances explained.
# ---------------------------------------------------------------------------------------------


def small(**overrides: Any) -> AssignmentProblem:
    """12 papers; reviewers 0-5 Systems, 6-11 ML; max load 5 (60 slots for 24 needed per area)."""
    values: dict[str, Any] = {
        "affinity": np.random.default_rng(1).random((12, 12)),
        "reviewer_area": np.repeat([SYSTEMS, ML], 6).astype(np.int8),
        "max_load": 5,
    }
    values.update(overrides)
    return AssignmentProblem(**values)


def reasons_of(problem: AssignmentProblem) -> list[str]:
    assert reference_optimum(problem) is None, "the reference must agree that it is infeasible"
    with pytest.raises(Infeasible) as caught:
        solve(problem)
    return caught.value.reasons


def test_paper_without_enough_reviewers() -> None:
    conflicts = [(7, r) for r in range(6, 11)]  # paper 7 keeps only ML reviewer 11
    reasons = reasons_of(small(conflicts=conflicts))
    assert reasons == ["paper 7: only 1 non-conflicted ML reviewer, needs 2"]


def test_area_without_enough_capacity() -> None:
    reasons = reasons_of(small(max_load=np.array([5] * 6 + [3] * 6)))
    assert reasons == ["ML reviewers can take at most 18 assignments (maximum loads) but 24 are needed"]


def test_minimum_loads_above_the_demand() -> None:
    reasons = reasons_of(small(min_load=np.array([5] * 6 + [0] * 6)))
    assert reasons == ["Systems reviewers must take at least 30 assignments (minimum loads) but only 24 are needed"]


def test_reviewer_minimum_load_above_its_possible_papers() -> None:
    conflicts = [(p, 3) for p in range(10)]
    reasons = reasons_of(small(min_load=np.array([0, 0, 0, 3, 0, 0] + [0] * 6), conflicts=conflicts))
    assert reasons == ["reviewer 3 (Systems): minimum load 3 but only 2 papers can be assigned"]


def test_group_of_papers_sharing_too_few_reviewers() -> None:
    """Each of papers 0-2 has two ML reviewers left (enough on its own), but it is the same two,
    who can take 2 papers each: 6 needed, 4 possible. Only the flow's cut can see this."""
    conflicts = [(p, r) for p in range(3) for r in range(6, 10)]
    reasons = reasons_of(small(conflicts=conflicts, max_load=np.array([5] * 10 + [2, 2])))
    assert len(reasons) == 1
    assert reasons[0] == (
        "papers 0, 1 and 2 need 6 ML reviewers in total but can get at most 4: "
        "the ML reviewers 10 and 11 they may be given can take only 4 more (maximum load)"
    )


def test_group_of_reviewers_that_cannot_reach_their_minimum_load() -> None:
    """Systems reviewers 0-2 must review 2 papers each but may only review papers 0 and 1,
    which need 4 Systems reviewers in all."""
    conflicts = [(p, r) for p in range(2, 12) for r in range(3)]
    max_load = np.array([5, 5, 5, 10, 10, 10] + [5] * 6)  # papers 2-11 are served by reviewers 3-5
    reasons = reasons_of(small(conflicts=conflicts, min_load=np.array([2, 2, 2] + [0] * 9), max_load=max_load))
    assert len(reasons) == 1
    assert reasons[0].startswith("Systems reviewers 0, 1 and 2 must take at least 6 assignments between them")
    assert "papers 0 and 1 they may review need only 4 Systems reviewers" in reasons[0]


def test_pins_that_cannot_hold() -> None:
    reasons = reasons_of(
        small(
            pinned=[(0, 1), (2, 6), (2, 7), (2, 8), *[(p, 11) for p in range(3, 9)]],
            conflicts=[(0, 1)],
        )
    )
    assert reasons == [
        "paper 0, reviewer 1: pinned but conflicted",
        "reviewer 11: 6 pinned papers exceed the maximum load 5",
        "paper 2: 3 ML reviewers pinned but it needs only 2",
    ]


def test_pinned_and_forbidden_pairs_are_honoured() -> None:
    problem = random_problem(7, pins=6, forbids=30)
    result = solve(problem)
    assert_valid(problem, result)
    assert result.objective == pytest.approx(reference_optimum(problem), abs=1e-6)
    # Without the forbids and pins the optimum is at least as good.
    free = AssignmentProblem(affinity=problem.affinity, reviewer_area=problem.reviewer_area, max_load=problem.max_loads)
    assert solve(free).objective >= result.objective - 1e-9


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"affinity": np.zeros(5)}, "affinity must be a [papers, reviewers] matrix"),
        ({"reviewer_area": np.zeros(3, dtype=np.int8)}, "reviewer_area must have one entry per reviewer"),
        ({"reviewer_area": np.full(12, 2, dtype=np.int8)}, "reviewer_area must hold 0 (Systems) or 1 (ML)"),
        ({"min_load": 6}, "reviewer 0: min_load 6 exceeds max_load 5"),
        ({"conflicts": [(12, 0)]}, "conflicts: pair (paper 12, reviewer 0) is out of range"),
        ({"bids": np.full((12, 12), 3, dtype=np.int8)}, "bids must be integers in -1"),
        ({"affinity": np.full((12, 12), np.nan)}, "affinity must be finite"),
    ],
)
def test_bad_problems_are_refused(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        small(**changes)


# ---------------------------------------------------------------------------------------------
# Fairness.
# ---------------------------------------------------------------------------------------------


def reference_fair(problem: AssignmentProblem) -> tuple[float, float, float]:
    """(integer max-min, the max total keeping that floor, the max-min LP bound)."""
    dense = Dense(problem, reference_scores(problem))
    stage1 = dense.solve(objective="maxmin")
    assert stage1.status == 0, stage1.message
    t_star = float(-stage1.fun)
    stage2 = dense.solve(objective="total", floor=t_star - 1e-7)
    assert stage2.status == 0, stage2.message
    lp = dense.solve(objective="maxmin", integral=False)
    return t_star, float(-stage2.fun), float(-lp.fun)


@pytest.mark.parametrize(
    ("seed", "options"),
    [
        (0, {"papers": 14, "reviewers": 12}),
        (1, {"papers": 14, "reviewers": 12, "conflicts": 20, "pins": 3}),
        (2, {"papers": 16, "reviewers": 10, "max_load": 7}),
        (3, {"papers": 12, "reviewers": 12, "per_reviewer_loads": True, "forbids": 10}),
    ],
)
def test_fair_solution_is_the_max_min_then_max_total(seed: int, options: dict[str, Any]) -> None:
    problem = random_problem(seed, **options)
    plain = solve(problem)
    fair = solve(problem, fair=True)
    assert_valid(problem, fair)
    assert fair.fair
    assert fair.proven_optimal
    t_star, total, _ = reference_fair(problem)
    assert fair.min_paper_score >= plain.min_paper_score - 1e-9
    assert fair.min_paper_score == pytest.approx(t_star, abs=1e-6)
    assert fair.objective == pytest.approx(total, abs=1e-5)
    assert fair.objective <= plain.objective + 1e-9


def test_fair_search_below_a_fractional_lp_bound() -> None:
    """Three papers compete for one great ML reviewer: the LP shares her, the MIP cannot, so the
    floor must be searched below the LP bound."""
    affinity = np.full((3, 6), 0.1)
    affinity[:, 3] = 1.0  # ML reviewer 3, max load 1
    affinity[0, 4] = 0.2
    problem = AssignmentProblem(
        affinity=affinity,
        reviewer_area=np.array([0, 0, 0, 1, 1, 1], dtype=np.int8),
        systems_per_paper=1,
        ml_per_paper=1,
        max_load=np.array([3, 3, 3, 1, 3, 3]),
    )
    t_star, total, lp_bound = reference_fair(problem)
    assert lp_bound > t_star + 0.1
    fair = solve(problem, fair=True)
    assert_valid(problem, fair)
    assert fair.proven_optimal
    assert fair.min_paper_score == pytest.approx(t_star, abs=1e-6)
    assert fair.objective == pytest.approx(total, abs=1e-6)
    assert len(fair.stats["stage1"]) > 2  # LP bound, the failed try at it, then the search


# ---------------------------------------------------------------------------------------------
# The shared instances with known optima.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "optimum"),
    [("midl_2plus2.npz", 206.5888), ("midl_1plus2.npz", 190.4199), ("preflib3_2plus2.npz", 518.5)],
)
def test_shared_instance_optimum(name: str, optimum: float) -> None:
    path = INSTANCES / name
    require_service(path.exists(), f"the shared assignment instance {path}")
    problem = load_instance(path)
    result = solve(problem)
    assert_valid(problem, result)
    assert result.proven_optimal
    assert result.objective == pytest.approx(optimum, abs=1e-3)
    assert result.affinity_total == pytest.approx(optimum, abs=1e-3)


def test_shared_instance_fair_reaches_the_max_min_lp_bound() -> None:
    """On MIDL 1+2 the fair floor equals the max-min LP value of the dense problem, an upper
    bound on any integer floor, so it is optimal; and it is well above the plain optimum's."""
    path = INSTANCES / "midl_1plus2.npz"
    require_service(path.exists(), f"the shared assignment instance {path}")
    problem = load_instance(path)
    plain = solve(problem)
    fair = solve(problem, fair=True)
    assert_valid(problem, fair)
    assert fair.proven_optimal
    lp = Dense(problem, reference_scores(problem)).solve(objective="maxmin", integral=False)
    assert fair.min_paper_score == pytest.approx(float(-lp.fun), abs=1e-6)
    assert fair.min_paper_score > plain.min_paper_score + 0.1
    assert plain.objective - 1.0 < fair.objective < plain.objective


def test_the_solver_needs_no_django() -> None:
    """``assignments.solver`` stays ORM-free: importing it in a bare interpreter (no settings)
    loads no Django module, so it can be benchmarked and reused without a database."""
    script = "import sys, assignments.solver; print(*sorted(m for m in sys.modules if m.startswith('django')))"
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env={"PATH": os.environ.get("PATH", "")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stderr, done.stdout.strip()) == (0, "", "")

"""The fairness option: maximise the worst paper's total score first, then the total.

A paper's total score sums its Systems *and* its ML reviewers, so a floor on it couples the two
areas and breaks the flow structure: the LP with rows ``sum_r score[p, r] x[p, r] >= t`` is no
longer totally unimodular, its optimum can be fractional and then only bounds the integer
max-min from above. Both stages are therefore mixed-integer programs, solved with HiGHS through
:func:`scipy.optimize.milp`, one binary per allowed (paper, reviewer) pair:

Stage 1, the largest floor ``t*``. Start from ``t_lo`` = the worst paper of the plain optimum
(feasible) and ``t_hi`` = the max-min LP bound. Then search: try the floor ``t_try`` (first
``t_hi``, later the midpoint), i.e. the MIP "maximise t subject to t_try <= t <= t_hi". If it
is infeasible, ``t_hi = t_try``; if HiGHS proves it optimal, that ``t`` is ``t*``. Trying the
bound first matters: when the LP bound is attainable (on MIDL 2+2 it is: the worst paper's own
best four reviewers) this finds and proves ``t*`` in seconds, while a plain "maximise t" MIP
spends minutes looking for good incumbents. Before each MIP, pairs that cannot be part of any
assignment meeting the floor are dropped: pair ``(p, r)`` of area ``a`` is dropped when
``pinned(p) + best(p) - best_a(p) + max(best_a(p), best'_a(p) + score[p, r]) < t_try``, with
``best_a(p)`` the sum of p's ``d_a`` best scores in area ``a``, ``best'_a`` of its ``d_a - 1`` best.

Stage 2: fix the floor at ``t*`` minus ``1e-7 * max(1, |t*|)`` and maximise the total score.

Proofs hold to HiGHS's MIP tolerances (absolute gap 1e-6; relative gap set to 0 here), and the
search stops when ``t_hi - t_lo <= 1e-6 * max(1, |t_lo|)``. The exact flow solution is computed
first: it explains infeasibility and is the fallback if a stage runs out of time.

Size: above ``max_arcs`` allowed pairs the binaries are restricted to each paper's best
reviewers plus the plain optimum's pairs, and the result says ``proven_optimal=False``. This is
the option for a few hundred papers, not for 10,000 (the plain solver is).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from assignments.solver import solver  # the plain optimum's internals (it calls back here for fair=True)
from assignments.solver.problem import AssignmentProblem, AssignmentResult

FAIR_MAX_ARCS = 200_000
FAIR_CANDIDATES = 12
FLOOR_TOLERANCE = 1e-7  # stage 2 keeps t* minus this (relative)
SEARCH_TOLERANCE = 1e-6  # stage 1 stops when the bracket is this narrow (relative)

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]


@dataclass
class _Model:
    """The MIP data shared by every solve: one column per candidate pair."""

    pairs: I64  # global (paper, reviewer) per column
    scores: F64
    group: I64  # (area, paper) equality row per column
    demand: F64  # per equality row
    lo: F64  # per reviewer
    hi: F64
    pinned_score: F64  # per paper
    completion: F64  # per column: best total the paper can reach when it uses this pair
    restricted: bool


def _build(
    problem: AssignmentProblem, prepared: solver._Prepared, base: AssignmentResult, *, max_arcs: int, candidates: int
) -> _Model:
    n, m = problem.n_papers, problem.n_reviewers
    restricted = sum(a.n * a.m - a.excl_keys.size for a in prepared.areas) > max_arcs
    pinned = {tuple(pair) for pair in prepared.pinned.tolist()}
    pairs_list: list[I64] = []
    groups: list[I64] = []
    demand: list[I64] = []
    row = 0
    for a in prepared.areas:
        if a.n == 0:
            continue
        if restricted:
            keys, _ = solver._initial_candidates(problem, a, prepared.scale, candidates, 0)
            paper_index = np.full(n, -1, dtype=np.int64)
            paper_index[a.papers] = np.arange(a.n)
            local = np.full(m, -1, dtype=np.int64)
            local[a.cols] = np.arange(a.m)
            mine = [
                paper_index[p] * a.m + local[r]
                for p, r in base.pairs.tolist()
                if local[r] >= 0 and paper_index[p] >= 0 and (p, r) not in pinned
            ]
            keys = np.union1d(keys, np.asarray(mine, dtype=np.int64))
        else:
            keys = np.setdiff1d(np.arange(a.n * a.m, dtype=np.int64), a.excl_keys, assume_unique=True)
        i = keys // a.m
        pairs_list.append(np.stack([a.papers[i], a.cols[keys % a.m]], axis=1))
        groups.append(row + i)
        demand.append(a.demand)
        row += a.n
    pairs = np.concatenate(pairs_list) if pairs_list else np.zeros((0, 2), dtype=np.int64)
    group = np.concatenate(groups) if groups else np.zeros(0, dtype=np.int64)
    need = np.concatenate(demand).astype(np.float64) if demand else np.zeros(0)
    scores = problem.pair_scores(pairs)
    pinned_score = np.bincount(prepared.pinned[:, 0], weights=problem.pair_scores(prepared.pinned), minlength=n)
    lo = np.zeros(m)
    hi = np.zeros(m)
    for a in prepared.areas:
        lo[a.cols], hi[a.cols] = a.lo, a.hi

    # Best sums per (area, paper) group: of its d best scores and of its d - 1 best.
    order = np.lexsort((-scores, group))
    sorted_group = group[order]
    rank = np.arange(order.size) - np.searchsorted(sorted_group, sorted_group)
    d = need[sorted_group]
    best = np.bincount(sorted_group, weights=np.where(rank < d, scores[order], 0.0), minlength=row)
    best_but_one = np.bincount(sorted_group, weights=np.where(rank < d - 1, scores[order], 0.0), minlength=row)
    group_paper = np.zeros(row, dtype=np.int64)
    group_paper[group] = pairs[:, 0]
    paper_best = pinned_score + np.bincount(group_paper, weights=best, minlength=n)
    completion = np.asarray(
        paper_best[pairs[:, 0]] - best[group] + np.maximum(best[group], best_but_one[group] + scores),
        dtype=np.float64,
    )
    return _Model(
        pairs=pairs,
        scores=scores,
        group=group,
        demand=need,
        lo=lo,
        hi=hi,
        pinned_score=pinned_score.astype(np.float64),
        completion=completion,
        restricted=restricted,
    )


def _solve_mip(
    mdl: _Model,
    *,
    floor: float,
    maximise: str,
    t_bounds: tuple[float, float],
    time_limit: float | None,
    integral: bool = True,
) -> tuple[Any, I64]:
    """One HiGHS solve over the columns that can meet ``floor``. ``maximise`` is ``"t"`` (the
    floor variable, bounded by ``t_bounds``) or ``"total"`` (the floor is then fixed). Returns
    the scipy result and the chosen columns' pairs (empty if no solution)."""
    keep = np.flatnonzero(mdl.completion >= floor - SEARCH_TOLERANCE * 1e-3 * max(1.0, abs(floor)))
    nv = keep.size
    n = mdl.pinned_score.size
    m = mdl.lo.size
    cols = np.arange(nv)
    pairs, scores = mdl.pairs[keep], mdl.scores[keep]
    a_eq = sparse.csr_array((np.ones(nv), (mdl.group[keep], cols)), shape=(mdl.demand.size, nv + 1))
    a_load = sparse.csr_array((np.ones(nv), (pairs[:, 1], cols)), shape=(m, nv + 1))
    a_floor = sparse.csr_array(
        (
            np.concatenate([scores, -np.ones(n)]),
            (np.concatenate([pairs[:, 0], np.arange(n)]), np.append(cols, [nv] * n)),
        ),
        shape=(n, nv + 1),
    )
    if maximise == "t":
        c = np.zeros(nv + 1)
        c[nv] = -1.0
        low, high = t_bounds
    else:
        c = np.append(-scores, 0.0)
        low = high = floor
    constraints = [
        LinearConstraint(a_eq, mdl.demand, mdl.demand),
        LinearConstraint(a_load, mdl.lo, mdl.hi),
        # score(p) - t >= -pinned(p)
        LinearConstraint(a_floor, -mdl.pinned_score, np.inf),
    ]
    options: dict[str, Any] = {"mip_rel_gap": 0.0, "presolve": True}
    if time_limit is not None:
        options["time_limit"] = max(time_limit, 0.1)
    res = milp(
        c,
        constraints=constraints,
        integrality=np.append(np.full(nv, 1 if integral else 0), 0),
        bounds=Bounds(np.append(np.zeros(nv), low), np.append(np.ones(nv), high)),
        options=options,
    )
    chosen = pairs[res.x[:nv] > 0.5] if res.x is not None else np.zeros((0, 2), dtype=np.int64)
    return res, chosen


def solve_fair(
    problem: AssignmentProblem,
    prepared: solver._Prepared,
    base: AssignmentResult,
    *,
    start: float,
    deadline: float | None,
    max_arcs: int = FAIR_MAX_ARCS,
    candidates: int = FAIR_CANDIDATES,
) -> AssignmentResult:
    """Max-min then max-total, starting from the plain optimum ``base`` (see the module docstring)."""
    mdl = _build(problem, prepared, base, max_arcs=max_arcs, candidates=candidates)
    n = problem.n_papers
    plain = {
        "plain_objective": base.objective,
        "plain_min_paper_score": base.min_paper_score,
        "plain_worst_paper": int(np.argmin(base.per_paper_score)) if base.per_paper_score.size else None,
        "allowed_pairs": int(sum(a.n * a.m - a.excl_keys.size for a in prepared.areas)),
        "max_arcs": max_arcs,
        "candidates": candidates,
    }
    if mdl.pairs.shape[0] == 0 or n == 0:  # everything is pinned: nothing to choose
        return solver._result(
            problem,
            base.pairs,
            start=start,
            proven=base.proven_optimal,
            dual_bound=base.dual_bound,
            fair=True,
            stats={**plain, "nothing_to_choose": True, "restricted": False},
        )

    def remaining() -> float | None:
        return None if deadline is None else deadline - time.perf_counter()

    def with_pins(chosen: I64) -> I64:
        return np.concatenate([prepared.pinned, chosen])

    def worst(assigned: I64) -> float:
        per_paper = np.bincount(assigned[:, 0], weights=problem.pair_scores(assigned), minlength=n)
        return float(per_paper.min())

    def close(lo: float, hi: float) -> bool:
        return hi - lo <= SEARCH_TOLERANCE * max(1.0, abs(lo))

    best_pairs = base.pairs
    t_lo = worst(best_pairs)
    log: list[dict[str, Any]] = []
    lp, _ = _solve_mip(mdl, floor=t_lo, maximise="t", t_bounds=(t_lo, np.inf), time_limit=remaining(), integral=False)
    t_hi = float(-lp.fun) if lp.status == 0 else float(mdl.completion.max(initial=t_lo))
    t_hi = max(t_hi, t_lo)
    log.append({"lp_bound": t_hi})

    # Stage 1: search the floor, trying the upper bound first.
    proven1 = close(t_lo, t_hi)
    t_try = t_hi
    while not proven1:
        limit = remaining()
        if limit is not None and limit <= 0:
            break
        res, chosen = _solve_mip(mdl, floor=t_try, maximise="t", t_bounds=(t_try, t_hi), time_limit=limit)
        log.append({"try": t_try, "status": int(res.status), "message": str(res.message)})
        if res.status == 2:  # infeasible: t* < t_try
            t_hi = t_try
        elif chosen.size:
            found = with_pins(chosen)
            if worst(found) > t_lo:
                best_pairs, t_lo = found, worst(found)
            if res.status == 0:
                proven1 = True
                break
            if res.status == 1:  # out of time with a solution
                break
        else:
            break
        if close(t_lo, t_hi):
            proven1 = True
            break
        t_try = (t_lo + t_hi) / 2
    t_star = t_lo

    # Stage 2: keep the floor, maximise the total.
    floor = t_star - FLOOR_TOLERANCE * max(1.0, abs(t_star))
    limit = remaining()
    stage2, chosen = _solve_mip(mdl, floor=floor, maximise="total", t_bounds=(floor, floor), time_limit=limit)
    proven2 = stage2.status == 0
    if chosen.size:
        second = with_pins(chosen)
        if worst(second) >= t_star - SEARCH_TOLERANCE * max(1.0, abs(t_star)) and float(
            problem.pair_scores(second).sum()
        ) >= float(problem.pair_scores(best_pairs).sum()):
            best_pairs = second
    bound = float("nan")
    dual = getattr(stage2, "mip_dual_bound", None)
    if proven2 and dual is not None and np.isfinite(dual):
        bound = -float(dual) + float(mdl.pinned_score.sum())
    stats: dict[str, Any] = {
        "variables": int(mdl.pairs.shape[0]),
        "restricted": mdl.restricted,
        "t_star": t_star,
        "stage1": log,
        "stage2": {"status": int(stage2.status), "message": str(stage2.message)},
        "stage1_proven": proven1,
        "stage2_proven": proven2,
        **plain,
    }
    proven = proven1 and proven2 and not mdl.restricted
    return solver._result(problem, best_pairs, start=start, proven=proven, dual_bound=bound, fair=True, stats=stats)

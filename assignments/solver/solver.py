"""Exact reviewer assignment: min-cost flow on a sparse candidate set, certified on the full matrix.

How it works
------------
The problem splits by area: a paper needs exactly ``k_a`` reviewers of area ``a`` and only
reviewers of that area can supply them, so each area is a separate transportation problem

    maximise  sum score[p, r] x[p, r]
    s.t.      sum_r x[p, r] = d_p               (d_p = k_a minus the pinned reviewers of p in a)
              lo_r <= sum_p x[p, r] <= hi_r     (loads minus pinned papers of r)
              x[p, r] in {0, 1}, x = 0 on conflicted, forbidden and already pinned pairs.

whose constraint matrix is totally unimodular, so a min-cost flow solves it exactly. The flow
network has a node per paper (supply d_p), per reviewer (supply -lo_r) and a sink ``t``
(supply -(sum d - sum lo)); arcs paper -> reviewer (capacity 1, cost -w[p, r]) and
reviewer -> t (capacity hi_r - lo_r, cost 0): the lower bounds are the node supplies. Costs are
integers ``w = round(score * 2**e)`` (``e`` chosen so that the largest |w| is about 2**31), which
OR-Tools' ``SimpleMinCostFlow`` solves exactly.

The dense graph (papers x reviewers arcs) is too big at 10,000 x 4,000, so each area starts
from a candidate set (each paper's best ``candidates_per_paper`` reviewers, plus each
reviewer's best papers, about as many as its maximum load) and does column generation:

1. solve the flow on the candidate arcs;
2. compute node potentials: shortest-path distances ``dist`` from a virtual source in the
   residual graph of the optimal flow (vectorised Bellman-Ford; it terminates because an
   optimal flow leaves no negative cycle). Every residual arc then has a non-negative reduced
   cost;
3. price *every* pair of the full matrix, in row chunks with numpy: an unused arc ``p -> r``
   has reduced cost ``-w[p, r] + dist[p] - dist[r]``. If none is negative, the potentials are
   optimal duals of the full problem and the flow is a proven optimum of it (LP duality; the
   LP is integral). Otherwise the negative arcs (the best few per paper) join the candidates
   and we go back to 1.

If the candidate set has no feasible flow at all, a phase 1 does the same with zero arc costs
and slack arcs of cost 1 (unserved paper demand, unmet reviewer minimum loads); when its
certified optimum still needs slack, the problem is infeasible, and the cut of the residual
graph around the slack (the papers that cannot all be served, or the reviewers that cannot all
reach their minimum load) becomes a sentence in :class:`Infeasible`. Simple causes (a paper
with too few non-conflicted reviewers, an area short of capacity) are reported before any
flow is built.

Memory stays near the affinity matrix itself: full-matrix passes work on blocks of about four
million pairs, and the flows only ever see the candidate arcs (about 25 per paper and area,
plus what column generation adds). On 10,000 x 4,000 with two cores (bench/assignment.py) the
solve takes about 5 s and 170 MB on top of the process with its 160 MB matrix (peak RSS about
450 MB); 15-20 s and 530 MB when every paper wants the same few reviewers and the candidate set
first needs phase 1.

Finally the potentials give reviewer prices ``v_r`` and a Lagrangian upper bound on the float
objective (each paper takes its best ``d_p`` values of ``score - v`` over the full matrix, plus
``sum hi_r max(v_r, 0) - lo_r max(-v_r, 0)``); ``AssignmentResult.dual_bound`` reports it, so
the gap left by rounding scores to integers is measured, not assumed.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from ortools.graph.python import min_cost_flow

from assignments.solver import fairness  # solve(fair=True) continues from the plain optimum there
from assignments.solver.problem import (
    AREA_NAMES,
    ML,
    SYSTEMS,
    AssignmentProblem,
    AssignmentResult,
    Infeasible,
)

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
Bool = npt.NDArray[np.bool_]

NEG = np.int64(-(2**62))  # integer score of a pair that may not be assigned
TARGET_MAX_COST = 2.0**31  # integer costs are scaled so that the largest |score| is about this
DEFAULT_CANDIDATES = 24  # initial arcs per paper and area
DEFAULT_ADD_PER_PAPER = 8  # violating arcs added per paper and round
CHUNK_ELEMENTS = 4_000_000  # full-matrix passes work on blocks of about this many pairs
MAX_LISTED = 10  # ids named in an infeasibility reason


def _ids(values: npt.NDArray[Any], noun: str) -> str:
    """``"papers 3, 7 and 12"`` / ``"papers 3, 7, ... (25 in all)"``."""
    values = np.asarray(values).ravel()
    items = [str(int(v)) for v in values[:MAX_LISTED]]
    plural = noun + "s" if values.size != 1 else noun
    if values.size > MAX_LISTED:
        return f"{plural} {', '.join(items)}, ... ({values.size} in all)"
    if len(items) > 1:
        return f"{plural} {', '.join(items[:-1])} and {items[-1]}"
    return f"{plural} {items[0]}"


def _many(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


# ---------------------------------------------------------------------------------------------
# Preparation: per-area data after pins, and the simple reasons for infeasibility.
# ---------------------------------------------------------------------------------------------


@dataclass
class _Area:
    """One area's transportation problem, in local indices (active papers i, reviewers j)."""

    area: int
    k: int
    cols: I64  # global reviewer ids of the area
    col_index: Any  # slice or index array selecting cols from the matrix
    papers: I64  # global ids of papers that still need reviewers of this area
    demand: I64  # per active paper
    lo: I64  # per reviewer, minus pins
    hi: I64
    excl_keys: I64  # sorted local keys i * m + j that may not be used (disallowed or pinned)

    @property
    def name(self) -> str:
        return AREA_NAMES[self.area]

    @property
    def n(self) -> int:
        return int(self.papers.size)

    @property
    def m(self) -> int:
        return int(self.cols.size)


@dataclass
class _Prepared:
    areas: list[_Area]
    pinned: I64
    scale: float
    reasons: list[str] = field(default_factory=list)


def _prepare(problem: AssignmentProblem) -> _Prepared:
    n, m = problem.n_papers, problem.n_reviewers
    reasons: list[str] = []
    assert problem.pinned is not None
    assert problem.conflicts is not None
    assert problem.forbidden is not None
    pinned = np.asarray(problem.pinned, dtype=np.int64)
    area_of = problem.reviewer_area.astype(np.int64)

    # Pins against conflicts and forbids.
    for name, pairs in (("conflicted", problem.conflicts), ("forbidden", problem.forbidden)):
        if pinned.size and pairs.size:
            clash = np.isin(pinned[:, 0] * m + pinned[:, 1], pairs[:, 0] * m + pairs[:, 1])
            reasons.extend(f"paper {p}, reviewer {r}: pinned but {name}" for p, r in pinned[clash][:MAX_LISTED])
    pins_per_reviewer = np.bincount(pinned[:, 1], minlength=m) if pinned.size else np.zeros(m, np.int64)
    over = np.flatnonzero(pins_per_reviewer > problem.max_loads)
    reasons.extend(
        f"reviewer {r}: {pins_per_reviewer[r]} pinned papers exceed the maximum load {problem.max_loads[r]}"
        for r in over[:MAX_LISTED]
    )

    disallowed = problem.disallowed()
    areas: list[_Area] = []
    for area in (SYSTEMS, ML):
        k = problem.per_paper(area)
        cols = problem.reviewers_of(area)
        name = AREA_NAMES[area]
        area_pins = pinned[area_of[pinned[:, 1]] == area] if pinned.size else pinned
        pins_per_paper = np.bincount(area_pins[:, 0], minlength=n) if area_pins.size else np.zeros(n, np.int64)
        too_many = np.flatnonzero(pins_per_paper > k)
        reasons.extend(
            f"paper {p}: {pins_per_paper[p]} {name} reviewers pinned but it needs only {k}"
            for p in too_many[:MAX_LISTED]
        )
        demand_all = np.maximum(k - pins_per_paper, 0)
        hi = np.maximum(problem.max_loads[cols] - pins_per_reviewer[cols], 0)
        lo = np.maximum(problem.min_loads[cols] - pins_per_reviewer[cols], 0)

        # Local reviewer index of each global reviewer of this area (-1 elsewhere).
        local = np.full(m, -1, dtype=np.int64)
        local[cols] = np.arange(cols.size)
        excl = np.concatenate([disallowed, area_pins]) if disallowed.size or area_pins.size else disallowed
        excl = excl[local[excl[:, 1]] >= 0] if excl.size else excl
        papers = np.flatnonzero(demand_all > 0).astype(np.int64)
        demand = demand_all[papers].astype(np.int64)

        # Reviewers a paper could still get: not excluded and with capacity left.
        usable = hi > 0
        blocked = np.zeros(n, dtype=np.int64)
        if excl.size:
            rows = excl[usable[local[excl[:, 1]]]]
            rows = np.unique(rows, axis=0)
            blocked = np.bincount(rows[:, 0], minlength=n)
        available = int(usable.sum()) - blocked
        short = papers[available[papers] < demand]
        for p in short[:MAX_LISTED]:
            why = "non-conflicted" if not problem.forbidden.size else "allowed"
            have = int(max(available[p], 0))
            reasons.append(
                f"paper {p}: only {have} {why} {name} reviewer{'s' if have != 1 else ''}, needs {demand_all[p]}"
            )
        if short.size > MAX_LISTED:
            reasons.append(f"... and {short.size - MAX_LISTED} more papers without enough {name} reviewers")

        total = int(demand.sum())
        if int(hi.sum()) < total:
            reasons.append(
                f"{name} reviewers can take at most {int(hi.sum())} assignments (maximum loads) but {total} are needed"
            )
        if int(lo.sum()) > total:
            reasons.append(
                f"{name} reviewers must take at least {int(lo.sum())} assignments (minimum loads) "
                f"but only {total} are needed"
            )
        # A reviewer's minimum load against the papers it may review at all.
        paper_index = np.full(n, -1, dtype=np.int64)
        paper_index[papers] = np.arange(papers.size)
        if (lo > 0).any():
            excl_active = excl[paper_index[excl[:, 0]] >= 0] if excl.size else excl
            blocked_r = (
                np.bincount(local[np.unique(excl_active, axis=0)[:, 1]], minlength=cols.size)
                if excl_active.size
                else np.zeros(cols.size, np.int64)
            )
            possible = papers.size - blocked_r
            for j in np.flatnonzero(lo > possible)[:MAX_LISTED]:
                reasons.append(
                    f"reviewer {cols[j]} ({name}): minimum load {problem.min_loads[cols[j]]} "
                    f"but only {_many(int(possible[j]) + int(pins_per_reviewer[cols[j]]), 'paper')} can be assigned"
                )

        if excl.size:
            excl = excl[paper_index[excl[:, 0]] >= 0]
            excl_keys = np.unique(paper_index[excl[:, 0]] * cols.size + local[excl[:, 1]])
        else:
            excl_keys = np.zeros(0, dtype=np.int64)
        contiguous = cols.size > 0 and cols[-1] - cols[0] + 1 == cols.size
        col_index: Any = slice(int(cols[0]), int(cols[-1]) + 1) if contiguous else cols
        areas.append(
            _Area(
                area=area,
                k=k,
                cols=cols,
                col_index=col_index,
                papers=papers,
                demand=demand,
                lo=lo.astype(np.int64),
                hi=hi.astype(np.int64),
                excl_keys=excl_keys.astype(np.int64),
            )
        )

    top = problem.max_abs_score()
    scale = 2.0 ** math.floor(math.log2(TARGET_MAX_COST / top)) if top > 0 else 1.0
    return _Prepared(areas=areas, pinned=pinned, scale=scale, reasons=reasons)


# ---------------------------------------------------------------------------------------------
# Full-matrix passes.
# ---------------------------------------------------------------------------------------------


def _row_chunks(a: _Area) -> Iterator[tuple[int, int]]:
    rows = max(1, CHUNK_ELEMENTS // max(a.m, 1))
    for i0 in range(0, a.n, rows):
        yield i0, min(a.n, i0 + rows)


def _rows_index(a: _Area, i0: int, i1: int) -> Any:
    papers = a.papers[i0:i1]
    if papers.size and papers[-1] - papers[0] + 1 == papers.size:
        return slice(int(papers[0]), int(papers[-1]) + 1)
    return papers


def _mask_keys(block: npt.NDArray[Any], keys: I64, m: int, i0: int, i1: int, value: Any) -> None:
    """Set ``block[i - i0, j] = value`` for the sorted local keys that fall in rows i0..i1."""
    lo, hi = np.searchsorted(keys, [i0 * m, i1 * m])
    if hi > lo:
        sel = keys[lo:hi]
        block[sel // m - i0, sel % m] = value


def _score_block(problem: AssignmentProblem, a: _Area, i0: int, i1: int) -> F64:
    return problem.scores(_rows_index(a, i0, i1), a.col_index)


def _int_block(problem: AssignmentProblem, a: _Area, i0: int, i1: int, scale: float) -> I64:
    """Integer scores of rows i0..i1 (local), with excluded pairs set to NEG."""
    block = np.rint(_score_block(problem, a, i0, i1) * scale).astype(np.int64)
    _mask_keys(block, a.excl_keys, a.m, i0, i1, NEG)
    return block


class _ColumnBest:
    """The best ``k`` rows of every column, kept while row blocks stream past (transposed, so
    that the partition runs along contiguous memory)."""

    def __init__(self, k: int, n_cols: int) -> None:
        self.k = k
        self.val = np.full((n_cols, 0), NEG, dtype=np.int64)
        self.row = np.zeros((n_cols, 0), dtype=np.int64)

    def add(self, block: I64, i0: int) -> None:
        rows = block.shape[0]
        val = np.concatenate([self.val, block.T], axis=1)
        row = np.concatenate([self.row, np.broadcast_to(np.arange(i0, i0 + rows), (block.shape[1], rows))], axis=1)
        if val.shape[1] > self.k:
            sel = np.argpartition(val, val.shape[1] - self.k, axis=1)[:, val.shape[1] - self.k :]
            val = np.take_along_axis(val, sel, axis=1)
            row = np.take_along_axis(row, sel, axis=1)
        self.val, self.row = val, row

    def keys(self, m: int, cols: I64) -> I64:
        """Local keys ``row * m + col`` of the kept entries that are not NEG."""
        ok = self.val > NEG
        return self.row[ok] * m + np.broadcast_to(cols[:, None], self.val.shape)[ok]


def _initial_candidates(
    problem: AssignmentProblem, a: _Area, scale: float, per_paper: int, per_reviewer: int
) -> tuple[I64, I64]:
    """Sorted candidate keys and their integer scores: each paper's best ``per_paper`` reviewers
    and each reviewer's best ``per_reviewer`` papers (allowed pairs only)."""
    keys: list[I64] = []
    kp = min(per_paper, a.m)
    kr = min(per_reviewer, a.n)
    best = _ColumnBest(kr, a.m)
    for i0, i1 in _row_chunks(a):
        w = _int_block(problem, a, i0, i1, scale)
        if kp > 0:
            top = (
                np.argpartition(w, a.m - kp, axis=1)[:, a.m - kp :]
                if kp < a.m
                else np.broadcast_to(np.arange(a.m), w.shape)
            )
            rows = np.broadcast_to(np.arange(i0, i1)[:, None], top.shape)
            ok = np.take_along_axis(w, top, axis=1) > NEG
            keys.append(rows[ok] * a.m + top[ok])
        if kr > 0:
            best.add(w, i0)
    if kr > 0:
        keys.append(best.keys(a.m, np.arange(a.m)))
    all_keys = np.unique(np.concatenate(keys)) if keys else np.zeros(0, dtype=np.int64)
    return all_keys, _key_scores(problem, a, all_keys, scale)


def _key_scores(problem: AssignmentProblem, a: _Area, keys: I64, scale: float) -> I64:
    pairs = np.stack([a.papers[keys // a.m], a.cols[keys % a.m]], axis=1)
    return np.rint(problem.pair_scores(pairs) * scale).astype(np.int64)


# ---------------------------------------------------------------------------------------------
# Flow and potentials.
# ---------------------------------------------------------------------------------------------


@dataclass
class _Flow:
    used: Bool  # per candidate arc
    load: I64  # per reviewer (local)
    unserved: I64  # per paper: slack flow (phase 1 only)
    short: I64  # per reviewer: unmet minimum load (phase 1 only)
    dist: I64  # potentials: papers, reviewers, t


def _shortest_distances(n_nodes: int, tail: I64, head: I64, cost: I64) -> I64:
    """Distances from a virtual source joined to every node by a zero arc: Bellman-Ford, one
    vectorised sweep at a time over the arcs leaving the nodes whose distance changed in the
    previous sweep (so late sweeps are cheap). The graph must have no negative cycle."""
    dist = np.zeros(n_nodes, dtype=np.int64)
    if tail.size == 0:
        return dist
    order = np.argsort(tail, kind="stable")
    tail, head, cost = tail[order], head[order], cost[order]
    indptr = np.searchsorted(tail, np.arange(n_nodes + 1))
    frontier = np.arange(n_nodes)
    for _ in range(n_nodes + 1):
        starts = indptr[frontier]
        lens = indptr[frontier + 1] - starts
        total = int(lens.sum())
        if total == 0:
            return dist
        # Indices of all arcs leaving the frontier: concatenated ranges starts[k] .. starts[k] + lens[k].
        idx = np.arange(total) + np.repeat(starts - (np.cumsum(lens) - lens), lens)
        new = dist.copy()
        np.minimum.at(new, head[idx], dist[tail[idx]] + cost[idx])
        frontier = np.flatnonzero(new < dist)
        if not frontier.size:
            return dist
        dist = new
    raise RuntimeError("negative cycle in the residual graph: the flow is not optimal")


def _solve_flow(a: _Area, keys: I64, cost: I64, *, phase1: bool) -> _Flow | None:
    """Min-cost flow over the candidate arcs; ``None`` if no feasible flow uses only them.

    Phase 1 gives every arc cost 0 and adds slack arcs of cost 1 (paper -> t for demand nobody
    can serve, t -> reviewer for unmet minimum loads), so it is always feasible."""
    n, m = a.n, a.m
    t = n + m
    ci, cj = keys // m, keys % m
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(ci, n + cj, np.ones(keys.size, dtype=np.int64), cost)
    rev = smcf.add_arcs_with_capacity_and_unit_cost(
        np.arange(n, n + m), np.full(m, t), a.hi - a.lo, np.zeros(m, dtype=np.int64)
    )
    if phase1:
        slack_p = smcf.add_arcs_with_capacity_and_unit_cost(np.arange(n), np.full(n, t), a.demand, np.ones(n, np.int64))
        slack_r = smcf.add_arcs_with_capacity_and_unit_cost(
            np.full(m, t), np.arange(n, n + m), a.lo, np.ones(m, np.int64)
        )
    supplies = np.concatenate([a.demand, -a.lo, [int(a.lo.sum()) - int(a.demand.sum())]])
    smcf.set_nodes_supplies(np.arange(n + m + 1), supplies)
    status = smcf.solve()
    if status == smcf.INFEASIBLE and not phase1:
        return None
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"OR-Tools min-cost flow failed: {status}")
    used = smcf.flows(arcs) > 0
    extra = smcf.flows(rev)
    # Residual graph of the optimal flow.
    tails = [np.where(used, n + cj, ci)]
    heads = [np.where(used, ci, n + cj)]
    costs = [np.where(used, -cost, cost)]
    not_full, above_min = extra < a.hi - a.lo, extra > 0
    jj = np.arange(m)
    tails += [n + jj[not_full], np.full(int(above_min.sum()), t)]
    heads += [np.full(int(not_full.sum()), t), n + jj[above_min]]
    costs += [np.zeros(int(not_full.sum()), np.int64), np.zeros(int(above_min.sum()), np.int64)]
    unserved = np.zeros(n, dtype=np.int64)
    short = np.zeros(m, dtype=np.int64)
    if phase1:
        unserved = smcf.flows(slack_p)
        short = smcf.flows(slack_r)
        ii = np.arange(n)
        for mask, tl, hd, c in (
            (unserved < a.demand, ii, np.full(n, t), 1),
            (unserved > 0, np.full(n, t), ii, -1),
            (short < a.lo, np.full(m, t), n + jj, 1),
            (short > 0, n + jj, np.full(m, t), -1),
        ):
            tails.append(tl[mask])
            heads.append(hd[mask])
            costs.append(np.full(int(mask.sum()), c, dtype=np.int64))
    dist = _shortest_distances(
        n + m + 1, np.concatenate(tails).astype(np.int64), np.concatenate(heads).astype(np.int64), np.concatenate(costs)
    )
    load = a.lo + extra - short  # papers actually assigned (slack t -> j is not a paper)
    return _Flow(used=used, load=load, unserved=unserved, short=short, dist=dist)


def _violations(
    problem: AssignmentProblem, a: _Area, flow: _Flow, keys: I64, scale: float, *, phase1: bool, per_paper: int
) -> tuple[I64, int]:
    """Price every allowed pair of the area against the potentials. Returns the keys to add
    (the most negative reduced costs, at most ``per_paper`` per paper) and how many pairs had a
    negative reduced cost in all.

    In phase 1 all arc costs are 0 and the reduced costs take a few integer values, so ties are
    broken towards reviewers that still have room (or are short of their minimum load: an arc
    to them completes an augmenting path) and then towards higher scores; otherwise every paper
    would pick the same first columns. And as papers tend to agree on the best of those
    reviewers, each of them also gets its own best violating papers (about twice its room)."""
    d_p, d_r = flow.dist[: a.n], flow.dist[a.n : a.n + a.m]
    used = np.sort(keys[flow.used])
    helpful = ((flow.load < a.hi) | (flow.short > 0)).astype(np.float64)
    room_cols = np.flatnonzero(helpful) if phase1 else np.zeros(0, dtype=np.int64)
    room = np.maximum(a.hi - flow.load, flow.short)[room_cols]
    by_column = _ColumnBest(min(a.n, 2 * int(room.max(initial=0)) + 2), room_cols.size)
    add: list[I64] = []
    total = 0
    for i0, i1 in _row_chunks(a):
        w = _int_block(problem, a, i0, i1, scale)
        cost = np.where(w > NEG, 0, NEG) if phase1 else w
        gain = cost + d_r[None, :] - d_p[i0:i1, None]  # minus the reduced cost of the arc
        _mask_keys(gain, used, a.m, i0, i1, NEG)
        valid = gain > 0
        if room_cols.size:  # the best violating papers of each reviewer with room
            by_column.add(np.where(valid[:, room_cols], w[:, room_cols], NEG), i0)
        counts = valid.sum(axis=1)
        total += int(counts.sum())
        k = min(per_paper, a.m)
        few = np.flatnonzero((counts > 0) & (counts <= k))  # take all their violating arcs
        if few.size:
            ii, jj = np.nonzero(valid[few])
            add.append((few[ii] + i0) * a.m + jj)
        rows = np.flatnonzero(counts > k)  # keep the k best of these
        if not rows.size:
            continue
        prio: npt.NDArray[Any]
        if phase1:  # gain first (small integers), then room, then score (scaled into (-1, 1))
            prio = gain[rows] * 4.0 + helpful[None, :] * 2.0 + w[rows] / (2.0 * TARGET_MAX_COST)
            prio[~valid[rows]] = -np.inf
        else:
            prio = np.where(valid[rows], gain[rows], NEG)
        top = np.argpartition(prio, a.m - k, axis=1)[:, a.m - k :]
        add.append(((rows[:, None] + i0) * a.m + top).ravel())
    if room_cols.size:
        add.append(by_column.keys(a.m, room_cols))
    new = np.unique(np.concatenate(add)) if add else np.zeros(0, dtype=np.int64)
    if np.isin(new, keys, assume_unique=True).any():
        raise RuntimeError("a candidate arc has a negative reduced cost: the potentials are not optimal")
    return new, total


def _dual_bound(problem: AssignmentProblem, a: _Area, flow: _Flow, scale: float) -> float:
    """Lagrangian upper bound on the area's float objective from reviewer prices v."""
    d_r, d_t = flow.dist[a.n : a.n + a.m], flow.dist[a.n + a.m]
    v = (d_t - d_r).astype(np.float64) / scale
    bound = float(np.sum(a.hi * np.maximum(v, 0.0)) - np.sum(a.lo * np.maximum(-v, 0.0)))
    kmax = int(a.demand.max(initial=0))
    if kmax == 0:
        return bound
    for i0, i1 in _row_chunks(a):
        s = _score_block(problem, a, i0, i1) - v[None, :]
        _mask_keys(s, a.excl_keys, a.m, i0, i1, -np.inf)
        kk = min(kmax, a.m)
        top = -np.partition(-s, kk - 1, axis=1)[:, :kk] if kk < a.m else s.copy()
        top = -np.sort(-top, axis=1)
        sums = np.cumsum(top, axis=1)
        bound += float(sums[np.arange(i1 - i0), a.demand[i0:i1] - 1].sum())
    return bound


# ---------------------------------------------------------------------------------------------
# Infeasibility explained by a cut.
# ---------------------------------------------------------------------------------------------


def _allowed_unused(a: _Area, rows: I64, used: I64) -> Bool:
    """Allowed and unused pairs of local paper rows (boolean [len(rows), m])."""
    block = np.ones((rows.size, a.m), dtype=bool)
    for keys in (a.excl_keys, used):
        sel = keys[np.isin(keys // a.m, rows)]
        pos = np.searchsorted(rows, sel // a.m)
        block[pos, sel % a.m] = False
    return block


def _explain(a: _Area, flow: _Flow, keys: I64) -> list[str]:
    used = np.sort(keys[flow.used])
    ui, uj = used // a.m, used % a.m
    reasons: list[str] = []
    if (flow.unserved > 0).any():
        # Residual reachability from the unserved papers: they and their reachable reviewers.
        xs = flow.unserved > 0
        ys = np.zeros(a.m, dtype=bool)
        frontier = np.flatnonzero(xs)
        while frontier.size:
            reach = _allowed_unused(a, frontier, used).any(axis=0) & ~ys
            ys |= reach
            new = np.zeros(a.n, dtype=bool)
            new[ui[reach[uj]]] = True
            new &= ~xs
            xs |= new
            frontier = np.flatnonzero(new)
        x, y = np.flatnonzero(xs), np.flatnonzero(ys)
        need = int(a.demand[x].sum())
        cap = int(a.hi[y].sum())
        outside = int((xs[ui] & ~ys[uj]).sum())
        papers = _ids(a.papers[x], "paper")
        if y.size == 0:
            text = f"{papers} need {_many(need, a.name + ' reviewer')} but none may be assigned to them"
        else:
            text = (
                f"{papers} need {_many(need, a.name + ' reviewer')} in total but can get at most "
                f"{cap + outside}: the {a.name} {_ids(a.cols[y], 'reviewer')} they may be given "
                f"can take only {cap} more (maximum load)"
            )
            if outside:
                text += f", and they have only {outside} other possible {a.name} pairings"
        reasons.append(text)
    if (flow.short > 0).any():
        # Reverse reachability from the reviewers short of their minimum load.
        ys = flow.short > 0
        xs = np.zeros(a.n, dtype=bool)
        frontier_y = ys.copy()
        while frontier_y.any():
            new_x = np.zeros(a.n, dtype=bool)
            for i0, i1 in _row_chunks(a):
                rows = np.arange(i0, i1)
                new_x[i0:i1] = _allowed_unused(a, rows, used)[:, frontier_y].any(axis=1)
            new_x &= ~xs
            xs |= new_x
            new_y = np.zeros(a.m, dtype=bool)
            new_y[uj[new_x[ui]]] = True
            new_y &= ~ys
            ys |= new_y
            frontier_y = new_y
        x, y = np.flatnonzero(xs), np.flatnonzero(ys)
        need = int(a.lo[y].sum())
        supply = int(a.demand[x].sum())
        inside = int((~xs[ui] & ys[uj]).sum())
        text = (
            f"{a.name} {_ids(a.cols[y], 'reviewer')} must take at least {need} assignments between them "
            f"(minimum load) but can get at most {supply + inside}"
        )
        if x.size:
            text += (
                f": the {_ids(a.papers[x], 'paper')} they may review need only {_many(supply, a.name + ' reviewer')}"
            )
        if inside:
            text += f", plus {inside} other possible pairings"
        reasons.append(text)
    return reasons or [f"{a.name}: no assignment satisfies the loads and conflicts"]


# ---------------------------------------------------------------------------------------------
# One area, then the whole problem.
# ---------------------------------------------------------------------------------------------


@dataclass
class _AreaResult:
    pairs: I64  # global (paper, reviewer)
    certified: bool
    dual_bound: float
    rounds: int
    arcs_added: int
    candidates: int
    phase1_rounds: int
    seconds: dict[str, float]


def _merge(keys: I64, cost: I64, new: I64, new_cost: I64) -> tuple[I64, I64]:
    all_keys = np.concatenate([keys, new])
    order = np.argsort(all_keys, kind="stable")
    return all_keys[order], np.concatenate([cost, new_cost])[order]


def _solve_area(
    problem: AssignmentProblem,
    a: _Area,
    scale: float,
    *,
    candidates_per_paper: int,
    add_per_paper: int,
    deadline: float | None,
) -> _AreaResult:
    seconds = {"candidates": 0.0, "flow": 0.0, "pricing": 0.0, "bound": 0.0}
    empty = np.zeros((0, 2), dtype=np.int64)
    if a.n == 0:
        return _AreaResult(empty, True, 0.0, 0, 0, 0, 0, seconds)
    clock = time.perf_counter()
    # Each reviewer's best papers too, as many as it can take (within reason): under contention
    # (every paper wants the same popular reviewers) the papers' own best arcs alone leave
    # the other reviewers unreachable and the candidate flow infeasible.
    per_reviewer = min(int(a.hi.max(initial=0)) + 2, max(2 * candidates_per_paper, int(a.lo.max(initial=0)) + 2))
    keys, w = _initial_candidates(problem, a, scale, max(candidates_per_paper, a.k + 1), per_reviewer)
    initial = keys.size
    seconds["candidates"] += time.perf_counter() - clock

    phase1_rounds = 0
    clock = time.perf_counter()
    flow = _solve_flow(a, keys, -w, phase1=False)
    seconds["flow"] += time.perf_counter() - clock
    if flow is None:
        # Phase 1: find arcs of the full matrix that make the candidate set feasible.
        while True:
            phase1_rounds += 1
            clock = time.perf_counter()
            flow = _solve_flow(a, keys, np.zeros(keys.size, dtype=np.int64), phase1=True)
            assert flow is not None
            seconds["flow"] += time.perf_counter() - clock
            clock = time.perf_counter()
            new, _ = _violations(problem, a, flow, keys, scale, phase1=True, per_paper=add_per_paper)
            seconds["pricing"] += time.perf_counter() - clock
            if not new.size:
                break
            keys, w = _merge(keys, w, new, _key_scores(problem, a, new, scale))
        if (flow.unserved > 0).any() or (flow.short > 0).any():
            raise Infeasible(_explain(a, flow, keys))
        clock = time.perf_counter()
        flow = _solve_flow(a, keys, -w, phase1=False)
        seconds["flow"] += time.perf_counter() - clock
        assert flow is not None, "the phase 1 flow is feasible on these candidates"

    rounds = 0
    certified = False
    while True:
        rounds += 1
        clock = time.perf_counter()
        new, _ = _violations(problem, a, flow, keys, scale, phase1=False, per_paper=add_per_paper)
        seconds["pricing"] += time.perf_counter() - clock
        if not new.size:
            certified = True
            break
        if deadline is not None and time.perf_counter() > deadline:
            break
        keys, w = _merge(keys, w, new, _key_scores(problem, a, new, scale))
        clock = time.perf_counter()
        flow = _solve_flow(a, keys, -w, phase1=False)
        seconds["flow"] += time.perf_counter() - clock
        assert flow is not None, "adding arcs keeps the flow feasible"

    clock = time.perf_counter()
    bound = _dual_bound(problem, a, flow, scale)
    seconds["bound"] += time.perf_counter() - clock
    used = keys[flow.used]
    pairs = np.stack([a.papers[used // a.m], a.cols[used % a.m]], axis=1)
    return _AreaResult(pairs, certified, bound, rounds, keys.size - initial, keys.size, phase1_rounds, seconds)


def solve(
    problem: AssignmentProblem,
    *,
    fair: bool = False,
    time_limit: float | None = None,
    candidates_per_paper: int = DEFAULT_CANDIDATES,
    add_per_paper: int = DEFAULT_ADD_PER_PAPER,
) -> AssignmentResult:
    """Assign reviewers to papers, maximising the total score; raises :class:`Infeasible`.

    With ``fair=True`` the worst paper's total score is maximised first and then the total
    (see :mod:`assignments.solver.fairness`). ``time_limit`` (seconds) stops the column
    generation between rounds (and the fairness MILPs); the result then says
    ``proven_optimal=False``. ``candidates_per_paper`` and ``add_per_paper`` only tune speed:
    the answer is the same.
    """
    start = time.perf_counter()
    deadline = start + time_limit if time_limit is not None else None
    prepared = _prepare(problem)
    if prepared.reasons:
        raise Infeasible(prepared.reasons)

    per_area: list[_AreaResult] = []
    reasons: list[str] = []
    for a in prepared.areas:
        try:
            per_area.append(
                _solve_area(
                    problem,
                    a,
                    prepared.scale,
                    candidates_per_paper=candidates_per_paper,
                    add_per_paper=add_per_paper,
                    deadline=deadline,
                )
            )
        except Infeasible as error:  # explain the other area too
            reasons.extend(error.reasons)
    if reasons:
        raise Infeasible(reasons)
    pairs = np.concatenate([prepared.pinned, *(r.pairs for r in per_area)])
    certified = all(r.certified for r in per_area)
    pinned_total = float(problem.pair_scores(prepared.pinned).sum())
    bound = pinned_total + sum(r.dual_bound for r in per_area)
    stats: dict[str, Any] = {
        "scale": prepared.scale,
        "areas": {
            AREA_NAMES[a.area]: {
                "papers": a.n,
                "reviewers": a.m,
                "rounds": r.rounds,
                "phase1_rounds": r.phase1_rounds,
                "candidate_arcs": r.candidates,
                "arcs_added": r.arcs_added,
                "seconds": r.seconds,
            }
            for a, r in zip(prepared.areas, per_area, strict=True)
        },
    }
    result = _result(
        problem,
        pairs,
        start=start,
        proven=certified,
        dual_bound=bound,
        rounds=sum(r.rounds for r in per_area),
        arcs_added=sum(r.arcs_added for r in per_area),
        candidate_arcs=sum(r.candidates for r in per_area),
        stats=stats,
    )
    if certified and result.gap > 1e-6 * max(1.0, abs(result.objective)):
        # Cannot happen unless rounding to integers costs more than the bound allows.
        result = _replace(result, proven_optimal=False)
    if fair:
        return fairness.solve_fair(problem, prepared, result, start=start, deadline=deadline)
    return result


def _replace(result: AssignmentResult, **changes: Any) -> AssignmentResult:
    return dataclasses.replace(result, **changes)


def _result(
    problem: AssignmentProblem,
    pairs: npt.NDArray[np.integer[Any]],
    *,
    start: float,
    proven: bool,
    dual_bound: float = float("nan"),
    fair: bool = False,
    rounds: int = 0,
    arcs_added: int = 0,
    candidate_arcs: int = 0,
    stats: dict[str, Any] | None = None,
) -> AssignmentResult:
    """Package an assignment: sort it and compute its scores and loads."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))]
    scores = problem.pair_scores(pairs)
    per_paper = np.bincount(pairs[:, 0], weights=scores, minlength=problem.n_papers).astype(np.float64)
    loads = np.bincount(pairs[:, 1], minlength=problem.n_reviewers).astype(np.int64)
    affinity_total = float(problem.affinity[pairs[:, 0], pairs[:, 1]].astype(np.float64).sum())
    return AssignmentResult(
        pairs=pairs,
        objective=float(scores.sum()),
        affinity_total=affinity_total,
        proven_optimal=proven,
        solve_seconds=time.perf_counter() - start,
        per_paper_score=per_paper,
        loads=loads,
        dual_bound=dual_bound,
        fair=fair,
        rounds=rounds,
        arcs_added=arcs_added,
        candidate_arcs=candidate_arcs,
        stats=stats or {},
    )

"""The reviewer-assignment problem, its result and its failure, as plain numpy data.

Nothing here knows about Django or the ORM: a chair's screen (or ``manage.py assign_instance``)
builds an :class:`AssignmentProblem` from whatever it has, calls :func:`assignments.solver.solve`
and gets an :class:`AssignmentResult` back, or an :class:`Infeasible` that says why not.

Scores
------
The score of assigning reviewer ``r`` to paper ``p`` is::

    score[p, r] = affinity[p, r] + bid_weight * bid_values[bids[p, r] + 1]

with bids encoded as in the instance files: ``-1`` = no bid, ``0`` = "no", ``1`` = "maybe",
``2`` = "yes". The default ``bid_values`` map them to ``0, -1, +0.5, +1`` (no bid is neutral, a
"no" costs as much as a "yes" gains, a "maybe" half of it: the shape of OpenReview's bid
scores and HotCRP's preferences). The default ``bid_weight`` is **0**, so bids change nothing
unless asked for: in the shared PrefLib instance the affinity already *is* the bid (bid / 4),
and counting it twice would change the known optimum. The objective is the total score over
all assigned pairs (equal to the affinity total when ``bid_weight`` is 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

SYSTEMS = 0
ML = 1
AREA_NAMES: tuple[str, str] = ("Systems", "ML")

# bids + 1 indexes this: (no bid, "no", "maybe", "yes").
DEFAULT_BID_VALUES: tuple[float, float, float, float] = (0.0, -1.0, 0.5, 1.0)

FloatArray = npt.NDArray[np.floating[Any]]
IntArray = npt.NDArray[np.integer[Any]]


class Infeasible(Exception):
    """No assignment satisfies every constraint; ``reasons`` says why, one sentence each."""

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons: list[str] = list(reasons) or ["no assignment satisfies the constraints"]
        super().__init__("; ".join(self.reasons))


def _pairs(value: Any, name: str, n_papers: int, n_reviewers: int) -> npt.NDArray[np.int64]:
    """Validate a list of (paper, reviewer) rows; return them as an int64 [k, 2] array."""
    if value is None:
        return np.zeros((0, 2), dtype=np.int64)
    arr = np.asarray(value)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.int64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{name} must be an array of (paper, reviewer) rows, shape [k, 2]; got {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise ValueError(f"{name} must hold integer indices; got {arr.dtype}")
    arr = arr.astype(np.int64)
    bad = (arr[:, 0] < 0) | (arr[:, 0] >= n_papers) | (arr[:, 1] < 0) | (arr[:, 1] >= n_reviewers)
    if bad.any():
        p, r = arr[np.argmax(bad)]
        raise ValueError(f"{name}: pair (paper {p}, reviewer {r}) is out of range ({n_papers} x {n_reviewers})")
    return np.unique(arr, axis=0)


def _loads(value: Any, name: str, n_reviewers: int) -> npt.NDArray[np.int64]:
    arr = np.asarray(value)
    if not (np.issubdtype(arr.dtype, np.integer) or (arr.dtype.kind == "f" and np.all(arr == np.round(arr)))):
        raise ValueError(f"{name} must be integers; got {arr.dtype}")
    if arr.ndim == 0:
        arr = np.full(n_reviewers, int(arr), dtype=np.int64)
    elif arr.shape != (n_reviewers,):
        raise ValueError(f"{name} must be a scalar or one value per reviewer ({n_reviewers}); got shape {arr.shape}")
    arr = arr.astype(np.int64)
    if (arr < 0).any():
        raise ValueError(f"{name} must not be negative")
    return arr


@dataclass(frozen=True, eq=False, kw_only=True)
class AssignmentProblem:
    """Papers x reviewers, each reviewer in area Systems (0) or ML (1).

    Every paper gets exactly ``systems_per_paper`` Systems and ``ml_per_paper`` ML reviewers;
    every reviewer ``r`` gets between ``min_load[r]`` and ``max_load[r]`` papers (scalars or one
    value per reviewer). Conflicted and forbidden (paper, reviewer) pairs are never assigned,
    pinned pairs always are. See the module docstring for how ``bids`` enter the score.
    """

    affinity: FloatArray
    reviewer_area: IntArray
    max_load: int | IntArray
    min_load: int | IntArray = 0
    systems_per_paper: int = 2
    ml_per_paper: int = 2
    conflicts: IntArray | None = None
    pinned: IntArray | None = None
    forbidden: IntArray | None = None
    bids: IntArray | None = None
    bid_weight: float = 0.0
    bid_values: tuple[float, float, float, float] = DEFAULT_BID_VALUES
    # Derived in __post_init__.
    max_loads: npt.NDArray[np.int64] = field(init=False, repr=False)
    min_loads: npt.NDArray[np.int64] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        aff = np.asarray(self.affinity)
        if aff.ndim != 2:
            raise ValueError(f"affinity must be a [papers, reviewers] matrix; got shape {aff.shape}")
        if aff.dtype not in (np.float32, np.float64):
            if not np.issubdtype(aff.dtype, np.number) or np.issubdtype(aff.dtype, np.complexfloating):
                raise ValueError(f"affinity must be a float matrix; got {aff.dtype}")
            aff = aff.astype(np.float64)
        if not np.isfinite(aff).all():
            raise ValueError("affinity must be finite (no NaN or inf); mark impossible pairs as conflicts")
        n, m = aff.shape
        area = np.asarray(self.reviewer_area)
        if area.shape != (m,):
            raise ValueError(f"reviewer_area must have one entry per reviewer ({m}); got shape {area.shape}")
        if not np.issubdtype(area.dtype, np.integer) or not np.isin(area, (SYSTEMS, ML)).all():
            raise ValueError("reviewer_area must hold 0 (Systems) or 1 (ML)")
        for name in ("systems_per_paper", "ml_per_paper"):
            value = getattr(self, name)
            if int(value) != value or value < 0:
                raise ValueError(f"{name} must be a non-negative integer; got {value!r}")
            object.__setattr__(self, name, int(value))
        max_loads = _loads(self.max_load, "max_load", m)
        min_loads = _loads(self.min_load, "min_load", m)
        low = np.flatnonzero(min_loads > max_loads)
        if low.size:
            r = int(low[0])
            raise ValueError(f"reviewer {r}: min_load {min_loads[r]} exceeds max_load {max_loads[r]}")
        bids = None
        if self.bids is not None:
            bids = np.asarray(self.bids)
            if bids.shape != (n, m):
                raise ValueError(f"bids must have the shape of affinity {(n, m)}; got {bids.shape}")
            if not np.issubdtype(bids.dtype, np.integer) or bids.min(initial=0) < -1 or bids.max(initial=0) > 2:
                raise ValueError("bids must be integers in -1 (none), 0 (no), 1 (maybe), 2 (yes)")
            bids = bids.astype(np.int8, copy=False)
        if len(self.bid_values) != 4 or not np.isfinite(self.bid_values).all():
            raise ValueError("bid_values must be four finite numbers: none, no, maybe, yes")
        if not np.isfinite(self.bid_weight):
            raise ValueError("bid_weight must be finite")
        object.__setattr__(self, "affinity", aff)
        object.__setattr__(self, "reviewer_area", area.astype(np.int8, copy=False))
        object.__setattr__(self, "max_loads", max_loads)
        object.__setattr__(self, "min_loads", min_loads)
        object.__setattr__(self, "bids", bids)
        object.__setattr__(self, "bid_values", tuple(float(v) for v in self.bid_values))
        object.__setattr__(self, "bid_weight", float(self.bid_weight))
        for name in ("conflicts", "pinned", "forbidden"):
            object.__setattr__(self, name, _pairs(getattr(self, name), name, n, m))

    # -- shape ---------------------------------------------------------------------------------

    @property
    def n_papers(self) -> int:
        return int(self.affinity.shape[0])

    @property
    def n_reviewers(self) -> int:
        return int(self.affinity.shape[1])

    def per_paper(self, area: int) -> int:
        """How many reviewers of ``area`` each paper needs."""
        return self.systems_per_paper if area == SYSTEMS else self.ml_per_paper

    def reviewers_of(self, area: int) -> npt.NDArray[np.int64]:
        return np.flatnonzero(self.reviewer_area == area).astype(np.int64)

    @property
    def uses_bids(self) -> bool:
        return self.bids is not None and self.bid_weight != 0.0

    # -- scores --------------------------------------------------------------------------------

    def scores(self, rows: Any = slice(None), cols: Any = slice(None)) -> npt.NDArray[np.float64]:
        """Score block ``score[rows][:, cols]`` as float64 (a copy); rows/cols are slices or index arrays."""
        index = np.ix_(rows, cols) if not isinstance(rows, slice) and not isinstance(cols, slice) else (rows, cols)
        block = np.asarray(self.affinity[index], dtype=np.float64)
        if self.uses_bids:
            assert self.bids is not None
            values = self.bid_weight * np.asarray(self.bid_values, dtype=np.float64)
            block = block + values[self.bids[index].astype(np.intp) + 1]
        return block

    def pair_scores(self, pairs: npt.NDArray[np.integer[Any]]) -> npt.NDArray[np.float64]:
        """Scores of individual (paper, reviewer) rows."""
        pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
        out = self.affinity[pairs[:, 0], pairs[:, 1]].astype(np.float64)
        if self.uses_bids:
            assert self.bids is not None
            values = self.bid_weight * np.asarray(self.bid_values, dtype=np.float64)
            out = out + values[self.bids[pairs[:, 0], pairs[:, 1]].astype(np.intp) + 1]
        return out

    def max_abs_score(self) -> float:
        top = float(np.abs(self.affinity).max(initial=0.0))
        if self.uses_bids:
            top += abs(self.bid_weight) * max(abs(v) for v in self.bid_values)
        return top

    def disallowed(self) -> npt.NDArray[np.int64]:
        """Conflicted or forbidden pairs as sorted unique ``[k, 2]`` rows."""
        assert self.conflicts is not None
        assert self.forbidden is not None
        both = np.concatenate([self.conflicts, self.forbidden])
        return np.unique(both, axis=0) if both.size else np.zeros((0, 2), dtype=np.int64)


@dataclass(frozen=True, eq=False, kw_only=True)
class AssignmentResult:
    """An assignment and how good it is.

    ``pairs`` are ``(paper, reviewer)`` rows sorted by paper then reviewer. ``objective`` is the
    total score (see the module docstring) and ``dual_bound`` an upper bound on it from the
    flow's node potentials (Lagrangian bound over the *full* matrix), so ``dual_bound -
    objective`` bounds how far from the optimum the assignment can be. ``proven_optimal`` is
    true when the certification over every (paper, reviewer) pair succeeded (and, with
    ``fair``, when both HiGHS stages reported optimality).
    """

    pairs: npt.NDArray[np.int64]
    objective: float
    affinity_total: float
    proven_optimal: bool
    solve_seconds: float
    per_paper_score: npt.NDArray[np.float64]
    loads: npt.NDArray[np.int64]
    dual_bound: float = float("nan")
    fair: bool = False
    rounds: int = 0
    arcs_added: int = 0
    candidate_arcs: int = 0
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def min_paper_score(self) -> float:
        return float(self.per_paper_score.min(initial=np.inf)) if self.per_paper_score.size else 0.0

    @property
    def gap(self) -> float:
        """``dual_bound - objective``: how much better any assignment could possibly be (nan if unknown)."""
        return self.dual_bound - self.objective

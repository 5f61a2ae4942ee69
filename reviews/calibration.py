"""Calibrated scores: the additive model ``score = paper quality + reviewer bias + noise``.

Fitted by least squares on the submitted reviews' overall merit (:func:`fit` is a pure function
of ``(paper, reviewer, score)`` triples; :func:`merit_key` picks the field). The model alone is
not identifiable: adding a constant to every quality of a connected group of papers and
subtracting it from the biases of their reviewers fits as well. A small **ridge** on the biases
settles it and does two things at once:

- at the minimum the biases of each connected component (papers and reviewers linked by
  reviews) sum to zero (moving them all by ``c`` only changes the penalty, which is least at a
  zero sum), so each component keeps its own mean: a component's calibrated scores average
  about its raw scores, whatever the other components' reviewers do;
- a reviewer with few reviews is shrunk toward no bias. The penalty ``RIDGE * sum(bias**2)``
  is a Gaussian prior ``bias ~ N(0, noise_var / RIDGE)``: with ``RIDGE = 1`` a reviewer's bias
  counts as if they had written one more review that agreed with the papers' estimated
  qualities: a single review's bias is shrunk by about half, sixteen reviews' by about 6%.

Paper qualities are not penalized. The sum-to-zero per component is then enforced exactly
(the solver stops at a tolerance) by moving each component's mean bias into its papers.
Solved with ``scipy.sparse.linalg.lsqr`` on the sparse design matrix, augmented with
``sqrt(RIDGE)`` rows for the biases (10,000 papers x 4 reviews: well under a second, see
``bench/calibration.py``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import lsqr
from threadpoolctl import threadpool_limits  # installed with scikit-learn

RIDGE = 1.0
MERIT_KEY = "merit"


@dataclass(frozen=True)
class ReviewerBias:
    reviewer: Hashable
    bias: float  # added to the paper's quality by this reviewer, in score points
    reviews: int


@dataclass(frozen=True)
class PaperScore:
    paper: Hashable
    calibrated: float  # the estimated quality, on the scale of the scores
    mean: float  # the mean raw score
    reviews: int
    component: int  # papers linked through shared reviewers share a component
    calibrated_rank: int = 0  # 1 = best
    mean_rank: int = 0


@dataclass(frozen=True)
class Calibration:
    reviewers: dict[Hashable, ReviewerBias]
    papers: dict[Hashable, PaperScore]
    components: int
    ridge: float

    @property
    def is_empty(self) -> bool:
        return not self.papers


def merit_key(fields: Sequence[Any]) -> str | None:
    """The score to calibrate: the field keyed "merit", else the form's first score field."""
    scores = [field for field in fields if getattr(field, "type", None) == "score"]
    if any(field.key == MERIT_KEY for field in scores):
        return MERIT_KEY
    return scores[0].key if scores else None


def fit(observations: Iterable[tuple[Hashable, Hashable, float]], *, ridge: float = RIDGE) -> Calibration:
    """Fit the additive model to ``(paper, reviewer, score)`` triples (one per review)."""
    rows = [(paper, reviewer, float(score)) for paper, reviewer, score in observations]
    if not rows:
        return Calibration({}, {}, 0, ridge)
    paper_ids = list(dict.fromkeys(row[0] for row in rows))
    reviewer_ids = list(dict.fromkeys(row[1] for row in rows))
    paper_index = {paper: i for i, paper in enumerate(paper_ids)}
    reviewer_index = {reviewer: j for j, reviewer in enumerate(reviewer_ids)}
    n_obs, n_papers, n_reviewers = len(rows), len(paper_ids), len(reviewer_ids)
    p = np.fromiter((paper_index[row[0]] for row in rows), dtype=np.int64, count=n_obs)
    r = np.fromiter((reviewer_index[row[1]] for row in rows), dtype=np.int64, count=n_obs)
    y = np.fromiter((row[2] for row in rows), dtype=np.float64, count=n_obs)

    center = float(y.mean())  # solve for deviations: fewer iterations, same answer
    obs = np.arange(n_obs)
    ridge_rows = n_obs + np.arange(n_reviewers)
    design = coo_matrix(
        (
            np.concatenate([np.ones(2 * n_obs), np.full(n_reviewers, np.sqrt(ridge))]),
            (
                np.concatenate([obs, obs, ridge_rows]),
                np.concatenate([p, n_papers + r, n_papers + np.arange(n_reviewers)]),
            ),
        ),
        shape=(n_obs + n_reviewers, n_papers + n_reviewers),
    ).tocsr()
    target = np.concatenate([y - center, np.zeros(n_reviewers)])
    with threadpool_limits(limits=1, user_api="blas"):  # short vectors: BLAS threads only contend
        solution = lsqr(design, target, atol=1e-12, btol=1e-12, iter_lim=20 * (n_papers + n_reviewers))[0]
    quality, bias = solution[:n_papers] + center, solution[n_papers:]

    graph = csr_matrix((np.ones(n_obs), (p, r)), shape=(n_papers, n_reviewers))
    components, labels = _components(graph)
    paper_component, reviewer_component = labels[:n_papers], labels[n_papers:]
    for c in range(components):  # exact zero-sum of each component's biases
        members = reviewer_component == c
        shift = bias[members].mean()
        bias[members] -= shift
        quality[paper_component == c] += shift

    counts_p = np.bincount(p, minlength=n_papers)
    means = np.bincount(p, weights=y, minlength=n_papers) / counts_p
    counts_r = np.bincount(r, minlength=n_reviewers)
    calibrated_rank, mean_rank = _ranks(quality), _ranks(means)
    papers = {
        paper: PaperScore(
            paper=paper,
            calibrated=float(quality[i]),
            mean=float(means[i]),
            reviews=int(counts_p[i]),
            component=int(paper_component[i]),
            calibrated_rank=int(calibrated_rank[i]),
            mean_rank=int(mean_rank[i]),
        )
        for i, paper in enumerate(paper_ids)
    }
    reviewers = {
        reviewer: ReviewerBias(reviewer=reviewer, bias=float(bias[j]), reviews=int(counts_r[j]))
        for j, reviewer in enumerate(reviewer_ids)
    }
    return Calibration(reviewers, papers, components, ridge)


def _components(graph: csr_matrix) -> tuple[int, Any]:
    """Connected components of the bipartite paper-reviewer graph (papers first)."""
    n_papers, n_reviewers = graph.shape
    full = coo_matrix(graph)
    adjacency = coo_matrix(
        (full.data, (full.row, n_papers + full.col)), shape=(n_papers + n_reviewers, n_papers + n_reviewers)
    )
    count, labels = connected_components(adjacency, directed=False)
    return int(count), labels


def _ranks(values: Any) -> Any:
    """1 for the highest value; ties share the better rank (competition ranking)."""
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.int64)
    sorted_values = values[order]
    position = 1
    for k, index in enumerate(order):
        if k > 0 and sorted_values[k] < sorted_values[k - 1] - 1e-9:
            position = k + 1
        ranks[index] = position
    return ranks

"""An edition's assignment problem, read from the database into the solver's numpy form.

Rows are the edition's active submissions, columns its PC members (Systems first, then ML),
in a fixed order so that the solver's ``(paper, reviewer)`` indices map back to ids.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from assignments.models import AssignmentSource
from assignments.selectors import reviews_of
from assignments.solver import ML, SYSTEMS, AssignmentProblem
from bidding.models import Affinity, Bid
from conferences.models import Area, Edition, Role
from conferences.roles import RoleKind
from submissions.models import Conflict, Submission

AREA_INDEX = {Area.SYSTEMS: SYSTEMS, Area.ML: ML}
# Bid levels (-2..2) in the instance files' encoding: -1 none, 0 no, 1 maybe, 2 yes.
BID_TO_INSTANCE = {-2: 0, -1: 0, 0: 1, 1: 2, 2: 2}


@dataclass(frozen=True)
class EditionInstance:
    """The solver's problem plus the ids behind its rows and columns."""

    problem: AssignmentProblem
    submission_ids: list[int]
    submission_numbers: list[int]
    reviewer_ids: list[int]
    affinity: npt.NDArray[np.float64]  # the plain affinity (without bids), for reports
    bids: npt.NDArray[np.int8]  # instance encoding

    def paper_index(self) -> dict[int, int]:
        return {sid: i for i, sid in enumerate(self.submission_ids)}

    def reviewer_index(self) -> dict[int, int]:
        return {uid: j for j, uid in enumerate(self.reviewer_ids)}


def edition_instance(edition: Edition, *, bid_weight: float = 0.0) -> EditionInstance:
    """Build the problem: affinity (plus ``bid_weight`` x bid level / 2), areas, loads,
    conflicts (declared, automatic and the chairs' forbidden pairs) and pins (review
    assignments made by hand or already committed)."""
    submissions = list(
        Submission.objects.filter(edition=edition).active().order_by("number").values_list("pk", "number")
    )
    roles = sorted(
        Role.objects.filter(edition=edition, kind=RoleKind.PC_MEMBER).select_related("user"),
        key=lambda r: (AREA_INDEX[Area(r.area)], r.user.last_name.lower(), r.user_id),
    )
    paper = {sid: i for i, (sid, _) in enumerate(submissions)}
    reviewer = {r.user_id: j for j, r in enumerate(roles)}
    shape = (len(submissions), len(roles))

    affinity = np.zeros(shape, dtype=np.float64)
    for sid, uid, score in Affinity.objects.filter(submission_id__in=paper, user_id__in=reviewer).values_list(
        "submission_id", "user_id", "score"
    ):
        affinity[paper[sid], reviewer[uid]] = score
    levels = np.zeros(shape, dtype=np.float64)
    bids = np.full(shape, -1, dtype=np.int8)
    for sid, uid, level in Bid.objects.filter(submission_id__in=paper, user_id__in=reviewer).values_list(
        "submission_id", "user_id", "level"
    ):
        levels[paper[sid], reviewer[uid]] = level
        bids[paper[sid], reviewer[uid]] = BID_TO_INSTANCE[level]

    def pairs(rows: list[tuple[int, int]]) -> npt.NDArray[np.int64]:
        found = [(paper[s], reviewer[u]) for s, u in rows if s in paper and u in reviewer]
        return np.array(found, dtype=np.int64).reshape(-1, 2)

    conflicts = pairs(
        list(Conflict.objects.filter(submission__edition=edition).values_list("submission_id", "user_id"))
    )
    pinned = pairs(
        list(
            reviews_of(edition)
            .exclude(source=AssignmentSource.SOLVER, is_committed=False)
            .values_list("submission_id", "user_id")
        )
    )
    problem = AssignmentProblem(
        affinity=affinity + bid_weight * levels / 2.0,
        reviewer_area=np.array([AREA_INDEX[Area(r.area)] for r in roles], dtype=np.int8),
        max_load=np.array(
            [r.max_load if r.max_load is not None else edition.default_max_load for r in roles], dtype=np.int64
        ),
        min_load=np.array(
            [r.min_load if r.min_load is not None else edition.default_min_load for r in roles], dtype=np.int64
        ),
        systems_per_paper=edition.systems_reviewers_per_paper,
        ml_per_paper=edition.ml_reviewers_per_paper,
        conflicts=conflicts,
        pinned=pinned,
    )
    return EditionInstance(
        problem=problem,
        submission_ids=[sid for sid, _ in submissions],
        submission_numbers=[number for _, number in submissions],
        reviewer_ids=[r.user_id for r in roles],
        affinity=affinity,
        bids=bids,
    )

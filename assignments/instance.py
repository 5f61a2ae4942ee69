"""An edition's assignment problem, read from the database into the solver's numpy form.

Rows are the edition's active submissions, columns its PC members (Systems first, then ML),
in a fixed order so that the solver's ``(paper, reviewer)`` indices map back to ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from assignments.loads import effective_max_load, effective_min_load, even_share
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
    # Assignments kept from before (by hand or committed) whose pair became conflicted since:
    # left out of the pins, so the run proposes a replacement and the chairs remove them.
    conflicted_pins: list[tuple[int, int]] = field(default_factory=list)  # (submission id, user id)

    def paper_index(self) -> dict[int, int]:
        return {sid: i for i, sid in enumerate(self.submission_ids)}

    def reviewer_index(self) -> dict[int, int]:
        return {uid: j for j, uid in enumerate(self.reviewer_ids)}


def edition_instance(edition: Edition, *, bid_weight: float = 0.0, even_share: bool = True) -> EditionInstance:
    """Build the problem: affinity (plus ``bid_weight`` x bid level / 2), areas, loads,
    conflicts (declared, automatic and the chairs' forbidden pairs) and pins (review
    assignments made by hand or already committed). Members without an explicit minimum load
    get their area's even share, unless ``even_share`` is off (then the edition's default)."""
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

    conflicted = set(Conflict.objects.filter(submission__edition=edition).values_list("submission_id", "user_id"))
    conflicts = pairs(sorted(conflicted))
    kept = list(
        reviews_of(edition)
        .exclude(source=AssignmentSource.SOLVER, is_committed=False)
        .order_by("submission__number", "user_id")
        .values_list("submission_id", "user_id")
    )
    pinned = pairs([pair for pair in kept if pair not in conflicted])
    problem = AssignmentProblem(
        affinity=affinity + bid_weight * levels / 2.0,
        reviewer_area=np.array([AREA_INDEX[Area(r.area)] for r in roles], dtype=np.int8),
        max_load=np.array([effective_max_load(edition, r.max_load) for r in roles], dtype=np.int64),
        min_load=_min_loads(edition, roles, n_papers=len(submissions), conflicts=conflicts, share=even_share),
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
        conflicted_pins=[pair for pair in kept if pair in conflicted and pair[0] in paper],
    )


def _min_loads(
    edition: Edition, roles: list[Role], *, n_papers: int, conflicts: npt.NDArray[np.int64], share: bool
) -> npt.NDArray[np.int64]:
    """Per-member lower bounds; the default is the even share of the member's area."""
    sizes = {area: sum(1 for r in roles if r.area == area) for area in Area.values}
    conflicted = np.bincount(conflicts[:, 1], minlength=len(roles)) if len(conflicts) else np.zeros(len(roles))
    return np.array(
        [
            effective_min_load(
                edition,
                explicit=r.min_load,
                explicit_max=r.max_load,
                share=even_share(edition, r.area, papers=n_papers, members=sizes[r.area]) if share else 0,
                available=n_papers - int(conflicted[j]),
            )
            for j, r in enumerate(roles)
        ],
        dtype=np.int64,
    )

"""What the signed-in user can do now in an edition: one panel per hat they wear."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assignments.selectors import papers_to_review
from bidding import policy as bidding_policy
from bidding.selectors import bid_count_of
from committees import policy as committee_policy
from committees.models import Role, RoleKind
from committees.selectors import pc_balance, roles_of
from conferences.models import Edition
from conferences.policy import can_manage_edition
from mlsys_conf.policy import Verdict
from submissions import policy as submission_policy
from submissions.models import Submission
from submissions.selectors import submissions_of_author, submissions_of_edition


@dataclass
class Dashboard:
    roles: list[Role] = field(default_factory=list)
    my_submissions: list[Submission] = field(default_factory=list)
    can_register: Verdict | None = None
    is_chair: bool = False
    on_pc: bool = False
    on_ae: bool = False
    can_bid: Verdict | None = None
    bid_count: int = 0
    papers_to_review: list[Submission] = field(default_factory=list)
    chair_stats: dict[str, Any] = field(default_factory=dict)


def dashboard_for(user: Any, edition: Edition, now: datetime) -> Dashboard:
    board = Dashboard()
    if not user.is_authenticated:
        return board
    kinds = roles_of(user, edition)
    board.roles = list(Role.objects.filter(edition=edition, user=user))
    board.my_submissions = list(submissions_of_author(user, edition))
    board.can_register = submission_policy.can_register_submission(user, edition, now)
    board.is_chair = bool(can_manage_edition(user, edition))
    board.on_pc = committee_policy.is_on_pc(user, edition)
    board.on_ae = committee_policy.is_on_ae(user, edition)
    if kinds & {RoleKind.PC_MEMBER, RoleKind.AREA_CHAIR}:
        board.can_bid = bidding_policy.can_place_bids(user, edition, now)
        board.bid_count = bid_count_of(user, edition)
        board.papers_to_review = list(papers_to_review(user, edition))
    if board.is_chair:
        submissions = submissions_of_edition(edition)
        board.chair_stats = {
            "submissions": submissions.filter(withdrawn_at__isnull=True).count(),
            "withdrawn": submissions.filter(withdrawn_at__isnull=False).count(),
            "pc_balance": pc_balance(edition),
            "ae_members": Role.objects.filter(edition=edition, kind=RoleKind.AE_MEMBER).count(),
        }
    return board

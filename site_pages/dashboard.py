"""The panels of the edition page's dashboard, one per hat the user wears: author, each
committee role, chair. Registered with :mod:`conferences.panels` by this app's ``ready()``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from assignments.selectors import papers_to_review
from bidding import policy as bidding_policy
from bidding.selectors import bid_count_of
from committees.selectors import pc_balance
from conferences.models import Edition, Role
from conferences.panels import register_panel
from conferences.policy import can_manage_edition
from conferences.roles import RoleKind
from submissions import policy as submission_policy
from submissions.models import Submission
from submissions.selectors import submissions_of_author


def author_panel(user: Any, edition: Edition, now: datetime) -> Iterable[dict[str, Any]]:
    """Everyone signed in is a possible author: their papers, and whether they may register one."""
    yield {
        "my_submissions": list(submissions_of_author(user, edition)),
        "can_register": submission_policy.can_register_submission(user, edition, now),
    }


def role_panels(user: Any, edition: Edition, now: datetime) -> Iterable[dict[str, Any]]:
    """One panel per committee role (the chair's is its own panel): bidding and papers to
    review for the roles that bid."""
    roles = [role for role in Role.objects.filter(edition=edition, user=user) if not RoleKind(role.kind).is_chair]
    bids = any(RoleKind(role.kind).bids for role in roles)
    work: dict[str, Any] = {}
    if bids:
        work = {
            "can_bid": bidding_policy.can_place_bids(user, edition, now),
            "bid_count": bid_count_of(user, edition),
            "papers_to_review": list(papers_to_review(user, edition)),
        }
    for role in roles:
        yield {"role": role, "bids": RoleKind(role.kind).bids, **work}


def chair_panel(user: Any, edition: Edition, now: datetime) -> Iterable[dict[str, Any]]:
    if not can_manage_edition(user, edition):
        return
    submissions = Submission.objects.filter(edition=edition)
    yield {
        "submissions": submissions.active().count(),
        "withdrawn": submissions.withdrawn().count(),
        "pc_balance": pc_balance(edition),
        "ae_members": Role.objects.filter(edition=edition, kind=RoleKind.AE_MEMBER).count(),
    }


def register_panels() -> None:
    register_panel("author", template="site_pages/panels/author.html", build=author_panel, order=10)
    register_panel("roles", template="site_pages/panels/role.html", build=role_panels, order=20)
    register_panel("chair", template="site_pages/panels/chair.html", build=chair_panel, order=30)

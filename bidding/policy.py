"""Who may see the bidding page, bid on a paper, and see the chairs' bid statistics and the
affinity explanations.

"Who may bid" is one rule, :func:`can_place_bids` (a member whose role bids, in the bidding
phase to the second, with the exact reason when it is not open: "opens at ...", "passed at
..."), and :func:`can_bid_on_paper` adds the paper (withdrawn, conflicted). The bidding
services enforce them; the pages, the API and the dashboards ask them what to show.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from bidding.selectors import has_conflict, is_bidder
from committees.policy import is_pc_chair
from conferences.models import Edition, Phase
from conferences.services import DeadlinePassed, require_phase_open
from mlsys_conf.policy import ALLOW, SIGN_IN_FIRST, Verdict, deny, rule, when_signed_in
from submissions.models import Submission


def why_bidding_closed(edition: Edition, now: datetime | None = None) -> str | None:
    """None while the bidding phase is open; otherwise when it opens or when it closed."""
    try:
        require_phase_open(edition, Phase.BIDDING, now=now or timezone.now())
    except DeadlinePassed as closed:
        return " ".join(closed.messages)
    return None


@rule
def can_view_bidding_page(user: Any, edition: Edition) -> Verdict:
    """The papers to bid on, at any time; outside the bidding phase the page is read-only."""
    return when_signed_in(
        user, is_bidder(user, edition), "The bidding page is for the PC members and area chairs of this edition."
    )


@rule
def can_place_bids(user: Any, edition: Edition, now: datetime | None = None) -> Verdict:
    """Bid (or declare a conflict while bidding): a PC member or area chair, phase open."""
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if not is_bidder(user, edition):
        return deny("Only PC members and area chairs bid on papers.")
    closed = why_bidding_closed(edition, now)
    return deny(closed) if closed else ALLOW


@rule
def can_bid_on_paper(user: Any, submission: Submission, now: datetime | None = None) -> Verdict:
    verdict = can_place_bids(user, submission.edition, now)
    if not verdict:
        return verdict
    if not submission.is_active:
        return deny(f"This paper was {submission.get_state_display().lower()}.")
    if has_conflict(user, submission):
        return deny("You have a conflict of interest with this paper, so you do not bid on it.")
    return ALLOW


def _chairs_only(user: Any, edition: Edition, what: str) -> Verdict:
    return when_signed_in(user, is_pc_chair(user, edition), f"Only the PC chairs of this edition see {what}.")


@rule
def can_see_bid_stats(user: Any, edition: Edition) -> Verdict:
    return _chairs_only(user, edition, "the bids of the PC")


@rule
def can_see_affinity_explanation(user: Any, edition: Edition) -> Verdict:
    return _chairs_only(user, edition, "how affinities were computed")


@rule
def can_compute_affinities(user: Any, edition: Edition) -> Verdict:
    return when_signed_in(user, is_pc_chair(user, edition), "Only the PC chairs of this edition compute affinities.")

"""Bidding rules, asked of every persona: the bidding page, bidding on a paper (phase, conflicts,
withdrawals, with the exact reason), and the chairs' statistics and explanations."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from bidding import policy
from conferences.models import Area, Edition, Phase
from conferences.roles import RoleKind
from mlsys_conf.policy import RULES, SIGN_IN_FIRST
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission, SubmissionState
from tests.bidding.helpers import forget_timeline, open_bidding
from tests.factories.committees import RoleFactory
from tests.personas import others, persona_user

pytestmark = pytest.mark.django_db

BIDDERS = ("pc_systems", "pc_ml")
CHAIRS = ("chair", "superuser")


def test_rules_are_registered_by_name() -> None:
    for name in (
        "can_view_bidding_page",
        "can_place_bids",
        "can_bid_on_paper",
        "can_see_bid_stats",
        "can_see_affinity_explanation",
        "can_compute_affinities",
    ):
        assert RULES[name] is getattr(policy, name)


# --- can_view_bidding_page ---------------------------------------------------------------------


@pytest.mark.parametrize("persona", BIDDERS)
def test_pc_members_see_the_bidding_page_at_any_time(
    request: pytest.FixtureRequest, edition: Edition, persona: str
) -> None:
    assert policy.can_view_bidding_page(persona_user(request, persona), edition)  # before bidding opens
    open_bidding(edition)
    assert policy.can_view_bidding_page(persona_user(request, persona), edition)


def test_area_chairs_see_the_bidding_page(edition: Edition) -> None:
    area_chair = RoleFactory(edition=edition, kind=RoleKind.AREA_CHAIR, area=Area.ML).user
    assert policy.can_view_bidding_page(area_chair, edition)


@pytest.mark.parametrize("persona", others(*BIDDERS))
def test_others_do_not_see_the_bidding_page(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    verdict = policy.can_view_bidding_page(persona_user(request, persona), edition)
    assert not verdict
    if persona == "anonymous":
        assert verdict == SIGN_IN_FIRST
    else:
        assert verdict.reason == "The bidding page is for the PC members and area chairs of this edition."


def test_a_pc_member_of_another_edition_does_not_see_this_bidding_page(edition: Edition) -> None:
    elsewhere = RoleFactory(kind=RoleKind.PC_MEMBER).user
    assert not policy.can_view_bidding_page(elsewhere, edition)


# --- can_place_bids ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", BIDDERS)
def test_pc_members_bid_while_bidding_is_open(request: pytest.FixtureRequest, bidding: Edition, persona: str) -> None:
    assert policy.can_place_bids(persona_user(request, persona), bidding)


def test_area_chairs_bid_while_bidding_is_open(bidding: Edition) -> None:
    area_chair = RoleFactory(edition=bidding, kind=RoleKind.AREA_CHAIR, area=Area.SYSTEMS).user
    assert policy.can_place_bids(area_chair, bidding)


@pytest.mark.parametrize("persona", others(*BIDDERS))
def test_others_never_bid(request: pytest.FixtureRequest, bidding: Edition, persona: str) -> None:
    verdict = policy.can_place_bids(persona_user(request, persona), bidding)
    assert not verdict
    if persona == "anonymous":
        assert verdict == SIGN_IN_FIRST
    else:
        assert verdict.reason == "Only PC members and area chairs bid on papers."


def test_before_bidding_opens_the_reason_says_when_it_opens(edition: Edition, pc_systems: Any) -> None:
    verdict = policy.can_place_bids(pc_systems, edition)
    assert not verdict
    assert verdict.reason.startswith("Bidding opens at ")
    assert "AoE" in verdict.reason


def test_bidding_is_open_to_the_second_of_its_deadline(edition: Edition, pc_ml: Any) -> None:
    deadline = open_bidding(edition)
    assert policy.can_place_bids(pc_ml, edition, deadline.closes_at)
    late = policy.can_place_bids(pc_ml, edition, deadline.closes_at + timedelta(seconds=1))
    assert not late
    assert late.reason.startswith("The bidding deadline passed at ")


def test_no_bidding_deadline_means_no_bidding(edition: Edition, pc_ml: Any) -> None:
    edition.deadlines.filter(phase=Phase.BIDDING).delete()
    forget_timeline(edition)
    verdict = policy.can_place_bids(pc_ml, edition)
    assert not verdict
    assert "no deadline set" in verdict.reason


# --- can_bid_on_paper --------------------------------------------------------------------------


def test_pc_member_bids_on_a_paper(bidding: Edition, submission: Submission, pc_systems: Any) -> None:
    assert policy.can_bid_on_paper(pc_systems, submission)


def test_no_bid_on_a_conflicted_paper(bidding: Edition, submission: Submission, pc_systems: Any) -> None:
    Conflict.objects.create(
        submission=submission, user=pc_systems, reason=ConflictReason.COLLABORATOR, source=ConflictSource.AUTHOR
    )
    verdict = policy.can_bid_on_paper(pc_systems, submission)
    assert not verdict
    assert "conflict of interest" in verdict.reason


def test_no_bid_on_a_withdrawn_paper(bidding: Edition, submission: Submission, pc_systems: Any) -> None:
    submission.state, submission.withdrawn_at = SubmissionState.WITHDRAWN, timezone.now()
    submission.save()
    verdict = policy.can_bid_on_paper(pc_systems, submission)
    assert not verdict
    assert verdict.reason == "This paper was withdrawn."


def test_no_bid_on_a_paper_outside_the_phase(edition: Edition, submission: Submission, pc_systems: Any) -> None:
    verdict = policy.can_bid_on_paper(pc_systems, submission)
    assert not verdict
    assert verdict.reason.startswith("Bidding opens at ")


# --- The chairs' rules -------------------------------------------------------------------------

CHAIR_RULES = ("can_see_bid_stats", "can_see_affinity_explanation", "can_compute_affinities")


@pytest.mark.parametrize("rule_name", CHAIR_RULES)
@pytest.mark.parametrize("persona", CHAIRS)
def test_chairs_see_bids_and_affinities(
    request: pytest.FixtureRequest, edition: Edition, persona: str, rule_name: str
) -> None:
    assert RULES[rule_name](persona_user(request, persona), edition)


@pytest.mark.parametrize("rule_name", CHAIR_RULES)
@pytest.mark.parametrize("persona", others(*CHAIRS))
def test_others_do_not_see_bids_and_affinities(
    request: pytest.FixtureRequest, edition: Edition, persona: str, rule_name: str
) -> None:
    verdict = RULES[rule_name](persona_user(request, persona), edition)
    assert not verdict
    if persona == "anonymous":
        assert verdict == SIGN_IN_FIRST
    else:
        assert verdict.reason.startswith("Only the PC chairs of this edition")

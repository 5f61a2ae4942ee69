"""Committee rules, asked of every persona: managing the committee, the PC and AE
dashboards, and bidding (which also needs the bidding phase open)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from committees.models import RoleKind
from committees.policy import can_bid, can_manage_committee, can_use_ae_dashboard, can_use_pc_dashboard
from conferences.models import Area, Edition, Phase
from mlsys_conf.policy import SIGN_IN_FIRST
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory
from tests.personas import others, persona_user

pytestmark = pytest.mark.django_db


def bidding_now(edition: Edition) -> Any:
    """A moment inside the fixture edition's bidding window (paper closes, bidding opens)."""
    paper = edition.deadlines.get(phase=Phase.PAPER_SUBMISSION).closes_at
    return paper + timedelta(hours=1)


# --- can_manage_committee -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["chair", "superuser"])
def test_chairs_manage_the_committee(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    assert can_manage_committee(persona_user(request, persona), edition)


@pytest.mark.parametrize("persona", others("chair", "superuser"))
def test_others_do_not_manage_the_committee(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    verdict = can_manage_committee(persona_user(request, persona), edition)
    assert not verdict
    assert verdict.reason
    if persona == "anonymous":
        assert verdict == SIGN_IN_FIRST
    else:
        assert "Only the PC chairs" in verdict.reason


# --- can_use_pc_dashboard -------------------------------------------------------------------


PC_DASHBOARD = ("pc_systems", "pc_ml", "chair", "superuser")


@pytest.mark.parametrize("persona", PC_DASHBOARD)
def test_pc_uses_the_pc_dashboard(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    assert can_use_pc_dashboard(persona_user(request, persona), edition)


@pytest.mark.parametrize("persona", others(*PC_DASHBOARD))
def test_others_do_not_use_the_pc_dashboard(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    verdict = can_use_pc_dashboard(persona_user(request, persona), edition)
    assert not verdict
    assert verdict.reason == (
        SIGN_IN_FIRST.reason if persona == "anonymous" else "This page is for members of the programme committee."
    )


def test_area_chair_uses_the_pc_dashboard(edition: Edition) -> None:
    user = RoleFactory(edition=edition, kind=RoleKind.AREA_CHAIR, area=Area.ML).user
    assert can_use_pc_dashboard(user, edition)


def test_pc_member_of_another_edition_does_not_use_this_pc_dashboard(edition: Edition, pc_systems: Any) -> None:
    assert not can_use_pc_dashboard(pc_systems, EditionFactory())


# --- can_use_ae_dashboard -------------------------------------------------------------------


AE_DASHBOARD = ("ae_member", "chair", "superuser")


@pytest.mark.parametrize("persona", AE_DASHBOARD)
def test_ae_uses_the_ae_dashboard(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    assert can_use_ae_dashboard(persona_user(request, persona), edition)


@pytest.mark.parametrize("persona", others(*AE_DASHBOARD))
def test_others_do_not_use_the_ae_dashboard(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    verdict = can_use_ae_dashboard(persona_user(request, persona), edition)
    assert not verdict
    assert verdict.reason == (
        SIGN_IN_FIRST.reason
        if persona == "anonymous"
        else "This page is for members of the artifact evaluation committee."
    )


def test_ae_chair_uses_the_ae_dashboard_but_not_the_pc_one(edition: Edition) -> None:
    user = RoleFactory(edition=edition, kind=RoleKind.AE_CHAIR).user
    assert can_use_ae_dashboard(user, edition)
    assert not can_use_pc_dashboard(user, edition)


# --- can_bid --------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["pc_systems", "pc_ml"])
def test_pc_members_bid_while_bidding_is_open(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    assert can_bid(persona_user(request, persona), edition, bidding_now(edition))


def test_area_chair_bids(edition: Edition) -> None:
    user = RoleFactory(edition=edition, kind=RoleKind.AREA_CHAIR, area=Area.SYSTEMS).user
    assert can_bid(user, edition, bidding_now(edition))


@pytest.mark.parametrize("persona", others("pc_systems", "pc_ml"))
def test_others_do_not_bid(request: pytest.FixtureRequest, edition: Edition, persona: str) -> None:
    """Chairs (and superusers) assign papers; they don't bid on them."""
    verdict = can_bid(persona_user(request, persona), edition, bidding_now(edition))
    assert not verdict
    assert verdict.reason == (
        SIGN_IN_FIRST.reason if persona == "anonymous" else "Only PC members and area chairs bid on papers."
    )


def test_pc_member_does_not_bid_before_bidding_opens(edition: Edition, pc_systems: Any) -> None:
    paper = edition.deadlines.get(phase=Phase.PAPER_SUBMISSION).closes_at
    verdict = can_bid(pc_systems, edition, paper - timedelta(seconds=1))
    assert not verdict
    assert verdict.reason == "Bidding is not open now."
    # The fixture edition is in its submission phase: no bidding by the clock either.
    assert not can_bid(pc_systems, edition)


def test_pc_member_bids_up_to_the_bidding_deadline_second(edition: Edition, pc_ml: Any) -> None:
    closes = edition.deadlines.get(phase=Phase.BIDDING).closes_at
    assert can_bid(pc_ml, edition, closes)
    verdict = can_bid(pc_ml, edition, closes + timedelta(seconds=1))
    assert not verdict
    assert verdict.reason == "Bidding is not open now."

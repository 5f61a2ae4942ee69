"""Committee rules, asked of every persona: managing the committee, the PC and AE
dashboards. Who bids is a bidding rule (tests/bidding/test_policy.py)."""

from __future__ import annotations

from typing import Any

import pytest

from committees.policy import can_manage_committee, can_use_ae_dashboard, can_use_pc_dashboard
from conferences.models import Area, Edition
from conferences.roles import RoleKind
from mlsys_conf.policy import SIGN_IN_FIRST
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory
from tests.personas import others, persona_user

pytestmark = pytest.mark.django_db


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

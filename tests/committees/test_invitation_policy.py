"""Who may answer an invitation: the token holder may decline; accepting also needs an
account; nobody answers an invitation that is closed, and the reason says why."""

from __future__ import annotations

from typing import Any

import pytest

from committees.models import Invitation, InvitationStatus
from committees.policy import can_accept_invitation, can_decline_invitation
from committees.services import invitation_accept, invitation_decline, invitation_revoke
from tests.personas import PERSONAS, persona_user

pytestmark = pytest.mark.django_db

SIGNED_IN = [p for p in PERSONAS if p != "anonymous"]


@pytest.mark.parametrize("persona", SIGNED_IN)
def test_anyone_signed_in_may_accept_a_pending_invitation(
    request: pytest.FixtureRequest, invitation: Invitation, persona: str
) -> None:
    assert can_accept_invitation(persona_user(request, persona), invitation)


def test_anonymous_must_sign_in_to_accept(request: pytest.FixtureRequest, invitation: Invitation) -> None:
    verdict = can_accept_invitation(persona_user(request, "anonymous"), invitation)
    assert not verdict
    assert verdict.reason == "Please sign in, or sign up, to accept the invitation."


@pytest.mark.parametrize("persona", PERSONAS)
def test_anyone_with_the_link_may_decline(request: pytest.FixtureRequest, invitation: Invitation, persona: str) -> None:
    assert can_decline_invitation(persona_user(request, persona), invitation)


def test_accepting_again_is_allowed_to_the_one_who_accepted(
    invitation: Invitation, invitee: Any, outsider: Any
) -> None:
    invitation_accept(invitation=invitation, user=invitee)
    invitation.refresh_from_db()
    assert can_accept_invitation(invitee, invitation)
    verdict = can_accept_invitation(outsider, invitation)
    assert not verdict
    assert verdict.reason.startswith("This invitation was already accepted, on ")


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_accepted_invitation_cannot_be_declined(
    request: pytest.FixtureRequest, invitation: Invitation, invitee: Any, persona: str
) -> None:
    invitation_accept(invitation=invitation, user=invitee)
    invitation.refresh_from_db()
    verdict = can_decline_invitation(persona_user(request, persona), invitation)
    assert not verdict
    assert "accepted" in verdict.reason
    own = can_decline_invitation(invitee, invitation)
    assert not own
    assert own.reason.startswith("You accepted this invitation on ")


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_declined_invitation_cannot_be_accepted(
    request: pytest.FixtureRequest, invitation: Invitation, persona: str
) -> None:
    invitation_decline(invitation=invitation)
    invitation.refresh_from_db()
    verdict = can_accept_invitation(persona_user(request, persona), invitation)
    assert not verdict
    assert "If you have changed your mind, ask the chairs to invite you again." in verdict.reason
    assert can_decline_invitation(persona_user(request, persona), invitation)  # a no-op


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_withdrawn_invitation_cannot_be_answered(
    request: pytest.FixtureRequest, invitation: Invitation, chair: Any, persona: str
) -> None:
    invitation_revoke(invitation=invitation, by=chair)
    invitation.refresh_from_db()
    assert invitation.status == InvitationStatus.REVOKED
    user = persona_user(request, persona)
    for verdict in (can_accept_invitation(user, invitation), can_decline_invitation(user, invitation)):
        assert not verdict
        assert verdict.reason == "The chairs have withdrawn this invitation."

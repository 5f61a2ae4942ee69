"""Invitation fixtures: a pending invitation of an ML PC member, sent by the chair, and the
account of the invitee (at the invited address)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from committees.models import Invitation
from committees.services import invitation_send
from conferences.models import Area, Edition
from conferences.roles import RoleKind
from tests.factories.accounts import UserFactory

INVITEE = "invitee@example.org"


@pytest.fixture
def invitation(edition: Edition, chair: Any) -> Invitation:
    return invitation_send(
        edition=edition,
        email=INVITEE,
        name="Ines Invitee",
        kind=RoleKind.PC_MEMBER,
        area=Area.ML,
        max_load=8,
        by=chair,
    )


@pytest.fixture
def invitee(db: Any) -> Any:
    return UserFactory(email=INVITEE, first_name="Ines", last_name="Invitee")


def age(invitation: Invitation, days: float, *, reminded_days_ago: float | None = None) -> datetime:
    """Pretend ``invitation`` went out ``days`` ago (and was last reminded as given); returns now."""
    now = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(
        sent_at=now - timedelta(days=days),
        last_reminded_at=None if reminded_days_ago is None else now - timedelta(days=reminded_days_ago),
    )
    invitation.refresh_from_db()
    return now

"""Each state-changing committee service enforces its own rule (called directly, as a user who
may not, it refuses with the policy's reason and changes nothing) and logs who did what to which
role or invitation, with before/after."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from actionlog.models import Action
from committees.models import Invitation, InvitationStatus
from committees.services import (
    invitation_accept,
    invitation_decline,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    role_grant,
    role_grant_by_email,
    role_revoke,
    role_update_load,
)
from conferences.models import Area, Edition, Role
from conferences.roles import RoleKind
from mlsys_conf.policy import PolicyDenied
from outbox.models import Mail
from tests.factories.conferences import EditionFactory

pytestmark = pytest.mark.django_db

NOT_CHAIR = "Only the PC chairs of this edition can change its committees."


def logged(edition: Edition, action: str) -> list[Action]:
    return list(Action.objects.filter(edition=edition, action=action).order_by("pk"))


def _invite(edition: Edition, by: Any) -> Any:
    return invitation_send(edition=edition, email="new@example.org", kind=RoleKind.AE_MEMBER, by=by)


CHAIR_ONLY: dict[str, Callable[[Edition, Any, Any, Any], Any]] = {
    "role_grant": lambda edition, by, outsider, invitation: role_grant(
        edition=edition, user=outsider, kind=RoleKind.AE_MEMBER, by=by
    ),
    "role_grant_by_email": lambda edition, by, outsider, invitation: role_grant_by_email(
        edition=edition, email=outsider.email, kind=RoleKind.AE_MEMBER, by=by
    ),
    "role_revoke": lambda edition, by, outsider, invitation: role_revoke(
        role=Role.objects.get(edition=edition, kind=RoleKind.AE_MEMBER), by=by
    ),
    "role_update_load": lambda edition, by, outsider, invitation: role_update_load(
        role=Role.objects.get(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS),
        max_load=2,
        min_load=1,
        by=by,
    ),
    "invitation_send": lambda edition, by, outsider, invitation: _invite(edition, by),
    "invitation_revoke": lambda edition, by, outsider, invitation: invitation_revoke(invitation=invitation, by=by),
    "invitation_resend": lambda edition, by, outsider, invitation: invitation_resend(invitation=invitation, by=by),
}


@pytest.mark.parametrize("service", sorted(CHAIR_ONLY))
@pytest.mark.parametrize("persona", ["pc_systems", "ae_member", "author", "outsider"])
def test_only_a_chair_of_the_edition_may_change_its_committees(
    request: Any,
    service: str,
    persona: str,
    edition: Edition,
    pc_systems: Any,
    ae_member: Any,
    outsider: Any,
    invitation: Invitation,
) -> None:
    user = request.getfixturevalue(persona)
    before = (
        sorted(Role.objects.values_list("pk", "kind", "area", "max_load", "min_load")),
        sorted(Invitation.objects.values_list("pk", "status", "reminder_count")),
        Mail.objects.count(),
        Action.objects.count(),
    )
    with pytest.raises(PolicyDenied, match=NOT_CHAIR):
        CHAIR_ONLY[service](edition, user, outsider, invitation)
    assert before == (
        sorted(Role.objects.values_list("pk", "kind", "area", "max_load", "min_load")),
        sorted(Invitation.objects.values_list("pk", "status", "reminder_count")),
        Mail.objects.count(),
        Action.objects.count(),
    )


def test_a_chair_of_another_edition_is_refused_too(edition: Edition, chair: Any, outsider: Any) -> None:
    elsewhere = EditionFactory()
    with pytest.raises(PolicyDenied, match=NOT_CHAIR):
        role_grant(edition=elsewhere, user=outsider, kind=RoleKind.PC_CHAIR, by=chair)
    assert not Role.objects.filter(edition=elsewhere).exists()


def test_no_one_becomes_chair_by_granting_it_to_themselves(edition: Edition, pc_systems: Any) -> None:
    with pytest.raises(PolicyDenied, match=NOT_CHAIR):
        role_grant(edition=edition, user=pc_systems, kind=RoleKind.PC_CHAIR, by=pc_systems)
    assert not Role.objects.filter(edition=edition, user=pc_systems, kind=RoleKind.PC_CHAIR).exists()


# --- What the log keeps ---------------------------------------------------------------------


def test_granting_changing_and_revoking_a_role_are_logged(edition: Edition, chair: Any, outsider: Any) -> None:
    role = role_grant(edition=edition, user=outsider, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    role_grant(edition=edition, user=outsider, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)  # no change
    role_grant(edition=edition, user=outsider, kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS, max_load=4, by=chair)
    role_update_load(role=role, max_load=6, min_load=2, by=chair)
    role_update_load(role=role, max_load=6, min_load=2, by=chair)  # no change
    role_revoke(role=Role.objects.get(pk=role.pk), by=chair)

    [granted] = logged(edition, "role.granted")
    assert (granted.actor, granted.person, granted.target_id) == (chair, outsider, role.pk)
    assert granted.changes == {"kind": [None, "pc_member"], "area": [None, "ml"]}
    [changed] = logged(edition, "role.changed")
    assert changed.changes == {"area": ["ml", "systems"], "max_load": [None, 4]}
    [load] = logged(edition, "role.load_changed")
    assert load.changes == {"max_load": [4, 6], "min_load": [None, 2]}
    [revoked] = logged(edition, "role.revoked")
    assert (revoked.actor, revoked.person) == (chair, outsider)
    assert revoked.changes == {"kind": ["pc_member", None], "area": ["systems", None]}


def test_an_invitation_is_logged_from_sending_to_its_answer(
    edition: Edition, chair: Any, invitation: Invitation, invitee: Any, outsider: Any
) -> None:
    [sent] = logged(edition, "invitation.sent")
    assert (sent.actor, sent.target_id) == (chair, invitation.pk)
    assert sent.changes["status"] == [None, "pending"]
    assert sent.note == "invitee@example.org, PC member"

    again = {"edition": edition, "email": "invitee@example.org", "kind": RoleKind.PC_MEMBER, "area": Area.ML}
    invitation_send(**again, max_load=8, by=chair)
    assert logged(edition, "invitation.changed") == []  # sent again unchanged: nothing happened
    invitation_send(**again, max_load=5, by=chair)
    [changed] = logged(edition, "invitation.changed")
    assert changed.changes == {"max_load": [8, 5]}

    invitation_accept(invitation=invitation, user=invitee)
    [accepted] = logged(edition, "invitation.accepted")
    assert (accepted.actor, accepted.person) == (invitee, invitee)
    assert accepted.changes == {"status": ["pending", "accepted"]}
    [granted] = logged(edition, "role.granted")  # the role came with the acceptance
    assert (granted.actor, granted.person) == (invitee, invitee)

    other = _invite(edition, chair)
    invitation_decline(invitation=other, user=None, reason="Busy.")
    [declined] = logged(edition, "invitation.declined")
    assert declined.actor is None  # declined with the link alone
    assert declined.changes == {"status": ["pending", "declined"]}


def test_revoking_and_resending_are_logged(edition: Edition, chair: Any, invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=invitation.sent_at.replace(year=2000))
    invitation_resend(invitation=invitation, by=chair)
    invitation_revoke(invitation=invitation, by=chair)
    [resent] = logged(edition, "invitation.resent")
    assert resent.actor == chair
    [revoked] = logged(edition, "invitation.revoked")
    assert (revoked.actor, revoked.changes) == (chair, {"status": ["pending", "revoked"]})
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.REVOKED


def test_the_chair_bootstraps_through_a_superuser(edition: Edition, admin_user: Any, outsider: Any) -> None:
    """The site's administrators (superusers) run every edition: the first chair comes from them."""
    elsewhere = EditionFactory()
    role_grant(edition=elsewhere, user=outsider, kind=RoleKind.PC_CHAIR, by=admin_user)
    assert [a.actor for a in logged(elsewhere, "role.granted")] == [admin_user]

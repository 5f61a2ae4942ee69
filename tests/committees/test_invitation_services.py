"""Invitations: sending (with its mail), accepting, declining, withdrawing, re-inviting, and
members' loads. Reminders are tested in test_invitation_reminders.py."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError

from committees import services
from committees.models import Invitation, InvitationStatus
from committees.selectors import invitation_by_token, roles_of
from committees.services import (
    invitation_accept,
    invitation_decline,
    invitation_revoke,
    invitation_send,
    role_grant,
    role_revoke,
    role_update_load,
)
from conferences.models import AREA_REQUIRED, Area, Edition, Role
from conferences.roles import RoleKind
from mlsys_conf import tokens
from outbox.models import Mail
from tests.committees.conftest import INVITEE
from tests.factories.accounts import UserFactory
from tests.factories.conferences import EditionFactory

pytestmark = pytest.mark.django_db


def link_in(mail: Mail) -> str:
    found = re.search(r"https?://\S+/invitations/\S+/", mail.body)
    assert found, mail.body
    return found.group(0)


# --- invitation_send ------------------------------------------------------------------------


def test_send_creates_a_pending_invitation_and_mails_the_link(
    edition: Edition, chair: Any, settings: Any, invitee: Any
) -> None:
    settings.SITE_URL = "https://mlsys.example.org/"
    invitation = invitation_send(
        edition=edition,
        email="  Invitee@Example.ORG ",
        name="Ines Invitee",
        kind=RoleKind.PC_MEMBER,
        area=Area.ML,
        max_load=8,
        by=chair,
    )
    assert (invitation.email, invitation.kind, invitation.area, invitation.max_load) == (INVITEE, "pc_member", "ml", 8)
    assert invitation.status == InvitationStatus.PENDING
    assert invitation.invited_by == chair
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", invitation.token)

    mail = Mail.objects.get(to_email=INVITEE)
    assert mail.dedupe_key == f"committee-invitation:{invitation.token}"
    assert mail.to_user == invitee
    assert mail.edition == edition
    assert mail.subject == "[MLSys 2027] Invitation to serve as PC member (ML)"
    assert link_in(mail) == f"https://mlsys.example.org/mlsys2027/invitations/{invitation.token}/"
    assert "Dear Ines Invitee" in mail.body
    assert "at most 8 papers" in mail.body
    assert "Declining needs no account." in mail.body


@pytest.mark.parametrize("kind", [RoleKind.PC_MEMBER, RoleKind.AREA_CHAIR])
def test_a_pc_role_needs_an_area(edition: Edition, chair: Any, kind: RoleKind) -> None:
    with pytest.raises(ValidationError) as caught:
        invitation_send(edition=edition, email=INVITEE, kind=kind, area="", by=chair)
    assert caught.value.message_dict == {"area": [AREA_REQUIRED]}
    assert not Invitation.objects.exists()
    assert not Mail.objects.exists()


def test_an_unknown_area_is_refused(edition: Edition, chair: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        invitation_send(edition=edition, email=INVITEE, kind=RoleKind.PC_MEMBER, area="theory", by=chair)
    assert "area" in caught.value.message_dict


def test_roles_without_a_half_drop_the_area(edition: Edition, chair: Any) -> None:
    invitation = invitation_send(edition=edition, email=INVITEE, kind=RoleKind.AE_MEMBER, area=Area.ML, by=chair)
    assert invitation.area == ""


@pytest.mark.parametrize("max_load", [-1, 501, 10_000])
def test_max_load_must_be_within_0_and_500(edition: Edition, chair: Any, max_load: int) -> None:
    with pytest.raises(ValidationError) as caught:
        invitation_send(
            edition=edition, email=INVITEE, kind=RoleKind.PC_MEMBER, area=Area.ML, max_load=max_load, by=chair
        )
    assert caught.value.message_dict == {"max_load": ["The maximum load must be between 0 and 500 papers."]}
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("max_load", [0, 500, None])
def test_max_load_bounds_are_allowed(edition: Edition, chair: Any, max_load: int | None) -> None:
    invitation = invitation_send(
        edition=edition, email=INVITEE, kind=RoleKind.PC_MEMBER, area=Area.ML, max_load=max_load, by=chair
    )
    assert invitation.max_load == max_load


def test_a_malformed_address_is_refused(edition: Edition, chair: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        invitation_send(edition=edition, email="not an address", kind=RoleKind.AE_MEMBER, by=chair)
    assert "email" in caught.value.message_dict


def test_sending_again_while_pending_updates_and_mails_nothing_new(
    edition: Edition, chair: Any, invitation: Invitation
) -> None:
    again = invitation_send(
        edition=edition, email=INVITEE.upper(), kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS, max_load=5, by=chair
    )
    assert again.pk == invitation.pk
    assert again.token == invitation.token
    assert (again.area, again.max_load, again.name) == ("systems", 5, "Ines Invitee")
    assert Invitation.objects.count() == 1
    assert Mail.objects.filter(to_email=INVITEE).count() == 1


def test_one_invitation_per_role_but_several_roles(
    edition: Edition, chair: Any, invitation: Invitation, admin_user: Any
) -> None:
    other = invitation_send(edition=edition, email=INVITEE, kind=RoleKind.AE_MEMBER, by=chair)
    assert other.pk != invitation.pk
    assert other.token != invitation.token
    elsewhere = invitation_send(
        edition=EditionFactory(), email=INVITEE, kind=RoleKind.PC_MEMBER, area=Area.ML, by=admin_user
    )
    assert elsewhere.pk not in (invitation.pk, other.pk)
    assert len({invitation.token, other.token, elsewhere.token}) == 3
    assert Mail.objects.filter(to_email=INVITEE).count() == 3


def test_tokens_never_repeat(edition: Edition, chair: Any, invitation: Invitation, monkeypatch: Any) -> None:
    """A (astronomically unlikely) repeated token is drawn again, not stored twice."""
    draws = iter([invitation.token, invitation.token, "a-fresh-token"])
    monkeypatch.setattr(tokens.secrets, "token_urlsafe", lambda n: next(draws))  # the shared helper draws
    other = invitation_send(edition=edition, email="other@example.org", kind=RoleKind.AE_MEMBER, by=chair)
    assert other.token == "a-fresh-token"


def test_inviting_someone_who_holds_the_role_is_refused(edition: Edition, chair: Any, pc_ml: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        invitation_send(edition=edition, email=pc_ml.email, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    assert caught.value.message_dict == {"email": ["ml@example.org is already PC member of MLSys 2027."]}
    # Another role is fine.
    assert invitation_send(edition=edition, email=pc_ml.email, kind=RoleKind.AE_MEMBER, by=chair)


def test_a_verified_second_address_of_a_member_counts_as_the_member(edition: Edition, chair: Any, pc_ml: Any) -> None:
    EmailAddress.objects.create(user=pc_ml, email="ml-home@example.net", verified=True, primary=False)
    with pytest.raises(ValidationError, match="already PC member"):
        invitation_send(edition=edition, email="ml-home@example.net", kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)


def test_send_is_atomic_with_its_mail(edition: Edition, chair: Any, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("template missing")

    monkeypatch.setattr(services, "mail_queue_template", broken)
    with pytest.raises(RuntimeError):
        invitation_send(edition=edition, email=INVITEE, kind=RoleKind.AE_MEMBER, by=chair)
    assert not Invitation.objects.exists()


# --- invitation_accept ----------------------------------------------------------------------


def test_accept_grants_the_role_with_area_and_load(invitation: Invitation, invitee: Any, edition: Edition) -> None:
    accepted = invitation_accept(invitation=invitation, user=invitee)
    assert accepted.status == InvitationStatus.ACCEPTED
    assert accepted.user == invitee
    assert accepted.answered_at is not None
    role = Role.objects.get(edition=edition, user=invitee)
    assert (role.kind, role.area, role.max_load) == ("pc_member", "ml", 8)
    assert roles_of(invitee, edition) == {RoleKind.PC_MEMBER}


def test_accept_from_another_address_gives_the_role_to_that_account(
    invitation: Invitation, outsider: Any, edition: Edition
) -> None:
    accepted = invitation_accept(invitation=invitation, user=outsider)
    assert accepted.user == outsider
    assert accepted.answered_from_other_address
    assert Invitation.objects.get(pk=invitation.pk).user == outsider
    assert Role.objects.get(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.ML, user=outsider)
    assert not Role.objects.filter(user__email=INVITEE).exists()


def test_accept_is_idempotent(invitation: Invitation, invitee: Any, edition: Edition) -> None:
    first = invitation_accept(invitation=invitation, user=invitee)
    second = invitation_accept(invitation=invitation, user=invitee)
    assert second.answered_at == first.answered_at
    assert Role.objects.filter(edition=edition, user=invitee).count() == 1


def test_accept_keeps_a_load_the_chairs_changed_since(
    invitation: Invitation, invitee: Any, edition: Edition, chair: Any
) -> None:
    invitation_accept(invitation=invitation, user=invitee)
    role = Role.objects.get(edition=edition, user=invitee)
    role_update_load(role=role, max_load=3, min_load=None, by=chair)
    invitation_accept(invitation=invitation, user=invitee)
    assert Role.objects.get(pk=role.pk).max_load == 3


def test_accept_by_a_second_account_is_refused(invitation: Invitation, invitee: Any, outsider: Any) -> None:
    invitation_accept(invitation=invitation, user=invitee)
    with pytest.raises(ValidationError, match=r"already accepted"):
        invitation_accept(invitation=invitation, user=outsider)
    assert not Role.objects.filter(user=outsider).exists()
    assert Invitation.objects.get(pk=invitation.pk).user == invitee


def test_accept_needs_an_account(invitation: Invitation) -> None:
    with pytest.raises(ValidationError, match="sign in"):
        invitation_accept(invitation=invitation, user=AnonymousUser())
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.PENDING


def test_a_declined_invitation_cannot_be_accepted(invitation: Invitation, invitee: Any) -> None:
    invitation_decline(invitation=invitation)
    with pytest.raises(ValidationError, match=r"declined on .* ask the chairs to invite you again"):
        invitation_accept(invitation=invitation, user=invitee)
    assert not Role.objects.filter(user=invitee).exists()


def test_a_revoked_invitation_cannot_be_accepted(invitation: Invitation, invitee: Any, chair: Any) -> None:
    invitation_revoke(invitation=invitation, by=chair)
    with pytest.raises(ValidationError) as caught:
        invitation_accept(invitation=invitation, user=invitee)
    assert caught.value.messages == ["The chairs have withdrawn this invitation."]
    assert not Role.objects.filter(user=invitee).exists()


def test_accept_refreshes_conflicts_after_commit(
    invitation: Invitation, invitee: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The new member may share an institution with authors (role_grant asks for a refresh)."""
    from submissions import tasks

    refreshed: list[tuple[Any, ...]] = []
    monkeypatch.setattr(
        tasks.refresh_edition_conflicts, "delay", lambda *args, **kwargs: refreshed.append((args, kwargs))
    )
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=invitee)
    # Only the new member's conflicts, shown to them: nothing of theirs changed to cause them.
    assert refreshed == [((invitation.edition_id, invitee.pk), {"joined": True})]


# --- invitation_decline ---------------------------------------------------------------------


def test_decline_needs_no_account(invitation: Invitation) -> None:
    declined = invitation_decline(invitation=invitation, user=None, reason="  On sabbatical.  ")
    assert declined.status == InvitationStatus.DECLINED
    assert declined.user is None
    assert declined.decline_reason == "On sabbatical."
    assert declined.answered_at is not None
    assert not Role.objects.filter(user__email=INVITEE).exists()


def test_decline_records_a_signed_in_decliner(invitation: Invitation, invitee: Any) -> None:
    assert invitation_decline(invitation=invitation, user=invitee).user == invitee


def test_decline_again_is_a_no_op(invitation: Invitation) -> None:
    first = invitation_decline(invitation=invitation, reason="Too busy.")
    second = invitation_decline(invitation=invitation, reason="Something else.")
    assert (second.decline_reason, second.answered_at) == ("Too busy.", first.answered_at)


def test_decline_after_accepting_is_refused(invitation: Invitation, invitee: Any, edition: Edition) -> None:
    invitation_accept(invitation=invitation, user=invitee)
    with pytest.raises(ValidationError, match="accepted"):
        invitation_decline(invitation=invitation, user=None)
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.ACCEPTED
    assert Role.objects.filter(edition=edition, user=invitee).exists()


def test_a_long_reason_is_cut(invitation: Invitation) -> None:
    assert len(invitation_decline(invitation=invitation, reason="x" * 5000).decline_reason) == 2000


# --- invitation_revoke ----------------------------------------------------------------------


def test_revoke_withdraws_the_link(invitation: Invitation, chair: Any) -> None:
    revoked = invitation_revoke(invitation=invitation, by=chair)
    assert revoked.status == InvitationStatus.REVOKED
    again = invitation_revoke(invitation=invitation, by=chair)
    assert again.status == InvitationStatus.REVOKED


def test_an_accepted_invitation_cannot_be_revoked(invitation: Invitation, invitee: Any, chair: Any) -> None:
    invitation_accept(invitation=invitation, user=invitee)
    with pytest.raises(ValidationError) as caught:
        invitation_revoke(invitation=invitation, by=chair)
    assert caught.value.messages == [
        "invitee@example.org has already accepted; remove their role from the committee instead."
    ]


def test_a_declined_invitation_cannot_be_revoked(invitation: Invitation, chair: Any) -> None:
    invitation_decline(invitation=invitation)
    with pytest.raises(ValidationError, match="already declined"):
        invitation_revoke(invitation=invitation, by=chair)
    assert Invitation.objects.get(pk=invitation.pk).status == InvitationStatus.DECLINED


# --- Re-inviting ----------------------------------------------------------------------------


@pytest.mark.parametrize("close", ["declined", "revoked"])
def test_reinviting_reopens_with_a_fresh_token_and_mail(
    edition: Edition, chair: Any, invitation: Invitation, close: str
) -> None:
    old_token = invitation.token
    if close == "declined":
        invitation_decline(invitation=invitation, reason="Busy.")
    else:
        invitation_revoke(invitation=invitation, by=chair)

    again = invitation_send(
        edition=edition, email=INVITEE, kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS, max_load=4, by=chair
    )
    assert again.pk == invitation.pk
    assert again.status == InvitationStatus.PENDING
    assert again.token != old_token
    assert (again.area, again.max_load, again.decline_reason, again.answered_at, again.user) == (
        "systems",
        4,
        "",
        None,
        None,
    )
    assert again.sent_at > invitation.sent_at
    assert invitation_by_token(old_token) is None
    assert invitation_by_token(again.token) == again
    mails = Mail.objects.filter(to_email=INVITEE).order_by("created_at")
    assert [m.dedupe_key for m in mails] == [f"committee-invitation:{old_token}", f"committee-invitation:{again.token}"]
    assert again.token in mails[1].body


def test_reinviting_an_accepted_member_is_refused(
    edition: Edition, chair: Any, invitation: Invitation, outsider: Any
) -> None:
    """Even when they accepted with an account at another address."""
    invitation_accept(invitation=invitation, user=outsider)
    with pytest.raises(ValidationError, match=r"already accepted; outsider@example\.org is PC member"):
        invitation_send(edition=edition, email=INVITEE, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)


def test_reinviting_a_removed_member_reopens(
    edition: Edition, chair: Any, invitation: Invitation, invitee: Any
) -> None:
    invitation_accept(invitation=invitation, user=invitee)
    role_revoke(role=Role.objects.get(edition=edition, user=invitee), by=chair)
    again = invitation_send(edition=edition, email=INVITEE, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    assert again.status == InvitationStatus.PENDING
    assert again.user is None
    assert again.token != invitation.token


# --- Loads ----------------------------------------------------------------------------------


def test_role_grant_sets_the_max_load(edition: Edition, chair: Any, outsider: Any) -> None:
    role = role_grant(edition=edition, user=outsider, kind=RoleKind.PC_MEMBER, area=Area.ML, max_load=7, by=chair)
    assert Role.objects.get(pk=role.pk).max_load == 7
    # Granting again without a load keeps it.
    role_grant(edition=edition, user=outsider, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    assert Role.objects.get(pk=role.pk).max_load == 7


def test_role_update_load(edition: Edition, chair: Any, pc_ml: Any) -> None:
    role = Role.objects.get(edition=edition, user=pc_ml)
    role_update_load(role=role, max_load=20, min_load=2, by=chair)
    role.refresh_from_db()
    assert (role.min_load, role.max_load) == (2, 20)
    role_update_load(role=role, max_load=None, min_load=None, by=chair)
    role.refresh_from_db()
    assert (role.min_load, role.max_load) == (None, None)


@pytest.mark.parametrize(
    ("max_load", "min_load", "field", "message"),
    [
        (501, None, "max_load", "The maximum load must be between 0 and 500 papers."),
        (-1, None, "max_load", "The maximum load must be between 0 and 500 papers."),
        (None, 501, "min_load", "The minimum load must be between 0 and 500 papers."),
        (5, 6, "min_load", "The minimum load (6) is above the maximum load (5)."),
        # The edition's default maximum is 12.
        (None, 13, "min_load", "The minimum load (13) is above the maximum load (12)."),
    ],
)
def test_role_update_load_refuses_bad_loads(
    edition: Edition, chair: Any, pc_ml: Any, max_load: int | None, min_load: int | None, field: str, message: str
) -> None:
    role = Role.objects.get(edition=edition, user=pc_ml)
    with pytest.raises(ValidationError) as caught:
        role_update_load(role=role, max_load=max_load, min_load=min_load, by=chair)
    assert caught.value.message_dict == {field: [message]}
    role.refresh_from_db()
    assert (role.min_load, role.max_load) == (None, None)


def test_a_new_account_gets_the_invitation_mail_linked(edition: Edition, chair: Any) -> None:
    """Mail is addressed to the account of the invited address when there is one."""
    person = UserFactory(email="known@example.org")
    invitation_send(edition=edition, email="known@example.org", kind=RoleKind.AE_MEMBER, by=chair)
    invitation_send(edition=edition, email="unknown@example.org", kind=RoleKind.AE_MEMBER, by=chair)
    assert Mail.objects.get(to_email="known@example.org").to_user == person
    assert Mail.objects.get(to_email="unknown@example.org").to_user is None


def test_an_unverified_account_at_the_address_is_not_the_invitee(edition: Edition, chair: Any) -> None:
    """Someone signed up with the invited address but never confirmed it: the mail is not
    linked to that account, a role it somehow holds does not count, and the role goes to
    whoever accepts with the link (a verified account, as everyone signed in is)."""
    address = "famous.researcher@example.edu"
    squatter = UserFactory(email=address, verified=False)
    role_grant(edition=edition, user=squatter, kind=RoleKind.AE_MEMBER, by=chair)  # e.g. granted before the fix
    invitation = invitation_send(edition=edition, email=address, kind=RoleKind.AE_MEMBER, by=chair)
    assert Mail.objects.get(to_email=address).to_user is None

    owner = UserFactory(email="researcher@uni.example.edu")
    invitation_accept(invitation=invitation, user=owner)
    assert Invitation.objects.get(pk=invitation.pk).user == owner
    assert Role.objects.filter(edition=edition, user=owner, kind=RoleKind.AE_MEMBER).exists()

"""Who may do what as a member of an edition's committees."""

from __future__ import annotations

from typing import Any

from django.utils import dateformat, timezone

from committees.models import Invitation, InvitationStatus
from conferences.access import is_on_ae, is_on_pc, is_pc_chair
from conferences.models import Edition
from mlsys_conf.policy import ALLOW, Verdict, deny, rule, when_signed_in


@rule
def can_manage_committee(user: Any, edition: Edition) -> Verdict:
    return when_signed_in(
        user, is_pc_chair(user, edition), "Only the PC chairs of this edition can change its committees."
    )


@rule
def can_use_pc_dashboard(user: Any, edition: Edition) -> Verdict:
    return when_signed_in(
        user,
        is_on_pc(user, edition) or is_pc_chair(user, edition),
        "This page is for members of the programme committee.",
    )


@rule
def can_use_ae_dashboard(user: Any, edition: Edition) -> Verdict:
    return when_signed_in(
        user,
        is_on_ae(user, edition) or is_pc_chair(user, edition),
        "This page is for members of the artifact evaluation committee.",
    )


# --- Invitations: the token is the credential; accepting also needs an account ---------------


def _answered_on(invitation: Invitation) -> str:
    moment = invitation.answered_at or invitation.sent_at
    return dateformat.format(timezone.localtime(moment, invitation.edition.zone), "j F Y")


def invitation_closed(user: Any, invitation: Invitation) -> Verdict:
    """Why an invitation can no longer be answered (ALLOW while it is pending)."""
    status = invitation.status
    if status == InvitationStatus.PENDING:
        return ALLOW
    if status == InvitationStatus.ACCEPTED:
        if getattr(user, "pk", None) is not None and invitation.user_id == user.pk:
            return deny(f"You accepted this invitation on {_answered_on(invitation)}.")
        return deny(f"This invitation was already accepted, on {_answered_on(invitation)}.")
    if status == InvitationStatus.DECLINED:
        return deny(
            f"This invitation was declined on {_answered_on(invitation)}. "
            "If you have changed your mind, ask the chairs to invite you again."
        )
    return deny("The chairs have withdrawn this invitation.")


@rule
def can_accept_invitation(user: Any, invitation: Invitation) -> Verdict:
    """Anyone holding the link and signed in may accept a pending invitation, whatever the
    address of their account (the service records who). Accepting again is a no-op."""
    if (
        invitation.status == InvitationStatus.ACCEPTED
        and getattr(user, "is_authenticated", False)
        and invitation.user_id == user.pk
    ):
        return ALLOW
    closed = invitation_closed(user, invitation)
    if not closed:
        return closed
    if not user.is_authenticated:
        return deny("Please sign in, or sign up, to accept the invitation.")
    return ALLOW


@rule
def can_decline_invitation(user: Any, invitation: Invitation) -> Verdict:
    """The link is enough to decline: no account needed. Declining again is a no-op."""
    if invitation.status == InvitationStatus.DECLINED:
        return ALLOW
    return invitation_closed(user, invitation)

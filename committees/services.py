"""Changes to committees: roles, their loads, and the invitations that lead to them."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.selectors import account_for_verified_email
from actionlog.services import changed_fields, record_action
from committees import policy
from committees.models import Invitation, InvitationStatus
from committees.selectors import invitations_due_for_reminder
from committees.signals import role_granted
from conferences.access import forget_access
from conferences.models import AREA_REQUIRED, MAX_LOAD, ROLES_WITH_AREA, Area, Edition, Role
from conferences.phases import format_in
from conferences.roles import RoleKind
from mlsys_conf.policy import Verdict, require
from mlsys_conf.tokens import unique_token
from outbox.models import Mail
from outbox.services import mail_queue_template

log = logging.getLogger(__name__)

# An unanswered invitation is reminded this long after it was sent, then again each time
# this long after the last reminder, at most MAX_REMINDERS times (chairs can still resend).
REMIND_AFTER = timedelta(days=3)
MAX_REMINDERS = 3
# A chair's "Resend" within this long of the last mail is refused: a double click sends once.
RESEND_GAP = timedelta(minutes=10)


# --- Roles ----------------------------------------------------------------------------------


def _check_load(value: int | None, field: str, what: str) -> None:
    if value is not None and not 0 <= value <= MAX_LOAD:
        raise ValidationError({field: f"The {what} load must be between 0 and {MAX_LOAD} papers."})


@transaction.atomic
def role_grant(
    *,
    edition: Edition,
    user: User,
    kind: RoleKind,
    area: str = "",
    max_load: int | None = None,
    by: Any,
) -> Role:
    """A chair gives ``user`` a role in ``edition``; granting it again updates the area (and
    the maximum load, when one is given)."""
    require(policy.can_manage_committee(by, edition))
    return _grant(edition=edition, user=user, kind=kind, area=area, max_load=max_load, by=by)


def role_grant_as_agreed(*, edition: Edition, user: User, kind: RoleKind, by: Any) -> Role:
    """Give ``user`` a role that needs no area (an external reviewer) once an app above has
    checked its own policy (the chairs approved the request and ``user`` accepted it)."""
    if kind in ROLES_WITH_AREA:
        raise ValidationError({"area": AREA_REQUIRED})
    return _grant(edition=edition, user=user, kind=kind, area="", max_load=None, by=by)


ROLE_FIELDS = ["area", "max_load"]


def _grant(*, edition: Edition, user: User, kind: RoleKind, area: str, max_load: int | None, by: Any) -> Role:
    """Grant or update the role, once the caller has checked that ``by`` may."""
    if kind not in ROLES_WITH_AREA:
        area = ""
    _check_load(max_load, "max_load", "maximum")
    role = Role.objects.filter(edition=edition, user=user, kind=kind).first()
    if role is not None and role.area == area and (max_load is None or role.max_load == max_load):
        return role
    is_new = role is None
    before = dict.fromkeys(ROLE_FIELDS) if role is None else {field: getattr(role, field) for field in ROLE_FIELDS}
    role = role or Role(edition=edition, user=user, kind=kind)
    role.area = area
    if max_load is not None:
        role.max_load = max_load
    role.full_clean(validate_unique=False)
    role.save()
    forget_access(user)
    role_granted.send(sender=Role, role=role)
    record_action(
        edition=edition,
        actor=by,
        action="role.granted" if is_new else "role.changed",
        target=role,
        person=user,
        changes=({"kind": (None, role.kind)} if is_new else {}) | changed_fields(role, before, ROLE_FIELDS),
    )
    log.info(
        "user %s made user %s %s (%s) of %s",
        getattr(by, "pk", None),
        user.pk,
        kind,
        area,
        edition.slug,
    )
    return role


def _account_for(email: str) -> User | None:
    """The account that has verified ``email``. An unverified address proves nothing: anyone
    can sign up with the invitee's address, only the invitee can confirm it."""
    return account_for_verified_email(email)


@transaction.atomic
def role_grant_by_email(*, edition: Edition, email: str, kind: RoleKind, area: str = "", by: Any) -> Role:
    """Give the role to the account that has verified ``email``; without one, nothing is
    granted (the chairs invite the address instead, and the invitation binds on acceptance)."""
    require(policy.can_manage_committee(by, edition))
    user = _account_for(email)
    if user is None:
        raise ValidationError(
            f"No account has verified {email.strip()}. Invite them instead: "
            "the role goes to whoever accepts with the link sent to that address."
        )
    return role_grant(edition=edition, user=user, kind=kind, area=area, by=by)


@transaction.atomic
def role_revoke(*, role: Role, by: Any) -> None:
    """A chair takes a role away; an edition always keeps one PC chair."""
    require(policy.can_manage_committee(by, role.edition))
    if RoleKind(role.kind).is_chair:
        chairs = Role.objects.select_for_update().filter(edition=role.edition, kind=role.kind)
        if len(chairs) <= 1:
            raise ValidationError(
                f"{role.user.display_name} is the last {role.get_kind_display()}; add another one first."
            )
    forget_access(role.user)
    record_action(
        edition=role.edition,
        actor=by,
        action="role.revoked",
        target=role,
        person=role.user,
        changes={"kind": (role.kind, None), "area": (role.area, None)},
    )
    log.info(
        "user %s removed role %s (%s) of user %s",
        getattr(by, "pk", None),
        role.pk,
        role.kind,
        role.user_id,
    )
    role.delete()


@transaction.atomic
def role_update_load(*, role: Role, max_load: int | None, min_load: int | None, by: Any) -> Role:
    """Set how many papers a member reviews at most and at least; ``None`` means the
    edition's default. The minimum may not exceed the maximum (defaults included)."""
    require(policy.can_manage_committee(by, role.edition))
    _check_load(max_load, "max_load", "maximum")
    _check_load(min_load, "min_load", "minimum")
    role = Role.objects.select_for_update().select_related("edition").get(pk=role.pk)
    edition = role.edition
    effective_max = edition.default_max_load if max_load is None else max_load
    effective_min = edition.default_min_load if min_load is None else min_load
    if effective_min > effective_max:
        raise ValidationError(
            {"min_load": f"The minimum load ({effective_min}) is above the maximum load ({effective_max})."}
        )
    if (role.max_load, role.min_load) != (max_load, min_load):
        before = {"max_load": role.max_load, "min_load": role.min_load}
        role.max_load, role.min_load = max_load, min_load
        role.full_clean(validate_unique=False)
        role.save(update_fields=["max_load", "min_load"])
        changes = changed_fields(role, before, ["max_load", "min_load"])
        record_action(
            edition=edition, actor=by, action="role.load_changed", target=role, person=role.user, changes=changes
        )
        log.info("user %s set the load of role %s to %s..%s", getattr(by, "pk", None), role.pk, min_load, max_load)
    return role


# --- Invitations ----------------------------------------------------------------------------


def _new_token() -> str:
    """A fresh, unguessable token no other invitation carries."""
    return unique_token(Invitation)


def invitation_url(invitation: Invitation) -> str:
    """The absolute address of the invitation's accept/decline page, for mail."""
    path = reverse(
        "committees:invitation",
        kwargs={"edition_slug": invitation.edition.slug, "token": invitation.token},
    )
    return settings.SITE_URL.rstrip("/") + path


def _queue_invitation_mail(invitation: Invitation, *, reminder_round: int = 0) -> Mail:
    """The invitation (round 0) or its n-th reminder. The key names the token and the round:
    the same mail is queued once however often this runs, and a new token mails again."""
    key = f"committee-invitation:{invitation.token}"
    if reminder_round:
        key += f":reminder-{reminder_round}"
    return mail_queue_template(
        "committees/mail/invitation",
        {
            "invitation": invitation,
            "edition": invitation.edition,
            "url": invitation_url(invitation),
            "reminder_round": reminder_round,
            "sent_on": invitation.sent_at,  # kept for the chairs' own templates; "sent_at" is written out
            "sent_at": format_in(invitation.sent_at, invitation.edition.zone),
        },
        to_email=invitation.email,
        about=None,
        to_user=_account_for(invitation.email),
        edition=invitation.edition,
        dedupe_key=key,
    )


def _holds_role(edition: Edition, kind: RoleKind, email: str) -> bool:
    """Whether the account behind ``email`` already holds ``kind`` in ``edition``."""
    user = _account_for(email)
    return user is not None and Role.objects.filter(edition=edition, user=user, kind=kind).exists()


@transaction.atomic
def invitation_send(
    *,
    edition: Edition,
    email: str,
    name: str = "",
    kind: RoleKind | str,
    area: str = "",
    max_load: int | None = None,
    by: Any,
) -> Invitation:
    """Invite ``email`` to hold a role in ``edition`` and queue the mail with the link.

    One invitation per (edition, address, role). Sending again while it is unanswered
    updates the details and mails nothing new; after a decline or a withdrawal (or when an
    accepted member has since been removed) it re-opens with a fresh token and a fresh mail.
    """
    require(policy.can_manage_committee(by, edition))
    email = email.strip().lower()
    kind = RoleKind(kind)
    area = area if kind in ROLES_WITH_AREA else ""
    if kind in ROLES_WITH_AREA and area not in Area.values:
        raise ValidationError({"area": AREA_REQUIRED})
    _check_load(max_load, "max_load", "maximum")

    invitation = Invitation.objects.select_for_update().filter(edition=edition, email=email, kind=kind).first()
    if _holds_role(edition, kind, email):
        raise ValidationError({"email": f"{email} is already {kind.label} of {edition.name}."})
    if (
        invitation is not None
        and invitation.status == InvitationStatus.ACCEPTED
        and invitation.user is not None
        and Role.objects.filter(edition=edition, user=invitation.user, kind=kind).exists()
    ):
        raise ValidationError(
            {"email": f"{email} already accepted; {invitation.user.email} is {kind.label} of {edition.name}."}
        )

    now = timezone.now()
    before = _invitation_facts(invitation)
    if invitation is None:
        invitation = Invitation(edition=edition, email=email, kind=kind, token=_new_token(), sent_at=now)
    elif invitation.status != InvitationStatus.PENDING:
        # Re-open: a fresh token (the old link stops working) and a clean slate.
        invitation.token = _new_token()
        invitation.status = InvitationStatus.PENDING
        invitation.sent_at = now
        invitation.user = None
        invitation.answered_at = None
        invitation.decline_reason = ""
        invitation.last_reminded_at = None
        invitation.reminder_count = 0
    invitation.name = name.strip() or invitation.name
    invitation.area = area
    invitation.max_load = max_load
    invitation.invited_by = by if getattr(by, "is_authenticated", False) else invitation.invited_by
    invitation.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError:
        # Someone invited the same address to the same role a moment ago: theirs stands.
        invitation = Invitation.objects.get(edition=edition, email=email, kind=kind)
    else:
        sent = before["status"] != InvitationStatus.PENDING
        _log_invitation(invitation, by, "invitation.sent" if sent else "invitation.changed", before)
    _queue_invitation_mail(invitation)
    log.info(
        "user %s invited %s as %s (%s) of %s (invitation %s)",
        getattr(by, "pk", None),
        email,
        kind,
        area,
        edition.slug,
        invitation.pk,
    )
    return invitation


INVITATION_FIELDS = ["status", "name", "area", "max_load"]


def _invitation_facts(invitation: Invitation | None) -> dict[str, Any]:
    if invitation is None:
        return dict.fromkeys(INVITATION_FIELDS)
    return {field: getattr(invitation, field) for field in INVITATION_FIELDS}


def _log_invitation(invitation: Invitation, by: Any, action: str, before: dict[str, Any]) -> None:
    """Log what ``by`` (a person, or None for a job) did to the invitation, unless nothing changed."""
    changes = changed_fields(invitation, before, INVITATION_FIELDS)
    if changes or action != "invitation.changed":
        record_action(
            edition=invitation.edition,
            actor=by,
            action=action,
            target=invitation,
            person=invitation.user,
            changes=changes,
            note=f"{invitation.email}, {invitation.get_kind_display()}",
        )


def _locked(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_for_update(of=("self",)).select_related("edition", "user").get(pk=invitation.pk)


def _locked_to_answer(invitation: Invitation, user: Any, may: Callable[[Any, Invitation], Verdict]) -> Invitation:
    """The invitation, locked, once ``may`` lets ``user`` answer it (else its reason)."""
    invitation = _locked(invitation)
    verdict = may(user, invitation)
    if not verdict:
        raise ValidationError(verdict.reason)
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: Any) -> Invitation:
    """The signed-in ``user`` accepts: they get the role with its area and maximum load.

    The account's address may differ from the invited one (a second address, a new job):
    the invitation records who accepted. Accepting again is a no-op.
    """
    invitation = _locked_to_answer(invitation, user, policy.can_accept_invitation)
    if invitation.status == InvitationStatus.ACCEPTED:
        return invitation
    before = _invitation_facts(invitation)
    _grant(
        edition=invitation.edition,
        user=user,
        kind=RoleKind(invitation.kind),
        area=invitation.area,
        max_load=invitation.max_load,
        by=user,
    )
    invitation.status = InvitationStatus.ACCEPTED
    invitation.user = user
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "user", "answered_at"])
    _log_invitation(invitation, user, "invitation.accepted", before)
    log.info(
        "user %s (%s) accepted invitation %s sent to %s",
        user.pk,
        user.email,
        invitation.pk,
        invitation.email,
    )
    return invitation


@transaction.atomic
def invitation_decline(*, invitation: Invitation, user: Any = None, reason: str = "") -> Invitation:
    """Decline with the link alone; a signed-in decliner is recorded. Declining again is a no-op."""
    invitation = _locked_to_answer(invitation, user, policy.can_decline_invitation)
    if invitation.status == InvitationStatus.DECLINED:
        return invitation
    before = _invitation_facts(invitation)
    invitation.status = InvitationStatus.DECLINED
    invitation.user = user if getattr(user, "is_authenticated", False) else None
    invitation.decline_reason = reason.strip()[:2000]
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["status", "user", "decline_reason", "answered_at"])
    _log_invitation(invitation, user, "invitation.declined", before)
    log.info("invitation %s to %s was declined", invitation.pk, invitation.email)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: Any) -> Invitation:
    """The chairs withdraw an unanswered invitation: its link stops working."""
    require(policy.can_manage_committee(by, invitation.edition))
    invitation = _locked(invitation)
    if invitation.status == InvitationStatus.REVOKED:
        return invitation
    if invitation.status == InvitationStatus.ACCEPTED:
        raise ValidationError(f"{invitation.email} has already accepted; remove their role from the committee instead.")
    if invitation.status == InvitationStatus.DECLINED:
        raise ValidationError(f"{invitation.email} has already declined; there is nothing to withdraw.")
    before = _invitation_facts(invitation)
    invitation.status = InvitationStatus.REVOKED
    invitation.save(update_fields=["status"])
    _log_invitation(invitation, by, "invitation.revoked", before)
    log.info("user %s withdrew invitation %s to %s", getattr(by, "pk", None), invitation.pk, invitation.email)
    return invitation


def _claim_reminder(invitation: Invitation, *, now: datetime, not_since: datetime) -> int:
    """Take the next reminder round of ``invitation`` with one conditional UPDATE; 0 when
    another worker (or a chair) took it first, or the invitation was answered meanwhile."""
    claimed = (
        Invitation.objects.filter(
            pk=invitation.pk,
            status=InvitationStatus.PENDING,
            token=invitation.token,
            reminder_count=invitation.reminder_count,
            sent_at__lte=not_since,
        )
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=not_since))
        .update(last_reminded_at=now, reminder_count=invitation.reminder_count + 1)
    )
    return invitation.reminder_count + 1 if claimed else 0


def invitation_remind(*, invitation: Invitation, now: datetime | None = None) -> bool:
    """Send the next reminder of one invitation if it is due; True when this call sent it."""
    now = now or timezone.now()
    with transaction.atomic():
        reminder_round = _claim_reminder(invitation, now=now, not_since=now - REMIND_AFTER)
        if not reminder_round:
            return False
        invitation.refresh_from_db()
        _queue_invitation_mail(invitation, reminder_round=reminder_round)
    log.info("reminded %s of invitation %s (round %s)", invitation.email, invitation.pk, reminder_round)
    return True


def invitations_remind_pending(*, now: datetime | None = None) -> int:
    """Remind every invitee who has not answered for REMIND_AFTER (and not been reminded
    within it). Safe to run twice, or on two workers at once: each round mails once."""
    now = now or timezone.now()
    due = list(invitations_due_for_reminder(now=now, after=REMIND_AFTER, max_reminders=MAX_REMINDERS))
    return sum(invitation_remind(invitation=invitation, now=now) for invitation in due)


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: Any) -> Invitation:
    """A chair sends the invitation again now, as the next reminder round."""
    require(policy.can_manage_committee(by, invitation.edition))
    invitation = _locked(invitation)
    if invitation.status != InvitationStatus.PENDING:
        raise ValidationError(
            f"The invitation to {invitation.email} is {invitation.get_status_display().lower()}; "
            "only an unanswered invitation can be sent again. Invite them again instead."
        )
    now = timezone.now()
    reminder_round = _claim_reminder(invitation, now=now, not_since=now - RESEND_GAP)
    if not reminder_round:
        raise ValidationError(f"A mail went to {invitation.email} a few minutes ago; wait before sending another.")
    invitation.refresh_from_db()
    _queue_invitation_mail(invitation, reminder_round=reminder_round)
    _log_invitation(invitation, by, "invitation.resent", _invitation_facts(invitation))
    log.info("user %s resent invitation %s (round %s)", getattr(by, "pk", None), invitation.pk, reminder_round)
    return invitation

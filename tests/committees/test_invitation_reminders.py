"""Reminders of unanswered invitations: three days after sending, then every three days at
most three times; each round mails once, however often or on however many workers the job
runs; answered invitations are left alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from committees import services
from committees.models import Invitation
from committees.services import (
    invitation_accept,
    invitation_decline,
    invitation_remind,
    invitation_resend,
    invitation_revoke,
    invitations_remind_pending,
    role_grant,
)
from committees.tasks import remind_pending_invitations
from conferences.models import Area
from conferences.roles import RoleKind
from mlsys_conf.celery import app as celery_app
from outbox.models import Mail
from tests.committees.conftest import INVITEE, age

pytestmark = pytest.mark.django_db


def reminders() -> list[Mail]:
    return list(Mail.objects.filter(to_email=INVITEE, subject__contains="Reminder").order_by("created_at"))


def test_an_invitation_unanswered_for_three_days_is_reminded(invitation: Invitation) -> None:
    now = age(invitation, days=3.1)
    assert invitations_remind_pending(now=now) == 1
    [mail] = reminders()
    assert mail.subject == "[MLSys 2027] Reminder: Invitation to serve as PC member (ML)"
    assert mail.dedupe_key == f"committee-invitation:{invitation.token}:reminder-1"
    assert f"/mlsys2027/invitations/{invitation.token}/" in mail.body
    assert "We have not heard from you yet" in mail.body
    sent = invitation.sent_at.astimezone(invitation.edition.zone)
    assert f"our invitation of {sent:%a %d %b %Y, %H:%M:%S} {sent.tzname()}, so" in mail.body  # one date format
    invitation.refresh_from_db()
    assert (invitation.last_reminded_at, invitation.reminder_count) == (now, 1)


def test_a_younger_invitation_is_not_reminded(invitation: Invitation) -> None:
    now = age(invitation, days=2.9)
    assert invitations_remind_pending(now=now) == 0
    assert reminders() == []
    assert Invitation.objects.get(pk=invitation.pk).last_reminded_at is None


def test_running_twice_mails_once(invitation: Invitation) -> None:
    now = age(invitation, days=4)
    assert invitations_remind_pending(now=now) == 1
    assert invitations_remind_pending(now=now) == 0
    assert invitations_remind_pending(now=now + timedelta(hours=1)) == 0
    assert len(reminders()) == 1


def test_the_next_round_comes_three_days_after_the_last_reminder(invitation: Invitation) -> None:
    now = age(invitation, days=10, reminded_days_ago=2)
    Invitation.objects.filter(pk=invitation.pk).update(reminder_count=1)
    assert invitations_remind_pending(now=now) == 0
    later = now + timedelta(days=1, minutes=1)
    assert invitations_remind_pending(now=later) == 1
    [mail] = reminders()
    assert mail.dedupe_key.endswith(":reminder-2")


def test_at_most_three_reminders(invitation: Invitation) -> None:
    now = age(invitation, days=3.5)
    for _ in range(services.MAX_REMINDERS):
        assert invitations_remind_pending(now=now) == 1
        now += timedelta(days=3, minutes=1)
    assert invitations_remind_pending(now=now) == 0
    keys = [m.dedupe_key.rsplit(":", 1)[1] for m in reminders()]
    assert keys == ["reminder-1", "reminder-2", "reminder-3"]


@pytest.mark.parametrize("answer", ["accept", "decline", "revoke"])
def test_answered_invitations_are_not_reminded(invitation: Invitation, invitee: Any, chair: Any, answer: str) -> None:
    if answer == "accept":
        invitation_accept(invitation=invitation, user=invitee)
    elif answer == "decline":
        invitation_decline(invitation=invitation)
    else:
        invitation_revoke(invitation=invitation, by=chair)
    now = age(invitation, days=5)
    assert invitations_remind_pending(now=now) == 0
    assert reminders() == []


def test_an_invitee_who_already_holds_the_role_is_not_reminded(
    invitation: Invitation, invitee: Any, chair: Any
) -> None:
    """Added directly by a chair meanwhile: nothing to remind them of."""
    role_grant(edition=invitation.edition, user=invitee, kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair)
    now = age(invitation, days=5)
    assert invitations_remind_pending(now=now) == 0


def test_two_workers_holding_the_same_due_row_mail_once(invitation: Invitation) -> None:
    """Both read the invitation as due; the conditional UPDATE lets only one through."""
    now = age(invitation, days=4)
    worker_a = Invitation.objects.get(pk=invitation.pk)
    worker_b = Invitation.objects.get(pk=invitation.pk)
    assert invitation_remind(invitation=worker_a, now=now) is True
    assert invitation_remind(invitation=worker_b, now=now) is False
    assert invitation_remind(invitation=worker_b, now=now + timedelta(seconds=5)) is False
    assert len(reminders()) == 1
    assert Invitation.objects.get(pk=invitation.pk).reminder_count == 1


def test_a_stale_copy_does_not_remind_an_answered_invitation(invitation: Invitation) -> None:
    now = age(invitation, days=4)
    stale = Invitation.objects.get(pk=invitation.pk)
    invitation_decline(invitation=invitation)
    assert invitation_remind(invitation=stale, now=now) is False
    assert reminders() == []


def test_a_failed_mail_releases_the_claim(invitation: Invitation, monkeypatch: Any) -> None:
    now = age(invitation, days=4)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("outbox down")

    with monkeypatch.context() as patch:
        patch.setattr(services, "mail_queue_template", broken)
        with pytest.raises(RuntimeError):
            invitations_remind_pending(now=now)
    assert Invitation.objects.get(pk=invitation.pk).reminder_count == 0
    assert invitations_remind_pending(now=now) == 1


def test_the_celery_task_reminds(invitation: Invitation) -> None:
    age(invitation, days=4)
    assert remind_pending_invitations.delay().get() == 1
    assert remind_pending_invitations.delay().get() == 0
    assert len(reminders()) == 1


def test_beat_runs_the_task() -> None:
    tasks = {entry["task"] for entry in celery_app.conf.beat_schedule.values()}
    assert remind_pending_invitations.name in tasks
    assert remind_pending_invitations.name == "committees.tasks.remind_pending_invitations"


# --- A chair's "Resend" ---------------------------------------------------------------------


def test_resend_mails_the_next_round_now(invitation: Invitation, chair: Any) -> None:
    age(invitation, days=1)
    invitation_resend(invitation=invitation, by=chair)
    [mail] = reminders()
    assert mail.dedupe_key.endswith(":reminder-1")
    # It counts as a reminder: the job waits three days from it.
    assert invitations_remind_pending(now=invitation.sent_at + timedelta(days=3, hours=1)) == 0


def test_resend_right_after_sending_is_refused(invitation: Invitation, chair: Any) -> None:
    with pytest.raises(ValidationError, match="a few minutes ago"):
        invitation_resend(invitation=invitation, by=chair)
    assert reminders() == []


def test_resend_of_an_answered_invitation_is_refused(invitation: Invitation, chair: Any) -> None:
    invitation_decline(invitation=invitation)
    age(invitation, days=1)
    with pytest.raises(ValidationError, match="is declined; only an unanswered invitation"):
        invitation_resend(invitation=invitation, by=chair)

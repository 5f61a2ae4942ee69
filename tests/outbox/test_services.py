"""Mail is a row first: queued once, sent once, retried after a temporary failure."""

from __future__ import annotations

import smtplib
from datetime import timedelta
from typing import Any

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from conferences.models import Deadline, Phase
from conferences.roles import RoleKind
from outbox.models import Mail, MailStatus
from outbox.sending import MAX_ATTEMPTS, MAYBE_SENT, STALE_CLAIM, mail_send, mails_to_retry
from outbox.services import mail_queue, mail_queue_template
from outbox.tasks import retry_unsent_mail
from site_pages.notifications import announce_closed_phases
from site_pages.tasks import announce_phase_changes
from tests.factories.committees import RoleFactory
from tests.factories.conferences import DeadlineFactory, EditionFactory

pytestmark = pytest.mark.django_db

FAILING_BACKEND = f"{__name__}.DisconnectingBackend"


class DisconnectingBackend(BaseEmailBackend):
    """An SMTP server that hangs up: a temporary failure."""

    def send_messages(self, email_messages: Any) -> int:
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def queue(**kwargs: Any) -> Mail:
    kwargs.setdefault("to_email", "someone@example.org")
    kwargs.setdefault("subject", "Hello")
    kwargs.setdefault("body", "A body.")
    return mail_queue(**kwargs)


# --- mail_queue and sending ------------------------------------------------------------------


def test_queued_mail_is_sent_once_the_transaction_commits(
    mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mail = queue(subject="Your paper", body="Thank you.", html_body="<p>Thank you.</p>")
        assert Mail.objects.get(pk=mail.pk).status == MailStatus.QUEUED
        assert mailoutbox == []
    assert len(callbacks) == 1

    mail.refresh_from_db()
    assert mail.status == MailStatus.SENT
    assert mail.attempts == 1
    assert mail.sent_at is not None
    assert mail.claimed_at is not None
    assert len(mailoutbox) == 1
    sent = mailoutbox[0]
    assert (sent.subject, sent.body, sent.to) == ("Your paper", "Thank you.", ["someone@example.org"])
    assert sent.alternatives[0][0] == "<p>Thank you.</p>"
    assert sent.alternatives[0][1] == "text/html"


def test_nothing_is_sent_if_the_transaction_does_not_commit(
    mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        mail = queue()
    assert len(callbacks) == 1
    assert mailoutbox == []
    assert Mail.objects.get(pk=mail.pk).status == MailStatus.QUEUED


def test_long_subject_is_cut_to_fit() -> None:
    mail = queue(subject="x" * 400)
    assert len(Mail.objects.get(pk=mail.pk).subject) == 300


def test_dedupe_key_twice_is_one_row_and_one_mail(mailoutbox: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = queue(dedupe_key="welcome:1")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = queue(dedupe_key="welcome:1", subject="A different subject")
    assert callbacks == []
    assert first.pk == second.pk
    assert Mail.objects.count() == 1
    assert Mail.objects.get().subject == "Hello"
    assert len(mailoutbox) == 1


def test_without_dedupe_key_every_call_is_a_mail(mailoutbox: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        queue()
        queue()
    assert Mail.objects.count() == 2
    assert Mail.objects.filter(dedupe_key__isnull=True).count() == 2
    assert len(mailoutbox) == 2


def test_mail_send_on_a_sent_row_sends_nothing(mailoutbox: Any) -> None:
    mail = queue()
    assert mail_send(mail.pk) is True
    assert len(mailoutbox) == 1
    assert mail_send(mail.pk) is False
    assert len(mailoutbox) == 1
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.SENT, 1)


@pytest.mark.parametrize("status", [MailStatus.SENDING, MailStatus.FAILED])
def test_mail_send_leaves_rows_it_does_not_own(mailoutbox: Any, status: str) -> None:
    mail = queue()
    Mail.objects.filter(pk=mail.pk).update(status=status)
    assert mail_send(mail.pk) is False
    assert mailoutbox == []
    assert Mail.objects.get(pk=mail.pk).status == status


def test_mail_send_of_a_missing_row(mailoutbox: Any) -> None:
    assert mail_send(987654) is False
    assert mailoutbox == []


def test_a_failing_backend_leaves_the_row_queued_for_a_retry(settings: Any, mailoutbox: Any) -> None:
    settings.EMAIL_BACKEND = FAILING_BACKEND
    mail = queue()
    with pytest.raises(smtplib.SMTPServerDisconnected):
        mail_send(mail.pk)
    mail.refresh_from_db()
    assert mail.status == MailStatus.QUEUED
    assert mail.attempts == 1
    assert "SMTPServerDisconnected" in mail.last_error
    assert "Connection unexpectedly closed" in mail.last_error
    assert mail.sent_at is None

    with pytest.raises(smtplib.SMTPServerDisconnected):
        mail_send(mail.pk)
    assert Mail.objects.get(pk=mail.pk).attempts == 2

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert mail_send(mail.pk) is True
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.SENT, 3)
    assert len(mailoutbox) == 1


def test_the_last_attempt_marks_the_row_failed(settings: Any) -> None:
    settings.EMAIL_BACKEND = FAILING_BACKEND
    mail = queue()
    Mail.objects.filter(pk=mail.pk).update(attempts=MAX_ATTEMPTS - 1)
    with pytest.raises(smtplib.SMTPServerDisconnected):
        mail_send(mail.pk)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.FAILED, MAX_ATTEMPTS)
    assert mail_send(mail.pk) is False


# --- mails_to_retry ------------------------------------------------------------------------


def test_mails_to_retry_requeues_stale_claims() -> None:
    now = timezone.now()
    stale = queue(to_email="stale@example.org")
    fresh = queue(to_email="fresh@example.org")
    waiting = queue(to_email="waiting@example.org")
    just_queued = queue(to_email="new@example.org")
    sent = queue(to_email="sent@example.org")
    Mail.objects.update(created_at=now - timedelta(hours=1))
    Mail.objects.filter(pk=just_queued.pk).update(created_at=now)
    Mail.objects.filter(pk=stale.pk).update(
        status=MailStatus.SENDING, claimed_at=now - STALE_CLAIM - timedelta(minutes=1)
    )
    Mail.objects.filter(pk=fresh.pk).update(status=MailStatus.SENDING, claimed_at=now - timedelta(minutes=1))
    Mail.objects.filter(pk=sent.pk).update(status=MailStatus.SENT)

    ids = mails_to_retry()

    assert sorted(ids) == sorted([stale.pk, waiting.pk])
    assert Mail.objects.get(pk=stale.pk).status == MailStatus.QUEUED
    assert Mail.objects.get(pk=stale.pk).last_error == MAYBE_SENT  # the chairs see it may arrive twice
    assert Mail.objects.get(pk=fresh.pk).status == MailStatus.SENDING
    assert Mail.objects.get(pk=sent.pk).status == MailStatus.SENT


def test_retry_task_sends_what_was_left(mailoutbox: Any) -> None:
    stale = queue()
    Mail.objects.filter(pk=stale.pk).update(
        status=MailStatus.SENDING,
        claimed_at=timezone.now() - timedelta(hours=1),
        created_at=timezone.now() - timedelta(hours=1),
    )
    assert retry_unsent_mail.delay().get() == 1
    assert Mail.objects.get(pk=stale.pk).status == MailStatus.SENT
    assert len(mailoutbox) == 1
    assert retry_unsent_mail.delay().get() == 0
    assert len(mailoutbox) == 1


# --- Phase-closed notifications ------------------------------------------------------------


@pytest.fixture
def closed_edition(db: Any) -> Any:
    edition = EditionFactory(slug="mlsys2031", name="MLSys 2031")
    now = timezone.now()
    DeadlineFactory(edition=edition, phase=Phase.ABSTRACT_REGISTRATION, closes_at=now - timedelta(hours=1))
    DeadlineFactory(edition=edition, phase=Phase.PAPER_SUBMISSION, closes_at=now - timedelta(hours=3))
    DeadlineFactory(edition=edition, phase=Phase.SUPPLEMENTARY_MATERIAL, closes_at=now - timedelta(days=3))
    DeadlineFactory(edition=edition, phase=Phase.BIDDING, closes_at=now + timedelta(days=3))
    RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair1@example.org")
    RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair2@example.org")
    RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, user__email="member@example.org")
    return edition


def test_announce_closed_phases_twice_mails_each_chair_once_per_deadline(
    closed_edition: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        announce_closed_phases()
    with django_capture_on_commit_callbacks(execute=True):
        announce_closed_phases()

    # Two recent deadlines (the older one is past the look-back), two chairs: four mails.
    mails = Mail.objects.filter(edition=closed_edition)
    assert mails.count() == 4
    assert sorted(mails.values_list("to_email", "subject")) == [
        ("chair1@example.org", "[MLSys 2031] Abstract registration has closed"),
        ("chair1@example.org", "[MLSys 2031] Paper submission has closed"),
        ("chair2@example.org", "[MLSys 2031] Abstract registration has closed"),
        ("chair2@example.org", "[MLSys 2031] Paper submission has closed"),
    ]
    assert set(mails.values_list("status", flat=True)) == {MailStatus.SENT}
    assert len(mailoutbox) == 4
    assert "member@example.org" not in {m.to[0] for m in mailoutbox}
    body = mails.filter(subject__contains="Abstract").first().body
    assert "The abstract registration phase of MLSys 2031 closed at" in body
    assert "AoE" in body
    assert "/mlsys2031/" in body


def test_announce_closed_phases_mails_again_when_a_deadline_is_moved(
    closed_edition: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The key includes the closing time: a deadline reopened and closed again is news."""
    announce_closed_phases()
    Deadline.objects.filter(edition=closed_edition, phase=Phase.ABSTRACT_REGISTRATION).update(
        closes_at=timezone.now() - timedelta(minutes=5)
    )
    announce_closed_phases()
    assert Mail.objects.filter(subject__contains="Abstract").count() == 4
    assert Mail.objects.filter(subject__contains="Paper").count() == 2


def test_announce_closed_phases_at_a_given_moment(closed_edition: Any) -> None:
    bidding = Deadline.objects.get(edition=closed_edition, phase=Phase.BIDDING).closes_at
    announce_closed_phases(now=bidding - timedelta(seconds=1))
    assert not Mail.objects.filter(subject__contains="Bidding").exists()
    announce_closed_phases(now=bidding)
    assert Mail.objects.filter(subject__contains="Bidding").count() == 2


def test_announce_phase_changes_task(closed_edition: Any) -> None:
    assert announce_phase_changes.delay().get() == 4
    assert Mail.objects.count() == 4


def test_mail_queue_template_renders_subject_on_one_line(closed_edition: Any) -> None:
    deadline = Deadline.objects.get(edition=closed_edition, phase=Phase.PAPER_SUBMISSION)
    mail = mail_queue_template(
        "conferences/mail/phase_closed",
        {"edition": closed_edition, "deadline": deadline, "closed_at": "then", "site_url": "https://x.example"},
        to_email="chair1@example.org",
        about=None,
    )
    assert mail.subject == "[MLSys 2031] Paper submission has closed"
    assert "\n" not in mail.subject
    assert "https://x.example/mlsys2031/" in mail.body


def test_a_dedupe_key_with_a_254_character_address_still_dedupes() -> None:
    address = f"{'a' * 64}@{'b' * 185}.org"  # 254 characters, the most an address may have
    key = f"new-author:1:{address}"
    first = mail_queue(to_email=address, subject="Hello", body="Body", dedupe_key=key)
    again = mail_queue(to_email=address, subject="Hello", body="Body", dedupe_key=key)
    other = mail_queue(to_email=address, subject="Hello", body="Body", dedupe_key=key.replace("1:", "2:", 1))
    assert first.pk == again.pk != other.pk
    assert len(first.dedupe_key) <= 200
    assert first.dedupe_key.startswith("new-author:1:aaaa")

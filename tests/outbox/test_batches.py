"""Held batches: nothing leaves before a chair releases the batch, a batch is released or
cancelled once, held mail can be edited or taken out, and only chairs may do any of it (the
services refuse everyone else themselves)."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from actionlog.models import Action
from conferences.roles import RoleKind
from mlsys_conf.policy import PolicyDenied
from outbox.models import BatchStatus, Mail, MailBatch, MailStatus
from outbox.sending import mail_send, mails_to_retry
from outbox.services import (
    mail_batch_cancel,
    mail_batch_create,
    mail_batch_release,
    mail_edit,
    mail_queue,
    mail_queue_template,
    mail_remove,
)
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory

pytestmark = pytest.mark.django_db

REFUSED = "Only the PC chairs of this edition handle its outgoing mail."


@pytest.fixture
def batch(edition: Any, chair: Any) -> MailBatch:
    return mail_batch_create(edition=edition, name="Bidding reminders", by=chair)


def hold(batch: MailBatch, *addresses: str) -> list[Mail]:
    return [mail_queue(to_email=a, subject=f"To {a}", body="Please bid.", batch=batch) for a in addresses]


def test_held_mail_is_not_sent_until_the_batch_is_released(
    batch: MailBatch, chair: Any, edition: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mail = mail_queue_template(
            "bidding/mail/few_bids",
            {"edition": edition, "member": {"user": chair, "total": 1, "wanted": 9}, "moment": "soon", "url": "u"},
            to_email="pc@example.org",
            about=None,
            batch=batch,
        )
    assert callbacks == []
    assert mailoutbox == []
    mail.refresh_from_db()
    assert (mail.status, mail.batch, mail.edition) == (MailStatus.HELD, batch, edition)

    with django_capture_on_commit_callbacks(execute=True):
        assert mail_batch_release(batch=batch, by=chair) == 1
    assert [m.to for m in mailoutbox] == [["pc@example.org"]]
    assert Mail.objects.get(pk=mail.pk).status == MailStatus.SENT
    batch.refresh_from_db()
    assert (batch.status, batch.released_by) == (BatchStatus.RELEASED, chair)
    assert batch.released_at is not None


def test_a_second_release_is_refused_and_sends_nothing(
    batch: MailBatch, chair: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    hold(batch, "a@example.org", "b@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        mail_batch_release(batch=batch, by=chair)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(ValidationError, match="already released"),
    ):
        mail_batch_release(batch=MailBatch.objects.get(pk=batch.pk), by=chair)
    assert callbacks == []
    assert len(mailoutbox) == 2
    assert Action.objects.filter(action="mail.batch_released").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_requests_releasing_at_once_send_each_mail_once(edition: Any, chair: Any, mailoutbox: Any) -> None:
    batch = mail_batch_create(edition=edition, name="Letters", by=chair)
    hold(batch, "a@example.org", "b@example.org", "c@example.org")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def release() -> None:
        try:
            start.wait()
            outcomes.append(f"sent {mail_batch_release(batch=MailBatch.objects.get(pk=batch.pk), by=chair)}")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=release) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["refused", "sent 3"]
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.org", "b@example.org", "c@example.org"]
    assert set(Mail.objects.values_list("status", flat=True)) == {MailStatus.SENT}


def test_a_cancelled_batch_sends_nothing_and_cannot_be_released(
    batch: MailBatch, chair: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    hold(batch, "a@example.org", "b@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert mail_batch_cancel(batch=batch, by=chair) == 2
    assert set(Mail.objects.values_list("status", flat=True)) == {MailStatus.CANCELLED}
    with pytest.raises(ValidationError, match="already cancelled"):
        mail_batch_release(batch=batch, by=chair)
    with pytest.raises(ValidationError, match="add no more mail"):
        hold(batch, "late@example.org")
    assert mailoutbox == []
    entry = Action.objects.get(action="mail.batch_cancelled")
    assert (entry.actor, entry.changes, entry.note) == (chair, {"status": ["held", "cancelled"]}, "2 mails")


def test_a_held_mail_is_edited_and_the_change_logged(
    batch: MailBatch, chair: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    [mail] = hold(batch, "a@example.org")
    mail_edit(mail=mail, by=chair, subject="Please bid  today", body="Bidding closes tonight.")
    entry = Action.objects.get(action="mail.edited")
    assert entry.changes == {
        "subject": ["To a@example.org", "Please bid today"],
        "body": ["Please bid.", "Bidding closes tonight."],
    }
    with django_capture_on_commit_callbacks(execute=True):
        mail_batch_release(batch=batch, by=chair)
    assert [(m.subject, m.body) for m in mailoutbox] == [("Please bid today", "Bidding closes tonight.")]
    with pytest.raises(ValidationError, match="only held mail"):
        mail_edit(mail=mail, by=chair, subject="Too late", body="Sent already.")


def test_a_removed_recipient_gets_nothing(
    batch: MailBatch, chair: Any, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _kept, removed = hold(batch, "kept@example.org", "removed@example.org")
    mail_remove(mail=removed, by=chair)
    with django_capture_on_commit_callbacks(execute=True):
        assert mail_batch_release(batch=batch, by=chair) == 1
    assert [m.to for m in mailoutbox] == [["kept@example.org"]]
    assert Mail.objects.get(pk=removed.pk).status == MailStatus.CANCELLED
    assert Action.objects.filter(action="mail.removed", target_id=removed.pk).count() == 1


def test_mail_sent_at_once_cannot_be_edited_or_removed(chair: Any, edition: Any) -> None:
    mail = mail_queue(to_email="a@example.org", subject="Now", body="At once.", edition=edition)
    with pytest.raises(ValidationError, match="only held mail"):
        mail_remove(mail=mail, by=chair)


def test_creating_a_batch_is_logged(batch: MailBatch, chair: Any) -> None:
    entry = Action.objects.get(action="mail.batch_created")
    assert (entry.actor, entry.target_id, entry.edition) == (chair, batch.pk, batch.edition)


@pytest.mark.parametrize("who", ["pc_systems", "author", "outsider"])
def test_services_refuse_everyone_but_the_chairs(
    request: pytest.FixtureRequest, batch: MailBatch, edition: Any, who: str
) -> None:
    user = request.getfixturevalue(who)
    [mail] = hold(batch, "a@example.org")
    attempts = [
        lambda: mail_batch_create(edition=edition, name="Mine", by=user),
        lambda: mail_batch_release(batch=batch, by=user),
        lambda: mail_batch_cancel(batch=batch, by=user),
        lambda: mail_edit(mail=mail, by=user, subject="Hacked", body="Hacked"),
        lambda: mail_remove(mail=mail, by=user),
    ]
    for attempt in attempts:
        with pytest.raises(PolicyDenied, match=REFUSED):
            attempt()
    assert MailBatch.objects.get().status == BatchStatus.HELD
    assert Mail.objects.get().status == MailStatus.HELD
    assert Mail.objects.get().subject == "To a@example.org"


def test_a_chair_of_another_edition_is_refused(batch: MailBatch) -> None:
    other_chair = RoleFactory(edition=EditionFactory(slug="other2027"), kind=RoleKind.PC_CHAIR).user
    with pytest.raises(PolicyDenied, match=REFUSED):
        mail_batch_release(batch=batch, by=other_chair)


def test_the_retry_job_leaves_held_mail_alone(batch: MailBatch, mailoutbox: Any) -> None:
    [mail] = hold(batch, "a@example.org")
    Mail.objects.filter(pk=mail.pk).update(created_at=timezone.now() - timedelta(days=1))
    assert mails_to_retry() == []
    assert mail_send(mail.pk) is False
    assert mailoutbox == []
    assert Mail.objects.get(pk=mail.pk).status == MailStatus.HELD

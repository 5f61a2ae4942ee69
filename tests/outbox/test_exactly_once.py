"""Exactly-once delivery with real Celery workers (separate processes, the real Redis broker, the
shared PostgreSQL test database), counting deliveries with a backend that records each one.

What holds (see outbox/sending.py): two workers racing over the same rows send each mail once,
because sending starts with one conditional UPDATE that only one of them wins. A worker killed
(SIGKILL) after claiming a row and before the SMTP server accepted the message leaves the row
"sending"; the retry job puts the stale claim back in the queue and the mail goes out once. A
worker killed after the server accepted the message and before it marked the row sent is the
one case that duplicates: the mail is sent again, with the same Message-ID (the last test shows
it, so the limit is stated rather than hidden).
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from outbox.models import Mail, MailStatus
from outbox.sending import STALE_CLAIM, mails_to_retry
from outbox.services import mail_batch_create, mail_batch_release, mail_queue
from tests.faults.workers import Workers
from tests.outbox.test_broker import wait_until

pytestmark = [pytest.mark.broker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chair_and_edition(db: Any) -> tuple[Any, Any]:
    from conferences.roles import RoleKind
    from tests.factories.committees import RoleFactory

    role = RoleFactory(kind=RoleKind.PC_CHAIR, user__email="chair@example.org")
    return role.user, role.edition


def message_ids(mails: list[Mail]) -> dict[int, str]:
    from outbox.sending import message_id

    return {mail.pk: message_id(Mail.objects.get(pk=mail.pk)) for mail in mails}


def test_two_workers_racing_over_a_released_batch_deliver_each_mail_once(
    workers: Workers, chair_and_edition: tuple[Any, Any]
) -> None:
    chair, edition = chair_and_edition
    batch = mail_batch_create(edition=edition, name="Decisions", by=chair)
    mails = [
        mail_queue(to_email=f"author{i}@example.org", subject=f"Paper {i}", body=f"Decision {i}", batch=batch)
        for i in range(40)
    ]
    workers.start()
    workers.start()
    released = [m.pk for m in mails]
    # Release the batch without sending from this process, then hand every mail to the
    # workers twice, interleaved: both workers race to claim the same rows.
    from unittest import mock

    with mock.patch("outbox.services._send_after_commit"):
        assert mail_batch_release(batch=batch, by=chair) == 40
    workers.send(*[pk for pk in released for _twice in (1, 2)])

    assert wait_until(lambda: Mail.objects.filter(batch=batch, status=MailStatus.SENT).count() == 40, 90)
    assert wait_until(lambda: all(" succeeded " in p.read_text() for p in workers.logs), 30)
    time.sleep(1.0)  # the duplicates still in flight finish too
    delivered = workers.message_counts()
    ids = message_ids(mails)
    assert sorted(delivered.values()) == [1] * 40, "a mail was delivered twice, or not at all"
    assert set(delivered) == set(ids.values())
    assert all("received" in p.read_text() for p in workers.logs), "both workers took tasks"


def test_a_worker_killed_before_the_server_accepted_the_mail_is_retried_and_sends_once(
    workers: Workers, chair_and_edition: tuple[Any, Any]
) -> None:
    _chair, edition = chair_and_edition
    dying = workers.start(MAIL_CRASH="before")
    mail = mail_queue(to_email="author@example.org", subject="Decision", body="Accepted.", edition=edition)
    workers.send(mail.pk)
    assert wait_until(lambda: workers.stuck(dying), 60), "the worker never reached the send"
    mail.refresh_from_db()
    assert mail.status == MailStatus.SENDING  # claimed
    workers.kill(dying)

    healthy = workers.start()
    workers.send(mail.pk)  # a duplicate of the task finds the row claimed and sends nothing
    assert wait_until(lambda: " succeeded " in workers.logs[healthy].read_text(), 30)
    assert workers.message_counts() == Counter()
    assert mails_to_retry() == []  # the claim is not stale yet: nothing is retried early

    Mail.objects.filter(pk=mail.pk).update(claimed_at=timezone.now() - STALE_CLAIM - timedelta(seconds=1))
    Mail.objects.filter(pk=mail.pk).update(created_at=timezone.now() - timedelta(minutes=3))
    retried = mails_to_retry()
    assert retried == [mail.pk]
    workers.start()  # a second healthy worker: the retried mail is handed to both, twice
    workers.send(*retried, *retried)
    assert wait_until(lambda: Mail.objects.get(pk=mail.pk).status == MailStatus.SENT, 60)
    time.sleep(1.0)
    assert list(workers.message_counts().values()) == [1]
    mail.refresh_from_db()
    assert mail.attempts == 1


def test_a_worker_killed_after_the_server_accepted_the_mail_resends_it_with_the_same_message_id(
    workers: Workers, chair_and_edition: tuple[Any, Any]
) -> None:
    """The documented limit: between the server's "accepted" and the UPDATE marking the row sent,
    a death means a second delivery once the claim goes stale. Receivers can tell it is the same
    message: the Message-ID is the row's, on every attempt."""
    _chair, edition = chair_and_edition
    dying = workers.start(MAIL_CRASH="after")
    mail = mail_queue(to_email="author@example.org", subject="Decision", body="Accepted.", edition=edition)
    workers.send(mail.pk)
    assert wait_until(lambda: workers.stuck(dying), 60)
    workers.kill(dying)
    assert Mail.objects.get(pk=mail.pk).status == MailStatus.SENDING

    Mail.objects.filter(pk=mail.pk).update(
        claimed_at=timezone.now() - STALE_CLAIM - timedelta(seconds=1), created_at=timezone.now() - timedelta(minutes=3)
    )
    workers.start()
    workers.send(*mails_to_retry())
    assert wait_until(lambda: Mail.objects.get(pk=mail.pk).status == MailStatus.SENT, 60)
    delivered = workers.message_counts()
    assert list(delivered.values()) == [2]
    assert list(delivered) == [message_ids([mail])[mail.pk]]

"""Sending is rate-limited site-wide: past MAIL_RATE_PER_MINUTE mails in the last 60 seconds a
mail stays queued (not claimed) and its task is deferred until the oldest send ages out."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from outbox import tasks
from outbox.models import Mail, MailStatus
from outbox.sending import RateLimited, mail_send, rate_wait

pytestmark = pytest.mark.django_db


def sent_ago(seconds: float, n: int = 1) -> None:
    moment = timezone.now() - timedelta(seconds=seconds)
    for i in range(n):
        Mail.objects.create(
            to_email=f"sent{seconds}-{i}@example.org", subject="s", body="b", status=MailStatus.SENT, sent_at=moment
        )


def queued() -> Mail:
    return Mail.objects.create(to_email="next@example.org", subject="s", body="b", status=MailStatus.QUEUED)


def test_under_the_rate_mail_goes_at_once(settings: Any, mailoutbox: Any) -> None:
    settings.MAIL_RATE_PER_MINUTE = 3
    sent_ago(10, n=2)
    assert rate_wait() == 0
    mail = queued()
    assert mail_send(mail.pk) is True
    assert len(mailoutbox) == 1


def test_at_the_rate_the_mail_waits_unclaimed_until_the_oldest_send_ages_out(settings: Any, mailoutbox: Any) -> None:
    settings.MAIL_RATE_PER_MINUTE = 3
    sent_ago(50)  # leaves the window in about 10 s
    sent_ago(5, n=2)
    mail = queued()
    with pytest.raises(RateLimited) as limited:
        mail_send(mail.pk)
    assert 9 <= limited.value.wait <= 11
    mail.refresh_from_db()
    assert (mail.status, mail.claimed_at, mail.attempts) == (MailStatus.QUEUED, None, 0)
    assert mailoutbox == []


def test_mail_being_sent_counts_and_old_sends_do_not(settings: Any) -> None:
    settings.MAIL_RATE_PER_MINUTE = 2
    sent_ago(61, n=5)  # out of the window
    Mail.objects.create(
        to_email="busy@example.org", subject="s", body="b", status=MailStatus.SENDING, claimed_at=timezone.now()
    )
    assert rate_wait() == 0
    sent_ago(1)
    assert rate_wait() > 0


def test_no_limit_when_the_setting_is_zero(settings: Any) -> None:
    settings.MAIL_RATE_PER_MINUTE = 0
    sent_ago(1, n=3)
    assert rate_wait() == 0


def test_the_task_defers_with_a_countdown_and_spends_no_attempt(settings: Any, monkeypatch: Any) -> None:
    settings.MAIL_RATE_PER_MINUTE = 1
    sent_ago(30)
    mail = queued()
    deferred: list[tuple[Any, int]] = []
    monkeypatch.setattr(tasks.send_mail, "apply_async", lambda args, countdown: deferred.append((args, countdown)))
    assert tasks.send_mail.run(mail.pk) is False  # as a worker runs it (not eagerly)
    assert len(deferred) == 1
    assert deferred[0][0] == (mail.pk,)
    assert 29 <= deferred[0][1] <= 31
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.QUEUED, 0)


def test_run_eagerly_a_limited_mail_is_left_for_the_retry_job(settings: Any, mailoutbox: Any) -> None:
    settings.MAIL_RATE_PER_MINUTE = 1
    sent_ago(30)
    mail = queued()
    assert tasks.send_mail.delay(mail.pk).get() is False
    mail.refresh_from_db()
    assert mail.status == MailStatus.QUEUED
    assert mailoutbox == []

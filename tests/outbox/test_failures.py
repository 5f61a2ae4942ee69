"""Permanent refusals (5xx answers about the message, its sender or every recipient) fail the
row at once and are not retried; temporary ones (4xx, dropped connections, a refused login)
leave it queued for the task's retries."""

from __future__ import annotations

import smtplib
from typing import Any, ClassVar

import pytest
from celery.exceptions import Retry
from django.core.mail.backends.base import BaseEmailBackend

from outbox.models import Mail, MailStatus
from outbox.sending import is_permanent, mail_send
from outbox.services import mail_queue
from outbox.tasks import send_mail

pytestmark = pytest.mark.django_db


class RefusingBackend(BaseEmailBackend):
    """An SMTP server that answers every message with :attr:`error`."""

    error: ClassVar[Exception] = smtplib.SMTPServerDisconnected("gone")

    def send_messages(self, email_messages: Any) -> int:
        raise self.error


PERMANENT = {
    "mailbox unknown": smtplib.SMTPResponseException(550, b"5.1.1 No such user"),
    "message refused": smtplib.SMTPDataError(554, b"5.7.1 Rejected as spam"),
    "sender refused": smtplib.SMTPSenderRefused(553, b"5.7.1 Sender not allowed", "conf@example.org"),
    "every recipient refused": smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"5.1.1 No such user")}),
}
TEMPORARY = {
    "greylisted": smtplib.SMTPResponseException(451, b"4.7.1 Try again later"),
    "sender refused for now": smtplib.SMTPSenderRefused(452, b"4.3.1 Out of storage", "conf@example.org"),
    "one recipient only for now": smtplib.SMTPRecipientsRefused(
        {"a@example.org": (550, b"5.1.1 No such user"), "b@example.org": (450, b"4.2.0 Mailbox busy")}
    ),
    "login refused (our setting)": smtplib.SMTPAuthenticationError(535, b"5.7.8 Bad credentials"),
    "connection dropped": smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
    "connection refused": ConnectionRefusedError(111, "Connection refused"),
}


@pytest.fixture
def refusing(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"

    def answer(error: Exception) -> None:
        monkeypatch.setattr(RefusingBackend, "error", error)

    return answer


@pytest.mark.parametrize("error", PERMANENT.values(), ids=PERMANENT.keys())
def test_a_permanent_refusal_fails_the_mail_at_once(refusing: Any, error: Exception) -> None:
    refusing(error)
    mail = mail_queue(to_email="a@example.org", subject="Hello", body="Body")
    assert send_mail.delay(mail.pk).get() is False  # no exception: the task does not retry
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.FAILED, 1)
    assert type(error).__name__ in mail.last_error
    assert mail_send(mail.pk) is False  # and it is never tried again


@pytest.mark.parametrize("error", TEMPORARY.values(), ids=TEMPORARY.keys())
def test_a_temporary_failure_leaves_the_mail_queued_for_a_retry(refusing: Any, error: Exception) -> None:
    refusing(error)
    mail = mail_queue(to_email="a@example.org", subject="Hello", body="Body")
    with pytest.raises(type(error)):
        mail_send(mail.pk)
    mail.refresh_from_db()
    assert (mail.status, mail.attempts) == (MailStatus.QUEUED, 1)
    assert type(error).__name__ in mail.last_error


def test_the_task_asks_for_a_retry_after_a_temporary_failure(refusing: Any) -> None:
    refusing(smtplib.SMTPResponseException(421, b"4.3.2 Shutting down"))
    mail = mail_queue(to_email="a@example.org", subject="Hello", body="Body")
    with pytest.raises(Retry):
        send_mail.apply(args=[mail.pk], throw=True)
    assert Mail.objects.get(pk=mail.pk).status == MailStatus.QUEUED


def test_the_task_does_not_retry_a_permanent_refusal(refusing: Any) -> None:
    refusing(smtplib.SMTPResponseException(550, b"5.1.1 No such user"))
    mail = mail_queue(to_email="a@example.org", subject="Hello", body="Body")
    assert send_mail.apply(args=[mail.pk], throw=True).get() is False
    assert Mail.objects.get(pk=mail.pk).status == MailStatus.FAILED


@pytest.mark.parametrize(
    ("error", "permanent"), [*((e, True) for e in PERMANENT.values()), *((e, False) for e in TEMPORARY.values())]
)
def test_is_permanent(error: Exception, permanent: bool) -> None:
    assert is_permanent(error) is permanent

"""Sending one stored mail: claim the row with one UPDATE, send, and sort the failures.

A temporary failure (a 4xx answer, a dropped connection) leaves the row queued and raises, so
the task retries with growing waits; a permanent refusal (a 5xx answer about this message, its
sender or all its recipients) marks the row failed at once: sending it again would only be
refused again.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from outbox.models import Mail, MailStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=15)


def is_permanent(error: Exception) -> bool:
    """Whether the SMTP server refused for good (5xx). A refused login is our configuration,
    not this message: it stays temporary, so the mail goes out once the setting is fixed."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return False
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def mail_send(mail_id: int) -> bool:
    """Send one queued mail. Returns False when there was nothing to do (gone, held, sent or
    being sent) or the server refused it for good; raises on a temporary failure so the task
    can retry."""
    claimed = Mail.objects.filter(pk=mail_id, status=MailStatus.QUEUED).update(
        status=MailStatus.SENDING, claimed_at=timezone.now()
    )
    if not claimed:
        return False
    mail = Mail.objects.get(pk=mail_id)
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_email],
    )
    if mail.html_body:
        message.attach_alternative(mail.html_body, "text/html")
    attempts = mail.attempts + 1
    try:
        message.send()
    except Exception as error:
        permanent = is_permanent(error)
        status = MailStatus.FAILED if permanent or attempts >= MAX_ATTEMPTS else MailStatus.QUEUED
        Mail.objects.filter(pk=mail_id).update(status=status, attempts=attempts, last_error=repr(error)[:2000])
        if permanent:
            log.warning("Mail %s refused for good, not retried: %r", mail_id, error)
            return False
        log.warning("Sending mail %s failed (attempt %s): %r", mail_id, attempts, error)
        raise
    Mail.objects.filter(pk=mail_id).update(status=MailStatus.SENT, sent_at=timezone.now(), attempts=attempts)
    return True


def mails_to_retry() -> list[int]:
    """Queued mail nobody is sending, and claims left behind by a worker that died."""
    now = timezone.now()
    Mail.objects.filter(status=MailStatus.SENDING, claimed_at__lt=now - STALE_CLAIM).update(status=MailStatus.QUEUED)
    return list(
        Mail.objects.filter(status=MailStatus.QUEUED, created_at__lt=now - timedelta(minutes=2)).values_list(
            "pk", flat=True
        )
    )

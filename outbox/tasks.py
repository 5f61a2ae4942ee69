"""Thin tasks: ids in, the sending module does the work, temporary errors are retried (permanent
refusals are settled there and not retried)."""

from __future__ import annotations

import logging
import smtplib

from celery import Task, shared_task

from outbox import sending

log = logging.getLogger(__name__)


@shared_task(
    bind=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=sending.MAX_ATTEMPTS,
)
def send_mail(self: Task, mail_id: int) -> bool:
    """Send one mail; past ``MAIL_RATE_PER_MINUTE`` a new task is queued for when the rate allows
    (not a retry: waiting for the rate uses up none of the mail's attempts). Run eagerly (no
    worker), the mail stays queued for the retry job instead of waiting in this process."""
    try:
        return sending.mail_send(mail_id)
    except sending.RateLimited as limited:
        if self.request.is_eager:
            log.info("Mail %s left queued: %s", mail_id, limited)
            return False
        send_mail.apply_async(args=(mail_id,), countdown=limited.wait)
        return False


@shared_task
def retry_unsent_mail() -> int:
    ids = sending.mails_to_retry()
    for mail_id in ids:
        send_mail.delay(mail_id)
    return len(ids)

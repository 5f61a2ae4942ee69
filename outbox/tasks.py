"""Thin tasks: ids in, the sending module does the work, temporary errors are retried (permanent
refusals are settled there and not retried)."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task

from outbox import sending

log = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=sending.MAX_ATTEMPTS,
)
def send_mail(mail_id: int) -> bool:
    return sending.mail_send(mail_id)


@shared_task
def retry_unsent_mail() -> int:
    ids = sending.mails_to_retry()
    for mail_id in ids:
        send_mail.delay(mail_id)
    return len(ids)

"""Thin tasks: ids in, the service does the work, temporary errors are retried."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task

from outbox import services

log = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=services.MAX_ATTEMPTS,
)
def send_mail(mail_id: int) -> bool:
    return services.mail_send(mail_id)


@shared_task
def retry_unsent_mail() -> int:
    ids = services.mails_to_retry()
    for mail_id in ids:
        send_mail.delay(mail_id)
    return len(ids)

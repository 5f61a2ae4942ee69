"""Queue and send mail. Queueing is a row; sending claims the row with one UPDATE."""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context
from django.template.loader import get_template
from django.utils import timezone

from outbox.models import Mail, MailStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=15)


def _fitted(dedupe_key: str) -> str:
    """The key itself when it fits its column; else its start and the SHA-256 of all of it (a
    key holds an address, which may be 254 characters long)."""
    limit = Mail._meta.get_field("dedupe_key").max_length or 200
    if len(dedupe_key) <= limit:
        return dedupe_key
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()
    return f"{dedupe_key[: limit - len(digest) - 1]}#{digest}"


def mail_queue(
    *,
    to_email: str,
    subject: str,
    body: str,
    html_body: str = "",
    to_user: Any = None,
    edition: Any = None,
    dedupe_key: str | None = None,
) -> Mail:
    """Store a mail and send it once the transaction commits.

    With a ``dedupe_key`` already used, the existing row is returned and nothing is queued.
    """
    dedupe_key = _fitted(dedupe_key) if dedupe_key else None
    if dedupe_key:
        existing = Mail.objects.filter(dedupe_key=dedupe_key).first()
        if existing:
            return existing
    try:
        with transaction.atomic():
            mail = Mail.objects.create(
                to_email=to_email,
                to_user=to_user,
                subject=subject[:300],
                body=body,
                html_body=html_body,
                edition=edition,
                dedupe_key=dedupe_key or None,
            )
    except IntegrityError:
        # Another process queued the same key in the meantime.
        return Mail.objects.get(dedupe_key=dedupe_key)
    from outbox.tasks import send_mail

    transaction.on_commit(lambda: send_mail.delay(mail.pk))
    return mail


def mail_queue_template(template: str, context: dict[str, Any], *, to_email: str, **kwargs: Any) -> Mail:
    """Queue a mail rendered from ``<template>_subject.txt`` and ``<template>_body.txt``.

    Mail is plain text: nothing is HTML-escaped (a title with ``<b>`` stays as typed)."""
    subject = " ".join(_render_plain(f"{template}_subject.txt", context).split())
    body = _render_plain(f"{template}_body.txt", context)
    return mail_queue(to_email=to_email, subject=subject, body=body, **kwargs)


def _render_plain(name: str, context: dict[str, Any]) -> str:
    return get_template(name).template.render(Context(context, autoescape=False))  # type: ignore[attr-defined]


def mail_send(mail_id: int) -> bool:
    """Send one queued mail. Returns False when there was nothing to do (gone, sent or being
    sent); raises on a failure so the task can retry."""
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
    try:
        message.send()
    except Exception as error:
        attempts = mail.attempts + 1
        status = MailStatus.FAILED if attempts >= MAX_ATTEMPTS else MailStatus.QUEUED
        Mail.objects.filter(pk=mail_id).update(status=status, attempts=attempts, last_error=repr(error)[:2000])
        log.warning("Sending mail %s failed (attempt %s): %r", mail_id, attempts, error)
        raise
    Mail.objects.filter(pk=mail_id).update(status=MailStatus.SENT, sent_at=timezone.now(), attempts=mail.attempts + 1)
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

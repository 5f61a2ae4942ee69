"""Sending one stored mail: claim the row with one UPDATE, send, and sort the failures.

A temporary failure (a 4xx answer, a dropped connection) leaves the row queued and raises, so
the task retries with growing waits; a permanent refusal (a 5xx answer about this message, its
sender or all its recipients) marks the row failed at once: sending it again would only be
refused again.

What "exactly once" holds. The claim is one conditional UPDATE (queued -> sending) in its own
transaction: of any number of workers given the same row, one claims it and the others do
nothing, so a race never sends twice. A worker that dies after claiming leaves the row
"sending"; :func:`mails_to_retry` puts claims older than :data:`STALE_CLAIM` back in the queue
and the mail goes out then: at least once. The one window that can duplicate is a death between
the SMTP server accepting the message and the UPDATE marking it sent (one database round trip
after ``send()`` returns): that mail is sent again after ``STALE_CLAIM``. The window is kept that
narrow (nothing else runs between the two), a live worker cannot still be sending when its claim
goes stale (``EMAIL_TIMEOUT`` is far below ``STALE_CLAIM``), and each mail carries a Message-ID
made from its row, the same on every attempt, so a receiving system can drop a repeat; and the
retried row keeps a note (:data:`MAYBE_SENT`), so the possible repeats are known on our side too.

Sending is rate-limited site-wide (``MAIL_RATE_PER_MINUTE``): past it, :func:`mail_send` raises
:class:`RateLimited` before claiming, and the task is deferred. Non-essential mail to someone
who opted out is settled as "opted out" and not sent.
"""

from __future__ import annotations

import logging
import math
import smtplib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from actionlog.services import record_action
from outbox.models import Mail, MailStatus
from outbox.preferences import is_opted_out, unsubscribe_url
from outbox.selectors import single_paper_id

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
STALE_CLAIM = timedelta(minutes=15)
RATE_WINDOW = timedelta(seconds=60)
# Noted on a mail whose claim went stale: whether the server had accepted it is unknown, so it is
# sent again and may arrive twice (with the same Message-ID); the chairs' outbox shows the note.
MAYBE_SENT = "The worker sending this mail stopped before recording the outcome; sent again, it may arrive twice."


class RateLimited(Exception):
    """More than ``MAIL_RATE_PER_MINUTE`` mails went out in the last minute: try again in
    ``wait`` seconds."""

    def __init__(self, wait: int) -> None:
        super().__init__(f"Mail rate reached; next send in {wait} s")
        self.wait = wait


def rate_wait(now: datetime | None = None) -> int:
    """Seconds until one more mail may go out (0: now). Counts the mail sent, or claimed for
    sending, in the last 60 seconds, site-wide."""
    limit: int = getattr(settings, "MAIL_RATE_PER_MINUTE", 120)
    if limit <= 0:
        return 0
    now = now or timezone.now()
    since = now - RATE_WINDOW
    recent = Mail.objects.filter(
        Q(status=MailStatus.SENT, sent_at__gte=since) | Q(status=MailStatus.SENDING, claimed_at__gte=since)
    )
    moments = sorted(
        moment
        for sent_at, claimed_at in recent.values_list("sent_at", "claimed_at")
        if (moment := sent_at or claimed_at) is not None
    )
    if len(moments) < limit:
        return 0
    frees_at = moments[len(moments) - limit] + RATE_WINDOW  # when the window holds one fewer than the limit
    return max(1, math.ceil((frees_at - now).total_seconds()))


def message_id(mail: Mail) -> str:
    """The same on every attempt to send ``mail``: a receiver can drop a repeated delivery."""
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "localhost"
    tag = salted_hmac("outbox.message-id", str(mail.pk)).hexdigest()[:16]  # unique to this site
    return f"<outbox-{mail.pk}.{tag}@{domain}>"


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
    being sent, opted out) or the server refused it for good; raises on a temporary failure so
    the task can retry, and :class:`RateLimited` (the row left queued) past the rate."""
    if not Mail.objects.filter(pk=mail_id, status=MailStatus.QUEUED).exists():
        return False
    wait = rate_wait()
    if wait:
        raise RateLimited(wait)
    claimed = Mail.objects.filter(pk=mail_id, status=MailStatus.QUEUED).update(
        status=MailStatus.SENDING, claimed_at=timezone.now()
    )
    if not claimed:
        return False
    mail = Mail.objects.select_related("edition", "batch__released_by", "to_user").get(pk=mail_id)
    if not mail.essential and is_opted_out(email=mail.to_email, user_id=mail.to_user_id):
        Mail.objects.filter(pk=mail_id).update(status=MailStatus.OPTED_OUT)
        return False
    headers = {"Message-ID": message_id(mail)}
    if not mail.essential:
        headers["List-Unsubscribe"] = f"<{unsubscribe_url(mail.to_email)}>"
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to_email],
        headers=headers,
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
        if status == MailStatus.FAILED:
            _log_outcome(mail, MailStatus.FAILED, note=repr(error))
        if permanent:
            log.warning("Mail %s refused for good, not retried: %r", mail_id, error)
            return False
        log.warning("Sending mail %s failed (attempt %s): %r", mail_id, attempts, error)
        raise
    Mail.objects.filter(pk=mail_id).update(status=MailStatus.SENT, sent_at=timezone.now(), attempts=attempts)
    _log_outcome(mail, MailStatus.SENT)
    return True


def _log_outcome(mail: Mail, status: MailStatus, *, note: str = "") -> None:
    """Log that an edition's mail went out (or failed for good), after the row says so: the
    sending job did it, on behalf of the chair who released its batch, if it was held."""
    if mail.edition_id is None:  # mail of the site (sign-up, passwords): not an edition's action
        return
    mail.status = status
    record_action(
        edition=mail.edition,
        actor=mail.batch.released_by if mail.batch is not None else None,
        action=f"mail.{status}",
        target=mail,
        paper_id=single_paper_id(mail),  # filed under its paper, hidden from its conflicted chairs
        person=mail.to_user,
        changes={"status": (MailStatus.SENDING.value, status.value)},
        note=note,
    )


def mails_to_retry() -> list[int]:
    """Queued mail nobody is sending, and claims left behind by a worker that died (older than
    ``MAIL_STALE_CLAIM_SECONDS``, :data:`STALE_CLAIM` by default)."""
    now = timezone.now()
    stale = timedelta(seconds=getattr(settings, "MAIL_STALE_CLAIM_SECONDS", STALE_CLAIM.total_seconds()))
    retry_after = timedelta(seconds=getattr(settings, "MAIL_RETRY_AFTER_SECONDS", 120))
    Mail.objects.filter(status=MailStatus.SENDING, claimed_at__lt=now - stale).update(
        status=MailStatus.QUEUED, last_error=MAYBE_SENT
    )
    return list(
        Mail.objects.filter(status=MailStatus.QUEUED, created_at__lt=now - retry_after).values_list("pk", flat=True)
    )

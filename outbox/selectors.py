"""Reading the outbox: an edition's mail and batches, and whether a keyed mail was queued."""

from __future__ import annotations

import hashlib

from django.db.models import Count, Q, QuerySet

from conferences.models import Edition
from outbox.models import Mail, MailBatch, MailStatus


def fitted_key(dedupe_key: str) -> str:
    """The key itself when it fits its column; else its start and the SHA-256 of all of it (a
    key holds an address, which may be 254 characters long)."""
    limit = Mail._meta.get_field("dedupe_key").max_length or 200
    if len(dedupe_key) <= limit:
        return dedupe_key
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()
    return f"{dedupe_key[: limit - len(digest) - 1]}#{digest}"


def mail_was_queued(dedupe_key: str) -> bool:
    """Whether a mail with this key exists (whatever became of it)."""
    return Mail.objects.filter(dedupe_key=fitted_key(dedupe_key)).exists()


def mails_of(edition: Edition, *, status: str = "", to: str = "", batch_id: int | None = None) -> QuerySet[Mail]:
    """The edition's mail, newest first, narrowed by delivery status, part of the address and
    batch."""
    mails = Mail.objects.filter(edition=edition).select_related("batch")
    if status:
        mails = mails.filter(status=status)
    if to:
        mails = mails.filter(to_email__icontains=to)
    if batch_id is not None:
        mails = mails.filter(batch_id=batch_id)
    return mails


def batches_of(edition: Edition) -> QuerySet[MailBatch]:
    """The edition's batches, newest first, with how many of their mails are still to go out."""
    return (
        MailBatch.objects.filter(edition=edition)
        .select_related("created_by", "released_by")
        .annotate(
            mail_count=Count("mails", filter=~Q(mails__status=MailStatus.CANCELLED)),
            held_count=Count("mails", filter=Q(mails__status=MailStatus.HELD)),
        )
    )


def batch_mails(batch: MailBatch) -> QuerySet[Mail]:
    """The mails of a batch in the order they were queued."""
    return batch.mails.order_by("pk")


def failed_mail_count(edition: Edition) -> int:
    """Mails of ``edition`` whose sending failed (the chairs' to-do list)."""
    return Mail.objects.filter(edition=edition, status=MailStatus.FAILED).count()

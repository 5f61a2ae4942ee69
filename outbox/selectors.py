"""Reading the outbox: an edition's mail and batches, and whether a keyed mail was queued.

A mail about a submission (:class:`outbox.models.MailPaper`) is left out for a chair conflicted
with it: every read of the chairs' outbox takes ``hidden_paper_ids`` (their
``Access.conflicted``) and never returns, nor counts, a mail about one of those papers."""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from conferences.models import Edition
from outbox.models import Mail, MailBatch, MailPaper, MailStatus


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


def mails_about(paper_ids: Collection[int]) -> QuerySet[MailPaper, Any]:
    """The ids (``mail_id``) of the mails about any of ``paper_ids``, as a subquery."""
    return MailPaper.objects.filter(paper_id__in=list(paper_ids)).values("mail_id")


def without_hidden(mails: QuerySet[Mail], hidden_paper_ids: Collection[int]) -> QuerySet[Mail]:
    """``mails`` but those about any of ``hidden_paper_ids`` (one subquery; none when empty)."""
    return mails.exclude(pk__in=mails_about(hidden_paper_ids)) if hidden_paper_ids else mails


def log_entries_about(paper_ids: Collection[int]) -> Q:
    """The action log's entries about mails about any of ``paper_ids`` (sent, failed, edited...)."""
    mail_type = ContentType.objects.get_for_model(Mail)
    return Q(target_type=mail_type, target_id__in=mails_about(paper_ids))


def single_paper_id(mail: Mail) -> int | None:
    """The submission ``mail`` is about when it is about exactly one (its log entries are filed
    under that paper), else None."""
    ids = list(MailPaper.objects.filter(mail=mail).values_list("paper_id", flat=True)[:2])
    return ids[0] if len(ids) == 1 else None


def mails_of(
    edition: Edition,
    *,
    hidden_paper_ids: Collection[int],
    status: str = "",
    to: str = "",
    batch_id: int | None = None,
) -> QuerySet[Mail]:
    """The edition's mail, newest first, narrowed by delivery status, part of the address and
    batch, without the mail about ``hidden_paper_ids`` (the reader's conflicts)."""
    mails = without_hidden(Mail.objects.filter(edition=edition), hidden_paper_ids).select_related("batch")
    if status:
        mails = mails.filter(status=status)
    if to:
        mails = mails.filter(to_email__icontains=to)
    if batch_id is not None:
        mails = mails.filter(batch_id=batch_id)
    return mails


def batches_of(edition: Edition, *, hidden_paper_ids: Collection[int]) -> QuerySet[MailBatch]:
    """The edition's batches, newest first, with how many of their mails are still to go out
    (counting none about ``hidden_paper_ids``)."""
    shown = ~Q(mails__pk__in=mails_about(hidden_paper_ids)) if hidden_paper_ids else Q()
    return (
        MailBatch.objects.filter(edition=edition)
        .select_related("created_by", "released_by")
        .annotate(
            mail_count=Count("mails", filter=~Q(mails__status=MailStatus.CANCELLED) & shown),
            held_count=Count("mails", filter=Q(mails__status=MailStatus.HELD) & shown),
        )
    )


def batch_mails(batch: MailBatch, *, hidden_paper_ids: Collection[int]) -> QuerySet[Mail]:
    """The mails of a batch in the order they were queued, without those about
    ``hidden_paper_ids``."""
    return without_hidden(batch.mails.order_by("pk"), hidden_paper_ids)


def failed_mail_count(edition: Edition, *, hidden_paper_ids: Collection[int]) -> int:
    """Mails of ``edition`` whose sending failed (the chairs' to-do list), without those about
    ``hidden_paper_ids``."""
    return without_hidden(Mail.objects.filter(edition=edition, status=MailStatus.FAILED), hidden_paper_ids).count()

"""The reminder to PC members who have bid on too few papers, sent once per bidding deadline
when that deadline is less than three days away. A job run twice mails once (dedupe key)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bidding.selectors import bid_counts_per_member
from conferences.models import Deadline, Phase
from conferences.selectors import phase_is_open
from conferences.services import format_moment
from outbox.selectors import mail_was_queued
from outbox.services import mail_queue_template

REMIND_WITHIN = timedelta(days=3)


def _key(deadline: Deadline, email: str) -> str:
    # The deadline's time is part of the key: a moved deadline is reminded again.
    return f"few-bids:{deadline.pk}:{int(deadline.closes_at.timestamp())}:{email.lower()}"


def remind_few_bids(now: datetime | None = None) -> int:
    """Queue one reminder per member with fewer bids than wanted (see
    :func:`bidding.selectors.bids_wanted`), in editions whose bidding phase is open and closes
    within :data:`REMIND_WITHIN`. Returns how many new mails were queued."""
    now = now or timezone.now()
    queued = 0
    closing = Deadline.objects.filter(
        phase=Phase.BIDDING, closes_at__gt=now, closes_at__lte=now + REMIND_WITHIN
    ).select_related("edition")
    for deadline in closing:
        edition = deadline.edition
        if not phase_is_open(edition, Phase.BIDDING, now):
            continue
        for member in bid_counts_per_member(edition):
            email = member.user.email
            key = _key(deadline, email)
            if not member.few or mail_was_queued(key):
                continue
            mail_queue_template(
                "bidding/mail/few_bids",
                {
                    "edition": edition,
                    "member": member,
                    "moment": format_moment(deadline.closes_at, edition),
                    "url": settings.SITE_URL + reverse("bidding:bids", kwargs={"edition_slug": edition.slug}),
                },
                to_email=email,
                about=None,
                to_user=member.user,
                edition=edition,
                dedupe_key=key,
            )
            queued += 1
    return queued

"""Reminders of the camera-ready phase, sent by the periodic job of :mod:`camera_ready.tasks`.

When the camera-ready deadline is less than :data:`REMIND_BEFORE` away, each author of an
accepted paper (acceptance released) whose camera-ready version is incomplete gets one mail
saying what is missing. The dedupe key names the deadline's time, the paper and the person:
the job may run every hour, twice, or on two workers at once, and mails each person once per
deadline (a moved deadline is reminded again)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from artifacts.policy import acceptance_is_released
from camera_ready.status import camera_ready_deadline, paper_statuses
from conferences.models import Deadline, Phase
from conferences.services import format_moment
from outbox.services import mail_queue_template

REMIND_BEFORE = timedelta(days=3)
INCOMPLETE_MAIL = "camera_ready/mail/incomplete_reminder"


def _key(deadline: Deadline, who: str) -> str:
    return f"camera-ready-incomplete:{deadline.pk}:{int(deadline.closes_at.timestamp())}:{who}"


def remind_incomplete(now: datetime | None = None) -> int:
    """Remind the authors of accepted papers whose camera-ready version is incomplete, once per deadline."""
    now = now or timezone.now()
    queued = 0
    deadlines = Deadline.objects.filter(
        phase=Phase.CAMERA_READY, closes_at__gt=now, closes_at__lte=now + REMIND_BEFORE
    ).select_related("edition")
    for deadline in deadlines:
        edition = deadline.edition
        for row in paper_statuses(edition):
            paper = row.submission
            if row.complete or not acceptance_is_released(paper, now):
                continue
            url = settings.SITE_URL + reverse("camera_ready:author", args=[edition.slug, paper.number])
            closes = camera_ready_deadline(paper) or deadline.closes_at
            for author in paper.authors.select_related("user"):
                context = {
                    "edition": edition,
                    "submission": paper,
                    "author": author,
                    "missing": row.missing_labels,
                    "moment": format_moment(closes, edition),
                    "url": url,
                }
                mail_queue_template(
                    INCOMPLETE_MAIL,
                    context,
                    to_email=author.email,
                    to_user=author.user,
                    edition=edition,
                    about=paper,
                    dedupe_key=_key(deadline, f"{paper.pk}:{author.email.lower()}"),
                )
                queued += 1
    return queued

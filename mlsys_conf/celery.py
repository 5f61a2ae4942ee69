"""The Celery app. Tasks live in each app's ``tasks.py``; periodic jobs are listed here."""

from __future__ import annotations

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlsys_conf.settings")

app = Celery("mlsys_conf")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Jobs notify, tidy up and record the chairs' scheduled releases; every deadline (and whether a
# release is visible) is decided by comparing times, never by a job having run.
PERIODIC_JOBS: dict[str, tuple[str, str | int]] = {  # job: (task, the minutes of each hour it runs at)
    "announce-phase-changes": ("site_pages.tasks.announce_phase_changes", "*/5"),
    "deadline-reminders": ("site_pages.tasks.send_deadline_reminders", "7,37"),
    "complete-affinities": ("bidding.tasks.complete_affinities", "*/10"),
    "remind-few-bids": ("bidding.tasks.remind_few_bids", 23),
    "committee-invitation-reminders": ("committees.tasks.remind_pending_invitations", 17),
    "release-due": ("conferences.tasks.release_due", "*"),
    "remind-missing-reviews": ("reviews.tasks.remind_missing_reviews", 47),
    "retry-unsent-mail": ("outbox.tasks.retry_unsent_mail", "*/10"),
    "comment-digest": ("reviews.tasks.comment_digest", 41),  # hourly; one digest per person and day
}
app.conf.beat_schedule = {
    name: {"task": task, "schedule": crontab(minute=minute)} for name, (task, minute) in PERIODIC_JOBS.items()
}

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
app.conf.beat_schedule = {
    "announce-phase-changes": {
        "task": "site_pages.tasks.announce_phase_changes",
        "schedule": crontab(minute="*/5"),
    },
    "deadline-reminders": {
        "task": "site_pages.tasks.send_deadline_reminders",
        "schedule": crontab(minute="7,37"),
    },
    "complete-affinities": {
        "task": "bidding.tasks.complete_affinities",
        "schedule": crontab(minute="*/10"),
    },
    "remind-few-bids": {
        "task": "bidding.tasks.remind_few_bids",
        "schedule": crontab(minute=23),
    },
    "committee-invitation-reminders": {
        "task": "committees.tasks.remind_pending_invitations",
        "schedule": crontab(minute=17),
    },
    "release-due": {
        "task": "conferences.tasks.release_due",
        "schedule": crontab(minute="*"),
    },
    "retry-unsent-mail": {
        "task": "outbox.tasks.retry_unsent_mail",
        "schedule": crontab(minute="*/10"),
    },
}

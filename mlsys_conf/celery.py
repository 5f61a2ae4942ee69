"""The Celery app. Tasks live in each app's ``tasks.py``; periodic jobs are listed here. Every
task's base is :class:`mlsys_conf.queueing.Task`: a broker that is down never fails a request."""

from __future__ import annotations

import os
from typing import Any

import celery
from celery.schedules import crontab, schedule

from mlsys_conf.queueing import Task

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mlsys_conf.settings")

app = celery.Celery("mlsys_conf", task_cls=Task)
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
    "artifact-registration-reminders": ("artifacts.tasks.remind_artifact_registration", 53),
    "artifact-evaluation-reminders": ("artifacts.tasks.remind_artifact_evaluation", 57),
    "camera-ready-reminders": ("camera_ready.tasks.remind_incomplete_camera_ready", 43),
    "artifact-link-check": ("artifacts.tasks.check_due_artifact_links", 29),  # hourly; each artifact once a day
}


def beat_schedule(every_seconds: float = 0) -> dict[str, dict[str, Any]]:
    """The periodic jobs' schedule: their crontabs, or every job each ``every_seconds`` (tests)."""
    return {
        name: {"task": task, "schedule": schedule(every_seconds) if every_seconds else crontab(minute=minute)}
        for name, (task, minute) in PERIODIC_JOBS.items()
    }


# CELERY_BEAT_EVERY_SECONDS (tests and trials only): run every job that often instead.
app.conf.beat_schedule = beat_schedule(float(os.environ.get("CELERY_BEAT_EVERY_SECONDS") or 0))

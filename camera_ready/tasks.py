"""Celery jobs of the camera-ready phase: thin, each calls the module that does the work."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from camera_ready import reminders

# Worth another try; every mail has its dedupe key, so a second try mails only what the first did not.
DATABASE_HICCUPS = (OperationalError, InterfaceError)


@shared_task(autoretry_for=DATABASE_HICCUPS, retry_backoff=30, max_retries=3)
def remind_incomplete_camera_ready() -> int:
    """Remind the authors of incomplete accepted papers, before the camera-ready deadline."""
    return reminders.remind_incomplete()

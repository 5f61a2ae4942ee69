"""Celery jobs of artifact evaluation: thin, each calls the module that does the work."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from artifacts import reminders

# Worth another try; every mail has its dedupe key, so a second try mails only what the first did not.
DATABASE_HICCUPS = (OperationalError, InterfaceError)


@shared_task(autoretry_for=DATABASE_HICCUPS, retry_backoff=30, max_retries=3)
def remind_artifact_registration() -> int:
    """Remind authors of accepted papers without an artifact, before registration closes."""
    return reminders.remind_registration()


@shared_task(autoretry_for=DATABASE_HICCUPS, retry_backoff=30, max_retries=3)
def remind_artifact_evaluation() -> int:
    """Remind assigned evaluators of the evaluations they have not submitted, before the deadline."""
    return reminders.remind_evaluation()

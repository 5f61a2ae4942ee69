"""Celery jobs of artifact evaluation: thin, each calls the module that does the work."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from artifacts import link_check, reminders
from artifacts.models import Artifact

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


@shared_task
def check_due_artifact_links() -> int:
    """Check the repository URL and DOI of the artifacts not checked for a day (never retried:
    a link that does not answer is a finding, recorded as such)."""
    return link_check.check_due_links()


@shared_task
def check_artifact_links(artifact_id: int) -> bool:
    """Check one artifact's links, after its authors registered or changed them."""
    artifact = Artifact.objects.filter(pk=artifact_id).first()
    if artifact is None or not link_check.enabled():
        return False
    return link_check.artifact_check_links(artifact)

"""Celery jobs of joint review: thin, each calls the module that does the work."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from reviews import discussion, reminders


@shared_task
def comment_digest() -> int:
    """The daily digest of new comments, for those who chose it (once per person and day)."""
    return discussion.comment_digest()


# Worth another try: a lost connection, a deadlock or serialisation failure. Every mail has its
# dedupe key, so a second try mails only what the first did not.
DATABASE_HICCUPS = (OperationalError, InterfaceError)


@shared_task(autoretry_for=DATABASE_HICCUPS, retry_backoff=30, max_retries=3)
def remind_missing_reviews() -> int:
    """Remind reviewers of missing reviews and send the chairs their summary (once a day each)."""
    return reminders.remind_missing_reviews()

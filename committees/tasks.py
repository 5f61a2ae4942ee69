"""Periodic jobs of committees: thin, the services claim and mail."""

from __future__ import annotations

from celery import shared_task

from committees import services


@shared_task
def remind_pending_invitations() -> int:
    """Remind invitees who have not answered for three days; each round mails once, however
    often this runs and on however many workers."""
    return services.invitations_remind_pending()

"""allauth's address signals: a confirmed, changed or removed address may change the person's
conflicts of interest, so each one queues the same refresh as a change of profile."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import email_changed, email_confirmed, email_removed
from django.dispatch import receiver

from accounts.services import refresh_conflicts_after_commit


@receiver(email_confirmed, dispatch_uid="accounts.conflicts_after_email_confirmed")
def conflicts_after_email_confirmed(sender: Any, email_address: Any, **kwargs: Any) -> None:
    refresh_conflicts_after_commit(email_address.user)


@receiver(email_changed, dispatch_uid="accounts.conflicts_after_email_changed")
@receiver(email_removed, dispatch_uid="accounts.conflicts_after_email_removed")
def conflicts_after_email_changed_or_removed(sender: Any, user: Any, **kwargs: Any) -> None:
    refresh_conflicts_after_commit(user)

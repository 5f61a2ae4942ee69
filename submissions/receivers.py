"""Conflicts of interest follow the people: when a committee member joins, or a person's
affiliation, domains or addresses change, the edition's automatic conflicts are refreshed
after the change commits (the apps below announce it with a signal)."""

from __future__ import annotations

import functools
from typing import Any

from django.db import transaction
from django.dispatch import receiver

from accounts.signals import conflict_facts_changed
from committees.signals import role_granted
from submissions.tasks import refresh_edition_conflicts


@receiver(role_granted, dispatch_uid="submissions.conflicts_after_role_granted")
def conflicts_after_role_granted(sender: Any, role: Any, **kwargs: Any) -> None:
    """A new member may share a domain or affiliation with authors; they see these."""
    edition_id, user_id = role.edition_id, role.user_id
    transaction.on_commit(lambda: refresh_edition_conflicts.delay(edition_id, user_id, joined=True))


@receiver(conflict_facts_changed, dispatch_uid="submissions.conflicts_after_person_changed")
def conflicts_after_person_changed(sender: Any, user: Any, **kwargs: Any) -> None:
    """Where the person sits on a committee, a job per edition records the new conflicts,
    hidden from the person (their own change must not tell them who wrote which paper)."""
    for edition_id in sorted(set(user.roles.values_list("edition_id", flat=True))):
        transaction.on_commit(functools.partial(refresh_edition_conflicts.delay, edition_id, user.pk))

"""Late papers and late members get their affinities at once, not at the next periodic job:
a job scores them after the change commits (see :func:`bidding.services.affinity_complete`).

The apps below announce the changes: committees with ``role_granted`` (a role given, or an
invitation accepted), submissions with ``paper_changed`` (a paper registered, its text changed, a
PDF that passed the checks, a withdrawn paper restored). Rows made directly (factories, the demo)
are not services' changes and start nothing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.dispatch import receiver

from bidding import tasks
from bidding.selectors import BIDDER_ROLES
from committees.signals import role_granted
from submissions.signals import paper_changed


@receiver(role_granted, dispatch_uid="bidding.affinity_after_role_granted")
def affinity_after_role_granted(sender: Any, role: Any, **kwargs: Any) -> None:
    """A new bidding member (or one whose role changed: then nothing is missing) is scored."""
    if role.kind not in BIDDER_ROLES:
        return
    edition_id, user_id = role.edition_id, role.user_id
    transaction.on_commit(lambda: tasks.complete_member_affinity.delay(edition_id, user_id))


@receiver(paper_changed, dispatch_uid="bidding.affinity_after_paper_changed")
def affinity_after_paper_changed(sender: Any, submission: Any, **kwargs: Any) -> None:
    """A paper registered or changed is scored with every member."""
    paper_id = submission.pk
    transaction.on_commit(lambda: tasks.complete_paper_affinity.delay(paper_id))

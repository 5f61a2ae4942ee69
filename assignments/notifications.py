"""Mail to assignees once their assignments of a kind are committed: titles only (double-blind)."""

from __future__ import annotations

from django.conf import settings

from accounts.models import User
from assignments.models import Assignment, AssignmentKind
from conferences.models import Edition
from outbox.services import mail_queue_template


def reviewers_of_committed(edition_id: int, user_ids: list[int], stamp: int, kind: str = AssignmentKind.REVIEW) -> int:
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return 0
    sent = 0
    for user in User.objects.filter(pk__in=user_ids):
        papers = [
            a.submission
            for a in Assignment.objects.filter(submission__edition=edition, user=user, kind=kind, is_committed=True)
            .select_related("submission")
            .order_by("submission__number")
        ]
        if not papers:
            continue
        mail_queue_template(
            "assignments/mail/assigned",
            {
                "edition": edition,
                "reviewer": user,
                "papers": papers,
                "kind": AssignmentKind(kind),
                "site_url": settings.SITE_URL,
            },
            to_email=user.email,
            about=papers,
            to_user=user,
            edition=edition,
            dedupe_key=f"assigned:{edition.pk}:{user.pk}:{kind}:{stamp}",
        )
        sent += 1
    return sent

"""The AE chairs' badge decisions and their release.

- A decision awards a subset of the badges the authors requested (a chair cannot award a badge
  nobody asked to be evaluated for; awarding none is a decision too). Reusable brings
  Functional with it, as when requesting. Until released a decision may change.
- Releasing shows every decided, unreleased artifact's badges at once (to its authors, the AE
  committee and the public page) and mails each author of each paper once (dedupe key per
  decision and address: a second release, or two chairs releasing at once, mails nobody twice).
  A released decision is final.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actionlog.services import record_action, record_paper_action
from artifacts import policy
from artifacts.models import Artifact, Badge, BadgeDecision
from conferences.models import Edition
from mlsys_conf.policy import require
from outbox.services import mail_queue_template

RELEASED_MAIL = "artifacts/mail/badges_released"


def awarded_badges(values: Iterable[str], requested: Iterable[str]) -> list[str]:
    """The badges to award, in ACM's order, each once; Reusable brings Functional. Refuses a
    value that is no badge, and a badge that was not requested."""
    asked = set(values)
    unknown = sorted(asked - set(Badge.values))
    if unknown:
        raise ValidationError(f"Not an ACM badge: {', '.join(unknown)}.")
    if Badge.REUSABLE in asked:
        asked.add(Badge.FUNCTIONAL)
    not_requested = [Badge(badge).label for badge in Badge.values if badge in asked - set(requested)]
    if not_requested:
        raise ValidationError(f"Only badges the authors requested can be awarded, not: {', '.join(not_requested)}.")
    return [badge for badge in Badge.values if badge in asked]


@transaction.atomic
def badges_decide(*, artifact: Artifact, badges: Iterable[str], note: str = "", by: Any) -> BadgeDecision:
    """An AE chair awards ``badges`` (maybe none) to ``artifact``, with a note to the authors."""
    artifact = Artifact.objects.select_for_update().select_related("submission__edition").get(pk=artifact.pk)
    require(policy.can_decide_badges(by, artifact))
    awarded, note = awarded_badges(badges, artifact.badges), note.strip()
    values: dict[str, Any] = {"badges": awarded, "note": note}
    decision = policy.decision_of(artifact)
    before = {"badges": decision.badges, "note": decision.note} if decision else {}
    decision = decision or BadgeDecision(artifact=artifact)
    decision.badges, decision.note = awarded, note
    decision.decided_by, decision.decided_at = by, timezone.now()
    decision.full_clean()
    decision.save()
    changes = {name: (before.get(name), value) for name, value in values.items() if before.get(name) != value}
    record_paper_action(artifact.submission, actor=by, action="artifact_badges.decided", changes=changes)
    return decision


def _mail_authors(decision: BadgeDecision) -> int:
    submission = decision.artifact.submission
    url = settings.SITE_URL + reverse("artifacts:author", args=[submission.edition.slug, submission.number])
    sent = 0
    for author in submission.authors.select_related("user"):
        mail_queue_template(
            RELEASED_MAIL,
            {
                "edition": submission.edition,
                "submission": submission,
                "author": author,
                "decision": decision,
                "url": url,
            },
            to_email=author.email,
            to_user=author.user,
            edition=submission.edition,
            about=submission,
            dedupe_key=f"artifact-badges:{decision.pk}:{author.email.lower()}",
        )
        sent += 1
    return sent


@transaction.atomic
def badges_release(*, edition: Edition, by: Any) -> int:
    """An AE chair releases every decided artifact not released yet: its badges become visible
    and its authors get one mail each. Returns how many decisions were released (0 when there
    was nothing new: safe to repeat)."""
    require(policy.can_manage_badges(by, edition))
    now = timezone.now()
    pending = list(
        BadgeDecision.objects.select_for_update(of=("self",))
        .filter(artifact__submission__edition=edition, released_at__isnull=True)
        .select_related("artifact__submission__edition")
    )
    for decision in pending:
        decision.released_at = now
        decision.save(update_fields=["released_at"])
        _mail_authors(decision)
        record_paper_action(
            decision.artifact.submission,
            actor=by,
            action="artifact_badges.released",
            changes={"released_at": (None, now.isoformat())},
        )
    if pending:
        record_action(
            edition=edition,
            actor=by,
            action="artifact_results.released",
            changes={"released": (0, len(pending))},
        )
    return len(pending)


def decisions_of(edition: Edition) -> dict[int, BadgeDecision]:
    """The edition's badge decisions by artifact id."""
    decisions = BadgeDecision.objects.filter(artifact__submission__edition=edition)
    return {decision.artifact_id: decision for decision in decisions}


def released_awards(edition: Edition) -> list[BadgeDecision]:
    """The released decisions that award at least one badge, by paper number (the public page)."""
    decisions = BadgeDecision.objects.filter(
        artifact__submission__edition=edition, released_at__isnull=False
    ).select_related("artifact__submission")
    return [decision for decision in decisions.order_by("artifact__submission__number") if decision.badges]

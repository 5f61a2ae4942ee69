"""Deciding on papers (one or many at once), tags, the discussion order, and stamping the
decided papers when the chairs release decisions.

Every service takes the acting chair as ``by``, asks the policy itself (a chair conflicted with a
paper gets the 404 of a missing one), runs in one transaction and records its action with
before/after in the action log. A decision moves the paper's state only through
:func:`submissions.states.transition`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from actionlog.services import record_action, record_paper_action, recording_in_bulk
from conferences.access import access_of
from conferences.models import Edition, Release, ReleaseKind
from conferences.selectors import is_released
from decisions.models import Decision, DecisionCategory, DiscussionPosition, Outcome, PaperTag, Tag
from decisions.policy import can_decide, can_decide_paper
from mlsys_conf.policy import NOT_FOUND, require, visible_or_404
from submissions.models import Submission, SubmissionState
from submissions.states import transition, why_not_move

log = logging.getLogger(__name__)

DEFAULT_CATEGORIES = (
    ("Accept (oral)", Outcome.ACCEPT),
    ("Accept (poster)", Outcome.ACCEPT),
    ("Reject", Outcome.REJECT),
)
TAG_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
DECIDED = (SubmissionState.ACCEPTED, SubmissionState.REJECTED)


def categories_of(edition: Edition) -> list[DecisionCategory]:
    """The edition's decision categories in order (the defaults are made the first time)."""
    categories = list(DecisionCategory.objects.filter(edition=edition))
    if categories:
        return categories
    for position, (name, outcome) in enumerate(DEFAULT_CATEGORIES, 1):
        try:
            with transaction.atomic():
                DecisionCategory.objects.get_or_create(
                    edition=edition, name=name, defaults={"outcome": outcome, "position": position}
                )
        except IntegrityError:  # made meanwhile by another request
            continue
    return list(DecisionCategory.objects.filter(edition=edition))


def _why_not_decide(submission: Submission, category: DecisionCategory) -> str | None:
    if category.edition_id != submission.edition_id:
        return "that decision is not one of this edition's"
    to = Outcome(category.outcome).state
    if submission.state == to:
        return None
    return why_not_move(submission.state, to)


def _decide(by: Any, submission: Submission, category: DecisionCategory, note: str, released: bool) -> Decision:
    before = Decision.objects.select_for_update().select_related("category").filter(submission=submission).first()
    to = Outcome(category.outcome).state
    if submission.state != to:
        submission = transition(submission, to, by=by, action="submission.decided")
    now = timezone.now()
    if released and submission.decision_released_at is None:  # decided after the release: shown at once
        Submission.objects.filter(pk=submission.pk).update(decision_released_at=now)
        submission.decision_released_at = now
    decision, _ = Decision.objects.update_or_create(
        submission=submission, defaults={"category": category, "decided_by": by, "decided_at": now, "note": note}
    )
    changes = {
        "category": (before.category.name if before else None, category.name),
        "note": (before.note if before else "", note),
    }
    changes = {field: (old, new) for field, (old, new) in changes.items() if old != new}
    if changes:
        record_paper_action(submission, actor=by, action="decision.set", changes=changes, note=category.name)
    return decision


@transaction.atomic
def decision_set(*, by: Any, submission: Submission, category: DecisionCategory, note: str = "") -> Decision:
    """Record ``category`` as the decision on ``submission`` (pending until decisions are
    released; shown at once when they already are)."""
    require(can_decide(by, submission.edition))
    visible_or_404(can_decide_paper(by, submission))
    refusal = _why_not_decide(submission, category)
    if refusal:
        raise ValidationError(f"#{submission.number}: {refusal}")
    released = is_released(submission.edition, ReleaseKind.DECISIONS)
    decision = _decide(by, submission, category, note.strip(), released)
    log.info("chair %s decided #%s of %s: %s", by.pk, submission.number, submission.edition.slug, category.name)
    return decision


@transaction.atomic
def decisions_bulk_set(
    *, by: Any, edition: Edition, submissions: Sequence[Submission], category: DecisionCategory, note: str = ""
) -> list[Decision]:
    """Record ``category`` on every paper of ``submissions``, or on none: when any of them can't
    be decided (conflicted, withdrawn, no PDF, ...), the whole batch is refused, naming them."""
    require(can_decide(by, edition))
    if not submissions:
        raise ValidationError("Select at least one paper.")
    access = access_of(by, edition)
    refusals = []
    for submission in sorted(submissions, key=lambda s: s.number):
        if submission.edition_id != edition.pk or not access.manages(submission):
            refusals.append(f"#{submission.number} is not one of the papers you decide")
            continue
        refusal = _why_not_decide(submission, category)
        if refusal:
            refusals.append(f"#{submission.number}: {refusal}")
    if refusals:
        raise ValidationError("Nothing was recorded. " + "; ".join(refusals) + ".")
    released = is_released(edition, ReleaseKind.DECISIONS)
    with recording_in_bulk():
        decisions = [_decide(by, submission, category, note.strip(), released) for submission in submissions]
    log.info("chair %s decided %s papers of %s: %s", by.pk, len(decisions), edition.slug, category.name)
    return decisions


def papers_by_number(edition: Edition, numbers: Sequence[int]) -> list[Submission]:
    """The papers of ``numbers``; a number that names no paper refuses the whole request (named
    as one the caller does not decide, as a paper they are conflicted with is)."""
    wanted = list(dict.fromkeys(numbers))
    found = {
        s.number: s for s in Submission.objects.filter(edition=edition, number__in=wanted).select_related("edition")
    }
    missing = [n for n in wanted if n not in found]
    if missing:
        named = "; ".join(f"#{n} is not one of the papers you decide" for n in missing)
        raise ValidationError(f"Nothing was recorded. {named}.")
    return [found[n] for n in wanted]


# --- Tags and the discussion order ----------------------------------------------------------


def clean_tag_name(name: str) -> str:
    cleaned = name.strip().lower()
    if not TAG_NAME.match(cleaned):
        raise ValidationError("A tag is one word of lowercase letters, digits, - and _ (at most 40 characters).")
    return cleaned


def _tag_names(submission: Submission) -> list[str]:
    return sorted(PaperTag.objects.filter(submission=submission).values_list("tag__name", flat=True))


@transaction.atomic
def tag_add(*, by: Any, submission: Submission, name: str) -> Tag:
    require(can_decide(by, submission.edition))
    visible_or_404(can_decide_paper(by, submission))
    name = clean_tag_name(name)
    tag, _ = Tag.objects.get_or_create(edition=submission.edition, name=name)
    before = _tag_names(submission)
    if name not in before:
        PaperTag.objects.get_or_create(submission=submission, tag=tag)
        record_paper_action(
            submission, actor=by, action="decision.tag_added", changes={"tags": (before, sorted([*before, name]))}
        )
    return tag


@transaction.atomic
def tag_remove(*, by: Any, submission: Submission, name: str) -> None:
    require(can_decide(by, submission.edition))
    visible_or_404(can_decide_paper(by, submission))
    before = _tag_names(submission)
    name = name.strip().lower()
    if name not in before:
        return
    PaperTag.objects.filter(submission=submission, tag__name=name).delete()
    record_paper_action(
        submission,
        actor=by,
        action="decision.tag_removed",
        changes={"tags": (before, [t for t in before if t != name])},
    )


@transaction.atomic
def order_set(*, by: Any, edition: Edition, submissions: Sequence[Submission]) -> list[int]:
    """The PC meeting discusses ``submissions`` in this order; the other papers the chair
    manages leave the order (those the chair is conflicted with keep their place)."""
    require(can_decide(by, edition))
    access = access_of(by, edition)
    for submission in submissions:
        if submission.edition_id != edition.pk or not access.manages(submission):
            raise Http404(NOT_FOUND)
    managed = DiscussionPosition.objects.filter(submission__edition=edition).exclude(
        submission_id__in=access.conflicted
    )
    before = list(managed.order_by("position").values_list("submission__number", flat=True))
    managed.delete()
    start = (
        DiscussionPosition.objects.filter(submission__edition=edition)
        .order_by("-position")
        .values_list("position", flat=True)
        .first()
        or 0
    )
    DiscussionPosition.objects.bulk_create(
        DiscussionPosition(submission=s, position=start + i) for i, s in enumerate(submissions, 1)
    )
    after = [s.number for s in submissions]
    if before != after:
        record_action(edition=edition, actor=by, action="decision.order_set", changes={"order": (before, after)})
    return after


# --- Releasing decisions ----------------------------------------------------------------------


def release_decided(edition: Edition, at: datetime) -> int:
    """Show every decided paper's decision from ``at`` on (the papers not yet shown only: safe
    to run again)."""
    return Submission.objects.filter(edition=edition, state__in=DECIDED, decision_released_at__isnull=True).update(
        decision_released_at=at
    )


def on_release(sender: Any, **details: Any) -> None:
    """Receiver of ``conferences.signals.action_done``: when decisions are released (at once by
    a chair, or by the job at the scheduled time; each release happens once), the decided papers
    are stamped in the same transaction."""
    target = details.get("target")
    if details.get("action") != "release.released" or not isinstance(target, Release):
        return
    if target.kind != ReleaseKind.DECISIONS:
        return
    released_at = (details.get("changes") or {}).get("released_at", (None, None))[1]
    count = release_decided(target.edition, released_at or target.released_at or timezone.now())
    log.info("decisions of %s released: %s papers", target.edition.slug, count)

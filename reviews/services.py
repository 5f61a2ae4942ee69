"""Writing reviews: open one's review of a paper, save a draft, submit, and update after
submitting (each submission kept as a version). Every function checks the policy itself and
logs what it changed; other apps learn of submissions through :mod:`reviews.signals`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from actionlog.services import record_paper_action
from assignments.models import Assignment, AssignmentKind
from conferences.access import access_of
from conferences.models import Role
from conferences.roles import RoleKind
from mlsys_conf.policy import require
from reviews import signals
from reviews.answers import clean_answers
from reviews.models import (
    ExternalRequest,
    ExternalStatus,
    FormKind,
    Review,
    ReviewKind,
    ReviewState,
    ReviewVersion,
)
from reviews.policy import can_start_review, can_write_review
from reviews.review_types import type_of
from reviews.selectors import current_round, form_fields
from submissions.models import Submission


def _kind_for(by: Any, submission: Submission, form: FormKind) -> ReviewKind:
    access = access_of(by, submission.edition)
    if form == FormKind.META and access.is_assigned(submission, AssignmentKind.META_REVIEW):
        return ReviewKind.META
    if not access.is_assigned(submission, AssignmentKind.REVIEW) and access.is_assigned(
        submission, AssignmentKind.META_REVIEW
    ):
        return ReviewKind.META
    external = access.has_role(RoleKind.EXTERNAL_REVIEWER) and not access.has_role(*RoleKind.where("on_pc"))
    assignment = Assignment.objects.filter(submission=submission, user=by, kind=AssignmentKind.REVIEW).first()
    if assignment is None:
        return ReviewKind.EXTERNAL if external else ReviewKind.PRIMARY
    return type_of(assignment, external=external)  # external: asked for this paper alone (reviews.external)


def _external_requester(by: Any, submission: Submission) -> Any:
    """Who asked for the external review ``by`` accepted to write."""
    accepted = ExternalRequest.objects.filter(submission=submission, user=by, status=ExternalStatus.ACCEPTED)
    request = accepted.select_related("requested_by").order_by("-answered_at").first()
    return request.requested_by if request is not None else None


@transaction.atomic
def review_open(*, by: Any, submission: Submission, form: FormKind = FormKind.REVIEW) -> Review:
    """The signed-in reviewer's review of ``submission`` in the current round (a new, empty draft
    the first time): a reviewer asked for both a review and a meta-review has one of each."""
    require(can_start_review(by, submission))
    kind = _kind_for(by, submission, form)
    review_round = current_round(submission.edition)
    area = (
        Role.objects.filter(edition=submission.edition, user=by).exclude(area="").values_list("area", flat=True).first()
    )
    defaults: dict[str, Any] = {"area": area or ""}
    if kind == ReviewKind.EXTERNAL:
        defaults["requested_by"] = _external_requester(by, submission)
    review, created = Review.objects.get_or_create(
        submission=submission,
        reviewer=by,
        round=review_round,
        kind=kind,
        defaults=defaults,
    )
    if created:
        record_paper_action(submission, actor=by, action="review.started", note=f"{review_round.name}")
    return review


def _kept_answers(review: Review, fields_in_use: set[str]) -> dict[str, Any]:
    """Answers to fields no longer asked (retired): kept, never dropped by a later save."""
    return {key: value for key, value in review.answers.items() if key not in fields_in_use}


@transaction.atomic
def review_save(
    *, by: Any, review: Review, answers: dict[str, Any], submit: bool, now: datetime | None = None
) -> Review:
    """Save ``answers`` (all of them: what is left out is cleared). ``submit``: also submit, which
    requires a complete review; a submitted review can only be submitted again (an update, kept
    as a new version, re-notifying those who follow the paper)."""
    now = now or timezone.now()
    review = Review.objects.select_for_update().select_related("submission__edition", "round").get(pk=review.pk)
    require(can_write_review(by, review, now))
    was_submitted = review.is_submitted
    fields = form_fields(review.submission.edition, review.form_kind)
    complete = submit or was_submitted
    cleaned = clean_answers(fields, answers, complete=complete)
    before = dict(review.answers)
    review.answers = _kept_answers(review, {field.key for field in fields}) | cleaned
    if not complete:
        review.save(update_fields=["answers", "updated_at"])
        return review
    review.state = ReviewState.SUBMITTED
    review.version += 1
    review.submitted_at = review.submitted_at or now
    review.last_submitted_at = now
    review.save()
    ReviewVersion.objects.create(review=review, version=review.version, answers=review.answers, submitted_at=now)
    changed = sorted(key for key in set(before) | set(review.answers) if before.get(key) != review.answers.get(key))
    record_paper_action(
        review.submission,
        actor=by,
        action="review.updated" if was_submitted else "review.submitted",
        note=f"version {review.version}" + (f"; changed: {', '.join(changed)}" if was_submitted else ""),
    )
    signal = signals.review_updated if was_submitted else signals.review_submitted
    transaction.on_commit(lambda: signal.send(sender=Review, review=review, changed=changed))
    return review

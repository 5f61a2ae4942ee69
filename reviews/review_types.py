"""Review types: a paper's reviewers are primary unless the chairs make one secondary (HotCRP's
primary and secondary reviews); external and meta-reviews are their own types. The type is kept
on the review assignment, so it holds before the review is started, and copied to the review."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.shortcuts import get_object_or_404

from actionlog.services import record_paper_action
from assignments.models import Assignment, AssignmentKind
from mlsys_conf.policy import require
from reviews.models import Review, ReviewKind
from reviews.policy import can_set_review_type
from submissions.models import Submission


def type_of(assignment: Assignment, *, external: bool = False) -> ReviewKind:
    if external:
        return ReviewKind.EXTERNAL
    return ReviewKind.SECONDARY if assignment.is_secondary else ReviewKind.PRIMARY


@dataclass(frozen=True)
class Reviewer:
    assignment: Assignment
    kind: ReviewKind

    @property
    def user(self) -> Any:
        return self.assignment.user


def reviewers_of(submission: Submission) -> list[Reviewer]:
    """The paper's committed review assignments with their types (one query), for the chairs."""
    rows = Assignment.objects.filter(submission=submission, kind=AssignmentKind.REVIEW, is_committed=True)
    return [Reviewer(row, type_of(row)) for row in rows.select_related("user").order_by("pk")]


@transaction.atomic
def review_type_set(*, by: Any, submission: Submission, user_id: int, secondary: bool) -> Assignment:
    """Make ``user_id``'s review of ``submission`` secondary (or primary again), before or after
    they started it. External reviews keep their type."""
    require(can_set_review_type(by, submission))
    assignment = get_object_or_404(
        Assignment.objects.select_for_update(),
        submission=submission,
        user_id=user_id,
        kind=AssignmentKind.REVIEW,
        is_committed=True,
    )
    if assignment.is_secondary == secondary:
        return assignment
    assignment.is_secondary = secondary
    assignment.save(update_fields=["is_secondary"])
    new, old = (ReviewKind.SECONDARY, ReviewKind.PRIMARY) if secondary else (ReviewKind.PRIMARY, ReviewKind.SECONDARY)
    Review.objects.filter(submission=submission, reviewer_id=user_id, kind=old).update(kind=new)
    record_paper_action(
        submission, actor=by, action="review.type_changed", person=assignment.user, changes={"type": (old, new)}
    )
    return assignment

"""What the review-writing page, its API and the offline form share: which paper and which review
of the signed-in reviewer a URL names, the answers of a posted form, and each field as the page
shows it (value, word count, errors).

Writing itself is :func:`reviews.services.review_save`; this module only reads and prepares.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.db import transaction
from django.http import Http404, QueryDict

from assignments.models import AssignmentKind
from conferences.access import access_for
from conferences.models import Edition
from mlsys_conf.policy import NOT_FOUND
from reviews import services
from reviews.answers import word_count
from reviews.models import FieldType, FormKind, Review, ReviewField, ReviewKind
from reviews.policy import can_start_review
from reviews.selectors import current_round, paper_for_reviewer
from submissions.models import Submission

# The URL's word for each form, and the assignment that lets one write it.
FORM_SLUGS = {FormKind.REVIEW: "review", FormKind.META: "meta-review"}
NEEDS_ASSIGNMENT = {FormKind.REVIEW: AssignmentKind.REVIEW, FormKind.META: AssignmentKind.META_REVIEW}


def paper_to_write(user: Any, edition: Edition, number: int, form: FormKind) -> Submission:
    """The paper of the URL, if the signed-in person is committed to write this kind of review
    of it (not conflicted); the 404 of a missing paper for anyone else, chairs included."""
    submission = paper_for_reviewer(user, edition, number)
    access = access_for(user, edition)
    if not (can_start_review(user, submission) and access.is_assigned(submission, NEEDS_ASSIGNMENT[form])):
        raise Http404(NOT_FOUND)
    return submission


def own_review(user: Any, submission: Submission, form: FormKind) -> Review | None:
    """The reviewer's review of ``form`` in the current round, if they have started it."""
    reviews = Review.objects.filter(
        submission=submission, reviewer=user, round=current_round(submission.edition)
    ).select_related("round", "submission__edition")
    reviews = reviews.filter(kind=ReviewKind.META) if form == FormKind.META else reviews.exclude(kind=ReviewKind.META)
    return reviews.order_by("pk").first()


def review_or_blank(user: Any, submission: Submission, form: FormKind) -> Review:
    """The started review, or an unsaved blank one in the current round (to ask the policy and
    show the deadline without creating a row on a mere visit)."""
    review = own_review(user, submission, form)
    if review is not None:
        return review
    kind = ReviewKind.META if form == FormKind.META else ReviewKind.PRIMARY
    return Review(submission=submission, reviewer=user, round=current_round(submission.edition), kind=kind)


@transaction.atomic
def open_and_save(
    user: Any, submission: Submission, review: Review, form: FormKind, answers: dict[str, Any], submit: bool
) -> Review:
    """Open the review the first time (in the same transaction, so a refused first save leaves
    no empty draft behind) and save ``answers`` through the service, which checks them."""
    if review.pk is None:
        review = services.review_open(by=user, submission=submission, form=form)
    return services.review_save(by=user, review=review, answers=answers, submit=submit)


def answers_from_post(fields: list[ReviewField], data: QueryDict) -> dict[str, Any]:
    """The answers of the page's form: one input per field, named by its key (an unticked box
    is False; an empty input is no answer)."""
    answers: dict[str, Any] = {}
    for item in fields:
        if item.type == FieldType.CHECKBOX:
            answers[item.key] = item.key in data
            continue
        value = data.get(item.key, "")
        if value != "":
            answers[item.key] = value.replace("\r\n", "\n") if item.type == FieldType.TEXT else value
    return answers


@dataclasses.dataclass
class FieldView:
    """One question of the form as the page shows it."""

    field: ReviewField
    value: Any
    errors: list[str] = dataclasses.field(default_factory=list)

    @property
    def key(self) -> str:
        return self.field.key

    @property
    def words(self) -> int:
        return word_count(self.value) if isinstance(self.value, str) else 0

    @property
    def levels(self) -> list[tuple[str, str, bool]]:
        """(value, label, chosen) of each level of a score or a choice."""
        chosen = "" if self.value is None else str(self.value)
        return [(str(level), str(label), str(level) == chosen) for level, label in self.field.levels]

    @property
    def text(self) -> str:
        return self.value if isinstance(self.value, str) else ""

    @property
    def checked(self) -> bool:
        return self.value is True or self.value in ("on", "true", "1")

    @property
    def audience_label(self) -> str:
        return "Visible to authors" if self.field.is_for_authors else "PC only"


def field_views(
    fields: list[ReviewField], answers: dict[str, Any], errors: dict[str, list[str]] | None = None
) -> list[FieldView]:
    errors = errors or {}
    return [FieldView(item, answers.get(item.key), list(errors.get(item.key, []))) for item in fields]

"""Writing a review through the services: drafts, submission, updates kept as versions, the
window, and answers checked against the form."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.access import access_for
from conferences.models import Deadline, Edition, Phase
from mlsys_conf.policy import PolicyDenied
from reviews import services
from reviews.models import Review, ReviewState, ReviewVersion
from reviews.selectors import paper_reviews
from reviews.visibility import can_view_review, reviewer_shown_as
from submissions.models import Submission
from tests.factories.reviews import COMPLETE_REVIEW, write_review

pytestmark = pytest.mark.django_db


def test_a_draft_may_be_incomplete_but_submitting_needs_every_answer(reviewing: Submission, pc_systems: Any) -> None:
    review = services.review_open(by=pc_systems, submission=reviewing)
    services.review_save(by=pc_systems, review=review, answers={"summary": "Half a thought"}, submit=False)
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT
    assert review.answers == {"summary": "Half a thought"}
    with pytest.raises(ValidationError) as refused:
        services.review_save(by=pc_systems, review=review, answers={"summary": "Half a thought"}, submit=True)
    assert "merit" in refused.value.message_dict
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT


def test_bad_answers_are_refused_even_in_a_draft(reviewing: Submission, pc_systems: Any) -> None:
    review = services.review_open(by=pc_systems, submission=reviewing)
    with pytest.raises(ValidationError) as refused:
        services.review_save(
            by=pc_systems, review=review, answers={"merit": 9, "strengths": "word " * 801, "nope": 1}, submit=False
        )
    errors = refused.value.message_dict
    assert "Choose one of 1 (Strong reject)" in errors["merit"][0]
    assert "At most 800 words (this has 801)" in errors["strengths"][0]
    assert "no field 'nope'" in errors["__all__"][0]


def test_updates_after_submission_are_kept_as_versions(reviewing: Submission, pc_systems: Any) -> None:
    review = write_review(reviewing, pc_systems)
    assert (review.state, review.version) == (ReviewState.SUBMITTED, 1)
    services.review_save(by=pc_systems, review=review, answers={**COMPLETE_REVIEW, "merit": 2}, submit=False)
    review.refresh_from_db()
    assert review.version == 2  # a submitted review stays submitted: saving is an update
    assert list(ReviewVersion.objects.filter(review=review).values_list("answers__merit", flat=True)) == [4, 2]


def test_only_the_writer_within_the_window_may_change_a_review(
    reviewing: Submission, pc_systems: Any, pc_ml: Any, edition: Edition
) -> None:
    review = services.review_open(by=pc_systems, submission=reviewing)
    with pytest.raises(PolicyDenied):
        services.review_save(by=pc_ml, review=review, answers=COMPLETE_REVIEW, submit=True)
    Deadline.objects.filter(edition=edition, phase=Phase.REVIEWING).update(closes_at=timezone.now() - timedelta(1))
    with pytest.raises(PolicyDenied, match="deadline has passed"):
        services.review_save(by=pc_systems, review=review, answers=COMPLETE_REVIEW, submit=True)


def test_a_co_reviewer_sees_a_review_only_after_submitting_their_own(
    reviewing: Submission, pc_systems: Any, pc_ml: Any
) -> None:
    first = write_review(reviewing, pc_systems)
    edition = reviewing.edition
    assert not can_view_review(access_for(pc_ml, edition), paper_reviews(reviewing), first)
    write_review(reviewing, pc_ml)
    paper = paper_reviews(reviewing)
    access = access_for(pc_ml, edition)
    assert can_view_review(access, paper, first)
    assert reviewer_shown_as(access, paper, Review.objects.get(pk=first.pk)).endswith("(Reviewer A (Systems))")


def test_an_unassigned_member_cannot_open_a_review(reviewing: Submission, outsider: Any) -> None:
    with pytest.raises(PolicyDenied):
        services.review_open(by=outsider, submission=reviewing)

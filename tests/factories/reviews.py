"""Helpers for review tests: an edition in its reviewing phase, committed assignments, and
reviews written through the services (so the answers are checked as a reviewer's are)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from assignments.models import Assignment, AssignmentKind, AssignmentSource
from conferences.models import Deadline, Edition, Phase
from reviews import services
from reviews.models import FormKind, Review
from submissions.models import Submission

COMPLETE_REVIEW = {
    "summary": "The paper proposes a sparse attention kernel for long sequences and evaluates it on three GPU "
    "generations against dense and block-sparse baselines, with care.",
    "strengths": "Clear writing; strong baselines.",
    "weaknesses": "Only one model family.",
    "merit": 4,
    "expertise": 3,
    "confidence": 3,
    "bridge": "yes",
    "reproducibility": 3,
}
COMPLETE_META_REVIEW = {
    "summary": "The reviewers agree the kernel is useful and well evaluated on current hardware; the discussion "
    "settled the question of baselines, and the response answered the remaining doubts.",
    "recommendation": "accept_poster",
    "confidence": 3,
}


def open_reviewing(edition: Edition, *, days_left: int = 10) -> None:
    """Move the edition into its reviewing phase: submission and bidding closed, reviewing open."""
    now = timezone.now()
    closes = {
        Phase.ABSTRACT_REGISTRATION: now - timedelta(days=30),
        Phase.PAPER_SUBMISSION: now - timedelta(days=20),
        Phase.BIDDING: now - timedelta(days=5),
        Phase.REVIEWING: now + timedelta(days=days_left),
    }
    for phase, closes_at in closes.items():
        Deadline.objects.update_or_create(edition=edition, phase=phase, defaults={"closes_at": closes_at})


def assign(paper: Submission, user: Any, kind: str = AssignmentKind.REVIEW) -> Assignment:
    return Assignment.objects.create(
        submission=paper,
        user=user,
        kind=kind,
        source=AssignmentSource.MANUAL,
        is_committed=True,
        committed_at=timezone.now(),
    )


def write_review(paper: Submission, user: Any, *, submit: bool = True, **answers: Any) -> Review:
    """``user``'s review of ``paper`` (assigned beforehand), saved or submitted."""
    meta = Assignment.objects.filter(submission=paper, user=user, kind=AssignmentKind.META_REVIEW).exists()
    review = services.review_open(by=user, submission=paper, form=FormKind.META if meta else FormKind.REVIEW)
    base = COMPLETE_META_REVIEW if review.is_meta else COMPLETE_REVIEW
    return services.review_save(by=user, review=review, answers={**base, **answers}, submit=submit)

"""Review quality: ratings of reviews (helpful, too short, vague, disrespectful, wrong).

The chairs handling a paper and its other reviewers rate a review they may read
(:func:`reviews.policy.can_rate_review`); one rating per rater and review, changeable and
removable. Ratings are never shown to authors. A review's writer sees how many of each rating
it received, never who gave them; chairs see the counts too (and, per reviewer, on the review
statistics page).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from actionlog.services import record_paper_action
from conferences.access import access_of
from mlsys_conf.policy import require
from reviews.models import Rating, Review, ReviewRating
from reviews.policy import can_rate_review
from reviews.visibility import PaperReviews, can_view_review


def _rating_of(value: Any) -> Rating:
    try:
        return Rating(value)
    except ValueError:
        raise ValidationError("Choose a rating: " + ", ".join(str(label).lower() for label in Rating.labels)) from None


@transaction.atomic
def rating_set(*, by: Any, review: Review, rating: Any) -> ReviewRating:
    """``by``'s rating of ``review`` (replacing theirs, if any)."""
    require(can_rate_review(by, review))
    value = _rating_of(rating)
    row, created = ReviewRating.objects.select_for_update().get_or_create(
        review=review, rater=by, defaults={"rating": value}
    )
    before = None if created else row.rating
    if before != value:
        row.rating = value
        row.save(update_fields=["rating", "created_at"])
        record_paper_action(
            review.submission,
            actor=by,
            action="review.rated",
            changes={"rating": (before, str(value))},
            note=f"review {review.pk}",
        )
    return row


@transaction.atomic
def rating_clear(*, by: Any, review: Review) -> bool:
    """Remove ``by``'s rating of ``review``; whether there was one."""
    require(can_rate_review(by, review))
    deleted, _ = ReviewRating.objects.filter(review=review, rater=by).delete()
    if deleted:
        record_paper_action(review.submission, actor=by, action="review.rating_removed", note=f"review {review.pk}")
    return bool(deleted)


def sees_rating_counts(access: Any, paper: PaperReviews, review: Review) -> bool:
    """The writer of the review and the chairs handling the paper (never its authors)."""
    access = access_of(access, paper.submission.edition)
    if access.is_author(paper.submission) or not can_view_review(access, paper, review):
        return False
    return access.pk == review.reviewer_id or access.manages(paper.submission)


@dataclass(frozen=True)
class RatingFacts:
    """What the viewer sees of one review's ratings: their own rating (when they may rate it),
    and the counts of each rating (when they may see them), in :class:`Rating` order."""

    can_rate: bool
    mine: str | None
    counts: dict[str, int] | None = None
    choices: list[tuple[str, str]] = field(default_factory=lambda: list(Rating.choices))

    @property
    def count_rows(self) -> list[tuple[str, int]]:
        return [(str(label), (self.counts or {}).get(value, 0)) for value, label in Rating.choices]


def rating_facts(by: Any, paper: PaperReviews) -> dict[int, RatingFacts]:
    """For each review of ``paper`` the viewer may read (by pk): :class:`RatingFacts`, in one
    query whatever the number of reviews."""
    access = access_of(by, paper.submission.edition)
    readable = [review for review in paper.reviews if can_view_review(access, paper, review)]
    if not readable:
        return {}
    rows = ReviewRating.objects.filter(review__in=readable).values_list("review_id", "rater_id", "rating")
    counts: defaultdict[int, Counter[str]] = defaultdict(Counter)
    mine: dict[int, str] = {}
    for review_id, rater_id, rating in rows:
        counts[review_id][rating] += 1
        if rater_id == access.pk:
            mine[review_id] = rating
    facts = {}
    for review in readable:
        allowed = bool(can_rate_review(access, review, paper))
        shown = sees_rating_counts(access, paper, review)
        facts[review.pk] = RatingFacts(
            can_rate=allowed,
            mine=mine.get(review.pk) if allowed else None,
            counts=dict(counts[review.pk]) if shown else None,
        )
    return facts


def ratings_received(reviews: Iterable[Review]) -> dict[int, Counter[str]]:
    """Per reviewer (user id), the ratings their ``reviews`` received (for the chairs)."""
    by_reviewer: defaultdict[int, Counter[str]] = defaultdict(Counter)
    writers = {review.pk: review.reviewer_id for review in reviews}
    rows = ReviewRating.objects.filter(review_id__in=list(writers)).values_list("review_id", "rating")
    for review_id, rating in rows:
        by_reviewer[writers[review_id]][rating] += 1
    return by_reviewer

"""Per-reviewer statistics and calibrated paper scores, for the chairs.

Everything is computed over the papers whose reviews the viewing chair may see
(:func:`reviews.visibility.sees_reviews`): a chair conflicted with a paper gets statistics and a
calibration fitted without it, so no row (a reviewer's bias, timeliness, length, ratings) can
reveal anything of that paper's reviews. Reviews are counted only where
:func:`reviews.visibility.can_view_review` allows.
"""

from __future__ import annotations

import re
import statistics as stats
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model

from conferences.access import access_of
from conferences.models import Edition
from reviews import calibration
from reviews.models import FieldType, FormKind, Rating, Review, ReviewRound
from reviews.quality import ratings_received
from reviews.selectors import form_fields, papers_reviews, round_closes_at
from reviews.visibility import can_view_review, sees_reviews
from submissions.models import Submission

DAY_SECONDS = 86_400
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class ReviewerRow:
    user_id: int
    name: str
    assigned: int
    submitted: int
    on_time: int
    late: int
    most_days_late: float | None
    median_days_before: float | None  # negative when late
    median_words: float | None
    ratings: dict[str, int]
    bias: float | None
    calibrated_reviews: int

    @property
    def rating_rows(self) -> list[tuple[str, int]]:
        return [(str(label), self.ratings.get(value, 0)) for value, label in Rating.choices]


@dataclass(frozen=True)
class PaperRow:
    number: int
    title: str
    reviews: int
    mean: float | None
    calibrated: float | None
    mean_rank: int | None
    calibrated_rank: int | None
    component: int | None


@dataclass(frozen=True)
class ReviewStatistics:
    score_field: str | None
    reviewers: list[ReviewerRow]
    papers: list[PaperRow]
    components: int
    ridge: float
    deadlines: list[tuple[str, datetime | None]] = field(default_factory=list)


def words(value: Any) -> int:
    return len(_WORD.findall(value)) if isinstance(value, str) else 0


def _score(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def review_statistics(by: Any, edition: Edition, *, ridge: float = calibration.RIDGE) -> ReviewStatistics:
    """The chairs' review statistics of ``edition`` as ``by`` may see them."""
    access = access_of(by, edition)
    submissions = Submission.objects.active().filter(edition=edition).select_related("edition").order_by("number")
    fields = form_fields(edition, FormKind.REVIEW, with_retired=True)
    score_key = calibration.merit_key(fields)
    text_keys = [f.key for f in fields if f.type == FieldType.TEXT]
    # The score and the texts (for their length) only: not the other answers.
    facts = papers_reviews(submissions, answer_keys=[key for key in (score_key, *text_keys) if key])
    shown = [paper for paper in facts.values() if sees_reviews(access, paper)]
    deadlines = {
        r.pk: round_closes_at(r) for r in ReviewRound.objects.filter(edition=edition).select_related("edition")
    }

    reviews: list[Review] = []
    assigned: Counter[int] = Counter()
    names: dict[int, str] = {}
    for paper in shown:
        for user_id in paper.reviewers:
            assigned[user_id] += 1
        for review in paper.submitted:
            if not review.is_meta and can_view_review(access, paper, review):
                reviews.append(review)
                names[review.reviewer_id] = review.reviewer.display_name

    observations = []
    timing: defaultdict[int, list[float]] = defaultdict(list)
    lengths: defaultdict[int, list[int]] = defaultdict(list)
    for review in reviews:
        score = _score(review.answers.get(score_key)) if score_key else None
        if score is not None:
            observations.append((review.submission_id, review.reviewer_id, score))
        closes_at = deadlines.get(review.round_id)
        if closes_at is not None and review.submitted_at is not None:
            timing[review.reviewer_id].append((closes_at - review.submitted_at).total_seconds() / DAY_SECONDS)
        lengths[review.reviewer_id].append(sum(words(review.answers.get(key)) for key in text_keys))
    fitted = calibration.fit(observations, ridge=ridge)
    ratings = ratings_received(reviews)

    missing = set(assigned) - set(names)
    if missing:
        for user in get_user_model().objects.filter(pk__in=missing):
            names[user.pk] = user.display_name
    submitted = Counter(review.reviewer_id for review in reviews)
    rows = []
    for user_id in sorted(names, key=lambda pk: (names[pk].lower(), pk)):
        days = timing.get(user_id, [])
        late = [-d for d in days if d < 0]
        bias = fitted.reviewers.get(user_id)
        rows.append(
            ReviewerRow(
                user_id=user_id,
                name=names[user_id],
                assigned=assigned.get(user_id, 0),
                submitted=submitted.get(user_id, 0),
                on_time=len(days) - len(late),
                late=len(late),
                most_days_late=round(max(late), 1) if late else None,
                median_days_before=round(stats.median(days), 1) if days else None,
                median_words=stats.median(lengths[user_id]) if lengths.get(user_id) else None,
                ratings=dict(ratings.get(user_id, {})),
                bias=round(bias.bias, 2) if bias else None,
                calibrated_reviews=bias.reviews if bias else 0,
            )
        )
    per_paper = Counter(review.submission_id for review in reviews)
    papers = []
    for paper in sorted(shown, key=lambda p: p.submission.number):
        fitted_paper = fitted.papers.get(paper.submission.pk)
        papers.append(
            PaperRow(
                number=paper.submission.number,
                title=paper.submission.title,
                reviews=per_paper.get(paper.submission.pk, 0),
                mean=round(fitted_paper.mean, 2) if fitted_paper else None,
                calibrated=round(fitted_paper.calibrated, 2) if fitted_paper else None,
                mean_rank=fitted_paper.mean_rank if fitted_paper else None,
                calibrated_rank=fitted_paper.calibrated_rank if fitted_paper else None,
                component=fitted_paper.component if fitted_paper else None,
            )
        )
    rounds = ReviewRound.objects.filter(edition=edition)
    return ReviewStatistics(
        score_field=score_key,
        reviewers=rows,
        papers=papers,
        components=fitted.components,
        ridge=ridge,
        deadlines=[(r.name, deadlines.get(r.pk)) for r in rounds],
    )

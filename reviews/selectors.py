"""What the review pages read: a reviewer's paper (no authors), its deadlines, the edition's forms
and settings, and the per-paper facts the visibility rules need (:func:`papers_reviews` loads
them for many papers in a fixed number of queries)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.db.models.fields.json import KeyTransform
from django.shortcuts import get_object_or_404
from django.utils import timezone

from assignments.models import Assignment, AssignmentKind
from conferences.models import Deadline, Edition, Phase, ReleaseKind, Role
from conferences.selectors import edition_timeline, is_released
from mlsys_conf.policy import visible_or_404
from reviews.models import FormKind, Review, ReviewField, ReviewForm, ReviewRound, ReviewSettings
from reviews.policy import can_open_paper_for_review
from reviews.visibility import PaperReviews
from submissions.models import Submission

REVIEWER_PHASES = (Phase.REVIEWING, Phase.AUTHOR_RESPONSE, Phase.DISCUSSION)
REVIEWER_PROFILE_TEXT = ("reviewer__publications", "reviewer__keywords", "reviewer__institutional_domains")


def paper_for_reviewer(user: Any, edition: Edition, number: int) -> Submission:
    """The paper of the URL, or the 404 of a missing one for anyone who may not review it."""
    submission = get_object_or_404(Submission.objects.select_related("edition"), edition=edition, number=number)
    visible_or_404(can_open_paper_for_review(user, submission))
    return submission


def reviewer_deadlines(edition: Edition) -> QuerySet[Deadline]:
    return edition.deadlines.filter(phase__in=REVIEWER_PHASES).order_by("closes_at")


def settings_of(edition: Edition) -> ReviewSettings:
    """The edition's review settings (the defaults, unsaved, until a chair changes one)."""
    return ReviewSettings.of(edition)


def form_fields(edition: Edition, kind: FormKind, *, with_retired: bool = False) -> list[ReviewField]:
    """The questions of the edition's form of ``kind``, in order (the default form is created the
    first time it is asked for)."""
    from reviews.defaults import ensure_default_forms

    ensure_default_forms(edition)
    fields = ReviewField.objects.filter(form__edition=edition, form__kind=kind)
    if not with_retired:
        fields = fields.filter(retired=False)
    return list(fields)


def review_form(edition: Edition, kind: FormKind) -> ReviewForm:
    from reviews.defaults import ensure_default_forms

    ensure_default_forms(edition)
    return ReviewForm.objects.get(edition=edition, kind=kind)


def current_round(edition: Edition) -> ReviewRound:
    """The round new reviews belong to: the last one, R1 unless chairs added more."""
    last = ReviewRound.objects.filter(edition=edition).order_by("-position", "-pk").first()
    return last or ReviewRound.objects.get_or_create(edition=edition, name="R1", defaults={"position": 1})[0]


def round_closes_at(review_round: ReviewRound) -> datetime | None:
    """The round's own deadline, or the hard close of the edition's reviewing phase."""
    if review_round.closes_at is not None:
        return review_round.closes_at
    window = edition_timeline(review_round.edition).window(Phase.REVIEWING)
    return window.closes_at if window else None


def papers_reviews(
    submissions: Iterable[Submission],
    *,
    now: datetime | None = None,
    with_answers: bool = True,
    answer_keys: Iterable[str] | None = None,
) -> dict[int, PaperReviews]:
    """The visibility facts of each paper (by pk), in four queries whatever their number.
    ``with_answers=False`` leaves the answers unloaded, for pages that only count reviews;
    ``answer_keys`` loads only those answers (``Review.answers`` is then a dict of just those
    keys, each read in the database: for pages that show scores, not the reviews' text). Such
    reviews are for reading only: never save them."""
    papers = list(submissions)
    if not papers:
        return {}
    edition = papers[0].edition
    ids = [paper.pk for paper in papers]
    reviews: defaultdict[int, list[Review]] = defaultdict(list)
    by_pk = {paper.pk: paper for paper in papers}
    found = (
        Review.objects.filter(submission_id__in=ids)
        .select_related("reviewer", "round")
        .defer(*REVIEWER_PROFILE_TEXT)  # a reviewer's long profile texts: never shown with their reviews
        .order_by("pk")
    )
    keys = list(dict.fromkeys(answer_keys)) if answer_keys is not None and with_answers else None
    if not with_answers:
        found = found.defer("answers")
    elif keys is not None:
        found = found.defer("answers").annotate(
            **{f"answer_{i}": KeyTransform(key, "answers") for i, key in enumerate(keys)}
        )
    for review in found:
        if keys is not None:
            values = {key: review.__dict__.pop(f"answer_{i}") for i, key in enumerate(keys)}
            review.answers = {key: value for key, value in values.items() if value is not None}
        review.submission = by_pk[review.submission_id]  # the paper at hand: no query per review for it
        reviews[review.submission_id].append(review)
    reviewers: defaultdict[int, dict[int, str]] = defaultdict(dict)
    meta: defaultdict[int, set[int]] = defaultdict(set)
    committed = Assignment.objects.filter(submission_id__in=ids, is_committed=True).exclude(
        kind=AssignmentKind.ARTIFACT
    )
    rows = list(committed.order_by("pk").values_list("submission_id", "user_id", "kind"))
    areas = dict(
        Role.objects.filter(edition=edition, user_id__in={row[1] for row in rows})
        .exclude(area="")
        .values_list("user_id", "area")
    )
    for paper_id, user_id, kind in rows:
        if kind == AssignmentKind.META_REVIEW:
            meta[paper_id].add(user_id)
        else:
            reviewers[paper_id][user_id] = areas.get(user_id, "")
    settings = settings_of(edition)
    released = is_released(edition, ReleaseKind.REVIEWS_TO_AUTHORS, now or timezone.now())
    return {
        paper.pk: PaperReviews(
            submission=paper,
            reviews=reviews[paper.pk],
            reviewers=reviewers[paper.pk],
            meta_reviewers=frozenset(meta[paper.pk]),
            settings=settings,
            released_to_authors=released,
        )
        for paper in papers
    }


def paper_reviews(submission: Submission) -> PaperReviews:
    return papers_reviews([submission])[submission.pk]


def review_facts(user: Any, edition: Edition) -> dict[str, frozenset[int]]:
    """For the Access object: the papers the user has submitted a review of (one query)."""
    submitted = Review.objects.filter(reviewer=user, submission__edition=edition, state="submitted")
    return {"reviewed": frozenset(submitted.values_list("submission_id", flat=True))}


def reviews_with_versions(submission: Submission) -> QuerySet[Review]:
    return Review.objects.filter(submission=submission).prefetch_related(Prefetch("versions"))

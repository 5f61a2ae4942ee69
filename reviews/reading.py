"""What the review pages show: a paper's reviews as the viewer may see them (Systems and ML side
by side, meta-reviews above), the reviewer's dashboard ("My reviews") and the chairs' review
progress (submitted reviews by area against those assigned).

Every answer, name, count and score here passes through :mod:`reviews.visibility`; each
function reads a fixed number of queries whatever the numbers of papers, reviews and comments
(:func:`reviews.selectors.papers_reviews` loads the facts of many papers at once).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from statistics import mean
from typing import Any

from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone

from assignments.models import Assignment, AssignmentKind
from conferences.access import Access, access_of
from conferences.models import Edition, Phase
from conferences.selectors import edition_timeline
from reviews.calibration import merit_key
from reviews.models import FieldType, FormKind, PCSeesReviews, Review, ReviewField, ReviewRound
from reviews.quality import rating_facts
from reviews.selectors import papers_reviews
from reviews.visibility import (
    PaperReviews,
    can_view_review,
    reviewer_shown_as,
    sees_reviews,
    visible_fields,
)
from submissions.models import ACTIVE_STATES, FileKind, Submission, SubmissionFile
from submissions.selectors import conflicted_paper_ids

AREA_WORDS = {"systems": "Systems", "ml": "ML"}
SUBMIT_FIRST = "You will see the other reviews once you submit yours."
WAIT_FOR_ALL = "You will see the other reviews once every assigned reviewer has submitted theirs."
NOT_SHOWN = "The chairs have chosen that reviewers do not see each other's reviews of a paper."


def edition_fields(edition: Edition) -> dict[str, list[ReviewField]]:
    """Both forms' fields (retired ones too), by form kind, in one query (after the default forms
    exist)."""
    from reviews.defaults import ensure_default_forms

    ensure_default_forms(edition)
    fields: dict[str, list[ReviewField]] = {FormKind.REVIEW: [], FormKind.META: []}
    for row in ReviewField.objects.filter(form__edition=edition).select_related("form"):
        fields[row.form.kind].append(row)
    return fields


# --- A paper's reviews ------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerShown:
    key: str
    label: str
    type: str
    value: Any
    display: str  # "4 Weak accept" for a score, the level's label for a choice, the text itself
    pc_only: bool
    retired: bool

    @property
    def is_text(self) -> bool:
        return self.type == FieldType.TEXT


def display_answer(field: ReviewField, value: Any) -> str:
    if field.type == FieldType.SCORE:
        label = field.level_labels.get(value)
        return f"{value} {label}" if label else str(value)
    if field.type == FieldType.CHOICE:
        return str(field.level_labels.get(value, value))
    if field.type == FieldType.CHECKBOX:
        return "Yes" if value else "No"
    return str(value)


def _answered(value: Any) -> bool:
    return value is not None and value != ""


@dataclass(frozen=True)
class ReviewCard:
    """One review as the viewer sees it."""

    review: Review
    shown_as: str
    area: str  # "systems", "ml" or "" (meta-reviews, reviewers outside both halves)
    is_own: bool
    answers: list[AnswerShown]
    score: AnswerShown | None  # the overall merit, for the summary line
    rating: Any = None  # reviews.quality.RatingFacts, when the page shows the rating form

    @property
    def pk(self) -> int:
        return self.review.pk

    @property
    def is_meta(self) -> bool:
        return self.review.is_meta

    @property
    def is_submitted(self) -> bool:
        return self.review.is_submitted

    @property
    def version(self) -> int:
        return self.review.version

    @property
    def updated_at(self) -> datetime:
        return self.review.last_submitted_at or self.review.updated_at

    @property
    def area_label(self) -> str:
        return AREA_WORDS.get(self.area, "")


@dataclass
class PaperDisplay:
    """A paper's reviews for one viewer: meta-reviews, then Systems and ML side by side."""

    sees_reviews: bool
    meta: list[ReviewCard] = field(default_factory=list)
    systems: list[ReviewCard] = field(default_factory=list)
    ml: list[ReviewCard] = field(default_factory=list)
    other: list[ReviewCard] = field(default_factory=list)
    waiting: str = ""  # why the viewer does not see the others' reviews yet
    score_label: str = ""

    @property
    def cards(self) -> list[ReviewCard]:
        return [*self.meta, *self.systems, *self.ml, *self.other]

    @property
    def scores(self) -> list[ReviewCard]:
        """The submitted reviews with a merit score, for the summary line (only for a viewer who
        sees the reviews)."""
        if not self.sees_reviews:
            return []
        return [card for card in self.cards if card.is_submitted and not card.is_meta and card.score is not None]

    @property
    def mean_score(self) -> float | None:
        values = [card.score.value for card in self.scores if card.score and isinstance(card.score.value, int | float)]
        return round(mean(values), 2) if values else None


def _area(paper: PaperReviews, review: Review) -> str:
    if review.is_meta:
        return ""
    return review.area or paper.reviewers.get(review.reviewer_id, "")


def review_card(
    access: Access, paper: PaperReviews, review: Review, fields: dict[str, list[ReviewField]]
) -> ReviewCard:
    """``review`` as ``access`` may see it (the caller has checked :func:`can_view_review`)."""
    form = fields.get(review.form_kind, [])
    score_key = merit_key([f for f in form if not f.retired]) if not review.is_meta else None
    answers = []
    score = None
    for item in visible_fields(access, paper, form):
        value = review.answers.get(item.key)
        if not _answered(value):
            continue
        shown = AnswerShown(
            key=item.key,
            label=item.label,
            type=item.type,
            value=value,
            display=display_answer(item, value),
            pc_only=not item.is_for_authors,
            retired=item.retired,
        )
        answers.append(shown)
        if item.key == score_key:
            score = shown
    return ReviewCard(
        review=review,
        shown_as=reviewer_shown_as(access, paper, review),
        area=_area(paper, review),
        is_own=access.pk == review.reviewer_id,
        answers=answers,
        score=score,
    )


def waiting_reason(access: Access, paper: PaperReviews) -> str:
    """Why an assigned reviewer does not (yet) see the other reviews; "" when they do or when
    the paper is not theirs."""
    if sees_reviews(access, paper) or access.pk not in paper.reviewers:
        return ""
    rule = paper.settings.pc_sees_reviews
    if rule == PCSeesReviews.AFTER_OWN or (
        rule == PCSeesReviews.AFTER_ALL and not access.has_reviewed(paper.submission)
    ):
        return SUBMIT_FIRST
    if rule == PCSeesReviews.AFTER_ALL:
        return WAIT_FOR_ALL
    return NOT_SHOWN


def paper_display(
    access: Access,
    paper: PaperReviews,
    fields: dict[str, list[ReviewField]],
    ratings: dict[int, Any] | None = None,
) -> PaperDisplay:
    display = PaperDisplay(sees_reviews=sees_reviews(access, paper), waiting=waiting_reason(access, paper))
    form = [f for f in fields.get(FormKind.REVIEW, []) if not f.retired]
    key = merit_key(form)
    display.score_label = next((f.label for f in form if f.key == key), "")
    for review in paper.reviews:
        if not can_view_review(access, paper, review):
            continue
        card = review_card(access, paper, review, fields)
        if ratings and review.pk in ratings:
            card = replace(card, rating=ratings[review.pk])
        if card.is_meta:
            display.meta.append(card)
        elif card.area == "systems":
            display.systems.append(card)
        elif card.area == "ml":
            display.ml.append(card)
        else:
            display.other.append(card)
    return display


def template_exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def paper_page_context(user: Any, submission: Submission) -> dict[str, Any]:
    """What the reviewer's paper page adds for the reviews (a fixed number of queries): the
    display, and flags for the parts other modules render (the rating form of each review,
    the discussion's thread) when their templates exist."""
    access = access_of(user, submission.edition)
    paper = papers_reviews([submission])[submission.pk]
    has_rating_form = template_exists("reviews/_rating_form.html")
    ratings = rating_facts(access, paper) if has_rating_form else None
    return {
        "paper_reviews": paper,
        "display": paper_display(access, paper, edition_fields(submission.edition), ratings),
        "has_rating_form": has_rating_form,
        "has_discussion": template_exists("reviews/_discussion.html"),
    }


# --- The reviewer's dashboard -------------------------------------------------------------------


class Status:
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    SUBMITTED = "submitted"
    LATE = "late"


@dataclass(frozen=True)
class MyPaper:
    """One paper committed to the viewer, to review or to meta-review, with their review's state."""

    submission: Submission
    kind: str  # AssignmentKind.REVIEW or META_REVIEW
    review: Review | None
    closes_at: datetime | None
    has_pdf: bool
    now: datetime

    @property
    def is_meta(self) -> bool:
        return self.kind == AssignmentKind.META_REVIEW

    @property
    def status(self) -> str:
        if self.review is not None and self.review.is_submitted:
            return Status.SUBMITTED
        if self.closes_at is not None and self.now > self.closes_at:
            return Status.LATE
        return Status.DRAFT if self.review is not None else Status.NOT_STARTED

    @property
    def status_label(self) -> str:
        if self.status == Status.SUBMITTED:
            return f"Submitted (version {self.review.version})" if self.review else "Submitted"
        if self.status == Status.LATE:
            return "Late (draft saved)" if self.review is not None else "Late (not started)"
        return "Draft saved" if self.status == Status.DRAFT else "Not started"


def _round_closes(review_round: ReviewRound | None, reviewing_closes: datetime | None) -> datetime | None:
    if review_round is not None and review_round.closes_at is not None:
        return review_round.closes_at
    return reviewing_closes


def my_papers(user: Any, edition: Edition, *, now: datetime | None = None) -> list[MyPaper]:
    """The papers committed to ``user`` for review or meta-review, by number, each with the state
    of their latest review of it and the deadline of its round (four queries)."""
    now = now or timezone.now()
    access = access_of(user, edition)
    rows = (
        Assignment.objects.filter(
            user=user,
            submission__edition=edition,
            is_committed=True,
            kind__in=(AssignmentKind.REVIEW, AssignmentKind.META_REVIEW),
            submission__state__in=ACTIVE_STATES,
        )
        .select_related("submission")
        .order_by("submission__number", "kind")
    )
    assignments = [row for row in rows if not access.is_conflicted(row.submission)]
    ids = [row.submission_id for row in assignments]
    latest: dict[tuple[int, bool], Review] = {}
    reviews = Review.objects.filter(reviewer=user, submission_id__in=ids).select_related("round")
    for review in reviews.order_by("round__position", "pk"):
        latest[(review.submission_id, review.is_meta)] = review  # the last round's wins
    with_pdf = set(
        SubmissionFile.objects.filter(submission_id__in=ids, kind=FileKind.PAPER, is_accepted=True).values_list(
            "submission_id", flat=True
        )
    )
    window = edition_timeline(edition).window(Phase.REVIEWING)
    reviewing_closes = window.closes_at if window else None
    last_round = ReviewRound.objects.filter(edition=edition).order_by("-position", "-pk").first()
    result = []
    for row in assignments:
        meta = row.kind == AssignmentKind.META_REVIEW
        mine = latest.get((row.submission_id, meta))
        result.append(
            MyPaper(
                submission=row.submission,
                kind=row.kind,
                review=mine,
                closes_at=_round_closes(mine.round if mine else last_round, reviewing_closes),
                has_pdf=row.submission_id in with_pdf,
                now=now,
            )
        )
    return result


# --- The chairs' progress -----------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """One paper's submitted reviews by area against those assigned."""

    submission: Submission
    systems: int
    systems_assigned: int
    ml: int
    ml_assigned: int
    meta: int
    meta_assigned: int

    @property
    def missing_areas(self) -> list[str]:
        """The areas without a submitted review ("Systems", "ML")."""
        return [AREA_WORDS[area] for area, count in (("systems", self.systems), ("ml", self.ml)) if not count]

    @property
    def is_missing_an_area(self) -> bool:
        return bool(self.missing_areas)


def review_progress(user: Any, edition: Edition, *, missing_only: bool = False) -> list[Progress]:
    """Every active paper the chair handles (none they are conflicted with), with its counts of
    submitted reviews the chair may see, by area (a fixed number of queries)."""
    access = access_of(user, edition)
    hidden = conflicted_paper_ids(user, edition)
    papers = (
        Submission.objects.filter(edition=edition, state__in=ACTIVE_STATES)
        .exclude(pk__in=hidden)
        .select_related("edition")
        .order_by("number")
    )
    facts = papers_reviews(papers, with_answers=False)
    rows = []
    for paper in facts.values():
        if not access.manages(paper.submission):
            continue
        submitted: defaultdict[str, int] = defaultdict(int)
        if sees_reviews(access, paper):
            for review in paper.submitted:
                if can_view_review(access, paper, review):
                    submitted["meta" if review.is_meta else _area(paper, review)] += 1
        assigned = list(paper.reviewers.values())
        row = Progress(
            submission=paper.submission,
            systems=submitted["systems"],
            systems_assigned=assigned.count("systems"),
            ml=submitted["ml"],
            ml_assigned=assigned.count("ml"),
            meta=submitted["meta"],
            meta_assigned=len(paper.meta_reviewers),
        )
        if not missing_only or row.is_missing_an_area:
            rows.append(row)
    return rows

"""The rows of the chairs' decision dashboard (and of its exports and API): every paper the
chair manages, with its scores, calibrated score, disagreement, meta-review recommendation,
review completion, tags and decision; sorted, filtered and searched on the server.

Everything about reviews passes through :mod:`reviews.visibility` (a chair conflicted with a
paper gets no row of it, a score shows only where the chair may read the review), and the rows
cost a fixed number of queries whatever the number of papers
(:func:`reviews.selectors.papers_reviews`).

The search box takes terms separated by spaces; a paper must match every one:

- ``#12``: paper 12;
- ``mean>=4``, ``calibrated<3.5``, ``spread>=2``, ``score=1`` (any one score), ``reviews<3``
  (submitted reviews): a number compared with ``>=``, ``<=``, ``>``, ``<`` or ``=``;
- ``tag:borderline``, ``area:systems`` (``ml``, ``both``), ``decision:pending`` (also
  ``none``, ``released``, ``accept``, ``reject`` or a word of a category's name),
  ``author:smith`` (a word of an author's name);
- any other word (or ``"several words"`` in quotes): in the title, a tag or the area.
"""

from __future__ import annotations

import operator
import re
import shlex
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from conferences.access import access_of
from conferences.models import Edition, ReleaseKind, Topic
from conferences.selectors import shows_released
from decisions.models import Decision, DiscussionPosition, PaperTag, Tag
from decisions.services import categories_of
from reviews import calibration
from reviews.models import FieldType, FormKind, ReviewField
from reviews.reading import display_answer, edition_fields
from reviews.selectors import papers_reviews
from reviews.visibility import can_view_review, reviewer_shown_as, visible_fields
from submissions.models import Author, Submission, SubmissionState

HIGH_DISAGREEMENT = 3  # a spread of scores (max - min) at least this is highlighted
RECOMMENDATION_KEY = "recommendation"
_TOPICS = dict(Topic.choices)
_STATE_DECISIONS: dict[str, str] = {
    SubmissionState.WITHDRAWN: "Withdrawn",
    SubmissionState.DESK_REJECTED: "Desk rejected",
}


@dataclass(frozen=True)
class ScoreCell:
    reviewer: str  # as the chair may know them
    score: float


@dataclass
class PaperRow:
    number: int
    title: str
    area: str  # the paper's topic: systems, ml, both
    area_label: str
    state: str
    scores: list[ScoreCell]
    mean: float | None
    calibrated: float | None
    spread: float | None
    recommendations: list[str]
    submitted: int  # submitted reviews (meta-reviews aside)
    assigned: int  # committed reviewers
    tags: list[str]
    decision: str  # the category's name, "Withdrawn", "Desk rejected" or "" (undecided)
    decision_category_id: int | None
    released: bool  # whether the decision is shown to authors and reviewers
    position: int | None  # in the PC meeting's discussion order
    authors: list[str] = field(default_factory=list, repr=False)  # for the chairs' search only

    @property
    def high_disagreement(self) -> bool:
        return self.spread is not None and self.spread >= HIGH_DISAGREEMENT

    @property
    def is_pending(self) -> bool:
        return self.decision_category_id is not None and not self.released

    @property
    def completion(self) -> str:
        return f"{self.submitted}/{self.assigned}"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _recommendation_field(fields: list[ReviewField]) -> ReviewField | None:
    choices = [f for f in fields if f.type == FieldType.CHOICE]
    return next((f for f in choices if f.key == RECOMMENDATION_KEY), choices[0] if choices else None)


def paper_rows(user: Any, edition: Edition) -> list[PaperRow]:
    """One row per paper ``user`` manages (never one they are conflicted with), by number."""
    access = access_of(user, edition)
    categories = {c.pk: c for c in categories_of(edition)}
    papers = list(
        Submission.objects.filter(edition=edition)
        .exclude(pk__in=access.conflicted)
        .select_related("edition", "decision", "discussion_position")
        .prefetch_related(
            Prefetch("tags", queryset=PaperTag.objects.select_related("tag").order_by("tag__name"), to_attr="tag_rows"),
            Prefetch("authors", queryset=Author.objects.order_by("position").only("submission_id", "name")),
        )
        .order_by("number")
    )
    papers = [paper for paper in papers if access.manages(paper)]
    fields = edition_fields(edition)
    score_key = calibration.merit_key(fields[FormKind.REVIEW])
    score_field = next((f for f in fields[FormKind.REVIEW] if f.key == score_key), None)
    recommendation = _recommendation_field(fields[FormKind.META])
    # Only the score and the recommendation: not the reviews' texts (most of the time otherwise).
    wanted = [f.key for f in (score_field, recommendation) if f is not None]
    facts = papers_reviews(papers, answer_keys=wanted)

    scores: dict[int, list[ScoreCell]] = defaultdict(list)
    recommendations: dict[int, list[str]] = defaultdict(list)
    submitted: dict[int, int] = defaultdict(int)
    triples = []
    for facts_of in facts.values():
        pk = facts_of.submission.pk
        for review in facts_of.submitted:
            if not can_view_review(access, facts_of, review):
                continue
            if review.is_meta:
                shown = visible_fields(access, facts_of, [recommendation] if recommendation else [])
                value = review.answers.get(shown[0].key) if shown else None
                if shown and value not in (None, ""):
                    recommendations[pk].append(display_answer(shown[0], value))
                continue
            submitted[pk] += 1
            shown = visible_fields(access, facts_of, [score_field] if score_field else [])
            score = _number(review.answers.get(shown[0].key)) if shown else None
            if score is not None:
                scores[pk].append(ScoreCell(reviewer_shown_as(access, facts_of, review), score))
                triples.append((pk, review.reviewer_id, score))
    fitted = calibration.fit(triples)

    # Shown from the second the release is due, before the job stamps the papers.
    decisions_shown = shows_released(edition, ReleaseKind.DECISIONS)
    rows = []
    for paper in papers:
        decision = _decision_of(paper)
        cells = scores[paper.pk]
        values = [cell.score for cell in cells]
        fitted_paper = fitted.papers.get(paper.pk)
        position = getattr(paper, "discussion_position", None)
        rows.append(
            PaperRow(
                number=paper.number,
                title=paper.title,
                area=paper.topic,
                area_label=str(_TOPICS.get(paper.topic, paper.topic)),
                state=paper.state,
                scores=cells,
                mean=round(sum(values) / len(values), 2) if values else None,
                calibrated=round(fitted_paper.calibrated, 2) if fitted_paper else None,
                spread=max(values) - min(values) if values else None,
                recommendations=recommendations[paper.pk],
                submitted=submitted[paper.pk],
                assigned=len(facts[paper.pk].reviewers),
                tags=[paper_tag.tag.name for paper_tag in getattr(paper, "tag_rows", [])],
                decision=_STATE_DECISIONS.get(paper.state)
                or (categories[decision.category_id].name if decision else ""),
                decision_category_id=decision.category_id if decision else None,
                released=paper.decision_released_at is not None or decisions_shown,
                position=position.position if isinstance(position, DiscussionPosition) else None,
                authors=[author.name for author in paper.authors.all()],
            )
        )
    return rows


def _decision_of(paper: Submission) -> Decision | None:
    """The paper's decision while it stands (a paper taken back to "submitted" has none)."""
    decision = getattr(paper, "decision", None)
    if decision is None or paper.state not in (SubmissionState.ACCEPTED, SubmissionState.REJECTED):
        return None
    return decision


# --- Sorting ---------------------------------------------------------------------------------

SORT_KEYS: dict[str, Callable[[PaperRow], Any]] = {
    "number": lambda r: r.number,
    "title": lambda r: r.title.lower(),
    "area": lambda r: r.area_label,
    "mean": lambda r: r.mean,
    "calibrated": lambda r: r.calibrated,
    "spread": lambda r: r.spread,
    "recommendation": lambda r: ", ".join(r.recommendations) or None,
    "completion": lambda r: (r.submitted / r.assigned) if r.assigned else None,
    "tags": lambda r: ", ".join(r.tags) or None,
    "decision": lambda r: r.decision or None,
    "position": lambda r: r.position,
}


def sort_rows(rows: list[PaperRow], sort: str) -> list[PaperRow]:
    """By ``sort`` (a key of :data:`SORT_KEYS`, descending with a leading "-"); rows without a
    value come last either way, then by number."""
    descending = sort.startswith("-")
    key = SORT_KEYS.get(sort.lstrip("-"), SORT_KEYS["number"])
    present = [r for r in rows if key(r) is not None]
    absent = [r for r in rows if key(r) is None]
    present.sort(key=lambda r: r.number)
    present.sort(key=key, reverse=descending)
    return present + sorted(absent, key=lambda r: r.number)


# --- Filters and the search box --------------------------------------------------------------

_COMPARISON = re.compile(r"^(mean|calibrated|spread|score|reviews)(>=|<=|>|<|=)(-?\d+(?:\.\d+)?)$")
_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
    "=": operator.eq,
}


def _compare(row: PaperRow, name: str, op: Callable[[float, float], bool], value: float) -> bool:
    if name == "score":
        return any(op(cell.score, value) for cell in row.scores)
    if name == "reviews":
        return op(row.submitted, value)
    actual = getattr(row, name)
    return actual is not None and op(actual, value)


def _decision_matches(row: PaperRow, word: str) -> bool:
    if word == "none":
        return not row.decision
    if word == "pending":
        return row.is_pending
    if word == "released":
        return row.decision_category_id is not None and row.released
    if word in ("accept", "reject"):
        return row.state == (SubmissionState.ACCEPTED if word == "accept" else SubmissionState.REJECTED)
    return word in row.decision.lower()


def term_matches(row: PaperRow, term: str) -> bool:
    """Whether ``row`` matches one term of the search box (see the module's documentation)."""
    term = term.strip().lower()
    if not term:
        return True
    if term.startswith("#") and term[1:].isdigit():
        return row.number == int(term[1:])
    comparison = _COMPARISON.match(term)
    if comparison:
        name, op, value = comparison.groups()
        return _compare(row, name, _OPERATORS[op], float(value))
    prefix, _, rest = term.partition(":")
    if rest:
        if prefix == "tag":
            return rest in row.tags
        if prefix == "area":
            return row.area == rest or rest in row.area_label.lower()
        if prefix == "decision":
            return _decision_matches(row, rest)
        if prefix == "author":
            return any(rest in name.lower() for name in row.authors)
    return term in row.title.lower() or any(term in tag for tag in row.tags) or term in row.area_label.lower()


def search_terms(query: str) -> list[str]:
    try:
        return shlex.split(query)
    except ValueError:  # an unbalanced quote: take the words as they are
        return query.split()


@dataclass(frozen=True)
class Filters:
    q: str = ""
    area: str = ""
    tag: str = ""
    decision: str = ""  # "none", "pending", "released" or a category's id
    disagreement: bool = False
    sort: str = "number"

    @classmethod
    def from_query(cls, params: Any) -> Filters:
        return cls(
            q=(params.get("q") or "").strip()[:300],
            area=params.get("area") or "",
            tag=(params.get("tag") or "").strip().lower(),
            decision=params.get("decision") or "",
            disagreement=params.get("disagreement") in ("1", "true", "on"),
            sort=params.get("sort") or "number",
        )

    def keep(self, row: PaperRow) -> bool:
        if self.area and row.area != self.area:
            return False
        if self.tag and self.tag not in row.tags:
            return False
        if self.disagreement and not row.high_disagreement:
            return False
        if self.decision:
            if self.decision.isdigit():
                if row.decision_category_id != int(self.decision) or row.state in _STATE_DECISIONS:
                    return False
            elif not _decision_matches(row, self.decision):
                return False
        return all(term_matches(row, term) for term in search_terms(self.q))


def visible_tags(user: Any, edition: Edition) -> list[Tag]:
    """The tags on at least one paper ``user`` manages: a tag only a paper they are conflicted
    with carries (or one no paper carries any more) would tell them of that paper's discussion."""
    access = access_of(user, edition)
    if not access.is_chair:
        return []
    used = PaperTag.objects.filter(submission__edition=edition).exclude(submission_id__in=access.conflicted)
    return list(Tag.objects.filter(edition=edition, pk__in=used.values("tag_id")).order_by("name"))


def dashboard_rows(user: Any, edition: Edition, filters: Filters) -> tuple[list[PaperRow], int]:
    """The rows that pass ``filters``, sorted as they ask, and the number of rows in all."""
    rows = paper_rows(user, edition)
    kept = [row for row in rows if filters.keep(row)]
    return sort_rows(kept, filters.sort), len(rows)

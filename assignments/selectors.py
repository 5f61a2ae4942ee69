"""Read queries for the chairs' assignment pages (per paper, per member, histograms, warnings: all
about review assignments, the solver's kind), a member's papers to review, and the assignment
facts of the Access object (every kind)."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, QuerySet

from assignments.models import Assignment, AssignmentKind
from bidding.models import Affinity
from conferences.access import Facts
from conferences.models import Area, Edition, Role
from conferences.roles import RoleKind
from submissions.models import ACTIVE_STATES, Conflict, Submission

HISTOGRAM_BINS = 10
HISTOGRAM_CEILINGS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


@dataclass
class ReviewerLine:
    assignment: Assignment
    area: str
    affinity: float


@dataclass
class PaperRow:
    submission: Submission
    reviewers: list[ReviewerLine] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    needs: dict[str, int] = field(default_factory=dict)

    @property
    def balanced(self) -> bool:
        return self.counts == self.needs

    @property
    def total_affinity(self) -> float:
        return sum(line.affinity for line in self.reviewers)


@dataclass
class MemberRow:
    role: Role
    load: int
    max_load: int
    min_load: int
    mean_affinity: float

    @property
    def overloaded(self) -> bool:
        return self.load > self.max_load


@dataclass
class Preview:
    papers: list[PaperRow]
    members: list[MemberRow]
    histogram: list[tuple[str, int]]
    drafts: int
    committed: int
    warnings: list[str]


def assignment_facts(user: Any, edition: Edition) -> Facts:
    """The papers of ``edition`` committed to the user, by kind, for the Access object (one
    query). Drafts do not count: the assignee learns of a paper once it is committed."""
    assigned: defaultdict[str, set[int]] = defaultdict(set)
    rows = Assignment.objects.filter(user=user, submission__edition=edition, is_committed=True)
    for paper, kind in rows.values_list("submission_id", "kind"):
        assigned[kind].add(paper)
    return {"assigned": {kind: frozenset(papers) for kind, papers in assigned.items()}}


def reviews_of(edition: Edition) -> QuerySet[Assignment]:
    """The review assignments of ``edition``, drafts and committed."""
    return Assignment.objects.filter(submission__edition=edition, kind=AssignmentKind.REVIEW)


def _needs(edition: Edition) -> dict[str, int]:
    return {Area.SYSTEMS: edition.systems_reviewers_per_paper, Area.ML: edition.ml_reviewers_per_paper}


def _pc_areas(edition: Edition) -> dict[int, Role]:
    return {r.user_id: r for r in Role.objects.filter(edition=edition, kind=RoleKind.PC_MEMBER).select_related("user")}


def affinity_histogram(scores: list[float]) -> list[tuple[str, int]]:
    """Counts in ``HISTOGRAM_BINS`` equal bins from 0 to a round ceiling of the best score, so
    the bars spread out whatever the scale of the affinities (TF-IDF cosines are often < 0.1)."""
    top = max(scores, default=1.0)
    ceiling = min((c for c in HISTOGRAM_CEILINGS if c >= top), default=HISTOGRAM_CEILINGS[-1])
    width = ceiling / HISTOGRAM_BINS
    bins = [0] * HISTOGRAM_BINS
    for score in scores:
        bins[min(HISTOGRAM_BINS - 1, max(0, int(score / width)))] += 1
    digits = max(1, -math.floor(math.log10(width)))
    return [(f"{i * width:.{digits}f} to {(i + 1) * width:.{digits}f}", n) for i, n in enumerate(bins)]


def assignment_preview(edition: Edition, *, without_papers: Collection[int] = ()) -> Preview:
    """The chairs' view of the draft; ``without_papers`` (the viewing chair's conflicts) are left
    out of every row, load, histogram and warning."""
    roles = _pc_areas(edition)
    submissions = list(
        Submission.objects.filter(edition=edition).active().exclude(pk__in=without_papers).order_by("number")
    )
    assignments = list(
        reviews_of(edition).exclude(submission_id__in=without_papers).select_related("user", "submission")
    )
    affinity = {
        (s, u): score
        for s, u, score in Affinity.objects.filter(submission__edition=edition)
        .exclude(submission_id__in=without_papers)
        .values_list("submission_id", "user_id", "score")
    }
    rows = {s.pk: PaperRow(s, needs=_needs(edition), counts={Area.SYSTEMS: 0, Area.ML: 0}) for s in submissions}
    loads: Counter[int] = Counter()
    member_affinity: dict[int, list[float]] = defaultdict(list)
    scores: list[float] = []
    for a in assignments:
        score = affinity.get((a.submission_id, a.user_id), 0.0)
        loads[a.user_id] += 1
        member_affinity[a.user_id].append(score)
        scores.append(score)
        row = rows.get(a.submission_id)
        role = roles.get(a.user_id)
        if row is None:
            continue
        area = role.area if role else ""
        row.reviewers.append(ReviewerLine(a, area, score))
        if area in row.counts:
            row.counts[area] += 1
    members = [
        MemberRow(
            role=role,
            load=loads[uid],
            max_load=role.max_load if role.max_load is not None else edition.default_max_load,
            min_load=role.min_load if role.min_load is not None else edition.default_min_load,
            mean_affinity=sum(member_affinity[uid]) / len(member_affinity[uid]) if member_affinity[uid] else 0.0,
        )
        for uid, role in sorted(roles.items(), key=lambda item: (item[1].area, item[1].user.last_name))
    ]
    committed = sum(1 for a in assignments if a.is_committed)
    return Preview(
        papers=list(rows.values()),
        members=members,
        histogram=affinity_histogram(scores),
        drafts=len(assignments) - committed,
        committed=committed,
        warnings=assignment_warnings(edition, without_papers=without_papers),
    )


def assignment_warnings(
    edition: Edition,
    *,
    submissions: Iterable[Submission] | None = None,
    users: Iterable[Any] | None = None,
    without_papers: Collection[int] = (),
) -> list[str]:
    """Broken Systems/ML balance, overloaded members and conflicted pairs, in plain words."""
    roles = _pc_areas(edition)
    needs = _needs(edition)
    papers = Submission.objects.filter(edition=edition).active().exclude(pk__in=without_papers)
    if submissions is not None:
        papers = papers.filter(pk__in=[s.pk for s in submissions])
    assignments = reviews_of(edition).exclude(submission_id__in=without_papers)
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    loads: Counter[int] = Counter()
    for sid, uid in assignments.values_list("submission_id", "user_id"):
        role = roles.get(uid)
        counts[sid][role.area if role else "?"] += 1
        loads[uid] += 1
    warnings = []
    for paper in papers.order_by("number"):
        have = counts[paper.pk]
        for area, label in ((Area.SYSTEMS, "Systems"), (Area.ML, "ML")):
            if have[area] != needs[area]:
                warnings.append(f"#{paper.number} has {have[area]} {label} reviewer(s); it needs {needs[area]}.")
    user_ids = [u.pk for u in users] if users is not None else list(roles)
    for uid in user_ids:
        role = roles.get(uid)
        if role is None:
            continue
        limit = role.max_load if role.max_load is not None else edition.default_max_load
        if loads[uid] > limit:
            warnings.append(f"{role.user.display_name} has {loads[uid]} papers; their maximum is {limit}.")
    clashes = (
        Conflict.objects.filter(submission__edition=edition, submission__assignments__user=F("user"))
        .exclude(submission_id__in=without_papers)
        .select_related("submission", "user")
        .distinct()  # one warning per pair, whatever the kinds of its assignments
    )
    warnings.extend(
        f"{c.user.display_name} is assigned #{c.submission.number} despite a conflict of interest." for c in clashes
    )
    return warnings


def papers_to_review(user: Any, edition: Edition) -> QuerySet[Submission]:
    """The papers committed to ``user`` in ``edition``: titles only until reviewing opens."""
    return Submission.objects.filter(
        edition=edition,
        assignments__user=user,
        assignments__kind=AssignmentKind.REVIEW,
        assignments__is_committed=True,
        state__in=ACTIVE_STATES,
    ).order_by("number")

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

from assignments.loads import effective_max_load, effective_min_load, even_share
from assignments.models import Assignment, AssignmentKind, AssignmentRun, RunStatus
from bidding.models import Affinity
from conferences.access import Facts
from conferences.models import Area, Edition, Phase, Role
from conferences.roles import RoleKind
from conferences.selectors import phase_is_open
from submissions.models import ACTIVE_STATES, Conflict, Submission

HISTOGRAM_BINS = 10
HISTOGRAM_CEILINGS = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)


@dataclass
class ReviewerLine:
    assignment: Assignment
    area: str
    affinity: float
    conflicted: bool = False  # a conflict declared after the assignment: to be removed

    @property
    def area_label(self) -> str:
        """The half in words ("Systems", "ML"), "?" for someone not on the PC."""
        return str(Area(self.area).label) if self.area in Area.values else "?"


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

    @property
    def underloaded(self) -> bool:
        return self.load < self.min_load


@dataclass
class Preview:
    papers: list[PaperRow]
    members: list[MemberRow]
    histogram: list[tuple[str, int]]
    drafts: int
    committed: int
    warnings: list[str]

    def load_spread(self) -> list[tuple[str, int, int]]:
        """Per area with members: its label, the lowest and the highest load."""
        spread = []
        for area in Area:
            loads = [m.load for m in self.members if m.role.area == area]
            if loads:
                spread.append((str(area.label), min(loads), max(loads)))
        return spread


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
    conflicted = set(
        Conflict.objects.filter(submission__in=submissions, user_id__in=[a.user_id for a in assignments]).values_list(
            "submission_id", "user_id"
        )
    )
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
        row.reviewers.append(ReviewerLine(a, area, score, (a.submission_id, a.user_id) in conflicted))
        if area in row.counts:
            row.counts[area] += 1
    n_papers = Submission.objects.filter(edition=edition).active().count()
    area_sizes = Counter(role.area for role in roles.values())
    members = [
        MemberRow(
            role=role,
            load=loads[uid],
            max_load=effective_max_load(edition, role.max_load),
            min_load=effective_min_load(
                edition,
                explicit=role.min_load,
                explicit_max=role.max_load,
                share=even_share(edition, role.area, papers=n_papers, members=area_sizes[role.area]),
                available=n_papers,
            ),
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


def _review_counts(
    edition: Edition, roles: dict[int, Role], without_papers: Collection[int]
) -> tuple[dict[int, Counter[str]], Counter[int]]:
    """Reviewers of each paper by area ("?" for someone not on the PC), and each member's load."""
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    loads: Counter[int] = Counter()
    reviews = reviews_of(edition).exclude(submission_id__in=without_papers)
    for sid, uid in reviews.values_list("submission_id", "user_id"):
        role = roles.get(uid)
        counts[sid][role.area if role else "?"] += 1
        loads[uid] += 1
    return counts, loads


def unbalanced_paper_count(edition: Edition, *, without_papers: Collection[int] = ()) -> int:
    """Active papers whose Systems or ML reviewers are not the number the edition asks for
    (the chairs' to-do list)."""
    needs = _needs(edition)
    counts, _ = _review_counts(edition, _pc_areas(edition), without_papers)
    papers = Submission.objects.filter(edition=edition).active().exclude(pk__in=without_papers)
    return sum(any(counts[pk][area] != n for area, n in needs.items()) for pk in papers.values_list("pk", flat=True))


@dataclass(frozen=True)
class JobCounts:
    running: int  # solver runs queued or running
    failed: int  # failed runs since the last one that finished


def job_counts(edition: Edition) -> JobCounts:
    """The state of the edition's solver runs, for the chairs' to-do list."""
    runs = AssignmentRun.objects.filter(edition=edition)
    failed = runs.filter(status=RunStatus.FAILED)
    last_done = runs.filter(status=RunStatus.DONE).order_by("-created_at").values_list("created_at", flat=True).first()
    if last_done is not None:
        failed = failed.filter(created_at__gt=last_done)
    return JobCounts(
        running=runs.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).count(), failed=failed.count()
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
    counts, loads = _review_counts(edition, roles, without_papers)
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
    unscored = papers.exclude(pk__in=Affinity.objects.filter(submission__edition=edition).values("submission_id"))
    warnings.extend(
        f"#{number} has no computed affinity: the solver scores it 0 for everyone; compute the affinities first."
        for number in unscored.order_by("number").values_list("number", flat=True)
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


@dataclass(frozen=True)
class CommitSummary:
    """What committing the review drafts does: who is mailed, which papers are not complete."""

    drafts: int
    reviewers: int  # distinct people who will be mailed
    incomplete: list[int]  # numbers of papers in the drafts with an abstract only (no PDF)
    abstract_registration_open: bool


def commit_summary(edition: Edition, *, without_papers: Collection[int] = ()) -> CommitSummary:
    drafts = reviews_of(edition).filter(is_committed=False).exclude(submission_id__in=without_papers)
    incomplete = Submission.objects.filter(pk__in=drafts.values("submission_id")).abstract_only()
    return CommitSummary(
        drafts=drafts.count(),
        reviewers=drafts.values("user_id").distinct().count(),
        incomplete=list(incomplete.order_by("number").values_list("number", flat=True)),
        abstract_registration_open=phase_is_open(edition, Phase.ABSTRACT_REGISTRATION),
    )

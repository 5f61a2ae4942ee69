"""Read queries of bidding: the papers a PC member bids on, and the chairs' statistics.

Every list here is built with a fixed number of queries, whatever its length (no N+1):
annotations and subqueries for the member's list, one grouped query per fact for the chairs.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, TextField, Value
from django.db.models.functions import Concat

from bidding.models import Affinity, Bid, BidLevel
from conferences.access import access_of
from conferences.models import Area, Edition, Phase, Role, Topic
from conferences.roles import RoleKind
from conferences.selectors import phase_is_open
from mlsys_conf.limits import SEARCH_MAX_CHARS, SEARCH_MAX_WORDS, search_words
from submissions.models import ACTIVE_STATES, Conflict, Submission

BIDDER_ROLES = RoleKind.where("bids")

# Levels as the pages and statistics list them, most eager first.
LEVELS: tuple[BidLevel, ...] = (
    BidLevel.VERY_HIGH,
    BidLevel.HIGH,
    BidLevel.NEUTRAL,
    BidLevel.LOW,
    BidLevel.VERY_LOW,
)

SORTS = {
    "affinity": (F("affinity").desc(nulls_last=True), "number"),
    "number": ("number",),
    "bid": (F("bid_level").desc(nulls_last=True), F("affinity").desc(nulls_last=True), "number"),
}
STATUSES = ("", "unbid", "bid")


def is_bidder(user: Any, edition: Edition) -> bool:
    """A PC member or area chair: the people who bid (``user``: a user or their Access)."""
    return access_of(user, edition).has_role(*BIDDER_ROLES)


def bid_count_of(user: Any, edition: Edition) -> int:
    """How many papers of ``edition`` the member has bid on."""
    return Bid.objects.filter(user=user, submission__edition=edition).count()


def has_conflict(user: Any, submission: Submission) -> bool:
    """A conflict the member is shown: one found after their own change of profile is not (the
    paper stays on their list, and the solver and the chairs still never assign it to them)."""
    return access_of(user, submission.edition).sees_conflict(submission)


def has_profile(user: Any) -> bool:
    """Keywords or publications to compute affinity from; without them every score is 0."""
    return bool(user.keywords.strip() or user.publications.strip())


def bidders_of(edition: Edition) -> list[Role]:
    """One role per bidding member (a member who is also an area chair appears once)."""
    seen: dict[int, Role] = {}
    roles = (
        Role.objects.filter(edition=edition, kind__in=sorted(BIDDER_ROLES))
        .select_related("user")
        .order_by("area", "user__last_name", "user__first_name", "user__email", "kind")
    )
    for role in roles:
        seen.setdefault(role.user_id, role)
    return list(seen.values())


def active_papers(edition: Edition) -> QuerySet[Submission]:
    return Submission.objects.filter(edition=edition).active()


def papers_for_bidding(
    user: Any,
    edition: Edition,
    *,
    q: str = "",
    area: str = "",
    keyword: str = "",
    status: str = "",
    sort: str = "affinity",
) -> QuerySet[Submission]:
    """The papers ``user`` may bid on: not withdrawn, not conflicted; each annotated with the
    member's ``affinity`` (None until computed) and ``bid_level`` (None: no bid yet).

    ``q``: every word must appear in the title, abstract or keywords (never the authors:
    reviewing is double-blind); one condition per distinct word, at most
    :data:`~mlsys_conf.limits.SEARCH_MAX_WORDS` of them. ``area``: papers for one half of
    the PC (its topic, or both).
    ``keyword``: one of the paper's keywords. ``status``: "unbid" or "bid". ``sort``: one of
    :data:`SORTS`, affinity (highest first) by default.
    """
    conflicted = Conflict.objects.filter(submission=OuterRef("pk"), user=user, hidden_from_member=False)
    qs = (
        active_papers(edition)
        .exclude(Exists(conflicted))
        .annotate(
            affinity=Subquery(Affinity.objects.filter(submission=OuterRef("pk"), user=user).values("score")[:1]),
            bid_level=Subquery(Bid.objects.filter(submission=OuterRef("pk"), user=user).values("level")[:1]),
        )
    )
    words = search_words(q[:SEARCH_MAX_CHARS])[:SEARCH_MAX_WORDS]  # the forms refuse more; never run more
    if words:
        text = Concat("title", Value("\n"), "abstract", Value("\n"), "keywords", output_field=TextField())
        qs = qs.alias(search_text=text).filter(*[Q(search_text__icontains=word) for word in words])
    if area in Area.values:
        qs = qs.filter(topic__in=[area, Topic.BOTH])
    if keyword.strip():
        qs = qs.filter(keywords__icontains=keyword.strip())
    if status == "unbid":
        qs = qs.filter(bid_level__isnull=True)
    elif status == "bid":
        qs = qs.filter(bid_level__isnull=False)
    return qs.order_by(*SORTS.get(sort, SORTS["affinity"]))


def paper_for_bidding(user: Any, edition: Edition, number: int) -> Submission | None:
    """One paper of :func:`papers_for_bidding`, or None when it is not there for ``user``."""
    return papers_for_bidding(user, edition).filter(number=number).first()


# --- How many bids a member should make -----------------------------------------------------


def expected_load(edition: Edition, *, area: str, papers: int, members_in_area: int, max_load: int | None) -> int:
    """Papers a member of ``area`` reviews if the work is shared evenly, within their cap."""
    if not members_in_area or not papers:
        return 0
    per_paper = edition.systems_reviewers_per_paper if area == Area.SYSTEMS else edition.ml_reviewers_per_paper
    cap = edition.default_max_load if max_load is None else max_load
    return min(math.ceil(papers * per_paper / members_in_area), cap)


def bids_wanted(load: int, biddable: int) -> int:
    """The reminder threshold: twice the expected load (so the assignment has room to choose),
    but never more than the papers the member can bid on."""
    return min(2 * load, biddable)


# --- The chairs' statistics ------------------------------------------------------------------


@dataclass(frozen=True)
class MemberRow:
    """A line about one committee member in the chairs' tables."""

    role: Role

    @property
    def user(self) -> Any:
        return self.role.user


class BidTotals:
    """Sums over ``by_level``: bid counts in the order of LEVELS, the two positive levels first."""

    by_level: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.by_level)

    @property
    def positive(self) -> int:
        return self.by_level[0] + self.by_level[1]


@dataclass(frozen=True)
class MemberBids(MemberRow, BidTotals):
    by_level: tuple[int, ...]
    conflicts: int
    has_profile: bool
    load: int
    wanted: int

    @property
    def few(self) -> bool:
        return self.total < self.wanted


@dataclass(frozen=True)
class PaperBids(BidTotals):
    submission: Submission
    by_level: tuple[int, ...]
    positive_by_area: dict[str, int]
    needed_by_area: dict[str, int]
    conflicts: int

    @property
    def areas(self) -> list[tuple[str, int, int]]:
        """(area label, positive bids from that half, reviewers that half gives each paper)."""
        return [(a.label, self.positive_by_area.get(a.value, 0), self.needed_by_area[a.value]) for a in Area]

    @property
    def few_positive(self) -> bool:
        return any(self.positive_by_area.get(a, 0) < needed for a, needed in self.needed_by_area.items())


def _by_level(counts: Counter[int]) -> tuple[int, ...]:
    return tuple(counts.get(level.value, 0) for level in LEVELS)


def bid_counts_per_member(
    edition: Edition, *, without_papers: Collection[int] = (), as_members_see_it: bool = False
) -> list[MemberBids]:
    """Every bidding member with their bids by level, conflicts, profile and reminder threshold.
    ``without_papers``: left out of every count (a chair's conflicted papers). ``as_members_see_it``:
    the conflicts hidden from their member are not counted (for the member's own page)."""
    members = bidders_of(edition)
    papers = active_papers(edition).exclude(pk__in=without_papers).count()
    counts: dict[int, Counter[int]] = defaultdict(Counter)
    conflicted = Conflict.objects.filter(submission__edition=edition, submission__state__in=ACTIVE_STATES).exclude(
        submission_id__in=without_papers
    )
    if as_members_see_it:
        conflicted = conflicted.filter(hidden_from_member=False)
    for user_id, level, n in (
        Bid.objects.filter(submission__edition=edition, submission__state__in=ACTIVE_STATES)
        .exclude(submission_id__in=without_papers)
        .values_list("user_id", "level")
        .annotate(n=Count("id"))
        .values_list("user_id", "level", "n")
    ):
        counts[user_id][level] = n
    conflicts = dict(conflicted.values_list("user_id").annotate(n=Count("id")).values_list("user_id", "n"))
    per_area = Counter(role.area for role in members)
    rows = []
    for role in members:
        load = expected_load(
            edition, area=role.area, papers=papers, members_in_area=per_area[role.area], max_load=role.max_load
        )
        mine = conflicts.get(role.user_id, 0)
        rows.append(
            MemberBids(
                role=role,
                by_level=_by_level(counts[role.user_id]),
                conflicts=mine,
                has_profile=has_profile(role.user),
                load=load,
                wanted=bids_wanted(load, papers - mine),
            )
        )
    return rows


def members_with_few_bids_count(edition: Edition, *, without_papers: Collection[int] = ()) -> int:
    """Bidding members below their reminder threshold (the chairs' to-do list)."""
    return sum(row.few for row in bid_counts_per_member(edition, without_papers=without_papers))


def bid_counts_per_paper(edition: Edition, *, without_papers: Collection[int] = ()) -> list[PaperBids]:
    """Every active paper with its bids by level and its positive bids from each half, but
    ``without_papers`` (a chair's conflicted papers)."""
    area_of = {role.user_id: role.area for role in bidders_of(edition)}
    needed = {Area.SYSTEMS.value: edition.systems_reviewers_per_paper, Area.ML.value: edition.ml_reviewers_per_paper}
    levels: dict[int, Counter[int]] = defaultdict(Counter)
    positive: dict[int, Counter[str]] = defaultdict(Counter)
    for submission_id, user_id, level in Bid.objects.filter(
        submission__edition=edition, submission__state__in=ACTIVE_STATES
    ).values_list("submission_id", "user_id", "level"):
        levels[submission_id][level] += 1
        if level > 0 and user_id in area_of:
            positive[submission_id][area_of[user_id]] += 1
    conflicts = dict(
        Conflict.objects.filter(submission__edition=edition)
        .values_list("submission_id")
        .annotate(n=Count("id"))
        .values_list("submission_id", "n")
    )
    return [
        PaperBids(
            submission=s,
            by_level=_by_level(levels[s.pk]),
            positive_by_area=dict(positive[s.pk]),
            needed_by_area=needed,
            conflicts=conflicts.get(s.pk, 0),
        )
        for s in active_papers(edition)
        .exclude(pk__in=without_papers)
        .only("pk", "number", "title", "topic", "edition_id")
        .order_by("number")
    ]


# --- Affinities, for the chairs ---------------------------------------------------------------


@dataclass(frozen=True)
class AffinityStatus:
    pairs: int
    computed_at: datetime | None
    papers: int
    members: int
    without_profile: list[Any] = field(default_factory=list)

    @property
    def is_incomplete(self) -> bool:
        return self.pairs < self.papers * self.members


def editions_missing_affinities(now: datetime) -> list[Edition]:
    """Editions in their bidding phase where some (paper, member) pair has no stored affinity:
    a paper or a member came after the last computation, or none was run yet."""
    return [
        edition
        for edition in Edition.objects.all()
        if phase_is_open(edition, Phase.BIDDING, now) and affinity_status(edition).is_incomplete
    ]


def affinity_status(edition: Edition) -> AffinityStatus:
    stored = Affinity.objects.filter(submission__edition=edition).aggregate(n=Count("id"), last=Max("computed_at"))
    members = bidders_of(edition)
    return AffinityStatus(
        pairs=stored["n"],
        computed_at=stored["last"],
        papers=active_papers(edition).count(),
        members=len(members),
        without_profile=[role.user for role in members if not has_profile(role.user)],
    )


@dataclass(frozen=True)
class MemberAffinity(MemberRow):
    score: float | None
    top_terms: list[tuple[str, float]]
    bid_level: int | None
    conflicted: bool
    has_profile: bool

    @property
    def bid_label(self) -> str:
        return BidLevel(self.bid_level).label if self.bid_level is not None else ""


def affinities_of_paper(submission: Submission) -> list[MemberAffinity]:
    """Every bidding member's affinity with one paper, highest first, with the terms that
    matched most, their bid and whether they are conflicted."""
    affinities = {a.user_id: a for a in Affinity.objects.filter(submission=submission)}
    bids = dict(Bid.objects.filter(submission=submission).values_list("user_id", "level"))
    conflicted = set(Conflict.objects.filter(submission=submission).values_list("user_id", flat=True))
    rows = []
    for role in bidders_of(submission.edition):
        affinity = affinities.get(role.user_id)
        rows.append(
            MemberAffinity(
                role=role,
                score=affinity.score if affinity else None,
                top_terms=[(term, weight) for term, weight in affinity.top_terms] if affinity else [],
                bid_level=bids.get(role.user_id),
                conflicted=role.user_id in conflicted,
                has_profile=has_profile(role.user),
            )
        )
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0.0), r.user.email))
    return rows

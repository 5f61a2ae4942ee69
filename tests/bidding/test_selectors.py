"""The member's list of papers (filters, affinity order, no N+1) and the chairs' counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bidding import selectors
from bidding.models import Affinity, Bid
from conferences.models import Area, Edition
from conferences.roles import RoleKind
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission, SubmissionState
from tests.bidding.helpers import add_paper, set_profile
from tests.factories.committees import RoleFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


def numbers(qs: Any) -> list[int]:
    return [s.number for s in qs]


@pytest.fixture
def papers(edition: Edition) -> list[Submission]:
    return [
        add_paper(edition, 1, title="Paged attention for LLM serving", topic="both", keywords="LLM serving, KV cache"),
        add_paper(edition, 2, title="A verified file system", topic="systems", keywords="OS, verification"),
        add_paper(
            edition,
            3,
            title="Sharper minima in SGD",
            topic="ml",
            keywords="optimization",
            abstract="We study why stochastic gradient descent finds flat minima.",
        ),
        add_paper(edition, 4, title="Congestion control for datacenters", topic="systems", keywords="Network"),
    ]


def score(paper: Submission, user: Any, value: float) -> None:
    Affinity.objects.create(submission=paper, user=user, score=value, top_terms=[])


def test_sorted_by_affinity_highest_first_then_by_number(papers: list[Submission], pc_systems: Any) -> None:
    other_member = RoleFactory(edition=papers[0].edition).user
    score(papers[1], pc_systems, 0.9)
    score(papers[3], pc_systems, 0.4)
    score(papers[0], pc_systems, 0.4)
    score(papers[2], other_member, 0.99)
    listed = list(selectors.papers_for_bidding(pc_systems, papers[0].edition))
    assert numbers(listed) == [2, 1, 4, 3]  # no affinity (yet) last
    assert [p.affinity for p in listed] == [0.9, 0.4, 0.4, None]
    assert numbers(selectors.papers_for_bidding(other_member, papers[0].edition)) == [3, 1, 2, 4]
    assert numbers(selectors.papers_for_bidding(pc_systems, papers[0].edition, sort="number")) == [1, 2, 3, 4]


def test_each_paper_carries_the_members_own_bid(papers: list[Submission], pc_systems: Any, pc_ml: Any) -> None:
    Bid.objects.create(submission=papers[0], user=pc_systems, level=2)
    Bid.objects.create(submission=papers[0], user=pc_ml, level=-2)
    Bid.objects.create(submission=papers[2], user=pc_ml, level=1)
    mine = {p.number: p.bid_level for p in selectors.papers_for_bidding(pc_systems, papers[0].edition)}
    assert mine == {1: 2, 2: None, 3: None, 4: None}
    by_bid = selectors.papers_for_bidding(pc_ml, papers[0].edition, sort="bid")
    assert numbers(by_bid)[:2] == [3, 1]
    assert numbers(selectors.papers_for_bidding(pc_ml, papers[0].edition, status="bid")) == [1, 3]
    assert numbers(selectors.papers_for_bidding(pc_ml, papers[0].edition, status="unbid", sort="number")) == [2, 4]


def test_search_matches_title_abstract_and_keywords_every_word(papers: list[Submission], pc_ml: Any) -> None:
    edition = papers[0].edition
    assert numbers(selectors.papers_for_bidding(pc_ml, edition, q="kv cache")) == [1]
    assert numbers(selectors.papers_for_bidding(pc_ml, edition, q="gradient")) == [3]  # in the abstract only
    assert numbers(selectors.papers_for_bidding(pc_ml, edition, q="VERIFIED")) == [2]
    assert numbers(selectors.papers_for_bidding(pc_ml, edition, q="serving verified")) == []


def test_search_never_looks_at_the_authors(papers: list[Submission], pc_ml: Any) -> None:
    """Double-blind: searching for an author's name or address must not reveal the paper."""
    assert numbers(selectors.papers_for_bidding(pc_ml, papers[0].edition, q="Hidden Author 1")) == []
    assert numbers(selectors.papers_for_bidding(pc_ml, papers[0].edition, q="hidden1@uni.example")) == []


def test_area_and_keyword_filters(papers: list[Submission], pc_ml: Any) -> None:
    edition = papers[0].edition
    assert numbers(selectors.papers_for_bidding(pc_ml, edition, area="systems", sort="number")) == [1, 2, 4]
    assert numbers(selectors.papers_for_bidding(pc_ml, edition, area="ml", sort="number")) == [1, 3]
    assert numbers(selectors.papers_for_bidding(pc_ml, edition, keyword="network")) == [4]
    assert numbers(selectors.papers_for_bidding(pc_ml, edition, keyword="KV cache")) == [1]
    # Unknown values are ignored rather than failing.
    assert len(selectors.papers_for_bidding(pc_ml, edition, area="biology", sort="nonsense")) == 4


def test_withdrawn_conflicted_and_other_editions_papers_are_left_out(
    papers: list[Submission], pc_systems: Any, pc_ml: Any
) -> None:
    papers[1].state, papers[1].withdrawn_at = SubmissionState.WITHDRAWN, timezone.now()
    papers[1].save()
    Conflict.objects.create(
        submission=papers[2], user=pc_systems, reason=ConflictReason.OTHER, source=ConflictSource.PC_MEMBER
    )
    SubmissionFactory(number=1, title="Elsewhere")
    assert numbers(selectors.papers_for_bidding(pc_systems, papers[0].edition, sort="number")) == [1, 4]
    assert numbers(selectors.papers_for_bidding(pc_ml, papers[0].edition, sort="number")) == [1, 3, 4]


def test_the_list_takes_the_same_queries_for_one_and_three_papers(edition: Edition, pc_systems: Any) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            for paper in selectors.papers_for_bidding(pc_systems, edition, q="paper"):
                (paper.title, paper.keyword_list, paper.affinity, paper.bid_level, paper.get_topic_display())
        return len(queries)

    first = add_paper(edition, 1, title="Paper one", keywords="a, b")
    score(first, pc_systems, 0.5)
    one = count_queries()
    for number in (2, 3):
        paper = add_paper(edition, number, title=f"Paper {number}", keywords="c")
        score(paper, pc_systems, 0.1 * number)
        Bid.objects.create(submission=paper, user=pc_systems, level=1)
    assert count_queries() == one == 1


# --- How many bids are wanted ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("papers", "members", "max_load", "expected"),
    [
        (100, 10, None, 12),  # 100 papers x 2 reviewers / 10 members = 20, capped at the default 12
        (30, 10, None, 6),
        (31, 10, None, 7),  # rounded up
        (100, 10, 5, 5),  # the member's own maximum
        (0, 10, None, 0),
        (10, 0, None, 0),
    ],
)
def test_expected_load(edition: Edition, papers: int, members: int, max_load: int | None, expected: int) -> None:
    assert (
        selectors.expected_load(edition, area=Area.SYSTEMS, papers=papers, members_in_area=members, max_load=max_load)
        == expected
    )


def test_bids_wanted_is_twice_the_load_within_the_papers_available() -> None:
    assert selectors.bids_wanted(6, 100) == 12
    assert selectors.bids_wanted(6, 5) == 5
    assert selectors.bids_wanted(0, 5) == 0


# --- The chairs' counts -----------------------------------------------------------------------


def test_bid_counts_per_member(papers: list[Submission], pc_systems: Any, pc_ml: Any, chair: Any) -> None:
    edition = papers[0].edition
    area_chair = RoleFactory(edition=edition, kind=RoleKind.AREA_CHAIR, area=Area.ML).user
    set_profile(pc_ml, keywords="optimization")
    Bid.objects.create(submission=papers[0], user=pc_ml, level=2)
    Bid.objects.create(submission=papers[1], user=pc_ml, level=2)
    Bid.objects.create(submission=papers[2], user=pc_ml, level=-1)
    Bid.objects.create(submission=papers[3], user=pc_systems, level=0)
    withdrawn = add_paper(edition, 5, title="Withdrawn")
    Bid.objects.create(submission=withdrawn, user=pc_systems, level=2)
    withdrawn.state, withdrawn.withdrawn_at = SubmissionState.WITHDRAWN, timezone.now()
    withdrawn.save()
    Conflict.objects.create(
        submission=papers[0], user=pc_systems, reason=ConflictReason.OTHER, source=ConflictSource.PC_MEMBER
    )

    rows = {m.user.email: m for m in selectors.bid_counts_per_member(edition)}
    assert set(rows) == {pc_systems.email, pc_ml.email, area_chair.email}  # chairs do not bid
    ml = rows[pc_ml.email]
    assert ml.by_level == (2, 0, 0, 1, 0)
    assert (ml.total, ml.positive, ml.conflicts, ml.has_profile) == (3, 2, 0, True)
    # 4 active papers x 2 ML reviewers / 2 ML members = 4 to review; twice that, at most 4 papers.
    assert (ml.load, ml.wanted, ml.few) == (4, 4, True)
    systems = rows[pc_systems.email]
    assert systems.by_level == (0, 0, 1, 0, 0)  # the withdrawn paper's bid does not count
    assert (systems.conflicts, systems.has_profile) == (1, False)
    # 4 papers x 2 / 1 Systems member = 8, twice that is 16, but only 3 papers are left to bid on.
    assert (systems.load, systems.wanted, systems.few) == (8, 3, True)


def test_bid_counts_per_paper(papers: list[Submission], pc_systems: Any, pc_ml: Any) -> None:
    edition = papers[0].edition
    second_ml = RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.ML).user
    third = RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS).user
    for user, level in ((pc_systems, 2), (third, 1), (pc_ml, 1), (second_ml, 2)):
        Bid.objects.create(submission=papers[0], user=user, level=level)
    Bid.objects.create(submission=papers[1], user=pc_ml, level=-2)
    Conflict.objects.create(submission=papers[1], user=pc_systems, reason="other", source=ConflictSource.PC_MEMBER)

    rows = {p.submission.number: p for p in selectors.bid_counts_per_paper(edition)}
    assert list(rows) == [1, 2, 3, 4]
    assert rows[1].by_level == (2, 2, 0, 0, 0)
    assert rows[1].positive_by_area == {"systems": 2, "ml": 2}
    assert rows[1].few_positive is False
    assert rows[1].areas == [("Systems", 2, 2), ("ML", 2, 2)]
    assert rows[2].by_level == (0, 0, 0, 0, 1)
    assert (rows[2].positive, rows[2].conflicts, rows[2].few_positive) == (0, 1, True)


def test_chairs_counts_take_the_same_queries_for_one_and_three_papers(edition: Edition, pc_systems: Any) -> None:
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            [m.total for m in selectors.bid_counts_per_member(edition)]
            [(p.submission.title, p.total) for p in selectors.bid_counts_per_paper(edition)]
        return len(queries)

    Bid.objects.create(submission=add_paper(edition, 1, title="One"), user=pc_systems, level=1)
    one = count_queries()
    for number in (2, 3):
        Bid.objects.create(submission=add_paper(edition, number, title=f"P{number}"), user=pc_systems, level=2)
    assert count_queries() == one


def test_affinities_of_a_paper_highest_first(papers: list[Submission], pc_systems: Any, pc_ml: Any) -> None:
    set_profile(pc_systems, keywords="LLM serving")
    Affinity.objects.create(submission=papers[0], user=pc_systems, score=0.6, top_terms=[["llm serving", 0.4]])
    Affinity.objects.create(submission=papers[0], user=pc_ml, score=0.0, top_terms=[])
    Bid.objects.create(submission=papers[0], user=pc_systems, level=2)
    Conflict.objects.create(submission=papers[0], user=pc_ml, reason="other", source=ConflictSource.PC_MEMBER)
    late = RoleFactory(edition=papers[0].edition, kind=RoleKind.PC_MEMBER, area=Area.ML).user

    rows = selectors.affinities_of_paper(papers[0])
    assert [r.user for r in rows] == [pc_systems, pc_ml, late]
    assert rows[0].top_terms == [("llm serving", 0.4)]
    assert (rows[0].bid_label, rows[0].conflicted, rows[0].has_profile) == ("Very high", False, True)
    assert (rows[1].score, rows[1].conflicted, rows[1].has_profile) == (0.0, True, False)
    assert rows[2].score is None

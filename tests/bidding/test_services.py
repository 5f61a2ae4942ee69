"""Bids (to the second of the bidding phase, never on conflicted papers, "conflict" declares
one) and the affinity job (every pair stored, explained, idempotent)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bidding import services
from bidding.models import Affinity, Bid, BidLevel
from bidding.selectors import papers_for_bidding
from conferences.models import Deadline, Edition, Phase, Role
from mlsys_conf.policy import PolicyDenied
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission, SubmissionState
from tests.bidding.helpers import add_paper, demo_papers, open_bidding, set_profile

pytestmark = pytest.mark.django_db


# --- bid_set / bid_clear -----------------------------------------------------------------------


def test_a_bid_is_stored_and_changed(bidding: Edition, submission: Submission, pc_systems: Any) -> None:
    bid = services.bid_set(submission=submission, user=pc_systems, level=BidLevel.HIGH)
    assert bid is not None
    assert (bid.level, bid.user, bid.submission) == (1, pc_systems, submission)
    services.bid_set(submission=submission, user=pc_systems, level=-2)
    assert Bid.objects.get(submission=submission, user=pc_systems).level == BidLevel.VERY_LOW
    assert Bid.objects.count() == 1


def test_bidding_is_enforced_to_the_second(edition: Edition, submission: Submission, pc_ml: Any) -> None:
    closes = open_bidding(edition).closes_at
    opens = Deadline.objects.get(edition=edition, phase=Phase.PAPER_SUBMISSION).closes_at

    with pytest.raises(PolicyDenied, match="Bidding opens at"):
        services.bid_set(submission=submission, user=pc_ml, level=2, now=opens - timedelta(seconds=1))
    services.bid_set(submission=submission, user=pc_ml, level=2, now=opens)
    services.bid_set(submission=submission, user=pc_ml, level=1, now=closes - timedelta(seconds=1))
    services.bid_set(submission=submission, user=pc_ml, level=0, now=closes)
    with pytest.raises(PolicyDenied, match="The bidding deadline passed at"):
        services.bid_set(submission=submission, user=pc_ml, level=-1, now=closes + timedelta(seconds=1))
    with pytest.raises(PolicyDenied, match="The bidding deadline passed at"):
        services.bid_clear(submission=submission, user=pc_ml, now=closes + timedelta(seconds=1))
    assert Bid.objects.get(user=pc_ml).level == BidLevel.NEUTRAL


@pytest.mark.parametrize("persona", ["chair", "ae_member", "author", "outsider"])
def test_only_pc_members_and_area_chairs_bid(
    request: pytest.FixtureRequest, bidding: Edition, submission: Submission, persona: str
) -> None:
    with pytest.raises(PolicyDenied, match="Only PC members and area chairs bid"):
        services.bid_set(submission=submission, user=request.getfixturevalue(persona), level=2)
    assert not Bid.objects.exists()


def test_a_conflicted_paper_is_refused(bidding: Edition, submission: Submission, pc_systems: Any) -> None:
    Conflict.objects.create(
        submission=submission, user=pc_systems, reason=ConflictReason.ADVISOR, source=ConflictSource.AUTHOR
    )
    with pytest.raises(PolicyDenied, match="conflict of interest"):
        services.bid_set(submission=submission, user=pc_systems, level=2)
    with pytest.raises(PolicyDenied, match="conflict of interest"):
        services.bid_set(submission=submission, user=pc_systems, level=services.CONFLICT)
    assert not Bid.objects.exists()


def test_a_withdrawn_paper_is_refused(bidding: Edition, submission: Submission, pc_systems: Any) -> None:
    submission.state, submission.withdrawn_at = SubmissionState.WITHDRAWN, timezone.now()
    submission.save()
    with pytest.raises(PolicyDenied, match="withdrawn"):
        services.bid_set(submission=submission, user=pc_systems, level=1)


@pytest.mark.parametrize("level", [3, -3, 7])
def test_a_level_off_the_scale_is_refused(bidding: Edition, submission: Submission, pc_ml: Any, level: int) -> None:
    with pytest.raises(ValidationError, match="A bid is one of"):
        services.bid_set(submission=submission, user=pc_ml, level=level)
    assert not Bid.objects.exists()


def test_conflict_declares_one_removes_the_bid_and_hides_the_paper(
    bidding: Edition, submission: Submission, pc_systems: Any
) -> None:
    other = add_paper(bidding, 2, title="Another paper")
    services.bid_set(submission=submission, user=pc_systems, level=2)
    assert services.bid_set(submission=submission, user=pc_systems, level=services.CONFLICT) is None
    conflict = Conflict.objects.get(submission=submission, user=pc_systems)
    assert conflict.source == ConflictSource.PC_MEMBER
    assert conflict.reason == ConflictReason.OTHER
    assert conflict.created_by == pc_systems
    assert not Bid.objects.filter(user=pc_systems).exists()
    assert list(papers_for_bidding(pc_systems, bidding)) == [other]


def test_conflict_takes_a_reason(bidding: Edition, submission: Submission, pc_systems: Any) -> None:
    services.bid_set(submission=submission, user=pc_systems, level="conflict", reason=ConflictReason.COLLABORATOR)
    assert Conflict.objects.get(user=pc_systems).reason == ConflictReason.COLLABORATOR
    with pytest.raises(ValidationError, match="Unknown conflict reason"):
        services.bid_set(submission=add_paper(bidding, 2, title="B"), user=pc_systems, level="conflict", reason="x")


def test_clear_takes_the_bid_back(bidding: Edition, submission: Submission, pc_ml: Any, pc_systems: Any) -> None:
    services.bid_set(submission=submission, user=pc_ml, level=1)
    services.bid_set(submission=submission, user=pc_systems, level=1)
    assert services.bid_clear(submission=submission, user=pc_ml) is True
    assert services.bid_clear(submission=submission, user=pc_ml) is False
    assert list(Bid.objects.values_list("user", flat=True)) == [pc_systems.pk]


# --- affinity_compute ----------------------------------------------------------------------------


@pytest.fixture
def demo_edition(edition: Edition, pc_systems: Any, pc_ml: Any) -> Edition:
    """Eight real papers (four per half); the Systems member has published two other Systems
    papers, the ML member two other ML papers."""
    papers = demo_papers()
    systems = [p for p in papers if p["area"] == "systems"]
    ml = [p for p in papers if p["area"] == "ml"]
    for number, paper in enumerate(systems[8:12] + ml[:4], start=1):
        add_paper(
            edition,
            number,
            title=paper["title"],
            abstract=paper["abstract"],
            topic=paper["area"],
            keywords=paper["keywords"],
        )

    def publications(chosen: list[dict[str, str]]) -> str:
        return "\n\n".join(f"{p['title']}\n{p['abstract']}" for p in chosen)

    set_profile(pc_systems, keywords="Network, OS, Compilers", publications=publications(systems[12:16]))
    set_profile(pc_ml, keywords="neural networks", publications=publications(ml[4:8]))
    return edition


def test_every_pair_is_stored_with_its_explanation(demo_edition: Edition, pc_systems: Any, pc_ml: Any) -> None:
    assert services.affinity_compute(edition=demo_edition) == 16
    rows = Affinity.objects.filter(submission__edition=demo_edition)
    assert rows.count() == 16
    assert all(0 <= a.score <= 1 for a in rows)
    explained = [a for a in rows if a.score > 0]
    assert explained
    for row in explained:
        assert row.top_terms
        terms = [term for term, _ in row.top_terms]
        weights = [weight for _, weight in row.top_terms]
        assert weights == sorted(weights, reverse=True)
        text = f"{row.submission.title} {row.submission.keywords} {row.submission.abstract}".lower()
        assert all(word in text for term in terms for word in term.split())


def test_systems_member_scores_higher_on_systems_papers(demo_edition: Edition, pc_systems: Any, pc_ml: Any) -> None:
    services.affinity_compute(edition=demo_edition)

    def mean(user: Any, topic: str) -> float:
        scores = Affinity.objects.filter(user=user, submission__topic=topic).values_list("score", flat=True)
        return sum(scores) / len(scores)

    assert mean(pc_systems, "systems") > mean(pc_systems, "ml")
    assert mean(pc_ml, "ml") > mean(pc_ml, "systems")


def test_members_without_a_profile_get_zero(demo_edition: Edition, pc_systems: Any) -> None:
    set_profile(pc_systems)
    services.affinity_compute(edition=demo_edition)
    rows = Affinity.objects.filter(user=pc_systems)
    assert rows.count() == 8
    assert {a.score for a in rows} == {0.0}
    assert all(a.top_terms == [] for a in rows)


def test_compute_is_idempotent(demo_edition: Edition) -> None:
    services.affinity_compute(edition=demo_edition)
    first = {(a.submission_id, a.user_id): (a.pk, a.score, a.top_terms) for a in Affinity.objects.all()}
    services.affinity_compute(edition=demo_edition)
    again = {(a.submission_id, a.user_id): (a.pk, a.score, a.top_terms) for a in Affinity.objects.all()}
    assert again == first


def test_compute_forgets_withdrawn_papers_and_former_members(
    demo_edition: Edition, pc_systems: Any, pc_ml: Any
) -> None:
    services.affinity_compute(edition=demo_edition)
    paper = demo_edition.submissions.get(number=1)
    paper.state, paper.withdrawn_at = SubmissionState.WITHDRAWN, paper.created_at
    paper.save()
    Role.objects.filter(edition=demo_edition, user=pc_ml).delete()
    assert services.affinity_compute(edition=demo_edition) == 7
    assert set(Affinity.objects.values_list("user", flat=True)) == {pc_systems.pk}
    assert not Affinity.objects.filter(submission=paper).exists()


def test_compute_leaves_other_editions_alone(demo_edition: Edition) -> None:
    from tests.factories.committees import RoleFactory
    from tests.factories.conferences import EditionFactory

    other = EditionFactory()
    member = set_profile(RoleFactory(edition=other).user, keywords="networks")
    add_paper(other, 1, title="Networks of networks")
    services.affinity_compute(edition=other)
    services.affinity_compute(edition=demo_edition)
    assert Affinity.objects.filter(user=member).count() == 1


def test_the_request_runs_the_job_after_commit(
    demo_edition: Edition, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.affinity_compute_request(edition=demo_edition, by=chair)
    assert not Affinity.objects.exists()
    assert len(callbacks) == 1
    callbacks[0]()
    assert Affinity.objects.count() == 16

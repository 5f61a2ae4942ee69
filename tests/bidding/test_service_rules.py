"""The bidding services enforce "who may bid" and "who computes affinities" themselves, with
the policy's reason (issue 8, item 1), and log every change (item 5)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

import pytest

from actionlog.models import Action
from bidding import services
from bidding.models import Affinity, Bid, BidLevel
from bidding.policy import can_place_bids
from conferences.models import Edition
from mlsys_conf.policy import PolicyDenied
from submissions.models import Submission
from tests.bidding.helpers import open_bidding, set_profile

pytestmark = pytest.mark.django_db

NON_BIDDERS = ("chair", "ae_member", "author", "outsider")


# --- who may bid: one rule, enforced by the services ------------------------------------------


@pytest.mark.parametrize("persona", NON_BIDDERS)
@pytest.mark.parametrize("clear", [False, True], ids=["set", "clear"])
def test_only_bidders_bid(
    request: pytest.FixtureRequest, bidding: Edition, submission: Submission, persona: str, clear: bool
) -> None:
    user = request.getfixturevalue(persona)
    service = services.bid_clear if clear else partial(services.bid_set, level=BidLevel.HIGH)
    with pytest.raises(PolicyDenied) as refused:
        service(submission=submission, user=user)
    assert refused.value.verdict == can_place_bids(user, bidding)  # the policy's own answer
    assert refused.value.verdict.reason == "Only PC members and area chairs bid on papers."
    assert not Bid.objects.exists()
    assert not Action.objects.exists()


def test_nobody_bids_or_takes_a_bid_back_after_bidding_closes(
    edition: Edition, submission: Submission, pc_systems: Any
) -> None:
    closes = open_bidding(edition).closes_at
    services.bid_set(submission=submission, user=pc_systems, level=BidLevel.HIGH, now=closes)
    late = closes + timedelta(seconds=1)
    for attempt in (
        lambda: services.bid_set(submission=submission, user=pc_systems, level=BidLevel.LOW, now=late),
        lambda: services.bid_set(submission=submission, user=pc_systems, level=services.CONFLICT, now=late),
        lambda: services.bid_clear(submission=submission, user=pc_systems, now=late),
    ):
        with pytest.raises(PolicyDenied, match="The bidding deadline passed at"):
            attempt()
    assert Bid.objects.get().level == BidLevel.HIGH
    assert Action.objects.filter(action__startswith="bid.").count() == 1


@pytest.mark.parametrize("persona", ["pc_systems", "ae_member", "author", "outsider"])
def test_only_chairs_ask_for_affinities(
    request: pytest.FixtureRequest, bidding: Edition, persona: str, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as queued, pytest.raises(PolicyDenied) as refused:
        services.affinity_compute_request(edition=bidding, by=request.getfixturevalue(persona))
    assert refused.value.verdict.reason == "Only the PC chairs of this edition compute affinities."
    assert queued == []
    assert not Action.objects.exists()


# --- the log ----------------------------------------------------------------------------------


def bid_log() -> list[tuple[str, Any, int | None, dict[str, Any]]]:
    return [
        (a.action, a.actor, a.paper_id, a.changes)
        for a in Action.objects.filter(action__startswith="bid.").order_by("pk")
    ]


def test_each_bid_change_is_logged_with_its_levels(bidding: Edition, submission: Submission, pc_ml: Any) -> None:
    services.bid_set(submission=submission, user=pc_ml, level=BidLevel.HIGH)
    services.bid_set(submission=submission, user=pc_ml, level=BidLevel.HIGH)  # no change: no entry
    services.bid_set(submission=submission, user=pc_ml, level=BidLevel.VERY_LOW)
    assert services.bid_clear(submission=submission, user=pc_ml)
    assert not services.bid_clear(submission=submission, user=pc_ml)  # nothing to take back: no entry
    paper = submission.pk
    assert bid_log() == [
        ("bid.changed", pc_ml, paper, {"level": [None, 1]}),
        ("bid.changed", pc_ml, paper, {"level": [1, -2]}),
        ("bid.cleared", pc_ml, paper, {"level": [-2, None]}),
    ]


def test_a_conflict_declared_while_bidding_logs_the_bid_it_removed(
    bidding: Edition, submission: Submission, pc_ml: Any
) -> None:
    services.bid_set(submission=submission, user=pc_ml, level=BidLevel.VERY_HIGH)
    services.bid_set(submission=submission, user=pc_ml, level=services.CONFLICT)
    assert bid_log()[-1] == ("bid.cleared", pc_ml, submission.pk, {"level": [2, None]})
    assert Action.objects.filter(action="conflict.added", paper_id=submission.pk, person=pc_ml).exists()


def test_asking_for_affinities_logs_the_request_and_the_job_its_result(
    bidding: Edition, submission: Submission, chair: Any, pc_systems: Any, django_capture_on_commit_callbacks: Any
) -> None:
    set_profile(pc_systems, keywords="sparse attention kernels")
    with django_capture_on_commit_callbacks(execute=True):
        services.affinity_compute_request(edition=bidding, by=chair)
    assert Affinity.objects.filter(submission=submission, user=pc_systems).exists()
    requested, computed = Action.objects.filter(action__startswith="affinity.").order_by("pk")
    assert (requested.action, requested.actor, requested.edition) == ("affinity.requested", chair, bidding)
    assert (computed.action, computed.actor) == ("affinity.computed", None)
    assert computed.note == "1 pairs stored (1 papers x 1 members; 0 members without a profile)"

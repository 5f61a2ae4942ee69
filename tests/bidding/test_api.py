"""/api/editions/<slug>/bids/, bid-stats/ and affinity/compute/: the same policy as the pages
(403 with the reason outside the phase), a 400 for a level off the scale, double-blind."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from bidding.models import Affinity, Bid
from conferences.models import Edition
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission, SubmissionState
from tests.bidding.helpers import add_paper, set_profile

pytestmark = pytest.mark.django_db

BIDS = "/api/editions/mlsys2027/bids/"
STATS = "/api/editions/mlsys2027/bid-stats/"
COMPUTE = "/api/editions/mlsys2027/affinity/compute/"


def put(client: Any, number: int, body: Any) -> Any:
    return client.put(f"{BIDS}{number}/", body, content_type="application/json")


# --- GET bids/ ---------------------------------------------------------------------------------


def test_member_lists_papers_with_affinity_and_bid_but_no_authors(
    client: Any, bidding: Edition, submission: Submission, author: Any, pc_systems: Any
) -> None:
    second = add_paper(bidding, 2, title="Learned index structures", keywords="databases, indexes")
    Affinity.objects.create(submission=second, user=pc_systems, score=0.5)
    Bid.objects.create(submission=submission, user=pc_systems, level=-1)
    client.force_login(pc_systems)
    response = client.get(BIDS)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [(p["number"], p["affinity"], p["bid"]) for p in body["results"]] == [(2, 0.5, None), (1, None, -1)]
    assert body["results"][0]["keywords"] == ["databases", "indexes"]
    assert set(body["results"][0]) == {"number", "title", "abstract", "topic", "keywords", "affinity", "bid"}
    text = response.content.decode()
    for hidden in (author.display_name, author.email, "Co Author", "coauthor@example.org", "Hidden Author"):
        assert hidden not in text


def test_list_filters_by_query_parameters(client: Any, bidding: Edition, pc_ml: Any) -> None:
    add_paper(bidding, 1, title="Paged attention", topic="both", keywords="KV cache")
    add_paper(bidding, 2, title="Congestion control", topic="systems", keywords="Network")
    client.force_login(pc_ml)
    assert [p["number"] for p in client.get(BIDS, {"q": "congestion"}).json()["results"]] == [2]
    assert [p["number"] for p in client.get(BIDS, {"area": "ml"}).json()["results"]] == [1]
    assert client.get(BIDS, {"area": "biology"}).status_code == 400


def test_the_list_is_open_outside_the_phase(client: Any, edition: Edition, submission: Submission, pc_ml: Any) -> None:
    client.force_login(pc_ml)
    assert client.get(BIDS).json()["count"] == 1


@pytest.mark.parametrize("persona", ["chair", "author", "ae_member", "outsider"])
def test_others_are_refused_the_list(
    request: pytest.FixtureRequest, client: Any, bidding: Edition, submission: Submission, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(BIDS)
    assert response.status_code == 403
    assert response.json()["detail"] == "The bidding page is for the PC members and area chairs of this edition."
    assert put(client, 1, {"level": 2}).status_code == 403
    assert not Bid.objects.exists()


def test_anonymous_callers_are_refused(client: Any, bidding: Edition, submission: Submission) -> None:
    assert client.get(BIDS).status_code in (401, 403)
    assert put(client, 1, {"level": 2}).status_code in (401, 403)


# --- PUT / DELETE bids/<number>/ ----------------------------------------------------------------


def test_put_and_delete_a_bid(client: Any, bidding: Edition, submission: Submission, pc_systems: Any) -> None:
    client.force_login(pc_systems)
    response = put(client, 1, {"level": 2})
    assert response.status_code == 200
    assert response.json() == {"number": 1, "level": 2, "conflict": False}
    assert put(client, 1, {"level": "-1"}).json()["level"] == -1
    assert Bid.objects.get(user=pc_systems, submission=submission).level == -1
    assert client.get(f"{BIDS}1/").json()["bid"] == -1

    assert client.delete(f"{BIDS}1/").status_code == 204
    assert not Bid.objects.exists()
    assert client.delete(f"{BIDS}1/").status_code == 204


@pytest.mark.parametrize("level", [3, -3, "high", "", None, True, 1.5, [1]])
def test_a_level_off_the_scale_is_a_400(
    client: Any, bidding: Edition, submission: Submission, pc_ml: Any, level: Any
) -> None:
    client.force_login(pc_ml)
    response = put(client, 1, {"level": level})
    assert response.status_code == 400
    assert "level" in response.json()
    assert not Bid.objects.exists()


def test_a_missing_level_is_a_400(client: Any, bidding: Edition, submission: Submission, pc_ml: Any) -> None:
    client.force_login(pc_ml)
    assert put(client, 1, {}).status_code == 400


def test_outside_the_phase_a_put_is_a_403_with_the_reason(
    client: Any, edition: Edition, submission: Submission, pc_ml: Any
) -> None:
    client.force_login(pc_ml)
    response = put(client, 1, {"level": 1})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Bidding opens at ")
    assert client.delete(f"{BIDS}1/").status_code == 403
    assert not Bid.objects.exists()


def test_conflict_through_the_api(client: Any, bidding: Edition, submission: Submission, pc_ml: Any) -> None:
    Bid.objects.create(submission=submission, user=pc_ml, level=2)
    client.force_login(pc_ml)
    response = put(client, 1, {"level": "conflict", "reason": "collaborator"})
    assert response.status_code == 200
    assert response.json() == {"number": 1, "level": None, "conflict": True}
    conflict = Conflict.objects.get(user=pc_ml, submission=submission)
    assert (conflict.source, conflict.reason) == (ConflictSource.PC_MEMBER, ConflictReason.COLLABORATOR)
    assert not Bid.objects.exists()
    assert client.get(BIDS).json()["count"] == 0
    assert client.get(f"{BIDS}1/").status_code == 404
    again = put(client, 1, {"level": 1})
    assert again.status_code == 404  # gone from the member's list: as if there were no paper 1
    assert again.json() == put(client, 99, {"level": 1}).json() == {"detail": "Not found."}


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_a_conflicted_paper_answers_like_a_missing_one(
    client: Any, bidding: Edition, submission: Submission, pc_ml: Any, method: str
) -> None:
    """A conflict the member did not declare (the authors', or found automatically) is not
    told by the answer: the paper is simply not in their list."""
    Conflict.objects.create(
        user=pc_ml, submission=submission, source=ConflictSource.AUTOMATIC, reason=ConflictReason.AFFILIATION
    )
    client.force_login(pc_ml)
    ask = getattr(client, method)
    conflicted = ask(f"{BIDS}1/", {"level": 1}, content_type="application/json")
    missing = ask(f"{BIDS}99/", {"level": 1}, content_type="application/json")
    assert conflicted.status_code == missing.status_code == 404
    assert conflicted["Content-Type"] == missing["Content-Type"]
    assert conflicted.content == missing.content
    assert not Bid.objects.exists()


def test_unknown_or_withdrawn_papers_are_a_404(
    client: Any, bidding: Edition, submission: Submission, pc_ml: Any
) -> None:
    client.force_login(pc_ml)
    assert put(client, 99, {"level": 1}).status_code == 404
    submission.state, submission.withdrawn_at = SubmissionState.WITHDRAWN, submission.created_at
    submission.save()
    assert put(client, 1, {"level": 1}).status_code == 404


# --- Chairs: bid-stats/ and affinity/compute/ ---------------------------------------------------


def test_chair_reads_the_bid_statistics(
    client: Any, bidding: Edition, submission: Submission, chair: Any, pc_systems: Any, pc_ml: Any
) -> None:
    Bid.objects.create(submission=submission, user=pc_systems, level=2)
    Bid.objects.create(submission=submission, user=pc_ml, level=1)
    client.force_login(chair)
    response = client.get(STATS)
    assert response.status_code == 200
    body = response.json()
    members = {m["email"]: m for m in body["members"]}
    assert set(members) == {"sys@example.org", "ml@example.org"}
    assert members["sys@example.org"]["bids"] == {"very_high": 1, "high": 0, "neutral": 0, "low": 0, "very_low": 0}
    assert members["sys@example.org"]["area"] == "systems"
    assert members["ml@example.org"]["has_profile"] is False
    assert members["ml@example.org"]["wanted"] == 1
    assert members["ml@example.org"]["few"] is False
    [paper] = body["papers"]
    assert (paper["number"], paper["total"], paper["positive_systems"], paper["positive_ml"]) == (1, 2, 1, 1)
    assert paper["few_positive"] is True
    assert "authors" not in paper


@pytest.mark.parametrize("persona", ["pc_systems", "pc_ml", "author", "outsider"])
def test_others_are_refused_the_chairs_endpoints(
    request: pytest.FixtureRequest, client: Any, bidding: Edition, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(STATS)
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the PC chairs of this edition see the bids of the PC."
    response = client.post(COMPUTE)
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the PC chairs of this edition compute affinities."


def test_chair_starts_the_affinity_job(
    client: Any,
    bidding: Edition,
    submission: Submission,
    chair: Any,
    pc_systems: Any,
    pc_ml: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    set_profile(pc_systems, keywords="sparse attention")
    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(COMPUTE)
    assert response.status_code == 202
    assert Affinity.objects.filter(submission=submission).count() == 2
    assert Affinity.objects.get(user=pc_systems).score > 0
    assert Affinity.objects.get(user=pc_ml).score == 0


# --- The OpenAPI schema -----------------------------------------------------------------------


def test_bidding_is_in_the_schema(client: Any) -> None:
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]
    assert set(paths["/api/editions/{edition_slug}/bids/{number}/"]) >= {"get", "put", "delete"}
    assert "get" in paths["/api/editions/{edition_slug}/bids/"]
    assert "get" in paths["/api/editions/{edition_slug}/bid-stats/"]
    assert "post" in paths["/api/editions/{edition_slug}/affinity/compute/"]
    level = schema["components"]["schemas"]["BidInputRequest"]["properties"]["level"]
    assert level["oneOf"] == [
        {"type": "integer", "enum": [-2, -1, 0, 1, 2]},
        {"type": "string", "enum": ["conflict"]},
    ]

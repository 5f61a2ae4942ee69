"""The pages and API of AE bidding and evaluator assignment: an AE member bids from their page
and through the API; the AE chair sets evaluators per artifact, runs, reads the proposal,
commits; authors and evaluators never reach the chairs' routes."""

from __future__ import annotations

from typing import Any

import pytest

from artifacts.models import Artifact, ArtifactBid
from assignments.models import Assignment, AssignmentKind
from bidding.models import Bid, BidLevel
from conferences.models import Edition
from tests.artifacts.test_aebid_services import make_artifact, member
from tests.personas import client_for

pytestmark = pytest.mark.django_db


def _api(edition: Edition, rest: str) -> str:
    return f"/api/editions/{edition.slug}/artifacts/{rest}"


@pytest.fixture
def gpu_artifact(edition: Edition) -> Artifact:
    return make_artifact(edition, 1, "8 x A100, 80 GB each")


def test_an_ae_member_bids_from_their_page(edition: Edition, ae_member: Any, gpu_artifact: Artifact) -> None:
    client = client_for(ae_member)
    url = f"/{edition.slug}/artifacts/bidding/"
    page = client.get(url).content.decode()
    assert 'data-number="1"' in page
    assert "8 GPUs" in page
    assert client.post(url, {"number": "1", "level": "9"}).status_code == 400
    assert client.post(url, {"number": "1", "level": str(BidLevel.HIGH)}).status_code == 302
    assert ArtifactBid.objects.get(artifact=gpu_artifact, user=ae_member).level == BidLevel.HIGH
    assert not Bid.objects.exists()  # the PC's bids are untouched
    assert client.post(url, {"number": "1", "level": ""}).status_code == 302
    assert not ArtifactBid.objects.exists()
    assert client.post(url, {"number": "99", "level": "1"}).status_code == 404


def test_an_ae_member_bids_through_the_api(edition: Edition, ae_member: Any, gpu_artifact: Artifact) -> None:
    client = client_for(ae_member)
    bid = client.put(_api(edition, "1/bid/"), {"level": 2}, content_type="application/json")
    assert bid.status_code == 200
    assert bid.json()["level"] == 2
    assert bid.json()["gpus_needed"] == 8
    assert client.get(_api(edition, "bids/")).json() == [bid.json()]
    assert client.put(_api(edition, "1/bid/"), {"level": 7}, content_type="application/json").status_code == 400
    withdrawn = client.put(_api(edition, "1/bid/"), {"level": None}, content_type="application/json")
    assert withdrawn.json()["level"] is None
    assert not ArtifactBid.objects.exists()


def test_bidding_is_for_the_ae_committee_only(
    edition: Edition, author: Any, chair: Any, gpu_artifact: Artifact
) -> None:
    for user in (author, chair):
        client = client_for(user)
        assert client.get(f"/{edition.slug}/artifacts/bidding/").status_code == 403
        assert client.get(_api(edition, "bids/")).status_code == 403


def test_the_ae_chair_runs_reads_and_commits_from_the_page(
    edition: Edition, ae_chair: Any, gpu_artifact: Artifact, django_capture_on_commit_callbacks: Any
) -> None:
    big = member(edition, "big", gpus=8, gpu_type="A100")
    member(edition, "none")
    client = client_for(ae_chair)
    url = f"/{edition.slug}/artifacts/assignment/"
    assert client.post(url, {"min_evaluators": "0", "max_load": "0"}).status_code == 400
    assert client.post(url, {"min_evaluators": "1", "max_load": "0"}).status_code == 302
    assert client.post(url + "run/").status_code == 302
    page = client.get(url).content.decode()
    assert "big@ae.example" in page or big.display_name in page
    assert "Commit 1 draft" in page
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url + "commit/").status_code == 302
    assignment = Assignment.objects.get(kind=AssignmentKind.ARTIFACT)
    assert (assignment.user, assignment.is_committed) == (big, True)
    assert "ssh eval@host1.example" in client_for(big).get(f"/{edition.slug}/artifacts/1/").content.decode()


def test_an_infeasible_run_says_why(edition: Edition, ae_chair: Any, gpu_artifact: Artifact) -> None:
    member(edition, "none")
    client = client_for(ae_chair)
    page = client.post(f"/{edition.slug}/artifacts/assignment/run/", follow=True).content.decode()
    assert "No assignment possible" in page
    assert "the artifact of #1" in page
    api = client.post(_api(edition, "assignment/run/"))
    assert api.status_code == 400


def test_the_ae_chair_works_through_the_api(
    edition: Edition, ae_chair: Any, gpu_artifact: Artifact, django_capture_on_commit_callbacks: Any
) -> None:
    evaluators = {member(edition, f"m{i}", gpus=8).pk for i in range(3)}
    client = client_for(ae_chair)
    body = {"min_evaluators": 2, "max_load": 0}
    settings = client.put(_api(edition, "assignment/settings/"), body, content_type="application/json")
    assert settings.json() == {"min_evaluators": 2, "max_load": 0}
    run = client.post(_api(edition, "assignment/run/"))
    assert run.status_code == 200
    assert run.json()["drafts"] == 2
    proposal = client.get(_api(edition, "assignment/")).json()
    (row,) = proposal["artifacts"]
    assert row["number"] == 1
    assert row["gpus_needed"] == 8
    assert {e["user"] for e in row["evaluators"]} < evaluators
    assert {e["is_committed"] for e in row["evaluators"]} == {False}
    first = row["evaluators"][0]["assignment"]
    assert client.delete(_api(edition, f"assignment/{first}/")).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(_api(edition, "assignment/commit/")).json() == {"committed": 1}
    assert Assignment.objects.get(kind=AssignmentKind.ARTIFACT).is_committed


def test_the_chairs_routes_refuse_members_authors_and_the_pc_chair(
    edition: Edition, ae_member: Any, author: Any, chair: Any, gpu_artifact: Artifact
) -> None:
    for user in (ae_member, author, chair):
        client = client_for(user)
        assert client.get(f"/{edition.slug}/artifacts/assignment/").status_code == 403
        assert client.post(f"/{edition.slug}/artifacts/assignment/run/").status_code == 403
        assert client.get(_api(edition, "assignment/")).status_code == 403
        assert client.post(_api(edition, "assignment/commit/")).status_code == 403
    assert not Assignment.objects.exists()


def test_the_edition_page_links_to_bidding_and_assignment(edition: Edition, ae_member: Any, ae_chair: Any) -> None:
    member_page = client_for(ae_member).get(f"/{edition.slug}/").content.decode()
    assert f"/{edition.slug}/artifacts/bidding/" in member_page
    assert f"/{edition.slug}/artifacts/assignment/" not in member_page
    chair_page = client_for(ae_chair).get(f"/{edition.slug}/").content.decode()
    assert f"/{edition.slug}/artifacts/assignment/" in chair_page
    assert f"/{edition.slug}/artifacts/bidding/" not in chair_page

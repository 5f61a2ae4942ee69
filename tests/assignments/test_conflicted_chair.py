"""Conflicts apply to chairs too (issue 7, item 4): a chair conflicted with a paper (their own,
most often) sees none of its reviewers, bids or affinities and cannot assign it; a second
chair does. The chairs' pages recompute automatic conflicts when they open."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from assignments import services
from assignments.models import Assignment
from bidding.models import Bid
from conferences.models import Area
from conferences.roles import RoleKind
from submissions.models import Conflict, ConflictReason, Submission
from tests.factories.committees import RoleFactory

pytestmark = pytest.mark.django_db

API = "/api/editions/mlsys2027"


@pytest.fixture
def second_chair(edition: Any) -> Any:
    return RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair2@example.org").user


@pytest.fixture
def own_paper(papers: list[Submission], chair: Any) -> Submission:
    """The chair is an author of paper 1: the page recomputes conflicts and finds it."""
    papers[0].authors.update(email=chair.email)
    return papers[0]


@pytest.fixture
def drafts(edition: Any, pc: Any, papers: Any, second_chair: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.run_start(edition=edition, by=second_chair, bid_weight=0)
    assert Assignment.objects.filter(submission=papers[0]).count() == 4
    Bid.objects.create(submission=papers[0], user=pc[Area.ML][0], level=2)


def test_opening_the_assignment_page_finds_the_chairs_own_paper_at_once(
    client: Any, edition: Any, own_paper: Submission, chair: Any, drafts: None
) -> None:
    assert not Conflict.objects.filter(user=chair).exists()  # no job has run since the authors changed
    client.force_login(chair)
    page = client.get(reverse("assignments:dashboard", kwargs={"edition_slug": edition.slug})).content.decode()
    assert Conflict.objects.get(user=chair, submission=own_paper).reason == ConflictReason.AUTHOR
    assert 'data-paper="1"' not in page
    assert 'data-paper="2"' in page
    assert "You are conflicted with 1 paper" in page
    rows = client.get(f"{API}/assignments/").json()["results"]
    assert {row["number"] for row in rows} == {2, 3}


def test_the_second_chair_sees_the_paper(
    client: Any, edition: Any, own_paper: Submission, chair: Any, second_chair: Any, drafts: None
) -> None:
    client.force_login(second_chair)
    page = client.get(reverse("assignments:dashboard", kwargs={"edition_slug": edition.slug})).content.decode()
    assert 'data-paper="1"' in page
    assert {row["number"] for row in client.get(f"{API}/assignments/").json()["results"]} == {1, 2, 3}


def test_a_conflicted_chair_cannot_assign_remove_or_swap_the_paper(
    client: Any, edition: Any, pc: Any, own_paper: Submission, chair: Any, drafts: None
) -> None:
    client.force_login(chair)
    client.get(reverse("assignments:dashboard", kwargs={"edition_slug": edition.slug}))  # finds the conflict
    on_paper_1 = Assignment.objects.filter(submission=own_paper).first()
    elsewhere = Assignment.objects.exclude(submission=own_paper).first()
    assert on_paper_1 is not None
    assert elsewhere is not None
    free = next(m for m in pc[Area.ML] if not Assignment.objects.filter(submission=own_paper, user=m).exists())
    response = client.post(f"{API}/assignments/", {"number": 1, "user": free.pk}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "You have a conflict of interest with #1; another chair handles it."
    remove = reverse("assignments:remove", kwargs={"edition_slug": edition.slug, "assignment_id": on_paper_1.pk})
    assert client.post(remove).status_code == 404  # the paper's assignments do not exist for this chair
    assert client.delete(f"{API}/assignments/{on_paper_1.pk}/").status_code == 404
    swap = reverse("assignments:swap", kwargs={"edition_slug": edition.slug})
    assert client.post(swap, {"first": on_paper_1.pk, "second": elsewhere.pk}).status_code == 404
    assert Assignment.objects.filter(pk__in=[on_paper_1.pk, elsewhere.pk]).count() == 2
    assert not Assignment.objects.filter(submission=own_paper, user=free).exists()


def test_a_conflicted_chairs_commit_leaves_the_paper_to_the_second_chair(
    client: Any, edition: Any, own_paper: Submission, chair: Any, second_chair: Any, drafts: None
) -> None:
    client.force_login(chair)
    client.get(reverse("assignments:dashboard", kwargs={"edition_slug": edition.slug}))
    assert client.post(f"{API}/assignments/commit/").json() == {"committed": 8}
    assert not Assignment.objects.filter(submission=own_paper, is_committed=True).exists()
    client.force_login(second_chair)
    assert client.post(f"{API}/assignments/commit/").json() == {"committed": 4}


def test_a_conflicted_chair_sees_no_bids_affinities_or_conflicts_of_the_paper(
    client: Any, edition: Any, own_paper: Submission, chair: Any, second_chair: Any, drafts: None
) -> None:
    client.force_login(chair)
    stats = client.get(reverse("bidding:stats", kwargs={"edition_slug": edition.slug})).content.decode()
    assert 'data-number="1"' not in stats
    assert 'data-number="2"' in stats
    assert [p["number"] for p in client.get(f"{API}/bid-stats/").json()["papers"]] == [2, 3]
    assert sum(m["total"] for m in client.get(f"{API}/bid-stats/").json()["members"]) == 0  # the one bid is on #1
    explain = client.get(reverse("bidding:explain", kwargs={"edition_slug": edition.slug, "number": 1}))
    assert explain.status_code == 404
    client.force_login(second_chair)
    assert [p["number"] for p in client.get(f"{API}/bid-stats/").json()["papers"]] == [1, 2, 3]
    assert client.get(reverse("bidding:explain", kwargs={"edition_slug": edition.slug, "number": 1})).status_code == 200


def test_a_chair_the_authors_declared_conflicted_cannot_see_or_change_the_papers_conflicts(
    client: Any, edition: Any, submission: Submission, author: Any, chair: Any, second_chair: Any, pc_ml: Any
) -> None:
    client.force_login(author)
    body = [{"user": chair.pk, "reason": "advisor"}]
    assert client.put(f"{API}/submissions/1/conflicts/", body, content_type="application/json").status_code == 200
    client.force_login(chair)
    conflicts = reverse("submissions:conflicts", kwargs={"edition_slug": edition.slug, "number": 1})
    assert client.get(conflicts).status_code == 403
    assert client.post(conflicts, {"conflict": [str(pc_ml.pk)]}).status_code == 403
    assert client.get(f"{API}/submissions/1/conflicts/").status_code == 403
    assert list(submission.conflicts.values_list("user_id", flat=True)) == [chair.pk]
    client.force_login(second_chair)
    assert client.get(conflicts).status_code == 200

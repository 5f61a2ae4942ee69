"""The chairs' assignment page and API: only chairs, and the same actions as the services."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from assignments.models import Assignment, AssignmentRun
from assignments.solver import load_instance, solve
from conferences.models import Area
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db


def signed_in(client: Any, user: Any) -> Any:
    client.login(email=user.email, password=PASSWORD)
    return client


def test_dashboard_is_for_chairs_only(client: Any, edition: Any, pc: Any, papers: Any, chair: Any) -> None:
    url = reverse("assignments:dashboard", kwargs={"edition_slug": edition.slug})
    response = signed_in(client, pc[Area.ML][0]).get(url)
    assert response.status_code == 403
    assert "Only the PC chairs assign papers" in response.content.decode()
    client.logout()
    assert signed_in(client, chair).get(url).status_code == 200


def test_run_add_remove_and_commit_from_the_page(
    client: Any, edition: Any, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    signed_in(client, chair)
    kwargs = {"edition_slug": edition.slug}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:run", kwargs=kwargs), {"bid_weight": "0.25"})
    page = client.get(reverse("assignments:dashboard", kwargs=kwargs)).content.decode()
    assert "proven optimal" in page
    assert "12 draft" in page
    first = Assignment.objects.order_by("pk").first()
    response = client.post(reverse("assignments:remove", kwargs={**kwargs, "assignment_id": first.pk}), follow=True)
    assert "needs 2" in response.content.decode()  # the balance warning after removing
    response = client.post(
        reverse("assignments:add", kwargs=kwargs),
        {"number": first.submission.number, "user": first.user_id},
        follow=True,
    )
    assert "Assigned #" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:commit", kwargs=kwargs), {"confirmed": "yes"})
    assert Assignment.objects.filter(is_committed=True).count() == 12


def test_bad_bid_weight_is_a_message_not_an_error(client: Any, edition: Any, chair: Any) -> None:
    signed_in(client, chair)
    response = client.post(
        reverse("assignments:run", kwargs={"edition_slug": edition.slug}), {"bid_weight": "lots"}, follow=True
    )
    assert response.status_code == 200
    assert "between 0 and 10" in response.content.decode()
    assert not AssignmentRun.objects.exists()


def test_api_runs_and_assignments(
    client: Any, edition: Any, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    base = f"/api/editions/{edition.slug}"
    signed_in(client, pc[Area.SYSTEMS][0])
    denied = client.post(f"{base}/assignment-runs/", {}, content_type="application/json")
    assert denied.status_code == 403
    assert "Only the PC chairs" in denied.json()["detail"]
    client.logout()
    signed_in(client, chair)
    with django_capture_on_commit_callbacks(execute=True):
        created = client.post(f"{base}/assignment-runs/", {"fair": True}, content_type="application/json")
    assert created.status_code == 201
    run = client.get(f"{base}/assignment-runs/{created.json()['id']}/").json()
    assert (run["status"], run["progress"], run["proven_optimal"]) == ("done", 100, True)
    listed = client.get(f"{base}/assignments/").json()
    assert listed["count"] == 12
    one = listed["results"][0]
    assert client.delete(f"{base}/assignments/{one['id']}/").status_code == 204
    added = client.post(
        f"{base}/assignments/", {"number": one["number"], "user": one["user"]}, content_type="application/json"
    )
    assert added.status_code == 201
    assert added.json()["warnings"] == []
    again = client.post(
        f"{base}/assignments/", {"number": one["number"], "user": one["user"]}, content_type="application/json"
    )
    assert again.status_code == 400
    assert "already reviews" in str(again.json())
    assert client.post(f"{base}/assignments/commit/").json() == {"committed": 12}


def test_export_instance_round_trips_through_the_solver(edition: Any, pc: Any, papers: Any, tmp_path: Path) -> None:
    out = tmp_path / "edition.npz"
    call_command("export_instance", edition.slug, str(out))
    problem = load_instance(out)
    assert problem.affinity.shape == (3, 6)
    assert problem.systems_per_paper == edition.systems_reviewers_per_paper
    assert list(problem.max_loads) == [2] * 6
    with np.load(out) as arrays:
        assert arrays["bids"].shape == (3, 6)
    assert solve(problem).objective == pytest.approx(6.0)
    with out.with_suffix(".key.csv").open() as key:
        rows = list(csv.DictReader(key))
    assert [r["label"] for r in rows if r["kind"] == "paper"] == ["#1", "#2", "#3"]
    with pytest.raises(CommandError, match="No edition"):
        call_command("export_instance", "nope", str(out))


def test_a_pc_member_lists_their_committed_papers_without_authors(
    client: Any, edition: Any, pc: Any, papers: Any, chair: Any, outsider: Any
) -> None:
    member = pc[Area.ML][0]
    Assignment.objects.create(submission=papers[0], user=member, source="manual", is_committed=True)
    Assignment.objects.create(submission=papers[1], user=member, source="solver")  # a draft
    url = f"/api/editions/{edition.slug}/papers-to-review/"

    body = signed_in(client, member).get(url).json()

    assert [p["number"] for p in body["results"]] == [papers[0].number]
    assert set(body["results"][0]) == {"number", "title", "abstract", "topic", "keywords"}
    client.logout()
    refused = signed_in(client, outsider).get(url)
    assert refused.status_code == 403
    assert "Only the PC of this edition" in refused.json()["detail"]


def test_the_page_asks_as_many_queries_for_one_assigned_paper_as_for_three(
    client: Any, edition: Any, pc: Any, papers: Any, chair: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("assignments:dashboard", kwargs={"edition_slug": edition.slug})
    signed_in(client, chair)

    def queries_with(assigned: list[Any]) -> int:
        Assignment.objects.all().delete()
        for paper in assigned:
            for members in pc.values():
                Assignment.objects.create(submission=paper, user=members[0], source="manual")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries_with(papers[:1]) == queries_with(papers)

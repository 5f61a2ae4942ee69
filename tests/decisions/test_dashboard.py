"""The chairs' decision dashboard: who gets in, what a conflicted chair sees, sorting, filters
and the search box, the bulk form, exports and the API, and a query count that does not grow
with the number of papers."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conferences.models import Edition, ReleaseKind
from conferences.releases import release_now
from decisions.dashboard import Filters, PaperRow, dashboard_rows, paper_rows
from decisions.models import Decision
from decisions.services import categories_of, decision_set, tag_add
from submissions.models import Submission, SubmissionState
from tests.factories.reviews import assign, write_review
from tests.factories.submissions import AuthorFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(edition: Edition, name: str = "decisions:dashboard") -> str:
    return reverse(name, args=[edition.slug])


def numbers(rows: list[PaperRow]) -> list[int]:
    return [row.number for row in rows]


def rows_for(user: Any, edition: Edition, **filters: Any) -> list[int]:
    return numbers(dashboard_rows(user, edition, Filters(**filters))[0])


def test_only_chairs_open_the_dashboard(
    edition: Edition, chair: Any, pc_systems: Any, author: Any, decided_papers: list
) -> None:
    assert client_for(chair).get(url(edition)).status_code == 200
    for user in (pc_systems, author):
        assert client_for(user).get(url(edition)).status_code == 403
    assert client_for(pc_systems).get(url(edition, "decisions:export_csv")).status_code == 403


def test_rows_have_scores_mean_calibrated_spread_and_completion(
    edition: Edition, chair: Any, decided_papers: list
) -> None:
    rows = {row.number: row for row in paper_rows(chair, edition)}
    assert [cell.score for cell in rows[2].scores] == [2, 5]
    assert rows[2].mean == 3.5
    assert rows[2].spread == 3
    assert rows[2].high_disagreement
    assert rows[1].spread == 1
    assert not rows[1].high_disagreement
    assert rows[1].calibrated is not None
    assert rows[1].completion == "2/2"
    assert all("(" in cell.reviewer for cell in rows[1].scores)  # "Name (Reviewer A (Systems))"


def test_a_conflicted_chair_never_sees_the_paper(edition: Edition, conflicted_chair: Any, decided_papers: list) -> None:
    assert rows_for(conflicted_chair, edition) == [2, 3]
    page = client_for(conflicted_chair).get(url(edition)).content.decode()
    assert "Paper 1 on sparse kernels" not in page
    assert "Paper 2" in page
    exported = client_for(conflicted_chair).get(url(edition, "decisions:export_json")).json()
    assert [p["number"] for p in exported["papers"]] == [2, 3]
    api = client_for(conflicted_chair)
    assert api.get(f"/api/editions/{edition.slug}/decisions/papers/1/").status_code == 404
    assert api.get(f"/api/editions/{edition.slug}/decisions/papers/2/").status_code == 200


def test_sort_by_any_column(edition: Edition, chair: Any, decided_papers: list) -> None:
    assert rows_for(chair, edition, sort="mean") == [3, 2, 1]
    assert rows_for(chair, edition, sort="-mean") == [1, 2, 3]
    assert rows_for(chair, edition, sort="-spread") == [2, 1, 3]
    page = client_for(chair).get(url(edition), {"sort": "-mean"}).content.decode()
    assert page.index("Paper 1 on") < page.index("Paper 2 on") < page.index("Paper 3 on")
    page = client_for(chair).get(url(edition), {"sort": "mean"}).content.decode()
    assert page.index("Paper 3 on") < page.index("Paper 2 on") < page.index("Paper 1 on")


def test_filters_and_search(edition: Edition, chair: Any, decided_papers: list) -> None:
    reject = next(c for c in categories_of(edition) if c.name == "Reject")
    decision_set(by=chair, submission=decided_papers[2], category=reject)
    tag_add(by=chair, submission=decided_papers[1], name="borderline")
    assert rows_for(chair, edition, q="mean>=3.5") == [1, 2]
    assert rows_for(chair, edition, q="mean>=3.5 spread>=3") == [2]
    assert rows_for(chair, edition, q="score=1") == [3]
    assert rows_for(chair, edition, q="tag:borderline") == [2]
    assert rows_for(chair, edition, q="borderline") == [2]
    assert rows_for(chair, edition, q="sparse") == [1]
    assert rows_for(chair, edition, q='"on compilers" #3') == [3]
    assert rows_for(chair, edition, q="author:quixotewright") == [1]
    assert rows_for(chair, edition, q="area:ml") == [2]
    assert rows_for(chair, edition, q="decision:pending") == [3]
    assert rows_for(chair, edition, q="decision:none") == [1, 2]
    assert rows_for(chair, edition, decision=str(reject.pk)) == [3]
    assert rows_for(chair, edition, area="systems") == [1, 3]
    assert rows_for(chair, edition, tag="borderline") == [2]
    assert rows_for(chair, edition, disagreement=True) == [2]
    page = client_for(chair).get(url(edition), {"q": "tag:borderline"}).content.decode()
    assert "Paper 2 on" in page
    assert "Paper 1 on" not in page


def test_the_bulk_form_records_a_decision_for_the_selected_papers(
    edition: Edition, chair: Any, decided_papers: list
) -> None:
    poster = next(c for c in categories_of(edition) if c.name == "Accept (poster)")
    response = client_for(chair).post(
        url(edition, "decisions:bulk"), {"papers": ["1", "2"], "category": poster.pk, "action": "decide"}
    )
    assert response.status_code == 302
    assert set(Decision.objects.values_list("submission__number", flat=True)) == {1, 2}
    page = client_for(chair).get(url(edition), {"decision": "pending"}).content.decode()
    assert "pending" in page
    assert "Paper 3 on" not in page


def test_the_bulk_form_by_a_conflicted_chair_records_nothing(
    edition: Edition, conflicted_chair: Any, decided_papers: list
) -> None:
    poster = next(c for c in categories_of(edition) if c.name == "Accept (poster)")
    response = client_for(conflicted_chair).post(
        url(edition, "decisions:bulk"), {"papers": ["1", "2"], "category": poster.pk, "action": "decide"}, follow=True
    )
    assert "#1 is not one of the papers you decide" in response.content.decode()
    assert not Decision.objects.exists()


def test_exports(edition: Edition, chair: Any, decided_papers: list) -> None:
    reject = next(c for c in categories_of(edition) if c.name == "Reject")
    decision_set(by=chair, submission=decided_papers[2], category=reject)
    response = client_for(chair).get(url(edition, "decisions:export_csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["number"] for r in rows] == ["1", "2", "3"]
    assert rows[2]["decision"] == "Reject"
    assert rows[2]["decision_released"] == "no"
    assert rows[1]["mean"] == "3.5"
    assert rows[1]["spread"] == "3.0"
    data = json.loads(client_for(chair).get(url(edition, "decisions:export_json")).content)
    assert [s["score"] for s in data["papers"][1]["scores"]] == [2.0, 5.0]
    api = client_for(chair).get(f"/api/editions/{edition.slug}/decisions/export/").json()
    assert api == data


def test_the_api_lists_sets_and_bulk_sets(edition: Edition, chair: Any, pc_systems: Any, decided_papers: list) -> None:
    api = client_for(chair)
    base = f"/api/editions/{edition.slug}/decisions/"
    categories = api.get(f"{base}categories/").json()
    oral = next(c["id"] for c in categories if c["name"] == "Accept (oral)")
    listed = api.get(base, {"q": "mean>=3.5", "sort": "-mean"}).json()
    assert [r["number"] for r in listed] == [1, 2]
    put = api.put(f"{base}papers/1/", {"category": oral, "note": "best"}, content_type="application/json")
    assert put.status_code == 200
    assert put.json()["decision"] == "Accept (oral)"
    assert put.json()["is_pending"]
    bulk = api.post(f"{base}bulk/", {"papers": [2, 3], "category": oral}, content_type="application/json")
    assert bulk.status_code == 200
    assert bulk.json()["decided"] == [2, 3]
    refused = api.post(f"{base}bulk/", {"papers": [2, 99], "category": oral}, content_type="application/json")
    assert refused.status_code == 400
    assert "#99" in json.dumps(refused.json())
    tagged = api.post(f"{base}papers/2/tags/", {"name": "discuss"}, content_type="application/json")
    assert tagged.status_code == 201
    assert tagged.json()["tags"] == ["discuss"]
    assert api.get(f"{base}tags/").json() == [{"name": "discuss"}]
    assert api.delete(f"{base}papers/2/tags/discuss/").status_code == 204
    order = api.put(f"{base}order/", {"papers": [3, 1]}, content_type="application/json")
    assert order.json() == {"papers": [3, 1]}
    assert api.get(f"{base}order/").json() == {"papers": [3, 1]}
    assert client_for(pc_systems).get(base).status_code == 403


# --- The query count ------------------------------------------------------------------------


def _queries(client: Client, address: str) -> list[str]:
    client.get(address)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return [q["sql"] for q in captured.captured_queries]


def test_the_dashboard_costs_the_same_queries_at_10_and_200_papers(
    edition: Edition, chair: Any, pc_systems: Any, pc_ml: Any, decided_papers: list
) -> None:
    made = len(decided_papers)
    reject = next(c for c in categories_of(edition) if c.name == "Reject")

    def grow(count: int) -> None:
        nonlocal made
        for _ in range(count):
            made += 1
            paper: Any = SubmissionFactory(edition=edition, number=made, state=SubmissionState.SUBMITTED)
            AuthorFactory(submission=paper, position=1)
            assign(paper, pc_systems)
            assign(paper, pc_ml)
            write_review(paper, pc_systems, merit=1 + made % 6)
            if made % 3:
                write_review(paper, pc_ml, merit=1 + (made * 7) % 6)
            if made % 4 == 0:
                Submission.objects.filter(pk=paper.pk).update(state=SubmissionState.REJECTED)
                Decision.objects.create(
                    submission=paper, category=reject, decided_by=chair, decided_at=paper.created_at
                )
            if made % 5 == 0:
                tag_add(by=chair, submission=paper, name=f"t{made % 2}")

    client = client_for(chair)
    grow(10 - made)
    at_ten = _queries(client, url(edition))
    grow(200 - made)
    at_two_hundred = _queries(client, url(edition))
    assert len(paper_rows(chair, edition)) == 200
    repeated = Counter(at_two_hundred).most_common(2)
    assert len(at_two_hundred) == len(at_ten), f"{len(at_ten)} at 10, {len(at_two_hundred)} at 200: {repeated}"


def test_released_decisions_show_in_the_dashboard(edition: Edition, chair: Any, decided_papers: list) -> None:
    reject = next(c for c in categories_of(edition) if c.name == "Reject")
    decision_set(by=chair, submission=decided_papers[2], category=reject)
    release_now(by=chair, edition=edition, kind=ReleaseKind.DECISIONS)
    assert rows_for(chair, edition, q="decision:released") == [3]
    assert rows_for(chair, edition, q="decision:pending") == []

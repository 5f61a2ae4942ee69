"""A pending decision is shown to nobody but the chairs managing the paper: not to its authors
(pages, API), not to its reviewers (pages, API), not to a chair conflicted with it; once the
chairs release decisions, the authors see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conferences.models import Edition, ReleaseKind
from conferences.releases import release_now
from decisions.services import categories_of, decision_set

pytestmark = pytest.mark.django_db

DECISION_WORDS = ("accepted", "Accept (oral)", "rejected")


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown(client: Client, addresses: list[str]) -> list[str]:
    pages = []
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 200, address
        pages.append(response.content.decode())
    return pages


def author_views(client: Client, edition: Edition) -> list[str]:
    return shown(
        client,
        [
            reverse("submissions:detail", args=[edition.slug, 1]),
            reverse("submissions:mine", args=[edition.slug]),
            f"/api/editions/{edition.slug}/submissions/1/",
            f"/api/editions/{edition.slug}/submissions/",
        ],
    )


def reviewer_views(client: Client, edition: Edition) -> list[str]:
    return shown(
        client,
        [
            reverse("reviews:paper", args=[edition.slug, 1]),
            reverse("reviews:mine", args=[edition.slug]),
            f"/api/editions/{edition.slug}/papers-to-review/1/",
            f"/api/editions/{edition.slug}/papers-to-review/1/reviews/",
        ],
    )


def test_pending_decisions_are_invisible_until_released(
    edition: Edition, chair: Any, conflicted_chair: Any, pc_systems: Any, author: Any, decided_papers: list
) -> None:
    oral = next(c for c in categories_of(edition) if c.name == "Accept (oral)")
    decision_set(by=chair, submission=decided_papers[0], category=oral)

    author_client, reviewer = client_for(author), client_for(pc_systems)
    for page in author_views(author_client, edition) + reviewer_views(reviewer, edition):
        assert not any(word in page for word in DECISION_WORDS), page[:300]
    assert "PDF submitted" in author_views(author_client, edition)[0]
    for client in (author_client, reviewer):
        assert client.get(f"/api/editions/{edition.slug}/decisions/").status_code == 403
        assert client.get(f"/api/editions/{edition.slug}/decisions/papers/1/").status_code == 403
        assert client.get(reverse("decisions:export_json", args=[edition.slug])).status_code == 403
    conflicted = client_for(conflicted_chair).get(f"/api/editions/{edition.slug}/decisions/export/").json()
    assert [p["number"] for p in conflicted["papers"]] == [2, 3]

    release_now(by=chair, edition=edition, kind=ReleaseKind.DECISIONS)
    detail, _, api_detail, _ = author_views(author_client, edition)
    assert "accepted" in detail
    assert '"status":"accepted"' in api_detail.replace(" ", "")

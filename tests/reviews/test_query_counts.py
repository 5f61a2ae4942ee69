"""The reviewer's dashboard, the paper page and the reviews API cost the same number of queries
at 1 and at 30 papers, reviews and comments (the visibility facts are loaded in bulk)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conferences.models import Area, Edition
from conferences.roles import RoleKind
from reviews.models import Comment, CommentAudience, Review, ReviewKind, ReviewState
from reviews.selectors import current_round
from submissions.models import Submission
from tests.factories.committees import RoleFactory
from tests.factories.reviews import COMPLETE_REVIEW, assign, open_reviewing
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


def submitted(paper: Submission, user: Any, area: str, *, state: str = ReviewState.SUBMITTED) -> Review:
    now = timezone.now()
    done = state == ReviewState.SUBMITTED
    return Review.objects.create(
        submission=paper,
        reviewer=user,
        kind=ReviewKind.PRIMARY,
        round=current_round(paper.edition),
        area=area,
        state=state,
        answers=COMPLETE_REVIEW,
        version=1 if done else 0,
        submitted_at=now if done else None,
        last_submitted_at=now if done else None,
    )


def queries(client: Client, url: str) -> list[str]:
    client.get(url)  # warm: lazily created defaults (forms, round) are made once
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return [query["sql"] for query in captured.captured_queries]


def same_at_1_and_30(grow: Callable[[int], None], client: Client, url: str) -> None:
    grow(1)
    at_one = queries(client, url)
    grow(29)
    at_thirty = queries(client, url)
    repeated = Counter(at_thirty).most_common(3)
    assert len(at_thirty) == len(at_one), f"{url}: {len(at_one)} queries at 1, {len(at_thirty)} at 30: {repeated}"


@pytest.fixture
def reviewer(edition: Edition, pc_systems: Any) -> Client:
    open_reviewing(edition)
    client = Client()
    client.force_login(pc_systems)
    return client


def test_dashboard_does_not_grow_with_papers(edition: Edition, pc_systems: Any, reviewer: Client) -> None:
    made: list[Submission] = []

    def grow(count: int) -> None:
        for _ in range(count):
            paper: Any = SubmissionFactory(edition=edition, number=100 + len(made))
            assign(paper, pc_systems)
            state = ReviewState.SUBMITTED if len(made) % 2 else ReviewState.DRAFT
            submitted(paper, pc_systems, Area.SYSTEMS, state=state)
            made.append(paper)

    same_at_1_and_30(grow, reviewer, f"/{edition.slug}/reviews/")


def test_edition_page_role_panel_does_not_grow_with_papers(edition: Edition, pc_systems: Any, reviewer: Client) -> None:
    made: list[Submission] = []

    def grow(count: int) -> None:
        for _ in range(count):
            paper: Any = SubmissionFactory(edition=edition, number=100 + len(made))
            assign(paper, pc_systems)
            submitted(paper, pc_systems, Area.SYSTEMS)
            made.append(paper)

    same_at_1_and_30(grow, reviewer, f"/{edition.slug}/")


@pytest.mark.parametrize("viewer", ["reviewer", "chair"])
@pytest.mark.parametrize("where", ["page", "api"])
def test_paper_page_and_api_do_not_grow_with_reviews_and_comments(
    edition: Edition, submission: Submission, pc_systems: Any, chair: Any, reviewer: Client, viewer: str, where: str
) -> None:
    assign(submission, pc_systems)
    submitted(submission, pc_systems, Area.SYSTEMS)
    others: list[Any] = []

    def grow(count: int) -> None:
        for _ in range(count):
            area = Area.ML if len(others) % 2 else Area.SYSTEMS
            member: Any = RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=area).user
            assign(submission, member)
            submitted(submission, member, area)
            Comment.objects.create(
                submission=submission, author=member, audience=CommentAudience.REVIEWERS, body=f"Point {len(others)}"
            )
            others.append(member)

    client = reviewer
    if viewer == "chair":
        client = Client()
        client.force_login(chair)
    url = (
        f"/{edition.slug}/reviews/papers/{submission.number}/"
        if where == "page"
        else f"/api/editions/{edition.slug}/papers-to-review/{submission.number}/reviews/"
    )
    same_at_1_and_30(grow, client, url)

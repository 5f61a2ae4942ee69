"""The demo's review phase (``seed_demo --phase review``): an edition with committed assignments,
reviews submitted and in draft, a discussion and an author response, written through the
services; a second run creates nothing; the demo PC member, the author and the chair can click
through its pages."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from accounts.models import User
from assignments.models import Assignment, AssignmentKind
from conferences.models import Edition
from reviews.models import AuthorResponse, Comment, Review, ReviewState
from site_pages.demo import seed_demo
from site_pages.demo_review import REVIEW_SLUG
from submissions.models import Conflict, Submission

pytestmark = pytest.mark.django_db

MODELS = (Edition, Submission, Assignment, Review, Comment, AuthorResponse)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def seeded() -> Edition:
    seed_demo(papers=2, review_phase=True)
    return Edition.objects.get(slug=REVIEW_SLUG)


def demo_member() -> User:
    return User.objects.get(email__startswith="pc-sys-02@")


def test_without_the_switch_there_is_no_review_phase_edition() -> None:
    seed_demo(papers=2)
    assert not Edition.objects.filter(slug=REVIEW_SLUG).exists()


def test_the_review_phase_is_seeded_once_and_consistently(seeded: Edition) -> None:
    reviews = Review.objects.filter(submission__edition=seeded)
    assert reviews.filter(state=ReviewState.SUBMITTED).count() >= 5
    assert reviews.filter(state=ReviewState.DRAFT).exists()
    assert reviews.filter(kind="meta", state=ReviewState.SUBMITTED).exists()
    assignments = Assignment.objects.filter(submission__edition=seeded, is_committed=True)
    # Some reviews are still missing: the chairs' progress page and the reminders have work.
    assert assignments.filter(kind=AssignmentKind.REVIEW).count() > reviews.exclude(kind="meta").count()
    # Nobody reviews a paper they are conflicted with.
    for assignment in assignments:
        assert not Conflict.objects.filter(submission=assignment.submission, user=assignment.user).exists()
    assert Comment.objects.filter(submission__edition=seeded).count() >= 2
    assert AuthorResponse.objects.get(submission__edition=seeded).is_submitted

    member = demo_member()
    mine = reviews.filter(reviewer=member)
    assert Assignment.objects.filter(submission__edition=seeded, user=member).count() == 3
    assert sorted(mine.values_list("state", flat=True)) == ["draft", "submitted"]

    before = counts()
    seed_demo(papers=2, review_phase=True)
    assert counts() == before


def test_the_command_takes_the_switch() -> None:
    out = StringIO()
    call_command("seed_demo", papers=2, phase="review", stdout=out)
    assert Edition.objects.filter(slug=REVIEW_SLUG).exists()
    assert REVIEW_SLUG in out.getvalue()


def get_ok(client: Client, name: str, **kwargs: Any) -> str:
    response = client.get(reverse(name, kwargs={"edition_slug": REVIEW_SLUG, **kwargs}))
    assert response.status_code == 200, (name, kwargs, response.status_code)
    return response.content.decode()


def test_the_demo_pc_member_clicks_through_the_review_phase(seeded: Edition, client: Client) -> None:
    member = demo_member()
    client.force_login(member)
    page = get_ok(client, "reviews:mine")
    numbers = list(
        Assignment.objects.filter(submission__edition=seeded, user=member)
        .order_by("submission__number")
        .values_list("submission__number", flat=True)
    )
    for number in numbers:
        assert f"/{REVIEW_SLUG}/reviews/papers/{number}/" in page
        get_ok(client, "reviews:paper", number=number)
        get_ok(client, "reviews:write_review", number=number)
    submitted = Review.objects.get(reviewer=member, state=ReviewState.SUBMITTED)
    paper = get_ok(client, "reviews:paper", number=submitted.submission.number)
    assert "The math checks out" in paper  # the discussion, visible after their own review


def test_the_demo_author_and_chair_see_their_pages(seeded: Edition, client: Client) -> None:
    response = AuthorResponse.objects.get(submission__edition=seeded)
    author = response.updated_by
    assert author is not None
    client.force_login(author)
    page = get_ok(client, "reviews:author_reviews", number=response.submission.number)
    assert "1.4x faster" in page
    client.force_login(User.objects.get(email__startswith="chair@"))
    get_ok(client, "reviews:progress")

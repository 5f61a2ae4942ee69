"""Review types: primary unless the chairs make a reviewer secondary, before or after the review
is started; the chairs handling the paper only, on its page and through the API."""

from __future__ import annotations

from typing import Any

import pytest

from mlsys_conf.policy import PolicyDenied
from reviews.models import Review, ReviewKind
from reviews.review_types import review_type_set
from tests.factories.reviews import write_review
from tests.personas import client_for
from tests.reviews.visibility_world import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(edition: Any) -> World:
    return build_world(edition)


def test_a_reviewer_made_secondary_writes_a_secondary_review(world: World) -> None:
    reviewer = world.people["reviewer_before"]  # has a draft already
    review_type_set(by=world.people["chair"], submission=world.paper, user_id=reviewer.pk, secondary=True)
    assert Review.objects.get(submission=world.paper, reviewer=reviewer).kind == ReviewKind.SECONDARY
    submitted = write_review(world.paper, reviewer)
    assert submitted.kind == ReviewKind.SECONDARY
    assert Review.objects.filter(submission=world.paper, reviewer=reviewer).count() == 1
    review_type_set(by=world.people["chair"], submission=world.paper, user_id=reviewer.pk, secondary=False)
    assert Review.objects.get(submission=world.paper, reviewer=reviewer).kind == ReviewKind.PRIMARY


@pytest.mark.parametrize("who", ["reviewer_after", "conflicted_chair", "author"])
def test_only_the_chairs_handling_the_paper_set_types(world: World, who: str) -> None:
    with pytest.raises(PolicyDenied):
        review_type_set(
            by=world.people[who], submission=world.paper, user_id=world.people["reviewer_before"].pk, secondary=True
        )


def test_the_chair_changes_a_type_on_the_papers_page_and_through_the_api(world: World) -> None:
    chair, reviewer = world.people["chair"], world.people["reviewer_after"]
    client = client_for(chair)
    page = client.get(f"/{world.edition.slug}/reviews/papers/7/").content.decode()
    assert 'id="review-types"' in page
    client.post(f"/{world.edition.slug}/reviews/papers/7/review-types/", {"user": reviewer.pk, "secondary": "1"})
    assert Review.objects.get(submission=world.paper, reviewer=reviewer).kind == ReviewKind.SECONDARY
    api = f"/api/editions/{world.edition.slug}/papers-to-review/7/review-types/"
    answer = client.post(api, {"user": reviewer.pk, "secondary": False}, content_type="application/json")
    assert answer.status_code == 200
    assert {"user": reviewer.pk, "name": reviewer.display_name, "type": "primary"} in answer.json()
    reviewer_page = client_for(reviewer).get(f"/{world.edition.slug}/reviews/papers/7/").content.decode()
    assert 'id="review-types"' not in reviewer_page

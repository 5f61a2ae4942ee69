"""The authors' reviews page carries the discussion addressed to them, and nothing else of it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.reviews.visibility_world import SECRET, World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(edition: Any) -> World:
    return build_world(edition)


def authors_page(world: World) -> str:
    client = Client()
    client.force_login(world.people["co_author"])
    response = client.get(f"/{world.edition.slug}/papers/{world.paper.number}/reviews/")
    assert response.status_code == 200
    return response.content.decode()


def test_authors_read_the_comments_addressed_to_them_once_reviews_are_released(world: World) -> None:
    page = authors_page(world)
    assert SECRET["comment_authors"] in page
    for hidden in ("comment_pc", "comment_reviewers", "comment_chairs"):
        assert SECRET[hidden] not in page
    assert "RONE" not in page  # the reviewer who wrote it is a label


def test_before_the_release_the_page_has_no_discussion(world: World) -> None:
    world.release_reviews(False)
    page = authors_page(world)
    assert SECRET["comment_authors"] not in page
    assert 'id="discussion"' not in page

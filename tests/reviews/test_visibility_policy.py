"""The visibility table at the level of the rules (reviews.visibility): every kind of viewer
against every object of a paper in review. The HTTP tests check the same table through the
pages and the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from conferences.access import access_for
from reviews import visibility
from reviews.models import FormKind, PCSeesNames, PCSeesReviews, ReviewSettings
from reviews.selectors import form_fields, paper_reviews
from tests.reviews.visibility_world import EXPECTED, EXPECTED_AUTHOR_UNRELEASED, OBJECTS, World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(edition: Any) -> World:
    return build_world(edition)


def _viewer(world: World, role: str) -> Any:
    return AnonymousUser() if role == "anonymous" else world.people[role]


def _keys(access: Any, paper: Any, kind: FormKind) -> set[str]:
    fields = form_fields(paper.submission.edition, kind)
    return {field.key for field in visibility.visible_fields(access, paper, fields)}


def answers(world: World, viewer: Any) -> tuple[bool, ...]:
    access = access_for(viewer, world.edition)
    paper = paper_reviews(world.paper)
    r1 = next(review for review in paper.reviews if review.pk == world.r1_review.pk)
    meta = next(review for review in paper.reviews if review.pk == world.meta_review.pk)
    review_keys = {
        field.key for field in visibility.visible_fields(access, paper, form_fields(world.edition, FormKind.REVIEW))
    }
    meta_keys = {
        field.key for field in visibility.visible_fields(access, paper, form_fields(world.edition, FormKind.META))
    }
    sees_r1 = visibility.can_view_review(access, paper, r1)
    sees_meta = visibility.can_view_review(access, paper, meta)
    comments = {name: visibility.can_view_comment(access, paper, c) for name, c in world.comments.items()}
    return (
        sees_r1 and "strengths" in review_keys,
        sees_r1 and "pc_comments" in review_keys,
        visibility.can_view_reviewer_name(access, paper, r1),
        visibility.sees_reviews(access, paper),
        comments["comment_chairs"],
        comments["comment_reviewers"],
        comments["comment_pc"],
        comments["comment_authors"],
        visibility.can_view_response(access, paper, world.response),
        visibility.can_view_response(access, paper, world.response_draft),
        sees_meta and "summary" in meta_keys,
        sees_meta and "recommendation" in meta_keys,
    )


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_viewer_sees_what_the_table_says(world: World, role: str) -> None:
    got = answers(world, _viewer(world, role))
    wrong = [
        f"{name}: expected {want}, got {have}"
        for name, want, have in zip(OBJECTS, EXPECTED[role], got, strict=True)
        if want != have
    ]
    assert not wrong, f"{role}: " + "; ".join(wrong)


@pytest.mark.parametrize("role", ["author", "co_author"])
def test_authors_see_nothing_of_the_reviews_before_the_release(world: World, role: str) -> None:
    world.release_reviews(False)
    assert answers(world, world.people[role]) == EXPECTED_AUTHOR_UNRELEASED


def test_authors_never_learn_a_label_with_an_area_or_a_name(world: World) -> None:
    access = access_for(world.people["author"], world.edition)
    paper = paper_reviews(world.paper)
    r1 = next(review for review in paper.reviews if review.pk == world.r1_review.pk)
    assert visibility.review_shown_to_authors_as(paper, r1) == "Reviewer A"
    shown = visibility.comment_author_shown_as(access, paper, world.comments["comment_authors"])
    assert shown == "Reviewer A"


def test_settings_change_what_reviewers_see(world: World) -> None:
    settings = ReviewSettings.of(world.edition)
    settings.pc_sees_reviews, settings.pc_sees_names = PCSeesReviews.ALWAYS, PCSeesNames.NEVER
    settings.save()
    before, unassigned = world.people["reviewer_before"], world.people["unassigned_pc"]
    assert answers(world, before)[0]  # the review...
    assert not answers(world, before)[2]  # ...but not the name
    assert answers(world, unassigned)[3]  # scores, for every PC member not conflicted
    assert not any(answers(world, world.people["conflicted_pc"]))
    settings.pc_sees_reviews = PCSeesReviews.AFTER_ALL
    settings.save()
    assert not answers(world, world.people["reviewer_after"])[0]  # R2 has not submitted yet
    settings.pc_sees_reviews = PCSeesReviews.NEVER
    settings.save()
    assert not answers(world, world.people["reviewer_after"])[0]
    assert answers(world, world.people["meta_reviewer"])[0]  # meta-reviewers always do


def test_a_conflict_hidden_from_the_member_still_hides_everything(world: World) -> None:
    from submissions.models import Conflict

    Conflict.objects.filter(user=world.people["conflicted_pc"]).update(hidden_from_member=True)
    assign_world = world.people["conflicted_pc"]
    assert not any(answers(world, assign_world))

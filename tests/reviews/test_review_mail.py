"""A review submitted or updated tells the paper's followers who may read it (and only them),
naming the reviewer as each recipient may know them; an update is a new mail per version."""

from __future__ import annotations

from typing import Any

import pytest

from outbox.models import Mail
from reviews import discussion, services
from reviews.models import NotifyMode
from reviews.review_mail import notify_review_changed
from tests.factories.reviews import COMPLETE_REVIEW
from tests.reviews.visibility_world import World, build_world

pytestmark = pytest.mark.django_db(transaction=True)  # the mails go out when the review commits


@pytest.fixture
def world(edition: Any) -> World:
    built = build_world(edition)
    Mail.objects.all().delete()  # what building the world sent
    return built


def subjects_to(user: Any) -> list[str]:
    return list(Mail.objects.filter(to_email=user.email, subject__contains="review").values_list("subject", flat=True))


def test_an_update_reaches_the_followers_who_may_read_it(world: World) -> None:
    people = world.people
    writer = people["reviewer_after_systems"]
    services.review_save(by=writer, review=world.r1_review, answers={**COMPLETE_REVIEW, "merit": 2}, submit=True)
    expected = [f"[MLSys 2027] #7: {writer.display_name} (Reviewer A (Systems)) updated their review"]
    assert subjects_to(people["reviewer_after"]) == expected
    assert subjects_to(people["meta_reviewer"]) == expected
    for name in ("reviewer_before", "unassigned_pc", "conflicted_pc", "conflicted_chair"):
        assert subjects_to(people[name]) == [], name
    # Authors who responded hear of the change from reviews.responses, by label only.
    assert subjects_to(people["author"]) == ["[MLSys 2027] #7: Reviewer A updated their review"]
    assert subjects_to(people["reviewer_after_systems"]) == []  # not to its own writer


def test_names_are_left_out_where_the_recipient_may_not_know_them(world: World) -> None:
    from reviews.models import PCSeesNames, ReviewSettings

    settings = ReviewSettings.of(world.edition)
    settings.pc_sees_names = PCSeesNames.NEVER
    settings.save()
    notify_review_changed(world.r1_review, updated=True)
    [subject] = subjects_to(world.people["reviewer_after"])
    assert "RONE" not in subject
    assert "Reviewer A (Systems) updated" in subject


def test_each_version_is_one_mail_and_digest_readers_get_none(world: World) -> None:
    reader = world.people["reviewer_after"]
    assert notify_review_changed(world.r1_review, updated=True) >= 1
    notify_review_changed(world.r1_review, updated=True)
    assert len(subjects_to(reader)) == 1
    discussion.preference_set(by=reader, edition=world.edition, mode=NotifyMode.DIGEST)
    world.r1_review.version += 1
    notify_review_changed(world.r1_review, updated=True)
    assert len(subjects_to(reader)) == 1

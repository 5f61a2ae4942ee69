"""The action log: recorded by services, read and filtered by chairs, hidden where conflicted."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from actionlog.models import Action
from actionlog.services import changed_fields, record_action
from submissions.models import Conflict, ConflictReason, ConflictSource

pytestmark = pytest.mark.django_db


def _log(edition: Any, chair: Any, submission: Any, pc_member: Any) -> None:
    record_action(
        edition=edition,
        actor=chair,
        action="submission.extension",
        target=submission,
        paper_id=submission.pk,
        changes={"extended_until": (None, submission.created_at)},
    )
    record_action(edition=edition, actor=None, action="conflict.found", person=pc_member, note="by a job")


def test_an_entry_keeps_who_what_and_the_changes(edition: Any, chair: Any, submission: Any, pc_ml: Any) -> None:
    _log(edition, chair, submission, pc_ml)
    entry = Action.objects.get(action="submission.extension")
    assert entry.actor == chair
    assert entry.target_label == str(submission)
    assert entry.changes["extended_until"][0] is None
    assert entry.changes["extended_until"][1].startswith(f"{submission.created_at:%Y-%m-%d}")
    job_entry = Action.objects.get(action="conflict.found")
    assert job_entry.actor is None
    assert job_entry.person == pc_ml


def test_changed_fields_lists_only_what_changed(submission: Any) -> None:
    before = {"title": submission.title, "topic": submission.topic}
    submission.title = "New title"
    assert changed_fields(submission, before, ["title", "topic"]) == {"title": (before["title"], "New title")}


def test_chairs_read_and_filter_the_log(client: Any, edition: Any, chair: Any, submission: Any, pc_ml: Any) -> None:
    _log(edition, chair, submission, pc_ml)
    client.force_login(chair)
    url = reverse("actionlog:log", kwargs={"edition_slug": edition.slug})
    page = client.get(url).content.decode()
    assert "submission.extension" in page
    assert "conflict.found" in page
    by_paper = client.get(url, {"paper": submission.number}).content.decode()
    assert "submission.extension" in by_paper
    assert "conflict.found" not in by_paper
    by_person = client.get(url, {"person": pc_ml.email}).content.decode()
    assert "conflict.found" in by_person
    assert "submission.extension" not in by_person
    api = client.get(reverse("api:actions", kwargs={"edition_slug": edition.slug}), {"action": "conflict"}).json()
    assert [entry["action"] for entry in api["results"]] == ["conflict.found"]
    assert api["results"][0]["person"] == pc_ml.email


def test_a_conflicted_chair_does_not_see_entries_about_the_paper(
    client: Any, edition: Any, chair: Any, submission: Any, pc_ml: Any
) -> None:
    _log(edition, chair, submission, pc_ml)
    Conflict.objects.create(
        submission=submission, user=chair, reason=ConflictReason.COLLABORATOR, source=ConflictSource.AUTHOR
    )
    client.force_login(chair)
    page = client.get(reverse("actionlog:log", kwargs={"edition_slug": edition.slug})).content.decode()
    assert "submission.extension" not in page
    assert "conflict.found" in page
    api = client.get(reverse("api:actions", kwargs={"edition_slug": edition.slug})).json()
    assert {entry["action"] for entry in api["results"]} == {"conflict.found"}


@pytest.mark.parametrize("persona", ["author", "pc_ml", "outsider"])
def test_only_chairs_read_the_log(client: Any, request: Any, edition: Any, persona: str) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("actionlog:log", kwargs={"edition_slug": edition.slug})).status_code == 403
    assert client.get(reverse("api:actions", kwargs={"edition_slug": edition.slug})).status_code == 403


def test_bad_filters_are_a_400(client: Any, edition: Any, chair: Any) -> None:
    client.force_login(chair)
    page = client.get(reverse("actionlog:log", kwargs={"edition_slug": edition.slug}), {"paper": "x"})
    assert page.status_code == 400
    assert "These filters were not applied" in page.content.decode()
    response = client.get(reverse("api:actions", kwargs={"edition_slug": edition.slug}), {"person": "x" * 101})
    assert response.status_code == 400
    assert "person" in response.json()

"""The edition's settings and deadlines change only by its chairs, whoever calls the service,
and the action log keeps every changed value before and after."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from actionlog.models import Action
from conferences.models import Deadline, Edition, Phase
from conferences.services import PhaseWindowInput, deadlines_set, edition_update
from mlsys_conf.policy import PolicyDenied
from tests.factories.conferences import EditionFactory

pytestmark = pytest.mark.django_db

NOT_CHAIR = "Only the PC chairs of this edition can change its settings and deadlines."
PERSONAS = ["pc_systems", "pc_ml", "ae_member", "author", "outsider"]


def logged(edition: Edition, action: str) -> list[Action]:
    return list(Action.objects.filter(edition=edition, action=action).order_by("pk"))


def windows_of(edition: Edition) -> list[tuple[str, Any, Any]]:
    return sorted(Deadline.objects.filter(edition=edition).values_list("phase", "opens_at", "closes_at"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_chair_changes_the_settings(request: Any, persona: str, edition: Edition) -> None:
    with pytest.raises(PolicyDenied, match=NOT_CHAIR):
        edition_update(edition=edition, by=request.getfixturevalue(persona), page_limit=30, is_public=False)
    edition.refresh_from_db()
    assert (edition.page_limit, edition.is_public) != (30, False)
    assert not Action.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_chair_moves_the_deadlines(request: Any, persona: str, edition: Edition) -> None:
    before = windows_of(edition)
    with pytest.raises(PolicyDenied, match=NOT_CHAIR):
        deadlines_set(
            edition=edition,
            windows={Phase.PAPER_SUBMISSION: PhaseWindowInput(None, datetime(2099, 1, 1, tzinfo=UTC))},
            by=request.getfixturevalue(persona),
        )
    assert windows_of(edition) == before
    assert not Action.objects.exists()


def test_the_chair_of_another_edition_is_refused(chair: Any) -> None:
    elsewhere = EditionFactory()
    with pytest.raises(PolicyDenied, match=NOT_CHAIR):
        edition_update(edition=elsewhere, by=chair, name="Taken over")
    with pytest.raises(PolicyDenied, match=NOT_CHAIR):
        deadlines_set(edition=elsewhere, windows={Phase.BIDDING: None}, by=chair)


def test_a_settings_change_logs_each_changed_value(edition: Edition, chair: Any) -> None:
    old_limit, old_venue = edition.page_limit, edition.venue
    edition_update(edition=edition, by=chair, page_limit=old_limit + 2, venue="San Jose", name=edition.name)
    [entry] = logged(edition, "edition.settings_changed")
    assert (entry.actor, entry.target_id) == (chair, edition.pk)
    assert entry.changes == {"page_limit": [old_limit, old_limit + 2], "venue": [old_venue, "San Jose"]}

    edition_update(edition=edition, by=chair, venue="San Jose")  # nothing changes: nothing logged
    assert len(logged(edition, "edition.settings_changed")) == 1


def test_a_deadline_change_logs_the_windows_before_and_after(edition: Edition, chair: Any) -> None:
    paper = Deadline.objects.get(edition=edition, phase=Phase.PAPER_SUBMISSION)
    moved = datetime(2099, 1, 17, 11, 59, 59, tzinfo=UTC)
    deadlines_set(
        edition=edition,
        windows={
            Phase.PAPER_SUBMISSION: PhaseWindowInput(paper.opens_at, moved, None),
            Phase.CAMERA_READY: None,  # had none: unchanged, not logged
        },
        by=chair,
    )
    [entry] = logged(edition, "deadlines.changed")
    assert entry.actor == chair
    assert set(entry.changes) == {"paper"}
    before, after = entry.changes["paper"]
    assert before["closes_at"].startswith(f"{paper.closes_at:%Y-%m-%dT%H:%M:%S}")  # JSON keeps milliseconds
    assert after["closes_at"] == "2099-01-17T11:59:59Z"

    deadlines_set(edition=edition, windows={Phase.PAPER_SUBMISSION: None}, by=chair)
    cleared = logged(edition, "deadlines.changed")[-1]
    assert cleared.changes["paper"][1] is None

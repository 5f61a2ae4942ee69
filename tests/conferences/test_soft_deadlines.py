"""A deadline's announced (soft) close before its hard one: input after it is still taken until the
hard close and flagged late; the timeline, the chairs' form and the API show both."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from conferences.models import Deadline, Edition, Phase
from conferences.phases import Timeline
from conferences.selectors import phase_is_late
from conferences.services import PhaseWindowInput, deadlines_set, require_phase_open
from tests.factories.conferences import EditionFactory

SECOND = timedelta(seconds=1)
SUPPLEMENTARY = Phase.SUPPLEMENTARY_MATERIAL  # the edition fixture has no deadline for it
SOFT = datetime(2027, 1, 17, 11, 59, 59, tzinfo=UTC)
HARD = SOFT + timedelta(days=2)


def timeline(soft: datetime | None = SOFT) -> Timeline:
    return Timeline.from_deadlines([Deadline(phase=Phase.PAPER_SUBMISSION, soft_closes_at=soft, closes_at=HARD)])


def test_open_and_on_time_up_to_the_announced_second() -> None:
    paper = timeline()
    assert paper.is_open(Phase.PAPER_SUBMISSION, SOFT)
    assert not paper.is_late(Phase.PAPER_SUBMISSION, SOFT)
    assert paper.is_late(Phase.PAPER_SUBMISSION, SOFT + SECOND)
    assert paper.is_open(Phase.PAPER_SUBMISSION, SOFT + SECOND)  # late is still in


def test_closed_after_the_hard_second_and_never_late_then() -> None:
    paper = timeline()
    assert paper.is_open(Phase.PAPER_SUBMISSION, HARD)
    assert paper.is_late(Phase.PAPER_SUBMISSION, HARD)
    assert not paper.is_open(Phase.PAPER_SUBMISSION, HARD + SECOND)
    assert not paper.is_late(Phase.PAPER_SUBMISSION, HARD + SECOND)


def test_without_a_soft_close_nothing_is_late_and_the_announced_close_is_the_hard_one() -> None:
    window = timeline(soft=None).window(Phase.PAPER_SUBMISSION)
    assert window is not None
    assert not window.is_late(HARD)
    assert window.announced_close == HARD


def test_the_countdown_runs_to_the_announced_close_then_to_the_hard_one() -> None:
    window = timeline().window(Phase.PAPER_SUBMISSION)
    assert window is not None
    assert window.next_close(SOFT) == SOFT
    assert window.next_close(SOFT + SECOND) == HARD


@pytest.mark.django_db
def test_the_service_enforces_the_hard_close(edition: Edition, chair: Any) -> None:
    deadlines_set(edition=edition, windows={Phase.PAPER_SUBMISSION: PhaseWindowInput(None, HARD, SOFT)}, by=chair)
    require_phase_open(edition, Phase.PAPER_SUBMISSION, now=SOFT + timedelta(days=1))  # late, accepted
    assert not phase_is_late(Edition.objects.get(pk=edition.pk), Phase.PAPER_SUBMISSION, SOFT)
    assert phase_is_late(Edition.objects.get(pk=edition.pk), Phase.PAPER_SUBMISSION, SOFT + SECOND)
    with pytest.raises(ValidationError, match="deadline passed"):
        require_phase_open(edition, Phase.PAPER_SUBMISSION, now=HARD + SECOND)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("opens", "soft", "message"),
    [
        (None, HARD + SECOND, "cannot be after its hard deadline"),
        (SOFT, SOFT, "must be after it opens"),
    ],
)
def test_a_soft_close_outside_the_window_is_refused(
    edition: Edition, chair: Any, opens: datetime | None, soft: datetime, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        deadlines_set(edition=edition, windows={SUPPLEMENTARY: PhaseWindowInput(opens, HARD, soft)}, by=chair)
    assert not Deadline.objects.filter(edition=edition, phase=SUPPLEMENTARY).exists()


@pytest.mark.django_db
def test_the_api_takes_and_shows_both_closes(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    body = [{"phase": "paper", "soft_closes_at": "2027-01-17T11:59:59Z", "closes_at": "2027-01-19T11:59:59Z"}]
    response = client.put("/api/editions/mlsys2027/deadlines/", body, content_type="application/json")
    assert response.status_code == 200
    [paper] = [d for d in client.get("/api/editions/mlsys2027/").json()["deadlines"] if d["phase"] == "paper"]
    assert paper["soft_closes_at"] == "2027-01-17T11:59:59Z"
    assert paper["soft_closes_at_aoe"] == "2027-01-16T23:59:59-12:00"
    assert paper["closes_at"] == "2027-01-19T11:59:59Z"


@pytest.mark.django_db
def test_the_timeline_shows_the_announced_deadline_and_the_late_window(client: Any) -> None:
    edition = EditionFactory(slug="mlsys2030", time_zone="UTC")
    Deadline.objects.create(edition=edition, phase=Phase.PAPER_SUBMISSION, soft_closes_at=SOFT, closes_at=HARD)
    now = timezone.now()
    late = now + timedelta(days=1)
    Deadline.objects.create(edition=edition, phase=SUPPLEMENTARY, soft_closes_at=now - SECOND * 60, closes_at=late)

    page = client.get("/mlsys2030/").content.decode()
    assert 'Sat 16 Jan 2027, 23:59:59 AoE<br><span class="small">late until Mon 18 Jan 2027, 23:59:59 AoE' in page
    assert "late until Tue 19 Jan 2027, 11:59:59 UTC" in page
    assert page.count("open, late") == 1  # the supplementary phase, past its announced deadline


@pytest.mark.django_db
def test_the_chairs_form_sets_a_soft_close(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    body = {"paper_soft": "2027-01-17T03:59:59", "paper_closes": "2027-01-19T03:59:59"}
    response = client.post("/mlsys2027/chair/deadlines/", body)
    assert response.status_code == 302
    paper = Deadline.objects.get(edition=edition, phase=Phase.PAPER_SUBMISSION)
    assert paper.soft_closes_at is not None
    assert paper.soft_closes_at < paper.closes_at
    assert (paper.closes_at - paper.soft_closes_at) == timedelta(days=2)

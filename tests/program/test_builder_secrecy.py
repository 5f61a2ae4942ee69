"""An acceptance not released yet is the deciding chairs' secret: the builder (page, API,
warnings, placing) treats such a paper exactly as a rejected one, so a chair conflicted with it
learns nothing, and the camera-ready lists leave it out."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from conferences.models import Edition
from submissions.models import Submission, SubmissionState
from tests.personas import client_for
from tests.program.builder_support import TUE_9, paper, place, program_edition, session

__all__ = ["program_edition"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(program_edition: Edition) -> Submission:
    """Paper #7, accepted by the chairs, the decision not released."""
    accepted = paper(program_edition, 7, title="Pending Acceptance Paper")
    Submission.objects.filter(pk=accepted.pk).update(decision_released_at=None)
    accepted.refresh_from_db()
    return accepted


@pytest.mark.parametrize("state", [SubmissionState.ACCEPTED, SubmissionState.REJECTED])
def test_placing_a_paper_whose_acceptance_is_not_released_reads_as_a_rejected_one(
    program_edition: Edition, chair: Any, pending: Submission, state: str
) -> None:
    Submission.objects.filter(pk=pending.pk).update(state=state)
    pending.refresh_from_db()
    talks = session(program_edition, "Systems I", TUE_9, by=chair)
    with pytest.raises(ValidationError) as refused:
        place(talks, pending, chair)
    assert refused.value.messages == [
        "Paper #7 is not an accepted paper with its decision released: only those are placed."
    ]


def test_the_builder_and_the_camera_ready_lists_do_not_show_a_pending_acceptance(
    program_edition: Edition, chair: Any, pending: Submission
) -> None:
    paper(program_edition, 8, title="Released Acceptance Paper")
    talks = session(program_edition, "Systems I", TUE_9, by=chair)
    client = client_for(chair)
    slug = program_edition.slug
    for url in (
        f"/{slug}/program/builder/",
        f"/{slug}/program/builder/sessions/{talks.pk}/",
        f"/api/editions/{slug}/program/builder/conflicts/",
        f"/{slug}/camera-ready/",
        f"/{slug}/camera-ready/camera-ready.csv",
    ):
        body = client.get(url).content.decode()
        assert "Released Acceptance Paper" in body or "#8" in body or "8," in body, url
        assert "Pending Acceptance Paper" not in body, url
        assert "#7" not in body, url

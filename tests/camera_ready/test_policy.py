"""Who sees and changes a paper's final version (camera_ready/policy.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from camera_ready import policy
from conferences.models import Deadline, Phase
from conferences.roles import RoleKind
from submissions.models import Conflict, ConflictReason, ConflictSource, Extension, Submission, SubmissionState
from tests.factories.committees import RoleFactory

pytestmark = pytest.mark.django_db


def test_authors_edit_their_accepted_released_paper(accepted: Submission, author: Any) -> None:
    assert policy.can_open_final_version(author, accepted)
    assert policy.can_edit_final_version(author, accepted)


def test_before_the_release_authors_see_the_page_but_may_not_edit(accepted: Submission, author: Any) -> None:
    Submission.objects.filter(pk=accepted.pk).update(decision_released_at=None)
    accepted.refresh_from_db()
    assert policy.can_open_final_version(author, accepted)
    verdict = policy.can_edit_final_version(author, accepted)
    assert not verdict
    assert "once the decision is released" in verdict.reason


def test_a_rejected_paper_has_no_final_version(accepted: Submission, author: Any) -> None:
    Submission.objects.filter(pk=accepted.pk).update(state=SubmissionState.REJECTED)
    accepted.refresh_from_db()
    assert not policy.can_edit_final_version(author, accepted)


def test_after_the_deadline_authors_may_not_edit(accepted: Submission, author: Any, camera_ready: Deadline) -> None:
    late = camera_ready.closes_at + timedelta(seconds=1)
    verdict = policy.can_edit_final_version(author, accepted, late)
    assert not verdict
    assert "camera-ready phase is closed" in verdict.reason
    assert policy.can_edit_final_version(author, accepted, camera_ready.closes_at)  # to the second
    assert policy.can_open_final_version(author, accepted)  # they always see their own


def test_the_papers_extension_counts(accepted: Submission, author: Any, chair: Any, camera_ready: Deadline) -> None:
    late = camera_ready.closes_at + timedelta(days=2)
    assert not policy.can_edit_final_version(author, accepted, late)
    Extension.objects.create(
        edition=accepted.edition,
        phase=Phase.CAMERA_READY,
        submission=accepted,
        until=camera_ready.closes_at + timedelta(days=3),
        granted_by=chair,
    )
    accepted = Submission.objects.get(pk=accepted.pk)
    assert policy.can_edit_final_version(author, accepted, late)


def test_chairs_see_but_never_edit(accepted: Submission, chair: Any) -> None:
    assert policy.can_open_final_version(chair, accepted)
    verdict = policy.can_edit_final_version(chair, accepted)
    assert not verdict
    assert "only the paper's authors change it" in verdict.reason
    assert policy.can_manage_camera_ready(chair, accepted.edition)


def test_a_conflicted_chair_does_not_see_the_paper(accepted: Submission) -> None:
    other_chair = RoleFactory(edition=accepted.edition, kind=RoleKind.PC_CHAIR, user__email="c2@example.org").user
    Conflict.objects.create(
        submission=accepted, user=other_chair, reason=ConflictReason.COLLABORATOR, source=ConflictSource.CHAIR
    )
    assert not policy.can_open_final_version(other_chair, accepted)
    assert not policy.handles_paper(other_chair, accepted)
    assert policy.can_manage_camera_ready(other_chair, accepted.edition)  # the page, without this paper


def test_chairs_see_only_accepted_papers(submission: Submission, chair: Any, camera_ready: Deadline) -> None:
    assert not policy.can_open_final_version(chair, submission)


@pytest.mark.parametrize("persona", ["outsider", "pc_systems", "ae_member", "anonymous"])
def test_everyone_else_gets_nothing(accepted: Submission, persona: str, request: pytest.FixtureRequest) -> None:
    from tests.personas import persona_user

    user = persona_user(request, persona)
    assert not policy.can_open_final_version(user, accepted)
    assert not policy.can_edit_final_version(user, accepted)
    assert not policy.can_manage_camera_ready(user, accepted.edition)


def test_no_deadline_set_is_closed(accepted: Submission, author: Any, camera_ready: Deadline) -> None:
    camera_ready.delete()
    accepted = Submission.objects.select_related("edition").get(pk=accepted.pk)
    verdict = policy.can_edit_final_version(author, accepted, timezone.now())
    assert not verdict
    assert "no deadline" in verdict.reason

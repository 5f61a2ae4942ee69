"""Who may register an artifact, and who sees what of it (artifacts/policy.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from artifacts import policy
from artifacts.models import Artifact
from assignments.models import Assignment, AssignmentKind, AssignmentSource
from conferences.models import Deadline, Phase
from conferences.roles import RoleKind
from submissions.models import Conflict, ConflictReason, ConflictSource, Extension, Submission, SubmissionState
from tests.artifacts.conftest import assign
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.submissions import AuthorFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def _close_registration(registration: Deadline) -> None:
    registration.closes_at = timezone.now() - timedelta(hours=1)
    registration.save()


def test_authors_of_a_released_acceptance_may_register(accepted: Submission, author: Any, outsider: Any) -> None:
    assert policy.can_register_artifact(author, accepted)
    refused = policy.can_register_artifact(outsider, accepted)
    assert not refused
    assert "not an author" in refused.reason


@pytest.mark.parametrize("state", [SubmissionState.SUBMITTED, SubmissionState.REJECTED])
def test_a_paper_not_accepted_gets_no_artifact(accepted: Submission, author: Any, state: str) -> None:
    Submission.objects.filter(pk=accepted.pk).update(state=state)
    accepted.refresh_from_db()
    refused = policy.can_register_artifact(author, accepted)
    assert not refused
    assert "accepted papers" in refused.reason


def test_an_unreleased_acceptance_is_not_enough(accepted: Submission, author: Any) -> None:
    Submission.objects.filter(pk=accepted.pk).update(decision_released_at=None)
    accepted.refresh_from_db()
    assert not policy.can_register_artifact(author, accepted)


def test_registration_closes_at_the_deadline_and_an_extension_reopens_it(
    accepted: Submission, author: Any, registration: Deadline, chair: Any
) -> None:
    _close_registration(registration)
    refused = policy.can_register_artifact(author, accepted)
    assert not refused
    assert "Artifact registration is closed" in refused.reason
    Extension.objects.create(
        edition=accepted.edition,
        phase=Phase.ARTIFACT_REGISTRATION,
        until=timezone.now() + timedelta(days=2),
        submission=accepted,
        granted_by=chair,
    )
    assert policy.can_register_artifact(author, Submission.objects.get(pk=accepted.pk))


def test_the_deadline_is_compared_with_the_time_of_receipt(
    accepted: Submission, author: Any, registration: Deadline
) -> None:
    assert policy.can_register_artifact(author, accepted, registration.closes_at)
    assert not policy.can_register_artifact(author, accepted, registration.closes_at + timedelta(seconds=1))


def test_access_instructions_only_for_the_assigned_evaluator(artifact: Artifact, ae_member: Any, edition: Any) -> None:
    other_member = RoleFactory(edition=edition, kind=RoleKind.AE_MEMBER).user
    assert policy.can_view_artifact(other_member, artifact)  # the list, for bidding later
    assert not policy.can_see_access_instructions(other_member, artifact)
    assert not policy.can_see_access_instructions(ae_member, artifact)
    assign(artifact, ae_member, committed=False)  # a draft tells nothing yet
    assert not policy.can_see_access_instructions(ae_member, artifact)
    assign(artifact, other_member)
    assert policy.can_see_access_instructions(other_member, artifact)


def test_a_review_assignment_is_not_an_artifact_assignment(artifact: Artifact, ae_member: Any) -> None:
    Assignment.objects.create(
        submission=artifact.submission,
        user=ae_member,
        kind=AssignmentKind.REVIEW,
        source=AssignmentSource.MANUAL,
        is_committed=True,
        committed_at=timezone.now(),
    )
    assert not policy.can_see_access_instructions(ae_member, artifact)


def test_ae_chairs_see_everything_but_the_artifacts_they_are_conflicted_with(
    artifact: Artifact, ae_chair: Any, edition: Any
) -> None:
    assert policy.can_view_artifact(ae_chair, artifact)
    assert policy.can_see_access_instructions(ae_chair, artifact)
    Conflict.objects.create(
        submission=artifact.submission, user=ae_chair, reason=ConflictReason.COLLABORATOR, source=ConflictSource.CHAIR
    )
    assert not policy.can_view_artifact(ae_chair, artifact)
    assert not policy.can_see_access_instructions(ae_chair, artifact)


def test_pc_roles_give_nothing(artifact: Artifact, chair: Any, pc_systems: Any, edition: Any) -> None:
    for pc in (chair, pc_systems):
        assert not policy.can_view_artifact(pc, artifact)
        assert not policy.can_see_access_instructions(pc, artifact)
        assert not policy.can_list_artifacts(pc, edition)
    RoleFactory(edition=edition, kind=RoleKind.AE_MEMBER, user=chair)  # the PC chair joins the AE committee
    assert policy.can_view_artifact(chair, artifact)
    assert not policy.can_see_access_instructions(chair, artifact)  # only what the AE member role allows


def test_the_author_of_another_paper_sees_nothing(artifact: Artifact, edition: Any) -> None:
    other_author = UserFactory()
    other = SubmissionFactory(edition=edition, number=2, state=SubmissionState.ACCEPTED)
    AuthorFactory(submission=other, position=1, name="Other", email=other_author.email, user=other_author)
    assert not policy.can_view_artifact(other_author, artifact)
    assert not policy.can_see_access_instructions(other_author, artifact)


def test_an_ae_member_sees_their_own_artifact_only_as_its_author(artifact: Artifact, author: Any, edition: Any) -> None:
    RoleFactory(edition=edition, kind=RoleKind.AE_MEMBER, user=author)
    assert policy.can_view_artifact(author, artifact)
    assert policy.can_see_access_instructions(author, artifact)  # they wrote them
    assert policy.can_register_artifact(author, artifact.submission)


def test_hardware_is_edited_by_ae_members_and_listed_for_ae_chairs(
    edition: Any, ae_member: Any, ae_chair: Any, chair: Any, outsider: Any
) -> None:
    assert policy.can_edit_own_hardware(ae_member, edition)
    assert not policy.can_edit_own_hardware(chair, edition)
    assert not policy.can_edit_own_hardware(outsider, edition)
    assert policy.can_list_hardware(ae_chair, edition)
    assert not policy.can_list_hardware(ae_member, edition)
    assert not policy.can_list_hardware(chair, edition)

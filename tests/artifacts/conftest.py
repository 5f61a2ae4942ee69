"""An edition after notification: paper #1 accepted with its decision released, artifact
registration open, an AE chair and an AE member (the root conftest's ``ae_member``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from artifacts import services
from artifacts.models import Artifact, Badge
from assignments.models import Assignment, AssignmentKind, AssignmentSource
from conferences.models import Deadline, Edition, Phase
from conferences.roles import RoleKind
from submissions.models import Submission, SubmissionState
from tests.factories.committees import RoleFactory


def artifact_input(**changes: Any) -> services.ArtifactInput:
    values: dict[str, Any] = {
        "abstract": "Kernels and scripts that rebuild every table of the paper.",
        "repository_url": "https://github.com/example/sparse-kernels",
        "badges": [Badge.AVAILABLE, Badge.REUSABLE],
        "doi": "10.5281/zenodo.1234567",
        "hardware_needed": "8 x A100, 80 GB each",
        "time_needed": "12 h",
        "access_instructions": "ssh eval@cluster.example -p 2222, password in the appendix",
    }
    values.update(changes)
    return services.ArtifactInput(**values)


@pytest.fixture
def registration(edition: Edition) -> Deadline:
    now = timezone.now()
    return Deadline.objects.create(
        edition=edition,
        phase=Phase.ARTIFACT_REGISTRATION,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
    )


@pytest.fixture
def accepted(submission: Submission, registration: Deadline) -> Submission:
    """Paper #1, accepted, the decision released."""
    Submission.objects.filter(pk=submission.pk).update(
        state=SubmissionState.ACCEPTED, decision_released_at=timezone.now()
    )
    submission.refresh_from_db()
    return submission


@pytest.fixture
def ae_chair(edition: Edition) -> Any:
    return RoleFactory(edition=edition, kind=RoleKind.AE_CHAIR, user__email="ae.chair@example.org").user


@pytest.fixture
def artifact(accepted: Submission, author: Any) -> Artifact:
    return services.artifact_save(submission=accepted, data=artifact_input(), by=author)


def assign(artifact: Artifact, user: Any, *, committed: bool = True) -> Assignment:
    return Assignment.objects.create(
        submission=artifact.submission,
        user=user,
        kind=AssignmentKind.ARTIFACT,
        source=AssignmentSource.MANUAL,
        is_committed=committed,
        committed_at=timezone.now() if committed else None,
    )

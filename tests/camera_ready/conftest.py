"""An edition after notification: paper #1 (the root conftest's ``submission``, by ``author``
and a co-author without an account) accepted with its decision released, and the camera-ready
phase open for ten more days."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from camera_ready import services
from conferences.models import Deadline, Edition, Phase
from submissions.models import Submission, SubmissionState


def lines(*names: str, presenter: int = 0, **changes: Any) -> list[services.AuthorLine]:
    """Author lines named ``names`` (e-mails made from them), the ``presenter``-th presenting."""
    return [
        services.AuthorLine(
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
            affiliation=changes.get("affiliation", "Example University"),
            orcid=changes.get("orcid", ""),
            is_presenter=index == presenter,
        )
        for index, name in enumerate(names)
    ]


def metadata(authors: list[services.AuthorLine] | None = None, **changes: Any) -> services.MetadataInput:
    values: dict[str, Any] = {
        "title": "Fast Sparse Attention Kernels, Final",
        "abstract": "We make attention cheaper.",
        "keywords": "sparsity, attention",
        "authors": authors if authors is not None else lines("Ada Author", "Co Author"),
    }
    values.update(changes)
    return services.MetadataInput(**values)


@pytest.fixture
def camera_ready(edition: Edition) -> Deadline:
    now = timezone.now()
    return Deadline.objects.create(
        edition=edition, phase=Phase.CAMERA_READY, opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=10)
    )


@pytest.fixture
def accepted(submission: Submission, camera_ready: Deadline) -> Submission:
    """Paper #1, accepted, the decision released."""
    Submission.objects.filter(pk=submission.pk).update(
        state=SubmissionState.ACCEPTED, decision_released_at=timezone.now()
    )
    submission.refresh_from_db()
    return submission

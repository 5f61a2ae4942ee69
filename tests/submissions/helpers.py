"""Small helpers shared by the submission tests (fixtures live in conftest.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from conferences.models import Deadline, Edition, Phase
from submissions.services import extension_grant


def deadline_of(edition: Edition, phase: Phase) -> datetime:
    return Deadline.objects.get(edition=edition, phase=phase).closes_at


def move_deadline(edition: Edition, phase: Phase, closes_at: datetime) -> None:
    """Move a deadline row (views and the API load the edition afresh on each request)."""
    Deadline.objects.update_or_create(edition=edition, phase=phase, defaults={"closes_at": closes_at})
    edition.__dict__.pop("_timeline", None)
    getattr(edition, "_prefetched_objects_cache", {}).pop("deadlines", None)


def upload(name: str, content: bytes, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def author_rows(*rows: dict[str, Any], initial: int = 1, extra: int = 0, prefix: str = "authors") -> dict[str, Any]:
    """POST data of the author formset as the page sends it: one dict per row (name, email,
    affiliation, ...); ``initial`` is the number of rows the page was rendered with."""
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + extra),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "1",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            if key == "is_contact" and not value:
                continue
            data[f"{prefix}-{index}-{key}"] = "on" if value is True else value
    return data


def extend(submission: Any, chair: Any, until: datetime | None, *phases: Phase, reason: str = "") -> None:
    """A chair's extension (or, with ``until=None``, its removal) of this paper's deadlines
    (the paper's by default), through the service."""
    for phase in phases or (Phase.PAPER_SUBMISSION,):
        extension_grant(
            by=chair, edition=submission.edition, submission=submission, phase=phase, until=until, reason=reason
        )

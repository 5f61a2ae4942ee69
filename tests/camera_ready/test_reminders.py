"""The camera-ready reminders (camera_ready/reminders.py): once per person and deadline, only for
incomplete accepted papers whose acceptance is released, within three days of the deadline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from camera_ready import reminders, services
from camera_ready.models import Licence
from camera_ready.tasks import remind_incomplete_camera_ready
from conferences.models import Deadline
from outbox.models import Mail
from submissions.models import Submission
from tests.factories.pdfs import make_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def soon(camera_ready: Deadline) -> Deadline:
    Deadline.objects.filter(pk=camera_ready.pk).update(closes_at=timezone.now() + timedelta(days=2))
    camera_ready.refresh_from_db()
    return camera_ready


def test_authors_of_an_incomplete_paper_are_reminded_once(accepted: Submission, soon: Deadline) -> None:
    assert reminders.remind_incomplete() == 2
    assert reminders.remind_incomplete() == 2  # queued again, deduplicated
    mails = Mail.objects.order_by("to_email")
    assert [m.to_email for m in mails] == ["author@example.org", "coauthor@example.org"]
    body = mails[0].body
    assert "the final PDF" in body
    assert "the licence" in body
    assert f"/{accepted.edition.slug}/submissions/1/camera-ready/" in body
    assert "#1" in mails[0].subject
    assert remind_incomplete_camera_ready.delay().get() == 2
    assert Mail.objects.count() == 2


def test_a_moved_deadline_is_reminded_again(accepted: Submission, soon: Deadline) -> None:
    reminders.remind_incomplete()
    Deadline.objects.filter(pk=soon.pk).update(closes_at=soon.closes_at + timedelta(hours=12))
    reminders.remind_incomplete()
    assert Mail.objects.count() == 4


def test_no_reminder_too_early_unreleased_or_complete(
    accepted: Submission, camera_ready: Deadline, author: Any
) -> None:
    assert reminders.remind_incomplete() == 0  # ten days ahead
    Deadline.objects.filter(pk=camera_ready.pk).update(closes_at=timezone.now() + timedelta(days=2))
    Submission.objects.filter(pk=accepted.pk).update(decision_released_at=None)
    assert reminders.remind_incomplete() == 0
    Submission.objects.filter(pk=accepted.pk).update(decision_released_at=timezone.now())
    services.final_metadata_confirm(submission=accepted, by=author)
    services.licence_accept(submission=accepted, licence=Licence.CC_BY, by=author)
    services.final_pdf_upload(submission=accepted, content=make_pdf(), filename="a.pdf", by=author)
    assert reminders.remind_incomplete() == 0
    assert not Mail.objects.filter(subject__contains="camera-ready").exists()

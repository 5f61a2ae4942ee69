"""Deadline jobs: reminders go to the people a deadline concerns, once however often the job
runs; chairs hear once that a phase closed; the beat schedule names real tasks."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from conferences.models import Deadline, Phase
from mlsys_conf.celery import app as celery_app
from outbox.models import Mail
from site_pages import notifications
from submissions.models import SubmissionState
from tests.factories.submissions import AuthorFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def move(edition: Any, phase: Phase, closes_in: timedelta) -> Deadline:
    deadline = Deadline.objects.get(edition=edition, phase=phase)
    deadline.closes_at = timezone.now() + closes_in
    deadline.save()
    return deadline


def test_paper_reminder_goes_to_contact_authors_of_incomplete_submissions_once(
    edition: Any, submission: Any, django_capture_on_commit_callbacks: Any
) -> None:
    submission.authors.filter(position=1).update(is_contact=True)
    complete = SubmissionFactory(edition=edition, number=2)
    AuthorFactory(submission=complete, email="done@example.org", is_contact=True)
    complete.files.create(kind="paper", sha256="0" * 64, size=1, is_accepted=True, original_name="p.pdf")
    withdrawn = SubmissionFactory(
        edition=edition, number=3, state=SubmissionState.WITHDRAWN, withdrawn_at=timezone.now()
    )
    AuthorFactory(submission=withdrawn, email="gone@example.org", is_contact=True)
    move(edition, Phase.PAPER_SUBMISSION, timedelta(hours=5))

    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.send_deadline_reminders() == 1
        notifications.send_deadline_reminders()

    reminders = Mail.objects.filter(subject__contains="Reminder")
    assert [m.to_email for m in reminders] == ["author@example.org"]
    assert "AoE" in reminders[0].body
    assert len(mail.outbox) == 1


def test_no_reminder_more_than_a_day_ahead_or_after_the_deadline(edition: Any, pc_systems: Any) -> None:
    move(edition, Phase.BIDDING, timedelta(hours=25))
    assert notifications.send_deadline_reminders() == 0
    move(edition, Phase.BIDDING, -timedelta(seconds=1))
    assert notifications.send_deadline_reminders() == 0


def test_bidding_reminder_reaches_both_halves_of_the_pc(edition: Any, pc_systems: Any, pc_ml: Any, chair: Any) -> None:
    move(edition, Phase.BIDDING, timedelta(hours=2))
    notifications.send_deadline_reminders()
    assert set(Mail.objects.values_list("to_email", flat=True)) == {"sys@example.org", "ml@example.org"}


def test_moved_deadline_is_reminded_again(edition: Any, pc_systems: Any) -> None:
    move(edition, Phase.BIDDING, timedelta(hours=2))
    notifications.send_deadline_reminders()
    move(edition, Phase.BIDDING, timedelta(hours=3))
    notifications.send_deadline_reminders()
    assert Mail.objects.filter(to_email="sys@example.org").count() == 2


def test_chairs_hear_once_that_a_phase_closed(edition: Any, chair: Any) -> None:
    move(edition, Phase.ABSTRACT_REGISTRATION, -timedelta(minutes=3))
    notifications.announce_closed_phases()
    notifications.announce_closed_phases()
    closed = Mail.objects.get(to_email="chair@example.org")
    assert "Abstract registration has closed" in closed.subject


def test_beat_schedule_names_registered_tasks() -> None:
    celery_app.loader.import_default_modules()
    for entry in celery_app.conf.beat_schedule.values():
        assert entry["task"] in celery_app.tasks, entry["task"]

"""The bidding jobs: a reminder to members with few bids (once per bidding deadline, only in
its last three days) and the affinity job (ids in, gone rows ignored)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from bidding import notifications, tasks
from bidding.models import Affinity, Bid
from conferences.models import Deadline, Edition, Phase
from mlsys_conf.celery import app as celery_app
from outbox.models import Mail
from tests.bidding.helpers import add_paper, forget_timeline, open_bidding, set_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def closing_soon(edition: Edition, pc_systems: Any, pc_ml: Any, chair: Any, ae_member: Any) -> Edition:
    """Bidding open, closing in two days, three papers. With one member per half, each is
    expected to review every paper, so each should bid on all three; the ML member has."""
    open_bidding(edition, closes_in=timedelta(days=2))
    for number in (1, 2, 3):
        paper = add_paper(edition, number, title=f"Paper {number}")
        Bid.objects.create(submission=paper, user=pc_ml, level=1)
    Bid.objects.create(submission=edition.submissions.get(number=1), user=pc_systems, level=2)
    return edition


def reminders() -> list[Mail]:
    return list(Mail.objects.filter(dedupe_key__startswith="few-bids:"))


def test_members_with_few_bids_are_reminded_once(
    closing_soon: Edition, pc_systems: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.remind_few_bids() == 1
        assert notifications.remind_few_bids() == 0
    [reminder] = reminders()
    assert reminder.to_email == "sys@example.org"
    assert reminder.to_user == pc_systems
    assert reminder.subject == "[MLSys 2027] Please bid on more papers before bidding closes"
    assert "You have bid on 1 paper of MLSys 2027" in reminder.body
    assert "please bid on at least 3" in reminder.body
    assert "AoE" in reminder.body
    assert "/mlsys2027/pc/bids/" in reminder.body
    assert len(mail.outbox) == 1


def test_the_task_run_twice_mails_once(closing_soon: Edition, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.remind_few_bids.delay().get() == 1
        assert tasks.remind_few_bids.delay().get() == 0
    assert [m.to_email for m in reminders()] == ["sys@example.org"]
    assert len(mail.outbox) == 1


def test_no_reminder_more_than_three_days_before_the_deadline(closing_soon: Edition) -> None:
    open_bidding(closing_soon, closes_in=timedelta(days=3, minutes=1))
    assert notifications.remind_few_bids() == 0
    assert notifications.remind_few_bids(now=timezone.now() + timedelta(minutes=2)) == 1


def test_no_reminder_once_bidding_closed(closing_soon: Edition) -> None:
    deadline = Deadline.objects.get(edition=closing_soon, phase=Phase.BIDDING)
    assert notifications.remind_few_bids(now=deadline.closes_at + timedelta(seconds=1)) == 0
    assert not reminders()


def test_no_reminder_before_bidding_opens(closing_soon: Edition) -> None:
    """Bidding closes within three days but has not opened yet (the paper deadline moved)."""
    Deadline.objects.filter(edition=closing_soon, phase=Phase.PAPER_SUBMISSION).update(
        closes_at=timezone.now() + timedelta(days=1)
    )
    forget_timeline(closing_soon)
    assert notifications.remind_few_bids() == 0


def test_a_moved_deadline_is_reminded_again(closing_soon: Edition) -> None:
    notifications.remind_few_bids()
    open_bidding(closing_soon, closes_in=timedelta(days=1))
    notifications.remind_few_bids()
    assert len(reminders()) == 2


def test_nobody_is_reminded_when_everyone_bid_enough(closing_soon: Edition, pc_systems: Any) -> None:
    for paper in closing_soon.submissions.exclude(number=1):
        Bid.objects.create(submission=paper, user=pc_systems, level=-1)
    assert notifications.remind_few_bids() == 0


def test_the_beat_schedule_runs_the_reminder() -> None:
    celery_app.loader.import_default_modules()
    entries = [e for e in celery_app.conf.beat_schedule.values() if e["task"] == "bidding.tasks.remind_few_bids"]
    assert len(entries) == 1
    assert "bidding.tasks.remind_few_bids" in celery_app.tasks


def test_the_affinity_task_computes_by_id(edition: Edition, pc_systems: Any) -> None:
    set_profile(pc_systems, keywords="sparse kernels")
    add_paper(edition, 1, title="Sparse kernels on GPUs")
    assert tasks.compute_affinity.delay(edition.pk).get() == 1
    assert Affinity.objects.get(user=pc_systems).score > 0


def test_the_affinity_task_ignores_a_deleted_edition(db: Any) -> None:
    assert tasks.compute_affinity.delay(987654).get() == 0


def test_missing_affinities_are_filled_in_while_bidding_is_open(edition: Edition, pc_systems: Any) -> None:
    set_profile(pc_systems, keywords="sparse kernels")
    add_paper(edition, 1, title="Sparse kernels on GPUs")
    assert tasks.complete_affinities() == 0  # bidding has not opened: nothing to do yet
    assert not Affinity.objects.exists()

    open_bidding(edition)
    assert tasks.complete_affinities() == 1
    assert Affinity.objects.count() == 1
    assert tasks.complete_affinities() == 0  # complete: the second run does nothing

    add_paper(edition, 2, title="A late paper on sparse kernels")  # e.g. an extension
    assert tasks.complete_affinities() == 1
    assert Affinity.objects.count() == 2


def test_no_affinities_are_computed_after_bidding_closed(edition: Edition, pc_systems: Any) -> None:
    add_paper(edition, 1, title="Sparse kernels on GPUs")
    open_bidding(edition, closes_in=timedelta(seconds=-1))
    assert tasks.complete_affinities() == 0


def test_the_beat_schedule_completes_affinities() -> None:
    celery_app.loader.import_default_modules()
    tasks_run = {e["task"] for e in celery_app.conf.beat_schedule.values()}
    assert "bidding.tasks.complete_affinities" in tasks_run
    assert "bidding.tasks.complete_affinities" in celery_app.tasks


@pytest.mark.usefixtures("retries_run_eagerly")
def test_the_affinity_task_is_tried_again_after_a_database_error(
    edition: Edition, pc_systems: Any, monkeypatch: Any
) -> None:
    from django.db import OperationalError

    set_profile(pc_systems, keywords="sparse kernels")
    add_paper(edition, 1, title="Sparse kernels on GPUs")
    real, calls = tasks.services.affinity_compute, []

    def flaky(**kwargs: Any) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the database went away")
        return real(**kwargs)

    monkeypatch.setattr(tasks.services, "affinity_compute", flaky)
    assert tasks.compute_affinity.delay(edition.pk).get() == 1
    assert len(calls) == 2
    assert Affinity.objects.count() == 1

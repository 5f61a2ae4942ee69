"""Reminders of missing reviews: N days before the deadline (not earlier, once), then daily after
it, never twice in a day, stopped by a submitted review; the chairs' daily summary, without the
papers a chair is conflicted with; and the job tried again after a database error."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import OperationalError

from conferences.models import Deadline, Edition, Phase, ReleaseKind
from conferences.releases import release_now
from conferences.roles import RoleKind
from outbox.models import Mail
from reviews import reminders, tasks
from reviews.models import ReviewSettings
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from tests.factories.committees import RoleFactory
from tests.factories.reviews import assign, open_reviewing, write_review
from tests.factories.submissions import AuthorFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def second(edition: Edition) -> Submission:
    paper: Any = SubmissionFactory(edition=edition, number=2, title="Learned Index Structures Revisited")
    return paper


@pytest.fixture
def deadline(edition: Edition, submission: Submission, second: Submission, pc_systems: Any, pc_ml: Any) -> datetime:
    """Reviewing open; pc_systems reviews both papers, pc_ml the first. Returns the deadline."""
    open_reviewing(edition)
    assign(submission, pc_systems)
    assign(second, pc_systems)
    assign(submission, pc_ml)
    return Deadline.objects.get(edition=edition, phase=Phase.REVIEWING).closes_at


def reminders_to(user: Any) -> list[Mail]:
    return list(Mail.objects.filter(to_user=user, dedupe_key__startswith="review-reminder:").order_by("pk"))


def summaries_to(user: Any) -> list[Mail]:
    return list(Mail.objects.filter(to_user=user, dedupe_key__startswith="review-summary:").order_by("pk"))


def test_a_reviewer_is_reminded_n_days_before_the_deadline_not_earlier_and_once(
    edition: Edition, deadline: datetime, pc_systems: Any, chair: Any
) -> None:
    ReviewSettings.objects.create(edition=edition, reminder_days_before=4)
    assert reminders.remind_missing_reviews(now=deadline - timedelta(days=4, hours=1)) == 0
    assert not reminders_to(pc_systems)

    reminders.remind_missing_reviews(now=deadline - timedelta(days=4) + timedelta(hours=1))
    [mail] = reminders_to(pc_systems)
    assert "due soon" in mail.subject
    assert "#1 Fast Sparse Attention Kernels" in mail.body
    assert "#2 Learned Index Structures Revisited" in mail.body
    assert f"{settings.SITE_URL}/mlsys2027/reviews/papers/2/" in mail.body
    assert not summaries_to(chair)  # before the deadline nobody is late

    # The days between: nothing more until the deadline has passed.
    for days in (3, 2, 1):
        reminders.remind_missing_reviews(now=deadline - timedelta(days=days))
    assert len(reminders_to(pc_systems)) == 1


def test_after_the_deadline_reminders_are_daily_and_never_twice_in_a_day(
    edition: Edition, deadline: datetime, pc_systems: Any, pc_ml: Any
) -> None:
    after = deadline + timedelta(minutes=5)
    first = reminders.remind_missing_reviews(now=after)
    assert first >= 2
    assert reminders.remind_missing_reviews(now=after) == 0
    assert reminders.remind_missing_reviews(now=after + timedelta(minutes=30)) == 0
    [mail] = reminders_to(pc_systems)
    assert "late" in mail.subject
    assert "#1 Fast Sparse Attention Kernels (late)" in mail.body

    reminders.remind_missing_reviews(now=after + timedelta(days=1))
    reminders.remind_missing_reviews(now=after + timedelta(days=2))
    assert len(reminders_to(pc_systems)) == 3
    assert len(reminders_to(pc_ml)) == 3
    # Reminders stop two weeks after the deadline when there is no discussion deadline.
    reminders.remind_missing_reviews(now=after + timedelta(days=15))
    assert len(reminders_to(pc_systems)) == 3


@pytest.mark.parametrize("local_time", ["23:50", "11:50", "00:10"])
def test_late_reminders_are_a_day_apart_whatever_the_hour_of_the_deadline(
    edition: Edition, deadline: datetime, pc_systems: Any, pc_ml: Any, local_time: str
) -> None:
    """Days after the deadline count from it: no second mail just after the next midnight."""
    hour, minute = map(int, local_time.split(":"))
    closes = deadline.astimezone(edition.zone).replace(hour=hour, minute=minute, second=0, microsecond=0)
    Deadline.objects.filter(edition=edition, phase=Phase.REVIEWING).update(closes_at=closes)
    assert reminders.remind_missing_reviews(now=closes + timedelta(minutes=5)) >= 2
    for hours in (0.5, 1, 12, 23.5):
        assert reminders.remind_missing_reviews(now=closes + timedelta(hours=hours)) == 0, hours
    assert reminders.remind_missing_reviews(now=closes + timedelta(hours=24, minutes=5)) >= 2
    assert len(reminders_to(pc_systems)) == 2


def test_a_submitted_review_stops_the_reminders(
    edition: Edition, deadline: datetime, submission: Submission, second: Submission, pc_systems: Any, pc_ml: Any
) -> None:
    write_review(submission, pc_ml)
    write_review(submission, pc_systems)
    write_review(second, pc_systems, submit=False)  # a draft is still missing
    reminders.remind_missing_reviews(now=deadline + timedelta(hours=1))
    assert not reminders_to(pc_ml)
    [mail] = reminders_to(pc_systems)
    assert "#2 Learned Index Structures Revisited" in mail.body
    assert "#1 " not in mail.body

    write_review(second, pc_systems)
    reminders.remind_missing_reviews(now=deadline + timedelta(days=1, hours=1))
    assert len(reminders_to(pc_systems)) == 1


def test_the_chairs_summary_groups_by_area_with_names_and_omits_a_conflicted_chairs_paper(
    edition: Edition, deadline: datetime, submission: Submission, chair: Any, pc_systems: Any, pc_ml: Any
) -> None:
    other_chair: Any = RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair2@example.org").user
    Conflict.objects.create(
        submission=submission, user=other_chair, reason=ConflictReason.COLLABORATOR, source=ConflictSource.CHAIR
    )
    reminders.remind_missing_reviews(now=deadline + timedelta(hours=1))

    [mail] = summaries_to(chair)
    assert "2 papers still lacking reviews" in mail.subject
    systems, ml = mail.body.index("Systems\n"), mail.body.index("ML\n")
    assert pc_systems.display_name in mail.body[systems:ml]
    assert pc_ml.display_name in mail.body[ml:]
    assert "#1 Fast Sparse Attention Kernels" in mail.body

    [theirs] = summaries_to(other_chair)
    assert "1 paper still lacking reviews" in theirs.subject
    assert "Fast Sparse Attention Kernels" not in theirs.body
    assert pc_ml.display_name not in theirs.body  # pc_ml is late on the conflicted paper only
    assert "#2 Learned Index Structures Revisited" in theirs.body

    reminders.remind_missing_reviews(now=deadline + timedelta(hours=2))
    assert len(summaries_to(chair)) == 1


def test_no_summary_for_a_chair_conflicted_with_every_late_paper(
    edition: Edition, deadline: datetime, submission: Submission, second: Submission, chair: Any
) -> None:
    for paper in (submission, second):
        Conflict.objects.create(submission=paper, user=chair, reason=ConflictReason.OTHER, source=ConflictSource.CHAIR)
    reminders.remind_missing_reviews(now=deadline + timedelta(hours=1))
    assert not summaries_to(chair)


@pytest.mark.usefixtures("retries_run_eagerly")
def test_the_task_is_tried_again_after_a_database_error(deadline: datetime, pc_systems: Any, monkeypatch: Any) -> None:
    real, calls = reminders.remind_missing_reviews, []

    def flaky(now: datetime | None = None) -> int:
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("the database went away")
        return real(now=deadline + timedelta(hours=1))

    monkeypatch.setattr(tasks.reminders, "remind_missing_reviews", flaky)
    assert tasks.remind_missing_reviews.delay().get() >= 2
    assert len(calls) == 2
    assert len(reminders_to(pc_systems)) == 1


def test_the_job_is_on_the_beat_schedule() -> None:
    from mlsys_conf.celery import app

    tasks_scheduled = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "reviews.tasks.remind_missing_reviews" in tasks_scheduled


def test_a_chair_who_wrote_a_paper_is_not_told_who_reviews_it_even_after_the_release(
    edition: Edition, deadline: datetime, submission: Submission, chair: Any, pc_ml: Any
) -> None:
    AuthorFactory(submission=submission, position=3, name=chair.display_name, email=chair.email, user=chair)
    release_now(by=chair, edition=edition, kind=ReleaseKind.REVIEWS_TO_AUTHORS)
    reminders.remind_missing_reviews(now=deadline + timedelta(hours=1))
    [mail] = summaries_to(chair)
    assert "Fast Sparse Attention Kernels" not in mail.body
    assert pc_ml.display_name not in mail.body

"""Chair-triggered releases: scheduled or at once, released once by the job, never a deadline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actionlog.models import Action
from conferences.models import Edition, Release, ReleaseKind
from conferences.phases import Timeline
from conferences.releases import release_now, release_schedule, releases_release_due
from conferences.selectors import edition_timeline, is_released
from conferences.tasks import release_due
from mlsys_conf.policy import PolicyDenied

pytestmark = pytest.mark.django_db

DECISIONS = ReleaseKind.DECISIONS
REFUSAL = "Only the PC chairs of this edition can change its settings and deadlines."
PAGE = "/mlsys2027/chair/releases/"
API = "/api/editions/mlsys2027/releases/"


def actions(edition: Edition, action: str) -> list[Action]:
    return list(Action.objects.filter(edition=edition, action=action))


# --- The selector ----------------------------------------------------------------------------


def test_nothing_is_released_before_the_chairs_say_so(edition: Edition) -> None:
    assert not any(is_released(edition, kind) for kind in ReleaseKind)


def test_a_scheduled_release_is_visible_from_its_second_on_without_waiting_for_the_job(
    edition: Edition, chair: Any
) -> None:
    at = (timezone.now() + timedelta(days=2)).replace(microsecond=0)
    release_schedule(by=chair, edition=edition, kind=DECISIONS, at=at)

    assert not is_released(edition, DECISIONS, at - timedelta(seconds=1))
    assert is_released(edition, DECISIONS, at)
    assert not is_released(edition, ReleaseKind.PROGRAM, at)  # one kind does not release another


def test_a_release_at_once_is_visible_from_then_on(edition: Edition, chair: Any) -> None:
    before = timezone.now() - timedelta(seconds=1)
    release = release_now(by=chair, edition=edition, kind=ReleaseKind.REVIEWS_TO_AUTHORS)

    assert release.released_at is not None
    assert release.by == chair
    assert is_released(edition, ReleaseKind.REVIEWS_TO_AUTHORS)
    assert not is_released(edition, ReleaseKind.REVIEWS_TO_AUTHORS, before)


# --- Services: rules and log -------------------------------------------------------------------


@pytest.mark.parametrize("who", ["pc_systems", "author", "outsider"])
def test_only_chairs_schedule_or_release(request: Any, edition: Edition, who: str) -> None:
    user = request.getfixturevalue(who)
    with pytest.raises(PolicyDenied, match=REFUSAL):
        release_now(by=user, edition=edition, kind=DECISIONS)
    with pytest.raises(PolicyDenied, match=REFUSAL):
        release_schedule(by=user, edition=edition, kind=DECISIONS, at=timezone.now() + timedelta(days=1))
    assert not Release.objects.exists()


def test_scheduling_is_logged_with_before_and_after(edition: Edition, chair: Any) -> None:
    first, second = timezone.now() + timedelta(days=1), timezone.now() + timedelta(days=2)
    release_schedule(by=chair, edition=edition, kind=DECISIONS, at=first)
    release_schedule(by=chair, edition=edition, kind=DECISIONS, at=second)
    release_schedule(by=chair, edition=edition, kind=DECISIONS, at=None)

    scheduled = actions(edition, "release.scheduled")
    assert [a.actor for a in scheduled] == [chair, chair]
    assert [a.changes["scheduled_at"][0] is None for a in reversed(scheduled)] == [True, False]
    [unscheduled] = actions(edition, "release.unscheduled")
    assert unscheduled.changes["scheduled_at"][1] is None
    assert Release.objects.get(edition=edition, kind=DECISIONS).scheduled_at is None


def test_a_release_happens_once_and_cannot_be_rescheduled(edition: Edition, chair: Any) -> None:
    release_now(by=chair, edition=edition, kind=DECISIONS)
    with pytest.raises(ValidationError, match="already happened"):
        release_now(by=chair, edition=edition, kind=DECISIONS)
    with pytest.raises(ValidationError, match="cannot be taken back"):
        release_schedule(by=chair, edition=edition, kind=DECISIONS, at=timezone.now() + timedelta(days=1))
    assert len(actions(edition, "release.released")) == 1


def test_a_schedule_in_the_past_is_refused(edition: Edition, chair: Any) -> None:
    with pytest.raises(ValidationError, match="still ahead"):
        release_schedule(by=chair, edition=edition, kind=DECISIONS, at=timezone.now() - timedelta(minutes=1))


# --- The job ----------------------------------------------------------------------------------


def test_the_job_releases_due_ones_once_however_often_it_runs(edition: Edition, chair: Any) -> None:
    soon = timezone.now() + timedelta(hours=1)
    release_schedule(by=chair, edition=edition, kind=DECISIONS, at=soon)
    release_schedule(by=chair, edition=edition, kind=ReleaseKind.PROGRAM, at=soon + timedelta(days=1))

    assert releases_release_due(now=soon - timedelta(seconds=1)) == []
    [done] = releases_release_due(now=soon)
    assert done.kind == DECISIONS
    assert releases_release_due(now=soon + timedelta(minutes=1)) == []

    [logged] = actions(edition, "release.released")
    assert logged.actor is None
    assert logged.note == "at the scheduled time"
    assert Release.objects.get(edition=edition, kind=DECISIONS).released_at == soon
    assert Release.objects.get(edition=edition, kind=ReleaseKind.PROGRAM).released_at is None


def test_a_worker_that_lost_the_race_releases_nothing(edition: Edition, chair: Any) -> None:
    """Two workers read the same due row; the second one's conditional UPDATE changes nothing."""
    at = timezone.now() + timedelta(hours=1)
    release = release_schedule(by=chair, edition=edition, kind=DECISIONS, at=at)
    Release.objects.filter(pk=release.pk).update(released_at=at)  # the other worker was first

    assert releases_release_due(now=at + timedelta(seconds=5)) == []
    assert actions(edition, "release.released") == []


def test_the_celery_task_runs_the_job(edition: Edition, chair: Any) -> None:
    release = release_schedule(by=chair, edition=edition, kind=DECISIONS, at=timezone.now() + timedelta(hours=1))
    Release.objects.filter(pk=release.pk).update(scheduled_at=timezone.now() - timedelta(seconds=1))
    assert release_due.delay().get() == 1
    assert release_due.delay().get() == 0


# --- Releases are not deadlines -----------------------------------------------------------------


def test_releases_never_appear_among_the_deadlines(edition: Edition, chair: Any) -> None:
    before = edition_timeline(edition)
    release_now(by=chair, edition=edition, kind=ReleaseKind.PROGRAM)
    after = Timeline.from_deadlines(edition.deadlines.all())
    assert after == before


# --- Page and API ------------------------------------------------------------------------------


def test_the_chairs_page_schedules_and_releases(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    page = client.get(PAGE).content.decode()
    assert page.count("not planned") == len(ReleaseKind)

    response = client.post(PAGE, {"kind": "decisions", "do": "schedule", "at": "2099-03-01T09:00:00"}, follow=True)
    assert "Decisions: saved." in response.content.decode()
    local = Release.objects.get(kind=DECISIONS).scheduled_at.astimezone(edition.zone)  # typed in the edition's zone
    assert (local.year, local.month, local.day, local.hour) == (2099, 3, 1, 9)

    client.post(PAGE, {"kind": "program", "do": "now"})
    assert is_released(edition, ReleaseKind.PROGRAM)
    again = client.post(PAGE, {"kind": "program", "do": "now"}, follow=True).content.decode()
    assert "The release of program has already happened." in again


def test_the_page_needs_a_time_to_schedule(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(PAGE, {"kind": "decisions", "do": "schedule", "at": ""}, follow=True)
    assert "Give the time of the release, to the second." in response.content.decode()
    assert not Release.objects.exists()


def test_a_pc_member_may_not_use_the_page(client: Any, edition: Edition, pc_systems: Any) -> None:
    client.force_login(pc_systems)
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"kind": "decisions", "do": "now"}).status_code == 403
    assert not is_released(edition, DECISIONS)


def test_the_api_lists_schedules_and_releases(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    assert [r["kind"] for r in client.get(API).json()] == [k.value for k in ReleaseKind]

    at = "2099-01-02T03:04:05Z"
    scheduled = client.post(API, {"kind": "decisions", "scheduled_at": at}, content_type="application/json")
    assert scheduled.status_code == 200
    assert scheduled.json()["scheduled_at"] == at
    assert scheduled.json()["released_at"] is None

    now = client.post(API, {"kind": "program", "release_now": True}, content_type="application/json").json()
    assert now["released_at"] is not None
    assert now["by"] == chair.email
    assert is_released(edition, ReleaseKind.PROGRAM)

    twice = client.post(API, {"kind": "program", "release_now": True}, content_type="application/json")
    assert twice.status_code == 400


def test_the_api_refuses_a_pc_member(client: Any, edition: Edition, pc_systems: Any) -> None:
    client.force_login(pc_systems)
    response = client.post(API, {"kind": "decisions", "release_now": True}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == REFUSAL
    assert not is_released(edition, DECISIONS)

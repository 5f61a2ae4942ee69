"""Queueing with the broker down (mlsys_conf.queueing), without a worker: nothing raises into the
caller, a task that writes mail rows or conflicts runs in the caller instead, and after one
failure the process stops trying for a while, so a request pays the broker's timeout once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import celery
import pytest
from kombu.exceptions import OperationalError

from conferences.models import Edition
from mlsys_conf import queueing
from mlsys_conf.celery import app as celery_app
from outbox.tasks import send_mail
from submissions.tasks import refresh_edition_conflicts
from tests.faults.test_broker_down import DEAD_BROKER, use_broker


@pytest.fixture
def dead_broker() -> Iterator[None]:
    saved = celery_app.conf.broker_url
    celery_app.conf.task_always_eager = False  # the autouse fixture puts it back
    use_broker(DEAD_BROKER)
    yield
    use_broker(saved)


def test_a_task_the_broker_cannot_take_is_logged_not_raised(dead_broker: None, caplog: Any) -> None:
    assert send_mail.delay(12345) is None
    assert "outbox.tasks.send_mail(12345,) not queued" in caplog.text


@pytest.mark.django_db
def test_a_task_that_must_not_wait_runs_in_the_caller(dead_broker: None, edition: Edition, caplog: Any) -> None:
    with mock.patch("submissions.services.conflicts_refresh_edition", return_value=3) as refresh:
        result = refresh_edition_conflicts.delay(edition.pk, 7)
    assert result.get() == 3
    refresh.assert_called_once_with(edition=edition, user_ids=[7], hide_from_members=True)
    assert "running submissions.tasks.refresh_edition_conflicts" in caplog.text


def test_after_a_failure_the_process_stops_trying_for_a_while(dead_broker: None) -> None:
    down = OperationalError("Connection refused")
    with mock.patch.object(celery.Task, "apply_async", side_effect=down) as publish:
        send_mail.delay(1)
        send_mail.delay(2)
        assert publish.call_count == 1  # the second found the broker known to be down
        queueing.broker_down_until = 0.0  # the pause is over
        send_mail.delay(3)
        assert publish.call_count == 2


@pytest.mark.django_db(transaction=True)
def test_a_solver_run_the_broker_cannot_take_fails_at_once_so_another_may_start(
    dead_broker: None, edition: Edition, chair: Any
) -> None:
    from assignments.models import RunStatus
    from assignments.services import run_start

    run = run_start(edition=edition, by=chair)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "task queue could not be reached" in run.message
    queueing.broker_down_until = 0.0
    assert run_start(edition=edition, by=chair).pk != run.pk  # not "a run is already under way"

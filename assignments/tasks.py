"""Thin tasks: ids in, the service does the work, unexpected errors are retried."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from assignments import notifications, services
from assignments.models import AssignmentKind
from mlsys_conf.queueing import RunHereIfBrokerDown

log = logging.getLogger(__name__)

RUN_RETRIES = 2
RUN_RETRY_SECONDS = 30  # then 60


@shared_task(bind=True, max_retries=RUN_RETRIES)
def execute_run(self: Any, run_id: int) -> str:
    try:
        run = services.run_execute(run_id)
    except Exception as error:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=RUN_RETRY_SECONDS * 2**self.request.retries) from error
        log.exception("assignment run %s failed after %s retries", run_id, self.max_retries)
        return services.run_give_up(run_id, error).status
    return run.status if run else "already claimed"


@shared_task(base=RunHereIfBrokerDown)  # writes mail rows: never lost to a broker outage
def notify_reviewers(edition_id: int, user_ids: list[int], stamp: int, kind: str = AssignmentKind.REVIEW) -> int:
    return notifications.reviewers_of_committed(edition_id, user_ids, stamp, kind)

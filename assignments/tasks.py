"""Thin tasks: ids in, the service does the work."""

from __future__ import annotations

from celery import shared_task

from assignments import notifications, services


@shared_task
def execute_run(run_id: int) -> str:
    run = services.run_execute(run_id)
    return run.status if run else "already claimed"


@shared_task
def notify_reviewers(edition_id: int, user_ids: list[int], stamp: int) -> int:
    return notifications.reviewers_of_committed(edition_id, user_ids, stamp)

"""Thin tasks: ids in, fetch again, stop quietly if the row is gone, call the mail code."""

from __future__ import annotations

import logging
from typing import TypeVar

from celery import shared_task
from django.db import models

from conferences.models import Edition
from mlsys_conf.queueing import RunHereIfBrokerDown
from submissions import notifications, services  # services queue these tasks: each uses the other only in calls
from submissions.models import AuthorDispute, Submission, SubmissionFile

log = logging.getLogger(__name__)

Row = TypeVar("Row", bound=models.Model)


def _fetched_again(rows: models.QuerySet[Row], pk: int, if_gone: str = "") -> Row | None:
    """The row as it is now, or ``None`` if it was deleted meanwhile (logged as ``if_gone``)."""
    row = rows.filter(pk=pk).first()
    if row is None and if_gone:
        log.info(if_gone, pk)
    return row


@shared_task(base=RunHereIfBrokerDown)  # writes mail rows: never lost to a broker outage
def send_upload_receipt(file_id: int) -> int:
    version = _fetched_again(
        SubmissionFile.objects.select_related("submission__edition"), file_id, "upload %s is gone; no receipt"
    )
    return notifications.upload_receipt(version) if version else 0


@shared_task(base=RunHereIfBrokerDown)  # writes mail rows: never lost to a broker outage
def notify_new_authors(submission_id: int, emails: list[str]) -> int:
    submission = _fetched_again(Submission.objects.select_related("edition"), submission_id)
    return notifications.new_author_notice(submission, emails) if submission else 0


@shared_task(base=RunHereIfBrokerDown)  # writes mail rows: never lost to a broker outage
def notify_author_dispute(dispute_id: int) -> int:
    disputes = AuthorDispute.objects.select_related("submission__edition")
    dispute = _fetched_again(disputes, dispute_id, "author dispute %s is gone; nobody to tell")
    return notifications.author_dispute_notice(dispute) if dispute else 0


@shared_task(base=RunHereIfBrokerDown)  # writes mail rows: never lost to a broker outage
def notify_desk_rejection(submission_id: int) -> int:
    submission = _fetched_again(
        Submission.objects.select_related("edition"), submission_id, "submission %s is gone; no desk rejection mail"
    )
    return notifications.desk_rejection_notice(submission) if submission else 0


@shared_task(base=RunHereIfBrokerDown)  # conflicts of interest must not wait for the broker
def refresh_edition_conflicts(edition_id: int, user_id: int | None = None, joined: bool = False) -> int:
    """Automatic conflicts of the edition's papers, for one member (``user_id``) or all. New
    ones are hidden from their member unless the member has just ``joined`` (only then is
    nothing of theirs the cause)."""
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return 0
    user_ids = None if user_id is None else [user_id]
    return services.conflicts_refresh_edition(edition=edition, user_ids=user_ids, hide_from_members=not joined)

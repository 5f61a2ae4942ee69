"""Thin tasks: ids in, fetch again, stop quietly if the row is gone, call the mail code."""

from __future__ import annotations

import logging

from celery import shared_task

from submissions import notifications
from submissions.models import Submission, SubmissionFile

log = logging.getLogger(__name__)


@shared_task
def send_upload_receipt(file_id: int) -> int:
    version = SubmissionFile.objects.select_related("submission__edition").filter(pk=file_id).first()
    if version is None:
        log.info("upload %s is gone; no receipt", file_id)
        return 0
    return notifications.upload_receipt(version)


@shared_task
def notify_new_authors(submission_id: int, emails: list[str]) -> int:
    submission = Submission.objects.select_related("edition").filter(pk=submission_id).first()
    if submission is None:
        return 0
    return notifications.new_author_notice(submission, emails)


@shared_task
def refresh_edition_conflicts(edition_id: int) -> int:
    from conferences.models import Edition
    from submissions.services import conflicts_refresh_edition

    edition = Edition.objects.filter(pk=edition_id).first()
    return conflicts_refresh_edition(edition=edition) if edition else 0

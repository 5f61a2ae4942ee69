"""Thin tasks: ids in, fetch again, stop quietly if the row is gone, call the mail code."""

from __future__ import annotations

import logging

from celery import shared_task

from submissions import notifications
from submissions.models import AuthorDispute, Submission, SubmissionFile

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
def notify_author_dispute(dispute_id: int) -> int:
    dispute = AuthorDispute.objects.select_related("submission__edition").filter(pk=dispute_id).first()
    if dispute is None:
        log.info("author dispute %s is gone; nobody to tell", dispute_id)
        return 0
    return notifications.author_dispute_notice(dispute)


@shared_task
def notify_desk_rejection(submission_id: int) -> int:
    submission = Submission.objects.select_related("edition").filter(pk=submission_id).first()
    if submission is None:
        log.info("submission %s is gone; no desk rejection mail", submission_id)
        return 0
    return notifications.desk_rejection_notice(submission)


@shared_task
def refresh_edition_conflicts(edition_id: int, user_id: int | None = None, joined: bool = False) -> int:
    """Automatic conflicts of the edition's papers, for one member (``user_id``) or all. New
    ones are hidden from their member unless the member has just ``joined`` (only then is
    nothing of theirs the cause)."""
    from conferences.models import Edition
    from submissions.services import conflicts_refresh_edition

    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        return 0
    user_ids = None if user_id is None else [user_id]
    return conflicts_refresh_edition(edition=edition, user_ids=user_ids, hide_from_members=not joined)

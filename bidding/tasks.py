"""Thin tasks: ids in, fetch again, stop quietly if the row is gone, call a service. The
affinity jobs are one transaction each, so a database hiccup leaves nothing half-written and
they are simply tried again (they store only what is still missing or stale)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import IntegrityError, InterfaceError, OperationalError
from django.utils import timezone

from bidding import notifications, selectors, services
from conferences.models import Edition
from submissions.models import Submission

log = logging.getLogger(__name__)

# Worth another try: a lost connection, a deadlock or serialisation failure, a row removed
# under the job (the next try no longer sees it).
DATABASE_HICCUPS = (OperationalError, InterfaceError, IntegrityError)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=30, max_retries=3)
def compute_affinity(edition_id: int) -> int:
    """Score every (paper, PC member) pair of an edition; safe to run twice."""
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        log.info("edition %s is gone; no affinities", edition_id)
        return 0
    return services.affinity_compute(edition=edition)


@shared_task(autoretry_for=DATABASE_HICCUPS, retry_backoff=5, max_retries=5)
def complete_paper_affinity(submission_id: int) -> int:
    """Score a paper just registered or changed with every PC member, at once; safe to run twice."""
    submission = Submission.objects.select_related("edition").filter(pk=submission_id).first()
    if submission is None or not submission.is_active:
        log.info("submission %s is gone or not active; no affinities", submission_id)
        return 0
    return services.affinity_complete(edition=submission.edition, paper_ids=[submission.pk])


@shared_task(autoretry_for=DATABASE_HICCUPS, retry_backoff=5, max_retries=5)
def complete_member_affinity(edition_id: int, user_id: int) -> int:
    """Score a member who just joined the committee with every paper, at once; safe to run twice."""
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        log.info("edition %s is gone; no affinities", edition_id)
        return 0
    return services.affinity_complete(edition=edition, user_ids=[user_id])


@shared_task
def complete_affinities() -> int:
    """While bidding is open, score the pairs that have no affinity yet (late papers, new
    members), so every member's list is sorted by match without a chair having to ask."""
    editions = selectors.editions_missing_affinities(timezone.now())
    for edition in editions:
        services.affinity_compute(edition=edition)
    return len(editions)


@shared_task
def remind_few_bids() -> int:
    """Remind, once per bidding deadline, the members who bid on too few papers."""
    return notifications.remind_few_bids()

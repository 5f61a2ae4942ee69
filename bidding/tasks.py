"""Thin tasks: ids in, fetch again, stop quietly if the row is gone, call a service. The
affinity job is one transaction, so a database hiccup leaves nothing half-written and it is
simply tried again."""

from __future__ import annotations

import logging

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from bidding import notifications, selectors, services
from conferences.models import Edition

log = logging.getLogger(__name__)


@shared_task(autoretry_for=(OperationalError,), retry_backoff=30, max_retries=3)
def compute_affinity(edition_id: int) -> int:
    """Score every (paper, PC member) pair of an edition; safe to run twice."""
    edition = Edition.objects.filter(pk=edition_id).first()
    if edition is None:
        log.info("edition %s is gone; no affinities", edition_id)
        return 0
    return services.affinity_compute(edition=edition)


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

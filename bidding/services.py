"""Bids and affinities. Bidding is enforced to the second here (the pages and the API ask the
policy first, for a clear refusal); affinities are computed for a whole edition at once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from bidding import affinity
from bidding.models import Affinity, Bid, BidLevel
from bidding.selectors import active_papers, bidders_of, has_conflict, is_bidder
from conferences.models import Edition, Phase
from conferences.services import require_phase_open
from mlsys_conf.policy import PolicyDenied, deny
from submissions.models import ConflictReason, Submission
from submissions.services import conflict_declare_own, require_declarable_reason

log = logging.getLogger(__name__)

CONFLICT: Literal["conflict"] = "conflict"
UPSERT_BATCH = 2000


def _require_may_bid(submission: Submission, user: Any, now: datetime) -> None:
    require_phase_open(submission.edition, Phase.BIDDING, now=now)
    if not is_bidder(user, submission.edition):
        raise PolicyDenied(deny("Only PC members and area chairs bid on papers."))
    if submission.is_withdrawn:
        raise ValidationError("This paper was withdrawn.")


@transaction.atomic
def bid_set(
    *,
    submission: Submission,
    user: Any,
    level: int | Literal["conflict"],
    now: datetime | None = None,
    reason: str = ConflictReason.OTHER,
) -> Bid | None:
    """Bid ``level`` (-2..2) on a paper, or with ``"conflict"`` declare a conflict of interest
    with it (the paper then leaves the member's list, and any bid on it is removed).

    Returns the bid, or None for a conflict. Refused outside the bidding phase (to the
    second) and on papers the member is conflicted with.
    """
    now = now or timezone.now()
    _require_may_bid(submission, user, now)
    if has_conflict(user, submission):
        raise ValidationError("You have a conflict of interest with this paper, so you do not bid on it.")
    if level == CONFLICT:
        require_declarable_reason(reason)
        conflict_declare_own(submission=submission, user=user, reason=reason, conflicted=True)
        Bid.objects.filter(submission=submission, user=user).delete()
        log.info("user %s declared a conflict with #%s while bidding", user.pk, submission.number)
        return None
    if level not in BidLevel.values:
        raise ValidationError(f"A bid is one of {', '.join(map(str, sorted(BidLevel.values)))} or 'conflict'.")
    bid, _ = Bid.objects.update_or_create(submission=submission, user=user, defaults={"level": int(level)})
    log.info("user %s bid %s on #%s", user.pk, level, submission.number)
    return bid


@transaction.atomic
def bid_clear(*, submission: Submission, user: Any, now: datetime | None = None) -> bool:
    """Take a bid back (no bid: neutral). True if there was one."""
    _require_may_bid(submission, user, now or timezone.now())
    deleted, _ = Bid.objects.filter(submission=submission, user=user).delete()
    return bool(deleted)


# --- Affinity --------------------------------------------------------------------------------


def _rows(matrix: affinity.ProfileAffinity, paper_ids: list[int], user_ids: list[int]) -> Iterator[Affinity]:
    for p, m, score, terms in matrix.iter_explained():
        yield Affinity(
            submission_id=paper_ids[p],
            user_id=user_ids[m],
            score=round(score, 6),
            top_terms=[[term, weight] for term, weight in terms],
        )


@transaction.atomic
def affinity_compute(*, edition: Edition) -> int:
    """Compute and store the affinity of every (active paper, bidding member) pair of the
    edition, with the terms that matched most. Safe to run again: rows are upserted and rows
    of withdrawn papers or former members are removed. Returns the number of pairs stored."""
    papers = list(active_papers(edition).order_by("pk").only("pk", "title", "abstract", "keywords"))
    members = [role.user for role in bidders_of(edition)]
    matrix = affinity.compute_profile_affinity(
        [affinity.paper_text(title=p.title, abstract=p.abstract, keywords=p.keywords) for p in papers],
        [affinity.profile_units(keywords=u.keywords, publications=u.publication_list) for u in members],
    )
    paper_ids, user_ids = [p.pk for p in papers], [u.pk for u in members]
    Affinity.objects.filter(submission__edition=edition).exclude(submission_id__in=paper_ids).delete()
    Affinity.objects.filter(submission__edition=edition).exclude(user_id__in=user_ids).delete()
    batch: list[Affinity] = []
    stored = 0
    for row in _rows(matrix, paper_ids, user_ids):
        batch.append(row)
        if len(batch) >= UPSERT_BATCH:
            stored += _upsert(batch)
            batch = []
    stored += _upsert(batch)
    log.info(
        "affinities of %s: %s papers x %s members, %s without a profile",
        edition.slug,
        len(papers),
        len(members),
        len(matrix.empty_members),
    )
    return stored


def _upsert(rows: list[Affinity]) -> int:
    if not rows:
        return 0
    now = timezone.now()
    for row in rows:
        row.computed_at = now
    Affinity.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["submission", "user"],
        update_fields=["score", "top_terms", "computed_at"],
    )
    return len(rows)


def affinity_compute_request(*, edition: Edition, by: Any) -> None:
    """Queue the affinity job once the current transaction commits (runs at once locally)."""
    from bidding.tasks import compute_affinity

    log.info("user %s asked for the affinities of %s", getattr(by, "pk", None), edition.slug)
    transaction.on_commit(lambda: compute_affinity.delay(edition.pk))

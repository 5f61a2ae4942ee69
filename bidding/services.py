"""Bids and affinities. The bidding services enforce "who may bid" themselves, with the policy's
reason (:func:`bidding.policy.can_bid_on_paper`: the role, the phase to the second, the paper);
the pages and the API only ask the policy what to show. Affinities are computed for a whole
edition at once, by a job a chair asks for (and every ten minutes while pairs are missing), and
at once for a paper when it is registered or changed and for a member when they join
(:func:`affinity_complete`, started by :mod:`bidding.receivers`).

Every change is logged (:mod:`actionlog`). Bids too: one small insert each, in the bid's own
transaction, and the only record of how a member's bids moved, which is what chairs need when
they look into a suspicious pattern of bids (a member pushing a friend's paper, bidding
rings); the Bid row keeps only the last level."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from actionlog.services import record_action, record_paper_action
from bidding import affinity, tasks
from bidding.models import Affinity, Bid, BidLevel
from bidding.policy import can_bid_on_paper, can_compute_affinities
from bidding.selectors import active_papers, bidders_of
from conferences.models import Edition
from mlsys_conf.policy import require
from submissions.models import ConflictReason, Submission
from submissions.services import conflict_declare_own, require_declarable_reason

log = logging.getLogger(__name__)

CONFLICT: Literal["conflict"] = "conflict"
UPSERT_BATCH = 2000


def _record_bid(submission: Submission, user: Any, before: int | None, after: int | None, note: str = "") -> None:
    if before == after:
        return
    action = "bid.cleared" if after is None else "bid.changed"
    record_paper_action(submission, actor=user, action=action, changes={"level": (before, after)}, note=note)


def _level_of(submission: Submission, user: Any) -> int | None:
    return Bid.objects.filter(submission=submission, user=user).values_list("level", flat=True).first()


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

    Returns the bid, or None for a conflict. Refused (with the policy's reason) to all but
    bidding members, outside the bidding phase (to the second), on withdrawn papers and on
    papers the member is conflicted with.
    """
    require(can_bid_on_paper(user, submission, now or timezone.now()))
    before = _level_of(submission, user)
    if level == CONFLICT:
        require_declarable_reason(reason)
        conflict_declare_own(submission=submission, user=user, reason=reason, conflicted=True)
        Bid.objects.filter(submission=submission, user=user).delete()
        _record_bid(submission, user, before, None, note="A conflict of interest was declared instead.")
        log.info("user %s declared a conflict with #%s while bidding", user.pk, submission.number)
        return None
    if level not in BidLevel.values:
        raise ValidationError(f"A bid is one of {', '.join(map(str, sorted(BidLevel.values)))} or 'conflict'.")
    bid, _ = Bid.objects.update_or_create(submission=submission, user=user, defaults={"level": int(level)})
    _record_bid(submission, user, before, bid.level)
    log.info("user %s bid %s on #%s", user.pk, level, submission.number)
    return bid


@transaction.atomic
def bid_clear(*, submission: Submission, user: Any, now: datetime | None = None) -> bool:
    """Take a bid back (no bid: neutral). True if there was one. Refused as :func:`bid_set`."""
    require(can_bid_on_paper(user, submission, now or timezone.now()))
    before = _level_of(submission, user)
    Bid.objects.filter(submission=submission, user=user).delete()
    _record_bid(submission, user, before, None)
    return before is not None


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
    of withdrawn papers or former members are removed. Returns the number of pairs stored.

    The work of a job (no acting user: chairs ask for it with :func:`affinity_compute_request`,
    and the beat schedule completes missing pairs while bidding is open)."""
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
    record_action(
        edition=edition,
        actor=None,
        action="affinity.computed",
        note=f"{stored} pairs stored ({len(papers)} papers x {len(members)} members; "
        f"{len(matrix.empty_members)} members without a profile)",
    )
    log.info(
        "affinities of %s: %s papers x %s members, %s without a profile",
        edition.slug,
        len(papers),
        len(members),
        len(matrix.empty_members),
    )
    return stored


def _due_pairs(
    edition: Edition, papers: list[Submission], members: list[Any], paper_ids: set[int], user_ids: set[int]
) -> dict[int, list[int]]:
    """The pairs of ``paper_ids`` with every member and of ``user_ids`` with every paper that
    have no affinity yet, or one computed before the paper last changed: ``{paper index:
    [member indexes]}``, indexes into ``papers`` and ``members``."""
    new_papers = [i for i, p in enumerate(papers) if p.pk in paper_ids]
    new_members = [j for j, u in enumerate(members) if u.pk in user_ids]
    if not (new_papers and members) and not (new_members and papers):
        return {}
    involved = Q(submission_id__in=[papers[i].pk for i in new_papers]) | Q(
        user_id__in=[members[j].pk for j in new_members]
    )
    stored = {
        (sid, uid): at
        for sid, uid, at in Affinity.objects.filter(involved, submission__edition=edition).values_list(
            "submission_id", "user_id", "computed_at"
        )
    }
    candidates = {(i, j) for i in new_papers for j in range(len(members))}
    candidates |= {(i, j) for i in range(len(papers)) for j in new_members}
    due: dict[int, list[int]] = defaultdict(list)
    for i, j in sorted(candidates):
        at = stored.get((papers[i].pk, members[j].pk))
        if at is None or at < papers[i].updated_at:
            due[i].append(j)
    return dict(due)


@transaction.atomic
def affinity_complete(*, edition: Edition, paper_ids: Collection[int] = (), user_ids: Collection[int] = ()) -> int:
    """Score at once the new or changed papers ``paper_ids`` with every bidding member, and the
    new members ``user_ids`` with every active paper, without waiting for the whole edition's
    job. Only the pairs with no affinity yet, or with one computed before the paper's last
    change, are stored; every other pair is left as it is, so running it again stores nothing.
    Returns the number of pairs stored.

    The vocabulary is fitted on the whole edition, as :func:`affinity_compute` does, so the new
    scores compare with the stored ones; only the due pairs are explained and written. The
    papers scored are locked first: an author's edit meanwhile waits, and its own job then sees
    these scores as older than the change. The work of a job (no acting user)."""
    paper_ids, user_ids = set(paper_ids), set(user_ids)
    if not paper_ids and not user_ids:
        return 0
    scope = active_papers(edition) if user_ids else active_papers(edition).filter(pk__in=paper_ids)
    list(scope.select_for_update().order_by("pk").values_list("pk", flat=True))
    fields = ("pk", "number", "title", "abstract", "keywords", "updated_at")
    papers = list(active_papers(edition).order_by("pk").only(*fields))
    members = [role.user for role in bidders_of(edition)]
    due = _due_pairs(edition, papers, members, paper_ids, user_ids)
    if not due:
        return 0
    matrix = affinity.compute_profile_affinity(
        [affinity.paper_text(title=p.title, abstract=p.abstract, keywords=p.keywords) for p in papers],
        [affinity.profile_units(keywords=u.keywords, publications=u.publication_list) for u in members],
    )
    rows = []
    for i, member_indexes in due.items():
        units = [int(matrix.best_unit[i, j]) for j in member_indexes]
        explained = matrix.units.top_terms_for_paper(i, members=units)
        for j, terms in zip(member_indexes, explained, strict=True):
            rows.append(
                Affinity(
                    submission_id=papers[i].pk,
                    user_id=members[j].pk,
                    score=round(float(matrix.scores[i, j]), 6),
                    top_terms=[[term, weight] for term, weight in terms],
                )
            )
    stored = sum(_upsert(rows[start : start + UPSERT_BATCH]) for start in range(0, len(rows), UPSERT_BATCH))
    scored_papers = sorted({papers[i].number for i in due})
    record_action(
        edition=edition,
        actor=None,
        action="affinity.completed",
        note=f"{stored} pairs stored at once ({len(due)} papers, {len({j for js in due.values() for j in js})} "
        f"members): papers {', '.join(f'#{n}' for n in scored_papers[:20])}{'...' if len(scored_papers) > 20 else ''}",
    )
    log.info(
        "affinities of %s completed at once: %s pairs (papers %s, members %s)",
        edition.slug,
        stored,
        sorted(paper_ids),
        sorted(user_ids),
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


@transaction.atomic
def affinity_compute_request(*, edition: Edition, by: Any) -> None:
    """A chair asks for the affinities to be (re)computed: the job is queued once the current
    transaction commits (runs at once locally)."""
    require(can_compute_affinities(by, edition))
    record_action(edition=edition, actor=by, action="affinity.requested")
    log.info("user %s asked for the affinities of %s", by.pk, edition.slug)
    transaction.on_commit(lambda: tasks.compute_affinity.delay(edition.pk))

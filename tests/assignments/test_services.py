"""Solver runs on an edition's data, adjustments by hand, commit and mail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone

from assignments import services
from assignments.instance import edition_instance
from assignments.models import Assignment, AssignmentRun, AssignmentSource, RunStatus
from assignments.selectors import assignment_preview, assignment_warnings
from assignments.solver import solve as real_solve
from bidding.models import Bid, BidLevel
from conferences.models import Area
from outbox.models import Mail
from submissions.models import Conflict, ConflictReason, ConflictSource

pytestmark = pytest.mark.django_db


def pairs(edition: Any) -> set[tuple[int, str]]:
    return {
        (a.submission.number, a.user.email)
        for a in Assignment.objects.filter(submission__edition=edition).select_related("submission", "user")
    }


def test_instance_maps_rows_and_columns_to_ids(edition: Any, pc: Any, papers: Any) -> None:
    Bid.objects.create(submission=papers[0], user=pc[Area.ML][2], level=BidLevel.VERY_HIGH)
    Conflict.objects.create(submission=papers[1], user=pc[Area.SYSTEMS][0], reason="other", source="author")
    instance = edition_instance(edition, bid_weight=0.5)
    assert instance.submission_numbers == [1, 2, 3]
    assert list(instance.problem.reviewer_area) == [0, 0, 0, 1, 1, 1]
    ml2 = instance.reviewer_index()[pc[Area.ML][2].pk]
    assert instance.affinity[0, ml2] == pytest.approx(0.1)
    assert instance.problem.affinity[0, ml2] == pytest.approx(0.1 + 0.5)  # very high = +1 level x weight
    assert instance.bids[0, ml2] == 2
    assert [0, 0] not in instance.problem.conflicts.tolist()
    assert [1, instance.reviewer_index()[pc[Area.SYSTEMS][0].pk]] in instance.problem.conflicts.tolist()


def test_run_assigns_two_plus_two_with_the_best_score(
    edition: Any, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(edition=edition, by=chair, bid_weight=0)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.proven_optimal
    # Each paper: its best Systems and ML member (0.9 each) plus one more of each (0.1): 2.0 per paper.
    assert run.objective == pytest.approx(6.0)
    preview = assignment_preview(edition)
    assert all(row.counts == {Area.SYSTEMS: 2, Area.ML: 2} for row in preview.papers)
    assert all(member.load == 2 for member in preview.members)
    assert preview.warnings == []
    assert preview.drafts == 12


def test_run_keeps_hand_made_assignments_and_never_assigns_conflicts(
    edition: Any, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    services.assignment_add(submission=papers[0], user=pc[Area.SYSTEMS][2], by=chair)
    Conflict.objects.create(submission=papers[1], user=pc[Area.ML][1], reason="advisor", source="author")
    with django_capture_on_commit_callbacks(execute=True):
        services.run_start(edition=edition, by=chair)
    assigned = pairs(edition)
    assert (1, pc[Area.SYSTEMS][2].email) in assigned
    assert (2, pc[Area.ML][1].email) not in assigned
    manual = Assignment.objects.get(submission=papers[0], user=pc[Area.SYSTEMS][2])
    assert manual.source == AssignmentSource.MANUAL


def test_infeasible_run_says_which_paper_by_its_number(
    edition: Any, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    for member in pc[Area.ML][:2]:
        Conflict.objects.create(submission=papers[2], user=member, reason="other", source="author")
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(edition=edition, by=chair)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "paper #3" in run.message
    assert "ML" in run.message
    assert not Assignment.objects.exists()


def test_a_run_delivered_twice_is_solved_once(edition: Any, pc: Any, papers: Any, chair: Any) -> None:
    run = services.run_start(edition=edition, by=chair)  # on_commit not run: still queued
    assert services.run_execute(run.pk) is not None
    assert services.run_execute(run.pk) is None


def test_only_one_run_at_a_time(edition: Any, pc: Any, papers: Any, chair: Any) -> None:
    services.run_start(edition=edition, by=chair)
    with pytest.raises(ValidationError, match="already under way"):
        services.run_start(edition=edition, by=chair)


def test_manual_add_refuses_conflicts_and_warns_about_balance_and_load(
    edition: Any, pc: Any, papers: Any, chair: Any
) -> None:
    member = pc[Area.SYSTEMS][0]
    Conflict.objects.create(submission=papers[0], user=member, reason="other", source="author")
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.assignment_add(submission=papers[0], user=member, by=chair)
    services.assignment_add(submission=papers[1], user=member, by=chair)
    services.assignment_add(submission=papers[2], user=member, by=chair)
    change = services.assignment_add(submission=papers[0], user=pc[Area.SYSTEMS][1], by=chair)
    assert any("#1 has 1 Systems reviewer(s); it needs 2" in w for w in change.warnings)
    with pytest.raises(ValidationError, match="already reviews"):
        services.assignment_add(submission=papers[0], user=pc[Area.SYSTEMS][1], by=chair)
    Assignment.objects.create(submission=papers[0], user=member, source="manual")  # as if forced in
    warnings = assignment_warnings(edition)
    assert any("has 3 papers; their maximum is 2" in w for w in warnings)
    assert any("despite a conflict of interest" in w for w in warnings)


def test_non_pc_members_cannot_be_assigned(edition: Any, pc: Any, papers: Any, chair: Any, outsider: Any) -> None:
    with pytest.raises(ValidationError, match="not a PC member"):
        services.assignment_add(submission=papers[0], user=outsider, by=chair)


def test_swap_exchanges_reviewers(edition: Any, pc: Any, papers: Any, chair: Any) -> None:
    a = services.assignment_add(submission=papers[0], user=pc[Area.ML][0], by=chair).assignment
    b = services.assignment_add(submission=papers[1], user=pc[Area.ML][1], by=chair).assignment
    services.assignment_swap(first=a, second=b, by=chair)
    assert pairs(edition) == {(1, pc[Area.ML][1].email), (2, pc[Area.ML][0].email)}


def test_forbidding_a_pair_is_a_chairs_conflict(edition: Any, pc: Any, papers: Any, chair: Any) -> None:
    services.assignment_add(submission=papers[0], user=pc[Area.ML][0], by=chair)
    services.assignment_forbid(submission=papers[0], user=pc[Area.ML][0], by=chair)
    assert not Assignment.objects.exists()
    conflict = Conflict.objects.get(submission=papers[0], user=pc[Area.ML][0])
    assert (conflict.source, conflict.reason) == (ConflictSource.CHAIR, ConflictReason.OTHER)


def test_commit_mails_each_reviewer_their_titles_once(
    edition: Any, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.run_start(edition=edition, by=chair)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.assignments_commit(edition=edition, by=chair) == 12
    with django_capture_on_commit_callbacks(execute=True):
        assert services.assignments_commit(edition=edition, by=chair) == 0
    assert Assignment.objects.filter(is_committed=False).count() == 0
    mails = Mail.objects.filter(subject__contains="to review")
    assert mails.count() == 6
    body = mails.get(to_email=pc[Area.SYSTEMS][0].email).body
    assert "#1 Paper 1" in body
    assert "author1@" not in body  # double-blind


def test_solution_is_optimal_against_brute_force_scores(
    edition: Any, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rng = np.random.default_rng(7)
    from bidding.models import Affinity

    for affinity in Affinity.objects.all():
        affinity.score = float(rng.random())
        affinity.save()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(edition=edition, by=chair, bid_weight=0)
    run.refresh_from_db()
    instance = edition_instance(edition)
    # Loads are tight (3 papers x 2 per area = 6 = 3 members x 2): every member reviews 2 papers,
    # i.e. skips exactly one; the best total skips, per area, a permutation's worth of pairs.
    from itertools import permutations

    best = 0.0
    for area in (0, 1):
        cols = np.flatnonzero(instance.problem.reviewer_area == area)
        block = instance.affinity[:, cols]
        best += block.sum() - min(sum(block[p, perm[p]] for p in range(3)) for perm in permutations(range(3)))
    assert run.objective == pytest.approx(best)


# --- A run that meets an unexpected error, or loses its worker ---------------------------------


def failing_solve(times: int) -> Any:
    """``solve`` that raises a database error the first ``times`` calls, then solves."""
    calls = {"n": 0}

    def solve(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] <= times:
            raise OperationalError("server closed the connection unexpectedly")
        return real_solve(*args, **kwargs)

    return solve


@pytest.mark.usefixtures("retries_run_eagerly")
def test_a_run_that_meets_an_error_is_retried_and_finishes(
    edition: Any, pc: Any, papers: Any, chair: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(services, "solve", failing_solve(times=1))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(edition=edition, by=chair)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert Assignment.objects.filter(submission__edition=edition).count() == 12


@pytest.mark.usefixtures("retries_run_eagerly")
def test_a_run_that_keeps_failing_is_marked_failed_and_frees_the_solver(
    edition: Any, pc: Any, papers: Any, chair: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    monkeypatch.setattr(services, "solve", failing_solve(times=99))
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(edition=edition, by=chair)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "unexpected error (OperationalError)" in run.message
    assert not Assignment.objects.exists()
    services.run_start(edition=edition, by=chair)  # not refused: nothing is under way


def test_a_run_whose_worker_vanished_does_not_block_the_next(edition: Any, pc: Any, papers: Any, chair: Any) -> None:
    lost = services.run_start(edition=edition, by=chair)  # queued; its worker never reports
    AssignmentRun.objects.filter(pk=lost.pk).update(
        status=RunStatus.RUNNING, created_at=timezone.now() - services.RUN_STALE_AFTER - timedelta(minutes=1)
    )
    services.run_start(edition=edition, by=chair)
    lost.refresh_from_db()
    assert lost.status == RunStatus.FAILED
    assert "worker may have stopped" in lost.message


def test_a_recent_run_still_blocks_the_next(edition: Any, pc: Any, papers: Any, chair: Any) -> None:
    recent = services.run_start(edition=edition, by=chair)
    AssignmentRun.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(minutes=50))
    with pytest.raises(ValidationError, match="already under way"):
        services.run_start(edition=edition, by=chair)

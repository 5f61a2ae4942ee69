"""Business actions on assignments: run the solver, adjust by hand, commit and tell reviewers."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from assignments.instance import EditionInstance, edition_instance
from assignments.models import Assignment, AssignmentRun, AssignmentSource, RunStatus
from assignments.selectors import assignment_warnings
from committees.assignment import Infeasible, solve
from committees.models import Role, RoleKind
from conferences.models import Edition
from mlsys_conf.policy import require
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from submissions.policy import can_manage_submission
from submissions.selectors import conflicted_paper_ids
from submissions.services import conflict_declare

log = logging.getLogger(__name__)

# A run still queued or running after this long lost its worker (killed, out of memory): the
# next run_start marks it failed instead of waiting for it forever. Solves take minutes at most.
RUN_STALE_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Change:
    assignment: Assignment | None
    warnings: list[str]


# --- Solver runs -----------------------------------------------------------------------------


@transaction.atomic
def run_start(*, edition: Edition, by: User, fair: bool = False, bid_weight: float = 0.25) -> AssignmentRun:
    if not 0 <= bid_weight <= 10:
        raise ValidationError("The bid weight must be between 0 and 10.")
    _fail_stale_runs(edition)
    if edition.assignment_runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        raise ValidationError("A solver run is already under way; wait for it to finish.")
    run = AssignmentRun.objects.create(edition=edition, fair=fair, bid_weight=bid_weight, created_by=by)
    from assignments.tasks import execute_run

    transaction.on_commit(lambda: execute_run.delay(run.pk))
    log.info("user %s started assignment run %s for %s", by.pk, run.pk, edition.slug)
    return run


def _fail_stale_runs(edition: Edition) -> None:
    now = timezone.now()
    stale = edition.assignment_runs.filter(
        status__in=[RunStatus.QUEUED, RunStatus.RUNNING], created_at__lt=now - RUN_STALE_AFTER
    )
    for run_id in stale.values_list("pk", flat=True):
        _fail(run_id, ["No worker finished this run within an hour (the worker may have stopped)."])


def _progress(run: AssignmentRun, percent: int, stage: str) -> None:
    AssignmentRun.objects.filter(pk=run.pk).update(progress=percent, stage=stage)


def run_execute(run_id: int) -> AssignmentRun | None:
    """Solve and store the proposal as draft assignments. Claims the run with one UPDATE, so a
    run delivered twice is solved once."""
    claimed = AssignmentRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, progress=5, stage="Reading papers, members, affinities, bids and conflicts"
    )
    if not claimed:
        return None
    try:
        return _solve_and_store(run_id)
    except Exception:
        # Give the claim back, so that the task's retry can take it again.
        AssignmentRun.objects.filter(pk=run_id, status=RunStatus.RUNNING).update(
            status=RunStatus.QUEUED, progress=0, stage="Interrupted by an error; trying again"
        )
        raise


def run_give_up(run_id: int, error: Exception) -> AssignmentRun:
    """After the last retry: record the failure on the run, so the chairs see it and may start
    another one."""
    return _fail(
        run_id,
        [f"The solver stopped with an unexpected error ({type(error).__name__}), also when tried again."],
    )


def _solve_and_store(run_id: int) -> AssignmentRun:
    run = AssignmentRun.objects.select_related("edition").get(pk=run_id)
    try:
        instance = edition_instance(run.edition, bid_weight=run.bid_weight)
    except ValueError as error:
        return _fail(run_id, [str(error)])
    if not instance.submission_ids or not instance.reviewer_ids:
        return _fail(run_id, ["there are no active submissions or no PC members to assign"])
    _progress(run, 25, f"Solving {len(instance.submission_ids)} papers x {len(instance.reviewer_ids)} members")
    try:
        result = solve(instance.problem, fair=run.fair)
    except Infeasible as error:
        return _fail(run_id, [_readable(reason, instance) for reason in error.reasons])
    _progress(run, 90, "Saving the proposal")
    with transaction.atomic():
        drafts = Assignment.objects.filter(
            submission__edition=run.edition, source=AssignmentSource.SOLVER, is_committed=False
        )
        drafts.delete()
        existing = set(
            Assignment.objects.filter(submission__edition=run.edition).values_list("submission_id", "user_id")
        )
        Assignment.objects.bulk_create(
            Assignment(
                submission_id=instance.submission_ids[p],
                user_id=instance.reviewer_ids[r],
                source=AssignmentSource.SOLVER,
                created_by=run.created_by,
            )
            for p, r in result.pairs.tolist()
            if (instance.submission_ids[p], instance.reviewer_ids[r]) not in existing
        )
        AssignmentRun.objects.filter(pk=run_id).update(
            status=RunStatus.DONE,
            progress=100,
            stage=f"Solved: {len(result.pairs)} assignments in the draft; check them below, then commit",
            objective=result.objective,
            proven_optimal=result.proven_optimal,
            solve_seconds=result.solve_seconds,
            finished_at=timezone.now(),
        )
    log.info("assignment run %s: objective %.4f, optimal %s", run_id, result.objective, result.proven_optimal)
    return AssignmentRun.objects.get(pk=run_id)


def _fail(run_id: int, reasons: list[str]) -> AssignmentRun:
    AssignmentRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED,
        progress=100,
        stage="No assignment possible",
        message="\n".join(reasons),
        finished_at=timezone.now(),
    )
    log.info("assignment run %s failed: %s", run_id, reasons)
    return AssignmentRun.objects.get(pk=run_id)


def _readable(reason: str, instance: EditionInstance) -> str:
    """The solver speaks of row and column indices; chairs know paper numbers and names."""
    names = dict(User.objects.filter(pk__in=instance.reviewer_ids).values_list("pk", "email"))

    def paper(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return f"paper #{instance.submission_numbers[index]}" if index < len(instance.submission_numbers) else match[0]

    def reviewer(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return names.get(instance.reviewer_ids[index], match[0]) if index < len(instance.reviewer_ids) else match[0]

    return re.sub(r"\breviewer (\d+)\b", reviewer, re.sub(r"\bpaper (\d+)\b", paper, reason))


# --- Adjusting by hand -----------------------------------------------------------------------


def _pc_role(edition: Edition, user: User) -> Role:
    role = Role.objects.filter(edition=edition, user=user, kind=RoleKind.PC_MEMBER).first()
    if role is None:
        raise ValidationError(f"{user.display_name} is not a PC member of {edition.name}.")
    return role


@transaction.atomic
def assignment_add(*, submission: Submission, user: User, by: User) -> Change:
    """Assign by hand (a draft, pinned for the next solver run). Conflicts are refused;
    a broken Systems/ML balance or an overloaded member is a warning."""
    edition = submission.edition
    require(can_manage_submission(by, submission))
    _pc_role(edition, user)
    if submission.is_withdrawn:
        raise ValidationError(f"#{submission.number} is withdrawn.")
    if Conflict.objects.filter(submission=submission, user=user).exists():
        raise ValidationError(f"{user.display_name} has a conflict of interest with #{submission.number}.")
    assignment, created = Assignment.objects.get_or_create(
        submission=submission, user=user, defaults={"source": AssignmentSource.MANUAL, "created_by": by}
    )
    if not created:
        raise ValidationError(f"{user.display_name} already reviews #{submission.number}.")
    log.info("user %s assigned user %s to #%s", by.pk, user.pk, submission.number)
    return Change(assignment, assignment_warnings(edition, submissions=[submission], users=[user]))


@transaction.atomic
def assignment_remove(*, assignment: Assignment, by: User) -> Change:
    edition, submission, user = assignment.submission.edition, assignment.submission, assignment.user
    require(can_manage_submission(by, submission))
    assignment.delete()
    log.info("user %s removed user %s from #%s", by.pk, user.pk, submission.number)
    return Change(None, assignment_warnings(edition, submissions=[submission], users=[user]))


@transaction.atomic
def assignment_swap(*, first: Assignment, second: Assignment, by: User) -> Change:
    """Exchange the reviewers of two assignments (on two papers)."""
    if first.submission_id == second.submission_id:
        raise ValidationError("Both assignments are on the same paper; nothing to swap.")
    a_sub, a_user, b_sub, b_user = first.submission, first.user, second.submission, second.user
    require(can_manage_submission(by, a_sub))
    require(can_manage_submission(by, b_sub))
    first.delete()
    second.delete()
    assignment_add(submission=a_sub, user=b_user, by=by)
    change = assignment_add(submission=b_sub, user=a_user, by=by)
    warnings = assignment_warnings(a_sub.edition, submissions=[a_sub, b_sub], users=[a_user, b_user])
    return Change(change.assignment, warnings)


@transaction.atomic
def assignment_forbid(*, submission: Submission, user: User, by: User) -> None:
    """A chair rules a pair out: stored as a chair's conflict, so every later phase sees it."""
    require(can_manage_submission(by, submission))
    Assignment.objects.filter(submission=submission, user=user, is_committed=False).delete()
    conflict_declare(
        submission=submission, user_id=user.pk, reason=ConflictReason.OTHER, source=ConflictSource.CHAIR, by=by
    )


@transaction.atomic
def assignments_commit(*, edition: Edition, by: User) -> int:
    """Make every draft final and mail each reviewer the papers they now review. A chair's
    commit leaves the drafts of papers they are conflicted with to another chair."""
    drafts = (
        Assignment.objects.select_for_update()
        .filter(submission__edition=edition, is_committed=False)
        .exclude(submission_id__in=conflicted_paper_ids(by, edition))
    )
    reviewers = set(drafts.values_list("user_id", flat=True))
    now = timezone.now()
    count = drafts.update(is_committed=True, committed_at=now)
    from assignments.tasks import notify_reviewers

    if reviewers:
        stamp = int(now.timestamp())
        transaction.on_commit(lambda: notify_reviewers.delay(edition.pk, sorted(reviewers), stamp))
    log.info("user %s committed %s assignments of %s", by.pk, count, edition.slug)
    return count

"""Business actions on assignments: run the solver, adjust by hand, commit and tell reviewers.

Every action takes the acting user, refuses with the policy's reason itself (views and the API
only ask the policy what to show) and records itself in the action log: runs started and
finished, and each assignment added, removed, swapped and committed (one entry per assignment,
so the log filters per paper and per reviewer). The solver's drafts are proposals: their run's
entry counts them, and each is logged when committed."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from actionlog.services import record_action, recording_in_bulk
from assignments import tasks
from assignments.instance import EditionInstance, edition_instance
from assignments.models import Assignment, AssignmentKind, AssignmentRun, AssignmentSource, RunStatus
from assignments.policy import can_assign_kind, can_assign_paper, can_manage_assignments
from assignments.selectors import assignment_warnings
from assignments.solver import AssignmentResult, Infeasible, solve
from assignments.solver.fairness import FAIR_CANDIDATES, FAIR_MAX_ARCS
from conferences.access import forget_access
from conferences.models import Edition, Phase, Role
from conferences.selectors import phase_is_open
from mlsys_conf.policy import require
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from submissions.selectors import conflicted_paper_ids
from submissions.services import conflict_declare

log = logging.getLogger(__name__)

# A run still queued or running after this long lost its worker (killed, out of memory): the
# next run_start marks it failed instead of waiting for it forever. Solves take minutes at most.
RUN_STALE_AFTER = timedelta(hours=1)
# The fair run "changed something" when its worst paper scores more than this (relative) above
# the plain optimum's: the fairness search's own tolerance.
FAIR_CHANGE_TOLERANCE = 1e-6


@dataclass(frozen=True)
class Change:
    assignment: Assignment | None
    warnings: list[str]


# --- Solver runs -----------------------------------------------------------------------------


@transaction.atomic
def run_start(*, edition: Edition, by: User, fair: bool = False, bid_weight: float = 0.25) -> AssignmentRun:
    """Queue a solver run of the review assignment (chairs only)."""
    require(can_manage_assignments(by, edition))
    if not 0 <= bid_weight <= 10:
        raise ValidationError("The bid weight must be between 0 and 10.")
    _fail_stale_runs(edition)
    if edition.assignment_runs.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).exists():
        raise ValidationError("A solver run is already under way; wait for it to finish.")
    run = AssignmentRun.objects.create(edition=edition, fair=fair, bid_weight=bid_weight, created_by=by)
    record_action(
        edition=edition,
        actor=by,
        action="assignment_run.started",
        target=run,
        changes={"fair": (None, fair), "bid_weight": (None, bid_weight)},
    )
    transaction.on_commit(lambda: _queue_run(run.pk))
    log.info("user %s started assignment run %s for %s", by.pk, run.pk, edition.slug)
    return run


def _queue_run(run_id: int) -> None:
    """Hand the run to a worker; if the broker is down (``delay`` queues nothing, see
    mlsys_conf.queueing), fail it at once so the chairs may start another, instead of a run
    that stays "queued" until it counts as stale."""
    if tasks.execute_run.delay(run_id) is None:
        _fail(run_id, ["the task queue could not be reached; start the run again in a few minutes"])


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
        loads_note = ""
    except Infeasible as error:
        # The even-share minimum is a default, not the chairs' wish: drop it before giving up.
        try:
            instance = edition_instance(run.edition, bid_weight=run.bid_weight, even_share=False)
            result = solve(instance.problem, fair=run.fair)
        except Infeasible as still:
            return _fail(run_id, [_readable(reason, instance) for reason in still.reasons])
        reasons = "; ".join(_readable(reason, instance) for reason in error.reasons)
        loads_note = f"The even share could not be given to every member ({reasons}): loads may be uneven. "
    _progress(run, 90, "Saving the proposal")
    with transaction.atomic():
        reviews = Assignment.objects.filter(submission__edition=run.edition, kind=AssignmentKind.REVIEW)
        reviews.filter(source=AssignmentSource.SOLVER, is_committed=False).delete()
        existing = set(reviews.values_list("submission_id", "user_id"))
        drafts = Assignment.objects.bulk_create(
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
            fairness=fairness_summary(result, instance.submission_numbers) if run.fair else {},
        )
        done = AssignmentRun.objects.select_related("edition").get(pk=run_id)
        proposed = f"{len(drafts)} draft assignments proposed; objective {result.objective:.4f}"
        notes = loads_note + (_conflicted_pins_text(instance) if instance.conflicted_pins else "")
        if notes:
            AssignmentRun.objects.filter(pk=run_id).update(message=notes.strip())
            proposed = f"{proposed}. {notes.strip()}"
        if done.fairness.get("note"):
            proposed = f"{proposed}. {done.fairness['note']}"
        _record_run_end(done, before=RunStatus.RUNNING, note=proposed)
    log.info("assignment run %s: objective %.4f, optimal %s", run_id, result.objective, result.proven_optimal)
    return done


def fairness_summary(result: AssignmentResult, numbers: list[int]) -> dict[str, Any]:
    """What the fairness option changed compared with the plain optimum (the highest total): the
    worst paper's score (and which paper it is) and the total score of both, and a sentence for
    the chairs, which also says when the fair assignment could not be proven the best. The
    sentence names no paper: a chair conflicted with the worst one must not learn its score
    (see :meth:`AssignmentRun.fairness_for`)."""
    stats = result.stats

    def number(index: Any) -> int | None:
        return numbers[index] if isinstance(index, int) and 0 <= index < len(numbers) else None

    plain_worst = float(stats.get("plain_min_paper_score", result.min_paper_score))
    plain_total = float(stats.get("plain_objective", result.objective))
    fair_worst, fair_total = result.min_paper_score, result.objective
    fair_index = int(np.argmin(result.per_paper_score)) if result.per_paper_score.size else None
    changed = fair_worst - plain_worst > FAIR_CHANGE_TOLERANCE * max(1.0, abs(plain_worst))
    summary: dict[str, Any] = {
        "plain": {
            "worst_paper_score": plain_worst,
            "worst_paper": number(stats.get("plain_worst_paper")),
            "total_score": plain_total,
        },
        "fair": {"worst_paper_score": fair_worst, "worst_paper": number(fair_index), "total_score": fair_total},
        "changed": bool(changed),
        "restricted": bool(stats.get("restricted", False)),
        "proven_optimal": result.proven_optimal,
    }
    if stats.get("nothing_to_choose"):
        note = (
            "Fairness changed nothing: every assignment is already fixed (made by hand or committed), "
            "so there was nothing left to choose."
        )
    elif changed:
        note = (
            f"Fairness raised the worst paper's score from {_score(plain_worst)} "
            f"to {_score(fair_worst)}; "
            f"the total score went from {_score(plain_total)} to {_score(fair_total)}."
        )
    elif result.proven_optimal:
        note = (
            f"Fairness changed nothing: the plain optimum already had the best worst-paper score "
            f"({_score(plain_worst)}); total score {_score(plain_total)}."
        )
    else:
        note = (
            f"Fairness found no better worst-paper score than the plain optimum's "
            f"({_score(plain_worst)}); total score {_score(plain_total)}."
        )
    if summary["restricted"]:
        pairs, limit = int(stats.get("allowed_pairs", 0)), int(stats.get("max_arcs", FAIR_MAX_ARCS))
        note += (
            f" Too large to prove: {pairs:,} possible (paper, member) pairs, above the limit of {limit:,}, "
            f"so the fair solve was restricted to each paper's {stats.get('candidates', FAIR_CANDIDATES)} best "
            "candidates and the plain optimum's pairs; a better worst-paper score may exist."
        )
    elif not result.proven_optimal and not stats.get("nothing_to_choose"):
        note += " The solver stopped before proving this the best worst-paper score; a better one may exist."
    summary["note"] = note
    return summary


def _score(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1 else f"{value:.4f}".rstrip("0").rstrip(".")


def _conflicted_pins_text(instance: EditionInstance) -> str:
    """The kept assignments that became conflicted: the run replaced them, the chairs remove them."""
    numbers = dict(zip(instance.submission_ids, instance.submission_numbers, strict=True))
    emails = dict(User.objects.filter(pk__in=[u for _, u in instance.conflicted_pins]).values_list("pk", "email"))
    listed = ", ".join(f"#{numbers[s]}: {emails.get(u, u)}" for s, u in instance.conflicted_pins)
    return (
        f"Proposed removals, conflicted since they were assigned ({listed}): "
        "the draft adds a replacement; remove these assignments (marked below) before committing."
    )


def _fail(run_id: int, reasons: list[str]) -> AssignmentRun:
    before = AssignmentRun.objects.filter(pk=run_id).values_list("status", flat=True).first()
    AssignmentRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED,
        progress=100,
        stage="No assignment possible",
        message="\n".join(reasons),
        finished_at=timezone.now(),
    )
    log.info("assignment run %s failed: %s", run_id, reasons)
    failed = AssignmentRun.objects.select_related("edition").get(pk=run_id)
    _record_run_end(failed, before=before, note=failed.message)
    return failed


def _record_run_end(run: AssignmentRun, *, before: str | None, note: str) -> None:
    """The job, not a person, ends a run: the entry has no actor."""
    record_action(
        edition=run.edition,
        actor=None,
        action=f"assignment_run.{run.status}",
        target=run,
        changes={"status": (before, run.status)},
        note=note,
    )


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


def _record(action: str, assignment: Assignment, by: User, **changes: tuple[Any, Any]) -> None:
    record_action(
        edition=assignment.submission.edition,
        actor=by,
        action=f"assignment.{action}",
        target=assignment,
        paper_id=assignment.submission_id,
        person=assignment.user,
        changes=changes,
    )


def _create(*, submission: Submission, user: User, kind: AssignmentKind, by: User) -> Assignment:
    """A draft made by hand (pinned for the next solver run), if ``user`` may hold it."""
    edition = submission.edition
    if not Role.objects.filter(edition=edition, user=user, kind__in=sorted(kind.assignee_roles)).exists():
        raise ValidationError(f"{user.display_name} is not {kind.assignee} of {edition.name}.")
    if not submission.is_active:
        raise ValidationError(f"#{submission.number} is {submission.get_state_display().lower()}.")
    if Conflict.objects.filter(submission=submission, user=user).exists():
        raise ValidationError(f"{user.display_name} has a conflict of interest with #{submission.number}.")
    assignment, created = Assignment.objects.get_or_create(
        submission=submission, user=user, kind=kind, defaults={"source": AssignmentSource.MANUAL, "created_by": by}
    )
    if not created:
        raise ValidationError(f"{user.display_name} already {kind.verb} #{submission.number}.")
    return assignment


@transaction.atomic
def assignment_add(
    *, submission: Submission, user: User, by: User, kind: AssignmentKind = AssignmentKind.REVIEW
) -> Change:
    """Assign by hand. Conflicts are refused; a broken Systems/ML balance or an overloaded
    member is a warning."""
    require(can_assign_paper(by, submission))
    require(can_assign_kind(by, kind))
    assignment = _create(submission=submission, user=user, kind=AssignmentKind(kind), by=by)
    _record("added", assignment, by, kind=(None, assignment.kind), user=(None, user.pk))
    log.info("user %s assigned user %s to #%s (%s)", by.pk, user.pk, submission.number, kind)
    return Change(assignment, assignment_warnings(submission.edition, submissions=[submission], users=[user]))


@transaction.atomic
def assignment_add_committed(*, submission: Submission, user: User, kind: AssignmentKind, by: Any) -> Assignment:
    """A committed assignment at once, for an app above that has checked its own policy (an
    external reviewer accepting a request the chairs approved): no draft, no solver. Refused
    like a chair's by hand (not a holder of the kind, a conflict, an inactive paper)."""
    assignment = _create(submission=submission, user=user, kind=AssignmentKind(kind), by=by)
    assignment.is_committed, assignment.committed_at = True, timezone.now()
    assignment.save(update_fields=["is_committed", "committed_at"])
    _record("committed", assignment, by, kind=(None, assignment.kind), is_committed=(None, True))
    log.info("user %s committed user %s to #%s (%s)", getattr(by, "pk", None), user.pk, submission.number, kind)
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: Assignment, by: User) -> Change:
    edition, submission, user = assignment.submission.edition, assignment.submission, assignment.user
    require(can_assign_paper(by, submission))
    require(can_assign_kind(by, assignment.kind))
    _record("removed", assignment, by, user=(user.pk, None), is_committed=(assignment.is_committed, None))
    assignment.delete()
    log.info("user %s removed user %s from #%s", by.pk, user.pk, submission.number)
    return Change(None, assignment_warnings(edition, submissions=[submission], users=[user]))


@transaction.atomic
def assignment_swap(*, first: Assignment, second: Assignment, by: User) -> Change:
    """Exchange the assignees of two assignments of one kind (on two papers)."""
    a_sub, a_user, b_sub, b_user = first.submission, first.user, second.submission, second.user
    require(can_assign_paper(by, a_sub))
    require(can_assign_paper(by, b_sub))
    require(can_assign_kind(by, first.kind))
    if first.submission_id == second.submission_id:
        raise ValidationError("Both assignments are on the same paper; nothing to swap.")
    if first.kind != second.kind:
        raise ValidationError("Only assignments of the same kind can be swapped.")
    kind = AssignmentKind(first.kind)
    first.delete()
    second.delete()
    swapped = [
        _create(submission=a_sub, user=b_user, kind=kind, by=by),
        _create(submission=b_sub, user=a_user, kind=kind, by=by),
    ]
    for assignment, before in zip(swapped, (a_user, b_user), strict=True):
        _record("swapped", assignment, by, user=(before.pk, assignment.user_id))
    log.info("user %s swapped the %ss of #%s and #%s", by.pk, kind, a_sub.number, b_sub.number)
    warnings = assignment_warnings(a_sub.edition, submissions=[a_sub, b_sub], users=[a_user, b_user])
    return Change(swapped[1], warnings)


@transaction.atomic
def assignment_replace(*, assignment: Assignment, user: User, by: User) -> Change:
    """Give an assignment to another member (a draft by hand, pinned for the next run); refused,
    with the reason, when that member may not hold it: a conflict of interest with the paper,
    not on the committee, or already assigned to it."""
    submission, before = assignment.submission, assignment.user
    require(can_assign_paper(by, submission))
    require(can_assign_kind(by, assignment.kind))
    kind = AssignmentKind(assignment.kind)
    if user.pk == before.pk:
        raise ValidationError(f"{user.display_name} already {kind.verb} #{submission.number}; choose someone else.")
    assignment.delete()
    replaced = _create(submission=submission, user=user, kind=kind, by=by)
    _record("swapped", replaced, by, user=(before.pk, user.pk))
    log.info("user %s gave the %s of #%s from user %s to user %s", by.pk, kind, submission.number, before.pk, user.pk)
    return Change(replaced, assignment_warnings(submission.edition, submissions=[submission], users=[before, user]))


@transaction.atomic
def assignment_forbid(*, submission: Submission, user: User, by: User) -> None:
    """A chair rules a pair out: stored as a chair's conflict, so every later phase sees it;
    the pair's drafts go (the conflict's own entry is logged by the conflict service)."""
    require(can_assign_paper(by, submission))
    for draft in Assignment.objects.filter(submission=submission, user=user, is_committed=False):
        _record("removed", draft, by, user=(user.pk, None), is_committed=(False, None))
        draft.delete()
    conflict_declare(
        submission=submission, user_id=user.pk, reason=ConflictReason.OTHER, source=ConflictSource.CHAIR, by=by
    )


@transaction.atomic
def assignments_commit(
    *, edition: Edition, by: User, kind: AssignmentKind = AssignmentKind.REVIEW, override_reason: str = ""
) -> int:
    """Make every draft of ``kind`` final and mail each assignee the papers they now have. A
    chair's commit leaves the drafts of papers they are conflicted with to another chair. While
    abstract registration is open, papers are still coming: the commit needs the chair's reason,
    which is logged."""
    require(can_manage_assignments(by, edition))
    require(can_assign_kind(by, kind))
    if phase_is_open(edition, Phase.ABSTRACT_REGISTRATION):
        if not override_reason.strip():
            raise ValidationError(
                "Abstract registration is still open, so papers may still arrive: give a reason to commit anyway."
            )
        record_action(
            edition=edition, actor=by, action="assignments.commit_override", note=override_reason.strip()[:500]
        )
    drafts = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(submission__edition=edition, kind=kind, is_committed=False)
        .exclude(submission_id__in=conflicted_paper_ids(by, edition))
        .select_related("submission__edition", "user")
    )
    now = timezone.now()
    count = Assignment.objects.filter(pk__in=[a.pk for a in drafts]).update(is_committed=True, committed_at=now)
    with recording_in_bulk():
        for assignment in drafts:
            assignment.is_committed, assignment.committed_at = True, now
            _record("committed", assignment, by, is_committed=(False, True))
    forget_access()  # an update sends no signal: the assignees' Access objects are stale
    reviewers = sorted({a.user_id for a in drafts})
    if reviewers:
        stamp, kind_value = int(now.timestamp()), AssignmentKind(kind).value
        transaction.on_commit(lambda: tasks.notify_reviewers.delay(edition.pk, reviewers, stamp, kind_value))
    log.info("user %s committed %s %s assignments of %s", by.pk, count, kind, edition.slug)
    return count

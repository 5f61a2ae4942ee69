"""Assigning evaluators to artifacts, with the PC's solver (:mod:`assignments.solver`).

The AE chairs run it, read the proposal (draft ``Assignment`` rows of kind ``artifact``) and
commit it; each evaluator is then mailed the papers whose artifacts they evaluate, through the
outbox (``assignments.tasks.notify_reviewers``, ``about=`` those papers). Committed assignments
are what the policy reads: the evaluators assigned see the access instructions.

The artifact instance has no Systems/ML split (every evaluator in one area). Each artifact gets
exactly ``min_evaluators`` (:class:`ArtifactEvaluationSettings`, default 3) evaluators, among the
AE members who are neither authors of the paper nor conflicted with it (the paper's ``Conflict``
rows carry over). An artifact whose ``hardware_needed`` asks for GPUs (``"8 x A100"``, ``"a
GPU"``) goes only to evaluators who said they offer at least as many GPUs (a hard constraint);
otherwise the score is the bid (the PC's levels, halved, as the PC's instance weighs them) plus a
bonus for a good fit: the GPU model asked for, or no GPUs at all for an artifact that needs none
(keeping GPU holders for the artifacts that do). Loads are as even as possible unless the chairs
set a maximum. Committed assignments, and drafts made by hand, are kept (pinned).

The run is synchronous: an AE has tens of artifacts and members, solved in well under a second.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actionlog.services import record_action, recording_in_bulk
from artifacts import policy
from artifacts.models import Artifact, ArtifactBid, ArtifactEvaluationSettings, EvaluatorHardware
from artifacts.selectors import artifacts_of
from assignments import tasks as assignment_tasks
from assignments.models import Assignment, AssignmentKind, AssignmentSource
from assignments.solver import SYSTEMS, AssignmentProblem, Infeasible, solve
from conferences.access import forget_access
from conferences.models import Edition, Role
from conferences.roles import RoleKind
from mlsys_conf.policy import require
from submissions.models import Author, Conflict

log = logging.getLogger(__name__)

KIND = AssignmentKind.ARTIFACT
# Scores: a constant base keeps them positive (every artifact takes the same number of
# evaluators, so it changes no choice); bids add level / 2 in [-1, 1]; fits add a bonus.
BASE_SCORE = 1.0
GPU_MODEL_BONUS = 0.5
NO_GPU_FIT_BONUS = 0.2

_GPU_MODEL = r"(?:a100|h100|h200|b200|v100|a10g?|a40|a6000|l4|l40s?|t4|p100|mi\d{2,3}x?|rtx\s*\d{4})"
_GPU_WORD = re.compile(rf"\b(?:gpus?|{_GPU_MODEL})\b", re.IGNORECASE)
_TIMES = r"(?:x|\u00d7|\*)"  # "8 x A100", "8 \u00d7 A100", "8*A100"
_GPU_COUNT = re.compile(rf"\b(\d{{1,3}})\s*{_TIMES}?\s*(?:nvidia\s+|amd\s+)?(?:gpus?|{_GPU_MODEL})\b", re.IGNORECASE)
_MODEL = re.compile(rf"\b{_GPU_MODEL}\b", re.IGNORECASE)


def gpus_needed(hardware_needed: str) -> int:
    """How many GPUs an artifact's free-text hardware asks for: ``"8 x A100, 80 GB"`` is 8,
    ``"one GPU"`` 1, ``"a laptop"`` 0."""
    if not _GPU_WORD.search(hardware_needed):
        return 0
    counts = [int(found) for found in _GPU_COUNT.findall(hardware_needed)]
    return max([1, *counts])


def gpu_model(text: str) -> str:
    """The GPU model a text names (``"a100"``), lower case without spaces, or ``""``."""
    found = _MODEL.search(text)
    return re.sub(r"\s+", "", found.group(0).lower()) if found else ""


def ae_settings(edition: Edition) -> ArtifactEvaluationSettings:
    """The edition's settings, or the defaults (unsaved) until the AE chairs change them."""
    return ArtifactEvaluationSettings.objects.filter(edition=edition).first() or ArtifactEvaluationSettings(
        edition=edition
    )


@transaction.atomic
def ae_settings_save(*, edition: Edition, min_evaluators: int, max_load: int, by: Any) -> ArtifactEvaluationSettings:
    require(policy.can_manage_ae_assignments(by, edition))
    settings = ae_settings(edition)
    before = {"min_evaluators": settings.min_evaluators, "max_load": settings.max_load} if settings.pk else {}
    settings.min_evaluators, settings.max_load = min_evaluators, max_load
    settings.full_clean()
    settings.save()
    after = {"min_evaluators": min_evaluators, "max_load": max_load}
    record_action(
        edition=edition,
        actor=by,
        action="ae_settings.saved",
        target=settings,
        changes={k: (before.get(k), v) for k, v in after.items() if before.get(k) != v},
    )
    return settings


@dataclass(frozen=True)
class ArtifactInstance:
    """The solver's problem plus the ids behind its rows (artifacts' papers) and columns."""

    problem: AssignmentProblem
    submission_ids: list[int]
    submission_numbers: list[int]
    evaluator_ids: list[int]
    emails: list[str]


def artifact_instance(edition: Edition, *, max_load: int | None = None) -> ArtifactInstance:
    """Build the artifact evaluation problem from the database (a fixed number of queries)."""
    settings = ae_settings(edition)
    artifacts = list(artifacts_of(edition).order_by("submission__number"))
    members = list(
        Role.objects.filter(edition=edition, kind=RoleKind.AE_MEMBER)
        .select_related("user")
        .order_by("user__last_name", "user_id")
    )
    paper = {a.submission_id: i for i, a in enumerate(artifacts)}
    column = {role.user_id: j for j, role in enumerate(members)}
    shape = (len(artifacts), len(members))

    offered = {h.user_id: h for h in EvaluatorHardware.objects.filter(edition=edition, user_id__in=column)}
    score = np.full(shape, BASE_SCORE, dtype=np.float64)
    forbidden: list[tuple[int, int]] = []
    for i, artifact in enumerate(artifacts):
        needed, model = gpus_needed(artifact.hardware_needed), gpu_model(artifact.hardware_needed)
        for uid, j in column.items():
            hardware = offered.get(uid)
            count = hardware.gpu_count if hardware else 0
            if needed and count < needed:
                forbidden.append((i, j))
            elif needed and model and hardware and gpu_model(hardware.gpu_type) == model:
                score[i, j] += GPU_MODEL_BONUS
            elif not needed and hardware and count == 0:
                score[i, j] += NO_GPU_FIT_BONUS
    by_artifact = {a.pk: a.submission_id for a in artifacts}
    for artifact_id, uid, level in ArtifactBid.objects.filter(
        artifact_id__in=by_artifact, user_id__in=column
    ).values_list("artifact_id", "user_id", "level"):
        score[paper[by_artifact[artifact_id]], column[uid]] += level / 2.0

    def pairs(rows: Any) -> npt.NDArray[np.int64]:
        found = sorted({(paper[s], column[u]) for s, u in rows if s in paper and u in column})
        return np.array(found, dtype=np.int64).reshape(-1, 2)

    conflicted = set(Conflict.objects.filter(submission_id__in=paper).values_list("submission_id", "user_id"))
    conflicted |= set(
        Author.objects.filter(submission_id__in=paper, user__isnull=False).values_list("submission_id", "user_id")
    )
    kept = (
        Assignment.objects.filter(submission_id__in=paper, kind=KIND)
        .exclude(source=AssignmentSource.SOLVER, is_committed=False)
        .values_list("submission_id", "user_id")
    )
    n, m, k = len(artifacts), len(members), settings.min_evaluators
    if max_load is None:
        max_load = settings.max_load or (math.ceil(n * k / m) if m else 0)
    problem = AssignmentProblem(
        affinity=score,
        reviewer_area=np.full(m, SYSTEMS, dtype=np.int8),
        max_load=max_load,
        systems_per_paper=k,
        ml_per_paper=0,
        conflicts=pairs(conflicted),
        forbidden=pairs((artifacts[i].submission_id, members[j].user_id) for i, j in forbidden),
        pinned=pairs(pair for pair in kept if pair not in conflicted),
    )
    return ArtifactInstance(
        problem=problem,
        submission_ids=[a.submission_id for a in artifacts],
        submission_numbers=[a.submission.number for a in artifacts],
        evaluator_ids=[role.user_id for role in members],
        emails=[role.user.email for role in members],
    )


def _readable(reason: str, instance: ArtifactInstance) -> str:
    """The solver speaks of rows, columns and Systems reviewers; AE chairs of papers and evaluators."""

    def paper(match: re.Match[str]) -> str:
        index = int(match.group(1))
        numbers = instance.submission_numbers
        return f"the artifact of #{numbers[index]}" if index < len(numbers) else match[0]

    def evaluator(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return instance.emails[index] if index < len(instance.emails) else match[0]

    text = re.sub(r"\breviewer (\d+)\b", evaluator, re.sub(r"\bpaper (\d+)\b", paper, reason))
    text = re.sub(r"\ballowed Systems reviewers?\b", "evaluators with the GPUs needed and no conflict", text)
    return re.sub(r"\bSystems reviewer(s?)\b", r"evaluator\1", text).replace(" (Systems)", "")


@dataclass(frozen=True)
class RunOutcome:
    drafts: int
    objective: float
    note: str


@transaction.atomic
def ae_assignment_run(*, edition: Edition, by: Any) -> RunOutcome:
    """Solve and replace the previous proposal's drafts (AE chairs only); raises
    ValidationError with the reasons when no assignment meets the constraints."""
    require(policy.can_manage_ae_assignments(by, edition))
    instance = artifact_instance(edition)
    if not instance.submission_ids or not instance.evaluator_ids:
        raise ValidationError("There are no registered artifacts or no AE committee members to assign.")
    note = ""
    try:
        result = solve(instance.problem)
    except Infeasible as error:
        if ae_settings(edition).max_load:
            raise ValidationError([_readable(reason, instance) for reason in error.reasons]) from error
        # The even share is a default, not the chairs' wish: drop it before giving up.
        instance = artifact_instance(edition, max_load=len(instance.submission_ids))
        try:
            result = solve(instance.problem)
        except Infeasible as still:
            raise ValidationError([_readable(reason, instance) for reason in still.reasons]) from still
        note = "Loads could not be even (hardware or conflicts): some evaluators have more artifacts. "
    drafts = Assignment.objects.filter(submission_id__in=instance.submission_ids, kind=KIND)
    drafts.filter(source=AssignmentSource.SOLVER, is_committed=False).delete()
    existing = set(drafts.values_list("submission_id", "user_id"))
    created = Assignment.objects.bulk_create(
        Assignment(
            submission_id=instance.submission_ids[p],
            user_id=instance.evaluator_ids[r],
            kind=KIND,
            source=AssignmentSource.SOLVER,
            created_by=by,
        )
        for p, r in result.pairs.tolist()
        if (instance.submission_ids[p], instance.evaluator_ids[r]) not in existing
    )
    note += f"{len(created)} draft evaluator assignments proposed; objective {result.objective:.4f}."
    record_action(edition=edition, actor=by, action="ae_assignment.run", note=note)
    log.info("user %s ran the evaluator assignment of %s: %s", getattr(by, "pk", None), edition.slug, note)
    return RunOutcome(drafts=len(created), objective=result.objective, note=note)


@transaction.atomic
def ae_assignments_commit(*, edition: Edition, by: Any) -> int:
    """Make the evaluator drafts final and mail each evaluator their artifacts. An AE chair's
    commit leaves the drafts of papers they wrote or are conflicted with to another AE chair."""
    require(policy.can_manage_ae_assignments(by, edition))
    handled = {a.submission_id for a in artifacts_of(edition) if policy.can_assign_artifact(by, a)}
    drafts = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(submission_id__in=handled, kind=KIND, is_committed=False)
        .select_related("submission__edition", "user")
    )
    now = timezone.now()
    count = Assignment.objects.filter(pk__in=[a.pk for a in drafts]).update(is_committed=True, committed_at=now)
    with recording_in_bulk():
        for assignment in drafts:
            record_action(
                edition=edition,
                actor=by,
                action="assignment.committed",
                target=assignment,
                paper_id=assignment.submission_id,
                person=assignment.user,
                changes={"is_committed": (False, True)},
            )
    forget_access()  # an update sends no signal: the evaluators' Access objects are stale
    evaluators = sorted({a.user_id for a in drafts})
    if evaluators:
        stamp = int(now.timestamp())
        transaction.on_commit(
            lambda: assignment_tasks.notify_reviewers.delay(edition.pk, evaluators, stamp, KIND.value)
        )
    log.info("user %s committed %s evaluator assignments of %s", getattr(by, "pk", None), count, edition.slug)
    return count


@transaction.atomic
def ae_assignment_remove(*, assignment: Assignment, by: Any) -> None:
    """Take an evaluator off an artifact (a draft or a committed assignment)."""
    artifact = Artifact.objects.select_related("submission__edition").get(submission_id=assignment.submission_id)
    require(policy.can_assign_artifact(by, artifact))
    if assignment.kind != KIND:
        raise ValidationError("Not an evaluator assignment.")
    record_action(
        edition=artifact.submission.edition,
        actor=by,
        action="assignment.removed",
        target=assignment,
        paper_id=assignment.submission_id,
        person=assignment.user,
        changes={"user": (assignment.user_id, None), "is_committed": (assignment.is_committed, None)},
    )
    assignment.delete()


@dataclass(frozen=True)
class ProposalRow:
    artifact: Artifact
    gpus_needed: int
    assignments: list[Assignment]


def proposal_for(user: Any, edition: Edition) -> list[ProposalRow]:
    """The AE chair's view: each artifact they handle with its evaluators (drafts and committed)."""
    artifacts = [a for a in artifacts_of(edition) if policy.can_assign_artifact(user, a)]
    by_paper: dict[int, list[Assignment]] = {a.submission_id: [] for a in artifacts}
    for assignment in (
        Assignment.objects.filter(submission_id__in=by_paper, kind=KIND).select_related("user").order_by("user_id")
    ):
        by_paper[assignment.submission_id].append(assignment)
    return [ProposalRow(a, gpus_needed(a.hardware_needed), by_paper[a.submission_id]) for a in artifacts]

"""Who reviews, meta-reviews or evaluates the artifact of which paper. A solver run proposes draft
review assignments; chairs adjust them by hand (of any kind) and commit; committed assignments
are what the review phase uses."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models

from conferences.models import Edition
from conferences.roles import RoleKind
from submissions.models import Submission


class AssignmentSource(models.TextChoices):
    SOLVER = "solver", "Solver"
    MANUAL = "manual", "By hand"


class AssignmentKind(models.TextChoices):
    REVIEW = "review", "Review"
    META_REVIEW = "meta_review", "Meta-review"
    ARTIFACT = "artifact", "Artifact evaluation"

    @property
    def task(self) -> str:
        """What the assignee does, after "to": "papers to review"."""
        return _KIND_WORDS[self.value].task

    @property
    def verb(self) -> str:
        """What the assignee does to the paper: "X reviews #3"."""
        return _KIND_WORDS[self.value].verb

    @property
    def assignee(self) -> str:
        """Who may hold one, in words: "a PC member"."""
        return _KIND_WORDS[self.value].assignee

    @property
    def assignee_roles(self) -> frozenset[str]:
        """The roles that may hold an assignment of this kind."""
        return _KIND_WORDS[self.value].roles


@dataclass(frozen=True)
class _Kind:
    task: str
    verb: str
    assignee: str
    roles: frozenset[str]


_KIND_WORDS = {
    AssignmentKind.REVIEW.value: _Kind(
        "review",
        "reviews",
        "a PC member",  # (or an external reviewer, who joins through a request: reviews.external)
        frozenset({RoleKind.PC_MEMBER, RoleKind.EXTERNAL_REVIEWER}),
    ),
    AssignmentKind.META_REVIEW.value: _Kind(
        "meta-review",
        "meta-reviews",
        "an area chair or PC member",
        frozenset({RoleKind.AREA_CHAIR, RoleKind.PC_MEMBER}),
    ),
    AssignmentKind.ARTIFACT.value: _Kind(
        "evaluate the artifacts of",
        "evaluates the artifacts of",
        "an artifact evaluation committee member",
        frozenset({RoleKind.AE_MEMBER}),
    ),
}


class Assignment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    kind = models.CharField(max_length=12, choices=AssignmentKind.choices, default=AssignmentKind.REVIEW)
    source = models.CharField(max_length=10, choices=AssignmentSource.choices)
    is_committed = models.BooleanField(default=False)
    is_secondary = models.BooleanField(
        default=False, help_text="A review assignment the chairs made secondary (HotCRP's review types)."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("submission", "user", "kind"), name="one_assignment_per_pair_and_kind")
        ]
        indexes = [models.Index(fields=("user", "is_committed"))]

    def __str__(self) -> str:
        state = "committed" if self.is_committed else "draft"
        return f"{self.user} {AssignmentKind(self.kind).verb} #{self.submission.number} ({state})"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class AssignmentRun(models.Model):
    """One run of the solver for an edition, started by a chair, executed by Celery."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="assignment_runs")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Percent done.")
    stage = models.CharField(max_length=200, blank=True)
    fair = models.BooleanField(default=False, help_text="Maximise the worst paper's score first.")
    bid_weight = models.FloatField(default=0.25)
    objective = models.FloatField(null=True, blank=True)
    proven_optimal = models.BooleanField(default=False)
    solve_seconds = models.FloatField(null=True, blank=True)
    message = models.TextField(blank=True, help_text="Why the run failed, e.g. which paper lacks reviewers.")
    fairness = models.JSONField(
        default=dict,
        blank=True,
        help_text="For a fair run: the worst paper's score and the total of the plain optimum and of the fair "
        "assignment, whether fairness changed anything (or why it could not be proven), and a sentence saying so.",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"run {self.pk} of {self.edition.slug}: {self.status}"

    def fairness_for(self, hidden_numbers: Collection[int]) -> dict[str, Any]:
        """The fairness comparison as a chair sees it: the worst paper of either assignment is
        left unnamed when the chair is conflicted with it (``hidden_numbers``)."""
        shown: dict[str, Any] = dict(self.fairness or {})
        for side in ("plain", "fair"):
            if isinstance(shown.get(side), dict):
                figures = dict(shown[side])
                if figures.get("worst_paper") in hidden_numbers:
                    figures["worst_paper"] = None
                shown[side] = figures
        return shown

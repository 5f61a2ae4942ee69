"""Who reviews which paper. A solver run proposes draft assignments; chairs adjust them by hand
and commit; committed assignments are what the review phase uses."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from conferences.models import Edition
from submissions.models import Submission


class AssignmentSource(models.TextChoices):
    SOLVER = "solver", "Solver"
    MANUAL = "manual", "By hand"


class Assignment(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    source = models.CharField(max_length=10, choices=AssignmentSource.choices)
    is_committed = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("submission", "user"), name="one_assignment_per_pair")]
        indexes = [models.Index(fields=("user", "is_committed"))]

    def __str__(self) -> str:
        state = "committed" if self.is_committed else "draft"
        return f"{self.user} reviews #{self.submission.number} ({state})"


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
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"run {self.pk} of {self.edition.slug}: {self.status}"

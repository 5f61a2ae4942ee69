"""Artifact evaluation (ACM badges, v1.1): an :class:`Artifact` per accepted paper, registered by
its authors before the artifact deadline, and the hardware each AE committee member can offer
(:class:`EvaluatorHardware`). The appendix PDF is a version of the paper's files
(``submissions.models.FileKind.ARTIFACT_APPENDIX``), checked and stored as papers are.

Badges requested are a JSON list of :class:`Badge` values (portable across SQLite and
PostgreSQL). ACM's "Reusable" is a higher level of "Functional": requesting Reusable implies
Functional, so the stored set always holds both (:func:`normalized_badges`)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models

from bidding.models import BidLevel
from conferences.models import Edition
from submissions.models import Submission


class Badge(models.TextChoices):
    """ACM artifact badges, version 1.1, in their order."""

    AVAILABLE = "available", "Artifacts Available"
    FUNCTIONAL = "functional", "Artifacts Evaluated: Functional"
    REUSABLE = "reusable", "Artifacts Evaluated: Reusable"
    REPRODUCED = "reproduced", "Results Reproduced"


def normalized_badges(values: Iterable[str]) -> list[str]:
    """The badges asked for, in ACM's order, each once; Reusable brings Functional with it.
    Raises ValidationError on a value that is no badge, or on none at all."""
    asked = set(values)
    unknown = sorted(asked - set(Badge.values))
    if unknown:
        raise ValidationError(f"Not an ACM badge: {', '.join(unknown)}.")
    if not asked:
        raise ValidationError("Request at least one badge.")
    if Badge.REUSABLE in asked:
        asked.add(Badge.FUNCTIONAL)
    return [badge for badge in Badge.values if badge in asked]


DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")


def validate_doi(value: str) -> None:
    """A bare DOI (``10.5281/zenodo.123``), not a URL."""
    if not DOI_PATTERN.match(value):
        raise ValidationError("Give the DOI as 10.NNNN/suffix (e.g. 10.5281/zenodo.1234567), without https://doi.org/.")


validate_repository_url = URLValidator(schemes=["http", "https"], message="Give an http:// or https:// address.")


def validate_badges(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Badges are a list of names.")
    if normalized_badges(value) != value:
        raise ValidationError("Badges must be distinct, in ACM's order, and Reusable comes with Functional.")


class LinkStatus(models.TextChoices):
    """What the link check (:mod:`artifacts.link_check`) found at a repository URL or a DOI."""

    OK = "ok", "answered"
    BROKEN = "broken", "broken"
    UNREACHABLE = "unreachable", "unreachable"
    REFUSED = "refused", "not checked"  # an address the check will not contact (private, odd port)


class Artifact(models.Model):
    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="artifact")
    abstract = models.TextField(max_length=5000)
    repository_url = models.URLField(max_length=500, validators=[validate_repository_url])
    doi = models.CharField(
        "archival DOI", max_length=200, blank=True, validators=[validate_doi], help_text="e.g. 10.5281/zenodo.1234567"
    )
    badges = models.JSONField(default=list, validators=[validate_badges], help_text="Badge values, in ACM's order.")
    hardware_needed = models.CharField(max_length=500, blank=True, help_text='e.g. "8 x A100 80 GB"')
    time_needed = models.CharField(max_length=200, blank=True, help_text='e.g. "12 h"')
    access_instructions = models.TextField(
        max_length=10000, blank=True, help_text="Shown only to the evaluators assigned and the AE chairs."
    )
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The last link check (artifacts/link_check.py); empty status: not checked (no DOI: no DOI status).
    link_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    repository_status = models.CharField(max_length=12, choices=LinkStatus.choices, blank=True, editable=False)
    repository_detail = models.CharField(max_length=300, blank=True, editable=False)
    doi_status = models.CharField(max_length=12, choices=LinkStatus.choices, blank=True, editable=False)
    doi_detail = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        ordering = ("submission__number",)

    def __str__(self) -> str:
        return f"Artifact of #{self.submission.number}"

    @property
    def link_lines(self) -> list[dict[str, str]]:
        """The last link check as pages show it: "Repository: answered 200", "DOI: broken: not found"."""
        lines = []
        for label, status, detail in (
            ("Repository", self.repository_status, self.repository_detail),
            ("DOI", self.doi_status, self.doi_detail),
        ):
            if status:
                said = detail if status == LinkStatus.OK else f"{LinkStatus(status).label}: {detail}"
                lines.append({"status": status, "text": f"{label}: {said}"})
        return lines

    @property
    def badge_labels(self) -> list[str]:
        return [Badge(badge).label for badge in self.badges]


class EvaluatorHardware(models.Model):
    """What one AE committee member can run artifacts on, in one edition."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    gpu_type = models.CharField("GPU type", max_length=100, blank=True, help_text='e.g. "A100 80 GB"; empty: none')
    gpu_count = models.PositiveSmallIntegerField("GPUs", default=0)
    cpu = models.CharField("CPU", max_length=100, blank=True, help_text='e.g. "2 x EPYC 7763, 128 cores"')
    memory_gb = models.PositiveIntegerField("memory (GB)", default=0)
    notes = models.TextField(max_length=2000, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("edition", "user"), name="one_hardware_per_member")]

    def __str__(self) -> str:
        return f"Hardware of {self.user} in {self.edition}"


def validate_awarded(value: object) -> None:
    """Badges awarded: a list of distinct badge values in ACM's order (may be empty: none);
    Reusable comes with Functional."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Badges are a list of names.")
    if value and normalized_badges(value) != value:
        raise ValidationError("Badges must be distinct, in ACM's order, and Reusable comes with Functional.")


class BadgeDecision(models.Model):
    """The AE chairs' decision on one artifact: the badges awarded (among those requested; none
    is a decision too) and a note to the authors. Nobody but the AE chairs sees it until it is
    released (``released_at``); once released it is final."""

    artifact = models.OneToOneField(Artifact, on_delete=models.CASCADE, related_name="badge_decision")
    badges = models.JSONField(default=list, blank=True, validators=[validate_awarded])
    note = models.TextField(max_length=5000, blank=True, help_text="Sent to the authors with the badges.")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    decided_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("artifact__submission__number",)

    def __str__(self) -> str:
        return f"Badges of #{self.artifact.submission.number}"

    @property
    def badge_labels(self) -> list[str]:
        return [Badge(badge).label for badge in self.badges]

    @property
    def awarded(self) -> list[dict[str, str]]:
        """The badges awarded as pages show them: value, label and image (under ``static/``)."""
        return [{"value": b, "label": Badge(b).label, "image": f"artifacts/badges/{b}.svg"} for b in self.badges]


# --- AE bidding and evaluator assignment (artifacts/bidding.py, artifacts/assignment.py) ------


class ArtifactBid(models.Model):
    """An AE member's bid on an artifact, with the PC's levels (``bidding.models.BidLevel``) but
    apart from the PC's bids, so a person on both committees never mixes them. No row: no bid."""

    artifact = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="bids")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    level = models.SmallIntegerField(choices=BidLevel.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("artifact", "user"), name="one_artifact_bid_per_pair")]

    def __str__(self) -> str:
        return f"{self.user} on the artifact of #{self.artifact.submission.number}: {self.get_level_display()}"


class ArtifactEvaluationSettings(models.Model):
    """The AE chairs' settings of one edition's evaluator assignment."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="+")
    min_evaluators = models.PositiveSmallIntegerField(
        "evaluators per artifact", default=3, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    max_load = models.PositiveSmallIntegerField(
        "most artifacts per evaluator",
        default=0,
        validators=[MaxValueValidator(100)],
        help_text="0: as even as possible.",
    )

    def __str__(self) -> str:
        return f"AE settings of {self.edition}"


# --- Evaluation: phases, the anonymous thread, the evaluation forms (artifacts/evaluations.py) ---


class AEStage(models.TextChoices):
    """Where the AE chairs have put the edition's artifact evaluation, in order."""

    REGISTRATION = "registration", "Registration"
    KICK_THE_TIRES = "kick_the_tires", "Kick the tires"
    FULL_EVALUATION = "full_evaluation", "Full evaluation"
    DECISIONS = "decisions", "Decisions"


class EvaluationStage(models.Model):
    """The edition's AE stage, set by the AE chairs (no row: registration)."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20, choices=AEStage.choices, default=AEStage.REGISTRATION)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.edition}: {self.get_stage_display()}"


class ThreadMessage(models.Model):
    """One message of an artifact's anonymous thread: its authors, its evaluators, the AE chairs."""

    artifact = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(max_length=20000)
    fix_url = models.URLField("link to a fix", max_length=500, blank=True, validators=[validate_repository_url])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "pk")

    def __str__(self) -> str:
        return f"Message {self.pk} on {self.artifact}"


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Recommendation(models.TextChoices):
    AWARD = "award", "Award"
    DENY = "deny", "Do not award"


class Evaluation(models.Model):
    """One assigned evaluator's evaluation of one artifact: per requested badge a recommendation,
    the ACM checklist ticked and (Reproduced) the claims checked, as JSON
    ``{badge: {"recommendation": ..., "checked": [...], "claims": ...}}``."""

    artifact = models.ForeignKey(Artifact, on_delete=models.CASCADE, related_name="evaluations")
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    badges = models.JSONField(default=dict)
    comments_for_authors = models.TextField(max_length=20000, blank=True)
    comments_for_committee = models.TextField("comments for the AE committee only", max_length=20000, blank=True)
    distinguished = models.BooleanField("nominate as a distinguished artifact", default=False)
    status = models.CharField(max_length=10, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=("artifact", "evaluator"), name="one_evaluation_per_evaluator")]

    def __str__(self) -> str:
        return f"Evaluation of {self.artifact} by {self.evaluator}"

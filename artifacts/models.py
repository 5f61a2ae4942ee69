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
from django.core.validators import URLValidator
from django.db import models

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

    class Meta:
        ordering = ("submission__number",)

    def __str__(self) -> str:
        return f"Artifact of #{self.submission.number}"

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

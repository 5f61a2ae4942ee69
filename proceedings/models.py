"""One build of a document made from a published program version: the program booklet, the
proceedings' front matter, the full proceedings PDF, or the archive of final PDFs. A Celery job
makes it and counts its steps, so the chairs' page shows a progress bar; the file is written
once, complete, and only then marked done."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from conferences.models import Edition
from program.models import ProgramVersion


class BuildKind(models.TextChoices):
    BOOKLET = "booklet", "Program booklet (PDF)"
    FRONT_MATTER = "front_matter", "Proceedings front matter (PDF)"
    PROCEEDINGS = "proceedings", "Full proceedings (PDF)"
    ARCHIVE = "archive", "Final papers and metadata (ZIP)"


class BuildStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


def _build_path(instance: Build, filename: str) -> str:
    extension = "zip" if instance.kind == BuildKind.ARCHIVE else "pdf"
    return f"proceedings/{instance.edition_id}/{instance.kind}-v{instance.version.number}-{instance.pk}.{extension}"


class Build(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="proceedings_builds")
    version = models.ForeignKey(ProgramVersion, on_delete=models.CASCADE, related_name="builds")
    kind = models.CharField(max_length=20, choices=BuildKind.choices)
    status = models.CharField(max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED)
    steps_done = models.PositiveIntegerField(default=0)
    steps_total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to=_build_path, max_length=300, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("edition", "-requested_at")
        indexes = [models.Index(fields=("edition", "kind", "-requested_at"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.edition.slug} v{self.version.number}"

    @property
    def percent(self) -> int:
        return 100 * self.steps_done // self.steps_total if self.steps_total else 0

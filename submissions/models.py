"""Papers submitted to an edition: the abstract, the ordered authors, and every uploaded file.

Files are versions: each upload is a new row named by its SHA-256 and never overwritten, so
a rejected upload can't replace the accepted one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse

from conferences.models import Edition, Topic


class Submission(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveIntegerField(help_text="The paper's number within its edition (#1, #2, ...).")
    title = models.CharField(max_length=300)
    abstract = models.TextField(max_length=5000)
    topic = models.CharField(max_length=10, choices=Topic.choices)
    keywords = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # blank: SET_NULL empties it when the account goes, and the paper must stay editable
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    extended_until = models.DateTimeField(
        null=True, blank=True, help_text="A chair's extension of the paper and supplementary deadlines for this paper."
    )

    class Meta:
        ordering = ("edition", "number")
        constraints = [models.UniqueConstraint(fields=("edition", "number"), name="one_number_per_paper")]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "submissions:detail",
            kwargs={"edition_slug": self.edition.slug, "number": self.number},
        )

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class Author(models.Model):
    """One line of a submission's ordered author list. ``user`` is set once the address is
    matched to an account; until then the author is known by e-mail."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    email = models.EmailField()
    affiliation = models.CharField(max_length=300, blank=True)
    is_contact = models.BooleanField(default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="authorships",
    )

    class Meta:
        ordering = ("submission", "position")
        constraints = [
            models.UniqueConstraint(fields=("submission", "position"), name="one_author_per_position"),
            models.UniqueConstraint(fields=("submission", "email"), name="author_listed_once"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class FileKind(models.TextChoices):
    PAPER = "paper", "Paper PDF"
    SUPPLEMENTARY = "supplementary", "Supplementary material"


def _upload_path(instance: SubmissionFile, filename: str) -> str:
    # Unguessable and never served directly: downloads go through a permission-checked view.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    if not (extension.isascii() and extension.isalnum() and len(extension) <= 10):
        extension = "bin"  # a long one would make storage cut the SHA-256 from the name, or fail
    return f"submissions/{instance.submission.edition_id}/{uuid.uuid4().hex}/{instance.sha256}.{extension}"


class SubmissionFile(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=20, choices=FileKind.choices)
    file = models.FileField(upload_to=_upload_path, max_length=300, blank=True)  # empty when rejected
    original_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    page_count = models.PositiveIntegerField(null=True, blank=True)
    is_accepted = models.BooleanField(
        default=False,
        help_text="Passed the checks; rejected uploads are kept for the record.",
    )
    checks = models.JSONField(default=list, blank=True)
    warning_count = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("submission", "kind", "-uploaded_at")
        indexes = [models.Index(fields=("submission", "kind", "is_accepted", "-uploaded_at"))]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of #{self.submission.number} ({self.sha256[:12]})"


class ConflictReason(models.TextChoices):
    """HotCRP's reasons for a conflict of interest, plus the ones found automatically."""

    ADVISOR = "advisor", "Advisor or advisee"
    INSTITUTION = "institution", "Same institution"
    COLLABORATOR = "collaborator", "Recent collaborator"
    PERSONAL = "personal", "Personal relationship"
    OTHER = "other", "Other"
    AUTHOR = "author", "Is an author (found automatically)"
    DOMAIN = "domain", "Same e-mail domain (found automatically)"
    AFFILIATION = "affiliation", "Same affiliation (found automatically)"


class ConflictSource(models.TextChoices):
    AUTHOR = "author", "Declared by the authors"
    PC_MEMBER = "pc", "Declared by the PC member"
    AUTOMATIC = "automatic", "Found automatically"
    CHAIR = "chair", "Set by a chair"


class Conflict(models.Model):
    """A conflict of interest between a submission and a member of the committees. Every
    later phase (bidding, assignment, reviews, discussion) treats the pair as untouchable."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="conflicts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts")
    reason = models.CharField(max_length=20, choices=ConflictReason.choices)
    source = models.CharField(max_length=10, choices=ConflictSource.choices)
    detail = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("submission", "user")
        constraints = [models.UniqueConstraint(fields=("submission", "user"), name="one_conflict_per_pair")]

    def __str__(self) -> str:
        return f"#{self.submission.number} x {self.user}: {self.get_reason_display()}"

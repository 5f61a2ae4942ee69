"""Papers submitted to an edition: the abstract, the ordered authors, every uploaded file, and
the paper's state (:class:`SubmissionState`; its allowed moves are in :mod:`submissions.states`).

Files are versions: each upload is a new row named by its SHA-256 and never overwritten, so
a rejected upload can't replace the accepted one.
"""

from __future__ import annotations

import uuid
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse

from conferences.models import Edition, Phase, Topic
from conferences.phases import format_in
from mlsys_conf.limits import ABSTRACT_MAX, MOMENT_OUT_OF_RANGE, moment_in_range, refuse_nul_characters


class SubmissionState(models.TextChoices):
    """Where a paper stands. A decision (accepted, rejected) reads "submitted" for the authors
    and the PC until the chairs release it (``decision_released_at``)."""

    ABSTRACT = "abstract", "Abstract registered, no PDF yet"
    SUBMITTED = "submitted", "PDF submitted"
    WITHDRAWN = "withdrawn", "Withdrawn"
    DESK_REJECTED = "desk_rejected", "Desk rejected"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


# The papers still in the running: bid on, assigned, reviewed.
ACTIVE_STATES = frozenset(
    {SubmissionState.ABSTRACT, SubmissionState.SUBMITTED, SubmissionState.ACCEPTED, SubmissionState.REJECTED}
)


class SubmissionQuerySet(models.QuerySet["Submission"]):
    def active(self) -> SubmissionQuerySet:
        """In the running: not withdrawn, not desk rejected."""
        return self.filter(state__in=ACTIVE_STATES)

    def in_state(self, *states: SubmissionState) -> SubmissionQuerySet:
        return self.filter(state__in=states)

    def abstract_only(self) -> SubmissionQuerySet:
        return self.in_state(SubmissionState.ABSTRACT)

    def submitted(self) -> SubmissionQuerySet:
        """With a PDF and in the running (decided papers included)."""
        return self.in_state(SubmissionState.SUBMITTED, SubmissionState.ACCEPTED, SubmissionState.REJECTED)

    def withdrawn(self) -> SubmissionQuerySet:
        return self.in_state(SubmissionState.WITHDRAWN)

    def desk_rejected(self) -> SubmissionQuerySet:
        return self.in_state(SubmissionState.DESK_REJECTED)


class Submission(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="submissions")
    number = models.PositiveIntegerField(help_text="The paper's number within its edition (#1, #2, ...).")
    title = models.CharField(max_length=300)
    abstract = models.TextField(max_length=ABSTRACT_MAX, validators=[MaxLengthValidator(ABSTRACT_MAX)])
    topic = models.CharField(max_length=10, choices=Topic.choices)
    keywords = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # blank: SET_NULL empties it when the account goes, and the paper must stay editable
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    state = models.CharField(max_length=20, choices=SubmissionState.choices, default=SubmissionState.ABSTRACT)
    state_reason = models.TextField(
        blank=True, help_text="Why a chair desk rejected the paper, as the authors read it."
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, help_text="When it was last withdrawn.")
    decision_released_at = models.DateTimeField(
        null=True, blank=True, help_text="When the authors were shown the decision; until then it is under review."
    )

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ("edition", "number")
        constraints = [models.UniqueConstraint(fields=("edition", "number"), name="one_number_per_paper")]
        indexes = [models.Index(fields=("edition", "state"))]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "submissions:detail",
            kwargs={"edition_slug": self.edition.slug, "number": self.number},
        )

    def clean(self) -> None:
        refuse_nul_characters(self)

    @property
    def is_withdrawn(self) -> bool:
        return self.state == SubmissionState.WITHDRAWN

    @property
    def is_active(self) -> bool:
        """In the running: not withdrawn, not desk rejected."""
        return self.state in ACTIVE_STATES

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

    def clean(self) -> None:
        refuse_nul_characters(self)


class FileKind(models.TextChoices):
    PAPER = "paper", "Paper PDF"
    SUPPLEMENTARY = "supplementary", "Supplementary material"
    ARTIFACT_APPENDIX = "artifact_appendix", "Artifact appendix"  # uploaded through the artifacts app
    CAMERA_READY = "camera_ready", "Camera-ready PDF"  # uploaded through the camera_ready app

    @property
    def of_the_paper(self) -> bool:
        """Uploaded and served through the paper's own pages (the appendix is the artifacts app's,
        the camera-ready PDF the camera_ready app's: it names the authors)."""
        return self in PAPER_FILE_KINDS


PAPER_FILE_KINDS = (FileKind.PAPER, FileKind.SUPPLEMENTARY)


class ProvenType(models.TextChoices):
    """What the upload checks proved a file's bytes to be; the only types files are served as."""

    PDF = "application/pdf", "PDF"
    ZIP = "application/zip", "ZIP archive"

    @property
    def extension(self) -> str:
        return "pdf" if self is ProvenType.PDF else "zip"


IDEMPOTENCY_KEY_MAX = 64


def _upload_path(instance: SubmissionFile, filename: str) -> str:
    # Unguessable and never served directly: downloads go through a permission-checked view.
    # The extension is the proven type's, never the uploader's (``filename`` is ignored).
    proven = instance.proven_type
    extension = proven.extension if proven else "bin"
    return f"submissions/{instance.submission.edition_id}/{uuid.uuid4().hex}/{instance.sha256}.{extension}"


class SubmissionFile(models.Model):
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(max_length=20, choices=FileKind.choices)
    file = models.FileField(upload_to=_upload_path, max_length=300, blank=True)  # empty when rejected
    content_type = models.CharField(
        max_length=40,
        choices=ProvenType.choices,
        blank=True,
        help_text="What the checks proved the bytes to be (empty when rejected); the file is served as this only.",
    )
    original_name = models.CharField(max_length=255, help_text="As uploaded: a record only, never used to serve.")
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
    idempotency_key = models.CharField(
        max_length=IDEMPOTENCY_KEY_MAX,
        blank=True,
        default="",
        help_text="Sent with the upload (the form's hidden field, the API's Idempotency-Key header): "
        "a retry with the same key gets this version back instead of a new one.",
    )

    class Meta:
        ordering = ("submission", "kind", "-uploaded_at")
        indexes = [models.Index(fields=("submission", "kind", "is_accepted", "-uploaded_at"))]
        constraints = [
            models.UniqueConstraint(
                fields=("submission", "uploaded_by", "idempotency_key"),
                condition=~models.Q(idempotency_key=""),
                name="submissionfile_one_version_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of #{self.submission.number} ({self.sha256[:12]})"

    @property
    def proven_type(self) -> ProvenType | None:
        return ProvenType(self.content_type) if self.content_type in ProvenType.values else None


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


# Set by automatic detection only: a person who declares a conflict gives another reason.
AUTOMATIC_REASONS = frozenset({ConflictReason.AUTHOR, ConflictReason.DOMAIN, ConflictReason.AFFILIATION})


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
    hidden_from_member = models.BooleanField(
        default=False,
        help_text="Found after the member's own change of profile or e-mail addresses: it counts everywhere, "
        "but the member is not shown it (so they can't map papers to institutions by trying them).",
    )

    class Meta:
        ordering = ("submission", "user")
        constraints = [models.UniqueConstraint(fields=("submission", "user"), name="one_conflict_per_pair")]

    def __str__(self) -> str:
        return f"#{self.submission.number} x {self.user}: {self.get_reason_display()}"


class ConflictWaiver(models.Model):
    """A chair removed an automatic conflict: detection must not find the pair again."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="conflict_waivers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    waived_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=20, choices=ConflictReason.choices, help_text="The reason it was found.")
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ("submission", "user")
        constraints = [models.UniqueConstraint(fields=("submission", "user"), name="one_waiver_per_pair")]

    def __str__(self) -> str:
        return f"#{self.submission.number} x {self.user}: waived"


class AuthorNotice(models.Model):
    """One "you are listed as an author" mail that an account's change caused, or held back
    because the account had reached its limit: what the co-author mail throttle counts."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="author_notices")
    email = models.EmailField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mailed = models.BooleanField(help_text="False: held back, over the limit of new addresses of the account.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("requested_by", "created_at"))]

    def __str__(self) -> str:
        return f"#{self.submission.number} → {self.email} ({'mailed' if self.mailed else 'held back'})"


class AuthorDispute(models.Model):
    """The owner of ``email`` reported "I am not an author of this paper" through the signed
    link of the co-author mail. No more mail about the paper goes to that address."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="author_disputes")
    email = models.EmailField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("submission", "created_at")
        constraints = [models.UniqueConstraint(fields=("submission", "email"), name="one_dispute_per_address")]

    def __str__(self) -> str:
        return f"#{self.submission.number}: {self.email} is not an author"


class AuthorMailOptOut(models.Model):
    """The owner of ``email`` asked, from the "not an author" page, for no more "you are listed
    as an author" mail about any paper, until the address belongs to a verified account."""

    email = models.EmailField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.email}: no co-author mail"


class Extension(models.Model):
    """A chair's extension of one input deadline, for one paper or for one person (e.g. a
    reviewer's review deadline). Checked by :mod:`submissions.deadlines`."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="extensions")
    phase = models.CharField(max_length=32, choices=Phase.choices)
    until = models.DateTimeField(help_text="The last second at which this paper or person may still hand in.")
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, null=True, blank=True, related_name="extensions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="extensions"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("edition", "phase", "until")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(submission__isnull=True) ^ models.Q(user__isnull=True),
                name="extension_for_a_paper_or_a_person",
            ),
            models.UniqueConstraint(
                fields=("phase", "submission"), condition=models.Q(submission__isnull=False), name="one_paper_extension"
            ),
            models.UniqueConstraint(
                fields=("edition", "phase", "user"), condition=models.Q(user__isnull=False), name="one_person_extension"
            ),
        ]

    def __str__(self) -> str:
        whom = f"#{self.submission.number}" if self.submission_id and self.submission else str(self.user)
        return f"{Phase(self.phase).label} for {whom} until {format_in(self.until, UTC)}"

    def clean(self) -> None:
        if not moment_in_range(self.until):
            raise ValidationError({"until": MOMENT_OUT_OF_RANGE})

"""Conference editions (MLSys 2027, MLSys 2028, ...), the deadlines of their phases (a hard close
and an optional announced, soft one), the chairs' releases, which are not deadlines, and the roles
people hold in an edition (what each kind of role means is :class:`conferences.roles.RoleKind`).

Deadlines are stored in UTC. Whether a phase is open is computed from the clock by
:mod:`conferences.phases`; nothing depends on a job having run.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from conferences.roles import RoleKind
from mlsys_conf.limits import CALL_FOR_PAPERS_MAX


class Area(models.TextChoices):
    """The two halves of the programme committee."""

    SYSTEMS = "systems", "Systems"
    ML = "ml", "ML"


class Topic(models.TextChoices):
    """What a paper is about, or what a person knows: one half, or both."""

    SYSTEMS = "systems", "Systems"
    ML = "ml", "ML"
    BOTH = "both", "Systems and ML"


class Phase(models.TextChoices):
    """The phases of an edition, in the order of its lifecycle."""

    ABSTRACT_REGISTRATION = "abstract", "Abstract registration"
    PAPER_SUBMISSION = "paper", "Paper submission"
    SUPPLEMENTARY_MATERIAL = "supplementary", "Supplementary material"
    BIDDING = "bidding", "Bidding"
    REVIEWING = "reviewing", "Reviewing"
    AUTHOR_RESPONSE = "response", "Author response"
    DISCUSSION = "discussion", "Discussion"
    NOTIFICATION = "notification", "Notification"
    CAMERA_READY = "camera_ready", "Camera-ready"
    ARTIFACT_REGISTRATION = "artifact_registration", "Artifact registration"
    ARTIFACT_EVALUATION = "artifact_evaluation", "Artifact evaluation"
    PROGRAM_PUBLICATION = "program", "Program publication"

    @classmethod
    def ordered(cls) -> list[Phase]:
        return list(cls)


# Phases in which someone hands something in (and so may be given an extension). Notification and
# program publication only mark the timeline: what chairs release is a :class:`Release`.
INPUT_PHASES = frozenset(set(Phase) - {Phase.NOTIFICATION, Phase.PROGRAM_PUBLICATION})


# When a deadline has no explicit opening time, its phase opens when this earlier one closes
# (None: open from the start). Submission, abstract and supplementary run side by side;
# the rest follow one another, the way HotCRP and OpenReview lay out a review cycle.
OPENS_AFTER: dict[Phase, Phase | None] = {
    Phase.ABSTRACT_REGISTRATION: None,
    Phase.PAPER_SUBMISSION: None,
    Phase.SUPPLEMENTARY_MATERIAL: None,
    Phase.BIDDING: Phase.PAPER_SUBMISSION,
    Phase.REVIEWING: Phase.BIDDING,
    Phase.AUTHOR_RESPONSE: Phase.REVIEWING,
    Phase.DISCUSSION: Phase.AUTHOR_RESPONSE,
    Phase.NOTIFICATION: Phase.DISCUSSION,
    Phase.CAMERA_READY: Phase.NOTIFICATION,
    Phase.ARTIFACT_REGISTRATION: Phase.NOTIFICATION,
    Phase.ARTIFACT_EVALUATION: Phase.ARTIFACT_REGISTRATION,
    Phase.PROGRAM_PUBLICATION: Phase.CAMERA_READY,
}

RESERVED_SLUGS = frozenset(
    {
        "accounts",
        "admin",
        "api",
        "static",
        "media",
        "me",
        "profile",
        "health",
        "editions",
    }
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not a time zone name such as Europe/Berlin or America/Los_Angeles.")


def validate_slug_free(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(f"'{value}' is reserved for the site's own pages; choose another.")


class Edition(models.Model):
    """One year of the conference, with its own URL prefix, time zone and rules."""

    slug = models.SlugField(unique=True, max_length=40, validators=[validate_slug_free])
    name = models.CharField(max_length=120)
    tagline = models.CharField(max_length=200, blank=True)
    call_for_papers = models.TextField(
        blank=True, max_length=CALL_FOR_PAPERS_MAX, validators=[MaxLengthValidator(CALL_FOR_PAPERS_MAX)]
    )
    venue = models.CharField(max_length=200, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="America/Los_Angeles", validators=[validate_time_zone])
    contact_email = models.EmailField(blank=True)
    is_public = models.BooleanField(default=True, help_text="Listed on the home page.")

    page_limit = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="Pages of main text allowed in a submission.",
    )
    max_pdf_mb = models.PositiveSmallIntegerField(
        "maximum PDF size (MB)",
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    systems_reviewers_per_paper = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(20)])
    ml_reviewers_per_paper = models.PositiveSmallIntegerField(default=2, validators=[MaxValueValidator(20)])
    default_max_load = models.PositiveSmallIntegerField(
        default=12,
        validators=[MaxValueValidator(500)],
        help_text="Most papers a PC member reviews, unless set per member.",
    )
    default_min_load = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(500)])

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-starts_on", "-created_at")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("conferences:edition", kwargs={"edition_slug": self.slug})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def max_pdf_bytes(self) -> int:
        return self.max_pdf_mb * 1024 * 1024

    @property
    def reviewers_per_paper(self) -> int:
        return self.systems_reviewers_per_paper + self.ml_reviewers_per_paper

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The conference cannot end before it starts."})


class Deadline(models.Model):
    """When a phase of an edition closes (and, optionally, opens and announces an earlier soft close).
    Stored in UTC."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="deadlines")
    phase = models.CharField(max_length=32, choices=Phase.choices)
    opens_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Leave empty to open when the previous phase closes (or at once for submissions).",
    )
    soft_closes_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="The announced deadline. After it, input is still taken until the hard close, marked late.",
    )
    closes_at = models.DateTimeField(help_text="The hard close: the last second at which the phase is open.")

    class Meta:
        ordering = ("closes_at",)
        constraints = [
            models.UniqueConstraint(fields=("edition", "phase"), name="one_deadline_per_phase"),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True) | models.Q(opens_at__lt=models.F("closes_at")),
                name="deadline_opens_before_it_closes",
            ),
            models.CheckConstraint(
                condition=models.Q(soft_closes_at__isnull=True) | models.Q(soft_closes_at__lte=models.F("closes_at")),
                name="deadline_soft_close_not_after_hard",
            ),
        ]

    def __str__(self) -> str:
        from conferences.phases import format_in  # phases reads these models

        return f"{self.edition.slug}: {self.get_phase_display()} closes {format_in(self.closes_at, UTC)}"

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.opens_at >= self.closes_at:
            raise ValidationError({"opens_at": "A phase must open before it closes."})
        if self.soft_closes_at and self.closes_at and self.soft_closes_at > self.closes_at:
            raise ValidationError({"soft_closes_at": "The announced deadline cannot be after the hard close."})

    @property
    def phase_enum(self) -> Phase:
        return Phase(self.phase)

    def closes_local(self) -> datetime:
        return self.closes_at.astimezone(self.edition.zone)


class ReleaseKind(models.TextChoices):
    """What the chairs make visible at a moment they choose: never an input deadline."""

    REVIEWS_TO_AUTHORS = "reviews_to_authors", "Reviews to authors"
    DECISIONS = "decisions", "Decisions"
    PROGRAM = "program", "Program"


class Release(models.Model):
    """A chair-triggered release: scheduled for a time (a job releases it then) or released at once.
    Visible from ``released_at`` on (see ``conferences.selectors.is_released``)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="releases")
    kind = models.CharField(max_length=32, choices=ReleaseKind.choices)
    scheduled_at = models.DateTimeField(
        null=True, blank=True, help_text="When the job releases it; empty: not planned."
    )
    released_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # the chair who scheduled or released it

    class Meta:
        ordering = ("edition", "kind")
        constraints = [models.UniqueConstraint(fields=("edition", "kind"), name="one_release_per_kind")]

    def __str__(self) -> str:
        return f"{self.edition.slug}: {self.get_kind_display()}"


# Roles that belong to one half of the PC and so must name it.
ROLES_WITH_AREA = RoleKind.where("has_area")

# The same words wherever a PC role lacks its half (model, forms, services, API).
AREA_REQUIRED = "PC members and area chairs belong to the Systems or the ML half."
# A load is a number of papers; empty means the edition's default.
MAX_LOAD = 500
LOAD_VALIDATORS = [MaxValueValidator(MAX_LOAD, f"A load is at most {MAX_LOAD} papers.")]


class Role(models.Model):
    """A role someone holds in one edition (a chair, the PC's Systems or ML half, the AE committee).
    Authors hold no role: they are authors through the authorship of a submission. The table keeps
    the name it had when roles lived in ``committees``."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(max_length=20, choices=RoleKind.choices)
    area = models.CharField(max_length=10, choices=Area.choices, blank=True)
    max_load = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=LOAD_VALIDATORS,
        help_text="Most papers this member reviews; empty: the edition's default.",
    )
    min_load = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=LOAD_VALIDATORS,
        help_text="Fewest papers this member reviews; empty: the edition's default.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "committees_role"
        ordering = ("edition", "kind", "user__last_name")
        constraints = [
            models.UniqueConstraint(fields=("edition", "user", "kind"), name="one_role_of_a_kind_per_person"),
            models.CheckConstraint(
                condition=~models.Q(kind__in=sorted(k.value for k in ROLES_WITH_AREA)) | ~models.Q(area=""),
                name="pc_roles_name_their_area",
            ),
        ]
        indexes = [models.Index(fields=("edition", "kind"), name="committees__edition_633f92_idx")]

    def __str__(self) -> str:
        area = f" ({self.get_area_display()})" if self.area else ""
        return f"{self.user} — {self.get_kind_display()}{area}, {self.edition.slug}"

    def clean(self) -> None:
        if self.kind in ROLES_WITH_AREA and not self.area:
            raise ValidationError({"area": AREA_REQUIRED})

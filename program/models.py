"""The program of an edition.

The chairs edit a draft: :class:`Room` rows, :class:`ProgramSession` rows (talks, posters,
keynotes, breaks) at a time and in a room, and the accepted papers placed into them in order
(:class:`Slot`, with the talk's duration). Nobody but the chairs sees the draft. Publishing
freezes it, with the papers' final metadata and released badges, into a
:class:`ProgramVersion`: a JSON snapshot (its shape is :mod:`program.snapshot`) and the list of
changes from the version before. The public program, its exports and the proceedings read the
newest published version only, so what readers see changes when the chairs publish, never
while they edit.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from conferences.models import Edition
from mlsys_conf.limits import refuse_nul_characters
from submissions.models import Submission


class Room(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField(default=0, help_text="Order of the rooms' columns.")
    capacity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("edition", "position", "name")
        constraints = [models.UniqueConstraint(fields=("edition", "name"), name="one_room_per_name")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        refuse_nul_characters(self)


class SessionKind(models.TextChoices):
    TALKS = "talks", "Talks"
    POSTERS = "posters", "Posters"
    KEYNOTE = "keynote", "Keynote"
    BREAK = "break", "Break"

    @property
    def holds_papers(self) -> bool:
        return self in (SessionKind.TALKS, SessionKind.POSTERS)


class ProgramSession(models.Model):
    """A block of the schedule: a room (none: plenary or a break for all) from ``starts_at`` to
    ``ends_at`` (stored in UTC, shown in the edition's time zone)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="program_sessions")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=SessionKind.choices, default=SessionKind.TALKS)
    room = models.ForeignKey(Room, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    speaker = models.CharField(max_length=300, blank=True, help_text="A keynote's speaker and affiliation.")
    description = models.TextField(blank=True, max_length=5000)

    class Meta:
        ordering = ("edition", "starts_at", "room__position", "pk")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        refuse_nul_characters(self)
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": "A session ends after it starts."})

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)


class Slot(models.Model):
    """An accepted paper placed in a session, at ``position``; a talk lasts ``duration_minutes``
    (posters: the whole session)."""

    session = models.ForeignKey(ProgramSession, on_delete=models.CASCADE, related_name="slots")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="program_slots")
    position = models.PositiveSmallIntegerField(default=0)
    duration_minutes = models.PositiveSmallIntegerField(
        default=15, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )

    class Meta:
        ordering = ("session", "position", "pk")
        constraints = [models.UniqueConstraint(fields=("session", "submission"), name="paper_once_per_session")]

    def __str__(self) -> str:
        return f"#{self.submission.number} in {self.session}"


class ProgramVersion(models.Model):
    """A published program: the frozen snapshot readers see, and what changed since the
    version before (a list of sentences, newest version first in the change log)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="program_versions")
    number = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True, help_text="The chairs' words on this version, public.")
    snapshot = models.JSONField()
    changes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ("edition", "-number")
        constraints = [models.UniqueConstraint(fields=("edition", "number"), name="one_program_version_per_number")]

    def __str__(self) -> str:
        return f"{self.edition.slug} program v{self.number}"

"""The final version of an accepted paper: its metadata as it will be published
(:class:`FinalVersion`, ordered :class:`FinalAuthor` rows with affiliations, ORCID iDs and the
presenter), the licence its authors accepted, and the final PDF, which is a version of the
paper's files (``submissions.models.FileKind.CAMERA_READY``) checked and stored as papers are,
without the double-blind check and with the final page limit (:class:`CameraReadySettings`).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models

from conferences.models import Edition
from mlsys_conf.limits import ABSTRACT_MAX, refuse_nul_characters
from submissions.models import Submission

ORCID_FORMAT = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")


def orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2 over the first 15 digits, as ORCID defines its last character."""
    digits = orcid.replace("-", "")
    total = 0
    for digit in digits[:-1]:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))


def validate_orcid(value: str) -> None:
    if not ORCID_FORMAT.match(value) or not orcid_checksum_ok(value):
        raise ValidationError(f"{value!r} is not an ORCID iD such as 0000-0002-1825-0097.")


class Licence(models.TextChoices):
    """What the authors grant the publisher for the proceedings."""

    CC_BY = "cc_by_4", "Creative Commons Attribution 4.0 (CC BY 4.0)"
    CC_BY_NC_ND = "cc_by_nc_nd_4", "Creative Commons Attribution-NonCommercial-NoDerivatives 4.0"
    COPYRIGHT_TRANSFER = "copyright_transfer", "Transfer of copyright to the conference's publisher"


class CameraReadySettings(models.Model):
    """The chairs' settings of one edition's camera-ready."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="+")
    page_limit = models.PositiveSmallIntegerField(
        "final page limit",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(200)],
        help_text="Pages of the final PDF; empty: the submission limit plus one.",
    )
    instructions = models.TextField(blank=True, max_length=10_000, help_text="Shown to the authors (Markdown).")

    def __str__(self) -> str:
        return f"camera-ready settings of {self.edition}"

    def final_page_limit(self) -> int:
        return self.page_limit or self.edition.page_limit + 1


class FinalVersion(models.Model):
    """The metadata an accepted paper is published with, confirmed by its authors."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="final_version")
    title = models.CharField(max_length=300)
    abstract = models.TextField(max_length=ABSTRACT_MAX, validators=[MaxLengthValidator(ABSTRACT_MAX)])
    keywords = models.CharField(max_length=500, blank=True)
    licence = models.CharField(max_length=32, choices=Licence.choices, blank=True)
    licence_accepted_at = models.DateTimeField(null=True, blank=True)
    licence_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(
        null=True, blank=True, help_text="When the authors last confirmed the metadata; cleared by a change."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("submission",)

    def __str__(self) -> str:
        return f"final version of #{self.submission.number}"

    def clean(self) -> None:
        refuse_nul_characters(self)

    @property
    def keyword_list(self) -> list[str]:
        return [k.strip() for k in self.keywords.split(",") if k.strip()]


class FinalAuthor(models.Model):
    """One line of the published author list; exactly one of them presents the paper."""

    final_version = models.ForeignKey(FinalVersion, on_delete=models.CASCADE, related_name="authors")
    position = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    email = models.EmailField(help_text="For the organisers only; never published.")
    affiliation = models.CharField(max_length=300, blank=True)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True, validators=[validate_orcid])
    is_presenter = models.BooleanField(default=False)

    class Meta:
        ordering = ("final_version", "position")
        constraints = [
            models.UniqueConstraint(fields=("final_version", "position"), name="one_final_author_per_position"),
            models.UniqueConstraint(
                fields=("final_version",), condition=models.Q(is_presenter=True), name="one_presenter_per_paper"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        refuse_nul_characters(self)

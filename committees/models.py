"""The invitations that lead to a role in one edition (chairs, the PC's Systems or ML half, the AE
committee). The roles themselves are core (``conferences.models.Role``); what each kind of role
means is ``conferences.roles.RoleKind``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from conferences.models import AREA_REQUIRED, LOAD_VALIDATORS, ROLES_WITH_AREA, Area, Edition
from conferences.roles import RoleKind


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Not answered"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    REVOKED = "revoked", "Withdrawn by the chairs"


class Invitation(models.Model):
    """A chair's invitation to join a committee, answered through a tokenised link."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    name = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=RoleKind.choices)
    area = models.CharField(max_length=10, choices=Area.choices, blank=True)
    max_load = models.PositiveSmallIntegerField(null=True, blank=True, validators=LOAD_VALIDATORS)
    token = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations",
        help_text="Who answered.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(
        default=timezone.now, help_text="When it was last (re-)opened; reminders count from here."
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True, max_length=2000)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    reminder_count = models.PositiveSmallIntegerField(
        default=0, help_text="Reminders sent since it was (re-)opened: the round of the next one is this plus one."
    )

    class Meta:
        ordering = ("edition", "status", "email")
        constraints = [
            models.UniqueConstraint(fields=("edition", "email", "kind"), name="one_invitation_per_role"),
            models.CheckConstraint(
                condition=~models.Q(kind__in=sorted(k.value for k in ROLES_WITH_AREA)) | ~models.Q(area=""),
                name="pc_invitations_name_their_area",
            ),
        ]
        indexes = [models.Index(fields=("status", "sent_at"))]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_kind_display()} of {self.edition.slug} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == InvitationStatus.PENDING

    @property
    def answered_from_other_address(self) -> bool:
        """Accepted (or declined) while signed in with an account whose e-mail differs."""
        return self.user is not None and self.user.email.lower() != self.email.lower()

    def clean(self) -> None:
        if self.kind in ROLES_WITH_AREA and not self.area:
            raise ValidationError({"area": AREA_REQUIRED})

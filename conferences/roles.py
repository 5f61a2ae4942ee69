"""The kinds of role people hold in an edition, and what each kind means.

Role meanings ("who bids", "who reviews", "who is on the PC") are capabilities of the kind,
defined here once: code asks ``kind.bids`` or ``RoleKind.where("bids")`` instead of listing
kinds. The ``Role`` rows are ``conferences.models.Role``; who holds which kind is asked of the
user's :class:`conferences.access.Access` (``conferences.access.holds_any`` and kin).
"""

from __future__ import annotations

from django.db import models


class RoleKind(models.TextChoices):
    PC_CHAIR = "pc_chair", "PC chair"
    PC_MEMBER = "pc_member", "PC member"
    AREA_CHAIR = "area_chair", "Area chair"
    AE_CHAIR = "ae_chair", "AE chair"
    AE_MEMBER = "ae_member", "AE committee member"
    EXTERNAL_REVIEWER = "external_reviewer", "External reviewer"

    @property
    def is_chair(self) -> bool:
        """Runs the edition: settings, deadlines, committees, assignments, the action log."""
        return self is RoleKind.PC_CHAIR

    @property
    def on_pc(self) -> bool:
        """A member of the programme committee (chairs included)."""
        return self in (RoleKind.PC_CHAIR, RoleKind.PC_MEMBER, RoleKind.AREA_CHAIR)

    @property
    def on_ae(self) -> bool:
        """A member of the artifact evaluation committee (its chair included)."""
        return self in (RoleKind.AE_CHAIR, RoleKind.AE_MEMBER)

    @property
    def bids(self) -> bool:
        """Bids on papers, and so has an affinity to each."""
        return self in (RoleKind.PC_MEMBER, RoleKind.AREA_CHAIR)

    @property
    def reviews(self) -> bool:
        """Is assigned papers to review and is reminded of the reviewing deadlines. An external
        reviewer reviews only the papers they were asked to (by e-mail, through the chairs)."""
        return self.bids or self is RoleKind.EXTERNAL_REVIEWER

    @property
    def has_area(self) -> bool:
        """Belongs to the Systems or the ML half, which the chairs keep even."""
        return self.bids

    @property
    def evaluates_artifacts(self) -> bool:
        return self is RoleKind.AE_MEMBER

    @classmethod
    def where(cls, capability: str) -> frozenset[RoleKind]:
        """The kinds that have ``capability`` (one of the properties above)."""
        return frozenset(kind for kind in cls if getattr(kind, capability))

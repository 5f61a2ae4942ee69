"""The kinds of role people hold in an edition, what each kind means, and who holds which.

Role meanings ("who bids", "who reviews", "who is on the PC") are capabilities of the kind,
defined here once: code asks ``kind.bids`` or ``RoleKind.where("bids")`` instead of listing
kinds. The ``Role`` rows live in ``committees``; who holds which kind comes from the user's
:class:`conferences.access.Access`, so the core imports nothing above it.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from conferences.access import access_of
from conferences.models import Edition


class RoleKind(models.TextChoices):
    PC_CHAIR = "pc_chair", "PC chair"
    PC_MEMBER = "pc_member", "PC member"
    AREA_CHAIR = "area_chair", "Area chair"
    AE_CHAIR = "ae_chair", "AE chair"
    AE_MEMBER = "ae_member", "AE committee member"

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
        """Is assigned papers to review and is reminded of the reviewing deadlines."""
        return self.bids

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


def kinds_held(subject: Any, edition: Edition) -> frozenset[RoleKind]:
    """The kinds of role ``subject`` (a user or their Access) holds in ``edition``."""
    return frozenset(RoleKind(kind) for kind in access_of(subject, edition).roles)


def holds_any(subject: Any, edition: Edition, capability: str) -> bool:
    """Whether one of the subject's roles in ``edition`` has ``capability`` (e.g. ``"bids"``)."""
    return any(getattr(kind, capability) for kind in kinds_held(subject, edition))


def is_pc_chair(subject: Any, edition: Edition) -> bool:
    return access_of(subject, edition).is_chair


def is_on_pc(subject: Any, edition: Edition) -> bool:
    return holds_any(subject, edition, "on_pc")


def is_on_ae(subject: Any, edition: Edition) -> bool:
    return holds_any(subject, edition, "on_ae")

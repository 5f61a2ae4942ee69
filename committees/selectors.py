"""Read queries about committees: who holds which role, the balance of the halves, invitations."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Value, When

from committees.models import Invitation, InvitationStatus
from conferences.access import kinds_held
from conferences.models import Area, Edition, Role
from conferences.roles import RoleKind


def roles_of(user: Any, edition: Edition) -> frozenset[RoleKind]:
    """The kinds of role ``user`` (a user or their Access) holds in ``edition``."""
    return kinds_held(user, edition)


def committee_of(edition: Edition, *kinds: RoleKind) -> QuerySet[Role]:
    qs = Role.objects.filter(edition=edition).select_related("user")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.order_by("kind", "area", "user__last_name", "user__first_name")


def pc_balance(edition: Edition) -> dict[str, int]:
    """How many PC members each half has: the PC should be split evenly."""
    counts = Counter(Role.objects.filter(edition=edition, kind=RoleKind.PC_MEMBER).values_list("area", flat=True))
    return {area.label: counts.get(area.value, 0) for area in Area}


# --- Invitations and the balance of the halves ---------------------------------------------

# The halves are uneven when they differ by more than this share of both together
# (e.g. 6 Systems and 4 ML: 2 of 10 = 20%, uneven; 11 and 9: 2 of 20 = 10%, even enough).
UNEVEN_SHARE = Fraction(1, 10)
# Roles whose halves the chairs keep even.
BALANCED_KINDS = tuple(kind for kind in RoleKind if kind.has_area)


def is_uneven(systems: int, ml: int) -> bool:
    total = systems + ml
    return total > 0 and abs(systems - ml) > UNEVEN_SHARE * total


@dataclass(frozen=True)
class HalfBalance:
    """Members and unanswered invitations of one kind of role, per half of the PC."""

    kind: RoleKind
    members: dict[str, int]  # area value -> people holding the role
    pending: dict[str, int]  # area value -> invitations not answered yet

    @property
    def label(self) -> str:
        return str(self.kind.label)

    @property
    def rows(self) -> list[dict[str, Any]]:
        return [
            {
                "area": area.value,
                "label": area.label,
                "members": self.members[area.value],
                "pending": self.pending[area.value],
                "if_all_accept": self.members[area.value] + self.pending[area.value],
            }
            for area in Area
        ]

    @property
    def pending_total(self) -> int:
        return sum(self.pending.values())

    @property
    def uneven(self) -> bool:
        """The halves of the people who accepted differ by more than UNEVEN_SHARE."""
        return is_uneven(self.members[Area.SYSTEMS], self.members[Area.ML])

    @property
    def uneven_if_all_accept(self) -> bool:
        return is_uneven(
            self.members[Area.SYSTEMS] + self.pending[Area.SYSTEMS],
            self.members[Area.ML] + self.pending[Area.ML],
        )


def _member_of_invited_role() -> Exists:
    """True for an invitation whose address a holder of the role has verified."""
    return Exists(
        Role.objects.filter(edition=OuterRef("edition"), kind=OuterRef("kind")).filter(
            user__emailaddress__email__iexact=OuterRef("email"), user__emailaddress__verified=True
        )
    )


def committee_balance(edition: Edition) -> list[HalfBalance]:
    """Systems/ML counts of PC members and of area chairs: members and pending invitations
    apart (an invitee who already holds the role counts once, as a member). Two queries."""
    members: Counter[tuple[str, str]] = Counter(
        Role.objects.filter(edition=edition, kind__in=BALANCED_KINDS).values_list("kind", "area")
    )
    pending: Counter[tuple[str, str]] = Counter(
        Invitation.objects.filter(edition=edition, kind__in=BALANCED_KINDS, status=InvitationStatus.PENDING)
        .exclude(_member_of_invited_role())
        .values_list("kind", "area")
    )
    return [
        HalfBalance(
            kind=kind,
            members={area.value: members[(kind.value, area.value)] for area in Area},
            pending={area.value: pending[(kind.value, area.value)] for area in Area},
        )
        for kind in BALANCED_KINDS
    ]


def invitations_of(edition: Edition) -> QuerySet[Invitation]:
    """All invitations of an edition, unanswered first, oldest first among them."""
    status_order = Case(
        When(status=InvitationStatus.PENDING, then=Value(0)),
        When(status=InvitationStatus.ACCEPTED, then=Value(1)),
        When(status=InvitationStatus.DECLINED, then=Value(2)),
        default=Value(3),
    )
    return (
        Invitation.objects.filter(edition=edition)
        .select_related("user", "invited_by")
        .annotate(status_order=status_order, already_member=_member_of_invited_role())
        .order_by("status_order", "sent_at", "email")
    )


def unanswered_invitation_count(edition: Edition, *kinds: RoleKind) -> int:
    """Invitations of ``edition`` (to roles of ``kinds``, or any) nobody has accepted or declined
    yet: the chairs' to-do list."""
    pending = Invitation.objects.filter(edition=edition, status=InvitationStatus.PENDING)
    return (pending.filter(kind__in=kinds) if kinds else pending).count()


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link carries, revoked ones included (the page says they were withdrawn)."""
    if not token or len(token) > 64:
        return None
    return Invitation.objects.select_related("edition", "user").filter(token=token).first()


def invitations_due_for_reminder(*, now: datetime, after: timedelta, max_reminders: int) -> QuerySet[Invitation]:
    """Unanswered invitations sent more than ``after`` ago, not reminded within ``after``,
    reminded fewer than ``max_reminders`` times, whose invitee does not hold the role already."""
    cutoff = now - after
    return (
        Invitation.objects.filter(status=InvitationStatus.PENDING, sent_at__lte=cutoff)
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=cutoff))
        .filter(reminder_count__lt=max_reminders)
        .exclude(_member_of_invited_role())
        .select_related("edition")
        .order_by("sent_at", "pk")
    )

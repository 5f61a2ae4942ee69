"""The committees' recipient sets for the chairs' mail composer (registered in
``CommitteesConfig.ready``): one mail per person, whatever roles they hold. No author
placeholder is offered: these mails go to reviewers."""

from __future__ import annotations

from typing import Any

from conferences.models import Area, Edition, Role
from conferences.roles import RoleKind
from outbox.recipients import Recipient, common_context, register_recipient_set

MEMBER_PLACEHOLDERS = {
    "member.role": "The member's role, e.g. PC member",
    "member.area": "The member's area (Systems or ML), when they have one",
}
_AREAS = dict(Area.choices)


def _members(edition: Edition, kinds: list[RoleKind]) -> list[Recipient]:
    roles = (
        Role.objects.filter(edition=edition, kind__in=kinds)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email", "kind")
    )
    recipients: dict[int, Recipient] = {}
    for role in roles:
        if role.user_id in recipients:  # a chair who is also a member: one mail
            continue
        user = role.user
        member = {"role": RoleKind(role.kind).label, "area": _AREAS.get(role.area, "")}
        context = {**common_context(edition, name=user.display_name, email=user.email), "member": member}
        recipients[role.user_id] = Recipient(email=user.email, name=user.display_name, context=context, user=user)
    return list(recipients.values())


def whole_pc(edition: Edition, by: Any) -> list[Recipient]:
    return _members(edition, [kind for kind in RoleKind if kind.on_pc])


def ae_committee(edition: Edition, by: Any) -> list[Recipient]:
    return _members(edition, [kind for kind in RoleKind if kind.on_ae])


def register() -> None:
    register_recipient_set(
        "committees.pc",
        "The whole PC",
        whole_pc,
        placeholders=MEMBER_PLACEHOLDERS,
        description="Every PC member, area chair and PC chair, one mail each.",
    )
    register_recipient_set(
        "committees.ae",
        "The AE committee",
        ae_committee,
        placeholders=MEMBER_PLACEHOLDERS,
        description="Every member and chair of the artifact evaluation committee, one mail each.",
    )

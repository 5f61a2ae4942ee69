"""Invite many people at once: a pasted list, one person a line ("name, e-mail, area"), checked
whole before anyone is invited.

Every line is read and checked first; if any line is wrong (not an e-mail address, an unknown
half, the same address twice, someone already invited or already on the committee), every
problem is reported with its line number and nothing is created. Otherwise each line goes
through :func:`committees.services.invitation_send` (its checks, its action log, its mail in the
outbox) inside one transaction: a refusal on the way undoes the whole batch.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts.selectors import account_for_verified_email
from committees import policy, services
from committees.models import Invitation, InvitationStatus
from conferences.models import ROLES_WITH_AREA, Area, Edition, Role
from conferences.roles import RoleKind
from mlsys_conf.limits import BULK_INVITATIONS_MAX, PERSON_NAME_MAX
from mlsys_conf.policy import require

log = logging.getLogger(__name__)

# What people write for each half, lower-cased.
AREA_ALIASES: Mapping[str, str] = {
    "systems": Area.SYSTEMS,
    "system": Area.SYSTEMS,
    "sys": Area.SYSTEMS,
    "ml": Area.ML,
    "machine learning": Area.ML,
}
FIELD_SEPARATORS = re.compile(r"[,;\t]")
SHOWN_LINE_MAX = 80  # how much of a bad line its problem quotes


@dataclass(frozen=True)
class Row:
    """One person as given: a pasted line (numbered from 1) or an item of an API list."""

    line: int
    name: str
    email: str
    area: str


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


class BulkInvitationError(ValidationError):
    """The batch was refused; ``problems`` says which lines are wrong and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__([f"Line {p.line}: {p.reason}" for p in problems])


def _shown(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SHOWN_LINE_MAX else text[: SHOWN_LINE_MAX - 1] + "…"


def rows_from_text(text: str) -> tuple[list[Row], list[Problem]]:
    """The people of a pasted list, and the lines that cannot be read at all.

    Fields are separated by commas (or semicolons, or tabs from a spreadsheet). The e-mail is
    the field with an "@": before it the name (which may itself hold a comma, "Lovelace,
    Ada"), after it the half, which may be left out for roles without one. Empty lines and
    lines starting with "#" are skipped.
    """
    rows: list[Row] = []
    problems: list[Problem] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = [f.strip() for f in FIELD_SEPARATORS.split(line)]
        at = [i for i, f in enumerate(fields) if "@" in f]
        if len(at) != 1:
            what = "no e-mail address" if not at else "more than one e-mail address"
            problems.append(Problem(number, f"{what} in “{_shown(line)}” (write: name, e-mail, area)."))
            continue
        index = at[0]
        after = [f for f in fields[index + 1 :] if f]
        if len(after) > 1:
            problems.append(Problem(number, f"too many fields after the e-mail in “{_shown(line)}”."))
            continue
        name = ", ".join(f for f in fields[:index] if f)
        rows.append(Row(number, name, fields[index], after[0] if after else ""))
    return rows, problems


def rows_from_items(items: Iterable[Mapping[str, Any]]) -> list[Row]:
    """The people of an API list, numbered from 1 in its order."""
    return [
        Row(n, str(item.get("name", "")).strip(), str(item.get("email", "")).strip(), str(item.get("area", "")).strip())
        for n, item in enumerate(items, start=1)
    ]


def _area_of(text: str) -> str | None:
    return AREA_ALIASES.get(" ".join(text.lower().split()))


def _check_row(row: Row, kind: RoleKind) -> tuple[str, str | None]:
    """The address (lower-cased) and half of ``row``, or the reason it is wrong."""
    email = row.email.lower()
    try:
        validate_email(email)
    except ValidationError:
        return email, f"“{_shown(row.email)}” is not an e-mail address."
    if len(row.name) > PERSON_NAME_MAX:
        return email, f"the name is longer than {PERSON_NAME_MAX} characters."
    if row.area and _area_of(row.area) is None:
        return email, f"unknown area “{_shown(row.area)}”: write Systems (or sys) or ML."
    if kind in ROLES_WITH_AREA and not row.area:
        return email, f"no area for {email}: a {kind.label} belongs to the Systems or the ML half."
    return email, None


def _already(edition: Edition, kind: RoleKind, email: str, pending: set[str]) -> str | None:
    """Why ``email`` cannot be invited again to ``kind``: an unanswered invitation, or the role."""
    if email in pending:
        return f"{email} is already invited as {kind.label} and has not answered yet."
    user = account_for_verified_email(email)
    if user is not None and Role.objects.filter(edition=edition, user=user, kind=kind).exists():
        return f"{email} is already {kind.label} of {edition.name}."
    accepted = Invitation.objects.filter(
        edition=edition, email=email, kind=kind, status=InvitationStatus.ACCEPTED, user__isnull=False
    ).values_list("user_id", flat=True)
    if Role.objects.filter(edition=edition, user_id__in=accepted, kind=kind).exists():
        return f"{email} already accepted and is {kind.label} of {edition.name}."
    return None


def check_rows(*, edition: Edition, kind: RoleKind, rows: list[Row]) -> list[Problem]:
    """Every problem of ``rows``, in line order; none means the batch can be sent."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    checked: list[tuple[Row, str]] = []
    for row in rows:
        email, reason = _check_row(row, kind)
        if reason is None and email in seen:
            reason = f"{email} is on line {seen[email]} already."
        if reason is not None:
            problems.append(Problem(row.line, reason))
            continue
        seen[email] = row.line
        checked.append((row, email))
    pending = set(
        Invitation.objects.filter(
            edition=edition, kind=kind, status=InvitationStatus.PENDING, email__in=[email for _, email in checked]
        ).values_list("email", flat=True)
    )
    for row, email in checked:
        reason = _already(edition, kind, email, pending)
        if reason is not None:
            problems.append(Problem(row.line, reason))
    return sorted(problems, key=lambda p: p.line)


@transaction.atomic
def invitations_send_bulk(
    *, edition: Edition, rows: list[Row], kind: RoleKind | str, by: Any, unreadable: list[Problem] | None = None
) -> list[Invitation]:
    """Invite everyone in ``rows`` as ``kind``, or nobody: any problem (``unreadable`` lines
    included) refuses the whole batch with :class:`BulkInvitationError`."""
    require(policy.can_manage_committee(by, edition))
    kind = RoleKind(kind)
    count = len(rows) + len(unreadable or [])
    if count > BULK_INVITATIONS_MAX:
        raise ValidationError(f"Invite at most {BULK_INVITATIONS_MAX} people at once; this list has {count}.")
    if not rows and not unreadable:
        raise ValidationError("The list is empty: write one person a line (name, e-mail, area).")
    problems = sorted([*(unreadable or []), *check_rows(edition=edition, kind=kind, rows=rows)], key=lambda p: p.line)
    if problems:
        raise BulkInvitationError(problems)
    invitations = []
    for row in rows:
        try:
            invitation = services.invitation_send(
                edition=edition,
                email=row.email,
                name=row.name,
                kind=kind,
                area=_area_of(row.area) or "",
                by=by,
            )
        except ValidationError as error:  # someone was invited meanwhile: the whole batch goes back
            raise BulkInvitationError([Problem(row.line, " ".join(error.messages))]) from error
        invitations.append(invitation)
    log.info("user %s invited %s people as %s of %s", getattr(by, "pk", None), len(rows), kind, edition.slug)
    return invitations


def invitations_send_pasted(*, edition: Edition, text: str, kind: RoleKind | str, by: Any) -> list[Invitation]:
    """:func:`invitations_send_bulk` for a pasted list."""
    rows, unreadable = rows_from_text(text)
    return invitations_send_bulk(edition=edition, rows=rows, kind=kind, by=by, unreadable=unreadable)

"""Opting out of non-essential mail: the choice in one's profile, and the signed unsubscribe link
at the foot of every non-essential mail (it works without signing in).

The choice is kept per address (and per account when made signed in): a non-essential mail is
skipped, status "opted out", when its recipient's account or address opted out. Essential mail
(decisions, deadlines, receipts) is always sent.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from actionlog.services import record_action
from outbox.models import MailOptOut

SALT = "outbox.unsubscribe"
MAX_AGE = timedelta(days=400)  # a mail read late still works, for a whole conference cycle


def unsubscribe_token(email: str) -> str:
    return signing.dumps({"e": email.strip().lower()}, salt=SALT, compress=True)


def read_unsubscribe_token(token: str) -> str | None:
    """The address a token names, or None when it is forged, damaged or too old."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not (isinstance(data, dict) and isinstance(data.get("e"), str)):
        return None
    return str(data["e"])


def unsubscribe_url(email: str) -> str:
    return settings.SITE_URL + reverse("mail_preferences:unsubscribe", kwargs={"signed": unsubscribe_token(email)})


def unsubscribe_footer(email: str) -> str:
    """The lines appended to a non-essential mail (after rendering: no template reaches them)."""
    return (
        f"\n\n-- \nThis is an announcement, not an essential mail. To get no more announcements from "
        f"{settings.SITE_NAME} (decisions and deadlines still reach you): {unsubscribe_url(email)}\n"
    )


def is_opted_out(*, email: str, user_id: int | None = None) -> bool:
    """Whether the account ``user_id`` or the address ``email`` asked for no non-essential mail."""
    match = Q(email__iexact=email.strip())
    if user_id is not None:
        match |= Q(user_id=user_id)
    return MailOptOut.objects.filter(match).exists()


def opted_out_user(user: Any) -> bool:
    return bool(user.is_authenticated) and is_opted_out(email=user.email, user_id=user.pk)


@transaction.atomic
def mail_opt_out_set(*, user: Any, opted_out: bool, by: Any) -> bool:
    """Set ``user``'s choice (only their own); returns whether it changed."""
    if by.pk != user.pk:
        raise PermissionDenied("Only the account's owner sets its mail preference.")
    before = opted_out_user(user)
    if opted_out == before:
        return False
    if opted_out:
        MailOptOut.objects.update_or_create(email=user.email.strip().lower(), defaults={"user": user})
    else:
        MailOptOut.objects.filter(Q(user=user) | Q(email__iexact=user.email)).delete()
    record_action(
        edition=None,
        actor=by,
        action="mail.opt_out" if opted_out else "mail.opt_in",
        target=user,
        changes={"non_essential_mail": (before, not before)},
    )
    return True


def mail_opt_out_address(email: str) -> bool:
    """Opt an address out from the signed link (no login); returns whether it is new."""
    _optout, created = MailOptOut.objects.get_or_create(email=email.strip().lower())
    return created

"""Reads about accounts: who has proved their address, whose address is this, which tokens.

An account counts as verified when the address it signs in with (``User.email``, which allauth
keeps equal to the primary ``EmailAddress``) is verified. Matching a person by an address
only ever uses verified addresses: anyone can sign up with someone else's address, but only
its owner can confirm it.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import ApiToken, User


def _login_address_verified() -> Exists:
    return Exists(EmailAddress.objects.filter(user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True))


def verified_accounts() -> QuerySet[User]:
    """Active accounts whose sign-in address is verified: the only ones that may sign in."""
    return User.objects.filter(is_active=True).filter(_login_address_verified())


def is_verified_account(user: User) -> bool:
    return verified_accounts().filter(pk=user.pk).exists()


def account_for_verified_email(email: str) -> User | None:
    """The account that has verified ``email`` (its sign-in address or another one), if any."""
    address = (
        EmailAddress.objects.filter(email__iexact=email.strip(), verified=True)
        .select_related("user")
        .order_by("-primary", "pk")
        .first()
    )
    return address.user if address else None


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first (expired ones too, until revoked)."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")

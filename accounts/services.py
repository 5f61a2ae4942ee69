"""Changes to accounts: the profile, and the API tokens a person makes and revokes."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts import tokens
from accounts.models import ApiToken, User
from accounts.signals import conflict_facts_changed

log = logging.getLogger(__name__)

PERSON_FIELDS = ("first_name", "last_name", "affiliation", "country", "institutional_domains")
RESEARCH_FIELDS = (
    "expertise",
    "keywords",
    "orcid",
    "dblp_url",
    "semantic_scholar_url",
    "homepage",
    "publications",
)
PROFILE_FIELDS = PERSON_FIELDS + RESEARCH_FIELDS  # in the order the profile form shows them


CONFLICT_FIELDS = frozenset({"affiliation", "institutional_domains"})


def refresh_conflicts_after_commit(user: User) -> None:
    """The person's new affiliation or address may create conflicts: tell the app that keeps
    them (``accounts.signals.conflict_facts_changed``), which refreshes them after commit."""
    conflict_facts_changed.send(sender=User, user=user)


@transaction.atomic
def profile_update(*, user: User, **changes: Any) -> User:
    unknown = set(changes) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(user, field, value)
    user.full_clean()
    user.save()
    if CONFLICT_FIELDS & set(changes):
        refresh_conflicts_after_commit(user)
    log.info("user %s updated their profile (%s)", user.pk, ", ".join(sorted(changes)))
    return user


# --- API tokens -------------------------------------------------------------------------------

MAX_TOKENS_PER_USER = 20


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_at: datetime | None = None) -> tuple[ApiToken, str]:
    """A new token for ``user``, and its secret: the only time the secret exists in clear.
    The caller shows it once; only its hash is stored."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one token at a time per user
    if ApiToken.objects.filter(user=user).count() >= MAX_TOKENS_PER_USER:
        raise ValidationError(f"You have {MAX_TOKENS_PER_USER} API tokens; revoke one you no longer use first.")
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": "The expiry must be in the future."})
    secret = tokens.new_secret()
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=tokens.prefix_of(secret),
        digest=tokens.digest_of(secret),
        expires_at=expires_at,
    )
    token.full_clean()
    token.save()
    log.info("user %s created API token %s (%s)", user.pk, token.pk, token.prefix)
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by: User) -> None:
    """Revoke one of ``by``'s own tokens: it stops working at once."""
    if token.user_id != by.pk:
        raise ValidationError("You can only revoke your own API tokens.")
    log.info("user %s revoked API token %s (%s)", by.pk, token.pk, token.prefix)
    token.delete()

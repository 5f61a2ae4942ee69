"""Changes to accounts."""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.db import transaction

from accounts.models import User

log = logging.getLogger(__name__)

PROFILE_FIELDS = (  # in the order the profile form shows them
    "first_name",
    "last_name",
    "affiliation",
    "country",
    "institutional_domains",
    "expertise",
    "keywords",
    "orcid",
    "dblp_url",
    "semantic_scholar_url",
    "homepage",
    "publications",
)


CONFLICT_FIELDS = frozenset({"affiliation", "institutional_domains"})


def _refresh_conflicts_after_commit(user: User) -> None:
    """Where the person sits on a committee, their new affiliation may create conflicts."""
    from submissions.tasks import refresh_edition_conflicts

    edition_ids = set(user.roles.values_list("edition_id", flat=True))
    for edition_id in edition_ids:
        transaction.on_commit(functools.partial(refresh_edition_conflicts.delay, edition_id))


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
        _refresh_conflicts_after_commit(user)
    log.info("user %s updated their profile (%s)", user.pk, ", ".join(sorted(changes)))
    return user

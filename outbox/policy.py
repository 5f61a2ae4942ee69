"""Who handles an edition's mail (the list, held batches, the edition's templates): its PC chairs."""

from __future__ import annotations

from typing import Any

from conferences.access import access_of
from conferences.models import Edition
from mlsys_conf.policy import Verdict, rule, when_signed_in


@rule
def can_manage_mail(user: Any, edition: Edition) -> Verdict:
    return when_signed_in(
        user, access_of(user, edition).is_chair, "Only the PC chairs of this edition handle its outgoing mail."
    )

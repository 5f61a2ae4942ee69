"""Who may see and run an edition."""

from __future__ import annotations

from typing import Any

from conferences.access import is_pc_chair
from conferences.models import Edition
from mlsys_conf.policy import ALLOW, Verdict, deny, rule, when_signed_in


@rule
def can_view_edition(user: Any, edition: Edition) -> Verdict:
    if edition.is_public or is_pc_chair(user, edition):
        return ALLOW
    return deny("This edition is not public yet.")


@rule
def can_manage_edition(user: Any, edition: Edition) -> Verdict:
    """Settings, deadlines and every chair's page of the edition."""
    return when_signed_in(
        user, is_pc_chair(user, edition), "Only the PC chairs of this edition can change its settings and deadlines."
    )

"""Who may see and change review assignments."""

from __future__ import annotations

from typing import Any

from committees.policy import is_on_pc, is_pc_chair
from conferences.models import Edition
from mlsys_conf.policy import ALLOW, SIGN_IN_FIRST, Verdict, deny, rule


@rule
def can_manage_assignments(user: Any, edition: Edition) -> Verdict:
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if is_pc_chair(user, edition):
        return ALLOW
    return deny("Only the PC chairs assign papers to reviewers.")


@rule
def can_see_own_assignments(user: Any, edition: Edition) -> Verdict:
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if is_on_pc(user, edition):
        return ALLOW
    return deny("Only the PC of this edition has papers to review.")

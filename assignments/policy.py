"""Who may see and change review assignments."""

from __future__ import annotations

from typing import Any

from committees.policy import is_pc_chair
from conferences.models import Edition
from mlsys_conf.policy import ALLOW, SIGN_IN_FIRST, Verdict, deny, rule


@rule
def can_manage_assignments(user: Any, edition: Edition) -> Verdict:
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if is_pc_chair(user, edition):
        return ALLOW
    return deny("Only the PC chairs assign papers to reviewers.")

"""Who may see and change review assignments."""

from __future__ import annotations

from typing import Any

from committees.policy import is_on_pc, is_pc_chair
from conferences.models import Edition
from mlsys_conf.policy import Verdict, rule, when_signed_in


@rule
def can_manage_assignments(user: Any, edition: Edition) -> Verdict:
    return when_signed_in(user, is_pc_chair(user, edition), "Only the PC chairs assign papers to reviewers.")


@rule
def can_see_own_assignments(user: Any, edition: Edition) -> Verdict:
    return when_signed_in(user, is_on_pc(user, edition), "Only the PC of this edition has papers to review.")

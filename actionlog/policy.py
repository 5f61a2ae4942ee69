"""Who reads the action log: the PC chairs of the edition."""

from __future__ import annotations

from typing import Any

from conferences.access import is_pc_chair
from conferences.models import Edition
from mlsys_conf.policy import Verdict, rule, when_signed_in


@rule
def can_read_action_log(user: Any, edition: Edition) -> Verdict:
    return when_signed_in(user, is_pc_chair(user, edition), "Only the PC chairs read the action log.")

"""Who may build and download the proceedings: the PC chairs, the ones conflicted with some
paper too (everything here is made from the published program, which is public)."""

from __future__ import annotations

from typing import Any

from conferences.access import is_pc_chair
from conferences.models import Edition
from mlsys_conf.policy import Verdict, rule, when_signed_in


@rule
def can_manage_proceedings(user: Any, edition: Edition) -> Verdict:
    """Request builds of the booklet, the front matter, the proceedings and the archive; follow
    and download them."""
    return when_signed_in(
        user, is_pc_chair(user, edition), "Only the PC chairs of this edition build and download the proceedings."
    )

"""Who may decide on papers, tag them and order their discussion: the PC chairs, each for the
papers they manage (a chair conflicted with a paper never learns of it here: a 404)."""

from __future__ import annotations

from typing import Any

from conferences.access import access_of, holds_any
from conferences.models import Edition
from mlsys_conf.policy import Verdict, rule, when_signed_in
from submissions.models import Submission
from submissions.policy import can_manage_submission


@rule
def can_decide(user: Any, edition: Edition) -> Verdict:
    """The decisions dashboard, its exports and the decisions API: the edition's PC chairs."""
    access = access_of(user, edition)
    return when_signed_in(user, access.is_chair, "Only the PC chairs of this edition decide on its papers.")


@rule
def can_decide_paper(user: Any, submission: Submission) -> Verdict:
    """A chair not conflicted with the paper (callers answer a refusal with a 404)."""
    return can_manage_submission(user, submission)


@rule
def can_attend_meeting(user: Any, edition: Edition) -> Verdict:
    """The PC meeting's live page: the PC members and the PC chairs of the edition."""
    access = access_of(user, edition)
    on_pc = access.is_chair or holds_any(user, edition, "on_pc")
    return when_signed_in(user, on_pc, "Only the PC members and the PC chairs attend the PC meeting.")

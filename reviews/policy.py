"""Who may open a paper as its reviewer: a PC member it is committed to (to review or
meta-review, while the paper is neither withdrawn nor desk rejected), or a chair not
conflicted with it. Everyone else is answered as for a missing paper (double-blind)."""

from __future__ import annotations

from typing import Any

from assignments.models import AssignmentKind
from conferences.access import access_of
from mlsys_conf.policy import Verdict, rule, when_signed_in
from submissions.models import ACTIVE_STATES, Submission

REVIEWING_KINDS = (AssignmentKind.REVIEW, AssignmentKind.META_REVIEW)  # not artifact evaluation


@rule
def can_open_paper_for_review(user: Any, submission: Submission) -> Verdict:
    access = access_of(user, submission.edition)
    committed = any(access.is_assigned(submission, kind) for kind in REVIEWING_KINDS)
    assigned = committed and submission.state in ACTIVE_STATES
    return when_signed_in(user, assigned or access.manages(submission), "This paper is not assigned to you.")

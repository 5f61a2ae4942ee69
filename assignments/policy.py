"""Who may see and change assignments: the chairs run the solver and commit for the edition, and
change who reviews (meta-reviews, evaluates) a paper unless conflicted with it; the PC see
what they review. The assignment services enforce these rules themselves."""

from __future__ import annotations

from typing import Any

from assignments.models import AssignmentKind
from committees.policy import is_on_pc, is_pc_chair
from conferences.access import holds_any
from conferences.models import Edition
from mlsys_conf.policy import ALLOW, Verdict, deny, rule, when_signed_in
from submissions.models import Submission
from submissions.policy import can_manage_submission


@rule
def can_manage_assignments(user: Any, edition: Edition) -> Verdict:
    return when_signed_in(user, is_pc_chair(user, edition), "Only the PC chairs assign papers to reviewers.")


@rule
def can_assign_paper(user: Any, submission: Submission) -> Verdict:
    """Change who reviews (meta-reviews, evaluates) one paper: a chair not conflicted with it."""
    verdict = can_manage_assignments(user, submission.edition)
    return can_manage_submission(user, submission) if verdict else verdict


# The kinds assigned here, by the PC chairs; artifact evaluators are the AE chairs' to assign (the
# artifacts app), so a PC chair cannot add, move or commit them through these services.
PC_KINDS = frozenset({AssignmentKind.REVIEW, AssignmentKind.META_REVIEW})


@rule
def can_assign_kind(user: Any, kind: str) -> Verdict:
    if AssignmentKind(kind) in PC_KINDS:
        return ALLOW
    return deny("Artifact evaluators are assigned by the AE chairs, on the artifact evaluation pages.")


@rule
def can_see_own_assignments(user: Any, edition: Edition) -> Verdict:
    reviewer = is_on_pc(user, edition) or holds_any(user, edition, "reviews")  # external reviewers too
    return when_signed_in(user, reviewer, "Only the PC of this edition has papers to review.")

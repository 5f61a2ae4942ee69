"""Who may register, see and change artifacts, their access instructions, and the AE
committee's hardware. Only AE roles (and authorship) count here: a PC role, the PC chair's
included, gives nothing, so one person's PC and AE roles never leak into each other.

- Authors of a paper whose acceptance is released register and edit its artifact (and upload
  its appendix) until the artifact registration deadline, or their paper's extension of it;
  they see their own artifact, always.
- AE chairs see every artifact except those of papers they wrote or are conflicted with.
- AE members see the registered artifacts (not those they are conflicted with), without the
  access instructions, which only the evaluators assigned to the artifact (committed
  assignments of kind ``artifact``) and the AE chairs read.
- The author of paper A who sits on the AE committee sees A's artifact only as its author.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from artifacts.models import Artifact
from assignments.models import AssignmentKind
from conferences.access import Access, access_of
from conferences.models import Edition, Phase
from conferences.roles import RoleKind
from mlsys_conf.policy import ALLOW, SIGN_IN_FIRST, Verdict, deny, rule, when_signed_in
from submissions.deadlines import why_closed
from submissions.models import Submission, SubmissionState
from submissions.states import decision_is_shown

NOT_YOURS = "You are not an author of this paper."


def acceptance_is_released(submission: Submission, now: datetime | None = None) -> bool:
    return submission.state == SubmissionState.ACCEPTED and decision_is_shown(submission, now)


@rule
def can_open_artifact_form(user: Any, submission: Submission) -> Verdict:
    """The paper's artifact page: its authors (registering may still be refused, with the reason)."""
    return when_signed_in(user, access_of(user, submission.edition).is_author(submission), NOT_YOURS)


@rule
def can_register_artifact(user: Any, submission: Submission, now: datetime | None = None) -> Verdict:
    """Register or edit the paper's artifact, or upload its appendix (``now``: when received)."""
    access = access_of(user, submission.edition)
    if not access.is_authenticated:
        return SIGN_IN_FIRST
    if not access.is_author(submission):
        return deny(NOT_YOURS)
    if not acceptance_is_released(submission, now):
        return deny("Artifacts are registered for accepted papers, once the decision is released.")
    closed = why_closed(submission, Phase.ARTIFACT_REGISTRATION, now=now)
    return deny(f"Artifact registration is closed. {closed}") if closed else ALLOW


def _ae_chair_handles(access: Access, submission: Submission) -> bool:
    return (
        access.has_role(RoleKind.AE_CHAIR) and not access.is_author(submission) and not access.is_conflicted(submission)
    )


@rule
def can_view_artifact(user: Any, artifact: Artifact) -> Verdict:
    submission = artifact.submission
    access = access_of(user, submission.edition)
    if access.is_author(submission) or _ae_chair_handles(access, submission):
        return when_signed_in(user, True, "")
    evaluator = access.has_role(RoleKind.AE_MEMBER) and not access.is_conflicted(submission)
    return when_signed_in(user, evaluator, "You may not see this artifact.")


@rule
def can_see_access_instructions(user: Any, artifact: Artifact) -> Verdict:
    submission = artifact.submission
    access = access_of(user, submission.edition)
    if access.is_author(submission) or _ae_chair_handles(access, submission):
        return when_signed_in(user, True, "")
    assigned = (
        access.has_role(RoleKind.AE_MEMBER)
        and access.is_assigned(submission, AssignmentKind.ARTIFACT)
        and not access.is_conflicted(submission)
    )
    return when_signed_in(user, assigned, "Only the evaluators assigned to this artifact read its access instructions.")


@rule
def can_list_artifacts(user: Any, edition: Edition) -> Verdict:
    """The AE committee's list of registered artifacts."""
    on_ae = access_of(user, edition).has_role(RoleKind.AE_CHAIR, RoleKind.AE_MEMBER)
    return when_signed_in(user, on_ae, "Only the artifact evaluation committee sees the registered artifacts.")


@rule
def can_edit_own_hardware(user: Any, edition: Edition) -> Verdict:
    evaluates = access_of(user, edition).has_role(*RoleKind.where("evaluates_artifacts"))
    return when_signed_in(user, evaluates, "Only AE committee members say which hardware they can offer.")


@rule
def can_list_hardware(user: Any, edition: Edition) -> Verdict:
    chairs = access_of(user, edition).has_role(RoleKind.AE_CHAIR)
    return when_signed_in(user, chairs, "Only the AE chairs see the committee's hardware.")

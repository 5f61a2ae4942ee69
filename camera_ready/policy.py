"""Who may see and change the final version of a paper, and the chairs' camera-ready pages.

- The authors of a paper open its camera-ready page, always (it says why they may not change
  anything yet, or any more); they change its final version (metadata, licence, final PDF) once
  its acceptance is released, until the camera-ready deadline or their paper's extension of it.
- The PC chairs (each for the accepted papers they are not conflicted with) see every final
  version, download its PDF and follow who is missing what; they never change the authors' text.
- Nobody else sees anything of it before the program is published.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from artifacts.policy import acceptance_is_released
from conferences.access import Access, access_of
from conferences.models import Edition, Phase
from mlsys_conf.policy import ALLOW, SIGN_IN_FIRST, Verdict, deny, rule, when_signed_in
from submissions.deadlines import why_closed
from submissions.models import Submission, SubmissionState

NOT_YOURS = "You are not an author of this paper."
CHAIRS_DO_NOT_EDIT = "The PC chairs see the final version; only the paper's authors change it."


def _chair_handles(access: Access, submission: Submission) -> bool:
    """A PC chair not conflicted with an accepted paper (released or not: the chairs decided it)."""
    return access.manages(submission) and submission.state == SubmissionState.ACCEPTED


@rule
def can_open_final_version(user: Any, submission: Submission) -> Verdict:
    """The paper's camera-ready page and its final PDF: its authors, and the chairs handling it."""
    access = access_of(user, submission.edition)
    sees = access.is_author(submission) or _chair_handles(access, submission)
    return when_signed_in(user, sees, NOT_YOURS)


@rule
def can_edit_final_version(user: Any, submission: Submission, now: datetime | None = None) -> Verdict:
    """Change the metadata, accept the licence or upload the final PDF (``now``: when received)."""
    access = access_of(user, submission.edition)
    if not access.is_authenticated:
        return SIGN_IN_FIRST
    if not access.is_author(submission):
        return deny(CHAIRS_DO_NOT_EDIT if _chair_handles(access, submission) else NOT_YOURS)
    if not acceptance_is_released(submission, now):
        return deny("The final version is prepared for accepted papers, once the decision is released.")
    closed = why_closed(submission, Phase.CAMERA_READY, now=now)
    return deny(f"The camera-ready phase is closed. {closed}") if closed else ALLOW


@rule
def can_manage_camera_ready(user: Any, edition: Edition) -> Verdict:
    """The chairs' camera-ready page: who is missing what, the CSV, the page limit and instructions."""
    chairs = access_of(user, edition).is_chair
    return when_signed_in(user, chairs, "Only the PC chairs follow the camera-ready versions.")


def handles_paper(user: Any, submission: Submission) -> bool:
    """Whether ``user`` is a chair who sees this accepted paper on the chairs' page."""
    return bool(getattr(user, "is_authenticated", False)) and _chair_handles(
        access_of(user, submission.edition), submission
    )

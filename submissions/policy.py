"""Who may register, see and download submissions. Double-blind is a question asked here."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from committees.policy import is_on_pc, is_pc_chair
from conferences.models import Edition, Phase
from conferences.selectors import phase_is_open
from mlsys_conf.policy import ALLOW, SIGN_IN_FIRST, Verdict, deny, rule, when_signed_in
from submissions.deadlines import why_closed
from submissions.models import Submission, SubmissionFile
from submissions.selectors import is_author


@rule
def can_register_submission(user: Any, edition: Edition, now: datetime | None = None) -> Verdict:
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if not phase_is_open(edition, Phase.ABSTRACT_REGISTRATION, now or timezone.now()):
        return deny("Abstract registration is closed for this edition.")
    return ALLOW


@rule
def can_list_all_submissions(user: Any, edition: Edition) -> Verdict:
    return when_signed_in(user, is_pc_chair(user, edition), "Only the PC chairs see the list of all submissions.")


@rule
def can_view_submission(user: Any, submission: Submission) -> Verdict:
    return when_signed_in(
        user,
        is_author(user, submission) or is_pc_chair(user, submission.edition),
        "You are not an author of this submission.",
    )


@rule
def can_see_authors(user: Any, submission: Submission) -> Verdict:
    """Double-blind: only the authors themselves and the chairs see who wrote a paper."""
    if is_author(user, submission) or is_pc_chair(user, submission.edition):
        return ALLOW
    return deny("Reviewing is double-blind: the authors' names are hidden.")


@rule
def can_download_file(user: Any, file: SubmissionFile) -> Verdict:
    return can_view_submission(user, file.submission)


def _author_may_change(user: Any, submission: Submission, phase: Phase, now: datetime | None) -> Verdict:
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if not is_author(user, submission):
        return deny("Only the authors can change this submission.")
    if submission.is_withdrawn:
        return deny("This submission is withdrawn.")
    closed = why_closed(submission, phase, now=now)
    return deny(closed) if closed else ALLOW


@rule
def can_edit_submission(user: Any, submission: Submission, now: datetime | None = None) -> Verdict:
    """Title, abstract, topic, authors: until the paper deadline (or the paper's extension)."""
    return _author_may_change(user, submission, Phase.PAPER_SUBMISSION, now)


@rule
def can_upload_paper(user: Any, submission: Submission, now: datetime | None = None) -> Verdict:
    return _author_may_change(user, submission, Phase.PAPER_SUBMISSION, now)


@rule
def can_upload_supplementary(user: Any, submission: Submission, now: datetime | None = None) -> Verdict:
    return _author_may_change(user, submission, Phase.SUPPLEMENTARY_MATERIAL, now)


@rule
def can_declare_author_conflicts(user: Any, submission: Submission, now: datetime | None = None) -> Verdict:
    """Authors declare conflicts with the PC until the paper deadline; chairs at any time."""
    if is_pc_chair(user, submission.edition):
        return ALLOW
    return _author_may_change(user, submission, Phase.PAPER_SUBMISSION, now)


@rule
def can_withdraw_submission(user: Any, submission: Submission) -> Verdict:
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if not (is_author(user, submission) or is_pc_chair(user, submission.edition)):
        return deny("Only the authors or the chairs can withdraw a submission.")
    if submission.is_withdrawn:
        return deny("This submission is already withdrawn.")
    return ALLOW


@rule
def can_grant_extension(user: Any, submission: Submission) -> Verdict:
    if is_pc_chair(user, submission.edition):
        return ALLOW
    return deny("Only the PC chairs can extend a deadline.")


@rule
def can_declare_own_conflicts(user: Any, edition: Edition) -> Verdict:
    """PC members mark the papers they are conflicted with (titles and abstracts only)."""
    return when_signed_in(
        user, is_on_pc(user, edition), "Only members of the programme committee declare their own conflicts."
    )

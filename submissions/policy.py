"""Who may register, see, change, withdraw, restore and desk reject submissions, and declare
conflicts with them. Double-blind is a question asked here. The services ask these same rules
before they change anything; views ask them only to decide what to show."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from committees.policy import is_on_pc, is_pc_chair
from conferences.access import access_of
from conferences.models import Edition, Phase
from conferences.selectors import edition_timeline
from conferences.services import DeadlinePassed, require_phase_open
from mlsys_conf.policy import ALLOW, SIGN_IN_FIRST, Verdict, deny, rule, when_signed_in
from submissions.deadlines import why_closed
from submissions.models import Conflict, ConflictSource, FileKind, Submission, SubmissionFile, SubmissionState
from submissions.selectors import is_author
from submissions.states import decision_is_shown, why_not_move


@rule
def can_register_submission(user: Any, edition: Edition, now: datetime | None = None) -> Verdict:
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    try:
        require_phase_open(edition, Phase.ABSTRACT_REGISTRATION, now=now)
    except DeadlinePassed as closed:
        return deny(f"Abstract registration is closed for this edition. {closed.messages[0]}")
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
    """The artifact appendix is served here to the authors only (the AE committee reads it
    through the artifacts app, which knows who evaluates what)."""
    if not FileKind(file.kind).of_the_paper:
        return when_signed_in(user, is_author(user, file.submission), "You are not an author of this submission.")
    return can_view_submission(user, file.submission)


def _author_may_change(user: Any, submission: Submission, phase: Phase, now: datetime | None) -> Verdict:
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if not is_author(user, submission):
        return deny("Only the authors can change this submission.")
    if not submission.is_active:
        return deny(f"This submission is {submission.get_state_display().lower()}.")
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
    """Authors declare conflicts with the PC until the paper deadline; chairs (not conflicted
    with the paper) at any time."""
    if is_pc_chair(user, submission.edition) and not is_author(user, submission):
        return can_manage_submission(user, submission)
    return _author_may_change(user, submission, Phase.PAPER_SUBMISSION, now)


@rule
def can_manage_submission(user: Any, submission: Submission) -> Verdict:
    """A chair handles a paper's conflicts, reviewers, bids and affinities, unless conflicted
    with it (their own papers, most often): then a second chair does."""
    access = access_of(user, submission.edition)
    if not access.is_authenticated:
        return SIGN_IN_FIRST
    if not access.is_chair:
        return deny("Only the PC chairs manage the papers of this edition.")
    if access.is_conflicted(submission):
        return deny(f"You have a conflict of interest with #{submission.number}; another chair handles it.")
    return ALLOW


def bidding_has_opened(edition: Edition, now: datetime | None = None) -> bool:
    window = edition_timeline(edition).window(Phase.BIDDING)
    return window is not None and (window.opens_at is None or (now or timezone.now()) >= window.opens_at)


@rule
def can_remove_conflict(user: Any, conflict: Conflict, now: datetime | None = None) -> Verdict:
    """A chair removes any conflict; a PC member their own declaration, before bidding opens;
    the authors theirs, until the paper deadline."""
    submission = conflict.submission
    if is_pc_chair(user, submission.edition) and not is_author(user, submission):
        return can_manage_submission(user, submission)
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if conflict.source == ConflictSource.PC_MEMBER and conflict.user_id == user.pk:
        if bidding_has_opened(submission.edition, now):
            return deny("Bidding has opened: only the chairs remove a conflict now.")
        return ALLOW
    if conflict.source == ConflictSource.AUTHOR and is_author(user, submission):
        return _author_may_change(user, submission, Phase.PAPER_SUBMISSION, now)
    return deny(f"This conflict was {_SOURCE_WORDS[ConflictSource(conflict.source)]}; only the chairs remove it.")


_SOURCE_WORDS = {
    ConflictSource.AUTHOR: "declared by the authors",
    ConflictSource.PC_MEMBER: "declared by a PC member",
    ConflictSource.AUTOMATIC: "found automatically",
    ConflictSource.CHAIR: "set by a chair",
}


@rule
def can_withdraw_submission(user: Any, submission: Submission) -> Verdict:
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if not (is_author(user, submission) or is_pc_chair(user, submission.edition)):
        return deny("Only the authors or the chairs can withdraw a submission.")
    if submission.is_withdrawn:
        return deny("This submission is already withdrawn.")
    if submission.state in (SubmissionState.ACCEPTED, SubmissionState.REJECTED) and decision_is_shown(submission):
        return deny("The decision on this submission is out; ask the chairs.")
    return _may_move(submission, SubmissionState.WITHDRAWN)


@rule
def can_restore_submission(user: Any, submission: Submission, now: datetime | None = None) -> Verdict:
    """Undo a withdrawal: the authors or the chairs, while the paper deadline (or the paper's
    extension) has not passed."""
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if not (is_author(user, submission) or is_pc_chair(user, submission.edition)):
        return deny("Only the authors or the chairs can restore a submission.")
    if not submission.is_withdrawn:
        return deny("This submission is not withdrawn.")
    closed = why_closed(submission, Phase.PAPER_SUBMISSION, now=now)
    return deny(closed) if closed else ALLOW


@rule
def can_desk_reject_submission(user: Any, submission: Submission) -> Verdict:
    """A chair not conflicted with the paper, at any time after registration."""
    managing = can_manage_submission(user, submission)
    return managing if not managing else _may_move(submission, SubmissionState.DESK_REJECTED)


def _may_move(submission: Submission, to: SubmissionState) -> Verdict:
    refusal = why_not_move(submission.state, to)
    return deny(refusal) if refusal else ALLOW


@rule
def can_grant_extensions(user: Any, edition: Edition) -> Verdict:
    """Extend an input deadline for one paper or one person (see :mod:`submissions.deadlines`)."""
    if is_pc_chair(user, edition):
        return ALLOW
    return deny("Only the PC chairs can extend a deadline.")


@rule
def can_grant_extension(user: Any, submission: Submission) -> Verdict:
    return can_grant_extensions(user, submission.edition)


@rule
def can_declare_own_conflicts(user: Any, edition: Edition) -> Verdict:
    """PC members mark the papers they are conflicted with (titles and abstracts only)."""
    return when_signed_in(
        user, is_on_pc(user, edition), "Only members of the programme committee declare their own conflicts."
    )

"""Who may open a paper as its reviewer, and who may write, change or rate reviews.

What a person may *see* of reviews, names, discussion and responses is
:mod:`reviews.visibility`; these rules are about access to a paper's review page and about
actions. Everyone who may not open a paper is answered as for a missing paper (double-blind).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from assignments.models import AssignmentKind
from conferences.access import access_of
from conferences.models import Edition, Phase
from conferences.phases import within_the_second
from conferences.policy import can_manage_edition
from conferences.roles import RoleKind
from conferences.selectors import edition_timeline
from mlsys_conf.policy import ALLOW, SIGN_IN_FIRST, Verdict, deny, rule, when_signed_in
from reviews.models import PCSeesReviews, ReviewSettings
from submissions.models import ACTIVE_STATES, Submission

REVIEWING_KINDS = (AssignmentKind.REVIEW, AssignmentKind.META_REVIEW)  # not artifact evaluation
UPDATE_PHASES = (Phase.AUTHOR_RESPONSE, Phase.DISCUSSION)  # a submitted review may still change


@rule
def can_open_paper_for_review(user: Any, submission: Submission) -> Verdict:
    """Its reviewers and meta-reviewers, the chairs handling it, and, where the edition lets
    every PC member see all reviews, any PC member not conflicted with it."""
    access = access_of(user, submission.edition)
    committed = any(access.is_assigned(submission, kind) for kind in REVIEWING_KINDS)
    whole_pc = access.has_role(*RoleKind.where("on_pc")) and (
        ReviewSettings.of(submission.edition).pc_sees_reviews == PCSeesReviews.ALWAYS
    )
    involved = (committed or whole_pc) and submission.state in ACTIVE_STATES and not access.is_conflicted(submission)
    return when_signed_in(user, involved or access.manages(submission), "This paper is not assigned to you.")


def reviewing_window(edition: Edition, round_closes_at: datetime | None, now: datetime, *, submitted: bool) -> Verdict:
    """A review is written from the opening of reviewing until its round's deadline (the
    reviewing phase's hard close unless the round has its own); a submitted one may still be
    updated while the author response or the discussion is open."""
    timeline = edition_timeline(edition)
    window = timeline.window(Phase.REVIEWING)
    if window is None and round_closes_at is None:
        return deny("The chairs have not set the reviewing deadline yet.")
    if window is not None and window.opens_at is not None and now < window.opens_at:
        return deny("Reviewing has not opened yet.")
    closes_at = round_closes_at or (window.closes_at if window else None)
    if closes_at is not None and within_the_second(now, closes_at):
        return ALLOW
    if submitted and any(timeline.is_open(phase, now) for phase in UPDATE_PHASES):
        return ALLOW
    return deny("The reviewing deadline has passed.")


@rule
def can_write_review(user: Any, review: Any, now: datetime | None = None) -> Verdict:
    """The review's own writer, still assigned to the paper, within the window."""
    submission = review.submission
    access = access_of(user, submission.edition)
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if access.pk != review.reviewer_id:
        return deny("Only its reviewer may change a review.")
    if not _assigned(access, review) or access.is_conflicted(submission):
        return deny("This paper is no longer assigned to you.")
    if submission.state not in ACTIVE_STATES:
        return deny("This paper is no longer under review.")
    return reviewing_window(
        submission.edition, review.round.closes_at, now or timezone.now(), submitted=review.is_submitted
    )


def _assigned(access: Any, review: Any) -> bool:
    return any(access.is_assigned(review.submission, kind) for kind in REVIEWING_KINDS)


@rule
def can_start_review(user: Any, submission: Submission) -> Verdict:
    """A reviewer (or meta-reviewer) committed to the paper, not conflicted."""
    access = access_of(user, submission.edition)
    allowed = (
        any(access.is_assigned(submission, kind) for kind in REVIEWING_KINDS)
        and not access.is_conflicted(submission)
        and submission.state in ACTIVE_STATES
    )
    return when_signed_in(user, allowed, "This paper is not assigned to you.")


@rule
def can_configure_reviews(user: Any, edition: Edition) -> Verdict:
    """Forms, rounds and visibility settings: the PC chairs."""
    return can_manage_edition(user, edition)


@rule
def can_rate_review(user: Any, review: Any, paper: Any = None) -> Verdict:
    """Rating a review (helpful, too short, ...): the chairs handling the paper and the paper's
    other reviewers, once they may read it (``paper``: its :class:`PaperReviews`, when loaded).
    Never its writer, its authors, or anyone conflicted with the paper."""
    from reviews.selectors import paper_reviews  # the selectors read these rules
    from reviews.visibility import can_view_review

    submission = review.submission
    access = access_of(user, submission.edition)
    if not access.is_authenticated:
        return SIGN_IN_FIRST
    if access.pk == review.reviewer_id:
        return deny("You cannot rate your own review.")
    if access.is_author(submission) or access.is_conflicted(submission):
        return deny("You cannot rate the reviews of this paper.")
    if not (access.manages(submission) or _assigned(access, review)):
        return deny("Only the chairs and the paper's reviewers rate its reviews.")
    if not review.is_submitted or not can_view_review(access, paper or paper_reviews(submission), review):
        return deny("You may rate this review once you may read it.")
    return ALLOW


@rule
def can_see_review_statistics(user: Any, edition: Edition) -> Verdict:
    """Per-reviewer statistics and calibrated scores: the PC chairs (each sees them without the
    papers they are conflicted with: :mod:`reviews.statistics`)."""
    return can_manage_edition(user, edition)


# --- The discussion ------------------------------------------------------------------------


def comment_audiences(access: Any, paper: Any, now: datetime | None = None) -> list[str]:
    """The audiences (:class:`reviews.models.CommentAudience`, narrowest first) a person may
    address a comment on the paper to: those they may read themselves, among whoever may take
    part (the people who see the paper's reviews, and the chairs handling it). An author, only
    to the authors' level, while the author response is open and reviews are released."""
    from reviews.models import Comment, CommentAudience
    from reviews.visibility import can_view_comment, sees_reviews

    submission = paper.submission
    if not access.is_authenticated:
        return []
    if access.is_author(submission):
        timeline = edition_timeline(submission.edition)
        open_now = timeline.is_open(Phase.AUTHOR_RESPONSE, now or timezone.now())
        return [CommentAudience.AUTHORS] if open_now and paper.released_to_authors else []
    if access.is_conflicted(submission) or not (sees_reviews(access, paper) or access.manages(submission)):
        return []
    return [
        audience
        for audience in CommentAudience
        if can_view_comment(access, paper, Comment(submission=submission, audience=audience))
    ]


@rule
def can_post_comment(user: Any, submission: Submission, audience: Any = None, paper: Any = None) -> Verdict:
    """Writing in a paper's discussion (to ``audience``, when given): see :func:`comment_audiences`.
    ``paper``: its :class:`reviews.visibility.PaperReviews`, when loaded."""
    from reviews.selectors import paper_reviews

    access = access_of(user, submission.edition)
    if not access.is_authenticated:
        return SIGN_IN_FIRST
    allowed = comment_audiences(access, paper or paper_reviews(submission))
    if not allowed:
        if access.is_author(submission):
            return deny("Authors write in the discussion only during the author response, once reviews are released.")
        return deny("You may take part in this paper's discussion once you may read its reviews.")
    if audience is not None and audience not in allowed:
        return deny("Choose an audience you belong to yourself.")
    return ALLOW


@rule
def can_edit_comment(user: Any, comment: Any, now: datetime | None = None) -> Verdict:
    """Its writer (still allowed to take part), until the discussion phase closes."""
    submission = comment.submission
    access = access_of(user, submission.edition)
    if not access.is_authenticated:
        return SIGN_IN_FIRST
    if access.pk != comment.author_id:
        return deny("Only its writer may change a comment.")
    if access.is_conflicted(submission) and not access.is_author(submission):
        return deny("You may no longer take part in this paper's discussion.")
    window = edition_timeline(submission.edition).window(Phase.DISCUSSION)
    closes_at = window.closes_at if window is not None else None
    if closes_at is not None and not within_the_second(now or timezone.now(), closes_at):
        return deny("The discussion has closed: comments may no longer change.")
    return ALLOW


@rule
def can_set_review_type(user: Any, submission: Submission) -> Verdict:
    """Primary or secondary: the chairs handling the paper (not one conflicted with it)."""
    return when_signed_in(
        user, access_of(user, submission.edition).manages(submission), "Only the chairs set review types."
    )

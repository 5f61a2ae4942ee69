"""The author response: the authors' answer to their reviews, one per paper or one per review
(:attr:`ReviewSettings.response_per_review`), written while the author response phase is open
and the reviews are released to them, within the edition's word limit (checked here, on the
server). A draft is the authors' alone; once submitted, it is shown to whoever sees the paper's
reviews (:func:`reviews.visibility.can_view_response`), and its reviewers and meta-reviewers are
told by mail (no author named). When a review changes after a response was submitted, the
authors are told which one by its label ("Reviewer B"), never by its writer's name.

Also the authors' view of their reviews (:func:`reviews_for_authors`): only submitted reviews and
meta-reviews, only after the release, only the fields meant for authors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from actionlog.services import record_paper_action
from assignments.models import Assignment, AssignmentKind
from conferences.access import Access, access_of
from conferences.models import Phase
from conferences.selectors import edition_timeline
from mlsys_conf.limits import RESPONSE_MAX_CHARS
from mlsys_conf.policy import ALLOW, SIGN_IN_FIRST, Verdict, deny, require, rule
from outbox.services import mail_queue_template
from reviews.answers import word_count
from reviews.models import AuthorResponse, FormKind, ResponseState, Review, ReviewField
from reviews.reading import AnswerShown, display_answer, edition_fields
from reviews.selectors import paper_reviews
from reviews.visibility import (
    PaperReviews,
    can_view_response,
    can_view_review,
    review_shown_to_authors_as,
    reviewer_shown_as,
    visible_fields,
)
from submissions.models import ACTIVE_STATES, Submission, SubmissionState
from submissions.states import decision_is_shown

NOT_RELEASED = "Reviews will appear here when the chairs release them."


# --- The authors' view of their reviews ------------------------------------------------------


@dataclass(frozen=True)
class ReviewForAuthors:
    """A submitted review (or meta-review) as its paper's authors see it: a label, never a name
    nor an area, and only the fields meant for authors."""

    review: Review
    label: str  # "Reviewer A" or "Meta-review"
    answers: list[AnswerShown]

    @property
    def pk(self) -> int:
        return self.review.pk

    @property
    def is_meta(self) -> bool:
        return self.review.is_meta

    @property
    def updated_at(self) -> datetime:
        return self.review.last_submitted_at or self.review.updated_at


def reviews_for_authors(
    access: Access, paper: PaperReviews, fields: dict[str, list[ReviewField]] | None = None
) -> list[ReviewForAuthors]:
    """The reviews an author of the paper sees: none before the release; meta-reviews first,
    then the reviews in label order. Empty for anyone who does not see the paper as its author."""
    if not access.is_author(paper.submission) or not paper.released_to_authors:
        return []
    fields = fields if fields is not None else edition_fields(paper.submission.edition)
    shown = []
    for review in paper.reviews:
        if not review.is_submitted or not can_view_review(access, paper, review):
            continue
        answers = []
        for item in visible_fields(access, paper, fields.get(review.form_kind, [])):
            if not item.is_for_authors:  # visible_fields already says so for authors; never risk it
                continue
            value = review.answers.get(item.key)
            if value is None or value == "":
                continue
            answers.append(
                AnswerShown(
                    key=item.key,
                    label=item.label,
                    type=item.type,
                    value=value,
                    display=display_answer(item, value),
                    pc_only=False,
                    retired=item.retired,
                )
            )
        shown.append(ReviewForAuthors(review=review, label=review_shown_to_authors_as(paper, review), answers=answers))
    shown.sort(key=lambda item: (not item.is_meta, len(item.label), item.label, item.pk))
    return shown


DECIDED_STATES = (SubmissionState.ACCEPTED, SubmissionState.REJECTED)


# --- Who may respond, and when ---------------------------------------------------------------


def response_window(paper: PaperReviews, now: datetime | None = None) -> Verdict:
    """The author response is open for the paper: its phase is open and the reviews released."""
    submission = paper.submission
    # A decision not yet released leaves it open, as before the decision (else its authors learn of it).
    pending = submission.state in DECIDED_STATES and not decision_is_shown(submission)
    if submission.state not in ACTIVE_STATES and not pending:
        return deny("This paper is no longer under review.")
    if not paper.released_to_authors:
        return deny("The author response opens once the chairs release the reviews.")
    timeline = edition_timeline(submission.edition)
    if not timeline.is_open(Phase.AUTHOR_RESPONSE, now or timezone.now()):
        window = timeline.window(Phase.AUTHOR_RESPONSE)
        if window is not None and window.opens_at is not None and (now or timezone.now()) < window.opens_at:
            return deny("The author response has not opened yet.")
        return deny("The author response is closed.")
    return ALLOW


@rule
def can_respond(user: Any, submission: Submission, paper: PaperReviews | None = None) -> Verdict:
    """The paper's authors, while the author response is open and the reviews released."""
    if not user.is_authenticated:
        return SIGN_IN_FIRST
    if not access_of(user, submission.edition).is_author(submission):
        return deny("Only the paper's authors may respond to its reviews.")
    return response_window(paper or paper_reviews(submission))


def responses_of(submission: Submission) -> list[AuthorResponse]:
    return list(AuthorResponse.objects.filter(submission=submission).select_related("review").order_by("pk"))


def response_targets(paper: PaperReviews) -> list[Review | None]:
    """What the authors respond to: the paper (``None``), or each submitted review (meta-reviews
    aside) when the edition takes one response per review."""
    if not paper.settings.response_per_review:
        return [None]
    return [review for review in paper.reviews if review.is_submitted and not review.is_meta]


# --- Saving ----------------------------------------------------------------------------------


def _checked_body(body: str, limit: int, submit: bool) -> str:
    body = body.strip()
    if len(body) > RESPONSE_MAX_CHARS:  # a few very long "words" would pass the word limit
        raise ValidationError({"body": f"At most {RESPONSE_MAX_CHARS:,} characters."})
    words = word_count(body)
    if words > limit:
        raise ValidationError({"body": f"At most {limit} words (this has {words})."})
    if submit and not body:
        raise ValidationError({"body": "Write the response before submitting it."})
    return body


def _checked_target(paper: PaperReviews, review: Review | int | None) -> Review | None:
    review_id = review.pk if isinstance(review, Review) else review
    if not paper.settings.response_per_review:
        if review_id is not None:
            raise ValidationError({"review": "This edition takes one response per paper, not per review."})
        return None
    if review_id is None:
        raise ValidationError({"review": "This edition takes one response per review: say which review."})
    target = next((r for r in response_targets(paper) if r is not None and r.pk == review_id), None)
    if target is None:
        raise ValidationError({"review": "There is no such review of this paper to respond to."})
    return target


@transaction.atomic
def response_save(
    *,
    by: Any,
    submission: Submission,
    body: str,
    review: Review | int | None = None,
    submit: bool = False,
    now: datetime | None = None,
) -> AuthorResponse:
    """Save the authors' response (to the paper, or to ``review`` in per-review mode): a draft,
    or submitted with ``submit``. A submitted response stays submitted; saving it again updates
    it (while the window is open). Over the word limit, nothing is saved and the ValidationError
    says "At most N words (this has M)"."""
    now = now or timezone.now()
    paper = paper_reviews(submission)
    require(can_respond(by, submission, paper))
    limit = paper.settings.response_word_limit
    text = _checked_body(body, limit, submit)
    target = _checked_target(paper, review)
    Submission.objects.select_for_update().filter(pk=submission.pk).first()  # one writer per paper at a time
    response = AuthorResponse.objects.filter(submission=submission, review=target).first()
    if response is None:
        response = AuthorResponse(submission=submission, review=target)
    was_submitted = response.is_submitted
    response.body = text
    response.updated_by = by
    if submit or was_submitted:
        response.state = ResponseState.SUBMITTED
        response.submitted_at = response.submitted_at or now
    response.save()
    action = "response.updated" if was_submitted else ("response.submitted" if submit else "response.saved")
    to = f" to review {target.pk}" if target is not None else ""
    record_paper_action(submission, actor=by, action=action, note=f"{word_count(text)} words{to}")
    if response.is_submitted:
        response_id, first = response.pk, not was_submitted
        transaction.on_commit(lambda: notify_reviewers_of_response(response_id, first=first, now=now))
    return response


# --- What the reviewers' page shows ----------------------------------------------------------


@dataclass(frozen=True)
class ResponseShown:
    response: AuthorResponse
    to: str  # "the paper", or the review's label as the viewer knows it
    words: int

    @property
    def pk(self) -> int:
        return self.response.pk

    @property
    def is_submitted(self) -> bool:
        return self.response.is_submitted

    @property
    def body(self) -> str:
        return self.response.body


def responses_visible_to(
    access: Access, paper: PaperReviews, responses: list[AuthorResponse] | None = None
) -> list[ResponseShown]:
    """The paper's responses the viewer may read (one query, or none when ``responses`` are
    given): submitted ones for whoever sees the reviews, drafts too for the authors."""
    if not access.is_authenticated:
        return []
    if responses is None:
        responses = responses_of(paper.submission)
    author = access.is_author(paper.submission)
    shown = []
    for response in responses:
        if not can_view_response(access, paper, response):
            continue
        to = "the paper"
        if response.review is not None:
            review = next((r for r in paper.reviews if r.pk == response.review_id), response.review)
            to = review_shown_to_authors_as(paper, review) if author else reviewer_shown_as(access, paper, review)
        shown.append(ResponseShown(response=response, to=to, words=word_count(response.body)))
    return shown


# --- Mail --------------------------------------------------------------------------------------


def _review_assignees(submission: Submission) -> list[Any]:
    rows = (
        Assignment.objects.filter(
            submission=submission,
            is_committed=True,
            kind__in=(AssignmentKind.REVIEW, AssignmentKind.META_REVIEW),
        )
        .select_related("user")
        .order_by("pk")
    )
    return list({row.user_id: row.user for row in rows}.values())


def notify_reviewers_of_response(response_id: int, *, first: bool = True, now: datetime | None = None) -> int:
    """Tell the paper's reviewers and meta-reviewers who may read the response (as the
    visibility rules say: a reviewer who has not yet submitted their own review is not told)
    that the authors submitted (or updated) it: the paper's number and title and a link, no
    author named, no text. An update is told at most once a day per person."""
    response = AuthorResponse.objects.select_related("submission__edition").filter(pk=response_id).first()
    if response is None or not response.is_submitted:
        return 0
    submission = response.submission
    edition = submission.edition
    stamp = "first" if first else (now or timezone.now()).date().isoformat()
    url = settings.SITE_URL + reverse("reviews:paper", args=[edition.slug, submission.number])
    paper = paper_reviews(submission)
    sent = 0
    for user in _review_assignees(submission):
        if not can_view_response(access_of(user, edition), paper, response):
            continue
        mail_queue_template(
            "reviews/mail/response_submitted",
            {"edition": edition, "submission": submission, "reviewer": user, "url": url, "updated": not first},
            to_email=user.email,
            about=submission,
            to_user=user,
            edition=edition,
            dedupe_key=f"response:{response.pk}:{user.pk}:{stamp}",
        )
        sent += 1
    return sent


def _author_users(submission: Submission) -> list[Any]:
    authors = submission.authors.filter(user__isnull=False).select_related("user").order_by("position")
    return list({author.user_id: author.user for author in authors}.values())


def on_review_updated(sender: Any, review: Review, changed: list[str] | None = None, **kwargs: Any) -> int:
    """Receiver of :data:`reviews.signals.review_updated`: when a review changes after the authors
    submitted a response (and reviews are released to them), tell the authors, by the review's
    label. A change to fields the authors do not see is not told (it would reveal them)."""
    review = Review.objects.select_related("submission__edition").get(pk=review.pk)
    submission = review.submission
    paper = paper_reviews(submission)
    if not paper.released_to_authors or not review.is_submitted:
        return 0
    answered = AuthorResponse.objects.filter(
        submission=submission, state=ResponseState.SUBMITTED, submitted_at__lte=review.last_submitted_at
    )
    if not answered.exists():
        return 0
    kind = FormKind.META if review.is_meta else FormKind.REVIEW
    for_authors = {field.key for field in edition_fields(submission.edition).get(kind, []) if field.is_for_authors}
    if changed is not None and not for_authors & set(changed):
        return 0
    edition = submission.edition
    label = review_shown_to_authors_as(paper, review)
    what = "The meta-review was updated" if review.is_meta else f"{label} updated their review"
    url = settings.SITE_URL + reverse("reviews:author_reviews", args=[edition.slug, submission.number])
    sent = 0
    for user in _author_users(submission):
        mail_queue_template(
            "reviews/mail/review_updated_after_response",
            {"edition": edition, "submission": submission, "author": user, "what": what, "url": url},
            to_email=user.email,
            about=submission,
            to_user=user,
            edition=edition,
            dedupe_key=f"review-updated:{review.pk}:{review.version}:{user.pk}",
        )
        sent += 1
    return sent

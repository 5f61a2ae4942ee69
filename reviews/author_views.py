"""The authors' page of their paper's reviews: the submitted reviews and meta-reviews once the
chairs release them (author-visible fields only, "Reviewer A", never a name or an area), and the
author response (one per paper, or one per review) with its live word count
(``reviews/response.js``). Only the paper's authors open it; anyone else gets the 404 of a
missing paper. Saving is :func:`reviews.responses.response_save`; this view only translates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.typing import AuthenticatedHttpRequest
from conferences.access import access_of
from conferences.models import Edition, Phase
from conferences.scoping import edition_view
from conferences.selectors import edition_timeline
from mlsys_conf.policy import PolicyDenied, Verdict, visible_or_404, when_signed_in
from reviews.discussion import thread_for
from reviews.models import AuthorResponse, Review
from reviews.responses import (
    NOT_RELEASED,
    can_respond,
    response_save,
    response_targets,
    responses_of,
    reviews_for_authors,
)
from reviews.selectors import paper_reviews
from reviews.visibility import PaperReviews, review_shown_to_authors_as
from submissions.models import Submission


def can_read_own_reviews(user: Any, submission: Submission) -> Verdict:
    return when_signed_in(user, access_of(user, submission.edition).is_author(submission), "Not your paper.")


def paper_for_author(user: Any, edition: Edition, number: int) -> Submission:
    """The paper of the URL for one of its authors; the 404 of a missing paper for anyone else
    (the PC and the chairs included: this is the authors' view)."""
    submission = get_object_or_404(Submission.objects.select_related("edition"), edition=edition, number=number)
    visible_or_404(can_read_own_reviews(user, submission))
    return submission


@dataclass
class ResponseForm:
    """One response box: to the paper, or to one review (per-review mode)."""

    review: Review | None
    to: str
    response: AuthorResponse | None
    body: str
    error: str = ""

    @property
    def field_id(self) -> str:
        return f"response-{self.review.pk}" if self.review is not None else "response-paper"

    @property
    def is_submitted(self) -> bool:
        return self.response is not None and self.response.is_submitted


def response_forms(paper: PaperReviews, responses: list[AuthorResponse]) -> list[ResponseForm]:
    by_review = {response.review_id: response for response in responses}
    forms = []
    for target in response_targets(paper):
        response = by_review.get(target.pk if target is not None else None)
        to = review_shown_to_authors_as(paper, target) if target is not None else "the reviews"
        forms.append(ResponseForm(target, to, response, response.body if response else ""))
    return forms


def _posted_review(request: AuthenticatedHttpRequest) -> int | None:
    value = request.POST.get("review", "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        return -1  # no such review: the service says so


def _response_phase_note(edition: Edition) -> Any:
    return edition_timeline(edition).window(Phase.AUTHOR_RESPONSE)


@login_required
@edition_view
def author_reviews(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    submission = paper_for_author(request.user, edition, number)
    paper = paper_reviews(submission)
    access = access_of(request.user, edition)
    verdict = can_respond(request.user, submission, paper)
    responses = responses_of(submission)
    forms = response_forms(paper, responses)
    status = 200
    if request.method == "POST":
        if not verdict:
            messages.error(request, f"Not saved: {verdict.reason}")
            return redirect("reviews:author_reviews", edition_slug=edition.slug, number=number)
        body = request.POST.get("body", "")
        target = _posted_review(request)
        submit = request.POST.get("action") == "submit"
        try:
            saved = response_save(by=request.user, submission=submission, body=body, review=target, submit=submit)
        except PolicyDenied as refused:
            messages.error(request, f"Not saved: {refused.verdict.reason}")
            return redirect("reviews:author_reviews", edition_slug=edition.slug, number=number)
        except ValidationError as error:
            problems = error.message_dict if hasattr(error, "error_dict") else {"body": error.messages}
            text = " ".join(message for messages_ in problems.values() for message in messages_)
            for form in forms:
                if (form.review.pk if form.review else None) == target:
                    form.body, form.error = body, text
                    break
            else:
                messages.error(request, f"Not saved: {text}")
            status = 400
        else:
            if saved.is_submitted:
                messages.success(request, "Your response is submitted: the reviewers are told and can read it.")
            else:
                messages.success(request, "Your draft is saved: only the authors see it.")
            return redirect("reviews:author_reviews", edition_slug=edition.slug, number=number)
    context = {
        "submission": submission,
        "released": paper.released_to_authors,
        "not_released": NOT_RELEASED,
        "reviews": reviews_for_authors(access, paper),
        "forms": forms if paper.released_to_authors else [],
        "verdict": verdict,
        "word_limit": paper.settings.response_word_limit,
        "per_review": paper.settings.response_per_review,
        "window": _response_phase_note(edition),
        "thread": thread_for(access, paper) if paper.released_to_authors else None,
    }
    return render(request, "reviews/author_reviews.html", context, status=status)

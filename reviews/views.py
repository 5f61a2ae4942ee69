"""The reviewer's page of a paper (where the reviews will go) and its files, for reviewers."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render

from accounts.typing import AuthenticatedHttpRequest
from conferences.access import access_for
from conferences.models import Edition
from conferences.scoping import edition_action, edition_view
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.policy import require
from reviews import discussion, reading
from reviews.forms import ReviewTypeForm
from reviews.policy import can_set_review_type
from reviews.responses import responses_visible_to
from reviews.review_types import review_type_set, reviewers_of, type_of
from reviews.selectors import paper_for_reviewer, reviewer_deadlines
from submissions.models import FileKind, ProvenType
from submissions.reviewer_copy import ReviewerCopyUnavailable, reviewer_copy
from submissions.selectors import current_paper, current_supplementary
from submissions.serving import file_response, reviewer_download_name


@login_required
@edition_view
def paper(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    submission = paper_for_reviewer(request.user, edition, number)
    context: dict[str, Any] = {
        "submission": submission,
        "paper": current_paper(submission),
        "supplementary": current_supplementary(submission),
        "deadlines": reviewer_deadlines(edition),
    }
    context.update(reading.paper_page_context(request.user, submission))  # the reviews, side by side
    context["thread"] = discussion.thread_for(access_for(request.user, edition), context["paper_reviews"])
    context["responses"] = responses_visible_to(access_for(request.user, edition), context["paper_reviews"])
    if can_set_review_type(request.user, submission):
        context["review_types"] = reviewers_of(submission)
    return render(request, "reviews/paper.html", context)


@edition_action
def review_type(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    """A chair makes a reviewer of the paper secondary, or primary again."""
    submission = paper_for_reviewer(request.user, edition, number)
    require(can_set_review_type(request.user, submission))
    form = ReviewTypeForm(request.POST)
    with refusal_as_message(request):
        if not form.is_valid():
            raise ValidationError("Choose a reviewer of this paper and a type.")
        changed = review_type_set(
            by=request.user,
            submission=submission,
            user_id=form.cleaned_data["user"],
            secondary=form.cleaned_data["secondary"],
        )
        messages.success(request, f"{changed.user.display_name} now writes a {type_of(changed).label.lower()} review.")
    return redirect("reviews:paper", edition_slug=edition.slug, number=number)


@login_required
@edition_view
def paper_file(
    request: AuthenticatedHttpRequest, edition: Edition, number: int, kind: str
) -> FileResponse | HttpResponse:
    submission = paper_for_reviewer(request.user, edition, number)
    current = {FileKind.PAPER: current_paper, FileKind.SUPPLEMENTARY: current_supplementary}
    if kind not in current:
        raise Http404("Not found.")
    file = current[FileKind(kind)](submission)
    if file is None or not file.file:
        raise Http404("Not found.")
    if file.proven_type is not ProvenType.PDF:
        return file_response(file, filename=reviewer_download_name(file))
    try:  # a PDF only without the metadata that may name its authors, never the original
        copy = reviewer_copy(file)
    except ReviewerCopyUnavailable:
        return render(request, "reviews/paper_file_unavailable.html", {"submission": submission}, status=404)
    return file_response(file, filename=reviewer_download_name(file), stored_name=copy)

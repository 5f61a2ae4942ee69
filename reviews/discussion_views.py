"""The discussion's pages: posting and editing a comment, a comment's history, following a
paper, and the person's notification preference. The thread itself is
``reviews/_discussion.html`` on the reviewer's paper page; the rules are
:mod:`reviews.policy` and :mod:`reviews.visibility`, the work :mod:`reviews.discussion`."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.typing import AuthenticatedHttpRequest
from conferences.access import access_for
from conferences.models import Edition
from conferences.scoping import edition_action, edition_view
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.limits import COMMENT_MAX_CHARS
from mlsys_conf.policy import require
from reviews import discussion
from reviews.models import NotifyMode
from reviews.policy import can_edit_comment, can_post_comment
from reviews.visibility import comment_author_shown_as
from submissions.models import Submission


def _back_url(request: AuthenticatedHttpRequest, edition: Edition, submission: Submission, anchor: str) -> str:
    """The page the thread is on: the reviewer's paper page, or the authors' page of its reviews."""
    if access_for(request.user, edition).is_author(submission):
        return f"{reverse('reviews:author_reviews', args=[edition.slug, submission.number])}#{anchor}"
    return f"{reverse('reviews:paper', args=[edition.slug, submission.number])}#{anchor}"


def _back(
    request: AuthenticatedHttpRequest, edition: Edition, submission: Submission, anchor: str = "discussion"
) -> HttpResponseRedirect:
    return HttpResponseRedirect(_back_url(request, edition, submission, anchor))


@edition_action
def post(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponseRedirect:
    submission, paper = discussion.paper_for_discussion(request.user, edition, number)
    require(can_post_comment(request.user, submission, None, paper))
    anchor = "comment-form"
    with refusal_as_message(request):
        comment = discussion.comment_post(
            by=request.user,
            submission=submission,
            body=request.POST.get("body", ""),
            audience=request.POST.get("audience", ""),
        )
        anchor = f"comment-{comment.pk}"
        messages.success(request, "Your comment is posted.")
    return _back(request, edition, submission, anchor)


@login_required
@edition_view
def edit(request: AuthenticatedHttpRequest, edition: Edition, number: int, comment_id: int) -> HttpResponse:
    comment, _paper = discussion.comment_for(request.user, edition, number, comment_id)
    require(can_edit_comment(request.user, comment))
    body = comment.body
    if request.method == "POST":
        body = request.POST.get("body", "")
        with refusal_as_message(request):
            discussion.comment_edit(by=request.user, comment=comment, body=body)
            messages.success(request, "Your comment is changed; the earlier text is kept in its history.")
            return _back(request, edition, comment.submission, f"comment-{comment.pk}")
    return render(
        request,
        "reviews/comment_edit.html",
        {
            "submission": comment.submission,
            "comment": comment,
            "body": body,
            "max_chars": COMMENT_MAX_CHARS,
            "back_url": _back_url(request, edition, comment.submission, f"comment-{comment.pk}"),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@edition_view
def history(request: AuthenticatedHttpRequest, edition: Edition, number: int, comment_id: int) -> HttpResponse:
    comment, paper = discussion.comment_for(request.user, edition, number, comment_id)
    access = access_for(request.user, edition)
    return render(
        request,
        "reviews/comment_history.html",
        {
            "submission": comment.submission,
            "comment": comment,
            "shown_as": comment_author_shown_as(access, paper, comment),
            "versions": discussion.history_of(comment),
            "back_url": _back_url(request, edition, comment.submission, f"comment-{comment.pk}"),
        },
    )


@edition_action
def follow(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponseRedirect:
    submission, _paper = discussion.paper_for_discussion(request.user, edition, number)
    follows = request.POST.get("follows", "1") not in ("0", "false", "")
    discussion.follow_set(by=request.user, submission=submission, follows=follows)
    messages.success(
        request, "You follow this paper's discussion." if follows else "You no longer follow this paper's discussion."
    )
    return _back(request, edition, submission)


@login_required
@edition_view
def notifications(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    mode = discussion.mode_of(request.user, edition)
    status = 200
    if request.method == "POST":
        with refusal_as_message(request):
            discussion.preference_set(by=request.user, edition=edition, mode=request.POST.get("mode", ""))
            messages.success(request, "Your choice is saved.")
            return redirect("reviews:notifications", edition_slug=edition.slug)
        status = 400
    return render(request, "reviews/notifications.html", {"mode": mode, "modes": NotifyMode.choices}, status=status)

"""Rating a review from its paper's page: a small POST target (the form is
``reviews/_rating_form.html``). The rules and the log are :mod:`reviews.quality`'s."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.typing import AuthenticatedHttpRequest
from conferences.access import access_for
from conferences.models import Edition
from conferences.scoping import edition_action
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.policy import NOT_FOUND
from reviews import quality
from reviews.models import Review
from reviews.selectors import paper_reviews
from reviews.visibility import can_view_review


def review_to_rate(user: object, edition: Edition, review_id: int) -> Review:
    """The review of the URL, or the 404 of a missing one for anyone who may not read it."""
    review = get_object_or_404(
        Review.objects.select_related("submission__edition", "round", "reviewer"),
        pk=review_id,
        submission__edition=edition,
    )
    paper = paper_reviews(review.submission)
    if not can_view_review(access_for(user, edition), paper, review):
        raise Http404(NOT_FOUND)
    return review


@edition_action
def rate(request: AuthenticatedHttpRequest, edition: Edition, review_id: int) -> HttpResponseRedirect:
    """Set (``rating``) or remove (``remove``, or no rating) the signed-in person's rating."""
    review = review_to_rate(request.user, edition, review_id)
    value = request.POST.get("rating", "")
    with refusal_as_message(request):
        if value and not request.POST.get("remove"):
            quality.rating_set(by=request.user, review=review, rating=value)
            messages.success(request, "Your rating of the review is saved.")
        else:
            quality.rating_clear(by=request.user, review=review)
            messages.success(request, "Your rating of the review is removed.")
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return redirect("reviews:paper", edition_slug=edition.slug, number=review.submission.number)

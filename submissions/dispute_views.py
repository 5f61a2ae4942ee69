"""The page behind the "I am not an author of this paper" link of the co-author mail: no
sign-in, a signed token instead (which also opens an edition not listed publicly: the mail
already named it). GET shows what will be reported; POST records it (twice is the same as
once)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from submissions import services
from submissions.author_links import read_not_an_author_token
from submissions.models import AuthorDispute, AuthorMailOptOut, Submission


@require_http_methods(["GET", "HEAD", "POST"])
def not_an_author(request: HttpRequest, edition_slug: str, token: str) -> HttpResponse:
    claim = read_not_an_author_token(token)
    submission = (
        Submission.objects.select_related("edition").filter(pk=claim.submission_id, edition__slug=edition_slug).first()
        if claim
        else None
    )
    if claim is None or submission is None:
        raise Http404("This link is not valid (it may be incomplete, or the paper is gone).")
    if request.method == "POST":
        everywhere = request.POST.get("everywhere") == "on"
        services.author_dispute_record(submission=submission, email=claim.email, everywhere=everywhere)
    context = {
        "edition": submission.edition,
        "submission": submission,
        "email": claim.email,
        "reported": AuthorDispute.objects.filter(submission=submission, email=claim.email).first(),
        "listed": submission.authors.filter(email=claim.email).exists(),
        "opted_out": AuthorMailOptOut.objects.filter(email=claim.email).exists(),
    }
    with timezone.override(submission.edition.zone):
        return render(request, "submissions/not_an_author.html", context)

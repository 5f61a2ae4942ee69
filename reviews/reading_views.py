"""The reviewer's dashboard ("My reviews") and the chairs' review progress (papers lacking a
submitted review from either area)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.typing import AuthenticatedHttpRequest
from conferences.models import Edition
from conferences.policy import can_manage_edition
from conferences.scoping import edition_view
from mlsys_conf.policy import require
from reviews.reading import my_papers, review_progress


@login_required
@edition_view
def my_reviews(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    papers = my_papers(request.user, edition)
    context = {
        "reviews": [paper for paper in papers if not paper.is_meta],
        "meta_reviews": [paper for paper in papers if paper.is_meta],
    }
    return render(request, "reviews/my_reviews.html", context)


@login_required
@edition_view
def progress(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_manage_edition(request.user, edition))
    missing_only = request.GET.get("missing") == "1"
    rows = review_progress(request.user, edition, missing_only=missing_only)
    context = {"rows": rows, "missing_only": missing_only, "missing_count": sum(r.is_missing_an_area for r in rows)}
    return render(request, "reviews/progress.html", context)

"""The chairs' review statistics page: per reviewer (timeliness, length, ratings received,
score bias) and per paper (mean and calibrated score, and the rank by each)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.typing import AuthenticatedHttpRequest
from conferences.models import Edition
from conferences.scoping import edition_view
from mlsys_conf.policy import require
from reviews.models import Rating
from reviews.policy import can_see_review_statistics
from reviews.statistics import review_statistics


@login_required
@edition_view
def statistics(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_see_review_statistics(request.user, edition))
    context = {"stats": review_statistics(request.user, edition), "rating_labels": Rating.labels}
    return render(request, "reviews/statistics.html", context)

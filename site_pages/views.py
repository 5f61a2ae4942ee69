"""The chairs' statistics page: charts drawn on the server (:mod:`site_pages.charts`), each with
its numbers as a table, of the figures in :mod:`site_pages.statistics`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from accounts.typing import AuthenticatedHttpRequest
from conferences.models import Edition
from conferences.scoping import edition_view
from mlsys_conf.policy import require
from reviews.policy import can_see_review_statistics
from site_pages.statistics import edition_statistics, figures


@login_required
@edition_view
def statistics(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_see_review_statistics(request.user, edition))
    stats = edition_statistics(request.user, edition)
    context = {"figures": figures(stats), "conflicted_papers": stats.conflicted_papers}
    return render(request, "site_pages/statistics.html", context)

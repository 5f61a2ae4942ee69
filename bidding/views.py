"""The PC's bidding page and the chairs' pages about bids and affinities.

Views parse input, ask the policy, call a service and render. The bidding page works without
JavaScript (one small form per paper); with it, each change is saved through the REST API.
Double-blind: nothing here shows who wrote a paper.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bidding import policy, selectors, services
from bidding.forms import LEVEL_CHOICES, NO_BID, BidFilterForm, BidForm
from bidding.models import BidLevel
from conferences.models import Edition
from conferences.scoping import edition_view
from mlsys_conf.policy import PolicyDenied, require, visible_or_404
from submissions.models import Submission
from submissions.policy import can_manage_submission
from submissions.selectors import conflicted_paper_ids
from submissions.services import conflicts_refresh_edition

PAGE_SIZE = 100


def _bids_url(edition: Edition) -> str:
    return reverse("bidding:bids", kwargs={"edition_slug": edition.slug})


@login_required
@edition_view
def bids(request: HttpRequest, edition: Edition) -> HttpResponse:
    """The papers a PC member may bid on, best match first, with a bid control on each."""
    require(policy.can_view_bidding_page(request.user, edition))
    if request.method == "POST":
        return _bid_from_form(request, edition)
    filters = BidFilterForm(request.GET or None)
    valid = not filters.is_bound or filters.is_valid()
    used = filters.is_bound and valid
    options: dict[str, Any] = filters.selector_options() if used else {}
    # An over-long or malformed filter is answered before any search runs: 400 and its error.
    papers = selectors.papers_for_bidding(request.user, edition, **options) if valid else Submission.objects.none()
    page = Paginator(papers, PAGE_SIZE).get_page(filters.cleaned_data.get("page") if used else None)
    rows = list(page)
    counts = selectors.bid_counts_per_member(edition, as_members_see_it=True)
    member = next((m for m in counts if m.user.pk == request.user.pk), None)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "bidding/bids.html",
        {
            "papers": rows,
            "page": page,
            "filters": filters,
            "filtered": any(options.get(k) for k in ("q", "area", "keyword", "status")),
            "keyword": options.get("keyword", ""),
            "query": query.urlencode(),
            "may_bid": policy.can_place_bids(request.user, edition, timezone.now()),
            "levels": LEVEL_CHOICES,
            "top_affinity": max((getattr(p, "affinity", None) or 0.0 for p in rows), default=0.0) or 1.0,
            "matched": any(getattr(p, "affinity", None) is not None for p in rows),
            "member": member,
            "has_profile": selectors.has_profile(request.user),
        },
        status=200 if valid else 400,
    )


def _back(request: HttpRequest, edition: Edition, number: int | None) -> HttpResponse:
    """Back to the list the member came from (same filters and page), at the paper's row."""
    target = request.POST.get("next", "")
    page = _bids_url(edition)
    safe = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and target.startswith(page)
    anchor = f"#paper-{number}" if number else ""
    return redirect((target if safe else page) + anchor)


def _bid_from_form(request: HttpRequest, edition: Edition) -> HttpResponse:
    form = BidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "That bid was not understood; choose a level from the list.")
        return _back(request, edition, None)
    number = form.cleaned_data["number"]
    submission = get_object_or_404(selectors.active_papers(edition), number=number)
    level = form.level_value()
    try:
        if level == NO_BID:
            services.bid_clear(submission=submission, user=request.user)
            messages.success(request, f"Saved: no bid on #{number}.")
        elif level == services.CONFLICT:
            services.bid_set(submission=submission, user=request.user, level=services.CONFLICT)
            messages.success(request, f"Saved: you declared a conflict with #{number}; it has left your list.")
        else:
            services.bid_set(submission=submission, user=request.user, level=int(level))
            messages.success(request, f"Saved: {BidLevel(int(level)).label} on #{number}.")
    except (ValidationError, PolicyDenied) as error:
        messages.error(request, f"#{number}: {' '.join(getattr(error, 'messages', [str(error)]))}")
    return _back(request, edition, number)


# --- Chairs ----------------------------------------------------------------------------------


@login_required
@edition_view
def bid_stats(request: HttpRequest, edition: Edition) -> HttpResponse:
    """Bids per member and per paper, and the state of the affinities."""
    require(policy.can_see_bid_stats(request.user, edition))
    conflicts_refresh_edition(edition=edition)  # cheap, and the chairs act on what they see here
    hidden = conflicted_paper_ids(request.user, edition)  # a chair never sees bids on their conflicts
    return render(
        request,
        "bidding/stats.html",
        {
            "members": selectors.bid_counts_per_member(edition, without_papers=hidden),
            "papers": selectors.bid_counts_per_paper(edition, without_papers=hidden),
            "affinity": selectors.affinity_status(edition),
            "levels": selectors.LEVELS,
            "can_compute": policy.can_compute_affinities(request.user, edition),
        },
    )


@login_required
@require_POST
@edition_view
def affinity_compute(request: HttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_compute_affinities(request.user, edition))
    services.affinity_compute_request(edition=edition, by=request.user)
    messages.success(
        request,
        "Affinities are being computed for every paper and PC member; the times below change once the job has run.",
    )
    return redirect("bidding:stats", edition_slug=edition.slug)


@login_required
@edition_view
def affinity_explain(request: HttpRequest, edition: Edition, number: int) -> HttpResponse:
    """One paper's affinity with each PC member, highest first, with the terms that matched."""
    require(policy.can_see_affinity_explanation(request.user, edition))
    submission = get_object_or_404(edition.submissions.all(), number=number)
    visible_or_404(can_manage_submission(request.user, submission))  # as for the API: another chair's paper
    return render(
        request,
        "bidding/affinity.html",
        {"submission": submission, "rows": selectors.affinities_of_paper(submission)},
    )

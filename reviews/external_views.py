"""The pages of external reviewers: the request form on the reviewer's paper page (its own
template, ``reviews/_external_request.html``), the chairs' list of requests with their
decisions, and the page the e-mailed link opens (accept or decline). The rules and the work are
:mod:`reviews.external`."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.typing import AuthenticatedHttpRequest
from conferences.models import Edition
from conferences.policy import can_manage_edition
from conferences.scoping import edition_action, edition_view
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.policy import require
from reviews import external
from reviews.models import ExternalRequest, ExternalStatus
from reviews.selectors import paper_for_reviewer

DEAD = (ExternalStatus.REQUESTED, ExternalStatus.DECLINED, ExternalStatus.WITHDRAWN)  # links that do not work


@edition_action
def request_external(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponseRedirect:
    """The form on the paper page: whoever may not open the paper gets its 404, whoever may
    open it but not ask a 403."""
    submission = paper_for_reviewer(request.user, edition, number)
    require(external.can_request_external(request.user, submission))
    with refusal_as_message(request):
        made = external.external_request(
            by=request.user,
            submission=submission,
            name=request.POST.get("name", ""),
            email=request.POST.get("email", ""),
            reason=request.POST.get("reason", ""),
        )
        if made.status == ExternalStatus.APPROVED:
            messages.success(request, f"{made.name} is asked to review this paper; the link is on its way.")
        else:
            messages.success(request, f"Your request for {made.name} is with the chairs, who decide on it.")
    return HttpResponseRedirect(f"{reverse('reviews:paper', args=[edition.slug, number])}#external-reviewers")


@login_required
@edition_view
def requests_list(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    """The chairs' list: every request of the papers they handle, awaiting ones first."""
    rows = external.requests_to_decide(request.user, edition)
    context = {
        "awaiting": [row for row in rows if row.status == ExternalStatus.REQUESTED],
        "others": [row for row in rows if row.status != ExternalStatus.REQUESTED],
    }
    return render(request, "reviews/external_requests.html", context)


def _decide(
    request: AuthenticatedHttpRequest, edition: Edition, request_id: int, act: Callable[..., Any], done: str
) -> HttpResponseRedirect:
    require(can_manage_edition(request.user, edition))  # a non-chair: 403, whatever the id
    row = external.request_to_decide(request.user, edition, request_id)
    with refusal_as_message(request):
        act(by=request.user, request=row)
        messages.success(request, done.format(name=row.name, number=row.submission.number))
    return redirect("reviews:external_requests", edition_slug=edition.slug)


@edition_action
def approve(request: AuthenticatedHttpRequest, edition: Edition, request_id: int) -> HttpResponseRedirect:
    done = "Approved: {name} is mailed the link to review #{number}."
    return _decide(request, edition, request_id, external.external_approve, done)


@edition_action
def decline(request: AuthenticatedHttpRequest, edition: Edition, request_id: int) -> HttpResponseRedirect:
    return _decide(request, edition, request_id, external.external_decline, "Declined: {name} is not asked.")


@edition_action
def withdraw(request: AuthenticatedHttpRequest, edition: Edition, request_id: int) -> HttpResponseRedirect:
    done = "Withdrawn: the link sent to {name} no longer works."
    return _decide(request, edition, request_id, external.external_withdraw, done)


# --- The page of the e-mailed link ----------------------------------------------------------

LinkView = Callable[..., HttpResponse]


def link_view(view: LinkView) -> LinkView:
    """Resolve the token (a 404 page when unknown, not yet approved, declined or withdrawn),
    show times in the edition's zone and call ``view(request, row)``."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, edition_slug: str, token: str) -> HttpResponse:
        row = external.request_by_token(token)
        if row is None or row.submission.edition.slug != edition_slug or row.status in DEAD:
            return render(request, "reviews/external_link_missing.html", status=404)
        edition = row.submission.edition
        if edition.is_public:
            request.edition = edition  # type: ignore[attr-defined]  # the navigation bar links it
        with timezone.override(edition.zone):
            return view(request, row)

    return wrapper


def _page(row: ExternalRequest) -> str:
    return reverse("reviews:external_link", kwargs={"edition_slug": row.submission.edition.slug, "token": row.token})


@require_GET
@link_view
def link(request: HttpRequest, row: ExternalRequest) -> HttpResponse:
    user: Any = request.user
    submission = row.submission
    mine = row.status == ExternalStatus.ACCEPTED and row.user_id == getattr(user, "pk", None)
    return render(
        request,
        "reviews/external_link.html",
        {
            "row": row,
            "submission": submission,
            "invited_edition": submission.edition,
            "is_open": row.status == ExternalStatus.APPROVED,
            "closed": external.closed_reason(row, user),
            "accepted_by_me": mine,
            "page": _page(row),
        },
    )


@require_POST
@link_view
def link_accept(request: HttpRequest, row: ExternalRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(_page(row))
    with refusal_as_message(request):
        external.external_accept(token=row.token, user=request.user)
        messages.success(request, f"Thank you: paper #{row.submission.number} is yours to review.")
        return redirect("reviews:paper", edition_slug=row.submission.edition.slug, number=row.submission.number)
    return redirect(_page(row))


@require_POST
@link_view
def link_decline(request: HttpRequest, row: ExternalRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    with refusal_as_message(request):
        external.external_turn_down(token=row.token, user=user)
        messages.success(request, "You declined. Thank you for letting the programme committee know.")
    return redirect(_page(row))

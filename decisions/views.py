"""The chairs' decision dashboard, its bulk form and its exports (thin: the rows come from
:mod:`decisions.dashboard`, the changes from :mod:`decisions.services`)."""

from __future__ import annotations

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.typing import AuthenticatedHttpRequest
from conferences.models import Edition, ReleaseKind
from conferences.scoping import edition_action, edition_view
from conferences.selectors import is_released
from decisions import meeting as meeting_services
from decisions import services
from decisions.dashboard import HIGH_DISAGREEMENT, SORT_KEYS, Filters, dashboard_rows, paper_rows, visible_tags
from decisions.exports import export_csv_text, export_record
from decisions.models import DecisionCategory
from decisions.policy import can_decide, can_decide_paper
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.policy import require, visible_or_404

COLUMNS = (
    ("number", "Paper"),
    ("area", "Area"),
    (None, "Scores"),
    ("mean", "Mean"),
    ("calibrated", "Calibrated"),
    ("spread", "Spread"),
    ("recommendation", "Meta-review"),
    ("completion", "Reviews"),
    ("tags", "Tags"),
    ("decision", "Decision"),
    ("position", "Order"),
)


def _sort_links(request: AuthenticatedHttpRequest, current: str) -> list[dict[str, str | None]]:
    """Each column's header: a link sorting by it (again: the other way round)."""
    links: list[dict[str, str | None]] = []
    for key, label in COLUMNS:
        if key is None or key not in SORT_KEYS:
            links.append({"label": label, "url": None, "mark": ""})
            continue
        params = request.GET.copy()
        params["sort"] = f"-{key}" if current == key else key
        mark = "▲" if current == key else "▼" if current == f"-{key}" else ""
        links.append({"label": label, "url": f"?{params.urlencode()}", "mark": mark})
    return links


@login_required
@edition_view
def dashboard(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_decide(request.user, edition))
    filters = Filters.from_query(request.GET)
    rows, total = dashboard_rows(request.user, edition, filters)
    context = {
        "rows": rows,
        "total": total,
        "filters": filters,
        "columns": _sort_links(request, filters.sort),
        "categories": services.categories_of(edition),
        "tags": visible_tags(request.user, edition),
        "high_disagreement": HIGH_DISAGREEMENT,
        "released": is_released(edition, ReleaseKind.DECISIONS),
        "query_string": request.GET.urlencode(),
    }
    return render(request, "decisions/dashboard.html", context)


@edition_action
def bulk(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponseRedirect:
    """The dashboard's form: the selected papers get a decision, or a tag; all or nothing."""
    require(can_decide(request.user, edition))
    back = reverse("decisions:dashboard", args=[edition.slug])
    query = request.POST.get("return_query", "")
    with refusal_as_message(request):
        numbers = [int(n) for n in request.POST.getlist("papers") if n.isdigit()]
        if not numbers:
            raise ValidationError("Select at least one paper.")
        papers = services.papers_by_number(edition, numbers)
        if request.POST.get("action") == "tag":
            for paper in papers:
                services.tag_add(by=request.user, submission=paper, name=request.POST.get("tag", ""))
            messages.success(request, f"Tagged {len(papers)} paper{'s' if len(papers) != 1 else ''}.")
        else:
            category = DecisionCategory.objects.filter(edition=edition, pk=_int(request.POST.get("category"))).first()
            if category is None:
                raise ValidationError("Choose a decision.")
            services.decisions_bulk_set(
                by=request.user,
                edition=edition,
                submissions=papers,
                category=category,
                note=request.POST.get("note", ""),
            )
            messages.success(
                request,
                f"Recorded “{category.name}” for {len(papers)} paper{'s' if len(papers) != 1 else ''} "
                "(pending until decisions are released).",
            )
    return HttpResponseRedirect(f"{back}?{query}" if query else back)


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


@login_required
@edition_view
def export_csv(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_decide(request.user, edition))
    response = HttpResponse(export_csv_text(paper_rows(request.user, edition)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{edition.slug}-decisions.csv"'
    return response


@login_required
@edition_view
def export_json(request: AuthenticatedHttpRequest, edition: Edition) -> JsonResponse:
    require(can_decide(request.user, edition))
    response = JsonResponse({"papers": [export_record(row) for row in paper_rows(request.user, edition)]})
    response["Content-Disposition"] = f'attachment; filename="{edition.slug}-decisions.json"'
    return response


# --- The PC meeting ---------------------------------------------------------------------------


def _state_response(request: HttpRequest, state: dict) -> HttpResponse:
    """The meeting's JSON for this viewer, with an ETag of its body: a poll that finds nothing
    new gets a bodiless 304."""
    body = json.dumps(state, sort_keys=True, cls=DjangoJSONEncoder).encode()
    etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
    response: HttpResponse
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


@login_required
@edition_view
def meeting(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    """The live page of the PC meeting (for every PC member and chair)."""
    state = meeting_services.meeting_state(request.user, edition)
    context = {
        "state": state,
        "categories": services.categories_of(edition) if state["is_chair"] else [],
        "can_run": state["is_chair"],
    }
    return render(request, "decisions/meeting.html", context)


@login_required
@edition_view
def meeting_state(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    """What the meeting page polls."""
    return _state_response(request, meeting_services.meeting_state(request.user, edition))


@edition_action
def meeting_control(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponseRedirect:
    """The chairs' buttons: start, next, previous, go to a paper, group the order, end."""
    require(can_decide(request.user, edition))
    action = request.POST.get("action", "")
    with refusal_as_message(request):
        if action == "start":
            meeting_services.meeting_start(by=request.user, edition=edition)
        elif action == "group":
            meeting_services.meeting_group_order(by=request.user, edition=edition)
            messages.success(request, "The discussion order is grouped by conflicted members.")
        else:
            current = meeting_services.open_meeting(edition)
            if current is None:
                raise ValidationError("The meeting has not started.")
            if action == "next":
                meeting_services.meeting_next(by=request.user, meeting=current)
            elif action == "previous":
                meeting_services.meeting_previous(by=request.user, meeting=current)
            elif action == "goto":
                (paper,) = services.papers_by_number(edition, [_int(request.POST.get("number"))])
                meeting_services.meeting_set_current(by=request.user, meeting=current, submission=paper)
            elif action == "end":
                meeting_services.meeting_end(by=request.user, meeting=current)
            else:
                raise ValidationError("Choose what to do.")
    return HttpResponseRedirect(reverse("decisions:meeting", args=[edition.slug]))


@edition_action
def meeting_decide(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponseRedirect:
    """The decision on the paper under discussion (refused when another chair has moved on)."""
    require(can_decide(request.user, edition))
    with refusal_as_message(request):
        current = meeting_services.open_meeting(edition)
        if current is None or current.current is None:
            raise ValidationError("No paper is under discussion.")
        visible_or_404(can_decide_paper(request.user, current.current))  # before its number is compared
        if _int(request.POST.get("number")) != current.current.number:
            raise ValidationError("The meeting has moved on to another paper: nothing was recorded.")
        category = DecisionCategory.objects.filter(edition=edition, pk=_int(request.POST.get("category"))).first()
        if category is None:
            raise ValidationError("Choose a decision.")
        meeting_services.meeting_decide(
            by=request.user, meeting=current, category=category, note=request.POST.get("note", "")
        )
        messages.success(request, f"Recorded “{category.name}” for the paper under discussion.")
    return HttpResponseRedirect(reverse("decisions:meeting", args=[edition.slug]))

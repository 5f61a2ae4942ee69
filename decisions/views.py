"""The chairs' decision dashboard, its bulk form and its exports (thin: the rows come from
:mod:`decisions.dashboard`, the changes from :mod:`decisions.services`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse

from accounts.typing import AuthenticatedHttpRequest
from conferences.models import Edition, ReleaseKind
from conferences.scoping import edition_action, edition_view
from conferences.selectors import is_released
from decisions import services
from decisions.dashboard import HIGH_DISAGREEMENT, SORT_KEYS, Filters, dashboard_rows, paper_rows
from decisions.exports import export_csv_text, export_record
from decisions.models import DecisionCategory, Tag
from decisions.policy import can_decide
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.policy import require

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
        "tags": Tag.objects.filter(edition=edition),
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

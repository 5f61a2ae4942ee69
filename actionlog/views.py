"""The chairs' page of the action log, filtered per paper, person and action."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from actionlog.forms import ActionFilterForm
from actionlog.policy import can_read_action_log
from actionlog.selectors import actions_of
from conferences.access import access_for
from conferences.models import Edition
from conferences.scoping import edition_view
from mlsys_conf.policy import require

PAGE_SIZE = 100


def _day_start(day: date | None, edition: Edition) -> datetime | None:
    """Midnight starting ``day`` in the edition's zone (the zone its dates are shown in)."""
    return datetime.combine(day, time.min, tzinfo=edition.zone) if day else None


def filtered_actions(user: Any, edition: Edition, filters: dict[str, Any]) -> Any:
    """The entries ``user`` may read, narrowed by the cleaned ``filters`` (search words, paper
    number, person, action, dates from and to, both inclusive, in the edition's zone). A chair
    never sees entries about a paper they are conflicted with, whatever the search matches."""
    paper_id = None
    if filters.get("paper"):
        # The papers' app sits above this one: reach them through the edition.
        paper = edition.submissions.filter(number=filters["paper"]).first()  # type: ignore[attr-defined]
        paper_id = paper.pk if paper else 0  # an unknown number matches nothing
    return actions_of(
        edition,
        hidden_paper_ids=set(access_for(user, edition).conflicted),
        paper_id=paper_id,
        person=filters.get("person") or "",
        action=filters.get("action") or "",
        search=filters.get("q") or "",
        papers=edition.submissions.all(),  # type: ignore[attr-defined]
        since=_day_start(filters.get("since"), edition),
        until=_day_start(filters["until"] + timedelta(days=1), edition) if filters.get("until") else None,
    )


@login_required
@edition_view
def action_log(request: HttpRequest, edition: Edition) -> HttpResponse:
    require(can_read_action_log(request.user, edition))
    form = ActionFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():  # answered before any query runs: 400 and its errors
        return render(request, "actionlog/log.html", {"form": form, "page": []}, status=400)
    filters = form.cleaned_data if form.is_bound else {}
    page = Paginator(filtered_actions(request.user, edition, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "actionlog/log.html", {"form": form, "page": page})

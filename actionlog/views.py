"""The chairs' page of the action log, filtered per paper, person and action."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from accounts.typing import AuthenticatedHttpRequest
from actionlog.forms import ActionFilterForm
from actionlog.policy import can_read_action_log
from actionlog.selectors import actions_of
from conferences.models import Edition
from conferences.scoping import edition_view
from mlsys_conf.policy import require
from submissions.models import Conflict, Submission

PAGE_SIZE = 100


def filtered_actions(user: Any, edition: Edition, filters: dict[str, Any]) -> Any:
    """The entries ``user`` may read, narrowed by the cleaned ``filters`` (paper number, person,
    action). A chair never sees entries about a paper they are conflicted with."""
    hidden = Conflict.objects.filter(user=user, submission__edition=edition).values_list("submission_id", flat=True)
    paper_id = None
    if filters.get("paper"):
        paper = Submission.objects.filter(edition=edition, number=filters["paper"]).first()
        paper_id = paper.pk if paper else 0  # an unknown number matches nothing
    return actions_of(
        edition,
        hidden_paper_ids=set(hidden),
        paper_id=paper_id,
        person=filters.get("person") or "",
        action=filters.get("action") or "",
    )


@login_required
@edition_view
def action_log(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_read_action_log(request.user, edition))
    form = ActionFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(filtered_actions(request.user, edition, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "actionlog/log.html", {"form": form, "page": page})

"""The chairs' assignment page: run the solver, preview, adjust by hand, commit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from accounts.typing import AuthenticatedHttpRequest
from assignments import services
from assignments.forms import AddForm, RunForm, SwapForm, pc_members
from assignments.models import Assignment, AssignmentKind
from assignments.policy import can_manage_assignments
from assignments.selectors import assignment_preview, commit_summary
from conferences.models import Edition
from conferences.scoping import edition_action, edition_view
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.policy import require
from submissions.selectors import conflicted_paper_ids
from submissions.services import conflicts_refresh_edition

ID_DIGITS = 18  # longer "ids" are no ids (and would overflow a bigint)


def _back(edition: Edition) -> HttpResponse:
    return redirect("assignments:dashboard", edition_slug=edition.slug)


def _report(request: HttpRequest, change: services.Change, done: str) -> None:
    messages.success(request, done)
    for warning in change.warnings:
        messages.warning(request, warning)


@login_required
@edition_view
def dashboard(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_manage_assignments(request.user, edition))
    conflicts_refresh_edition(edition=edition)  # cheap, and the chairs assign from what they see here
    hidden = conflicted_paper_ids(request.user, edition)  # a chair's own conflicts are another chair's
    run = edition.assignment_runs.first()
    hidden_numbers = set(edition.submissions.filter(pk__in=hidden).values_list("number", flat=True))
    return render(
        request,
        "assignments/dashboard.html",
        {
            "preview": assignment_preview(edition, without_papers=hidden),
            "conflicted_papers": len(hidden),
            "run": run,
            "fairness": run.fairness_for(hidden_numbers) if run else {},
            "run_form": RunForm(),
            "add_form": AddForm(edition=edition, hidden=hidden),
            "swap_form": SwapForm(
                assignments=_manageable(request.user, edition).filter(kind=AssignmentKind.REVIEW), edition=edition
            ),
        },
    )


@edition_action
def run_start(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_manage_assignments(request.user, edition))
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The bid weight must be a number between 0 and 10.")
        return _back(edition)
    with refusal_as_message(request):
        run = services.run_start(edition=edition, by=request.user, **form.cleaned_data)
        messages.info(request, f"Solver run {run.pk} started.")
    return _back(edition)


@edition_action
def assignment_add(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(can_manage_assignments(request.user, edition))
    form = AddForm(request.POST, edition=edition, hidden=conflicted_paper_ids(request.user, edition))
    if not form.is_valid():
        messages.error(request, "Choose a paper and a PC member from the lists.")
        return _back(edition)
    submission = edition.submissions.get(number=form.cleaned_data["number"])
    with refusal_as_message(request):
        change = services.assignment_add(submission=submission, user=form.cleaned_data["user"].user, by=request.user)
        _report(request, change, f"Assigned #{submission.number}.")
    return _back(edition)


def _manageable(user: Any, edition: Edition) -> QuerySet[Assignment]:
    """The edition's assignments, without those of papers ``user`` is conflicted with: for that
    chair they do not exist (another chair handles them), as in the API."""
    return Assignment.objects.filter(submission__edition=edition).exclude(
        submission_id__in=conflicted_paper_ids(user, edition)
    )


@edition_action
def assignment_remove(request: AuthenticatedHttpRequest, edition: Edition, assignment_id: int) -> HttpResponse:
    require(can_manage_assignments(request.user, edition))
    assignment = get_object_or_404(_manageable(request.user, edition), pk=assignment_id)
    _report(request, services.assignment_remove(assignment=assignment, by=request.user), "Removed.")
    return _back(edition)


@edition_action
def assignment_swap(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    """An assignment (``first``) goes to another PC member (``replacement``, a user id), or
    trades reviewers with a second assignment (``second``)."""
    require(can_manage_assignments(request.user, edition))
    first = get_object_or_404(_manageable(request.user, edition), pk=_posted_id(request, "first"))
    if request.POST.get("second") and request.POST.get("replacement"):
        messages.error(request, "Choose either a replacement or an assignment to trade with, not both.")
        return _back(edition)
    if request.POST.get("second"):
        second = get_object_or_404(_manageable(request.user, edition), pk=_posted_id(request, "second"))
        with refusal_as_message(request):
            change = services.assignment_swap(first=first, second=second, by=request.user)
            _report(request, change, "Swapped.")
        return _back(edition)
    role = pc_members(edition).filter(user_id=_posted_id(request, "replacement")).first()
    if role is None:
        messages.error(request, "Choose the replacement from the list of PC members.")
        return _back(edition)
    with refusal_as_message(request):
        change = services.assignment_replace(assignment=first, user=role.user, by=request.user)
        _report(
            request,
            change,
            f"{role.user.display_name} now {AssignmentKind(first.kind).verb} #{first.submission.number}.",
        )
    return _back(edition)


def _posted_id(request: HttpRequest, key: str) -> int:
    """An id chosen in a list (0, which matches nothing, if missing or not a number)."""
    value = request.POST.get(key, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) <= ID_DIGITS else 0


@require_http_methods(["GET", "POST"])
@login_required
@edition_view
def commit(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    """GET: what committing will do (who is mailed, incomplete papers); POST: commit, once
    confirmed, and during abstract registration only with the chair's reason."""
    require(can_manage_assignments(request.user, edition))
    if request.method != "POST":
        summary = commit_summary(edition, without_papers=conflicted_paper_ids(request.user, edition))
        return render(request, "assignments/commit_confirm.html", {"summary": summary})
    if request.POST.get("confirmed") != "yes":
        messages.error(request, "Tick the confirmation to commit: it mails every reviewer in the draft.")
        return redirect("assignments:commit", edition_slug=edition.slug)
    try:
        count = services.assignments_commit(
            edition=edition, by=request.user, override_reason=request.POST.get("override_reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("assignments:commit", edition_slug=edition.slug)
    messages.success(request, f"{count} assignment{'s' if count != 1 else ''} committed; reviewers are being told.")
    if conflicted_paper_ids(request.user, edition):
        messages.info(request, "Drafts on papers you are conflicted with are left for another chair to commit.")
    return _back(edition)

"""Pages of AE bidding and evaluator assignment: an AE member's bidding page, and the AE chairs'
assignment page (settings, run the solver, read the proposal, remove an evaluator, commit)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.typing import AuthenticatedHttpRequest
from artifacts import assignment, bidding, policy
from artifacts.models import ArtifactEvaluationSettings
from artifacts.selectors import artifacts_of
from assignments.models import Assignment, AssignmentKind
from bidding.models import BidLevel
from conferences.models import Edition
from conferences.scoping import edition_action, edition_view
from mlsys_conf.policy import require, visible_or_404


class ArtifactBidForm(forms.Form):
    number = forms.IntegerField(min_value=1)
    level = forms.TypedChoiceField(
        choices=[("", "No bid"), *BidLevel.choices], coerce=int, empty_value=None, required=False
    )


class SettingsForm(forms.ModelForm):
    class Meta:
        model = ArtifactEvaluationSettings
        fields = ("min_evaluators", "max_load")


def _bidding_url(edition: Edition) -> str:
    return reverse("artifacts:bidding", args=[edition.slug])


def _assignment_url(edition: Edition) -> str:
    return reverse("artifacts:assignment", args=[edition.slug])


@login_required
@edition_view
def ae_bidding(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_bid_on_artifacts(request.user, edition))
    form = ArtifactBidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        artifact = get_object_or_404(artifacts_of(edition), submission__number=form.cleaned_data["number"])
        visible_or_404(policy.can_bid_on_artifact(request.user, artifact))
        bidding.artifact_bid_set(artifact=artifact, level=form.cleaned_data["level"], by=request.user)
        messages.success(request, f"Your bid on the artifact of #{artifact.submission.number} is saved.")
        return redirect(_bidding_url(edition))
    context = {
        "edition": edition,
        "rows": bidding.bidding_rows_for(request.user, edition),
        "levels": BidLevel.choices,
        "form": form,
    }
    return render(request, "artifacts/bidding.html", context, status=400 if request.method == "POST" else 200)


@login_required
@edition_view
def ae_assignment(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    """The AE chairs' page; a POST saves the settings."""
    require(policy.can_manage_ae_assignments(request.user, edition))
    form = SettingsForm(request.POST or None, instance=assignment.ae_settings(edition))
    if request.method == "POST" and form.is_valid():
        assignment.ae_settings_save(
            edition=edition,
            min_evaluators=form.cleaned_data["min_evaluators"],
            max_load=form.cleaned_data["max_load"],
            by=request.user,
        )
        messages.success(request, "Settings saved.")
        return redirect(_assignment_url(edition))
    rows = assignment.proposal_for(request.user, edition)
    context = {
        "edition": edition,
        "form": form,
        "rows": rows,
        "drafts": sum(1 for row in rows for a in row.assignments if not a.is_committed),
    }
    return render(request, "artifacts/assignment.html", context, status=400 if request.method == "POST" else 200)


@edition_action
def ae_assignment_run(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_manage_ae_assignments(request.user, edition))
    try:
        outcome = assignment.ae_assignment_run(edition=edition, by=request.user)
    except ValidationError as error:
        messages.error(request, "No assignment possible: " + "; ".join(error.messages))
    else:
        messages.success(request, outcome.note + " Check them below, then commit.")
    return redirect(_assignment_url(edition))


@edition_action
def ae_assignments_commit(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_manage_ae_assignments(request.user, edition))
    count = assignment.ae_assignments_commit(edition=edition, by=request.user)
    messages.success(request, f"{count} evaluator assignments committed; the evaluators are told by mail.")
    return redirect(_assignment_url(edition))


@edition_action
def ae_assignment_remove(request: AuthenticatedHttpRequest, edition: Edition, assignment_id: int) -> HttpResponse:
    require(policy.can_manage_ae_assignments(request.user, edition))
    row = get_object_or_404(
        Assignment.objects.select_related("submission", "user"),
        pk=assignment_id,
        kind=AssignmentKind.ARTIFACT,
        submission__edition=edition,
    )
    artifact = get_object_or_404(artifacts_of(edition), submission_id=row.submission_id)
    visible_or_404(policy.can_assign_artifact(request.user, artifact))
    assignment.ae_assignment_remove(assignment=row, by=request.user)
    messages.success(request, f"{row.user.display_name} no longer evaluates the artifact of #{row.submission.number}.")
    return redirect(_assignment_url(edition))

"""Pages of artifact evaluation: the AE chairs' stage, an artifact's anonymous thread, the
assigned evaluator's form, and the evaluations of one artifact (whole for the AE chairs; the
authors' part, once released, for its authors). Views ask the policy, call
:mod:`artifacts.evaluations` and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.typing import AuthenticatedHttpRequest
from artifacts import evaluations, policy, selectors
from artifacts.models import AEStage, Artifact, Recommendation
from conferences.models import Edition
from conferences.scoping import edition_view
from mlsys_conf.policy import require, visible_or_404


def _artifact(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> Artifact:
    """The artifact of the URL, for whoever may see it (the 404 of a missing one otherwise)."""
    artifact = get_object_or_404(selectors.artifacts_of(edition), submission__number=number)
    visible_or_404(policy.can_view_artifact(request.user, artifact))
    return artifact


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@edition_view
def stage(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_set_ae_stage(request.user, edition))
    status = 200
    if request.method == "POST":
        try:
            evaluations.stage_set(edition=edition, stage=request.POST.get("stage", ""), by=request.user)
        except ValidationError as error:
            messages.error(request, _errors(error))
            status = 400
        else:
            messages.success(request, "The stage is changed.")
            return redirect(reverse("artifacts:stage", args=[edition.slug]))
    context = {"edition": edition, "stage": policy.ae_stage(edition), "stages": AEStage.choices}
    return render(request, "artifacts/stage.html", context, status=status)


@login_required
@edition_view
def thread(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    artifact = _artifact(request, edition, number)
    visible_or_404(policy.can_read_artifact_thread(request.user, artifact))
    can_post = policy.can_post_to_artifact_thread(request.user, artifact)
    status = 200
    if request.method == "POST":
        require(can_post)
        try:
            evaluations.message_post(
                artifact=artifact,
                body=request.POST.get("body", ""),
                fix_url=request.POST.get("fix_url", ""),
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, _errors(error))
            status = 400
        else:
            messages.success(request, "Message posted.")
            return redirect(reverse("artifacts:thread", args=[edition.slug, number]))
    context = {
        "edition": edition,
        "artifact": artifact,
        "items": evaluations.thread_for(request.user, artifact),
        "can_post": can_post,
        "is_author": request.user.pk in evaluations.author_user_ids(artifact),
    }
    return render(request, "artifacts/thread.html", context, status=status)


def _form_badges(post: Any, artifact: Artifact) -> dict[str, Any]:
    return {
        badge: {
            "recommendation": post.get(f"{badge}-recommendation", ""),
            "checked": post.getlist(f"{badge}-checked"),
            "claims": post.get(f"{badge}-claims", ""),
        }
        for badge in artifact.badges
    }


@login_required
@edition_view
def evaluation_form(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    artifact = _artifact(request, edition, number)
    require(policy.can_open_evaluation(request.user, artifact))
    own = evaluations.own_evaluation(artifact, request.user)
    status = 200
    if request.method == "POST":
        data = evaluations.EvaluationInput(
            badges=_form_badges(request.POST, artifact),
            comments_for_authors=request.POST.get("comments_for_authors", ""),
            comments_for_committee=request.POST.get("comments_for_committee", ""),
            distinguished=request.POST.get("distinguished") == "on",
        )
        submit = request.POST.get("action") == "submit"
        try:
            evaluations.evaluation_save(artifact=artifact, data=data, by=request.user, submit=submit)
        except ValidationError as error:
            messages.error(request, _errors(error))
            status = 400
        else:
            messages.success(request, "Evaluation submitted." if submit else "Draft saved.")
            return redirect(reverse("artifacts:evaluation", args=[edition.slug, number]))
    given = own.badges if own else {}
    badges = [
        {
            "badge": badge,
            "label": label,
            "items": [(key, text, key in given.get(badge, {}).get("checked", [])) for key, text in items],
            "recommendation": given.get(badge, {}).get("recommendation", ""),
            "claims": given.get(badge, {}).get("claims", ""),
        }
        for badge, label, items in evaluations.checklist_for(artifact)
    ]
    context = {
        "edition": edition,
        "artifact": artifact,
        "evaluation": own,
        "badges": badges,
        "recommendations": Recommendation.choices,
        "label": evaluations.evaluator_labels(artifact).get(request.user.pk, ""),
        "can_save": policy.can_save_evaluation(request.user, artifact),
        "can_submit": policy.can_save_evaluation(request.user, artifact, submit=True),
    }
    return render(request, "artifacts/evaluation.html", context, status=status)


@login_required
@edition_view
def evaluation_overview(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    artifact = _artifact(request, edition, number)
    require(policy.can_view_evaluations(request.user, artifact))
    chairs = policy.handles_evaluation(request.user, artifact)
    context = {
        "edition": edition,
        "artifact": artifact,
        "evaluations": evaluations.evaluations_for(request.user, artifact),
        "chairs": chairs,
        "released": chairs or policy.evaluations_visible_to_authors(artifact),
    }
    return render(request, "artifacts/evaluations.html", context)

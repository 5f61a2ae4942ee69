"""Badge pages: the AE chairs' page (decide each artifact's badges, release the results) and the
public list of the badges awarded in an edition (no login; only released awards)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.typing import AuthenticatedHttpRequest
from artifacts import badges, policy, selectors
from artifacts.models import Badge
from conferences.models import Edition
from conferences.scoping import edition_action, edition_view
from mlsys_conf.policy import require, visible_or_404


def _page(edition: Edition) -> str:
    return reverse("artifacts:badges_manage", args=[edition.slug])


@login_required
@edition_view
def badges_manage(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_manage_badges(request.user, edition))
    decisions = badges.decisions_of(edition)
    rows: list[dict[str, Any]] = []
    for artifact in selectors.visible_artifacts_for(request.user, edition):
        decision = decisions.get(artifact.pk)
        rows.append(
            {
                "artifact": artifact,
                "decision": decision,
                "choices": [(value, label, value in artifact.badges) for value, label in Badge.choices],
                "may_decide": policy.can_decide_badges(request.user, artifact),
            }
        )
    context = {
        "edition": edition,
        "rows": rows,
        "pending": sum(1 for d in decisions.values() if d.released_at is None),
        "released": policy.artifact_results_released(edition),
    }
    return render(request, "artifacts/badges_manage.html", context)


@edition_action
def badges_decide(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    artifact = get_object_or_404(selectors.artifacts_of(edition), submission__number=number)
    visible_or_404(policy.can_view_artifact(request.user, artifact))
    require(policy.can_decide_badges(request.user, artifact))
    try:
        badges.badges_decide(
            artifact=artifact,
            badges=request.POST.getlist("badges"),
            note=request.POST.get("note", "")[:5000],
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, f"#{number}: " + " ".join(error.messages))
    else:
        messages.success(request, f"Badges of #{number} saved (not released yet).")
    return redirect(_page(edition))


@edition_action
def badges_release(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_manage_badges(request.user, edition))
    count = badges.badges_release(edition=edition, by=request.user)
    if count:
        messages.success(
            request, f"Released the badges of {count} artifact{'s' if count != 1 else ''}; authors are mailed."
        )
    else:
        messages.info(request, "Nothing new to release.")
    return redirect(_page(edition))


@edition_view
def badges_public(request: HttpRequest, edition: Edition) -> HttpResponse:
    """Public: the papers whose artifacts earned badges, once released."""
    context = {"edition": edition, "awards": badges.released_awards(edition)}
    return render(request, "artifacts/badges_public.html", context)

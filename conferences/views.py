"""The home page, each edition's page with its timeline and dashboards, and chairs' settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from conferences import releases, selectors, services
from conferences.forms import DeadlinesForm, EditionSettingsForm, ReleaseForm
from conferences.models import Edition, ReleaseKind
from conferences.panels import dashboard_panels
from conferences.policy import can_manage_edition
from conferences.scoping import edition_view
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.policy import require


def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    editions = [
        (edition, selectors.edition_timeline(edition)) for edition in selectors.visible_editions_for(request.user)
    ]
    return render(request, "conferences/home.html", {"editions": editions, "now": now})


@edition_view
def edition_page(request: HttpRequest, edition: Edition) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "conferences/edition.html",
        {
            "timeline": selectors.edition_timeline(edition),
            "now": now,
            "panels": dashboard_panels(request.user, edition, now),
        },
    )


@login_required
@edition_view
def edition_settings(request: HttpRequest, edition: Edition) -> HttpResponse:
    require(can_manage_edition(request.user, edition))
    form = EditionSettingsForm(request.POST or None, instance=Edition.objects.get(pk=edition.pk))
    if request.method == "POST" and form.is_valid():
        services.edition_update(
            edition=edition,
            by=request.user,
            **{f: form.cleaned_data[f] for f in form.changed_data},
        )
        messages.success(request, "Settings saved.")
        return redirect("conferences:settings", edition_slug=edition.slug)
    return render(request, "conferences/settings.html", {"form": form})


@login_required
@edition_view
def edition_deadlines(request: HttpRequest, edition: Edition) -> HttpResponse:
    require(can_manage_edition(request.user, edition))
    form = DeadlinesForm(request.POST or None, deadlines=list(edition.deadlines.all()))
    preview = request.method == "POST" and "preview" in request.POST and form.is_valid()
    if request.method == "POST" and not preview and form.is_valid():
        try:
            services.deadlines_set(edition=edition, windows=form.windows(), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Deadlines saved (times in {edition.time_zone}).")
            return redirect("conferences:deadlines", edition_slug=edition.slug)
    # "Preview" reads every time as saving would, shows it in UTC, the edition's zone and AoE, saves nothing.
    return render(request, "conferences/deadlines.html", {"form": form, "preview": preview})


@login_required
@edition_view
def edition_releases(request: HttpRequest, edition: Edition) -> HttpResponse:
    """Chairs schedule each release (reviews to authors, decisions, program) or release it at once."""
    require(can_manage_edition(request.user, edition))
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind, do = ReleaseKind(form.cleaned_data["kind"]), form.cleaned_data["do"]
        with refusal_as_message(request):
            if do == ReleaseForm.NOW:
                releases.release_now(by=request.user, edition=edition, kind=kind)
            else:
                at = form.cleaned_data["at"] if do == ReleaseForm.SCHEDULE else None
                releases.release_schedule(by=request.user, edition=edition, kind=kind, at=at)
            messages.success(request, f"{kind.label}: saved.")
        return redirect("conferences:releases", edition_slug=edition.slug)
    if request.method == "POST":
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("conferences:releases", edition_slug=edition.slug)
    return render(
        request, "conferences/releases.html", {"releases": selectors.releases_of(edition), "now": timezone.now()}
    )

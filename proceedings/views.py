"""The chairs' proceedings page: a "Build" button per kind, the latest builds with their status
and progress (polled by ``progress.js`` from :func:`build_status`), their errors, and downloads
of the finished files."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from accounts.typing import AuthenticatedHttpRequest
from conferences.models import Edition
from conferences.scoping import edition_action, edition_view
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.policy import require
from proceedings import policy, selectors, services
from proceedings.models import Build, BuildKind, BuildStatus
from program.selectors import published_version


@login_required
@edition_view
def dashboard(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_manage_proceedings(request.user, edition))
    latest = selectors.latest_builds(edition)
    context = {
        "edition": edition,
        "version": published_version(edition),
        "kinds": [{"value": kind.value, "label": kind.label, "builds": latest[kind.value]} for kind in BuildKind],
        "active": (BuildStatus.QUEUED, BuildStatus.RUNNING),
    }
    return render(request, "proceedings/dashboard.html", context)


@edition_action
def build(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponseRedirect:
    require(policy.can_manage_proceedings(request.user, edition))
    with refusal_as_message(request):
        made = services.build_request(edition=edition, kind=request.POST.get("kind", ""), by=request.user)
        made.refresh_from_db(fields=["status"])  # built already when tasks run eagerly (the local default)
        state = "is built" if made.status == BuildStatus.DONE else "is queued"
        messages.success(request, f"The {made.get_kind_display()} of program version {made.version.number} {state}.")
    return redirect(reverse("proceedings:dashboard", args=[edition.slug]))


def _build(request: AuthenticatedHttpRequest, edition: Edition, build_id: int) -> Build:
    require(policy.can_manage_proceedings(request.user, edition))  # before the id is looked up
    return selectors.build_of(edition, build_id)


@login_required
@edition_view
def build_status(request: AuthenticatedHttpRequest, edition: Edition, build_id: int) -> JsonResponse:
    response = JsonResponse(selectors.build_state(_build(request, edition, build_id)))
    response["Cache-Control"] = "no-store"
    return response


def build_file_response(build: Build) -> FileResponse:
    """The finished file, as an attachment named ``<slug>-<kind>-v<version>.<ext>``."""
    if build.status != BuildStatus.DONE or not build.file:
        raise Http404("This build has no file.")
    response = FileResponse(
        build.file.open("rb"),
        as_attachment=True,
        filename=selectors.download_name(build),
        content_type=selectors.content_type(build),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@login_required
@edition_view
def build_download(request: AuthenticatedHttpRequest, edition: Edition, build_id: int) -> FileResponse:
    return build_file_response(_build(request, edition, build_id))

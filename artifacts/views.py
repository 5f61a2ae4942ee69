"""Artifact pages: the authors' page of their paper's artifact (register, edit, upload the
appendix), the AE committee's list and one artifact, and an AE member's hardware. Views ask the
policy, call a service and render; the appendix is served only through :func:`appendix_download`."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.typing import AuthenticatedHttpRequest
from artifacts import policy, selectors, services
from artifacts.forms import ArtifactForm, HardwareForm
from artifacts.models import Artifact
from conferences.models import Edition
from conferences.scoping import edition_action, edition_view
from mlsys_conf.policy import require, visible_or_404
from submissions.forms import UploadForm
from submissions.models import Submission
from submissions.serving import file_response


def _own_paper(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> Submission:
    """The paper of the URL, for its authors only (the 404 of a missing one for anyone else)."""
    submission = get_object_or_404(edition.submissions.select_related("edition"), number=number)
    visible_or_404(policy.can_open_artifact_form(request.user, submission))
    return submission


def _author_url(edition: Edition, number: int) -> str:
    return reverse("artifacts:author", args=[edition.slug, number])


@login_required
@edition_view
def author_artifact(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    submission = _own_paper(request, edition, number)
    artifact = selectors.artifact_for(submission)
    allowed = policy.can_register_artifact(request.user, submission)
    form = ArtifactForm(request.POST or None, instance=artifact or Artifact())
    if request.method == "POST":
        require(allowed)
        if form.is_valid():
            data = services.ArtifactInput(**form.input_values())
            try:
                services.artifact_save(submission=submission, data=data, by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Artifact saved.")
                return redirect(_author_url(edition, number))
    context = {
        "edition": edition,
        "submission": submission,
        "artifact": artifact,
        "form": form,
        "allowed": allowed,
        "appendix": selectors.current_appendix(submission),
        "latest_appendix": selectors.latest_appendix_upload(submission),
        "upload_key": uuid.uuid4().hex,
        "max_pages": services.APPENDIX_MAX_PAGES,
    }
    return render(request, "artifacts/author.html", context, status=400 if request.method == "POST" else 200)


@edition_action
def appendix_upload(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    received = timezone.now()
    submission = _own_paper(request, edition, number)
    require(policy.can_register_artifact(request.user, submission, received))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a file to upload.")
        return redirect(_author_url(edition, number))
    upload = form.cleaned_data["file"]
    content = upload.read(edition.max_pdf_bytes + 1)
    try:
        version = services.appendix_upload(
            submission=submission,
            content=content,
            filename=upload.name,
            by=request.user,
            now=received,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages) + " The stored version is unchanged.")
        return redirect(_author_url(edition, number))
    if version.is_accepted:
        messages.success(request, "Appendix uploaded; it passed the checks.")
    else:
        messages.error(request, "The appendix was rejected; the previous version stays. See the checks below.")
    return redirect(_author_url(edition, number))


@login_required
@edition_view
def artifact_list(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_list_artifacts(request.user, edition))
    context = {
        "edition": edition,
        "artifacts": selectors.visible_artifacts_for(request.user, edition),
        "hardware": selectors.committee_hardware(edition) if policy.can_list_hardware(request.user, edition) else None,
    }
    return render(request, "artifacts/list.html", context)


def _visible_artifact(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> Artifact:
    artifact = get_object_or_404(selectors.artifacts_of(edition), submission__number=number)
    visible_or_404(policy.can_view_artifact(request.user, artifact))
    return artifact


@login_required
@edition_view
def artifact_detail(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    artifact = _visible_artifact(request, edition, number)
    context = {
        "edition": edition,
        "artifact": artifact,
        "sees_instructions": policy.can_see_access_instructions(request.user, artifact),
        "reads_thread": policy.can_read_artifact_thread(request.user, artifact),
        "evaluates": policy.can_open_evaluation(request.user, artifact),
        "reads_evaluations": policy.can_view_evaluations(request.user, artifact),
        "appendix": selectors.current_appendix(artifact.submission),
    }
    return render(request, "artifacts/detail.html", context)


@login_required
@edition_view
def appendix_download(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> FileResponse:
    artifact = _visible_artifact(request, edition, number)
    appendix = selectors.current_appendix(artifact.submission)
    if appendix is None:
        raise Http404("No appendix yet.")
    return file_response(appendix, filename=f"{edition.slug}-artifact-{number}-appendix.pdf")


@login_required
@edition_view
def own_hardware(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_edit_own_hardware(request.user, edition))
    form = HardwareForm(request.POST or None, instance=selectors.hardware_of(request.user, edition))
    if request.method == "POST" and form.is_valid():
        data = services.HardwareInput(**form.cleaned_data)
        services.hardware_save(edition=edition, data=data, by=request.user)
        messages.success(request, "Your hardware is saved.")
        return redirect(reverse("artifacts:hardware", args=[edition.slug]))
    status = 400 if request.method == "POST" else 200
    return render(request, "artifacts/hardware.html", {"edition": edition, "form": form}, status=status)

"""Camera-ready pages: the authors' page of their paper's final version (metadata and authors,
licence, final PDF with its versions and checks, what is missing, the deadline), the final PDF
for the authors and the chairs, and the chairs' page of every accepted paper with the CSV and
the settings. Views ask the policy, call a service and render."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.typing import AuthenticatedHttpRequest
from camera_ready import policy, services
from camera_ready.forms import (
    FinalAuthorFormSet,
    LicenceForm,
    MetadataForm,
    SettingsForm,
    author_initial,
    metadata_input,
)
from camera_ready.models import CameraReadySettings
from camera_ready.selectors import current_final_pdf
from camera_ready.status import (
    PaperStatus,
    camera_ready_deadline,
    completeness,
    edition_deadline,
    labels,
    paper_statuses,
)
from conferences.models import Edition, Phase
from conferences.scoping import edition_action, edition_view
from mlsys_conf.policy import require, visible_or_404
from reviews.markdown import render as render_markdown
from submissions.deadlines import extension_for
from submissions.forms import UploadForm
from submissions.models import FileKind, Submission
from submissions.serving import file_response


def _paper(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> Submission:
    """The paper of the URL, for its authors and the chairs handling it (a 404 for anyone else)."""
    submission = get_object_or_404(edition.submissions.select_related("edition"), number=number)
    visible_or_404(policy.can_open_final_version(request.user, submission))
    return submission


def _author_url(edition: Edition, number: int) -> str:
    return reverse("camera_ready:author", args=[edition.slug, number])


def _page_context(request: AuthenticatedHttpRequest, submission: Submission) -> dict[str, Any]:
    edition = submission.edition
    final, authors = services.draft_of(submission)
    config = services.settings_of(edition)
    return {
        "edition": edition,
        "submission": submission,
        "final": final,
        "started": final.pk is not None,
        "authors": authors,
        "allowed": policy.can_edit_final_version(request.user, submission),
        "missing": labels(completeness(submission)),
        "deadline": camera_ready_deadline(submission),
        "extended": extension_for(submission, Phase.CAMERA_READY) is not None,
        "pdf": current_final_pdf(submission),
        "versions": submission.files.filter(kind=FileKind.CAMERA_READY).order_by("-uploaded_at"),
        "page_limit": config.final_page_limit(),
        "instructions": render_markdown(config.instructions) if config.instructions else "",
        "upload_key": uuid.uuid4().hex,
        "licence_form": LicenceForm(initial={"licence": final.licence or None}),
        "now": timezone.now(),
    }


@login_required
@edition_view
def author_page(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    """GET: the paper's final version. POST: its authors save the metadata and the author rows."""
    submission = _paper(request, edition, number)
    context = _page_context(request, submission)
    form = MetadataForm(request.POST or None, instance=context["final"])
    authors = FinalAuthorFormSet(request.POST or None, prefix="authors", initial=author_initial(context["authors"]))
    if request.method == "POST":
        require(context["allowed"])
        if form.is_valid() and authors.is_valid():
            try:
                services.final_metadata_save(submission=submission, data=metadata_input(form, authors), by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Final metadata saved. Confirm it once it is as it should be published.")
                return redirect(_author_url(edition, number))
    context.update(form=form, author_rows=authors)
    return render(request, "camera_ready/author.html", context, status=400 if request.method == "POST" else 200)


@edition_action
def confirm(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    received = timezone.now()
    submission = _paper(request, edition, number)
    require(policy.can_edit_final_version(request.user, submission, received))
    try:
        services.final_metadata_confirm(submission=submission, by=request.user, now=received)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The final metadata is confirmed.")
    return redirect(_author_url(edition, number))


@edition_action
def licence(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    received = timezone.now()
    submission = _paper(request, edition, number)
    require(policy.can_edit_final_version(request.user, submission, received))
    form = LicenceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a licence and tick that you accept it for all the authors.")
        return redirect(_author_url(edition, number))
    try:
        services.licence_accept(
            submission=submission, licence=form.cleaned_data["licence"], by=request.user, now=received
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Licence accepted.")
    return redirect(_author_url(edition, number))


@edition_action
def upload(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    received = timezone.now()
    submission = _paper(request, edition, number)
    require(policy.can_edit_final_version(request.user, submission, received))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a file to upload.")
        return redirect(_author_url(edition, number))
    file = form.cleaned_data["file"]
    try:
        version = services.final_pdf_upload(
            submission=submission,
            content=file.read(edition.max_pdf_bytes + 1),
            filename=file.name,
            by=request.user,
            now=received,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages) + " The stored version is unchanged.")
        return redirect(_author_url(edition, number))
    if version.is_accepted:
        messages.success(request, "Final PDF uploaded; it passed the checks.")
    else:
        messages.error(request, "The final PDF was rejected; the previous version stays. See the checks below.")
    return redirect(_author_url(edition, number))


@login_required
@edition_view
def final_pdf(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> FileResponse:
    submission = _paper(request, edition, number)
    pdf = current_final_pdf(submission)
    if pdf is None:
        raise Http404("No final PDF yet.")
    return file_response(pdf, filename=f"{edition.slug}-paper{number}-final.pdf")


def _handled(request: AuthenticatedHttpRequest, edition: Edition) -> list[PaperStatus]:
    """Every accepted paper the chair handles (none they are conflicted with)."""
    return [row for row in paper_statuses(edition) if policy.handles_paper(request.user, row.submission)]


@login_required
@edition_view
def chairs_page(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_manage_camera_ready(request.user, edition))
    rows = _handled(request, edition)
    incomplete_only = request.GET.get("incomplete") == "1"
    config = CameraReadySettings.objects.filter(edition=edition).first()
    context = {
        "edition": edition,
        "rows": [row for row in rows if not row.complete] if incomplete_only else rows,
        "incomplete_only": incomplete_only,
        "complete_count": sum(1 for row in rows if row.complete),
        "incomplete_count": sum(1 for row in rows if not row.complete),
        "settings_form": SettingsForm(instance=config or CameraReadySettings(edition=edition)),
        "page_limit": services.settings_of(edition).final_page_limit(),
        "deadline": edition_deadline(edition),
    }
    return render(request, "camera_ready/chairs.html", context)


@edition_action
def settings_save(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_manage_camera_ready(request.user, edition))
    form = SettingsForm(request.POST, instance=services.settings_of(edition))
    if form.is_valid():
        services.camera_ready_settings_save(
            edition=edition,
            page_limit=form.cleaned_data["page_limit"],
            instructions=form.cleaned_data["instructions"],
            by=request.user,
        )
        messages.success(request, "Camera-ready settings saved.")
    else:
        errors = [f"{field}: {' '.join(str(e) for e in errs)}" for field, errs in form.errors.items()]
        messages.error(request, "Not saved. " + " ".join(errors))
    return redirect(reverse("camera_ready:chairs", args=[edition.slug]))


CSV_COLUMNS = (
    "paper",
    "title",
    "complete",
    "final_pdf",
    "pages",
    "metadata_confirmed",
    "licence",
    "presenter",
    "missing",
)


def _cell(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def status_csv(rows: list[PaperStatus]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        final = row.final
        writer.writerow(
            [
                row.submission.number,
                _cell(final.title if final else row.submission.title),
                "yes" if row.complete else "no",
                "yes" if row.pdf else "no",
                row.pdf.page_count if row.pdf else "",
                "yes" if final and final.confirmed_at else "no",
                final.licence if final else "",
                _cell(row.presenter),
                "; ".join(item.value for item in row.missing),
            ]
        )
    return out.getvalue()


@login_required
@edition_view
def export_csv(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_manage_camera_ready(request.user, edition))
    response = HttpResponse(status_csv(_handled(request, edition)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{edition.slug}-camera-ready.csv"'
    return response

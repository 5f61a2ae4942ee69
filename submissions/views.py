"""Authors' and chairs' pages about submissions. Views parse input, ask the policy, call a
service and render; files are served only through :func:`file_download`."""

from __future__ import annotations

import csv
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.typing import AuthenticatedHttpRequest
from committees.policy import is_pc_chair
from conferences.models import Edition, Phase, Role
from conferences.roles import RoleKind
from conferences.scoping import edition_action, edition_view
from conferences.selectors import edition_timeline
from mlsys_conf.feedback import refusal_as_message
from mlsys_conf.policy import PolicyDenied, require, visible_or_404
from submissions import policy, selectors, services
from submissions.forms import (
    DECLARABLE_REASONS,
    AuthorFormSet,
    ExtensionForm,
    SubmissionFilterForm,
    SubmissionForm,
    UploadForm,
    author_initial,
)
from submissions.models import PAPER_FILE_KINDS, ConflictReason, ConflictSource, FileKind, Submission, SubmissionFile
from submissions.serving import file_response
from submissions.states import Viewer, status_for, viewer_of


def _submission(user: Any, edition: Edition, number: int, *, details: bool = True) -> Submission:
    """The paper of the URL, or the 404 of a missing one for anyone who may not see it; with
    its authors and files prefetched unless ``details`` is off (a POST that needs neither)."""
    papers = edition.submissions.all()
    submission = get_object_or_404(selectors.with_details(papers) if details else papers, number=number)
    visible_or_404(policy.can_view_submission(user, submission))
    return submission


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _status(request: HttpRequest) -> int:
    """A form page rendered again after a POST shows what was refused: 400."""
    return 400 if request.method == "POST" else 200


def _warn_not_mailed(request: HttpRequest, submission: Submission) -> None:
    held = selectors.authors_not_mailed(Submission.objects.get(pk=submission.pk))
    if held:
        messages.warning(request, services.not_mailed_message(held))


@login_required
@edition_view
def my_submissions(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    submissions = selectors.with_current_paper_warnings(selectors.submissions_of_author(request.user, edition))
    timeline = edition_timeline(edition)
    deadlines = [
        timeline.window(p) for p in (Phase.ABSTRACT_REGISTRATION, Phase.PAPER_SUBMISSION, Phase.SUPPLEMENTARY_MATERIAL)
    ]
    return render(
        request,
        "submissions/mine.html",
        {
            "submissions": submissions,
            "deadlines": [d for d in deadlines if d],
            "can_register": policy.can_register_submission(request.user, edition),
            "now": timezone.now(),
        },
    )


@login_required
@edition_view
def submission_new(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_register_submission(request.user, edition))
    form = SubmissionForm(request.POST or None)
    authors = AuthorFormSet(request.POST or None, initial=author_initial(None, request.user), prefix="authors")
    if request.method == "POST" and form.is_valid() and authors.is_valid():
        data = form.to_input()
        try:
            submission = services.submission_register(
                edition=edition,
                title=data.title,
                abstract=data.abstract,
                topic=data.topic,
                keywords=data.keywords,
                authors=authors.to_inputs(),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, f"Registered as #{submission.number}. Now upload the paper before its deadline.")
            _warn_not_mailed(request, submission)
            return redirect(submission)
    return render(
        request, "submissions/form.html", {"form": form, "authors": authors, "creating": True}, status=_status(request)
    )


@login_required
@edition_view
def submission_edit(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    submission = _submission(request.user, edition, number)
    require(policy.can_edit_submission(request.user, submission))
    form = SubmissionForm(request.POST or None, instance=Submission.objects.get(pk=submission.pk))
    authors = AuthorFormSet(request.POST or None, initial=author_initial(submission, request.user), prefix="authors")
    if request.method == "POST" and form.is_valid() and authors.is_valid():
        try:
            services.submission_update(
                submission=submission, data=form.to_input(), authors=authors.to_inputs(), by=request.user
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, "Saved.")
            _warn_not_mailed(request, submission)
            return redirect(submission)
    return render(
        request,
        "submissions/form.html",
        {"form": form, "authors": authors, "submission": submission, "creating": False},
        status=_status(request),
    )


@login_required
@edition_view
def submission_detail(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    submission = _submission(request.user, edition, number)
    user = request.user
    return render(
        request,
        "submissions/detail.html",
        {
            "submission": submission,
            "paper": selectors.current_paper(submission),
            "supplementary": selectors.current_supplementary(submission),
            "latest_paper": selectors.latest_version(submission, FileKind.PAPER),
            "latest_supplementary": selectors.latest_version(submission, FileKind.SUPPLEMENTARY),
            "files": submission.files.filter(kind__in=PAPER_FILE_KINDS).order_by("-uploaded_at"),
            "conflicts": submission.conflicts.select_related("user"),
            # As on the conflicts page: its authors and the chairs handling it, never a chair conflicted with it.
            "shows_conflicts": selectors.is_author(user, submission) or policy.can_manage_submission(user, submission),
            "disputes": submission.author_disputes.all(),
            "disputed": selectors.disputed_emails(submission),
            "not_mailed": selectors.authors_not_mailed(submission),
            "show_authors": policy.can_see_authors(user, submission),
            "can_edit": policy.can_edit_submission(user, submission),
            "can_upload_paper": policy.can_upload_paper(user, submission),
            "can_upload_supplementary": policy.can_upload_supplementary(user, submission),
            "can_withdraw": policy.can_withdraw_submission(user, submission),
            "can_restore": policy.can_restore_submission(user, submission),
            "can_desk_reject": policy.can_desk_reject_submission(user, submission),
            "viewer": viewer_of(user, submission).value,
            "can_conflicts": policy.can_declare_author_conflicts(user, submission),
            "can_extend": policy.can_grant_extension(user, submission),
            "upload_form": UploadForm(),
            "paper_upload_key": uuid.uuid4().hex,
            "supplementary_upload_key": uuid.uuid4().hex,
            "extension_form": ExtensionForm(),
            "extensions": submission.extensions.all(),
            "now": timezone.now(),
        },
    )


@edition_action
def file_upload(request: AuthenticatedHttpRequest, edition: Edition, number: int, kind: str) -> HttpResponse:
    received = timezone.now()  # the whole request is in: the deadline is compared with this
    if kind not in FileKind.values or not FileKind(kind).of_the_paper:
        raise Http404("No such kind of file.")
    submission = _submission(request.user, edition, number, details=False)  # the service fetches again
    is_paper = kind == FileKind.PAPER
    key = request.POST.get("idempotency_key", "")
    allowed = policy.can_upload_paper if is_paper else policy.can_upload_supplementary
    if selectors.version_for_key(submission, request.user, key) is None:  # a retry is answered even after it
        require(allowed(request.user, submission, received))
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "Choose a file to upload.")
        return redirect(submission)
    upload = form.cleaned_data["file"]
    limit = edition.max_pdf_bytes if is_paper else services.SUPPLEMENTARY_MAX_BYTES
    content = services.read_upload(upload, max_bytes=limit)
    store = services.paper_upload if is_paper else services.supplementary_upload
    try:
        version = store(
            submission=submission,
            content=content,
            filename=upload.name,
            by=request.user,
            now=received,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except ValidationError as error:
        messages.error(request, _errors(error) + " The stored version is unchanged.")
        return redirect(submission)
    if version.is_accepted:
        receipt = f"Uploaded; it passed the checks (SHA-256 {version.sha256[:16]}…). A receipt is on its way by e-mail."
        messages.success(request, receipt)
    else:
        messages.error(request, "The upload was rejected; the previous version stays. See the checks below.")
    return redirect(submission)


@login_required
@edition_view
def submission_withdraw(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    submission = _submission(request.user, edition, number)
    require(policy.can_withdraw_submission(request.user, submission))
    if request.method == "POST":
        services.submission_withdraw(submission=submission, by=request.user)
        messages.success(request, f"#{submission.number} is withdrawn.")
        return redirect(submission)
    return render(request, "submissions/withdraw.html", {"submission": submission})


@edition_action
def submission_restore(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    submission = _submission(request.user, edition, number)
    try:
        services.submission_restore(submission=submission, by=request.user)
    except PolicyDenied as refused:  # not withdrawn, or too late: said on the page
        messages.error(request, refused.verdict.reason)
    except ValidationError as error:  # moved meanwhile by another request
        messages.error(request, _errors(error))
    else:
        messages.success(request, f"#{submission.number} is back in the running.")
    return redirect(submission)


@edition_action
def submission_desk_reject(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    submission = _submission(request.user, edition, number)
    require(policy.can_desk_reject_submission(request.user, submission))
    with refusal_as_message(request):
        services.submission_desk_reject(
            submission=submission, reason=request.POST.get("reason", "")[:2000], by=request.user
        )
        messages.success(request, f"#{submission.number} is desk rejected; its authors are told why.")
    return redirect(submission)


@edition_action
def submission_extension(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    submission = _submission(request.user, edition, number)
    require(policy.can_grant_extension(request.user, submission))
    form = ExtensionForm(request.POST)
    if not form.is_valid():
        wrong_time = "until" in form.errors
        messages.error(request, "Give a date and time, to the second." if wrong_time else "Choose an input deadline.")
        return redirect(submission)
    data = form.cleaned_data
    with refusal_as_message(request):
        services.extension_grant(
            by=request.user,
            edition=edition,
            submission=submission,
            phase=Phase(data["phase"]),
            until=data["until"],
            reason=data["reason"],
        )
        messages.success(request, "Extension saved." if data["until"] else "Extension removed.")
    return redirect(submission)


def _pc_of(edition: Edition) -> list[Role]:
    seen: dict[int, Role] = {}
    for role in Role.objects.filter(edition=edition, kind__in=RoleKind.where("on_pc")).select_related("user"):
        seen.setdefault(role.user_id, role)
    return sorted(seen.values(), key=lambda r: (r.user.last_name.lower(), r.user.first_name.lower()))


@login_required
@edition_view
def author_conflicts(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    """Authors pick the PC members they are conflicted with, each with a reason. A chair (not
    conflicted with the paper) sees every conflict here and may set or remove any of them."""
    submission = _submission(request.user, edition, number)
    as_chair = is_pc_chair(request.user, edition) and not selectors.is_author(request.user, submission)
    if as_chair:
        require(policy.can_manage_submission(request.user, submission))
    pc = _pc_of(edition)
    conflicts = {c.user_id: c for c in submission.conflicts.all()}
    if request.method == "POST":
        require(policy.can_declare_author_conflicts(request.user, submission))
        pc_ids = {r.user_id for r in pc}
        declared = {
            int(uid): request.POST.get(f"reason_{uid}") or ConflictReason.OTHER
            for uid in request.POST.getlist("conflict")
            if uid.isdecimal() and int(uid) in pc_ids  # isdigit() lets "²" through to int()
        }
        try:
            if as_chair:
                services.conflicts_set_by_chair(submission=submission, conflicted=declared, by=request.user)
            else:
                services.conflicts_set_declared(
                    submission=submission, source=ConflictSource.AUTHOR, declared=declared, by=request.user
                )
        except ValidationError as error:
            messages.error(request, _errors(error))
        else:
            messages.success(request, f"{len(declared)} conflict{'s' if len(declared) != 1 else ''} declared.")
            return redirect("submissions:conflicts", edition_slug=edition.slug, number=number)
    rows = [(role, conflicts.get(role.user_id)) for role in pc]
    return render(
        request,
        "submissions/conflicts.html",
        {
            "submission": submission,
            "rows": rows,
            "reasons": DECLARABLE_REASONS,
            "can_change": policy.can_declare_author_conflicts(request.user, submission),
            "as_chair": as_chair,
            "own_source": ConflictSource.CHAIR if as_chair else ConflictSource.AUTHOR,
        },
    )


@login_required
@edition_view
def pc_conflicts(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    """A PC member marks the papers they are conflicted with. Double-blind: no author names,
    and nothing found after the member's own change of profile (see :mod:`submissions.services`)."""
    require(policy.can_declare_own_conflicts(request.user, edition))
    submissions = edition.submissions.active().order_by("number")
    mine = {c.submission_id: c for c in selectors.conflicts_shown_to_member(request.user, edition)}
    if request.method == "POST":
        wanted = {int(s) for s in request.POST.getlist("conflict") if s.isdecimal()}
        with refusal_as_message(request):
            for submission in submissions:
                has = submission.pk in mine
                if has and mine[submission.pk].source != ConflictSource.PC_MEMBER:
                    continue  # not theirs to change: its box is disabled, so never sent back
                if (submission.pk in wanted) != has:
                    services.conflict_declare_own(
                        submission=submission,
                        user=request.user,
                        reason=request.POST.get(f"reason_{submission.pk}") or ConflictReason.OTHER,
                        conflicted=submission.pk in wanted,
                    )
            messages.success(request, "Your conflicts are saved.")
        return redirect("submissions:pc_conflicts", edition_slug=edition.slug)
    return render(
        request,
        "submissions/pc_conflicts.html",
        {
            "rows": [(s, mine.get(s.pk)) for s in submissions],
            "reasons": DECLARABLE_REASONS,
            "may_remove": not policy.bidding_has_opened(edition),
        },
    )


@login_required
@edition_view
def submission_list(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_list_all_submissions(request.user, edition))
    filters = SubmissionFilterForm(request.GET or None)
    if filters.is_bound and not filters.is_valid():  # refused before any search runs
        context = {"submissions": Submission.objects.none(), "filters": filters}
        return render(request, "submissions/list.html", context, status=400)
    options: dict[str, Any] = dict(filters.cleaned_data) if filters.is_bound else {}
    status = options.pop("status", "")
    found = selectors.filtered_submissions(edition, **{k: v for k, v in options.items() if v})
    # Each paper with the status this chair is shown (a chair conflicted with a paper sees its
    # pending decision no more than the PC does), and the status filter matches that one.
    submissions = [s for s in found if _shown_status(request.user, s, status)]
    if request.GET.get("format") == "csv":
        return _csv_export(request, edition, submissions)
    return render(request, "submissions/list.html", {"submissions": submissions, "filters": filters})


def _shown_status(user: Any, submission: Submission, wanted: str) -> bool:
    submission.viewer = viewer_of(user, submission).value  # type: ignore[attr-defined]
    return not wanted or status_for(submission, Viewer(submission.viewer)).code == wanted  # type: ignore[attr-defined]


CSV_COLUMNS = [
    "number",
    "title",
    "topic",
    "keywords",
    "status",
    "authors",
    "emails",
    "affiliations",
    "pages",
    "sha256",
    "warnings",
    "registered_utc",
    "withdrawn_utc",
]


def _csv_export(request: HttpRequest, edition: Edition, submissions: Any) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{edition.slug}-submissions.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for s in submissions:
        paper = selectors.current_paper(s)
        authors = list(s.authors.all()) if policy.can_see_authors(request.user, s) else []
        status = status_for(s, viewer_of(request.user, s)).code
        writer.writerow(
            [
                s.number,
                _cell(s.title),
                s.topic,
                _cell(s.keywords),
                status,
                "; ".join(_cell(a.name) for a in authors),
                "; ".join(_cell(a.email) for a in authors),  # "=1+2@example.org" is a valid address
                "; ".join(_cell(a.affiliation) for a in authors),
                paper.page_count if paper else "",
                paper.sha256 if paper else "",
                paper.warning_count if paper else "",
                f"{s.created_at:%Y-%m-%d %H:%M:%S}",
                f"{s.withdrawn_at:%Y-%m-%d %H:%M:%S}" if s.withdrawn_at else "",
            ]
        )
    return response


def _cell(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
@edition_view
def file_download(request: AuthenticatedHttpRequest, edition: Edition, number: int, file_id: int) -> FileResponse:
    file = get_object_or_404(
        SubmissionFile.objects.select_related("submission__edition").filter(~Q(file="")),
        pk=file_id,
        submission__number=number,
        submission__edition=edition,
    )
    visible_or_404(policy.can_download_file(request.user, file))
    return file_response(file)

"""The reviewer's page of a paper (where the reviews will go) and its files, for reviewers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from accounts.typing import AuthenticatedHttpRequest
from conferences.models import Edition
from conferences.scoping import edition_view
from reviews.selectors import paper_for_reviewer, reviewer_deadlines
from submissions.models import FileKind
from submissions.selectors import current_paper, current_supplementary
from submissions.serving import file_response, reviewer_download_name


@login_required
@edition_view
def paper(request: AuthenticatedHttpRequest, edition: Edition, number: int) -> HttpResponse:
    submission = paper_for_reviewer(request.user, edition, number)
    context = {
        "submission": submission,
        "paper": current_paper(submission),
        "supplementary": current_supplementary(submission),
        "deadlines": reviewer_deadlines(edition),
    }
    return render(request, "reviews/paper.html", context)


@login_required
@edition_view
def paper_file(request: AuthenticatedHttpRequest, edition: Edition, number: int, kind: str) -> FileResponse:
    submission = paper_for_reviewer(request.user, edition, number)
    current = {FileKind.PAPER: current_paper, FileKind.SUPPLEMENTARY: current_supplementary}
    if kind not in current:
        raise Http404("Not found.")
    file = current[FileKind(kind)](submission)
    if file is None or not file.file:
        raise Http404("Not found.")
    return file_response(file, filename=reviewer_download_name(file))

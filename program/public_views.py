"""The public program (no login): the schedule by day and room, a page per session and per
paper (with its BibTeX and final PDF), search, the author index, the change log, and the
exports. Everything reads the newest published version (:mod:`program.public_caching`
resolves it, answers 304s and caches; before the first publication every route is a 404)."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from program import exports, exports_frab, exports_ical
from program.models import ProgramVersion
from program.public_caching import public_program_view
from program.public_program import PaperView, PublishedProgram, SessionView
from submissions.models import FileKind, SubmissionFile
from submissions.serving import file_response

SEARCH_MAX = 200  # characters of a query that count


def _session_or_404(program: PublishedProgram, session_id: int) -> SessionView:
    session = program.session(session_id)
    if session is None:
        raise Http404("No such session in the program.")
    return session


def _paper_or_404(program: PublishedProgram, number: int) -> PaperView:
    paper = program.paper(number)
    if paper is None:
        raise Http404("No such paper in the program.")
    return paper


def _page(request: HttpRequest, program: PublishedProgram, template: str, **context: object) -> HttpResponse:
    return render(request, f"program/public/{template}", {"program": program, **context})


def _download(content: bytes | str, content_type: str, filename: str, *, inline: bool = True) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Pages ----------------------------------------------------------------------------------


@public_program_view()
def schedule(request: HttpRequest, program: PublishedProgram) -> HttpResponse:
    return _page(request, program, "schedule.html", days=program.days())


@public_program_view()
def session_detail(request: HttpRequest, program: PublishedProgram, session_id: int) -> HttpResponse:
    return _page(request, program, "session.html", session=_session_or_404(program, session_id))


@public_program_view()
def paper_detail(request: HttpRequest, program: PublishedProgram, number: int) -> HttpResponse:
    paper = _paper_or_404(program, number)
    return _page(request, program, "paper.html", paper=paper, bibtex=exports.paper_bibtex(program, paper))


@public_program_view(store=False)  # the query string is the page: not kept in the cache
def search(request: HttpRequest, program: PublishedProgram) -> HttpResponse:
    query = request.GET.get("q", "")[:SEARCH_MAX].strip()
    return _page(request, program, "search.html", query=query, results=program.search(query) if query else None)


@public_program_view()
def authors(request: HttpRequest, program: PublishedProgram) -> HttpResponse:
    return _page(request, program, "authors.html", letters=program.author_index())


@public_program_view()
def changes(request: HttpRequest, program: PublishedProgram) -> HttpResponse:
    versions = ProgramVersion.objects.filter(edition_id=program.version.edition_id).order_by("-number")
    listed = versions.only("number", "published_at", "note", "changes")
    return _page(request, program, "changes.html", versions=listed)


# --- Files and exports ---------------------------------------------------------------------


@public_program_view()
def paper_bibtex(request: HttpRequest, program: PublishedProgram, number: int) -> HttpResponse:
    paper = _paper_or_404(program, number)
    text = exports.paper_bibtex(program, paper)
    return _download(text, "application/x-bibtex; charset=utf-8", f"{program.slug}-{paper.number}.bib")


@public_program_view(store=False)
def paper_pdf(request: HttpRequest, program: PublishedProgram, number: int) -> FileResponse:
    """The final PDF exactly as published (the file whose id is in the snapshot)."""
    paper = _paper_or_404(program, number)
    if not paper.pdf:
        raise Http404("This paper has no final PDF.")
    file = (
        SubmissionFile.objects.select_related("submission__edition")
        .filter(
            pk=paper.pdf["id"],
            kind=FileKind.CAMERA_READY,
            is_accepted=True,
            submission__number=paper.number,
            submission__edition_id=program.version.edition_id,
        )
        .exclude(file="")
        .first()
    )
    if file is None:
        raise Http404("This paper has no final PDF.")
    return file_response(file, filename=f"{program.slug}-{paper.number}.pdf")


@public_program_view()
def program_ics(request: HttpRequest, program: PublishedProgram) -> HttpResponse:
    return _download(exports_ical.program_ical(program), "text/calendar; charset=utf-8", f"{program.slug}.ics")


@public_program_view()
def session_ics(request: HttpRequest, program: PublishedProgram, session_id: int) -> HttpResponse:
    session = _session_or_404(program, session_id)
    content = exports_ical.session_ical(program, session)
    return _download(content, "text/calendar; charset=utf-8", f"{program.slug}-session-{session.id}.ics")


@public_program_view()
def program_json(request: HttpRequest, program: PublishedProgram) -> HttpResponse:
    return _download(exports.program_json_text(program), "application/json", f"{program.slug}-program.json")


@public_program_view()
def program_csv(request: HttpRequest, program: PublishedProgram) -> HttpResponse:
    content = exports.program_csv_text(program)
    return _download(content, "text/csv; charset=utf-8", f"{program.slug}-program.csv", inline=False)


@public_program_view()
def schedule_xml(request: HttpRequest, program: PublishedProgram) -> HttpResponse:
    return _download(exports_frab.program_frab(program), "application/xml", f"{program.slug}-schedule.xml")

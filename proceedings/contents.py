"""What every proceedings document is made of, read from a published program version's
snapshot (:mod:`program.snapshot`): the papers in table-of-contents order (sessions by start
time, then room; papers in their session's order; a paper placed twice counts once, where it
first appears), and their final PDFs, whose page counts are read from the files themselves."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from artifacts.models import Badge
from program.models import ProgramVersion, SessionKind
from program.snapshot import PaperEntry, SessionEntry, Snapshot
from submissions.models import FileKind, SubmissionFile

log = logging.getLogger(__name__)

UNPLACED = "Other papers"
Progress = Callable[[int, int], None]  # (steps done, steps in all)


class BuildProblem(Exception):
    """Why a document cannot be built, in words for the chairs' page."""


@dataclass(frozen=True)
class TocPaper:
    number: int
    title: str
    authors: list[dict[str, str]]  # name, affiliation, orcid: as in the snapshot
    session: str  # the title of the session it first appears in
    session_id: int | None
    paper: PaperEntry


def badge_labels(paper: PaperEntry) -> list[str]:
    """The paper's released ACM artifact badges, by their names (the snapshot holds released ones only)."""
    return [Badge(value).label for value in paper["badges"] if value in Badge.values]


def snapshot_of(version: ProgramVersion) -> Snapshot:
    return version.snapshot  # type: ignore[return-value]


def moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def day_of(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def sessions_with_papers(snapshot: Snapshot) -> list[SessionEntry]:
    return [s for s in snapshot["sessions"] if SessionKind(s["kind"]).holds_papers and s["slots"]]


def toc_papers(snapshot: Snapshot) -> list[TocPaper]:
    """Every paper of the program once, in the order the proceedings print them."""
    papers = snapshot["papers"]
    seen: set[int] = set()
    result: list[TocPaper] = []

    def add(entry: PaperEntry, session: str, session_id: int | None) -> None:
        seen.add(entry["number"])
        authors = [{"name": a["name"], "affiliation": a["affiliation"], "orcid": a["orcid"]} for a in entry["authors"]]
        result.append(TocPaper(entry["number"], entry["title"], authors, session, session_id, entry))

    for session in sessions_with_papers(snapshot):
        for slot in session["slots"]:
            entry = papers.get(str(slot["number"]))
            if entry is not None and entry["number"] not in seen:
                add(entry, session["title"], session["id"])
    for entry in sorted(papers.values(), key=lambda e: e["number"]):
        if entry["number"] not in seen:
            add(entry, UNPLACED, None)
    return result


def final_pdfs(edition_id: int, papers: list[TocPaper]) -> dict[int, SubmissionFile]:
    """The final PDF of each paper, exactly the version published (by the id in the snapshot);
    refuses, naming them, when some paper has none."""
    wanted = {p.number: p.paper["pdf"]["id"] for p in papers if p.paper["pdf"]}
    missing = [p.number for p in papers if not p.paper["pdf"]]
    files = SubmissionFile.objects.filter(
        pk__in=wanted.values(),
        kind=FileKind.CAMERA_READY,
        is_accepted=True,
        submission__edition_id=edition_id,
    ).exclude(file="")
    by_id = {file.pk: file for file in files}
    found = {number: by_id[pk] for number, pk in wanted.items() if pk in by_id}
    missing += [number for number in wanted if number not in found]
    if missing:
        listed = ", ".join(f"#{n}" for n in sorted(missing))
        raise BuildProblem(f"No final PDF is stored for paper(s) {listed}: they can't be printed.")
    return found


def unreadable(number: int) -> BuildProblem:
    return BuildProblem(f"Paper #{number}'s final PDF could not be read; nothing was built.")


@contextmanager
def opened(number: int, file: SubmissionFile) -> Iterator[IO[Any]]:
    """The paper's stored PDF, open; a file gone from storage is :class:`BuildProblem` (other
    storage errors may pass: the job tries again)."""
    try:
        stream = file.file.open("rb")
    except FileNotFoundError as error:
        log.warning("paper #%s's final PDF is missing from storage: %s", number, error)
        raise BuildProblem(f"Paper #{number}'s final PDF is missing from storage; nothing was built.") from error
    with stream:
        yield stream


def read_pdf(number: int, stream: IO[Any]) -> PdfReader:
    """A reader of the paper's PDF whose pages are all reachable, or :class:`BuildProblem`."""
    try:
        reader = PdfReader(stream)
        if len(reader.pages) < 1:
            raise BuildProblem(f"Paper #{number}'s final PDF has no page; nothing was built.")
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        log.warning("paper #%s's final PDF is unreadable: %s", number, error)
        raise unreadable(number) from error
    return reader


def page_counts(files: dict[int, SubmissionFile]) -> dict[int, int]:
    """Each paper's number of pages, read from its file (never trusted from the snapshot)."""
    counts = {}
    for number, file in files.items():
        with opened(number, file) as stream:
            counts[number] = len(read_pdf(number, stream).pages)
    return counts


def first_pages(papers: list[TocPaper], counts: dict[int, int], before: int) -> dict[int, int]:
    """Each paper's first page in the assembled proceedings (1-based), after ``before`` pages."""
    pages, next_page = {}, before + 1
    for paper in papers:
        pages[paper.number] = next_page
        next_page += counts[paper.number]
    return pages

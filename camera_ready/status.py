"""What an accepted paper still lacks for its camera-ready version, and its deadline.

Complete means: a final PDF that passed the checks, the metadata confirmed by an author (since
its last change), a licence accepted, and a presenter named. :func:`completeness` answers for
one paper; :func:`paper_statuses` for every accepted paper of an edition in a fixed number of
queries (the chairs' page, its CSV, the API, the dashboard and the reminders)."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch

from camera_ready.models import FinalAuthor, FinalVersion
from camera_ready.selectors import accepted_papers, current_final_pdf
from conferences.models import Edition, Phase
from conferences.selectors import edition_timeline
from submissions.deadlines import extension_for
from submissions.models import FileKind, Submission, SubmissionFile


class Missing(enum.StrEnum):
    PDF = "pdf"
    METADATA = "metadata"
    LICENCE = "licence"
    PRESENTER = "presenter"

    @property
    def label(self) -> str:
        return {
            Missing.PDF: "the final PDF",
            Missing.METADATA: "the authors' confirmation of the metadata",
            Missing.LICENCE: "the licence",
            Missing.PRESENTER: "a presenter",
        }[self]


def missing_of(final: FinalVersion | None, *, has_pdf: bool, presenters: Iterable[FinalAuthor] = ()) -> list[Missing]:
    """What is missing, given the final version (None: not started) and whether a PDF passed."""
    missing = [] if has_pdf else [Missing.PDF]
    if final is None or final.confirmed_at is None:
        missing.append(Missing.METADATA)
    if final is None or not final.licence or final.licence_accepted_at is None:
        missing.append(Missing.LICENCE)
    if final is None or not any(author.is_presenter for author in presenters):
        missing.append(Missing.PRESENTER)
    return missing


def completeness(subject: FinalVersion | Submission) -> list[Missing]:
    """What the paper (or its final version) still lacks; empty when complete."""
    if isinstance(subject, FinalVersion):
        final: FinalVersion | None = subject
        submission = subject.submission
    else:
        submission = subject
        final = FinalVersion.objects.filter(submission=submission).first()
    authors = list(final.authors.all()) if final is not None else []
    return missing_of(final, has_pdf=current_final_pdf(submission) is not None, presenters=authors)


def labels(missing: Iterable[Missing]) -> list[str]:
    return [item.label for item in missing]


@dataclass(frozen=True)
class PaperStatus:
    submission: Submission
    final: FinalVersion | None
    pdf: SubmissionFile | None
    missing: list[Missing] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def presenter(self) -> str:
        if self.final is None:
            return ""
        return next((a.name for a in self.final.authors.all() if a.is_presenter), "")

    @property
    def missing_labels(self) -> list[str]:
        return labels(self.missing)


def paper_statuses(edition: Edition, papers: Iterable[Submission] | None = None) -> list[PaperStatus]:
    """The status of each accepted paper of ``edition`` (or of ``papers``), by number."""
    queryset = accepted_papers(edition)
    if papers is not None:
        queryset = queryset.filter(pk__in=[paper.pk for paper in papers])
    pdfs = SubmissionFile.objects.filter(kind=FileKind.CAMERA_READY, is_accepted=True).order_by("-uploaded_at")
    rows = queryset.select_related("edition").prefetch_related(
        Prefetch("files", queryset=pdfs, to_attr="final_pdfs"), "extensions"
    )
    finals = {
        final.submission_id: final
        for final in FinalVersion.objects.filter(submission__in=rows).prefetch_related(
            Prefetch("authors", queryset=FinalAuthor.objects.order_by("position"))
        )
    }
    result = []
    for paper in rows:
        final = finals.get(paper.pk)
        if final is not None:
            final.submission = paper
        pdf = paper.final_pdfs[0] if paper.final_pdfs else None  # type: ignore[attr-defined]
        authors = list(final.authors.all()) if final is not None else []
        result.append(PaperStatus(paper, final, pdf, missing_of(final, has_pdf=pdf is not None, presenters=authors)))
    return result


def camera_ready_deadline(submission: Submission) -> datetime | None:
    """The paper's camera-ready deadline as announced: the edition's, or its extension if later."""
    closes = edition_deadline(submission.edition)
    extension = extension_for(submission, Phase.CAMERA_READY)
    if extension is not None and (closes is None or extension.until > closes):
        return extension.until
    return closes


def edition_deadline(edition: Edition) -> datetime | None:
    """The edition's announced camera-ready deadline (None: not set)."""
    window = edition_timeline(edition).window(Phase.CAMERA_READY)
    return window.announced_close if window is not None else None

"""Reading final versions: what an accepted paper will be published as."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from camera_ready.models import FinalAuthor, FinalVersion
from conferences.models import Edition, ReleaseKind
from conferences.selectors import shows_released
from submissions.models import FileKind, Submission, SubmissionFile, SubmissionState


@dataclass(frozen=True)
class PublishedAuthor:
    name: str
    affiliation: str
    orcid: str
    is_presenter: bool


@dataclass(frozen=True)
class FinalMetadata:
    """A paper as it is published: its final version's metadata, or, until the authors fill it
    in, the submission's (the first author presenting)."""

    number: int
    title: str
    abstract: str
    keywords: list[str]
    authors: list[PublishedAuthor]
    pdf: SubmissionFile | None = None
    confirmed: bool = False
    licence: str = ""

    @property
    def presenter(self) -> str:
        return next((a.name for a in self.authors if a.is_presenter), "")


def accepted_papers(edition: Edition, now: datetime | None = None) -> QuerySet[Submission]:
    """The accepted papers whose acceptance is released: what the camera-ready, the program and
    the proceedings work with. Until its release an acceptance stays the deciding chairs' (a
    chair conflicted with the paper must not learn it from a list of final versions or papers
    to place)."""
    papers = edition.submissions.filter(state=SubmissionState.ACCEPTED)
    if not shows_released(edition, ReleaseKind.DECISIONS, now):
        papers = papers.filter(decision_released_at__isnull=False)
    return papers.order_by("number")


def current_final_pdf(submission: Submission) -> SubmissionFile | None:
    return submission.files.filter(kind=FileKind.CAMERA_READY, is_accepted=True).order_by("-uploaded_at").first()


def final_metadata_of(papers: QuerySet[Submission]) -> list[FinalMetadata]:
    """The published metadata of ``papers``, in their order, in a fixed number of queries."""
    finals = FinalVersion.objects.prefetch_related(
        Prefetch("authors", queryset=FinalAuthor.objects.order_by("position"))
    )
    pdfs = SubmissionFile.objects.filter(kind=FileKind.CAMERA_READY, is_accepted=True).order_by("-uploaded_at")
    papers = papers.prefetch_related("authors", Prefetch("files", queryset=pdfs, to_attr="final_pdfs")).select_related(
        None
    )
    by_paper = {final.submission_id: final for final in finals.filter(submission__in=papers)}
    result = []
    for paper in papers:
        final = by_paper.get(paper.pk)
        pdf = paper.final_pdfs[0] if paper.final_pdfs else None  # type: ignore[attr-defined]
        if final is None:
            authors = [PublishedAuthor(a.name, a.affiliation, "", i == 0) for i, a in enumerate(paper.authors.all())]
            result.append(FinalMetadata(paper.number, paper.title, paper.abstract, paper.keyword_list, authors, pdf))
            continue
        authors = [PublishedAuthor(a.name, a.affiliation, a.orcid, a.is_presenter) for a in final.authors.all()]
        result.append(
            FinalMetadata(
                paper.number,
                final.title,
                final.abstract,
                final.keyword_list,
                authors,
                pdf,
                confirmed=final.confirmed_at is not None,
                licence=final.licence,
            )
        )
    return result

"""A published program to build proceedings from: accepted papers (released), their final PDFs
(reportlab, each page saying "Paper N page K"), rooms, sessions with their papers, committee
roles with names and affiliations, and version 1 of the program published."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from camera_ready.models import FinalAuthor, FinalVersion
from conferences.models import Area, Edition
from conferences.roles import RoleKind
from program.models import ProgramSession, ProgramVersion, Room, SessionKind, Slot
from program.snapshot import build_snapshot
from submissions.models import FileKind, ProvenType, Submission, SubmissionFile, SubmissionState
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.submissions import AuthorFactory, SubmissionFactory

ORCID = "0000-0002-1825-0097"  # ORCID's own example iD (its checksum is right)
# Paper number -> pages of its final PDF; the sessions place them in this order: 3, 1 | 4 | 2.
PAGES = {1: 3, 2: 2, 3: 5, 4: 1}


def paper_pdf(number: int, pages: int) -> bytes:
    """A real PDF whose page K says "Paper N page K" (Latin text, for pypdf's extract_text)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter)
    for page in range(1, pages + 1):
        pdf.drawString(72, 700, f"Paper {number} page {page}")
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def store_final_pdf(paper: Submission, content: bytes, pages: int | None = None) -> SubmissionFile:
    digest = hashlib.sha256(content).hexdigest()
    version = SubmissionFile(
        submission=paper,
        kind=FileKind.CAMERA_READY,
        content_type=ProvenType.PDF,
        original_name="final.pdf",
        sha256=digest,
        size=len(content),
        page_count=pages,
        is_accepted=True,
    )
    version.file.save(f"{digest}.pdf", ContentFile(content), save=False)
    version.save()
    return version


@dataclass
class Published:
    edition: Edition
    version: ProgramVersion
    papers: dict[int, Submission]
    files: dict[int, SubmissionFile] = field(default_factory=dict)
    order: tuple[int, ...] = (3, 1, 4, 2)  # the table of contents' order


def committee(edition: Edition) -> dict[str, Any]:
    """Roles with names and affiliations (and addresses that must never be printed)."""

    def role(kind: str, first: str, last: str, affiliation: str, area: str = "") -> Any:
        user = UserFactory(first_name=first, last_name=last, affiliation=affiliation, email=f"{last.lower()}@mail.test")
        return RoleFactory(edition=edition, kind=kind, area=area, user=user).user

    return {
        "chair": role(RoleKind.PC_CHAIR, "Ada", "Chairwoman", "Chair University"),
        "systems": role(RoleKind.PC_MEMBER, "Sam", "Systemson", "Systems Lab", Area.SYSTEMS),
        "ml": role(RoleKind.PC_MEMBER, "Mia", "Learner", "Learning Institute", Area.ML),
        "ae_chair": role(RoleKind.AE_CHAIR, "Arlo", "Evalchair", "Artifact College"),
        "ae_member": role(RoleKind.AE_MEMBER, "Eve", "Evaluator", "Reproducibility Corp"),
    }


def accepted_paper(edition: Edition, number: int, now: datetime) -> Submission:
    paper = SubmissionFactory(
        edition=edition,
        number=number,
        title=f"Learned Systems Study {number}",
        keywords="compilers, scheduling",
        state=SubmissionState.ACCEPTED,
        decision_released_at=now,
    )
    AuthorFactory(submission=paper, position=1, name=f"Alice Author{number}", affiliation=f"Univ {number}")
    AuthorFactory(submission=paper, position=2, name="Bob Shared", affiliation="Shared Lab")
    return paper


def publish_program(edition: Edition, *, pages: dict[int, int] | None = None, with_pdfs: bool = True) -> Published:
    """Papers 1-4 accepted, placed as 3, 1 (talks, Hall A, day 1) | 4 (posters, Hall B, day 1) |
    2 (talks, Hall A, day 2), with a break; version 1 published."""
    pages = pages or PAGES
    now = timezone.now()
    edition.venue = "Santa Clara Convention Center"
    edition.starts_on, edition.ends_on = date(2027, 5, 18), date(2027, 5, 19)
    edition.time_zone = "America/Los_Angeles"
    edition.save()
    papers = {n: accepted_paper(edition, n, now) for n in pages}
    final = FinalVersion.objects.create(
        submission=papers[1],
        title="Learned Systems Study 1",
        abstract="The final abstract of paper one.",
        keywords="compilers, final",
        confirmed_at=now,
    )
    FinalAuthor.objects.create(
        final_version=final,
        position=1,
        name="Alice Author1",
        email="alice@mail.test",
        affiliation="Univ 1",
        orcid=ORCID,
        is_presenter=True,
    )
    FinalAuthor.objects.create(
        final_version=final, position=2, name="Bob Shared", email="bob@mail.test", affiliation="Shared Lab"
    )
    files = {}
    if with_pdfs:
        files = {n: store_final_pdf(papers[n], paper_pdf(n, count), count) for n, count in pages.items()}
    hall_a = Room.objects.create(edition=edition, name="Hall A", position=0)
    hall_b = Room.objects.create(edition=edition, name="Hall B", position=1)
    zone = edition.zone
    day1 = datetime(2027, 5, 18, 9, 0, tzinfo=zone)
    session_chair = UserFactory(first_name="Carl", last_name="Sessionchair", email="carl@mail.test")

    def session(title: str, kind: str, room: Room | None, starts: datetime, minutes: int, numbers: list[int]) -> None:
        made = ProgramSession.objects.create(
            edition=edition,
            title=title,
            kind=kind,
            room=room,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=minutes),
            chair=session_chair if numbers else None,
        )
        for position, number in enumerate(numbers):
            Slot.objects.create(session=made, submission=papers[number], position=position, duration_minutes=20)

    session("Compilers", SessionKind.TALKS, hall_a, day1, 60, [3, 1])
    session("Posters", SessionKind.POSTERS, hall_b, day1, 60, [4])
    session("Coffee", SessionKind.BREAK, None, day1 + timedelta(hours=1), 30, [])
    session("Scheduling", SessionKind.TALKS, hall_a, day1 + timedelta(days=1), 60, [2])
    version = ProgramVersion.objects.create(
        edition=edition, number=1, published_at=now, snapshot=build_snapshot(edition)
    )
    return Published(edition, version, papers, files)

"""A published program for tests, built without the publish service: accepted papers with
their final metadata (and, when asked, a final PDF and released badges), rooms, sessions and
slots, then a :class:`ProgramVersion` holding ``build_snapshot(edition)``.

:func:`sample_program` is the program the public-program tests read: in Los Angeles, over the
2027 start of daylight saving time (14 March), so a local time must come out right on both
sides of it."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from artifacts.models import Artifact, BadgeDecision
from camera_ready.models import FinalAuthor, FinalVersion
from conferences.models import Edition
from program.models import ProgramSession, ProgramVersion, Room, SessionKind, Slot
from program.public_program import forget_newest_version
from program.snapshot import build_snapshot
from submissions.models import FileKind, ProvenType, Submission, SubmissionFile, SubmissionState
from tests.factories.accounts import UserFactory
from tests.factories.pdfs import make_pdf
from tests.factories.submissions import AuthorFactory, SubmissionFactory


@dataclass(frozen=True)
class PersonSpec:
    name: str
    affiliation: str = ""
    orcid: str = ""
    email: str = ""
    presenter: bool = False


@dataclass
class PaperSpec:
    number: int
    title: str
    authors: list[PersonSpec]
    keywords: str = ""
    abstract: str = "We study the problem."
    pdf: bool = False
    badges: list[str] = field(default_factory=list)
    released: bool = True  # the badges' release


def accepted_paper(edition: Edition, spec: PaperSpec) -> Submission:
    """An accepted paper (decision released) with its final version and, when asked, a final
    PDF and a badge decision."""
    now = timezone.now()
    paper = SubmissionFactory(
        edition=edition,
        number=spec.number,
        title=f"Submitted title of {spec.number}",
        state=SubmissionState.ACCEPTED,
        decision_released_at=now,
        keywords=spec.keywords,
    )
    for position, person in enumerate(spec.authors, start=1):
        email = person.email or f"author{spec.number}-{position}@private.example.org"
        AuthorFactory(submission=paper, position=position, name=person.name, email=email)
    final = FinalVersion.objects.create(
        submission=paper, title=spec.title, abstract=spec.abstract, keywords=spec.keywords, confirmed_at=now
    )
    for position, person in enumerate(spec.authors, start=1):
        FinalAuthor.objects.create(
            final_version=final,
            position=position,
            name=person.name,
            email=person.email or f"author{spec.number}-{position}@private.example.org",
            affiliation=person.affiliation,
            orcid=person.orcid,
            is_presenter=person.presenter or (position == 1 and not any(p.presenter for p in spec.authors)),
        )
    if spec.pdf:
        final_pdf(paper)
    if spec.badges:
        artifact = Artifact.objects.create(
            submission=paper, abstract="Code.", repository_url="https://github.com/example/code", badges=spec.badges
        )
        BadgeDecision.objects.create(
            artifact=artifact, badges=spec.badges, decided_at=now, released_at=now if spec.released else None
        )
    return paper


def final_pdf(paper: Submission, pages: int = 2) -> SubmissionFile:
    content = make_pdf(pages)
    file = SubmissionFile(
        submission=paper,
        kind=FileKind.CAMERA_READY,
        content_type=ProvenType.PDF,
        original_name="final.pdf",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        page_count=pages,
        is_accepted=True,
    )
    file.file.save("final.pdf", ContentFile(content), save=False)
    file.save()
    return file


def publish(edition: Edition, *, note: str = "", changes: list[str] | None = None, **extra: Any) -> ProgramVersion:
    """Freeze the edition's draft as its next published version (as the publish service does,
    the public pages learn of it at once)."""
    last = ProgramVersion.objects.filter(edition=edition).order_by("-number").first()
    forget_newest_version(edition)
    return ProgramVersion.objects.create(
        edition=edition,
        number=(last.number + 1) if last else 1,
        published_at=extra.pop("published_at", timezone.now()),
        note=note,
        snapshot=build_snapshot(edition),
        changes=changes or [],
        **extra,
    )


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A UTC moment."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


SAMPLE_PAPERS = [
    PaperSpec(
        1,
        "Fast Sparse Attention Kernels",
        [
            PersonSpec("Zoë Müller", "ETH Zürich", "0000-0002-1825-0097", presenter=True),
            PersonSpec("Ana Björk", "KTH"),
        ],
        keywords="attention, GPU kernels",
        pdf=True,
        badges=["available", "functional", "reusable"],
    ),
    PaperSpec(
        2,
        "Compilers & {Tiny} Accelerators",
        [PersonSpec("Carlos Ñúñez", "UPC"), PersonSpec("Bea Adams", "MIT")],
        keywords="compilers, =SUM(A1:A2)",
        badges=["available"],
        released=False,
    ),
    PaperSpec(3, '=HYPERLINK("http://evil") Posters at Scale', [PersonSpec("Dana Young", "@Home Labs")]),
]


@dataclass
class SampleProgram:
    edition: Edition
    rooms: dict[str, Room]
    sessions: dict[str, ProgramSession]
    papers: dict[int, Submission]
    version: ProgramVersion


def sample_program(edition: Edition, *, publish_it: bool = True) -> SampleProgram:
    """Two rooms; Saturday 13 March 2027 (PST, UTC-8): a talks session in Hall A (papers 1
    and 2, 20 and 25 minutes) and a keynote for everyone; Monday 15 March (PDT, UTC-7): a
    poster session in Room B (papers 3 and 1)."""
    edition.time_zone = "America/Los_Angeles"
    edition.save(update_fields=["time_zone"])
    papers = {spec.number: accepted_paper(edition, spec) for spec in SAMPLE_PAPERS}
    hall = Room.objects.create(edition=edition, name="Hall A", position=0, capacity=300)
    room_b = Room.objects.create(edition=edition, name="Room B", position=1)
    chair = UserFactory(first_name="Sam", last_name="Chair", email="session-chair@private.example.org")
    talks = ProgramSession.objects.create(
        edition=edition,
        title="Systems I",
        kind=SessionKind.TALKS,
        room=hall,
        starts_at=at(2027, 3, 13, 17),  # 09:00 PST
        ends_at=at(2027, 3, 13, 18, 30),
        chair=chair,
    )
    Slot.objects.create(session=talks, submission=papers[1], position=0, duration_minutes=20)
    Slot.objects.create(session=talks, submission=papers[2], position=1, duration_minutes=25)
    keynote = ProgramSession.objects.create(
        edition=edition,
        title="Keynote: The Future",
        kind=SessionKind.KEYNOTE,
        starts_at=at(2027, 3, 13, 19),  # 11:00 PST
        ends_at=at(2027, 3, 13, 20),
        speaker="Grace Hopper (Navy)",
    )
    posters = ProgramSession.objects.create(
        edition=edition,
        title="Posters",
        kind=SessionKind.POSTERS,
        room=room_b,
        starts_at=at(2027, 3, 15, 21),  # 14:00 PDT
        ends_at=at(2027, 3, 15, 22, 30),
    )
    Slot.objects.create(session=posters, submission=papers[3], position=0)
    Slot.objects.create(session=posters, submission=papers[1], position=1)
    version = publish(edition, note="The first program.") if publish_it else None
    return SampleProgram(
        edition,
        {"hall": hall, "room_b": room_b},
        {"talks": talks, "keynote": keynote, "posters": posters},
        papers,
        version,  # type: ignore[arg-type]
    )


def later(version: ProgramVersion, minutes: int = 5) -> datetime:
    return version.published_at + timedelta(minutes=minutes)

"""What the program benchmarks share: an edition with PAPERS accepted papers (released), their
final versions (three authors each), four rooms over three days of talks sessions, optionally a
final PDF per paper, and one published program version. Built with bulk_create: seconds for 300
papers. Not a test and not imported by the app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

PAPERS_PER_SESSION = 5
TALK_MINUTES = 18
ROOMS = ("Grand Ballroom", "Room 101", "Room 102", "Room 103")
SESSION_STARTS = ((8, 30), (10, 30), (13, 0), (15, 0), (17, 0))  # local: 3 days x 5 x 4 rooms = 300 papers


def build_published_program(slug: str, papers: int, *, final_pdf: Callable[[int], bytes] | None = None) -> object:
    """Create the edition ``slug`` and its published program; returns the ProgramVersion."""
    import hashlib

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from camera_ready.models import FinalAuthor, FinalVersion, Licence
    from conferences.models import Edition
    from program.models import ProgramSession, ProgramVersion, Room, SessionKind, Slot
    from program.snapshot import build_snapshot
    from submissions.models import Author, FileKind, ProvenType, Submission, SubmissionFile, SubmissionState

    first_day = date(2027, 5, 18)
    edition = Edition.objects.create(
        slug=slug,
        name=f"Benchmark {slug}",
        venue="Santa Clara Convention Center",
        starts_on=first_day,
        ends_on=first_day + timedelta(days=2),
        time_zone="America/Los_Angeles",
    )
    now = timezone.now()
    topics = ("systems", "ml", "both")
    submissions = Submission.objects.bulk_create(
        Submission(
            edition=edition,
            number=n,
            title=f"Paper {n}: scaling learned systems, part {n}",
            abstract=f"We measure paper {n}. " * 20,
            topic=topics[n % 3],
            keywords="compilers, scheduling, benchmark",
            state=SubmissionState.ACCEPTED,
            decision_released_at=now,
        )
        for n in range(1, papers + 1)
    )
    names = [
        (f"Author {n}-{i}", f"a{n}-{i}@bench.example.org", f"University {n % 40}")
        for n in range(papers + 1)
        for i in range(3)
    ]
    Author.objects.bulk_create(
        Author(
            submission=s,
            position=i,
            name=names[s.number * 3 + i][0],
            email=names[s.number * 3 + i][1],
            affiliation=names[s.number * 3 + i][2],
            is_contact=i == 0,
        )
        for s in submissions
        for i in range(3)
    )
    finals = FinalVersion.objects.bulk_create(
        FinalVersion(
            submission=s,
            title=s.title,
            abstract=s.abstract,
            keywords=s.keywords,
            licence=Licence.CC_BY,
            licence_accepted_at=now,
            confirmed_at=now,
        )
        for s in submissions
    )
    FinalAuthor.objects.bulk_create(
        FinalAuthor(
            final_version=f,
            position=i,
            name=names[s.number * 3 + i][0],
            email=names[s.number * 3 + i][1],
            affiliation=names[s.number * 3 + i][2],
            is_presenter=i == 0,
        )
        for f, s in zip(finals, submissions, strict=True)
        for i in range(3)
    )
    if final_pdf is not None:
        for s in submissions:
            content = final_pdf(s.number)
            digest = hashlib.sha256(content).hexdigest()
            version = SubmissionFile(
                submission=s,
                kind=FileKind.CAMERA_READY,
                content_type=ProvenType.PDF,
                original_name="final.pdf",
                sha256=digest,
                size=len(content),
                is_accepted=True,
            )
            version.file.save(f"{digest}.pdf", ContentFile(content), save=False)
            import io

            from pypdf import PdfReader

            version.page_count = len(PdfReader(io.BytesIO(content)).pages)
            version.save()
    rooms = Room.objects.bulk_create(Room(edition=edition, name=name, position=i) for i, name in enumerate(ROOMS))
    zone = ZoneInfo(edition.time_zone)
    sessions, slots, placed = [], [], 0
    day = 0
    while placed < papers:
        for hour, minute in SESSION_STARTS:
            for room in rooms:
                if placed >= papers:
                    break
                start = datetime.combine(first_day + timedelta(days=day % 3), datetime.min.time(), zone).replace(
                    hour=hour, minute=minute
                )
                session = ProgramSession(
                    edition=edition,
                    title=f"Session {len(sessions) + 1}",
                    kind=SessionKind.TALKS,
                    room=room,
                    starts_at=start,
                    ends_at=start + timedelta(minutes=PAPERS_PER_SESSION * TALK_MINUTES + 10),
                )
                sessions.append(session)
                batch = submissions[placed : placed + PAPERS_PER_SESSION]
                slots.append([(s, i) for i, s in enumerate(batch)])
                placed += len(batch)
        day += 1
    ProgramSession.objects.bulk_create(sessions)
    Slot.objects.bulk_create(
        Slot(session=session, submission=s, position=i, duration_minutes=TALK_MINUTES)
        for session, batch in zip(sessions, slots, strict=True)
        for s, i in batch
    )
    return ProgramVersion.objects.create(edition=edition, number=1, published_at=now, snapshot=build_snapshot(edition))

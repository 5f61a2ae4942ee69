"""The demo's published program (``manage.py seed_demo --phase program``): a fourth edition,
"MLSys 2027 (program)", after notification and before the conference: sixteen accepted papers
with their decision released, fifteen of them with a complete camera-ready (final PDF naming the
authors, confirmed metadata, some ORCID iDs, the licence, a presenter); the demo author's paper #1
still misses its licence, so the author sees what is left to do. Released artifact badges on
three papers. Two days in two rooms: keynotes, breaks, four talk sessions and a poster session
(no presenter in two places at once), published twice (version 2's change log says what moved)
and one change since, not published, so the builder shows it. Written through the services
where a person would act (camera-ready, program builder, publishing, badges); the papers'
decisions and the artifacts are stored as a finished review would have left them. Idempotent like the rest."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from accounts.models import User
from artifacts import badges as badge_services
from artifacts.models import Artifact, Badge
from camera_ready import services as camera_ready
from camera_ready.models import Licence
from committees.services import role_grant
from conferences.access import access_of
from conferences.models import Area, Deadline, Edition, Phase
from conferences.roles import RoleKind
from program import publishing
from program import services as builder
from program.models import ProgramSession, SessionKind
from site_pages.demo_editions import demo_edition
from submissions.models import FileKind, Submission, SubmissionState
from submissions.services import AuthorInput, submission_register

PROGRAM_SLUG = "mlsys2027-program"
PROGRAM_NAME = "MLSys 2027 (program)"
PAPERS = 16
TIMELINE = {  # days from now: camera-ready still open, the conference in six weeks
    Phase.ABSTRACT_REGISTRATION: -150,
    Phase.PAPER_SUBMISSION: -143,
    Phase.REVIEWING: -100,
    Phase.NOTIFICATION: -30,
    Phase.ARTIFACT_REGISTRATION: -20,
    Phase.ARTIFACT_EVALUATION: -5,
    Phase.CAMERA_READY: 7,
    Phase.PROGRAM_PUBLICATION: 14,
}
STARTS_IN_DAYS = 42
ORCIDS = ("0000-0002-1825-0097", "0000-0001-5109-3700", "0000-0002-1694-233X")
ROOMS = ("Grand Ballroom", "Room 210")
TALK_MINUTES = 20
# (day, start, end, title, kind, room index or None, papers by number, speaker)
SESSIONS: list[tuple[int, time, time, str, SessionKind, int | None, list[int], str]] = [
    (
        0,
        time(9, 0),
        time(10, 0),
        "Opening keynote: Systems for the next model",
        SessionKind.KEYNOTE,
        0,
        [],
        "Grace Hopper-Lee, Stanford University",
    ),
    (0, time(10, 0), time(10, 30), "Coffee break", SessionKind.BREAK, None, [], ""),
    (0, time(10, 30), time(12, 0), "Compilers and kernels", SessionKind.TALKS, 0, [1, 2, 3, 4], ""),
    (0, time(10, 30), time(12, 0), "Training at scale", SessionKind.TALKS, 1, [5, 6, 7, 8], ""),
    (0, time(12, 0), time(13, 30), "Lunch", SessionKind.BREAK, None, [], ""),
    (0, time(13, 30), time(15, 0), "Serving and inference", SessionKind.TALKS, 0, [9, 10, 11, 12], ""),
    (0, time(13, 30), time(15, 0), "Data and benchmarks", SessionKind.TALKS, 1, [13, 14, 15, 16], ""),
    (0, time(15, 30), time(17, 30), "Poster session", SessionKind.POSTERS, 1, list(range(1, 9)), ""),
    (1, time(9, 0), time(10, 0), "Keynote: Learning to schedule", SessionKind.KEYNOTE, 0, [], "Jun Nakamura, KAIST"),
]
BADGE_SETS: list[list[str]] = [  # released, on three papers after #1 the AE chair is not conflicted with
    [Badge.AVAILABLE, Badge.FUNCTIONAL, Badge.REUSABLE],
    [Badge.AVAILABLE, Badge.FUNCTIONAL],
    [Badge.AVAILABLE, Badge.FUNCTIONAL, Badge.REPRODUCED],
]


def _moment(days: int) -> datetime:
    return (timezone.now() + timedelta(days=days)).replace(hour=11, minute=59, second=59, microsecond=0)


def _edition(report: Any, chair: User) -> Edition:
    edition = demo_edition(
        report,
        chair,
        slug=PROGRAM_SLUG,
        name=PROGRAM_NAME,
        tagline="The demo edition with its published program",
        starts_in_days=STARTS_IN_DAYS,
    )
    for phase, days in TIMELINE.items():
        Deadline.objects.update_or_create(edition=edition, phase=phase, defaults={"closes_at": _moment(days)})
    return edition


def _papers(report: Any, edition: Edition, records: list[dict], authors: list[User]) -> list[Submission]:
    """Registered when abstract registration was open, all accepted, decisions released."""
    if not Submission.objects.filter(edition=edition).exists():
        then = _moment(TIMELINE[Phase.ABSTRACT_REGISTRATION] - 1)
        for index, record in enumerate(records[-PAPERS:]):
            team = [authors[0], authors[6]] if index == 0 else [authors[(index + j) % len(authors)] for j in (1, 2)]
            submission_register(
                edition=edition,
                title=record["title"],
                abstract=record["abstract"],
                topic=record["area"],
                keywords=record["keywords"],
                by=team[0],
                authors=[AuthorInput(a.display_name, a.email, a.affiliation, is_contact=(a == team[0])) for a in team],
                now=then,
            )
            report.created.append(f"submission {PROGRAM_SLUG} #{index + 1}")
        Submission.objects.filter(edition=edition).update(
            state=SubmissionState.ACCEPTED, decision_released_at=_moment(TIMELINE[Phase.NOTIFICATION])
        )
    return list(Submission.objects.filter(edition=edition).select_related("edition").order_by("number"))


def _camera_ready(report: Any, paper: Submission) -> None:
    """The final version through the authors' services: all done but paper #1's licence."""
    from site_pages.demo import make_paper_pdf  # not at the top: site_pages.demo imports this module

    if paper.files.filter(kind=FileKind.CAMERA_READY).exists():
        return
    author = paper.authors.order_by("position").first()
    by = author.user if author else None
    final, lines = camera_ready.draft_of(paper)
    orcids = iter(ORCIDS[paper.number % len(ORCIDS) :])
    camera_ready.final_metadata_save(
        submission=paper,
        data=camera_ready.MetadataInput(
            title=final.title,
            abstract=final.abstract,
            keywords=final.keywords,
            authors=[
                camera_ready.AuthorLine(a.name, a.email, a.affiliation, next(orcids, ""), a.is_presenter) for a in lines
            ],
        ),
        by=by,
    )
    camera_ready.final_metadata_confirm(submission=paper, by=by)
    if paper.number != 1:
        camera_ready.licence_accept(submission=paper, licence=Licence.CC_BY, by=by)
    names = [a.name for a in lines]
    pdf = make_paper_pdf(final.title, final.abstract, pages_of_text=1 + paper.number % 3, authors=names)
    camera_ready.final_pdf_upload(submission=paper, content=pdf, filename="final.pdf", by=by)
    report.created.append(f"camera-ready {PROGRAM_SLUG} #{paper.number}")


def _badges(edition: Edition, papers: list[Submission], ae_chair: User) -> None:
    if Artifact.objects.filter(submission__edition=edition).exists():
        return
    free = [paper for paper in papers[1::3] + papers[2::3] if not access_of(ae_chair, edition).is_conflicted(paper)]
    for paper, badges in zip(free, BADGE_SETS, strict=False):
        number = paper.number
        artifact = Artifact.objects.create(
            submission=paper,
            abstract=f"Code and scripts behind “{paper.title}”.",
            repository_url=f"https://github.com/mlsys-demo/paper-{number}",
            doi=f"10.5281/zenodo.80000{number:02d}",
            badges=badges,
        )
        badge_services.badges_decide(artifact=artifact, badges=badges, note="A clean, reusable artifact.", by=ae_chair)
    badge_services.badges_release(edition=edition, by=ae_chair)


def _at(edition: Edition, day: int, moment: time) -> datetime:
    first: date = edition.starts_on or timezone.now().date()
    return datetime.combine(first + timedelta(days=day), moment, ZoneInfo(edition.time_zone))


def _program(edition: Edition, papers: list[Submission], chair: User, session_chairs: list[User]) -> None:
    """Rooms, sessions and papers through the builder; published twice; one change since."""
    if ProgramSession.objects.filter(edition=edition).exists():
        return
    rooms = [builder.room_add(edition=edition, name=name, by=chair) for name in ROOMS]
    by_number = {paper.number: paper for paper in papers}
    talks: list[ProgramSession] = []
    for index, (day, start, end, title, kind, room, numbers, speaker) in enumerate(SESSIONS):
        session = builder.session_save(
            edition=edition,
            data=builder.SessionInput(
                title=title,
                kind=kind,
                starts_at=_at(edition, day, start),
                ends_at=_at(edition, day, end),
                room_id=rooms[room].pk if room is not None else None,
                chair_id=session_chairs[index % len(session_chairs)].pk if kind == SessionKind.TALKS else None,
                speaker=speaker,
            ),
            by=chair,
        )
        for number in numbers:
            builder.slot_place(session=session, submission=by_number[number], by=chair, duration_minutes=TALK_MINUTES)
        if kind == SessionKind.TALKS:
            talks.append(session)
    publishing.publish(edition, chair, note="The first program.", now=_moment(-3))
    # Version 2: two talks swap sessions, and a session is renamed.
    first, second = talks[0].slots.order_by("position").last(), talks[1].slots.order_by("position").last()
    if first is not None and second is not None:
        builder.slot_transfer(slot=first, session=talks[1], by=chair)
        builder.slot_transfer(slot=second, session=talks[0], by=chair)
    builder.session_save(
        edition=edition,
        session=talks[3],
        data=builder.SessionInput(
            title="Data, benchmarks and evaluation",
            kind=talks[3].kind,
            starts_at=talks[3].starts_at,
            ends_at=talks[3].ends_at,
            room_id=talks[3].room_id,
            chair_id=talks[3].chair_id,
        ),
        by=chair,
    )
    publishing.publish(edition, chair, note="One talk moved; a session renamed.", now=_moment(-1))
    # Drafted since, not published: the builder lists it.
    first_slot = talks[2].slots.order_by("position").first()
    if first_slot is not None:
        builder.slot_set_duration(slot=first_slot, duration_minutes=25, by=chair)


def seed_program_phase(
    report: Any, *, chair: User, ae_chair: User, members: list[User], authors: list[User], records: list[dict]
) -> Edition:
    """The edition with its published program. ``members`` are PC members (session chairs),
    ``authors`` the demo authors (the first is the demo author, an author of paper #1)."""
    edition = _edition(report, chair)
    role_grant(edition=edition, user=chair, kind=RoleKind.PC_CHAIR, by=chair)
    role_grant(edition=edition, user=ae_chair, kind=RoleKind.AE_CHAIR, by=chair)
    for member in members:
        role_grant(edition=edition, user=member, kind=RoleKind.PC_MEMBER, area=Area(member.expertise), by=chair)
    papers = _papers(report, edition, records, authors)
    for paper in papers:
        _camera_ready(report, paper)
    _badges(edition, papers, ae_chair)
    _program(edition, papers, chair, members)
    return edition

"""The shape of a published program, and how the chairs' draft is frozen into it.

A snapshot is plain JSON (stored in ``ProgramVersion.snapshot``): everything the public
program, the exports and the proceedings need, and nothing readers may not see (no e-mail
address, no unreleased badge, no paper that is not placed). Times are ISO 8601 in UTC; pages
show them in ``edition.time_zone``. Sessions are keyed by their database id and papers by their
number, so their public URLs stay the same from one version to the next.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TypedDict

from artifacts.badges import released_awards
from camera_ready.selectors import FinalMetadata, final_metadata_of
from conferences.models import Edition
from program.models import ProgramSession, Room, SessionKind


class EditionEntry(TypedDict):
    slug: str
    name: str
    venue: str
    time_zone: str
    starts_on: str | None  # ISO date
    ends_on: str | None


class RoomEntry(TypedDict):
    id: int
    name: str
    capacity: int | None


class SlotEntry(TypedDict):
    number: int  # the paper's
    starts_at: str  # a talk's own time; a poster's is its session's
    ends_at: str


class SessionEntry(TypedDict):
    id: int
    title: str
    kind: str  # a SessionKind value
    room: int | None  # a RoomEntry id; None: plenary or for everyone
    starts_at: str
    ends_at: str
    chair: str  # a name, or ""
    speaker: str
    description: str
    slots: list[SlotEntry]


class AuthorEntry(TypedDict):
    name: str
    affiliation: str
    orcid: str


class PdfEntry(TypedDict):
    id: int  # the SubmissionFile's, to serve exactly the version published
    sha256: str
    pages: int | None
    size: int


class PaperEntry(TypedDict):
    number: int
    title: str
    abstract: str
    keywords: list[str]
    authors: list[AuthorEntry]
    presenter: str
    badges: list[str]  # released ACM badges (artifacts.models.Badge values)
    pdf: PdfEntry | None
    sessions: list[int]  # the SessionEntry ids it is placed in, in time order


class Snapshot(TypedDict):
    edition: EditionEntry
    rooms: list[RoomEntry]
    sessions: list[SessionEntry]  # by start time, then room
    papers: dict[str, PaperEntry]  # by str(number): JSON keys are strings


def _iso(moment: object) -> str:
    return moment.isoformat()  # type: ignore[attr-defined]


def _paper_entry(final: FinalMetadata, badges: list[str]) -> PaperEntry:
    pdf = final.pdf
    return {
        "number": final.number,
        "title": final.title,
        "abstract": final.abstract,
        "keywords": final.keywords,
        "authors": [{"name": a.name, "affiliation": a.affiliation, "orcid": a.orcid} for a in final.authors],
        "presenter": final.presenter,
        "badges": badges,
        "pdf": {"id": pdf.pk, "sha256": pdf.sha256, "pages": pdf.page_count, "size": pdf.size} if pdf else None,
        "sessions": [],
    }


def _session_entry(session: ProgramSession) -> SessionEntry:
    slots: list[SlotEntry] = []
    start = session.starts_at
    for slot in session.slots.all():
        if SessionKind(session.kind) == SessionKind.TALKS:
            end = start + timedelta(minutes=slot.duration_minutes)
            slots.append({"number": slot.submission.number, "starts_at": _iso(start), "ends_at": _iso(end)})
            start = end
        else:
            slots.append(
                {
                    "number": slot.submission.number,
                    "starts_at": _iso(session.starts_at),
                    "ends_at": _iso(session.ends_at),
                }
            )
    return {
        "id": session.pk,
        "title": session.title,
        "kind": session.kind,
        "room": session.room_id,
        "starts_at": _iso(session.starts_at),
        "ends_at": _iso(session.ends_at),
        "chair": session.chair.get_full_name() if session.chair else "",  # never an address
        "speaker": session.speaker,
        "description": session.description,
        "slots": slots,
    }


def build_snapshot(edition: Edition) -> Snapshot:
    """The chairs' current draft as it would be published."""
    sessions = list(
        ProgramSession.objects.filter(edition=edition)
        .select_related("room", "chair")
        .prefetch_related("slots__submission")
        .order_by("starts_at", "room__position", "pk")
    )
    session_entries = [_session_entry(session) for session in sessions]
    placed = {slot["number"] for entry in session_entries for slot in entry["slots"]}
    badges = {d.artifact.submission.number: list(d.badges) for d in released_awards(edition)}
    finals = final_metadata_of(edition.submissions.filter(number__in=placed).order_by("number"))
    papers = {str(final.number): _paper_entry(final, badges.get(final.number, [])) for final in finals}
    for entry in session_entries:
        for slot in entry["slots"]:
            sessions_of = papers[str(slot["number"])]["sessions"]
            if entry["id"] not in sessions_of:
                sessions_of.append(entry["id"])
    rooms: list[RoomEntry] = [
        {"id": room.pk, "name": room.name, "capacity": room.capacity} for room in Room.objects.filter(edition=edition)
    ]
    return {
        "edition": {
            "slug": edition.slug,
            "name": edition.name,
            "venue": edition.venue,
            "time_zone": edition.time_zone,
            "starts_on": edition.starts_on.isoformat() if edition.starts_on else None,
            "ends_on": edition.ends_on.isoformat() if edition.ends_on else None,
        },
        "rooms": rooms,
        "sessions": session_entries,
        "papers": papers,
    }

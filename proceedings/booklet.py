"""The program booklet: a PDF made by WeasyPrint from an HTML template, with a cover, then each
day's sessions in time order (room, chair, papers with their talk times and authors); page
numbers in the footer. Times are shown in the edition's time zone."""

from __future__ import annotations

from itertools import groupby
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.template.loader import render_to_string

from proceedings.contents import Progress, badge_labels, day_of, moment, snapshot_of
from program.models import ProgramVersion, SessionKind
from program.snapshot import SessionEntry, Snapshot

TIME = "%H:%M"


def _session(entry: SessionEntry, snapshot: Snapshot, rooms: dict[int, str], zone: ZoneInfo) -> dict[str, Any]:
    papers = snapshot["papers"]
    slots = []
    for slot in entry["slots"]:
        paper = papers.get(str(slot["number"]))
        if paper is None:
            continue
        slots.append(
            {
                "starts": moment(slot["starts_at"]).astimezone(zone).strftime(TIME),
                "ends": moment(slot["ends_at"]).astimezone(zone).strftime(TIME),
                "number": paper["number"],
                "title": paper["title"],
                "authors": ", ".join(author["name"] for author in paper["authors"]),
                "presenter": paper["presenter"],
                "badges": badge_labels(paper),
            }
        )
    starts = moment(entry["starts_at"]).astimezone(zone)
    return {
        "day": starts.date(),
        "starts": starts.strftime(TIME),
        "ends": moment(entry["ends_at"]).astimezone(zone).strftime(TIME),
        "title": entry["title"],
        "kind": SessionKind(entry["kind"]).label,
        "is_talks": entry["kind"] == SessionKind.TALKS,
        "room": rooms.get(entry["room"], "") if entry["room"] is not None else "All rooms",
        "chair": entry["chair"],
        "speaker": entry["speaker"],
        "description": entry["description"],
        "slots": slots,
    }


def booklet_context(snapshot: Snapshot, version_number: int) -> dict[str, Any]:
    edition = snapshot["edition"]
    zone = ZoneInfo(edition["time_zone"])
    rooms = {room["id"]: room["name"] for room in snapshot["rooms"]}
    sessions = [_session(entry, snapshot, rooms, zone) for entry in snapshot["sessions"]]
    sessions.sort(key=lambda s: (s["day"], s["starts"]))  # stable: the snapshot's room order stays
    days = [{"day": day, "sessions": list(group)} for day, group in groupby(sessions, key=lambda s: s["day"])]
    return {
        "edition": edition,
        "starts_on": day_of(edition["starts_on"]),
        "ends_on": day_of(edition["ends_on"]),
        "version": version_number,
        "days": days,
        "paper_count": len(snapshot["papers"]),
    }


def render_booklet(snapshot: Snapshot, version_number: int) -> bytes:
    """The booklet's PDF bytes."""
    from weasyprint import HTML  # slow to load (Pango): only when a PDF is made

    html = render_to_string("proceedings/pdf/booklet.html", booklet_context(snapshot, version_number))
    return HTML(string=html).write_pdf()  # type: ignore[no-any-return]


def write_booklet(version: ProgramVersion, out: IO[bytes], progress: Progress) -> None:
    """Steps: the rendering, and the saving that the caller does."""
    out.write(render_booklet(snapshot_of(version), version.number))
    progress(1, 2)

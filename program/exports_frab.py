"""The program in the frab/pentabarf schedule XML that conference apps import (Giggity,
ConfClerk, the voc schedule tools); its structure is written down in our own XML Schema,
``program/schemas/frab_schedule.xsd``.

Each talk of a talks session is an event (its track is the session); a poster session, a
keynote or a break is one event. Event ids and guids (UUID5 of the event's iCalendar UID)
stay the same from one published version to the next."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import NamedTuple

from lxml import etree

from program.exports_ical import session_uid, talk_uid
from program.models import SessionKind
from program.public_program import PaperView, PublishedProgram, SessionView

PLENARY = "Plenary"  # the room of a session held for everyone (no room of its own)
TIMESLOT = "00:05"
EVENT_ID_STRIDE = 100_000  # a talk's id: its session's times this, plus the paper's number


class FrabEvent(NamedTuple):
    guid: str
    id: int
    starts: datetime
    ends: datetime
    room: str
    slug: str
    url: str
    title: str
    track: str
    type: str
    abstract: str
    description: str
    persons: list[str]
    links: list[tuple[str, str]]  # href, text
    attachments: list[tuple[str, str]]


def _hhmm(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _guid(uid: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, uid))


def _paper_links(program: PublishedProgram, paper: PaperView) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    links = [(program.paper_url(paper), "Paper page"), (program.url("public_paper_bib", paper.number), "BibTeX")]
    attachments = [(program.url("public_paper_pdf", paper.number), "Paper (PDF)")] if paper.pdf else []
    return links, attachments


def _events(program: PublishedProgram, session: SessionView) -> list[FrabEvent]:
    room = session.room or PLENARY
    if session.kind == SessionKind.TALKS and session.talks:
        events = []
        for talk in session.talks:
            paper = talk.paper
            links, attachments = _paper_links(program, paper)
            events.append(
                FrabEvent(
                    guid=_guid(talk_uid(program, talk)),
                    id=session.id * EVENT_ID_STRIDE + paper.number,
                    starts=talk.starts,
                    ends=talk.ends,
                    room=room,
                    slug=f"{program.slug}-{session.id}-{paper.number}",
                    url=program.paper_url(paper),
                    title=paper.title,
                    track=session.title,
                    type="talk",
                    abstract=paper.abstract,
                    description="Keywords: " + ", ".join(paper.keywords) if paper.keywords else "",
                    persons=paper.author_names,
                    links=links,
                    attachments=attachments,
                )
            )
        return events
    listed = "\n".join(f"#{t.paper.number} {t.paper.title} ({', '.join(t.paper.author_names)})" for t in session.talks)
    return [
        FrabEvent(
            guid=_guid(session_uid(program, session)),
            id=session.id * EVENT_ID_STRIDE,
            starts=session.starts,
            ends=session.ends,
            room=room,
            slug=f"{program.slug}-{session.id}",
            url=program.session_url(session),
            title=session.title,
            track=session.kind_label,
            type=session.kind,
            abstract=session.description,
            description=listed,
            persons=[session.speaker] if session.speaker else [],
            links=[(program.session_url(session), "Session page")],
            attachments=[],
        )
    ]


def _text(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, **attributes)
    element.text = text
    return element


def _event_element(parent: etree._Element, event: FrabEvent) -> None:
    element = etree.SubElement(parent, "event", guid=event.guid, id=str(event.id))
    _text(element, "date", event.starts.isoformat())
    _text(element, "start", f"{event.starts:%H:%M}")
    _text(element, "duration", _hhmm(event.ends - event.starts))
    _text(element, "room", event.room)
    _text(element, "slug", event.slug)
    _text(element, "url", event.url)
    _text(element, "title", event.title)
    _text(element, "subtitle", "")
    _text(element, "track", event.track)
    _text(element, "type", event.type)
    _text(element, "language", "en")
    _text(element, "abstract", event.abstract)
    _text(element, "description", event.description)
    persons = etree.SubElement(element, "persons")
    for index, name in enumerate(event.persons, start=1):
        _text(persons, "person", name, id=str(index))
    links = etree.SubElement(element, "links")
    for href, text in event.links:
        _text(links, "link", text, href=href)
    attachments = etree.SubElement(element, "attachments")
    for href, text in event.attachments:
        _text(attachments, "attachment", text, href=href)


def program_frab(program: PublishedProgram) -> bytes:
    root = etree.Element("schedule")
    _text(root, "version", f"{program.version.number} ({program.version.published_at.isoformat()})")
    days = program.days()
    conference = etree.SubElement(root, "conference")
    _text(conference, "acronym", program.slug)
    _text(conference, "title", program.name)
    fallback = program.edition["starts_on"] or program.version.published_at.date().isoformat()
    _text(conference, "start", days[0].date.isoformat() if days else fallback)
    _text(conference, "end", days[-1].date.isoformat() if days else program.edition["ends_on"] or fallback)
    _text(conference, "days", str(len(days)))
    _text(conference, "timeslot_duration", TIMESLOT)
    _text(conference, "time_zone_name", program.zone.key)
    room_order = [room["name"] for room in program.rooms] + [PLENARY]
    for index, day in enumerate(days, start=1):
        events = [event for session in day.sessions for event in _events(program, session)]
        day_element = etree.SubElement(
            root,
            "day",
            index=str(index),
            date=day.date.isoformat(),
            start=min(e.starts for e in events).isoformat() if events else day.sessions[0].starts.isoformat(),
            end=max(e.ends for e in events).isoformat() if events else day.sessions[-1].ends.isoformat(),
        )
        for room in sorted({e.room for e in events}, key=lambda r: room_order.index(r) if r in room_order else 0):
            room_element = etree.SubElement(day_element, "room", name=room)
            for event in sorted((e for e in events if e.room == room), key=lambda e: (e.starts, e.id)):
                _event_element(room_element, event)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))

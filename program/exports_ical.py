"""The program as iCalendar (RFC 5545), for calendar apps: the whole program or one session.

One VEVENT per session and one per talk in it, with DTSTART/DTEND in the edition's zone
(TZID, and its VTIMEZONE), UIDs that stay the same from one published version to the next
(``session-<id>@<slug>.<host>``, ``talk-<session>-<number>@...``) and DTSTAMP the version's
publication time, so a calendar app that subscribes sees changes rather than new events."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from icalendar import Calendar, Event

from program.models import SessionKind
from program.public_program import PublishedProgram, SessionView, TalkView

PRODID = "-//mlsys-conf//public program//EN"


def _host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def session_uid(program: PublishedProgram, session: SessionView) -> str:
    return f"session-{session.id}@{program.slug}.{_host()}"


def talk_uid(program: PublishedProgram, talk: TalkView) -> str:
    return f"talk-{talk.session.id}-{talk.paper.number}@{program.slug}.{_host()}"


def _calendar(program: PublishedProgram, name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", program.zone.key)
    return calendar


def _session_event(program: PublishedProgram, session: SessionView) -> Event:
    event = Event()
    event.add("uid", session_uid(program, session))
    event.add("dtstamp", program.version.published_at)
    event.add("dtstart", session.starts)
    event.add("dtend", session.ends)
    event.add("summary", session.title)
    if session.room:
        event.add("location", session.room)
    lines = [session.kind_label]
    if session.chair:
        lines.append(f"Chair: {session.chair}")
    if session.speaker:
        lines.append(f"Speaker: {session.speaker}")
    if session.description:
        lines.append(session.description)
    for talk in session.talks:
        when = f"{talk.starts:%H:%M} " if session.kind == SessionKind.TALKS else ""
        lines.append(f"{when}{talk.paper.title} ({', '.join(talk.paper.author_names)})")
    event.add("description", "\n".join(lines))
    event.add("url", program.session_url(session))
    return event


def _talk_event(program: PublishedProgram, talk: TalkView) -> Event:
    paper = talk.paper
    event = Event()
    event.add("uid", talk_uid(program, talk))
    event.add("dtstamp", program.version.published_at)
    event.add("dtstart", talk.starts)
    event.add("dtend", talk.ends)
    event.add("summary", paper.title)
    if talk.session.room:
        event.add("location", talk.session.room)
    lines = [f"Authors: {', '.join(paper.author_names)}", f"Session: {talk.session.title}"]
    if paper.presenter:
        lines.append(f"Presenter: {paper.presenter}")
    event.add("description", "\n".join(lines))
    event.add("url", program.paper_url(paper))
    event.add("related-to", session_uid(program, talk.session))
    return event


def _finish(program: PublishedProgram, calendar: Calendar, sessions: list[SessionView]) -> bytes:
    for session in sessions:
        calendar.add_component(_session_event(program, session))
        for talk in session.talks:
            calendar.add_component(_talk_event(program, talk))
    if sessions:
        first = date(min(s.starts for s in sessions).year, 1, 1)  # the zone's rules of the whole years
        last = date(max(s.ends for s in sessions).year + 1, 1, 1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()


def program_ical(program: PublishedProgram) -> bytes:
    return _finish(program, _calendar(program, program.name), program.sessions)


def session_ical(program: PublishedProgram, session: SessionView) -> bytes:
    return _finish(program, _calendar(program, f"{program.name}: {session.title}"), [session])

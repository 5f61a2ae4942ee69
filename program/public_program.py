"""The published program as readers see it: a :class:`ProgramVersion`'s snapshot (never the
chairs' draft) read into sessions and papers with times in the edition's zone, its days, its
search and its author index. The public pages, the exports and the API all read through it."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.shortcuts import get_object_or_404
from django.urls import reverse

from artifacts.models import Badge
from conferences.models import Edition
from conferences.selectors import visible_editions_for
from program.models import ProgramVersion, SessionKind

NEWEST_FOR = 60  # seconds the newest version's number is kept; publishing forgets it at once


class VersionStamp(NamedTuple):
    """What a conditional GET and the cache key need, without loading the snapshot."""

    pk: int
    number: int
    published_at: datetime


def public_edition(slug: str) -> Edition:
    """The edition as an anonymous visitor sees it (404 if hidden), in one query: the public
    program is the same for everybody."""
    return get_object_or_404(visible_editions_for(AnonymousUser()).prefetch_related(None), slug=slug)


def newest_stamp(edition: Edition) -> VersionStamp | None:
    row = (
        ProgramVersion.objects.filter(edition=edition)
        .order_by("-number")
        .values_list("pk", "number", "published_at")
        .first()
    )
    return VersionStamp(*row) if row else None


def _newest_key(edition_slug: str) -> str:
    return f"program:public:newest:{edition_slug}"


def newest_version(edition_slug: str) -> tuple[int, VersionStamp | None]:
    """The public edition's id and its newest published version (None: not published yet),
    from the cache when it can; 404 for an edition a visitor may not see."""
    known = cache.get(_newest_key(edition_slug))
    if known is not None:
        return known
    edition = public_edition(edition_slug)
    stamp = newest_stamp(edition)
    if stamp is not None:
        cache.set(_newest_key(edition_slug), (edition.pk, stamp), NEWEST_FOR)
    return edition.pk, stamp


def forget_newest_version(edition: Edition) -> None:
    cache.delete(_newest_key(edition.slug))


def folded(text: str) -> str:
    """Case- and accent-insensitive form of ``text``, for search and sorting."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def family_name(name: str) -> str:
    """The last word of a name: good enough to sort an index (the snapshot has one field)."""
    parts = name.split()
    return parts[-1] if parts else ""


@dataclass(frozen=True)
class BadgeView:
    value: str
    label: str
    image: str  # under static/


@dataclass
class PaperView:
    number: int
    title: str
    abstract: str
    keywords: list[str]
    authors: list[dict[str, str]]  # name, affiliation, orcid
    presenter: str
    badges: list[BadgeView]
    pdf: dict[str, Any] | None
    session_ids: list[int]
    talks: list[TalkView] = field(default_factory=list)  # where and when it is presented

    @property
    def author_names(self) -> list[str]:
        return [a["name"] for a in self.authors]

    @property
    def affiliations(self) -> list[str]:
        return list(dict.fromkeys(a["affiliation"] for a in self.authors if a["affiliation"]))


@dataclass
class SessionView:
    id: int
    title: str
    kind: str
    room: str  # "" when plenary or for everyone
    room_id: int | None
    starts: datetime  # in the edition's zone
    ends: datetime
    chair: str
    speaker: str
    description: str
    talks: list[TalkView] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return SessionKind(self.kind).label

    @property
    def minutes(self) -> int:
        return int((self.ends - self.starts).total_seconds() // 60)

    @property
    def day(self) -> date:
        return self.starts.date()


@dataclass
class TalkView:
    paper: PaperView
    session: SessionView
    starts: datetime
    ends: datetime

    @property
    def minutes(self) -> int:
        return int((self.ends - self.starts).total_seconds() // 60)


class RoomColumn(NamedTuple):
    room: str  # "" for the sessions held for everyone
    sessions: list[SessionView]


class Day(NamedTuple):
    date: date
    sessions: list[SessionView]

    @property
    def columns(self) -> list[RoomColumn]:
        """The day's sessions per room: those for everyone first, then the rooms in order."""
        by_room: dict[str, list[SessionView]] = {}
        for session in self.sessions:
            by_room.setdefault(session.room, []).append(session)
        return [RoomColumn(room, sessions) for room, sessions in by_room.items()]


class IndexedAuthor(NamedTuple):
    name: str
    affiliations: list[str]
    papers: list[PaperView]


class IndexLetter(NamedTuple):
    letter: str
    authors: list[IndexedAuthor]


def _badge(value: str) -> BadgeView:
    return BadgeView(value, Badge(value).label, f"artifacts/badges/{value}.svg")


class PublishedProgram:
    """One published version, read once; cheap to build from its snapshot."""

    def __init__(self, version: ProgramVersion) -> None:
        self.version = version
        snapshot: dict[str, Any] = version.snapshot
        self.edition: dict[str, Any] = snapshot["edition"]
        self.slug: str = self.edition["slug"]
        self.zone = ZoneInfo(self.edition["time_zone"])
        self.rooms: list[dict[str, Any]] = snapshot["rooms"]
        room_names = {room["id"]: room["name"] for room in self.rooms}
        self.papers: dict[int, PaperView] = {}
        for entry in snapshot["papers"].values():
            paper = PaperView(
                number=entry["number"],
                title=entry["title"],
                abstract=entry["abstract"],
                keywords=list(entry["keywords"]),
                authors=[dict(a) for a in entry["authors"]],
                presenter=entry["presenter"],
                badges=[_badge(b) for b in entry["badges"] if b in Badge.values],
                pdf=entry["pdf"],
                session_ids=list(entry["sessions"]),
            )
            self.papers[paper.number] = paper
        self.sessions: list[SessionView] = []
        for entry in snapshot["sessions"]:
            session = SessionView(
                id=entry["id"],
                title=entry["title"],
                kind=entry["kind"],
                room=room_names.get(entry["room"], "") if entry["room"] is not None else "",
                room_id=entry["room"],
                starts=self.local(entry["starts_at"]),
                ends=self.local(entry["ends_at"]),
                chair=entry["chair"],
                speaker=entry["speaker"],
                description=entry["description"],
            )
            for slot in entry["slots"]:
                placed = self.papers.get(slot["number"])
                if placed is None:
                    continue
                talk = TalkView(placed, session, self.local(slot["starts_at"]), self.local(slot["ends_at"]))
                session.talks.append(talk)
                placed.talks.append(talk)
            self.sessions.append(session)
        self._sessions_by_id = {s.id: s for s in self.sessions}

    # --- Times and places ---------------------------------------------------------------

    def local(self, iso: str) -> datetime:
        return datetime.fromisoformat(iso).astimezone(self.zone)

    @property
    def number(self) -> int:
        return self.version.number

    @property
    def name(self) -> str:
        return str(self.edition["name"])

    def session(self, session_id: int) -> SessionView | None:
        return self._sessions_by_id.get(session_id)

    def paper(self, number: int) -> PaperView | None:
        return self.papers.get(number)

    def papers_in_order(self) -> list[PaperView]:
        return [self.papers[n] for n in sorted(self.papers)]

    def days(self) -> list[Day]:
        position = {room["id"]: index for index, room in enumerate(self.rooms)}
        by_day: dict[date, list[SessionView]] = {}
        in_room_order = sorted(self.sessions, key=lambda s: (position.get(s.room_id, -1), s.starts, s.id))
        for session in sorted(in_room_order, key=lambda s: s.day):
            by_day.setdefault(session.day, []).append(session)
        return [Day(day, sessions) for day, sessions in sorted(by_day.items())]

    def first_day(self) -> date | None:
        days = self.days()
        return days[0].date if days else None

    def last_day(self) -> date | None:
        days = self.days()
        return days[-1].date if days else None

    # --- Finding papers ---------------------------------------------------------------------

    def search(self, query: str) -> list[PaperView]:
        """Papers whose title, author names or keywords hold every word of ``query``, in
        any case and with or without accents."""
        words = folded(query).split()
        if not words:
            return []
        found = []
        for paper in self.papers_in_order():
            haystack = folded(" ".join([paper.title, *paper.author_names, *paper.keywords]))
            if all(word in haystack for word in words):
                found.append(paper)
        return found

    def author_index(self) -> list[IndexLetter]:
        """Every author, by family name, each with their papers, under their initial."""
        by_name: dict[str, IndexedAuthor] = {}
        for paper in self.papers_in_order():
            for author in paper.authors:
                indexed = by_name.setdefault(author["name"], IndexedAuthor(author["name"], [], []))
                if author["affiliation"] and author["affiliation"] not in indexed.affiliations:
                    indexed.affiliations.append(author["affiliation"])
                if paper not in indexed.papers:
                    indexed.papers.append(paper)
        letters: dict[str, list[IndexedAuthor]] = {}
        for indexed in sorted(by_name.values(), key=lambda a: (folded(family_name(a.name)), folded(a.name))):
            initial = folded(family_name(indexed.name))[:1].upper()
            letters.setdefault(initial if initial.isalpha() and initial.isascii() else "#", []).append(indexed)
        return [IndexLetter(letter, authors) for letter, authors in sorted(letters.items())]

    # --- Addresses ----------------------------------------------------------------------------

    def url(self, name: str, *args: Any) -> str:
        """An absolute address (exports are read outside the site) of a public route."""
        return settings.SITE_URL.rstrip("/") + reverse(f"program:{name}", args=[self.slug, *args])

    def session_url(self, session: SessionView) -> str:
        return self.url("public_session", session.id)

    def paper_url(self, paper: PaperView) -> str:
        return self.url("public_paper", paper.number)


@functools.lru_cache(maxsize=8)
def published_program(stamp: VersionStamp) -> PublishedProgram:
    """The published version ``stamp`` names, parsed once per process: a version never changes
    once published, so its snapshot is read and parsed only the first time. Keyed by the whole
    stamp (id, number, publication time), never by a row id alone, which a database may reuse."""
    return PublishedProgram(ProgramVersion.objects.get(pk=stamp.pk))

"""The builder's warnings about the chairs' draft, computed each time (nothing is stored):

- a presenter in two sessions at overlapping times (by the address of the final version's
  presenter, else of the submission's first author);
- a paper in two overlapping sessions;
- a talks session whose talks overrun its time slot;
- two sessions in one room at overlapping times;
- a session outside the edition's dates (in its time zone);
- a session chair who is an author of a paper in the session;
- accepted papers placed nowhere (a list of its own: a warning, not a clash).

Each warning is a sentence naming the session(s) and the paper number(s), for chairs only: it
may name a presenter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations
from typing import Any

from camera_ready.models import FinalAuthor
from camera_ready.selectors import accepted_papers
from conferences.models import Edition
from conferences.phases import DAY_FORMAT
from program.models import ProgramSession, SessionKind, Slot
from program.wording import quoted, short, span
from submissions.models import Author, Submission


@dataclass(frozen=True)
class TimedSlot:
    """A paper's place in a session with its computed time: a talk starts when the one before
    it ends; a poster lasts the whole session."""

    slot: Slot
    starts_at: datetime
    ends_at: datetime

    @property
    def number(self) -> int:
        return self.slot.submission.number


def timed_slots(session: ProgramSession) -> list[TimedSlot]:
    """The session's papers in order, with their times (``session.slots`` prefetched or not)."""
    result = []
    start = session.starts_at
    for slot in sorted(session.slots.all(), key=lambda s: (s.position, s.pk)):
        if session.kind == SessionKind.TALKS:
            end = start + timedelta(minutes=slot.duration_minutes)
            result.append(TimedSlot(slot, start, end))
            start = end
        else:
            result.append(TimedSlot(slot, session.starts_at, session.ends_at))
    return result


def talks_minutes(session: ProgramSession) -> int:
    return sum(slot.duration_minutes for slot in session.slots.all())


@dataclass(frozen=True)
class Warning:
    kind: str  # presenter, paper, overrun, room, dates, chair_author, unplaced
    message: str
    sessions: tuple[int, ...] = ()
    papers: tuple[int, ...] = field(default=())


def program_sessions(edition: Edition) -> list[ProgramSession]:
    """The draft's sessions in time order, with rooms, chairs and papers loaded."""
    return list(
        ProgramSession.objects.filter(edition=edition)
        .select_related("room", "chair")
        .prefetch_related("slots__submission")
        .order_by("starts_at", "room__position", "pk")
    )


def _overlap(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def _presenters(paper_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """paper id -> (address, name) of who presents it: the final version's presenter, else the
    submission's first author."""
    ids = set(paper_ids)
    result: dict[int, tuple[str, str]] = {}
    finals = FinalAuthor.objects.filter(final_version__submission_id__in=ids, is_presenter=True)
    for final in finals.values("final_version__submission_id", "email", "name"):
        result[final["final_version__submission_id"]] = (final["email"].strip().lower(), final["name"])
    firsts = Author.objects.filter(submission_id__in=ids - set(result)).order_by("submission_id", "position")
    for author in firsts.values("submission_id", "email", "name"):
        result.setdefault(author["submission_id"], (author["email"].strip().lower(), author["name"]))
    return result


def _author_addresses(paper_ids: Iterable[int]) -> dict[int, set[str]]:
    result: dict[int, set[str]] = defaultdict(set)
    ids = set(paper_ids)
    for row in Author.objects.filter(submission_id__in=ids).values("submission_id", "email"):
        result[row["submission_id"]].add(row["email"].strip().lower())
    finals = FinalAuthor.objects.filter(final_version__submission_id__in=ids)
    for paper_id, email in finals.values_list("final_version__submission_id", "email"):
        result[paper_id].add(email.strip().lower())
    return result


def _where(session: ProgramSession, zone: Any) -> str:
    return f"{quoted(session.title)} ({span(session.starts_at, session.ends_at, zone)})"


def _timed(sessions: list[ProgramSession]) -> list[tuple[ProgramSession, TimedSlot]]:
    return [(session, timed) for session in sessions for timed in timed_slots(session)]


def _paper_clashes(placed: list[tuple[ProgramSession, TimedSlot]], zone: Any) -> list[Warning]:
    by_paper: dict[int, list[tuple[ProgramSession, TimedSlot]]] = defaultdict(list)
    for session, timed in placed:
        by_paper[timed.number].append((session, timed))
    warnings = []
    for number, places in sorted(by_paper.items()):
        for (a, ta), (b, tb) in combinations(places, 2):
            if _overlap(ta.starts_at, ta.ends_at, tb.starts_at, tb.ends_at):
                message = f"Paper #{number} is in two sessions at once: {_where(a, zone)} and {_where(b, zone)}."
                warnings.append(Warning("paper", message, (a.pk, b.pk), (number,)))
    return warnings


def _presenter_clashes(placed: list[tuple[ProgramSession, TimedSlot]], zone: Any) -> list[Warning]:
    presenters = _presenters(timed.slot.submission_id for _, timed in placed)
    by_presenter: dict[str, list[tuple[ProgramSession, TimedSlot]]] = defaultdict(list)
    for session, timed in placed:
        who = presenters.get(timed.slot.submission_id)
        if who and who[0]:
            by_presenter[who[0]].append((session, timed))
    warnings = []
    for places in by_presenter.values():
        for (a, ta), (b, tb) in combinations(places, 2):
            if ta.number == tb.number or not _overlap(ta.starts_at, ta.ends_at, tb.starts_at, tb.ends_at):
                continue
            name = presenters[ta.slot.submission_id][1]
            first, second = sorted([(ta, a), (tb, b)], key=lambda pair: pair[0].number)
            message = (
                f"{name} presents paper #{first[0].number} in {quoted(first[1].title)} at "
                f"{short(first[0].starts_at, zone)} and paper #{second[0].number} in {quoted(second[1].title)} at "
                f"{short(second[0].starts_at, zone)}: the talks overlap."
            )
            warnings.append(Warning("presenter", message, (a.pk, b.pk), (first[0].number, second[0].number)))
    return warnings


def _overruns(sessions: list[ProgramSession], zone: Any) -> list[Warning]:
    warnings = []
    for session in sessions:
        if session.kind != SessionKind.TALKS:
            continue
        used, available = talks_minutes(session), session.minutes
        if used > available:
            numbers = tuple(timed.number for timed in timed_slots(session) if timed.ends_at > session.ends_at)
            late = ", ".join(f"#{n}" for n in numbers)
            message = (
                f"{_where(session, zone)} runs {used - available} minutes over: its talks last {used} minutes "
                f"in a {available}-minute slot (ending late: {late})."
            )
            warnings.append(Warning("overrun", message, (session.pk,), numbers))
    return warnings


def _room_clashes(sessions: list[ProgramSession], zone: Any) -> list[Warning]:
    by_room: dict[int, list[ProgramSession]] = defaultdict(list)
    for session in sessions:
        if session.room_id is not None:
            by_room[session.room_id].append(session)
    warnings = []
    for held in by_room.values():
        for a, b in combinations(held, 2):
            if _overlap(a.starts_at, a.ends_at, b.starts_at, b.ends_at):
                room = a.room.name if a.room else ""
                message = f"{room} holds two sessions at once: {_where(a, zone)} and {_where(b, zone)}."
                warnings.append(Warning("room", message, (a.pk, b.pk)))
    return warnings


def _outside_dates(edition: Edition, sessions: list[ProgramSession], zone: Any) -> list[Warning]:
    if not (edition.starts_on and edition.ends_on):
        return []
    warnings = []
    first, last = edition.starts_on, edition.ends_on
    for session in sessions:
        starts = session.starts_at.astimezone(zone)
        ends = (session.ends_at - timedelta(microseconds=1)).astimezone(zone)  # a session may end at midnight
        if starts.date() < first or ends.date() > last:
            message = (
                f"{_where(session, zone)} is outside the conference's dates "
                f"({first.strftime(DAY_FORMAT)} to {last.strftime(DAY_FORMAT)})."
            )
            warnings.append(Warning("dates", message, (session.pk,)))
    return warnings


def _chairs_own_papers(sessions: list[ProgramSession], zone: Any) -> list[Warning]:
    chaired = [s for s in sessions if s.chair is not None and s.kind in (SessionKind.TALKS, SessionKind.POSTERS)]
    addresses = _author_addresses(slot.submission_id for s in chaired for slot in s.slots.all())
    own_ids: dict[int, set[int]] = defaultdict(set)
    if chaired:
        chair_ids = {s.chair_id for s in chaired}
        for row in Author.objects.filter(user_id__in=chair_ids).values("user_id", "submission_id"):
            own_ids[row["user_id"]].add(row["submission_id"])
    warnings = []
    for session in chaired:
        chair = session.chair
        assert chair is not None
        email = (chair.email or "").strip().lower()
        numbers = tuple(
            slot.submission.number
            for slot in sorted(session.slots.all(), key=lambda s: s.position)
            if email in addresses.get(slot.submission_id, set()) or slot.submission_id in own_ids[chair.pk]
        )
        if numbers:
            papers = ", ".join(f"#{n}" for n in numbers)
            name = chair.get_full_name() or chair.email
            message = f"{name} chairs {_where(session, zone)} and is an author of {papers} in it."
            warnings.append(Warning("chair_author", message, (session.pk,), numbers))
    return warnings


def program_conflicts(edition: Edition, sessions: list[ProgramSession] | None = None) -> list[Warning]:
    """The clashes in the draft (not the unplaced papers: :func:`unplaced_warnings`)."""
    sessions = program_sessions(edition) if sessions is None else sessions
    zone = edition.zone
    placed = _timed(sessions)
    return [
        *_presenter_clashes(placed, zone),
        *_paper_clashes(placed, zone),
        *_overruns(sessions, zone),
        *_room_clashes(sessions, zone),
        *_outside_dates(edition, sessions, zone),
        *_chairs_own_papers(sessions, zone),
    ]


def unplaced_papers(edition: Edition) -> list[Submission]:
    """The accepted papers placed in no session, by number."""
    return list(accepted_papers(edition).filter(program_slots__isnull=True))


def unplaced_warnings(edition: Edition) -> list[Warning]:
    return [
        Warning(
            "unplaced",
            f"Paper #{paper.number} {quoted(paper.title)} is accepted but placed in no session.",
            (),
            (paper.number,),
        )
        for paper in unplaced_papers(edition)
    ]


def all_warnings(edition: Edition) -> list[Warning]:
    """Everything the builder warns about, clashes first (what the API returns)."""
    return [*program_conflicts(edition), *unplaced_warnings(edition)]

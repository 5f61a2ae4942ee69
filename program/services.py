"""The chairs' business actions on the program's draft: rooms, sessions, and the accepted papers
placed in them. Each takes the acting chair (``by``), refuses with the policy's reason, runs in a
transaction and records its action in the action log. Nothing here is public: readers see the
draft only once it is published (:mod:`program.publishing`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from actionlog.services import record_action, record_paper_action
from conferences.models import Edition, Role
from conferences.roles import RoleKind
from mlsys_conf.policy import require
from program import policy
from program.models import ProgramSession, Room, SessionKind, Slot
from submissions.models import Submission, SubmissionState
from submissions.states import decision_is_shown

MAX_TALK_MINUTES = 600


def _edition_locked(edition: Edition) -> Edition:
    """Serialise the chairs' edits of one program (positions are renumbered as a whole)."""
    return Edition.objects.select_for_update().get(pk=edition.pk)


# --- Rooms ------------------------------------------------------------------------------------


@transaction.atomic
def room_add(*, edition: Edition, name: str, capacity: int | None = None, by: Any) -> Room:
    require(policy.can_build_program(by, edition))
    _edition_locked(edition)
    name = name.strip()
    if Room.objects.filter(edition=edition, name__iexact=name).exists():
        raise ValidationError(f"There is already a room named {name}.")
    last = Room.objects.filter(edition=edition).aggregate(last=Max("position"))["last"]
    room = Room(edition=edition, name=name, capacity=capacity, position=0 if last is None else last + 1)
    room.full_clean()
    room.save()
    record_action(edition=edition, actor=by, action="program.room_added", target=room, changes={"name": (None, name)})
    return room


@transaction.atomic
def room_update(*, room: Room, name: str, capacity: int | None = None, by: Any) -> Room:
    """Rename a room, or change its capacity."""
    require(policy.can_build_program(by, room.edition))
    room = Room.objects.select_for_update().get(pk=room.pk)
    name = name.strip()
    if Room.objects.filter(edition=room.edition, name__iexact=name).exclude(pk=room.pk).exists():
        raise ValidationError(f"There is already a room named {name}.")
    before = {"name": room.name, "capacity": room.capacity}
    room.name, room.capacity = name, capacity
    room.full_clean()
    room.save()
    after = {"name": room.name, "capacity": room.capacity}
    changes = {key: (before[key], value) for key, value in after.items() if before[key] != value}
    record_action(edition=room.edition, actor=by, action="program.room_changed", target=room, changes=changes)
    return room


def _renumber_rooms(edition: Edition, rooms: list[Room]) -> None:
    for position, room in enumerate(rooms):
        if room.position != position:
            room.position = position
            room.save(update_fields=["position"])


@transaction.atomic
def room_move(*, room: Room, up: bool, by: Any) -> Room:
    """Move a room one column left (``up``) or right in the schedule."""
    require(policy.can_build_program(by, room.edition))
    edition = _edition_locked(room.edition)
    rooms = list(Room.objects.filter(edition=edition).order_by("position", "name"))
    index = next(i for i, r in enumerate(rooms) if r.pk == room.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(rooms):
        rooms[index], rooms[other] = rooms[other], rooms[index]
    _renumber_rooms(edition, rooms)
    moved = rooms[other] if 0 <= other < len(rooms) else rooms[index]
    record_action(
        edition=edition, actor=by, action="program.room_moved", target=moved, changes={"position": (index, other)}
    )
    return moved


@transaction.atomic
def room_remove(*, room: Room, by: Any) -> None:
    """Remove a room that holds no session; a room with sessions is refused (move them first),
    so that no session silently loses its place."""
    require(policy.can_build_program(by, room.edition))
    edition = _edition_locked(room.edition)
    held = ProgramSession.objects.filter(room=room).count()
    if held:
        sessions = "session" if held == 1 else "sessions"
        raise ValidationError(f"{room.name} holds {held} {sessions}: move them to another room first.")
    record_action(
        edition=edition, actor=by, action="program.room_removed", target=room, changes={"name": (room.name, None)}
    )
    room.delete()
    _renumber_rooms(edition, list(Room.objects.filter(edition=edition).order_by("position", "name")))


# --- Sessions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionInput:
    title: str
    kind: str
    starts_at: datetime  # aware; forms read it in the edition's zone
    ends_at: datetime
    room_id: int | None = None
    chair_id: int | None = None  # a PC member's user id
    speaker: str = ""
    description: str = ""


SESSION_FIELDS = ("title", "kind", "room_id", "starts_at", "ends_at", "chair_id", "speaker", "description")


def session_chair_candidates(edition: Edition) -> list[Any]:
    """Who may chair a session: the edition's PC (chairs included), by name."""
    kinds = RoleKind.where("on_pc")
    ids = Role.objects.filter(edition=edition, kind__in=kinds).values_list("user_id", flat=True)
    users = get_user_model().objects.filter(pk__in=ids)
    return sorted(users, key=lambda user: (user.get_full_name() or user.email).lower())


def _check_session_input(edition: Edition, data: SessionInput) -> None:
    if data.room_id is not None and not Room.objects.filter(edition=edition, pk=data.room_id).exists():
        raise ValidationError({"room": "Choose one of this edition's rooms."})
    if data.chair_id is not None:
        on_pc = Role.objects.filter(edition=edition, user_id=data.chair_id, kind__in=RoleKind.where("on_pc"))
        if not on_pc.exists():
            raise ValidationError({"chair": "A session's chair is a member of the programme committee."})
    if data.kind not in SessionKind.values:
        raise ValidationError({"kind": "Choose talks, posters, a keynote or a break."})


def _session_values(session: ProgramSession) -> dict[str, Any]:
    return {name: getattr(session, name) for name in SESSION_FIELDS}


@transaction.atomic
def session_save(
    *, edition: Edition, data: SessionInput, by: Any, session: ProgramSession | None = None
) -> ProgramSession:
    """Add a session, or change one. A session that holds papers keeps a kind that holds papers."""
    require(policy.can_build_program(by, edition))
    _edition_locked(edition)
    _check_session_input(edition, data)
    if session is not None:
        session = ProgramSession.objects.select_for_update().get(pk=session.pk, edition=edition)
        if not SessionKind(data.kind).holds_papers and session.slots.exists():
            raise ValidationError(
                {"kind": "This session holds papers: remove them before making it a keynote or a break."}
            )
    before = _session_values(session) if session else {}
    session = session or ProgramSession(edition=edition)
    session.title = data.title.strip()
    session.kind = data.kind
    session.room_id = data.room_id
    session.starts_at, session.ends_at = data.starts_at, data.ends_at
    session.chair_id = data.chair_id
    session.speaker = data.speaker.strip() if data.kind == SessionKind.KEYNOTE else ""
    session.description = data.description.strip()
    session.full_clean()
    session.save()
    after = _session_values(session)
    record_action(
        edition=edition,
        actor=by,
        action="program.session_changed" if before else "program.session_added",
        target=session,
        changes={name: (before.get(name), value) for name, value in after.items() if before.get(name) != value},
    )
    return session


@transaction.atomic
def session_remove(*, session: ProgramSession, by: Any) -> None:
    """Remove a session; the papers placed in it become unplaced."""
    require(policy.can_build_program(by, session.edition))
    edition = _edition_locked(session.edition)
    numbers = list(session.slots.values_list("submission__number", flat=True))
    record_action(
        edition=edition,
        actor=by,
        action="program.session_removed",
        target=session,
        changes={"title": (session.title, None), "papers": (numbers, [])},
    )
    session.delete()


# --- Papers in sessions -----------------------------------------------------------------------


def _renumber(session: ProgramSession, slots: list[Slot]) -> None:
    for position, slot in enumerate(slots):
        if slot.position != position:
            slot.position = position
            slot.save(update_fields=["position"])


def _ordered(session: ProgramSession) -> list[Slot]:
    return list(Slot.objects.filter(session=session).order_by("position", "pk"))


def _check_duration(minutes: int) -> None:
    if not 1 <= minutes <= MAX_TALK_MINUTES:
        raise ValidationError({"duration_minutes": f"A talk lasts from 1 to {MAX_TALK_MINUTES} minutes."})


def _check_placeable(session: ProgramSession, submission: Submission, moving: Slot | None = None) -> None:
    if submission.edition_id != session.edition_id:
        raise ValidationError("That paper is not one of this edition's.")
    if submission.state != SubmissionState.ACCEPTED or not decision_is_shown(submission):
        # One answer for both: a pending acceptance is not told (a chair may be conflicted with it).
        raise ValidationError(
            f"Paper #{submission.number} is not an accepted paper with its decision released: only those are placed."
        )
    if not SessionKind(session.kind).holds_papers:
        kind = SessionKind(session.kind).label.lower()
        raise ValidationError(f"{session.title} is a {kind}: papers go into talks or posters sessions.")
    already = Slot.objects.filter(session=session, submission=submission)
    if moving is not None:
        already = already.exclude(pk=moving.pk)
    if already.exists():
        raise ValidationError(f"Paper #{submission.number} is already in {session.title}.")


def _insert(session: ProgramSession, slot: Slot, position: int | None) -> None:
    """Put ``slot`` (saved, in ``session``) at ``position`` (None: last) and renumber the rest."""
    others = [s for s in _ordered(session) if s.pk != slot.pk]
    at = len(others) if position is None else max(0, min(position, len(others)))
    _renumber(session, [*others[:at], slot, *others[at:]])


@transaction.atomic
def slot_place(
    *, session: ProgramSession, submission: Submission, by: Any, position: int | None = None, duration_minutes: int = 15
) -> Slot:
    """Place an accepted paper into a talks or posters session, at ``position`` (0: first;
    None: last), for a talk of ``duration_minutes``."""
    require(policy.can_build_program(by, session.edition))
    _edition_locked(session.edition)
    _check_placeable(session, submission)
    _check_duration(duration_minutes)
    slot = Slot.objects.create(
        session=session, submission=submission, position=10_000, duration_minutes=duration_minutes
    )
    _insert(session, slot, position)
    slot.refresh_from_db()
    record_paper_action(
        submission,
        actor=by,
        action="program.paper_placed",
        changes={
            "session": (None, session.title),
            "position": (None, slot.position),
            "duration": (None, duration_minutes),
        },
    )
    return slot


@transaction.atomic
def slot_move(*, slot: Slot, by: Any, up: bool) -> Slot:
    """Move a paper one place earlier (``up``) or later in its session."""
    session = slot.session
    require(policy.can_build_program(by, session.edition))
    _edition_locked(session.edition)
    slots = _ordered(session)
    index = next(i for i, s in enumerate(slots) if s.pk == slot.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(slots):
        slots[index], slots[other] = slots[other], slots[index]
        _renumber(session, slots)
    slot.refresh_from_db()
    record_paper_action(
        slot.submission, actor=by, action="program.paper_moved", changes={"position": (index, slot.position)}
    )
    return slot


@transaction.atomic
def slot_transfer(*, slot: Slot, session: ProgramSession, by: Any, position: int | None = None) -> Slot:
    """Move a paper to another session (of the same edition), at ``position`` (None: last)."""
    source = slot.session
    require(policy.can_build_program(by, source.edition))
    _edition_locked(source.edition)
    if session.edition_id != source.edition_id:
        raise ValidationError("Choose a session of this edition.")
    slot = Slot.objects.select_for_update().select_related("submission").get(pk=slot.pk)
    if session.pk == source.pk:
        _insert(session, slot, position)
    else:
        _check_placeable(session, slot.submission, moving=slot)
        slot.session = session
        slot.save(update_fields=["session"])
        _insert(session, slot, position)
        _renumber(source, _ordered(source))
    slot.refresh_from_db()
    record_paper_action(
        slot.submission,
        actor=by,
        action="program.paper_moved",
        changes={"session": (source.title, session.title), "position": (None, slot.position)},
    )
    return slot


@transaction.atomic
def slot_set_duration(*, slot: Slot, duration_minutes: int, by: Any) -> Slot:
    require(policy.can_build_program(by, slot.session.edition))
    _check_duration(duration_minutes)
    slot = Slot.objects.select_for_update().select_related("submission", "session").get(pk=slot.pk)
    before = slot.duration_minutes
    slot.duration_minutes = duration_minutes
    slot.save(update_fields=["duration_minutes"])
    record_paper_action(
        slot.submission, actor=by, action="program.duration_changed", changes={"duration": (before, duration_minutes)}
    )
    return slot


@transaction.atomic
def slot_remove(*, slot: Slot, by: Any) -> None:
    """Take a paper out of a session (it stays accepted, now unplaced if in no other session)."""
    session = slot.session
    require(policy.can_build_program(by, session.edition))
    _edition_locked(session.edition)
    submission = slot.submission
    slot.delete()
    _renumber(session, _ordered(session))
    record_paper_action(
        submission, actor=by, action="program.paper_removed", changes={"session": (session.title, None)}
    )

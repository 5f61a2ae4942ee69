"""The chairs' program builder: plain HTML forms (POST, then back to the page) that work
without JavaScript. Actions and checks are the services'; these views parse, call, and say
what happened."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.typing import AuthenticatedHttpRequest
from camera_ready.selectors import accepted_papers
from conferences.models import Edition
from conferences.scoping import edition_action, edition_view
from mlsys_conf.policy import require
from program import conflicts, policy, publishing, services
from program.builder_forms import DurationForm, PlaceForm, PublishForm, RoomForm, SessionForm, TransferForm
from program.models import ProgramSession, ProgramVersion, Room, SessionKind, Slot
from program.selectors import published_version


def _builder(edition: Edition) -> str:
    return reverse("program:builder", args=[edition.slug])


def _session_page(session: ProgramSession) -> str:
    return reverse("program:builder_session", args=[session.edition.slug, session.pk])


def _rooms_page(edition: Edition) -> str:
    return reverse("program:builder_rooms", args=[edition.slug])


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


def _attempt(request: AuthenticatedHttpRequest, action: Callable[[], Any], done: str) -> bool:
    """Run a service call; say what happened (or why not) as a message."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, _errors(error))
        return False
    messages.success(request, done)
    return True


def _form_errors(form: Any) -> str:
    return " ".join(
        f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}".lstrip(": ")
        for name, errors in form.errors.items()
    )


def _position(value: int | None) -> int | None:
    return None if value is None else value - 1  # people count from 1


def _paper_sessions(sessions: list[ProgramSession]) -> list[ProgramSession]:
    return [s for s in sessions if SessionKind(s.kind).holds_papers]


def _days(edition: Edition, sessions: list[ProgramSession], by_session: dict[int, list[str]]) -> list[dict[str, Any]]:
    """The edition's days (and any day a session falls on), each with its sessions."""
    zone = edition.zone
    days: OrderedDict[date, list[dict[str, Any]]] = OrderedDict()
    if edition.starts_on and edition.ends_on and (edition.ends_on - edition.starts_on).days < 31:
        day = edition.starts_on
        while day <= edition.ends_on:
            days[day] = []
            day += timedelta(days=1)
    for session in sessions:
        timed = conflicts.timed_slots(session)
        days.setdefault(session.starts_at.astimezone(zone).date(), []).append(
            {
                "session": session,
                "slots": timed,
                "used": conflicts.talks_minutes(session),
                "warnings": by_session.get(session.pk, []),
            }
        )
    return [{"day": day, "key": day.isoformat(), "sessions": entries} for day, entries in sorted(days.items())]


@login_required
@edition_view
def builder(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_build_program(request.user, edition))
    sessions = conflicts.program_sessions(edition)
    clashes = conflicts.program_conflicts(edition, sessions)
    by_session: dict[int, list[str]] = {}
    for warning in clashes:
        for sid in warning.sessions:
            by_session.setdefault(sid, []).append(warning.message)
    version = published_version(edition)
    context = {
        "edition": edition,
        "days": _days(edition, sessions, by_session),
        "conflicts": clashes,
        "unplaced": conflicts.unplaced_papers(edition),
        "paper_sessions": _paper_sessions(sessions),
        "changes": publishing.unpublished_changes(edition),
        "blocked": publishing.why_not_publishable(edition),
        "version": version,
        "publish_form": PublishForm(),
        "rooms": Room.objects.filter(edition=edition).count(),
    }
    return render(request, "program/builder/builder.html", context)


# --- Rooms ------------------------------------------------------------------------------------


@login_required
@edition_view
def rooms(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    """The rooms, in the schedule's order; POST adds one."""
    require(policy.can_build_program(request.user, edition))
    form = RoomForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            name = data["name"].strip()
            add = lambda: services.room_add(edition=edition, name=name, capacity=data["capacity"], by=request.user)  # noqa: E731
            if _attempt(request, add, f"Room {name} added."):
                return redirect(_rooms_page(edition))
        status = 400
    rows = [
        {
            "room": room,
            "form": RoomForm(initial={"name": room.name, "capacity": room.capacity}, prefix=f"room{room.pk}"),
        }
        for room in Room.objects.filter(edition=edition)
    ]
    return render(
        request, "program/builder/rooms.html", {"edition": edition, "rows": rows, "form": form}, status=status
    )


def _room(request: AuthenticatedHttpRequest, edition: Edition, room_id: int) -> Room:
    require(policy.can_build_program(request.user, edition))
    return get_object_or_404(Room, pk=room_id, edition=edition)


@edition_action
def room_edit(request: AuthenticatedHttpRequest, edition: Edition, room_id: int) -> HttpResponse:
    room = _room(request, edition, room_id)
    form = RoomForm(request.POST, prefix=f"room{room.pk}")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        data = form.cleaned_data
        update = lambda: services.room_update(room=room, name=data["name"], capacity=data["capacity"], by=request.user)  # noqa: E731
        _attempt(request, update, f"Room {data['name'].strip()} saved.")
    return redirect(_rooms_page(edition))


@edition_action
def room_move(request: AuthenticatedHttpRequest, edition: Edition, room_id: int) -> HttpResponse:
    room = _room(request, edition, room_id)
    up = request.POST.get("direction") == "up"
    _attempt(request, lambda: services.room_move(room=room, up=up, by=request.user), f"Room {room.name} moved.")
    return redirect(_rooms_page(edition))


@edition_action
def room_remove(request: AuthenticatedHttpRequest, edition: Edition, room_id: int) -> HttpResponse:
    room = _room(request, edition, room_id)
    _attempt(request, lambda: services.room_remove(room=room, by=request.user), f"Room {room.name} removed.")
    return redirect(_rooms_page(edition))


# --- Sessions ---------------------------------------------------------------------------------


@login_required
@edition_view
def session_add(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_build_program(request.user, edition))
    form = SessionForm(request.POST or None, edition=edition)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                session = services.session_save(edition=edition, data=form.to_input(), by=request.user)
            except ValidationError as error:
                form.add_error(None, _errors(error))
            else:
                messages.success(request, f"Session {session.title} added.")
                return redirect(_session_page(session))
        status = 400
    return render(request, "program/builder/session_add.html", {"edition": edition, "form": form}, status=status)


@login_required
@edition_view
def session_detail(request: AuthenticatedHttpRequest, edition: Edition, session_id: int) -> HttpResponse:
    """A session: its details (POST saves them) and its papers in order."""
    require(policy.can_build_program(request.user, edition))
    session = get_object_or_404(
        ProgramSession.objects.select_related("room", "chair").prefetch_related("slots__submission"),
        pk=session_id,
        edition=edition,
    )
    form = SessionForm(request.POST or None, edition=edition, initial=SessionForm.initial_of(session))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.session_save(edition=edition, session=session, data=form.to_input(), by=request.user)
            except ValidationError as error:
                form.add_error(None, _errors(error))
            else:
                messages.success(request, f"Session {form.cleaned_data['title']} saved.")
                return redirect(_session_page(session))
        status = 400
    sessions = conflicts.program_sessions(edition)
    warnings = [w.message for w in conflicts.program_conflicts(edition, sessions) if session.pk in w.sessions]
    placed_here = {slot.submission_id for slot in session.slots.all()}
    context = {
        "edition": edition,
        "session": session,
        "form": form,
        "slots": conflicts.timed_slots(session),
        "used": conflicts.talks_minutes(session),
        "warnings": warnings,
        "holds_papers": SessionKind(session.kind).holds_papers,
        "other_sessions": [s for s in _paper_sessions(sessions) if s.pk != session.pk],
        "addable": [p for p in accepted_papers(edition) if p.pk not in placed_here],
    }
    return render(request, "program/builder/session.html", context, status=status)


@edition_action
def session_remove(request: AuthenticatedHttpRequest, edition: Edition, session_id: int) -> HttpResponse:
    require(policy.can_build_program(request.user, edition))
    session = get_object_or_404(ProgramSession, pk=session_id, edition=edition)
    title = session.title
    if _attempt(
        request, lambda: services.session_remove(session=session, by=request.user), f"Session {title} removed."
    ):
        return redirect(_builder(edition))
    return redirect(_session_page(session))


# --- Papers in sessions -----------------------------------------------------------------------


def _back(request: AuthenticatedHttpRequest, edition: Edition, session: ProgramSession | None = None) -> HttpResponse:
    """To the session's page when the form was on it, else to the builder."""
    if session is not None and request.POST.get("back") == "session":
        return redirect(_session_page(session))
    return redirect(_builder(edition))


@edition_action
def slot_place(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_build_program(request.user, edition))
    form = PlaceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect(_builder(edition))
    data = form.cleaned_data
    session = ProgramSession.objects.filter(pk=data["session"], edition=edition).first()
    paper = edition.submissions.filter(number=data["number"]).first()
    if session is None or paper is None:
        messages.error(request, "Choose a session and an accepted paper of this edition.")
        return _back(request, edition, session)

    def place() -> Any:
        return services.slot_place(
            session=session,
            submission=paper,
            position=_position(data["position"]),
            duration_minutes=data["duration_minutes"],
            by=request.user,
        )

    _attempt(request, place, f"Paper #{paper.number} placed in {session.title}.")
    return _back(request, edition, session)


def _slot(request: AuthenticatedHttpRequest, edition: Edition, slot_id: int) -> Slot:
    require(policy.can_build_program(request.user, edition))
    return get_object_or_404(Slot.objects.select_related("session", "submission"), pk=slot_id, session__edition=edition)


@edition_action
def slot_move(request: AuthenticatedHttpRequest, edition: Edition, slot_id: int) -> HttpResponse:
    """Up or down in the session (``direction``), or to another session (``session``)."""
    slot = _slot(request, edition, slot_id)
    number, source = slot.submission.number, slot.session
    if "direction" in request.POST:
        up = request.POST["direction"] == "up"
        _attempt(request, lambda: services.slot_move(slot=slot, up=up, by=request.user), f"Paper #{number} moved.")
        return _back(request, edition, source)
    form = TransferForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, edition, source)
    target = ProgramSession.objects.filter(pk=form.cleaned_data["session"], edition=edition).first()
    if target is None:
        messages.error(request, "Choose a session of this edition.")
        return _back(request, edition, source)
    position = _position(form.cleaned_data["position"])
    move = lambda: services.slot_transfer(slot=slot, session=target, position=position, by=request.user)  # noqa: E731
    _attempt(request, move, f"Paper #{number} moved to {target.title}.")
    return _back(request, edition, source)


@edition_action
def slot_duration(request: AuthenticatedHttpRequest, edition: Edition, slot_id: int) -> HttpResponse:
    slot = _slot(request, edition, slot_id)
    form = DurationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        minutes = form.cleaned_data["duration_minutes"]
        change = lambda: services.slot_set_duration(slot=slot, duration_minutes=minutes, by=request.user)  # noqa: E731
        _attempt(request, change, f"Paper #{slot.submission.number} now lasts {minutes} minutes.")
    return _back(request, edition, slot.session)


@edition_action
def slot_remove(request: AuthenticatedHttpRequest, edition: Edition, slot_id: int) -> HttpResponse:
    slot = _slot(request, edition, slot_id)
    number, session = slot.submission.number, slot.session
    _attempt(
        request,
        lambda: services.slot_remove(slot=slot, by=request.user),
        f"Paper #{number} taken out of {session.title}.",
    )
    return _back(request, edition, session)


# --- Publishing -------------------------------------------------------------------------------


@edition_action
def publish(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_build_program(request.user, edition))
    form = PublishForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        version = publishing.publish(edition, by=request.user, note=note)
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(_builder(edition))
    changes = len(version.changes)
    messages.success(
        request,
        f"Version {version.number} of the program is published ({changes} change{'s' if changes != 1 else ''}).",
    )
    return redirect(reverse("program:builder_versions", args=[edition.slug]))


@login_required
@edition_view
def versions(request: AuthenticatedHttpRequest, edition: Edition) -> HttpResponse:
    require(policy.can_build_program(request.user, edition))
    published = ProgramVersion.objects.filter(edition=edition).select_related("published_by").defer("snapshot")
    return render(request, "program/builder/versions.html", {"edition": edition, "versions": published})

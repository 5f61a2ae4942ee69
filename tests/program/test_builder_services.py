"""The builder's services: rooms, sessions and the papers placed in them."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from actionlog.models import Action
from conferences.models import Edition
from conferences.roles import RoleKind
from mlsys_conf.policy import PolicyDenied
from program import policy, services
from program.models import ProgramSession, Room, SessionKind, Slot
from submissions.models import SubmissionState
from tests.factories.committees import RoleFactory
from tests.factories.submissions import SubmissionFactory
from tests.program.builder_support import TUE_9, WED_14, paper, place, program_edition, session

__all__ = ["program_edition"]

pytestmark = pytest.mark.django_db


def _numbers(session: ProgramSession) -> list[int]:
    return [slot.submission.number for slot in Slot.objects.filter(session=session).order_by("position")]


def test_only_pc_chairs_build_the_program(program_edition: Edition, chair: Any, pc_systems: Any, author: Any) -> None:
    assert policy.can_build_program(chair, program_edition)
    for user in (pc_systems, author):
        verdict = policy.can_build_program(user, program_edition)
        assert not verdict
        assert "PC chairs" in verdict.reason
    with pytest.raises(PolicyDenied):
        services.room_add(edition=program_edition, name="Hall", by=pc_systems)


def test_rooms_are_added_renamed_reordered_and_logged(program_edition: Edition, chair: Any) -> None:
    hall = services.room_add(edition=program_edition, name="Hall", capacity=300, by=chair)
    room_b = services.room_add(edition=program_edition, name="Room B", by=chair)
    assert (hall.position, room_b.position) == (0, 1)
    with pytest.raises(ValidationError, match="already a room named"):
        services.room_add(edition=program_edition, name="hall", by=chair)
    services.room_move(room=room_b, up=True, by=chair)
    assert list(Room.objects.filter(edition=program_edition).values_list("name", flat=True)) == ["Room B", "Hall"]
    services.room_update(room=hall, name="Main Hall", capacity=250, by=chair)
    hall.refresh_from_db()
    assert (hall.name, hall.capacity) == ("Main Hall", 250)
    actions = set(Action.objects.filter(edition=program_edition).values_list("action", flat=True))
    assert {"program.room_added", "program.room_moved", "program.room_changed"} <= actions


def test_a_room_with_sessions_is_not_removed(program_edition: Edition, chair: Any) -> None:
    hall = services.room_add(edition=program_edition, name="Hall", by=chair)
    talks = session(program_edition, "Systems I", TUE_9, room=hall, by=chair)
    with pytest.raises(ValidationError, match="holds 1 session: move them"):
        services.room_remove(room=hall, by=chair)
    services.session_remove(session=talks, by=chair)
    services.room_remove(room=hall, by=chair)
    assert not Room.objects.filter(edition=program_edition).exists()


def test_session_chair_is_on_the_pc(program_edition: Edition, chair: Any, pc_systems: Any, author: Any) -> None:
    talks = session(program_edition, "Systems I", TUE_9, by=chair, chair_id=pc_systems.pk)
    assert talks.chair == pc_systems
    with pytest.raises(ValidationError, match="member of the programme committee"):
        session(program_edition, "Systems II", WED_14, by=chair, chair_id=author.pk)
    assert pc_systems in services.session_chair_candidates(program_edition)


def test_a_room_of_another_edition_is_refused(program_edition: Edition, chair: Any) -> None:
    other = RoleFactory(kind=RoleKind.PC_CHAIR).edition
    foreign = Room.objects.create(edition=other, name="Elsewhere")
    with pytest.raises(ValidationError, match="this edition's rooms"):
        session(program_edition, "Systems I", TUE_9, room=foreign, by=chair)


def test_papers_are_placed_in_order_moved_and_removed(program_edition: Edition, chair: Any) -> None:
    talks = session(program_edition, "Systems I", TUE_9, 90, by=chair)
    other = session(program_edition, "Systems II", WED_14, 90, by=chair)
    first, second, third = (paper(program_edition, n) for n in (1, 2, 3))
    place(talks, first, chair)
    place(talks, second, chair)
    place(talks, third, chair, position=0)
    assert _numbers(talks) == [3, 1, 2]
    slot = Slot.objects.get(session=talks, submission=second)
    services.slot_move(slot=slot, up=True, by=chair)
    assert _numbers(talks) == [3, 2, 1]
    services.slot_transfer(slot=slot, session=other, by=chair)
    assert (_numbers(talks), _numbers(other)) == ([3, 1], [2])
    services.slot_set_duration(slot=slot, duration_minutes=25, by=chair)
    assert Slot.objects.get(pk=slot.pk).duration_minutes == 25
    services.slot_remove(slot=Slot.objects.get(session=talks, submission=third), by=chair)
    assert _numbers(talks) == [1]
    assert list(Slot.objects.filter(session=talks).values_list("position", flat=True)) == [0]
    logged = Action.objects.filter(paper_id=second.pk).values_list("action", flat=True)
    assert {"program.paper_placed", "program.paper_moved", "program.duration_changed"} <= set(logged)


def test_only_accepted_papers_go_into_talks_or_posters(program_edition: Edition, chair: Any) -> None:
    talks = session(program_edition, "Systems I", TUE_9, by=chair)
    keynote = session(program_edition, "Keynote", WED_14, kind=SessionKind.KEYNOTE, by=chair)
    rejected = SubmissionFactory(edition=program_edition, number=9, state=SubmissionState.REJECTED)
    with pytest.raises(ValidationError, match="#9 is not an accepted paper with its decision released"):
        place(talks, rejected, chair)
    accepted = paper(program_edition, 1)
    with pytest.raises(ValidationError, match="papers go into talks or posters"):
        place(keynote, accepted, chair)
    place(talks, accepted, chair)
    with pytest.raises(ValidationError, match="already in Systems I"):
        place(talks, accepted, chair)
    with pytest.raises(ValidationError, match="1 to 600 minutes"):
        services.slot_set_duration(slot=Slot.objects.get(session=talks), duration_minutes=0, by=chair)


def test_a_session_with_papers_keeps_a_kind_that_holds_them(program_edition: Edition, chair: Any) -> None:
    talks = session(program_edition, "Systems I", TUE_9, by=chair)
    place(talks, paper(program_edition, 1), chair)
    data = services.SessionInput(title="Now a break", kind=SessionKind.BREAK, starts_at=TUE_9, ends_at=talks.ends_at)
    with pytest.raises(ValidationError):
        services.session_save(edition=program_edition, session=talks, data=data, by=chair)
    posters = services.SessionInput(title="Posters", kind=SessionKind.POSTERS, starts_at=TUE_9, ends_at=talks.ends_at)
    assert services.session_save(edition=program_edition, session=talks, data=posters, by=chair).kind == "posters"


def test_removing_a_session_leaves_its_papers_unplaced(program_edition: Edition, chair: Any) -> None:
    talks = session(program_edition, "Systems I", TUE_9, by=chair)
    place(talks, paper(program_edition, 1), chair)
    services.session_remove(session=talks, by=chair)
    assert not Slot.objects.exists()
    assert Action.objects.filter(action="program.session_removed").get().changes["papers"] == [[1], []]

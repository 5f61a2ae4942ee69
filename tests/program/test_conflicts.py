"""The builder's conflict warnings: each kind flagged, then cleared; talk times computed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from conferences.models import Edition
from program import conflicts, services
from program.models import Slot
from submissions.models import Author
from tests.program.builder_support import TUE_9, WED_14, paper, place, program_edition, session

__all__ = ["program_edition"]

pytestmark = pytest.mark.django_db


def _kinds(edition: Edition) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for warning in conflicts.program_conflicts(edition):
        found.setdefault(warning.kind, []).append(warning.message)
    return found


def test_talk_times_follow_each_other_and_posters_last_the_session(program_edition: Edition, chair: Any) -> None:
    talks = session(program_edition, "Systems I", TUE_9, 90, by=chair)
    place(talks, paper(program_edition, 1), chair, minutes=20)
    place(talks, paper(program_edition, 2), chair, minutes=25)
    times = [(t.number, t.starts_at, t.ends_at) for t in conflicts.timed_slots(talks)]
    assert times == [
        (1, TUE_9, TUE_9 + timedelta(minutes=20)),
        (2, TUE_9 + timedelta(minutes=20), TUE_9 + timedelta(minutes=45)),
    ]
    posters = session(program_edition, "Posters", WED_14, 60, kind="posters", by=chair)
    place(posters, paper(program_edition, 3), chair)
    (timed,) = conflicts.timed_slots(posters)
    assert (timed.starts_at, timed.ends_at) == (posters.starts_at, posters.ends_at)


def test_a_presenter_in_two_sessions_at_once(program_edition: Edition, chair: Any) -> None:
    hall = services.room_add(edition=program_edition, name="Hall", by=chair)
    room_b = services.room_add(edition=program_edition, name="Room B", by=chair)
    first = session(program_edition, "Systems I", TUE_9, room=hall, by=chair)
    second = session(program_edition, "ML I", TUE_9, room=room_b, by=chair)
    place(first, paper(program_edition, 4, presenter="Ada@Uni.example"), chair, minutes=30)
    place(second, paper(program_edition, 7, presenter="ada@uni.example"), chair, minutes=30)
    (message,) = _kinds(program_edition)["presenter"]
    assert message == (
        'Presenter 4 presents paper #4 in "Systems I" at Tue 09:00 and paper #7 in "ML I" at Tue 09:00: '
        "the talks overlap."
    )
    # The second talk moved after the first: no overlap any more.
    services.slot_move(slot=Slot.objects.get(session=second), up=False, by=chair)
    place(second, paper(program_edition, 8), chair, minutes=30, position=0)
    assert "presenter" not in _kinds(program_edition)


def test_the_presenter_falls_back_to_the_first_author(program_edition: Edition, chair: Any) -> None:
    first = session(program_edition, "Systems I", TUE_9, by=chair)
    second = session(program_edition, "ML I", TUE_9, by=chair)
    a, b = paper(program_edition, 1), paper(program_edition, 2)
    a.final_version.delete()
    Author.objects.filter(submission=a).update(email="same@uni.example")
    b.final_version.authors.update(email="same@uni.example")
    place(first, a, chair)
    place(second, b, chair)
    assert len(_kinds(program_edition)["presenter"]) == 1


def test_a_paper_in_two_overlapping_sessions(program_edition: Edition, chair: Any) -> None:
    talks = session(program_edition, "Systems I", TUE_9, by=chair)
    posters = session(program_edition, "Posters", TUE_9 + timedelta(minutes=10), kind="posters", by=chair)
    accepted = paper(program_edition, 12)
    place(talks, accepted, chair)
    place(posters, accepted, chair)
    (message,) = _kinds(program_edition)["paper"]
    assert message.startswith('Paper #12 is in two sessions at once: "Systems I" (Tue 09:00-10:00) and "Posters"')
    services.slot_remove(slot=Slot.objects.get(session=posters), by=chair)
    assert "paper" not in _kinds(program_edition)


def test_talks_overrunning_their_session(program_edition: Edition, chair: Any) -> None:
    talks = session(program_edition, "Systems I", TUE_9, 30, by=chair)
    place(talks, paper(program_edition, 1), chair, minutes=20)
    place(talks, paper(program_edition, 2), chair, minutes=20)
    (message,) = _kinds(program_edition)["overrun"]
    assert message == (
        '"Systems I" (Tue 09:00-09:30) runs 10 minutes over: its talks last 40 minutes in a 30-minute slot '
        "(ending late: #2)."
    )
    services.slot_set_duration(slot=Slot.objects.get(session=talks, position=1), duration_minutes=10, by=chair)
    assert "overrun" not in _kinds(program_edition)


def test_two_sessions_in_one_room_at_once(program_edition: Edition, chair: Any) -> None:
    hall = services.room_add(edition=program_edition, name="Hall", by=chair)
    session(program_edition, "Systems I", TUE_9, room=hall, by=chair)
    later = session(program_edition, "ML I", TUE_9 + timedelta(minutes=30), room=hall, by=chair)
    (message,) = _kinds(program_edition)["room"]
    assert message.startswith('Hall holds two sessions at once: "Systems I" (Tue 09:00-10:00) and "ML I"')
    data = services.SessionInput(
        title="ML I",
        kind="talks",
        starts_at=TUE_9 + timedelta(hours=1),
        ends_at=TUE_9 + timedelta(hours=2),
        room_id=hall.pk,
    )
    services.session_save(edition=program_edition, session=later, data=data, by=chair)
    assert "room" not in _kinds(program_edition)


def test_a_session_outside_the_conference_days(program_edition: Edition, chair: Any) -> None:
    early = session(program_edition, "Tutorial", TUE_9 - timedelta(days=1), by=chair)
    session(program_edition, "Late night", WED_14 + timedelta(days=1, hours=9), 60, by=chair)  # Thu 23:00 PST: inside
    (message,) = _kinds(program_edition)["dates"]
    assert (
        message
        == '"Tutorial" (Mon 09:00-10:00) is outside the conference\'s dates (Tue 02 Mar 2027 to Thu 04 Mar 2027).'
    )
    data = services.SessionInput(title="Tutorial", kind="talks", starts_at=TUE_9, ends_at=TUE_9 + timedelta(hours=1))
    services.session_save(edition=program_edition, session=early, data=data, by=chair)
    assert "dates" not in _kinds(program_edition)


def test_a_session_chair_who_wrote_a_paper_in_it(program_edition: Edition, chair: Any, pc_systems: Any) -> None:
    talks = session(program_edition, "Systems I", TUE_9, by=chair, chair_id=pc_systems.pk)
    place(talks, paper(program_edition, 5, presenter=pc_systems.email), chair)
    place(talks, paper(program_edition, 6), chair)
    (message,) = _kinds(program_edition)["chair_author"]
    assert message.endswith('chairs "Systems I" (Tue 09:00-10:00) and is an author of #5 in it.')
    services.slot_remove(slot=Slot.objects.get(session=talks, submission__number=5), by=chair)
    assert "chair_author" not in _kinds(program_edition)


def test_accepted_papers_placed_nowhere(program_edition: Edition, chair: Any) -> None:
    talks = session(program_edition, "Systems I", TUE_9, by=chair)
    placed, unplaced = paper(program_edition, 1), paper(program_edition, 2)
    place(talks, placed, chair)
    (warning,) = conflicts.unplaced_warnings(program_edition)
    assert warning.message == 'Paper #2 "Submitted title of 2" is accepted but placed in no session.'
    assert warning.papers == (2,)
    place(talks, unplaced, chair)
    assert conflicts.all_warnings(program_edition) == []

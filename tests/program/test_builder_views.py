"""The builder's pages: plain forms (POST, then back) that a chair uses without JavaScript."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conferences.models import Edition
from program import services
from program.models import ProgramSession, ProgramVersion, Room, Slot
from tests.personas import client_for
from tests.program.builder_support import TUE_9, paper, place, program_edition, session

__all__ = ["program_edition"]

pytestmark = pytest.mark.django_db


def _url(edition: Edition, name: str, *args: Any) -> str:
    return reverse(f"program:{name}", args=[edition.slug, *args])


def test_only_chairs_open_the_builder(program_edition: Edition, chair: Any, pc_systems: Any) -> None:
    url = _url(program_edition, "builder")
    assert client_for(pc_systems).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    page = client_for(chair).get(url)
    assert page.status_code == 200
    assert b"No conflicts." in page.content
    assert b"Tue 02 Mar 2027" in page.content  # the edition's days as sections
    assert b"Thu 04 Mar 2027" in page.content


def test_chair_adds_a_session_in_the_editions_time_zone(program_edition: Edition, chair: Any) -> None:
    client = client_for(chair)
    form = {
        "title": "Systems I",
        "kind": "talks",
        "starts_at": "2027-03-02T09:00",
        "ends_at": "2027-03-02T10:30",
        "chair": str(chair.pk),
    }
    response = client.post(_url(program_edition, "builder_session_add"), form)
    created = ProgramSession.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url(program_edition, "builder_session", created.pk)
    assert (created.starts_at, created.minutes, created.chair) == (TUE_9, 90, chair)
    page = client.get(_url(program_edition, "builder_session", created.pk))
    assert b'value="2027-03-02T09:00"' in page.content  # shown back in local time
    bad = client.post(_url(program_edition, "builder_session_add"), {**form, "ends_at": "2027-03-02T08:00"})
    assert bad.status_code == 400
    assert b"A session ends after it starts." in bad.content


def test_chair_places_papers_and_sees_their_times(program_edition: Edition, chair: Any) -> None:
    client = client_for(chair)
    talks = session(program_edition, "Systems I", TUE_9, 30, by=chair)
    paper(program_edition, 1)
    paper(program_edition, 2)
    page = client.get(_url(program_edition, "builder"))
    assert b"Accepted papers not placed (2)" in page.content
    assert b'<label for="place-session-1">Place #1 into</label>' in page.content
    place_url = _url(program_edition, "builder_place")
    client.post(place_url, {"number": 1, "session": talks.pk, "duration_minutes": 20})
    client.post(place_url, {"number": 2, "session": talks.pk, "duration_minutes": 20, "position": ""})
    page = client.get(_url(program_edition, "builder"))
    assert b"09:00-09:20 #1 Submitted title of 1 (20 min)" in page.content
    assert b"09:20-09:40 #2 Submitted title of 2 (20 min)" in page.content
    assert b"runs 10 minutes over" in page.content  # the overrun, at the top and on the session
    assert b"Every accepted paper is placed." in page.content
    slot = Slot.objects.get(submission__number=2)
    back = {"back": "session"}
    response = client.post(_url(program_edition, "builder_slot_move", slot.pk), {"direction": "up", **back})
    assert response["Location"] == _url(program_edition, "builder_session", talks.pk)
    client.post(_url(program_edition, "builder_slot_duration", slot.pk), {"duration_minutes": 10, **back})
    session_page = client.get(_url(program_edition, "builder_session", talks.pk))
    assert b"09:00-09:10 #2" in session_page.content
    assert b"09:10-09:30 #1" in session_page.content
    assert b"runs" not in session_page.content
    client.post(_url(program_edition, "builder_slot_remove", slot.pk))
    assert list(Slot.objects.values_list("submission__number", flat=True)) == [1]


def test_a_refused_placement_says_why(program_edition: Edition, chair: Any) -> None:
    client = client_for(chair)
    keynote = session(program_edition, "Keynote", TUE_9, kind="keynote", by=chair)
    paper(program_edition, 1)
    response = client.post(
        _url(program_edition, "builder_place"),
        {"number": 1, "session": keynote.pk, "duration_minutes": 15},
        follow=True,
    )
    assert b"Keynote is a keynote: papers go into talks or posters sessions." in response.content
    assert not Slot.objects.exists()


def test_rooms_page(program_edition: Edition, chair: Any) -> None:
    client = client_for(chair)
    rooms_url = _url(program_edition, "builder_rooms")
    assert client.post(rooms_url, {"name": "Hall", "capacity": "300"}).status_code == 302
    client.post(rooms_url, {"name": "Room B"})
    hall, room_b = Room.objects.order_by("position")
    client.post(_url(program_edition, "builder_room_move", room_b.pk), {"direction": "up"})
    assert list(Room.objects.order_by("position").values_list("name", flat=True)) == ["Room B", "Hall"]
    client.post(_url(program_edition, "builder_room_edit", hall.pk), {f"room{hall.pk}-name": "Main Hall"})
    assert Room.objects.get(pk=hall.pk).name == "Main Hall"
    session(program_edition, "Systems I", TUE_9, room=room_b, by=chair)
    refused = client.post(_url(program_edition, "builder_room_remove", room_b.pk), follow=True)
    assert b"Room B holds 1 session: move them to another room first." in refused.content
    client.post(_url(program_edition, "builder_room_remove", hall.pk))
    assert list(Room.objects.values_list("name", flat=True)) == ["Room B"]


def test_publish_from_the_builder_and_read_the_versions(program_edition: Edition, chair: Any) -> None:
    client = client_for(chair)
    talks = session(program_edition, "Systems I", TUE_9, by=chair)
    place(talks, paper(program_edition, 1), chair)
    page = client.get(_url(program_edition, "builder"))
    assert b"1 change not published" in page.content
    response = client.post(_url(program_edition, "builder_publish"), {"note": "Hello"}, follow=True)
    assert ProgramVersion.objects.get().number == 1
    assert b"Version 1 of the program is published (1 change)." in response.content
    assert b"First version of the program: 1 session, 1 paper." in response.content
    again = client.post(_url(program_edition, "builder_publish"), follow=True)
    assert b"Nothing changed since version 1." in again.content
    data = services.SessionInput(title="Systems", kind="talks", starts_at=TUE_9, ends_at=TUE_9 + timedelta(hours=1))
    services.session_save(edition=program_edition, session=talks, data=data, by=chair)
    page = client.get(_url(program_edition, "builder"))
    assert b"1 change not published" in page.content
    assert b"renamed to" in page.content


def test_the_chairs_dashboard_and_menu_link_to_the_builder(program_edition: Edition, chair: Any) -> None:
    page = client_for(chair).get(reverse("conferences:edition", args=[program_edition.slug]))
    assert b'id="program-panel"' in page.content
    assert _url(program_edition, "builder").encode() in page.content

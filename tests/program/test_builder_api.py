"""The builder's API: a round trip from an empty program to a published version."""

from __future__ import annotations

from typing import Any

import pytest

from conferences.models import Edition
from tests.personas import client_for
from tests.program.builder_support import paper, program_edition

__all__ = ["program_edition"]

pytestmark = pytest.mark.django_db


def _api(edition: Edition, rest: str) -> str:
    return f"/api/editions/{edition.slug}/program/builder/{rest}"


def test_non_chairs_are_refused(program_edition: Edition, pc_systems: Any) -> None:
    client = client_for(pc_systems)
    assert client.get(_api(program_edition, "sessions/")).status_code == 403
    assert client.post(_api(program_edition, "publish/"), {}, content_type="application/json").status_code == 403


def test_round_trip(program_edition: Edition, chair: Any) -> None:
    client = client_for(chair)
    first, second = paper(program_edition, 1), paper(program_edition, 2)
    room = client.post(
        _api(program_edition, "rooms/"), {"name": "Hall", "capacity": 200}, content_type="application/json"
    )
    assert room.status_code == 201
    room_id = room.json()["id"]
    body = {
        "title": "Systems I",
        "kind": "talks",
        "room": room_id,
        "starts_at": "2027-03-02T09:00:00-08:00",
        "ends_at": "2027-03-02T09:30:00-08:00",
    }
    created = client.post(_api(program_edition, "sessions/"), body, content_type="application/json")
    assert created.status_code == 201
    session_id = created.json()["id"]
    for number in (first.number, second.number):
        placed = client.post(
            _api(program_edition, "slots/"),
            {"number": number, "session": session_id, "duration_minutes": 20},
            content_type="application/json",
        )
        assert placed.status_code == 201
    (listed,) = client.get(_api(program_edition, "sessions/")).json()
    assert [(s["number"], s["starts_at"][11:16]) for s in listed["slots"]] == [(1, "17:00"), (2, "17:20")]
    warnings = client.get(_api(program_edition, "conflicts/")).json()
    assert [w["kind"] for w in warnings] == ["overrun"]
    assert warnings[0]["sessions"] == [session_id]
    assert warnings[0]["papers"] == [2]
    slot_id = listed["slots"][1]["id"]
    changed = client.patch(
        _api(program_edition, f"slots/{slot_id}/"), {"duration_minutes": 10}, content_type="application/json"
    )
    assert changed.json()["duration_minutes"] == 10
    assert client.get(_api(program_edition, "conflicts/")).json() == []
    changes = client.get(_api(program_edition, "changes/")).json()
    assert changes == {
        "published": None,
        "changes": ["First version of the program: 1 session, 2 papers."],
        "blocked": "",
    }
    published = client.post(_api(program_edition, "publish/"), {"note": "v1"}, content_type="application/json")
    assert published.status_code == 201
    assert published.json()["number"] == 1
    again = client.post(_api(program_edition, "publish/"), {}, content_type="application/json")
    assert again.status_code == 400
    assert "Nothing changed since version 1." in str(again.json())
    renamed = client.patch(
        _api(program_edition, f"sessions/{session_id}/"), {"title": "Systems"}, content_type="application/json"
    )
    assert renamed.status_code == 200
    assert renamed.json()["room"] == room_id  # the fields not sent are kept
    assert client.delete(_api(program_edition, f"rooms/{room_id}/")).status_code == 400  # it holds a session
    assert client.delete(_api(program_edition, f"slots/{slot_id}/")).status_code == 204
    client.post(_api(program_edition, "publish/"), {}, content_type="application/json")
    versions = client.get(_api(program_edition, "versions/")).json()
    assert [v["number"] for v in versions] == [2, 1]
    assert versions[0]["changes"] == [
        'Session "Systems I" renamed to "Systems".',
        'Paper #2 "Paper 2" removed from the program.',
    ]


def test_a_paper_not_accepted_is_refused(program_edition: Edition, chair: Any) -> None:
    from tests.factories.submissions import SubmissionFactory

    SubmissionFactory(edition=program_edition, number=5)
    client = client_for(chair)
    body = {"title": "S", "kind": "posters", "starts_at": "2027-03-02T09:00:00Z", "ends_at": "2027-03-02T10:00:00Z"}
    session_id = client.post(_api(program_edition, "sessions/"), body, content_type="application/json").json()["id"]
    refused = client.post(
        _api(program_edition, "slots/"), {"number": 5, "session": session_id}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "#5 is not an accepted paper with its decision released" in str(refused.json())

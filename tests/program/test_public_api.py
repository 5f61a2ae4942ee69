"""The public program's API: no login, the newest published version, 404 before it."""

from __future__ import annotations

from typing import Any

import pytest

from conferences.models import Edition
from program.models import ProgramSession
from tests.program.factories import SampleProgram, publish, sample_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(edition: Edition) -> SampleProgram:
    return sample_program(edition)


def api(edition: Edition, rest: str = "") -> str:
    return f"/api/editions/{edition.slug}/program/{rest}"


def test_every_endpoint_is_404_before_publication(client: Any, edition: Edition) -> None:
    draft = sample_program(edition, publish_it=False)
    for rest in ("", "papers/", "papers/1/", f"sessions/{draft.sessions['talks'].pk}/"):
        assert client.get(api(edition, rest)).status_code == 404, rest


def test_the_program(client: Any, program: SampleProgram) -> None:
    response = client.get(api(program.edition))
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == 1
    assert data["note"] == "The first program."
    assert data["edition"]["time_zone"] == "America/Los_Angeles"
    assert [r["name"] for r in data["rooms"]] == ["Hall A", "Room B"]
    talks = data["sessions"][0]
    assert talks["title"] == "Systems I"
    assert talks["kind"] == "talks"
    assert talks["starts_at"] == "2027-03-13T09:00:00-08:00"
    assert [t["paper"] for t in talks["talks"]] == [1, 2]


def test_the_papers_and_search(client: Any, program: SampleProgram) -> None:
    papers = client.get(api(program.edition, "papers/")).json()
    assert [p["number"] for p in papers] == [1, 2, 3]
    assert papers[0]["authors"][0] == {
        "name": "Zoë Müller",
        "affiliation": "ETH Zürich",
        "orcid": "0000-0002-1825-0097",
    }
    assert papers[1]["badges"] == []  # not released
    found = client.get(api(program.edition, "papers/"), {"q": "MULLER"}).json()
    assert [p["number"] for p in found] == [1]


def test_one_paper_and_one_session(client: Any, program: SampleProgram) -> None:
    paper = client.get(api(program.edition, "papers/1/")).json()
    assert paper["title"] == "Fast Sparse Attention Kernels"
    assert paper["pdf_url"].endswith("/program/papers/1.pdf")
    assert client.get(api(program.edition, "papers/42/")).status_code == 404
    session = client.get(api(program.edition, f"sessions/{program.sessions['posters'].pk}/")).json()
    assert session["kind"] == "posters"
    assert session["starts_at"] == "2027-03-15T14:00:00-07:00"
    assert client.get(api(program.edition, "sessions/999999/")).status_code == 404


def test_the_api_follows_the_newest_version(client: Any, program: SampleProgram) -> None:
    ProgramSession.objects.filter(pk=program.sessions["talks"].pk).update(title="Systems One")
    assert client.get(api(program.edition)).json()["sessions"][0]["title"] == "Systems I"
    publish(program.edition)
    data = client.get(api(program.edition)).json()
    assert data["number"] == 2
    assert data["sessions"][0]["title"] == "Systems One"


def test_a_signed_in_user_gets_the_same(client: Any, program: SampleProgram, outsider: Any) -> None:
    anonymous = client.get(api(program.edition, "papers/")).json()
    client.force_login(outsider)
    assert client.get(api(program.edition, "papers/")).json() == anonymous

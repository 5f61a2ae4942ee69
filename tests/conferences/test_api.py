"""/api/editions/: editions with their deadlines; chairs change settings and deadlines."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from conferences.models import Deadline, Edition, Phase
from conferences.roles import RoleKind
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory

pytestmark = pytest.mark.django_db

SETTINGS_REFUSAL = "Only the PC chairs of this edition can change its settings and deadlines."


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def deadlines_of(edition: Edition) -> list[tuple[str, datetime | None, datetime]]:
    return list(Deadline.objects.filter(edition=edition).values_list("phase", "opens_at", "closes_at"))


@pytest.fixture
def hidden(chair: Any) -> Edition:
    """A second edition, not public, chaired by the persona chair."""
    edition = EditionFactory(slug="mlsys2028", name="MLSys 2028", is_public=False)
    RoleFactory(edition=edition, user=chair, kind=RoleKind.PC_CHAIR)
    return edition


# --- Reading -------------------------------------------------------------------------------


def test_list_public_editions_anonymously(client: Any, edition: Edition, hidden: Edition) -> None:
    response = client.get("/api/editions/")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert [e["slug"] for e in data["results"]] == ["mlsys2027"]


def test_chair_lists_the_hidden_edition_too(client: Any, edition: Edition, hidden: Edition, chair: Any) -> None:
    client.force_login(chair)
    slugs = {e["slug"] for e in client.get("/api/editions/").json()["results"]}
    assert slugs == {"mlsys2027", "mlsys2028"}


def test_hidden_edition_detail_is_not_found_for_others(client: Any, hidden: Edition, outsider: Any) -> None:
    assert client.get("/api/editions/mlsys2028/").status_code == 404
    client.force_login(outsider)
    assert client.get("/api/editions/mlsys2028/").status_code == 404


def test_edition_detail_has_deadlines_in_utc_local_and_aoe(client: Any, db: Any) -> None:
    edition = EditionFactory(slug="mlsys2030", name="MLSys 2030", time_zone="America/Los_Angeles")
    Deadline.objects.create(
        edition=edition,
        phase=Phase.ABSTRACT_REGISTRATION,
        closes_at=utc(2027, 3, 21, 11, 59, 59),  # 23:59:59 AoE on 20 March
    )
    response = client.get("/api/editions/mlsys2030/")
    assert response.status_code == 200
    data = response.json()
    assert data["slug"] == "mlsys2030"
    assert data["time_zone"] == "America/Los_Angeles"
    [deadline] = data["deadlines"]
    assert deadline["phase"] == "abstract"
    assert deadline["phase_label"] == "Abstract registration"
    assert deadline["opens_at"] is None
    assert deadline["closes_at"] == "2027-03-21T11:59:59Z"
    assert deadline["closes_at_local"] == "2027-03-21T04:59:59-07:00"
    assert deadline["closes_at_aoe"] == "2027-03-20T23:59:59-12:00"


def test_edition_detail_has_the_current_and_open_phases(client: Any, edition: Edition) -> None:
    data = client.get("/api/editions/mlsys2027/").json()
    assert data["current_phase"] == "abstract"
    assert data["open_phases"] == ["abstract", "paper"]
    assert [d["phase"] for d in data["deadlines"]] == ["abstract", "paper", "bidding", "reviewing", "notification"]


def test_edition_without_deadlines_has_no_current_phase(client: Any, db: Any) -> None:
    EditionFactory(slug="mlsys2035")
    data = client.get("/api/editions/mlsys2035/").json()
    assert data["current_phase"] is None
    assert data["open_phases"] == []
    assert data["deadlines"] == []


def test_editions_are_read_only_through_the_collection(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    assert client.delete("/api/editions/mlsys2027/").status_code == 405
    assert client.post("/api/editions/", {"slug": "x", "name": "X"}, content_type="application/json").status_code == 405


# --- PATCH settings ------------------------------------------------------------------------


def test_chair_patches_settings(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.patch(
        "/api/editions/mlsys2027/settings/",
        {"venue": "San Jose", "page_limit": 12, "slug": "renamed"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["venue"] == "San Jose"
    assert response.json()["slug"] == "mlsys2027"
    edition.refresh_from_db()
    assert (edition.venue, edition.page_limit, edition.slug) == ("San Jose", 12, "mlsys2027")


def test_invalid_settings_are_a_400(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.patch(
        "/api/editions/mlsys2027/settings/",
        {"time_zone": "Mars/Olympus_Mons", "page_limit": 0},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"time_zone", "page_limit"}
    edition.refresh_from_db()
    assert (edition.time_zone, edition.page_limit) == ("America/Los_Angeles", 10)


def test_settings_that_contradict_each_other_are_a_400(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.patch(
        "/api/editions/mlsys2027/settings/",
        {"starts_on": "2027-05-10", "ends_on": "2027-05-01"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "ends_on" in response.json()
    edition.refresh_from_db()
    assert edition.starts_on is None


@pytest.mark.parametrize("persona", ["pc_systems", "ae_member", "outsider"])
def test_others_are_refused_settings_with_the_reason(
    request: pytest.FixtureRequest, client: Any, edition: Edition, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.patch("/api/editions/mlsys2027/settings/", {"venue": "X"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": SETTINGS_REFUSAL}
    edition.refresh_from_db()
    assert edition.venue == ""


def test_anonymous_is_refused_settings(client: Any, edition: Edition) -> None:
    response = client.patch("/api/editions/mlsys2027/settings/", {"venue": "X"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert response.json()["detail"]
    edition.refresh_from_db()
    assert edition.venue == ""


# --- PUT deadlines -------------------------------------------------------------------------


def test_chair_puts_deadlines(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.put(
        "/api/editions/mlsys2027/deadlines/",
        [
            {"phase": "abstract", "closes_at": "2027-03-20T23:59:59-12:00"},
            {"phase": "bidding", "opens_at": "2027-04-01T00:00:00Z", "closes_at": "2027-04-10T11:59:59Z"},
            {"phase": "reviewing", "closes_at": None},
        ],
        content_type="application/json",
    )
    assert response.status_code == 200
    returned = {d["phase"]: d for d in response.json()}
    assert set(returned) == {"abstract", "paper", "bidding", "notification"}
    assert returned["abstract"]["closes_at"] == "2027-03-21T11:59:59Z"
    assert returned["abstract"]["closes_at_aoe"] == "2027-03-20T23:59:59-12:00"
    assert returned["bidding"]["opens_at"] == "2027-04-01T00:00:00Z"

    stored = {phase: (opens, closes) for phase, opens, closes in deadlines_of(edition)}
    assert stored["abstract"] == (None, utc(2027, 3, 21, 11, 59, 59))
    assert stored["bidding"] == (utc(2027, 4, 1), utc(2027, 4, 10, 11, 59, 59))
    assert "reviewing" not in stored


def test_deadline_opening_after_closing_is_a_400_not_a_500(client: Any, edition: Edition, chair: Any) -> None:
    before = deadlines_of(edition)
    client.force_login(chair)
    response = client.put(
        "/api/editions/mlsys2027/deadlines/",
        [
            {"phase": "abstract", "closes_at": "2027-03-20T23:59:59Z"},
            {"phase": "bidding", "opens_at": "2027-05-01T00:00:00Z", "closes_at": "2027-04-01T00:00:00Z"},
        ],
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == ["Bidding must open before it closes."]
    assert deadlines_of(edition) == before


@pytest.mark.parametrize(
    "body",
    [
        [{"phase": "coffee_break", "closes_at": "2027-03-20T23:59:59Z"}],
        [{"phase": "abstract", "closes_at": "not a time"}],
        [{"phase": "abstract"}],
        {"phase": "abstract", "closes_at": "2027-03-20T23:59:59Z"},
    ],
)
def test_malformed_deadlines_are_a_400(client: Any, edition: Edition, chair: Any, body: Any) -> None:
    before = deadlines_of(edition)
    client.force_login(chair)
    response = client.put("/api/editions/mlsys2027/deadlines/", body, content_type="application/json")
    assert response.status_code == 400
    assert deadlines_of(edition) == before


def test_pc_member_is_refused_deadlines_with_the_reason(client: Any, edition: Edition, pc_ml: Any) -> None:
    before = deadlines_of(edition)
    client.force_login(pc_ml)
    response = client.put(
        "/api/editions/mlsys2027/deadlines/",
        [{"phase": "abstract", "closes_at": "2030-01-01T00:00:00Z"}],
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json() == {"detail": SETTINGS_REFUSAL}
    assert deadlines_of(edition) == before


def test_anonymous_is_refused_deadlines(client: Any, edition: Edition) -> None:
    before = deadlines_of(edition)
    response = client.put(
        "/api/editions/mlsys2027/deadlines/",
        [{"phase": "abstract", "closes_at": "2030-01-01T00:00:00Z"}],
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert deadlines_of(edition) == before


def test_chair_of_a_hidden_edition_puts_its_deadlines(client: Any, hidden: Edition, chair: Any, outsider: Any) -> None:
    body = [{"phase": "paper", "closes_at": "2028-01-17T11:59:59Z"}]
    client.force_login(outsider)
    assert client.put("/api/editions/mlsys2028/deadlines/", body, content_type="application/json").status_code == 404
    client.force_login(chair)
    response = client.put("/api/editions/mlsys2028/deadlines/", body, content_type="application/json")
    assert response.status_code == 200
    assert [d["phase"] for d in response.json()] == ["paper"]

"""One reading of a time (issue 9): the deadlines API and the chairs' deadlines form read a time
without an offset in the edition's zone, a time with one as that instant, and refuse a time
the edition's clock skips or repeats; the API answers with offsets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from conferences.models import Deadline, Edition, Phase

pytestmark = pytest.mark.django_db

API = "/api/editions/mlsys2027/deadlines/"  # the persona edition is in America/Los_Angeles


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def abstract_closes(edition: Edition) -> datetime:
    return Deadline.objects.get(edition=edition, phase=Phase.ABSTRACT_REGISTRATION).closes_at


def put(client: Any, closes_at: str, opens_at: str | None = None) -> Any:
    row = {"phase": "abstract", "closes_at": closes_at} | ({"opens_at": opens_at} if opens_at else {})
    return client.put(API, [row], content_type="application/json")


def post_form(client: Any, edition: Edition, closes: str) -> Any:
    url = reverse("conferences:deadlines", kwargs={"edition_slug": edition.slug})
    return client.post(url, {"abstract_closes": closes})


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2027-03-20T23:59:59", utc(2027, 3, 21, 6, 59, 59)),  # PDT, UTC-7
        ("2027-01-15T12:00:00", utc(2027, 1, 15, 20, 0, 0)),  # PST, UTC-8
        ("2027-03-20 23:59", utc(2027, 3, 21, 6, 59, 0)),  # a space and no seconds: still local
    ],
)
def test_a_time_without_offset_is_in_the_edition_zone(
    client: Any, edition: Edition, chair: Any, sent: str, stored: datetime
) -> None:
    client.force_login(chair)
    response = put(client, sent, opens_at=sent.replace("-03-20", "-03-01").replace("-01-15", "-01-01"))
    assert response.status_code == 200, response.json()
    assert abstract_closes(edition) == stored


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("2027-03-20T23:59:59Z", utc(2027, 3, 20, 23, 59, 59)),
        ("2027-03-20T23:59:59+00:00", utc(2027, 3, 20, 23, 59, 59)),
        ("2027-03-20T23:59:59-12:00", utc(2027, 3, 21, 11, 59, 59)),  # AoE
        ("2027-03-20T23:59:59+05:30", utc(2027, 3, 20, 18, 29, 59)),
    ],
)
def test_a_time_with_offset_is_that_instant(
    client: Any, edition: Edition, chair: Any, sent: str, stored: datetime
) -> None:
    client.force_login(chair)
    assert put(client, sent).status_code == 200
    assert abstract_closes(edition) == stored


def test_every_time_returned_carries_its_offset(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    body = put(client, "2027-03-20T23:59:59", opens_at="2027-03-01T00:00:00").json()
    times = [d[key] for d in body for key in ("opens_at", "closes_at", "closes_at_local", "closes_at_aoe") if d[key]]
    assert len(times) > 5
    for text in times:
        assert datetime.fromisoformat(text).utcoffset() is not None, text
    [abstract] = [d for d in body if d["phase"] == "abstract"]
    assert abstract["closes_at_local"] == "2027-03-20T23:59:59-07:00"
    assert datetime.fromisoformat(abstract["closes_at"]) == utc(2027, 3, 21, 6, 59, 59)
    edition_page = client.get("/api/editions/mlsys2027/").json()
    assert all(datetime.fromisoformat(d["closes_at"]).utcoffset() is not None for d in edition_page["deadlines"])


@pytest.mark.parametrize("typed", ["2027-03-20T23:59:59", "2027-11-20T08:00:00", "2027-03-13T23:59:59"])
def test_the_form_and_the_api_agree_on_the_same_naive_input(
    client: Any, edition: Edition, chair: Any, typed: str
) -> None:
    client.force_login(chair)
    assert post_form(client, edition, typed).status_code == 302
    by_form = abstract_closes(edition)
    Deadline.objects.filter(edition=edition).delete()
    assert put(client, typed).status_code == 200
    assert abstract_closes(edition) == by_form


def test_the_form_and_the_api_agree_for_an_edition_in_another_zone(client: Any, edition: Edition, chair: Any) -> None:
    Edition.objects.filter(pk=edition.pk).update(time_zone="Europe/Berlin")
    client.force_login(chair)
    assert post_form(client, edition, "2027-04-01T23:59:59").status_code == 302
    assert abstract_closes(edition) == utc(2027, 4, 1, 21, 59, 59)  # CEST, UTC+2
    assert put(client, "2027-04-01T23:59:59").status_code == 200
    assert abstract_closes(edition) == utc(2027, 4, 1, 21, 59, 59)


@pytest.mark.parametrize(
    "local",
    [
        "2027-03-14T02:30:00",  # Los Angeles skips 02:00-03:00 that night
        "2027-11-07T01:30:00",  # and lives 01:00-02:00 twice
    ],
)
def test_a_time_the_zone_skips_or_repeats_is_refused_by_both(
    client: Any, edition: Edition, chair: Any, local: str
) -> None:
    before = abstract_closes(edition)
    client.force_login(chair)
    form = post_form(client, edition, local)
    assert form.status_code == 200
    assert "America/Los_Angeles; it may be ambiguous or it may not exist" in form.content.decode()
    response = put(client, local)
    assert response.status_code == 400
    assert "America/Los_Angeles; it may be ambiguous or it may not exist" in str(response.json())
    assert abstract_closes(edition) == before
    assert put(client, f"{local}-07:00").status_code == 200  # with its offset it is one instant

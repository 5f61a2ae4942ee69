"""Deadlines in the chair's terms (issue 9): each time on the chairs' deadlines form is typed in
the edition's zone or in AoE (a choice next to it), stored in UTC; "Preview" reads every time as
saving would and shows it in UTC, the edition's zone and AoE, saving nothing; the deadlines API
takes the same choice per time (``<time>_zone``) or an ISO time with its offset."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse

from actionlog.models import Action
from conferences.forms import time_zone_choices
from conferences.models import Deadline, Edition, Phase

pytestmark = pytest.mark.django_db

API = "/api/editions/mlsys2027/deadlines/"  # the persona edition is in America/Los_Angeles


def url(edition: Edition) -> str:
    return reverse("conferences:deadlines", kwargs={"edition_slug": edition.slug})


def abstract(edition: Edition) -> Deadline:
    return Deadline.objects.get(edition=edition, phase=Phase.ABSTRACT_REGISTRATION)


def timeline(edition: Edition) -> list[tuple[str, datetime | None, datetime | None, datetime]]:
    return list(
        Deadline.objects.filter(edition=edition)
        .order_by("phase")
        .values_list("phase", "opens_at", "soft_closes_at", "closes_at")
    )


def test_an_aoe_entry_is_stored_in_utc(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(url(edition), {"abstract_closes": "2027-01-10T23:59", "abstract_closes_zone": "aoe"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert abstract(edition).closes_at == datetime(2027, 1, 11, 11, 59, tzinfo=UTC)


def test_an_entry_in_the_edition_zone_is_stored_in_utc(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(
        url(edition),
        {
            "abstract_opens": "2027-01-02T09:00:00",  # no zone sent: the edition's, as before
            "abstract_closes": "2027-01-10T23:59:00",
            "abstract_closes_zone": "edition",
        },
    )
    assert response.status_code == 302
    deadline = abstract(edition)
    assert deadline.opens_at == datetime(2027, 1, 2, 17, 0, tzinfo=UTC)  # PST, UTC-8
    assert deadline.closes_at == datetime(2027, 1, 11, 7, 59, tzinfo=UTC)


def test_each_time_has_its_own_zone(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(
        url(edition),
        {
            "abstract_soft": "2027-01-10T23:59:00",
            "abstract_soft_zone": "aoe",
            "abstract_closes": "2027-01-11T08:00:00",
            "abstract_closes_zone": "edition",
        },
    )
    assert response.status_code == 302
    deadline = abstract(edition)
    assert deadline.soft_closes_at == datetime(2027, 1, 11, 11, 59, tzinfo=UTC)
    assert deadline.closes_at == datetime(2027, 1, 11, 16, 0, tzinfo=UTC)


def test_an_aoe_time_the_edition_zone_skips_is_one_instant(client: Any, edition: Edition, chair: Any) -> None:
    """Los Angeles skips 02:00-03:00 on 14 March 2027; AoE has no such gap."""
    client.force_login(chair)
    form = {"abstract_closes": "2027-03-14T02:30:00"}
    assert client.post(url(edition), form).status_code == 200  # refused in the edition's zone
    assert client.post(url(edition), form | {"abstract_closes_zone": "aoe"}).status_code == 302
    assert abstract(edition).closes_at == datetime(2027, 3, 14, 14, 30, tzinfo=UTC)


def test_the_form_offers_the_zone_and_the_aoe_button_script(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    html = client.get(url(edition)).content.decode()
    assert '<select name="abstract_closes_zone"' in html
    assert '<option value="edition" selected>America/Los_Angeles</option>' in html
    assert '<option value="aoe">AoE</option>' in html
    assert "conferences/deadlines_form.js" in html
    assert "<script>" not in html  # strict CSP: the button comes from the static file


def test_preview_shows_three_renderings_and_saves_nothing(client: Any, edition: Edition, chair: Any) -> None:
    before = timeline(edition)
    actions = Action.objects.count()
    client.force_login(chair)
    response = client.post(
        url(edition),
        {"abstract_closes": "2027-01-10T23:59:00", "abstract_closes_zone": "aoe", "preview": "1"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Preview: nothing is saved yet." in html
    assert "Mon 11 Jan 2027, 11:59:00 UTC" in html
    assert "Mon 11 Jan 2027, 03:59:00 PST" in html
    assert "Sun 10 Jan 2027, 23:59:00 AoE" in html
    assert 'value="aoe" selected' in html  # the entry comes back as typed, ready to save
    assert timeline(edition) == before
    assert Action.objects.count() == actions


def test_preview_shows_the_problems_saving_would_refuse(client: Any, edition: Edition, chair: Any) -> None:
    before = timeline(edition)
    client.force_login(chair)
    response = client.post(
        url(edition),
        {
            "abstract_closes": "2027-03-20T23:59:59",
            "bidding_opens": "2027-05-01T00:00:00",
            "bidding_closes": "2027-04-01T23:59:59",
            "preview": "1",
        },
    )
    html = response.content.decode()
    assert "Bidding must open before it closes." in html
    assert "Preview: nothing is saved yet." not in html
    assert timeline(edition) == before


def test_no_preview_without_the_preview_button(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(url(edition), {"abstract_closes": "2027-01-10T23:59:00"}, follow=True)
    assert "Preview: nothing is saved yet." not in response.content.decode()
    assert abstract(edition).closes_at == datetime(2027, 1, 11, 7, 59, tzinfo=UTC)


def test_the_edition_time_zone_is_a_choice_of_the_tz_database(client: Any, edition: Edition, chair: Any) -> None:
    names = [name for name, _ in time_zone_choices()]
    assert "America/Los_Angeles" in names
    assert "Etc/GMT+12" in names
    client.force_login(chair)
    settings_url = reverse("conferences:settings", kwargs={"edition_slug": edition.slug})
    html = client.get(settings_url).content.decode()
    assert '<select name="time_zone"' in html
    assert '<option value="Europe/Berlin">Europe/Berlin</option>' in html


# --- API -----------------------------------------------------------------------------------


def put(client: Any, row: dict[str, Any]) -> Any:
    return client.put(API, [{"phase": "abstract"} | row], content_type="application/json")


def test_the_api_takes_the_aoe_choice(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = put(client, {"closes_at": "2027-01-10T23:59:00", "closes_at_zone": "aoe"})
    assert response.status_code == 200, response.json()
    assert abstract(edition).closes_at == datetime(2027, 1, 11, 11, 59, tzinfo=UTC)
    [row] = [d for d in response.json() if d["phase"] == "abstract"]
    assert row["closes_at_aoe"] == "2027-01-10T23:59:00-12:00"


def test_the_api_reads_a_time_without_zone_in_the_edition_zone(client: Any, edition: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = put(
        client,
        {"opens_at": "2027-01-02T09:00:00", "closes_at": "2027-01-10T23:59:00", "closes_at_zone": "edition"},
    )
    assert response.status_code == 200, response.json()
    assert abstract(edition).opens_at == datetime(2027, 1, 2, 17, 0, tzinfo=UTC)
    assert abstract(edition).closes_at == datetime(2027, 1, 11, 7, 59, tzinfo=UTC)


def test_the_api_refuses_an_offset_and_a_zone_together(client: Any, edition: Edition, chair: Any) -> None:
    before = timeline(edition)
    client.force_login(chair)
    response = put(client, {"closes_at": "2027-01-10T23:59:00+01:00", "closes_at_zone": "aoe"})
    assert response.status_code == 400
    assert "send the offset or a zone, not both" in str(response.json())
    assert put(client, {"closes_at": "2027-01-10T23:59:00", "closes_at_zone": "mars"}).status_code == 400
    assert timeline(edition) == before


def test_the_api_zone_choice_is_documented(client: Any, chair: Any) -> None:
    from conferences.api import DeadlinesInputSerializer

    fields = DeadlinesInputSerializer().fields
    for name in ("opens_at", "soft_closes_at", "closes_at"):
        assert "aoe" in str(fields[f"{name}_zone"].help_text)
        assert "offset" in str(fields[name].help_text)

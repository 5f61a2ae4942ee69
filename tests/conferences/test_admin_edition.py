"""The Django admin changes editions only through the services: the same checks, and the
change is in the action log with its before/after. Roles, invitations and deadlines are
read-only there (tests/test_admin.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from actionlog.models import Action
from conferences.models import Edition
from conferences.services import EDITION_FIELDS

pytestmark = pytest.mark.django_db


def form_data(edition: Edition, **changes: Any) -> dict[str, Any]:
    data = {field: getattr(edition, field) for field in EDITION_FIELDS}
    data = {field: ("" if value is None else value) for field, value in data.items()}
    data["is_public"] = "on" if data["is_public"] else ""
    data.update(changes)
    existing = edition.deadlines.count() if edition.pk else 0
    return {
        **{k: v for k, v in data.items() if v != ""},
        "deadlines-TOTAL_FORMS": existing,
        "deadlines-INITIAL_FORMS": existing,
    }


def test_changing_an_edition_in_the_admin_goes_through_the_service(admin_client: Any, edition: Edition) -> None:
    old_venue = edition.venue
    url = reverse("admin:conferences_edition_change", args=[edition.pk])
    response = admin_client.post(url, form_data(edition, venue="Santa Clara"))
    assert response.status_code == 302, response.content.decode()[:2000]
    edition.refresh_from_db()
    assert edition.venue == "Santa Clara"
    [entry] = Action.objects.filter(edition=edition, action="edition.settings_changed")
    assert entry.changes == {"venue": [old_venue, "Santa Clara"]}
    assert entry.actor is not None
    assert entry.actor.is_superuser


def test_creating_an_edition_in_the_admin_is_logged(admin_client: Any, edition: Edition) -> None:
    template = Edition(**{field: getattr(edition, field) for field in EDITION_FIELDS})
    data = form_data(template, name="MLSys 2031")
    response = admin_client.post(reverse("admin:conferences_edition_add"), {**data, "slug": "mlsys2031"})
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Edition.objects.get(slug="mlsys2031")
    assert created.name == "MLSys 2031"
    assert Action.objects.filter(edition=created, action="edition.created").count() == 1

"""One date format everywhere: a moment is shown as "Mon 30 Nov 2026, 15:28:27 PST" in the
edition's zone (the ``local`` filter), on deadlines, uploads, the action log, the outbox..."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from actionlog.models import Action
from actionlog.services import record_action
from conferences.templatetags.deadlines import local

pytestmark = pytest.mark.django_db

MOMENT = re.compile(r"\w{3} \d{2} \w{3} \d{4}, \d{2}:\d{2}:\d{2} [A-Z+\-0-9]+")


def test_the_local_filter_names_the_zone() -> None:
    with timezone.override("Europe/Berlin"):
        assert local(datetime(2027, 1, 15, 11, 0, 5, tzinfo=UTC)) == "Fri 15 Jan 2027, 12:00:05 CET"


def test_the_action_log_uses_the_one_format(client: Any, edition: Any, chair: Any, pc_ml: Any) -> None:
    record_action(edition=edition, actor=None, action="conflict.found", person=pc_ml, note="by a job")
    Action.objects.update(created_at=datetime(2027, 1, 15, 20, 0, tzinfo=UTC))
    client.force_login(chair)
    html = client.get(reverse("actionlog:log", kwargs={"edition_slug": edition.slug})).content.decode()
    assert "Fri 15 Jan 2027, 12:00:00 PST" in html  # the persona edition is in America/Los_Angeles
    assert "2027-01-15" not in html


def test_the_api_tokens_use_the_one_format(client: Any, author: Any) -> None:
    client.force_login(author)
    client.post(reverse("accounts:token_create"), {"name": "script", "expires_in_days": "30"})
    html = client.get(reverse("accounts:profile")).content.decode()
    section = html[html.index('id="api-tokens"') :]
    assert MOMENT.search(section), section[:2000]

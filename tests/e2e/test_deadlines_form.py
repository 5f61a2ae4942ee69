"""The chair, in Chromium, sets a deadline in one click to 23:59 AoE, previews it in UTC (nothing
saved yet), then saves it: kept as 11:59 UTC the next day (issue 9)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conferences.models import Deadline, Edition, Phase
from tests.e2e.test_content_security_policy import VIOLATION_SIGNS, sign_in_as

pytestmark = pytest.mark.django_db(transaction=True)


def test_23_59_aoe_preview_then_save(page: Page, live_server: Any, edition: Edition, chair: Any) -> None:
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if any(s in m.text for s in VIOLATION_SIGNS) else None)
    page.on("pageerror", lambda error: refused.append(str(error)))
    before = Deadline.objects.get(edition=edition, phase=Phase.ABSTRACT_REGISTRATION).closes_at
    sign_in_as(page, live_server.url, chair)
    page.goto(f"{live_server.url}{reverse('conferences:deadlines', kwargs={'edition_slug': edition.slug})}")

    closes = page.locator("tr[data-phase=abstract] td:nth-child(4)")
    closes.locator("input").fill("2027-01-10T09:30:00")
    closes.get_by_role("button", name="23:59 AoE").click()
    expect(closes.locator("input")).to_have_value(re.compile(r"^2027-01-10T23:59(:00)?$"))
    expect(closes.locator("select")).to_have_value("aoe")

    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#deadlines-preview")).to_contain_text("nothing is saved yet")
    closes = page.locator("tr[data-phase=abstract] td:nth-child(4)")
    expect(closes.locator(".in-utc")).to_have_text("Mon 11 Jan 2027, 11:59:00 UTC")
    expect(closes.locator(".in-aoe")).to_have_text("Sun 10 Jan 2027, 23:59:00 AoE")
    assert Deadline.objects.get(edition=edition, phase=Phase.ABSTRACT_REGISTRATION).closes_at == before

    page.get_by_role("button", name="Save deadlines").click()
    expect(page.get_by_text("Deadlines saved")).to_be_visible()
    saved = Deadline.objects.get(edition=edition, phase=Phase.ABSTRACT_REGISTRATION).closes_at
    assert saved == datetime(2027, 1, 11, 11, 59, tzinfo=UTC)
    assert refused == []

"""A newcomer signs up, verifies the address from the outbox, signs out and back in."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from outbox.models import Mail

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_up_verify_and_sign_in(page: Page, live_server: Any, edition: Any) -> None:
    page.goto(live_server.url + "/")
    expect(page.get_by_role("link", name="MLSys 2027")).to_be_visible()
    page.get_by_role("link", name="Sign up").click()

    page.get_by_label("Email").fill("grace@example.edu")
    page.locator("#id_password1").fill("correct-horse-battery-2027")
    page.locator("#id_password2").fill("correct-horse-battery-2027")
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Last name").fill("Hopper")
    page.get_by_label("Affiliation").fill("Yale University")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()

    body = Mail.objects.get(to_email="grace@example.edu").body
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+/)", body)
    assert link, body
    page.goto(live_server.url + link.group(1))
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("link", name="Grace Hopper")).to_be_visible()

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("link", name="Sign in")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("grace@example.edu")
    page.get_by_label("Password").fill("correct-horse-battery-2027")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="Grace Hopper")).to_be_visible()

    page.goto(live_server.url + edition.get_absolute_url())
    expect(page.locator("#author-panel")).to_contain_text("You have no submission to MLSys 2027")
    expect(page.locator("#current-phase")).to_have_text("Abstract registration")

"""The chair, in Chromium, signs in without a ``next``, lands on the edition they chair and
reaches every chair page through the chair menu, each marked as the current one."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conferences.chair_menu import CHAIR_MENU
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_chair_reaches_every_chair_page_from_the_menu(
    page: Page, live_server: Any, edition: Any, chair: Any
) -> None:
    page.goto(f"{live_server.url}{reverse('account_login')}")
    page.get_by_label("Email").fill(chair.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(f"{live_server.url}{edition.get_absolute_url()}")

    menu = page.get_by_role("navigation", name="Chair menu")
    for label, name in reversed(CHAIR_MENU):
        menu.get_by_role("link", name=label, exact=True).click()
        expect(page).to_have_url(f"{live_server.url}{reverse(name, kwargs={'edition_slug': edition.slug})}")
        expect(menu.locator("[aria-current=page]")).to_have_text(label)

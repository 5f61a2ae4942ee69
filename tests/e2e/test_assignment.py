"""A chair, in Chromium: runs the solver, reads the preview, removes a reviewer (and is warned
about the balance), assigns one by hand, and commits."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from assignments.models import Assignment
from tests.e2e.test_author_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_chair_runs_adjusts_and_commits(page: Page, live_server: Any, edition: Any, chair: Any, papers: Any) -> None:
    sign_in(page, live_server.url, chair.email)
    page.goto(live_server.url + edition.get_absolute_url())
    page.get_by_role("link", name="Assignments").click()
    page.get_by_role("button", name="Run the solver").click()
    expect(page.locator("#solver")).to_contain_text("proven optimal")
    expect(page.locator("#summary")).to_contain_text("12 draft")
    first_row = page.locator("#per-paper tr[data-paper='1']")
    expect(first_row).to_contain_text("2+2")

    first_row.get_by_role("button").first.click()
    expect(page.locator(".message.warning").first).to_contain_text("#1 has 1")
    expect(page.locator("#per-paper tr[data-paper='1']")).to_contain_text("of 2+2")

    removed = set(Assignment.objects.values_list("submission__number", "user_id"))
    options = page.locator("#id_user option")
    page.get_by_label("Paper:", exact=True).select_option("1")  # chosen by "#1 — title", not typed
    for i in range(options.count()):
        value = options.nth(i).get_attribute("value")
        if value and (1, int(value)) not in removed:
            page.locator("#id_user").select_option(value)
            break
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".message.success")).to_contain_text("Assigned #1")

    page.locator("#commit").click()
    expect(page.locator("#abstract-open")).to_be_visible()  # the fixture edition still takes abstracts
    page.get_by_label("Reason to commit during abstract registration").fill("Early assignment for the shepherds")
    page.get_by_label("Mail").check()
    page.locator("#commit-confirm").click()
    expect(page.locator(".message.success")).to_contain_text("12 assignments committed")
    assert Assignment.objects.filter(is_committed=True).count() == 12

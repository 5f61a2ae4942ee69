"""A chair in Chromium filters the decision dashboard with the search box, selects papers with
the keyboard (j/k/x, a static script under the strict CSP) and a click, and records a decision
for them in bulk; the author sees "PDF submitted" until the chairs release decisions, then the
decision."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from conferences.models import ReleaseKind
from conferences.releases import release_now
from decisions.models import Decision
from submissions.models import SubmissionState
from tests.e2e.test_author_flow import sign_in
from tests.factories.reviews import assign, open_reviewing, write_review
from tests.factories.submissions import AuthorFactory, SubmissionFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCORES = {1: (5, 6), 2: (4, 4), 3: (1, 2)}


def test_a_chair_decides_in_bulk_and_the_author_sees_it_after_release(
    page: Page, browser: Browser, live_server: Any, edition: Any, chair: Any, pc_systems: Any, pc_ml: Any, author: Any
) -> None:
    open_reviewing(edition)
    for number, (systems, ml) in SCORES.items():
        paper: Any = SubmissionFactory(
            edition=edition, number=number, title=f"Kernel paper {number}", state=SubmissionState.SUBMITTED
        )
        AuthorFactory(submission=paper, position=1, name=author.display_name, email=author.email, user=author)
        for reviewer, score in ((pc_systems, systems), (pc_ml, ml)):
            assign(paper, reviewer)
            write_review(paper, reviewer, merit=score)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    sign_in(page, live_server.url, chair.email)
    page.goto(f"{live_server.url}/{edition.slug}/decisions/")
    expect(page.locator("#decisions-table tbody tr.paper-row")).to_have_count(3)
    page.locator("#decisions-q").fill("mean>=4")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#decisions-table tbody tr.paper-row")
    expect(rows).to_have_count(2)
    expect(page.locator("#decisions-table")).not_to_contain_text("Kernel paper 3")

    page.locator("h1").click()  # focus off the search box: the keys move and select
    page.keyboard.press("j")
    expect(rows.nth(0)).to_have_class("paper-row current")
    page.keyboard.press("x")
    expect(rows.nth(0).locator("input[type=checkbox]")).to_be_checked()
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class("paper-row current")
    rows.nth(1).locator("input[type=checkbox]").check()
    page.locator("#bulk-category").select_option(label="Accept (poster)")
    page.locator("#bulk-decide").click()
    expect(page.locator(".messages")).to_contain_text("Recorded “Accept (poster)” for 2 papers")
    expect(page.locator("#decisions-q")).to_have_value("mean>=4")  # the filter is kept
    expect(page.locator("#decisions-table")).to_contain_text("pending")
    assert set(Decision.objects.values_list("submission__number", flat=True)) == {1, 2}
    assert errors == []

    author_context = browser.new_context()
    author_page = author_context.new_page()
    sign_in(author_page, live_server.url, author.email)
    author_page.goto(f"{live_server.url}/{edition.slug}/submissions/1/")
    expect(author_page.locator("main")).to_contain_text("PDF submitted")
    expect(author_page.locator("main")).not_to_contain_text("accepted")

    release_now(by=chair, edition=edition, kind=ReleaseKind.DECISIONS)
    author_page.reload()
    expect(author_page.locator("main")).to_contain_text("accepted")
    author_page.goto(f"{live_server.url}/{edition.slug}/submissions/3/")
    expect(author_page.locator("main")).not_to_contain_text("accepted")
    author_context.close()

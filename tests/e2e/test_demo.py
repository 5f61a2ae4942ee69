"""The demo a newcomer clicks through: every demo login signs in through the real login page,
and each role's pages answer with what the README promises."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from site_pages.demo import DEMO_PASSWORD, seed_demo
from tests.e2e.test_author_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

EDITION = "/mlsys2027/"


@pytest.fixture
def demo() -> Any:
    return seed_demo(papers=4)


def visit(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 200, f"{url} answered {response.status}"


def test_the_chair_sees_every_dashboard_page_and_runs_the_solver(page: Page, live_server: Any, demo: Any) -> None:
    sign_in(page, live_server.url, "chair@mlsys.example.org", DEMO_PASSWORD)
    visit(page, live_server.url + EDITION)
    expect(page.locator("#chair-panel")).to_contain_text("4 active submissions")
    expect(page.locator("#chair-panel")).to_contain_text("PC: 7 Systems · 7 ML")
    for link in ("Submissions", "Committee", "Bids", "Deadlines", "Settings"):
        visit(page, live_server.url + EDITION)
        page.get_by_role("navigation", name="Chair menu").get_by_role("link", name=link, exact=True).click()
        expect(page.locator("main h1")).to_be_visible()
    visit(page, live_server.url + EDITION + "chair/assignments/")
    page.get_by_role("button", name="Run the solver").click()
    expect(page.locator("#solver")).to_contain_text("proven optimal")
    expect(page.locator("#summary")).to_contain_text("16 draft")
    visit(page, live_server.url + "/admin/")


def test_a_pc_member_sees_papers_sorted_by_match_before_bidding_opens(page: Page, live_server: Any, demo: Any) -> None:
    sign_in(page, live_server.url, "pc-ml-02@cmu.example.edu", DEMO_PASSWORD)
    visit(page, live_server.url + EDITION)
    panel = page.locator(".role-panel")
    expect(panel).to_contain_text("Bidding opens at")
    panel.get_by_role("link", name="Papers to bid on").click()
    expect(page.locator("body")).to_contain_text("Bids cannot be changed now")
    expect(page.locator("tr[data-number] td.affinity meter").first).to_be_visible()
    expect(page.locator("#not-matched")).to_have_count(0)
    scores = [
        float(v) for v in page.locator("tr[data-number] td.affinity meter").evaluate_all("ms => ms.map(m => m.value)")
    ]
    assert scores == sorted(scores, reverse=True)


def test_the_author_sees_their_papers(page: Page, live_server: Any, demo: Any) -> None:
    sign_in(page, live_server.url, "author-01@ethz.example.ch", DEMO_PASSWORD)
    visit(page, live_server.url + EDITION + "submissions/")
    expect(page.get_by_role("link", name="Register a new paper")).to_be_visible()

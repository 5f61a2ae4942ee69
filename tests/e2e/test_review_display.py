"""The reviews of a paper in Chromium: the Systems and the ML reviews side by side on a wide
screen, one above the other on a phone, with nothing wider than the screen."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, FloatRect, Page, expect

from conferences.models import Edition
from submissions.models import Submission
from tests.e2e.test_author_flow import sign_in
from tests.factories.reviews import assign, open_reviewing, write_review

pytestmark = pytest.mark.django_db(transaction=True)

LONG_WORD = "Unbreakable" * 30  # a review may hold a long URL or identifier


@pytest.fixture
def reviewed(edition: Edition, submission: Submission, pc_systems: Any, pc_ml: Any) -> Submission:
    open_reviewing(edition)
    assign(submission, pc_systems)
    assign(submission, pc_ml)
    write_review(submission, pc_systems, weaknesses=f"Systems view.\nSecond line {LONG_WORD}")
    write_review(submission, pc_ml, weaknesses="ML view.")
    return submission


def open_page(page: Page, base: str, user: Any, paper: Submission) -> None:
    sign_in(page, base, user.email)
    page.goto(f"{base}/{paper.edition.slug}/reviews/papers/{paper.number}/")
    expect(page.locator("#reviews-systems")).to_contain_text("Systems view.")
    expect(page.locator("#reviews-ml")).to_contain_text("ML view.")


def boxes(page: Page) -> tuple[FloatRect, FloatRect]:
    systems = page.locator("#reviews-systems").bounding_box()
    ml = page.locator("#reviews-ml").bounding_box()
    assert systems is not None
    assert ml is not None
    return systems, ml


def test_side_by_side_on_a_wide_screen(page: Page, live_server: Any, reviewed: Submission, pc_ml: Any) -> None:
    page.set_viewport_size({"width": 1200, "height": 900})
    open_page(page, live_server.url, pc_ml, reviewed)
    systems, ml = boxes(page)
    assert ml["x"] >= systems["x"] + systems["width"] - 1  # ML to the right of Systems
    assert abs(ml["y"] - systems["y"]) < 2  # on the same line
    expect(page.locator("#score-summary")).to_contain_text("Mean")


def test_stacked_on_a_phone(browser: Browser, live_server: Any, reviewed: Submission, pc_ml: Any) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        open_page(page, live_server.url, pc_ml, reviewed)
        systems, ml = boxes(page)
        assert ml["y"] >= systems["y"] + systems["height"] - 1  # ML below Systems
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()

"""The public program on a phone (375 CSS px wide, in Chromium): no page scrolls sideways, the
rooms of a day stack into one column, and the skip link is the first stop of the keyboard."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page

from conferences.models import Edition
from tests.program.factories import SampleProgram, sample_program

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 375
OVERFLOW = """(width) => [...document.body.querySelectorAll('*')]
  .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > width + 0.5)
  .filter((el) => !el.closest('.visually-hidden') && !el.closest('.skip-link'))
  .slice(0, 5).map((el) => el.tagName.toLowerCase() + '.' + el.className)"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": WIDTH, "height": 812}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def program(edition: Edition) -> SampleProgram:
    return sample_program(edition)


def test_no_public_page_scrolls_sideways_on_a_phone(phone: Page, live_server: Any, program: SampleProgram) -> None:
    slug = program.edition.slug
    pages = [
        reverse("program:public_schedule", args=[slug]),
        reverse("program:public_session", args=[slug, program.sessions["talks"].pk]),
        reverse("program:public_paper", args=[slug, 1]),
        reverse("program:public_authors", args=[slug]),
        reverse("program:public_search", args=[slug]) + "?q=kernels",
        reverse("program:public_changes", args=[slug]),
    ]
    problems = []
    for path in pages:
        phone.goto(live_server.url + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            problems.append(f"{path}: {width} px wide")
        problems += [f"{path}: {item}" for item in phone.evaluate(OVERFLOW, WIDTH)]
    assert problems == []


def test_the_rooms_stack_and_the_skip_link_comes_first(phone: Page, live_server: Any, program: SampleProgram) -> None:
    phone.goto(live_server.url + reverse("program:public_schedule", args=[program.edition.slug]))
    columns = phone.locator(".day").first.locator(".room-column")
    first, second = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
    assert first is not None
    assert second is not None
    assert second["y"] > first["y"]  # one under the other
    assert abs(second["x"] - first["x"]) < 1
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.className") == "skip-link"

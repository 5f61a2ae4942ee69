"""The PC meeting in Chromium: a chair and a PC member each have the live page open; the chair
moves to the next paper and the member's page follows without a reload (a static script under
the strict CSP polling the meeting's JSON), telling them to leave the room when they are
conflicted with the paper and showing them nothing else of it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from conferences.roles import RoleKind
from decisions.meeting import meeting_start
from decisions.services import order_set
from submissions.models import Conflict, ConflictReason, ConflictSource, SubmissionState
from tests.e2e.test_author_flow import sign_in
from tests.factories.committees import RoleFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db(transaction=True)

POLL = 15_000  # ms: the page polls every 3 s


def test_the_member_page_follows_the_chair_without_reload(
    page: Page, browser: Browser, live_server: Any, edition: Any, chair: Any
) -> None:
    member: Any = RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, user__email="member@example.org").user
    papers: list[Any] = [
        SubmissionFactory(edition=edition, number=n, title=f"Meeting paper {n}", state=SubmissionState.SUBMITTED)
        for n in (1, 2, 3)
    ]
    Conflict.objects.create(
        submission=papers[2], user=member, reason=ConflictReason.OTHER, source=ConflictSource.PC_MEMBER
    )
    order_set(by=chair, edition=edition, submissions=papers)
    meeting_start(by=chair, edition=edition)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    sign_in(page, live_server.url, chair.email)
    page.goto(f"{live_server.url}/{edition.slug}/decisions/meeting/")
    expect(page.locator("#meeting-current-paper")).to_have_text("#1 Meeting paper 1")

    member_context = browser.new_context()
    member_page = member_context.new_page()
    member_page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(member_page, live_server.url, member.email)
    member_page.goto(f"{live_server.url}/{edition.slug}/decisions/meeting/")
    expect(member_page.locator("#meeting-current-paper")).to_have_text("#1 Meeting paper 1")
    expect(member_page.locator("#meeting-decide")).to_have_count(0)  # chairs only
    member_page.evaluate("window.notReloaded = true")

    page.locator("#meeting-next").click()
    expect(page.locator("#meeting-current-paper")).to_have_text("#2 Meeting paper 2")
    expect(member_page.locator("#meeting-current-paper")).to_have_text("#2 Meeting paper 2", timeout=POLL)
    expect(member_page.locator("#meeting-order li.current")).to_have_text("#2 Meeting paper 2")
    expect(member_page.locator("#meeting-leave")).to_have_count(0)

    page.locator("#meeting-next").click()  # #3: the member is conflicted with it
    expect(page.locator("#meeting-leaving")).to_contain_text(member.display_name)
    expect(member_page.locator("#meeting-leave")).to_have_text(
        "You must leave the room: you have a conflict of interest with this paper.", timeout=POLL
    )
    expect(member_page.locator("#meeting-leaving")).to_have_count(0)
    expect(member_page.locator("#meeting-scores")).to_have_count(0)
    assert member_page.evaluate("window.notReloaded") is True  # the same page all along
    member_context.close()
    assert errors == []

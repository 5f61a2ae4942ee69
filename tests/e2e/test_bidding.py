"""A PC member bids in Chromium: searches, changes a bid with the keyboard and sees "Saved"
without the page reloading, finds the bid again after a reload, declares a conflict that takes
the paper off the list, and sees the reason inline when bidding has closed meanwhile."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bidding import services
from bidding.models import Bid
from conferences.models import Deadline, Edition, Phase
from submissions.models import Conflict, ConflictSource
from tests.bidding.helpers import add_paper, open_bidding, set_profile
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

NO_RELOAD = "window.__stillTheSamePage"


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("link", name="Sign in")).to_have_count(0)


@pytest.fixture
def papers(edition: Edition, pc_systems: Any) -> Edition:
    open_bidding(edition)
    set_profile(pc_systems, keywords="attention kernels, GPU", publications="Fast attention kernels on GPUs")
    add_paper(edition, 1, title="Sparse attention kernels for GPUs", keywords="attention, GPU kernels")
    add_paper(edition, 2, title="A verified file system", keywords="verification, storage")
    add_paper(edition, 3, title="Congestion control in datacenters", keywords="networks")
    services.affinity_compute(edition=edition)
    return edition


def bids_page(base: str, edition: Edition) -> str:
    return f"{base}/{edition.slug}/pc/bids/"


def mark_page(page: Page) -> None:
    page.evaluate(f"{NO_RELOAD} = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate(f"{NO_RELOAD} === true"), "the page navigated"


def test_bid_with_the_keyboard_saves_without_reload(
    page: Page, live_server: Any, papers: Edition, pc_systems: Any
) -> None:
    sign_in(page, live_server.url, pc_systems.email)
    page.goto(bids_page(live_server.url, papers))
    expect(page.locator("#bid-table tbody tr")).to_have_count(3)
    expect(page.locator("#bid-table tbody tr").first).to_contain_text("Sparse attention kernels")  # best match
    expect(page.locator(".save-bid").first).to_be_hidden()  # JavaScript saves on change

    page.get_by_label("Search").fill("attention")
    page.get_by_label("Search").press("Enter")
    expect(page.locator("#bid-table tbody tr")).to_have_count(1)
    expect(page.locator("#paper-count")).to_contain_text("1 paper matches")

    mark_page(page)
    control = page.get_by_label("Your bid on #1")
    control.focus()
    page.keyboard.press("ArrowDown")  # No bid -> Very high
    page.keyboard.press("ArrowDown")  # -> High
    expect(page.locator("#status-1")).to_have_text("Saved")
    expect(control).to_have_value("1")
    assert_not_reloaded(page)
    assert Bid.objects.get(user=pc_systems, submission__number=1).level == 1

    page.reload()
    expect(page.get_by_label("Your bid on #1")).to_have_value("1")
    expect(page.get_by_label("Search")).to_have_value("attention")

    mark_page(page)
    page.get_by_label("Your bid on #1").focus()
    page.keyboard.press("Home")  # back to "No bid": the bid is taken back
    expect(page.locator("#status-1")).to_have_text("Saved")
    assert_not_reloaded(page)
    assert not Bid.objects.filter(user=pc_systems).exists()


def test_declare_a_conflict_and_the_paper_leaves_the_list(
    page: Page, live_server: Any, papers: Edition, pc_systems: Any
) -> None:
    sign_in(page, live_server.url, pc_systems.email)
    page.goto(bids_page(live_server.url, papers))
    mark_page(page)

    control = page.get_by_label("Your bid on #2")
    control.focus()
    page.keyboard.press("End")  # the last level: Conflict of interest, which asks first
    confirm = page.get_by_role("button", name="Declare the conflict")
    expect(confirm).to_be_visible()
    assert not Conflict.objects.exists()
    page.keyboard.press("Tab")
    expect(confirm).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#status-2")).to_contain_text("Conflict declared")
    expect(control).to_be_disabled()
    assert_not_reloaded(page)
    conflict = Conflict.objects.get(user=pc_systems)
    assert (conflict.submission.number, conflict.source) == (2, ConflictSource.PC_MEMBER)

    page.reload()
    expect(page.locator("#bid-table tbody tr")).to_have_count(2)
    expect(page.locator("#paper-2")).to_have_count(0)
    expect(page.locator("#bid-summary")).to_contain_text("You have 1 conflict of interest")


def test_cancelling_a_conflict_keeps_the_bid(page: Page, live_server: Any, papers: Edition, pc_systems: Any) -> None:
    Bid.objects.create(submission=papers.submissions.get(number=3), user=pc_systems, level=-1)
    sign_in(page, live_server.url, pc_systems.email)
    page.goto(bids_page(live_server.url, papers))
    control = page.get_by_label("Your bid on #3")
    control.select_option("conflict")
    page.get_by_role("button", name="Cancel").click()
    expect(control).to_have_value("-1")
    expect(control).to_be_focused()
    assert not Conflict.objects.exists()
    assert Bid.objects.get(user=pc_systems).level == -1


def test_a_refusal_is_shown_inline_and_the_control_reverts(
    page: Page, live_server: Any, papers: Edition, pc_systems: Any
) -> None:
    sign_in(page, live_server.url, pc_systems.email)
    page.goto(bids_page(live_server.url, papers))
    mark_page(page)
    Deadline.objects.filter(edition=papers, phase=Phase.BIDDING).update(closes_at=timezone.now() - timedelta(seconds=1))

    control = page.get_by_label("Your bid on #1")
    control.select_option("2")
    expect(page.locator("#status-1")).to_contain_text("Not saved: The bidding deadline passed at")
    expect(control).to_have_value("")
    assert_not_reloaded(page)
    assert not Bid.objects.exists()

    page.reload()
    expect(page.locator("#bidding-closed")).to_contain_text("The bidding deadline passed at")
    expect(page.get_by_label("Your bid on #1")).to_be_disabled()

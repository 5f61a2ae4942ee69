"""Phone-sized screens (390 x 844 CSS px, an iPhone 12-15), in Chromium: the bidding page, the
edition page with its timeline and every chair table fit the width without the page scrolling
sideways; the tables are stacked into cards, so none scrolls inside its own wrapper either; the
first paper's bid control is on screen and saves a bid; the site header stays one line.

The header is one line when it is no taller than the nav's ``min-height: 3.2rem`` (51.2 px at
the 16 px root size of site.css): a single row of items (24 px lines) is shorter, so the nav is
exactly that tall, while a second row adds at least a line and the 1rem row gap."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from assignments import services as assignment_services
from bidding import services as bidding_services
from bidding.models import Bid
from committees import services as committee_services
from conferences.models import Edition
from conferences.roles import RoleKind
from tests.bidding.helpers import add_paper, open_bidding, set_profile
from tests.e2e.test_bidding import sign_in
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH, HEIGHT = 390, 844
ONE_LINE_HEADER = 3.2 * 16  # .topbar nav { min-height: 3.2rem }

CHAIR_TABLE_PAGES = (
    ("committees:committee", ("#balance table", "#pending-invitations", "#answered-invitations", "#committee")),
    ("submissions:list", ("#submissions",)),
    ("bidding:stats", ("#member-bids", "#paper-bids")),
    ("assignments:dashboard", ("#per-paper", "#per-member")),
    ("reviews:progress", ("#review-progress",)),
    ("outbox:mail", ("#mails",)),
    ("actionlog:log", ("#actions",)),
)

# Every wrapper wider than its box (it would scroll sideways) and every element sticking out
# past the right edge of the viewport, named so a failure says where.
OVERFLOW = """(width) => {
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const wrappers = [...document.querySelectorAll('.table-wrap')]
    .filter((w) => w.scrollWidth > w.clientWidth)
    .map((w) => name(w.querySelector('table') || w) + ` scrolls ${w.scrollWidth} > ${w.clientWidth}`);
  const sticking = [...document.body.querySelectorAll('*')]
    .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > width + 0.5)
    .filter((el) => !el.closest('.visually-hidden') && !el.parentElement.closest('.table-wrap'))
    .slice(0, 5)
    .map((el) => name(el) + ` right edge ${Math.round(el.getBoundingClientRect().right)}`);
  return {page: document.documentElement.scrollWidth, wrappers, sticking};
}"""


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, is_mobile=True, has_touch=True)
    yield context.new_page()
    context.close()


@pytest.fixture
def busy_edition(edition: Edition, chair: Any, pc_systems: Any, pc_ml: Any) -> Edition:
    """Bidding open, papers with long titles, bids, a pending and a declined invitation (and
    their mail), an assignment: every chair table has rows, and the action log has entries."""
    open_bidding(edition)
    set_profile(pc_systems, keywords="attention kernels, GPU", publications="Fast attention kernels on GPUs")
    set_profile(pc_ml, keywords="verification, learned indexes", publications="Learned index structures")
    add_paper(
        edition,
        1,
        title="Sparse attention kernels for GPUs with fused softmax and block-sparse layouts",
        keywords="attention, GPU kernels, sparsity, compilers",
    )
    add_paper(edition, 2, title="A verified file system for learned index structures", keywords="verification")
    add_paper(edition, 3, title="Congestion control in datacenters", topic="ml", keywords="networks")
    bidding_services.affinity_compute(edition=edition)
    papers = {s.number: s for s in edition.submissions.all()}
    bidding_services.bid_set(submission=papers[2], user=pc_ml, level=2)
    bidding_services.bid_set(submission=papers[3], user=pc_ml, level=-1)
    committee_services.invitation_send(
        edition=edition,
        email="a.very.long.address.of.an.invitee@distributed-systems.example.edu",
        name="Maximiliane Oberhuber-Castellanos",
        kind=RoleKind.PC_MEMBER,
        area="ml",
        max_load=8,
        by=chair,
    )
    declined = committee_services.invitation_send(
        edition=edition, email="busy@example.org", name="Busy Person", kind=RoleKind.PC_MEMBER, area="systems", by=chair
    )
    committee_services.invitation_decline(invitation=declined, reason="Too many reviews this year, sorry.")
    assignment_services.assignment_add(submission=papers[2], user=pc_ml, by=chair)
    return edition


def problems_on(page: Page, what: str) -> list[str]:
    found = page.evaluate(OVERFLOW, WIDTH)
    problems = [f"{what}: {line}" for line in found["wrappers"] + found["sticking"]]
    if found["page"] > WIDTH:
        problems.append(f"{what}: the page is {found['page']} px wide")
    header = page.locator("header.topbar").bounding_box()
    assert header is not None
    if header["height"] > ONE_LINE_HEADER + 0.5:
        problems.append(f"{what}: the header is {header['height']:.0f} px tall, more than one line")
    return problems


def test_bidding_and_the_timeline_fit_a_phone(
    phone: Page, live_server: Any, busy_edition: Edition, pc_systems: Any
) -> None:
    sign_in(phone, live_server.url, pc_systems.email)
    phone.goto(f"{live_server.url}{reverse('bidding:bids', kwargs={'edition_slug': busy_edition.slug})}")
    expect(phone.locator("#bid-table tbody tr")).to_have_count(3)
    problems = problems_on(phone, "bidding")

    first = phone.locator("#bid-table tbody tr").first
    expect(first).to_have_attribute("data-number", "1")  # the best match
    control = phone.get_by_label("Your bid on #1")
    expect(control).to_be_visible()
    box = control.bounding_box()  # before anything scrolls it into view sideways
    assert box is not None
    assert box["x"] >= 0, f"the bid control spans {box}"
    assert box["x"] + box["width"] <= WIDTH, f"the bid control spans {box}"
    control.select_option("2")
    expect(phone.locator("#status-1")).to_have_text("Saved")
    assert Bid.objects.get(user=pc_systems, submission__number=1).level == 2

    phone.goto(f"{live_server.url}{busy_edition.get_absolute_url()}")
    expect(phone.locator("table.timeline tbody tr")).to_have_count(5)
    problems += problems_on(phone, "edition page")
    assert not problems, "\n".join(problems)


def test_the_header_keeps_one_line_with_the_admin_link(phone: Page, live_server: Any, edition: Edition) -> None:
    """The longest header: a staff account's name, the edition and the Admin link."""
    staff: Any = UserFactory(email="staff@example.org", first_name="Maximiliane", last_name="Oberhuber-Castellanos")
    staff.is_staff = True
    staff.save(update_fields=["is_staff"])
    sign_in(phone, live_server.url, staff.email)
    phone.goto(f"{live_server.url}{edition.get_absolute_url()}")
    expect(phone.locator("header.topbar").get_by_role("link", name="Admin")).to_be_visible()
    problems = problems_on(phone, "edition page, staff")
    assert not problems, "\n".join(problems)


def test_every_chair_table_fits_a_phone(phone: Page, live_server: Any, busy_edition: Edition, chair: Any) -> None:
    sign_in(phone, live_server.url, chair.email)
    problems = []
    for name, tables in CHAIR_TABLE_PAGES:
        response = phone.goto(f"{live_server.url}{reverse(name, kwargs={'edition_slug': busy_edition.slug})}")
        assert response is not None, name
        assert response.status == 200, name
        for table in tables:
            expect(phone.locator(f"{table} tbody tr").first).to_be_visible()
        problems += problems_on(phone, name)
    assert not problems, "\n".join(problems)

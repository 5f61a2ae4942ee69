"""Every role has something to do: one walk per role, in Chromium, from the edition page.

What other browser tests already walk, and these do not repeat:
- the chair menu marks each chair page as current: ``test_chair_menu.py``;
- the chair adjusts a solver run by hand before committing: ``test_assignment.py``;
- a PC member opens an assigned paper and its PDF from the dashboard: ``test_reviewer_page.py``;
- an author registers, uploads a file that fails the checks, then one that passes, and gets a
  receipt: ``test_author_flow.py``;
- bidding with the keyboard and declaring conflicts from the bid list: ``test_bidding.py``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, Response, expect

from assignments.models import Assignment
from conferences.chair_menu import CHAIR_MENU
from conferences.models import Phase
from conferences.roles import RoleKind
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from tests.bidding.helpers import add_paper, open_bidding
from tests.e2e.test_author_flow import sign_in
from tests.factories.committees import RoleFactory
from tests.factories.conferences import DeadlineFactory
from tests.factories.pdfs import make_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def failed_pages(page: Page) -> list[str]:
    """Every page (not asset) the browser is given from now on with a 4xx or 5xx status."""
    failures: list[str] = []

    def note(response: Response) -> None:
        if response.request.resource_type == "document" and response.status >= 400:
            failures.append(f"{response.url} answered {response.status}")

    page.on("response", note)
    return failures


def test_the_chair_reaches_every_chair_page_then_runs_the_solver_and_commits_after_confirming(
    page: Page, live_server: Any, edition: Any, chair: Any, papers: list[Submission]
) -> None:
    failures = failed_pages(page)
    sign_in(page, live_server.url, chair.email)
    expect(page).to_have_url(live_server.url + edition.get_absolute_url())
    menu = page.get_by_role("navigation", name="Chair menu")
    labels = [label for label, _ in CHAIR_MENU]
    for label in ("Dashboard", "Settings", "Deadlines", "Committee", "Submissions", "Bids", "Assignments"):
        assert label in labels
    assert {"Mail outbox", "Action log"} <= set(labels)

    for label, name in CHAIR_MENU:
        menu.get_by_role("link", name=label, exact=True).click()
        expect(page).to_have_url(live_server.url + reverse(name, kwargs={"edition_slug": edition.slug}))
        expect(page.locator("main h1")).to_be_visible()
        expect(page.locator(".message.error")).to_have_count(0)
    assert failures == []

    menu.get_by_role("link", name="Assignments", exact=True).click()
    page.get_by_role("button", name="Run the solver").click()
    expect(page.locator("#solver")).to_contain_text("proven optimal")
    expect(page.locator("#summary")).to_contain_text("12 draft")

    page.locator("#commit").click()  # the confirmation step, not the commit
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Commit the review assignments of {edition.name}")
    expect(page.locator("#commit-summary")).to_contain_text("makes 12 draft assignments final")
    assert not Assignment.objects.filter(is_committed=True).exists()

    page.get_by_label("Reason to commit during abstract registration").fill("The shepherds start early")
    page.get_by_label("Mail").check()
    page.locator("#commit-confirm").click()
    expect(page.locator(".message.success")).to_contain_text("12 assignments committed")
    assert Assignment.objects.filter(is_committed=True).count() == 12
    assert failures == []


def test_a_pc_member_sees_their_conflicts_and_bids_on_the_dashboard_and_follows_them(
    page: Page, live_server: Any, edition: Any, pc_systems: Any
) -> None:
    bidding = open_bidding(edition)
    add_paper(edition, 1, title="Sparse attention kernels for GPUs")
    conflicted = add_paper(edition, 2, title="A verified file system")
    Conflict.objects.create(
        submission=conflicted, user=pc_systems, reason=ConflictReason.OTHER, source=ConflictSource.PC_MEMBER
    )
    failures = failed_pages(page)
    sign_in(page, live_server.url, pc_systems.email)
    dashboard = live_server.url + edition.get_absolute_url()
    page.goto(dashboard)
    panel = page.locator(".role-panel")
    expect(panel).to_contain_text("Bidding is open.")
    expect(page.locator("#my-conflicts")).to_have_text("1 conflict of interest")
    expect(page.locator("#my-bids")).to_have_text("You have bid on 0 papers")
    expect(page.locator("#no-papers-to-review")).to_contain_text("will appear here once the chairs commit")
    expect(page.locator("#no-papers-to-review")).to_contain_text(str(bidding.closes_at.year))

    page.locator("#my-conflicts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your conflicts of interest")
    expect(page.locator("main")).to_contain_text("A verified file system")

    page.goto(dashboard)
    page.locator("#my-bids").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bid on papers")
    expect(page.locator("#bid-table tbody tr")).to_have_count(1)  # the conflicted paper is not offered
    page.wait_for_load_state("load")  # the bid script is attached (a click's navigation may still be loading)
    page.get_by_label("Your bid on #1").select_option("2")
    expect(page.locator("#status-1")).to_have_text("Saved", timeout=15_000)  # a loaded CI machine

    page.goto(dashboard)
    expect(page.locator("#my-bids")).to_have_text("You have bid on 1 paper")
    assert failures == []


def test_an_author_uploads_from_the_dashboard_and_reads_passed_the_checks(
    page: Page, live_server: Any, edition: Any, author: Any, submission: Submission, tmp_path: Any
) -> None:
    pdf = tmp_path / "paper.pdf"
    pdf.write_bytes(make_pdf(2))
    sign_in(page, live_server.url, author.email)
    page.goto(live_server.url + edition.get_absolute_url())
    page.locator("#author-panel").get_by_role("link", name=f"#1 {submission.title}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"#1 {submission.title}")

    page.locator("#paper-file").set_input_files(str(pdf))
    page.get_by_role("button", name="Upload paper").click()
    expect(page.locator(".message.success")).to_contain_text("Uploaded; it passed the checks")
    expect(page.locator("main")).to_contain_text("passed the checks")
    expect(page.locator("main")).not_to_contain_text("accepted", ignore_case=True)


def test_the_ae_chair_sees_their_committee_and_what_comes_next(
    page: Page, live_server: Any, edition: Any, ae_member: Any
) -> None:
    role: Any = RoleFactory(edition=edition, kind=RoleKind.AE_CHAIR, user__email="ae-chair@example.org")
    ae_chair = role.user
    now = timezone.now()
    DeadlineFactory(
        edition=edition,
        phase=Phase.ARTIFACT_REGISTRATION,
        opens_at=now + timedelta(days=100),
        closes_at=now + timedelta(days=110),
    )
    failures = failed_pages(page)
    sign_in(page, live_server.url, ae_chair.email)
    expect(page).to_have_url(live_server.url + edition.get_absolute_url())
    panel = page.locator("#ae-chair-panel")
    expect(panel).to_contain_text("AE committee: 1 member.")
    expect(panel).to_contain_text("Next: Artifact registration, opens ")
    expect(panel).to_contain_text(str((now + timedelta(days=110)).year))
    expect(page.get_by_role("navigation", name="Chair menu")).to_have_count(0)  # not a PC chair
    assert failures == []

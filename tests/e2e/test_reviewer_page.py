"""A PC member, in Chromium: opens an assigned paper from the dashboard, then its PDF."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assignments.models import Assignment, AssignmentSource
from submissions import services as submission_services
from submissions.models import Submission
from tests.e2e.test_author_flow import sign_in
from tests.factories.pdfs import make_pdf

pytestmark = pytest.mark.django_db(transaction=True)


def test_member_opens_an_assigned_paper_and_its_pdf(
    page: Page, live_server: Any, edition: Any, author: Any, pc_systems: Any, submission: Submission
) -> None:
    submission_services.paper_upload(submission=submission, content=make_pdf(), filename="p.pdf", by=author)
    Assignment.objects.create(
        submission=submission,
        user=pc_systems,
        source=AssignmentSource.MANUAL,
        is_committed=True,
        committed_at=timezone.now(),
    )
    sign_in(page, live_server.url, pc_systems.email)
    page.goto(live_server.url + edition.get_absolute_url())
    page.locator(".papers-to-review").get_by_role("link", name=f"#1 {submission.title}").click()
    expect(page.locator("h1")).to_have_text(f"#1 {submission.title}")
    expect(page.locator("body")).not_to_contain_text(author.display_name)

    href = page.locator("#paper-pdf").get_attribute("href")
    assert href == f"/{edition.slug}/reviews/papers/1/paper/"
    response = page.goto(live_server.url + href)
    assert response is not None
    assert response.header_value("content-type") == "application/pdf"
    page.wait_for_load_state("networkidle")
    viewers = [f for f in page.frames if f.url.startswith("chrome-extension://")]
    assert viewers, "Chromium's PDF viewer did not open the paper"
    expect(viewers[0].locator("viewer-toolbar #title")).to_have_text("mlsys2027-paper-1.pdf")

"""The main pages in Chromium under the site's Content-Security-Policy (issue 7): nothing is
refused (no inline script, style or handler left behind), and the scripts that moved to
static files still work: the solver run's progress polling and the PC filter of the authors'
conflicts page. The bid control is covered by test_bidding.py, under the same policy."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import ConsoleMessage, Page, expect

from assignments.models import AssignmentRun, RunStatus
from conferences.models import Edition
from submissions.models import Submission
from tests.bidding.helpers import open_bidding
from tests.e2e.test_author_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

# Chromium's own console errors for a refused resource, and what the listener below reports.
VIOLATION_SIGNS = ("Content Security Policy", "Refused to", "CSP violation")
# Redoc always shows Redocly's logo from their CDN; refusing that third-party request is the
# policy doing its job (the logo hides itself), so it is the one refusal expected.
EXPECTED_REFUSALS = ("https://cdn.redoc.ly/redoc/logo-mini.svg",)
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


@pytest.fixture
def violations(page: Page) -> list[str]:
    """Every CSP violation the pages of the test report; the test asserts there were none."""
    found: list[str] = []

    def note(message: ConsoleMessage) -> None:
        expected = any(url in message.text for url in EXPECTED_REFUSALS)
        if any(sign in message.text for sign in VIOLATION_SIGNS) and not expected:
            found.append(f"{page.url}: {message.text}")

    page.add_init_script(REPORT_VIOLATIONS)
    page.on("console", note)
    page.on("pageerror", lambda error: found.append(f"{page.url}: uncaught {error}"))
    return found


def sign_in_as(page: Page, base: str, user: Any) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}])


def visit(page: Page, url: str, ready: str, *, timeout: float = 5_000) -> None:
    """Open ``url`` and wait for ``ready`` (a selector), then for the scripts to settle."""
    page.goto(url)
    expect(page.locator(ready).first).to_be_visible(timeout=timeout)
    page.wait_for_load_state("networkidle")


def test_chairs_pages_and_the_run_polling(
    page: Page, live_server: Any, violations: list[str], edition: Edition, chair: Any, papers: Any
) -> None:
    run = AssignmentRun.objects.create(
        edition=edition, created_by=chair, status=RunStatus.RUNNING, progress=10, stage="Building the graph"
    )
    base = live_server.url
    slug = edition.slug
    sign_in(page, base, chair.email)
    visit(page, f"{base}/{slug}/", "h1")
    chair_pages = ("chair/committee/", "chair/bids/", "chair/submissions/", "chair/settings/", "chair/deadlines/")
    for path in (*chair_pages, "chair/statistics/"):  # the statistics page: inline SVG charts, no style attribute
        visit(page, f"{base}/{slug}/{path}", "h1")

    visit(page, f"{base}/{slug}/chair/assignments/", "#run")
    expect(page.locator("#run-stage")).to_have_text("Building the graph")
    AssignmentRun.objects.filter(pk=run.pk).update(progress=60, stage="Solving the flow")
    expect(page.locator("#run-stage")).to_have_text("Solving the flow")  # polled, no reload
    expect(page.locator("#run-progress")).to_have_js_property("value", 60)
    expect(page.locator("#histogram meter").first).to_be_attached()
    AssignmentRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, message="Stopped by the test.")
    expect(page.locator("#run-message")).to_contain_text("Stopped by the test.")  # reloaded when it ended

    assert violations == []


def test_pc_members_pages(
    page: Page, live_server: Any, violations: list[str], edition: Edition, pc_systems: Any, submission: Submission
) -> None:
    open_bidding(edition)
    sign_in(page, live_server.url, pc_systems.email)
    visit(page, f"{live_server.url}/{edition.slug}/pc/bids/", "form.bid-form")
    visit(page, f"{live_server.url}/{edition.slug}/pc/conflicts/", "h1")
    assert violations == []


def test_authors_pages_and_the_pc_filter(
    page: Page,
    live_server: Any,
    violations: list[str],
    edition: Edition,
    author: Any,
    submission: Submission,
    pc_systems: Any,
    pc_ml: Any,
) -> None:
    pc_systems.last_name, pc_ml.last_name = "Systemsworth", "Learnington"
    pc_systems.save()
    pc_ml.save()
    sign_in(page, live_server.url, author.email)
    paper = f"{live_server.url}/{edition.slug}/submissions/{submission.number}/"
    visit(page, paper, "h1")
    visit(page, f"{live_server.url}/{edition.slug}/submissions/", "h1")

    visit(page, paper + "conflicts/", "#pc-list")
    rows = page.locator("#pc-list .pc-row")
    expect(rows).to_have_count(2)
    page.get_by_label("Search the PC").fill("learn")
    expect(rows.filter(has_text="Learnington")).to_be_visible()
    expect(rows.filter(has_text="Systemsworth")).to_be_hidden()
    page.get_by_label("Search the PC").fill("")
    expect(rows.filter(has_text="Systemsworth")).to_be_visible()
    assert violations == []


def test_api_docs_and_admin(page: Page, live_server: Any, violations: list[str], admin_user: Any) -> None:
    # The API's documentation renders the whole OpenAPI schema (some 240 kB) in the browser: slow
    # on a loaded 2-core machine, so it gets longer to appear than a page of ours.
    visit(page, f"{live_server.url}/api/docs/", ".swagger-ui .info .title", timeout=30_000)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("mlsys-conf API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    visit(page, f"{live_server.url}/api/redoc/", "#redoc-container h1", timeout=30_000)
    expect(page.locator("#redoc-container h1").first).to_contain_text("mlsys-conf API")

    sign_in_as(page, live_server.url, admin_user)  # pytest-django's admin has no verified address
    visit(page, f"{live_server.url}/admin/", "#content")
    visit(page, f"{live_server.url}/admin/accounts/user/", "#result_list")
    visit(page, f"{live_server.url}/admin/accounts/user/{admin_user.pk}/change/", "#content-main form")
    assert violations == []

"""Issue 7: an author uploads bytes that pass the checks under a name a browser would run
(paper.html, a ZIP of HTML named x.html), and a signed-in chair opens them in Chromium. The
payload's script would grant its author the PC chair role with the chair's session; nothing
of it may run, and the PDF must still open in Chromium's viewer.

The site-wide Content-Security-Policy would also stop an inline script; it is switched off
here, so these tests prove that the file responses' own headers hold on their own."""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any

import pytest
from csp.middleware import CSPMiddleware
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request, expect

from conferences.models import Deadline, Edition, Phase, Role
from submissions.models import FileKind, Submission, SubmissionFile
from tests.e2e.test_author_flow import sign_in
from tests.submissions import corpus

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _without_the_site_csp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CSPMiddleware, "process_response", lambda self, request, response: response)


def role_grant_payload(edition: Edition, author: Any) -> bytes:
    """What the audit saw: the chair's own session posts the role form for the author."""
    grant_url = reverse("committees:role_add", kwargs={"edition_slug": edition.slug})
    return (
        "<script>document.title = 'pwned';"
        "const token = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1];"
        f"fetch('{grant_url}', {{method: 'POST', credentials: 'same-origin', headers: "
        "{'Content-Type': 'application/x-www-form-urlencoded', 'X-CSRFToken': token}, "
        f"body: 'add-email={author.email}&add-kind=pc_chair'}});</script>"
    ).encode()


def upload_as(author: Any, submission: Submission, kind: FileKind, name: str, content: bytes) -> SubmissionFile:
    client = Client()
    client.force_login(author)
    url = reverse(
        "submissions:upload",
        kwargs={"edition_slug": submission.edition.slug, "number": submission.number, "kind": kind},
    )
    client.post(url, {"file": SimpleUploadedFile(name, content, content_type="text/html")})
    version = submission.files.filter(kind=kind).latest("uploaded_at")
    assert version.is_accepted, version.checks  # the bytes pass: only the name is hostile
    return version


def file_url(base: str, version: SubmissionFile) -> str:
    submission = version.submission
    return base + reverse(
        "submissions:file",
        kwargs={"edition_slug": submission.edition.slug, "number": submission.number, "file_id": version.pk},
    )


@pytest.fixture
def requests_made(page: Page) -> list[Request]:
    made: list[Request] = []

    def record(request: Request) -> None:
        made.append(request)

    page.on("request", record)
    return made


def assert_nothing_ran(page: Page, requests_made: list[Request], author: Any, edition: Edition) -> None:
    page.wait_for_load_state("networkidle")
    assert [r.url for r in requests_made if r.method != "GET"] == []
    assert not any("/chair/committee/" in r.url or "/pwned/" in r.url for r in requests_made)
    assert not Role.objects.filter(edition=edition, user=author).exists()


def test_a_pdf_named_html_opens_in_the_pdf_viewer_and_its_script_does_not_run(
    page: Page,
    live_server: Any,
    edition: Edition,
    author: Any,
    chair: Any,
    submission: Submission,
    requests_made: list[Request],
) -> None:
    hostile = corpus.pdf_with_trailer(role_grant_payload(edition, author))
    version = upload_as(author, submission, FileKind.PAPER, "paper.html", hostile)
    sign_in(page, live_server.url, chair.email)
    requests_made.clear()

    page.goto(file_url(live_server.url, version))

    assert_nothing_ran(page, requests_made, author, edition)
    assert page.title() != "pwned"
    viewers = [f for f in page.frames if f.url.startswith("chrome-extension://")]
    assert viewers, "Chromium's PDF viewer did not open the paper"
    expect(viewers[0].locator("viewer-toolbar #title")).to_have_text(f"mlsys2027-paper1-{version.sha256[:8]}.pdf")


def test_a_zip_of_html_named_html_is_downloaded_not_rendered(
    page: Page,
    live_server: Any,
    edition: Edition,
    author: Any,
    chair: Any,
    submission: Submission,
    requests_made: list[Request],
) -> None:
    Deadline.objects.create(
        edition=edition, phase=Phase.SUPPLEMENTARY_MATERIAL, closes_at=timezone.now() + timedelta(days=12)
    )
    hostile = corpus.zip_of_html(role_grant_payload(edition, author))
    version = upload_as(author, submission, FileKind.SUPPLEMENTARY, "x.html", hostile)
    sign_in(page, live_server.url, chair.email)
    requests_made.clear()

    # A navigation that ends in a download fails with "Download is starting".
    with page.expect_download() as download, contextlib.suppress(PlaywrightError):
        page.goto(file_url(live_server.url, version))
    assert download.value.suggested_filename.endswith(".zip")
    assert page.title() != "pwned"
    assert_nothing_ran(page, requests_made, author, edition)

"""An author, in Chromium: registers an abstract with a co-author, uploads a file that is not a
PDF (rejected, explained), then a real PDF (it passed the checks, each shown), edits the title, and gets a
receipt with the SHA-256 through the outbox."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from outbox.models import Mail
from site_pages.demo import make_paper_pdf
from submissions.models import Submission
from tests.factories.accounts import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page: Page, base: str, email: str, password: str = PASSWORD) -> None:
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def test_register_upload_edit_and_receipt(
    page: Page, live_server: Any, edition: Any, author: Any, tmp_path: Path
) -> None:
    not_a_pdf = tmp_path / "paper.pdf"
    not_a_pdf.write_bytes(b"PK\x03\x04 a zipped LaTeX project")
    real_pdf = tmp_path / "final.pdf"
    real_pdf.write_bytes(make_paper_pdf("Paged Attention for Serving", "We make serving faster.", 2))

    sign_in(page, live_server.url, author.email)
    page.goto(live_server.url + edition.get_absolute_url())
    page.get_by_role("link", name="Register a paper").click()

    page.get_by_label("Title").fill("Paged Attention for Serving")
    page.get_by_label("Abstract").fill("We make LLM serving faster by paging the KV cache.")
    page.get_by_label("Systems and ML").check()
    page.get_by_label("Keywords").fill("LLM serving, memory management")
    rows = page.locator("#authors .author-row")
    rows.nth(1).locator("input[name$='-name']").fill("Ada Coauthor")
    rows.nth(1).locator("input[name$='-email']").fill("ada@uni.example.edu")
    page.get_by_role("button", name="Register the paper").click()
    expect(page.locator(".message.success")).to_contain_text("Registered as #1")

    page.locator("#paper-file").set_input_files(str(not_a_pdf))
    page.get_by_role("button", name="Upload paper").click()
    expect(page.locator(".message.error")).to_contain_text("rejected")
    expect(page.locator("[data-check='is_pdf']")).to_contain_text("This is not a PDF; it looks like a ZIP archive")
    expect(page.locator("#current-paper")).to_contain_text("No paper uploaded yet")

    page.locator("#paper-file").set_input_files(str(real_pdf))
    page.get_by_role("button", name="Upload paper").click()
    expect(page.locator(".message.success")).to_contain_text("Uploaded; it passed the checks")
    expect(page.locator("[data-check='page_count']")).to_contain_text("3 pages, within the limit of 10")
    expect(page.locator("[data-check='fonts_embedded']")).to_contain_text("All fonts are embedded")
    expect(page.locator("#current-paper")).to_contain_text("PDF, 3 pages")

    page.get_by_role("link", name="Edit abstract and authors").click()
    page.get_by_label("Title").fill("Paged Attention for LLM Serving")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("#1 Paged Attention for LLM Serving")

    submission = Submission.objects.get(edition=edition, number=1)
    paper = submission.files.get(is_accepted=True)
    receipt = Mail.objects.get(to_email=author.email, subject__startswith="[MLSys 2027] Received")
    assert paper.sha256 in receipt.body
    assert "UTC" in receipt.body
    assert "AoE" in receipt.body
    assert Mail.objects.filter(to_email="ada@uni.example.edu", subject__contains="You are an author").exists()

    page.goto(live_server.url + f"/{edition.slug}/submissions/")
    expect(page.locator("#my-submissions")).to_contain_text("Paged Attention for LLM Serving")
    expect(page.locator("#my-submissions")).to_contain_text("PDF submitted")

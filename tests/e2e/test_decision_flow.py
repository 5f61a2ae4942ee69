"""The decisions from end to end in Chromium: a chair filters the decision dashboard, records
decisions in bulk, composes the letter to the accepted papers' authors from the decision
template, previews it (the reviews' text for authors, never a PC-only field), queues and
releases the batch, then releases decisions and reviews; an author signs in and sees the
decision and the reviews. Each author is mailed exactly once per paper."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from decisions.models import Decision
from outbox.models import Mail, MailStatus
from submissions.models import SubmissionState
from tests.e2e.test_author_flow import sign_in
from tests.factories.reviews import assign, open_reviewing, write_review
from tests.factories.submissions import AuthorFactory, SubmissionFactory

pytestmark = pytest.mark.django_db(transaction=True)

SCORES = {1: (5, 6), 2: (4, 4), 3: (1, 2)}
AUTHORS = {1: "co@example.org", 2: "second@example.org", 3: "third@example.org"}
PC_ONLY = "For the PC only: I suspect who wrote this."
FOR_AUTHORS = "The evaluation of paper {number} is thorough."


def test_a_chair_decides_mails_and_releases_and_the_author_reads_it(
    page: Page,
    browser: Browser,
    live_server: Any,
    edition: Any,
    chair: Any,
    pc_systems: Any,
    pc_ml: Any,
    author: Any,
    mailoutbox: Any,
) -> None:
    open_reviewing(edition)
    for number, (systems, ml) in SCORES.items():
        paper: Any = SubmissionFactory(
            edition=edition, number=number, title=f"Kernel paper {number}", state=SubmissionState.SUBMITTED
        )
        if number == 1:
            AuthorFactory(submission=paper, position=1, name=author.display_name, email=author.email, user=author)
        AuthorFactory(submission=paper, position=2, name=f"Writer {number}", email=AUTHORS[number])
        for reviewer, score in ((pc_systems, systems), (pc_ml, ml)):
            assign(paper, reviewer)
            write_review(paper, reviewer, merit=score, strengths=FOR_AUTHORS.format(number=number), pc_comments=PC_ONLY)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    base = f"{live_server.url}/{edition.slug}"

    # The dashboard: filter, select both papers, decide in bulk.
    sign_in(page, live_server.url, chair.email)
    page.goto(f"{base}/decisions/")
    page.locator("#decisions-q").fill("mean>=4")
    page.get_by_role("button", name="Filter").click()
    rows = page.locator("#decisions-table tbody tr.paper-row")
    expect(rows).to_have_count(2)
    for index in range(2):
        rows.nth(index).locator("input[type=checkbox]").check()
    page.locator("#bulk-category").select_option(label="Accept (poster)")
    page.locator("#bulk-decide").click()
    expect(page.locator(".messages")).to_contain_text("for 2 papers")
    assert set(Decision.objects.values_list("submission__number", flat=True)) == {1, 2}

    # The letter, from the decision template, previewed.
    page.goto(f"{base}/chair/outbox/compose/")
    page.locator("#set-decisions\\.accepted_authors ~ p.starting-texts").first.get_by_role(
        "link", name="Acceptance letter"
    ).click()
    expect(page.locator("#id_recipient_set")).to_have_value("decisions.accepted_authors")
    expect(page.locator("#id_body")).to_contain_text("We are pleased to tell you")
    page.locator("input[name=essential][value=yes]").check()
    page.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("3 of 3 mails to Authors of accepted papers")
    expect(preview).to_contain_text("has been accepted to MLSys 2027: Accept (poster)")
    expect(preview).to_contain_text("Reviewer A")
    expect(preview).to_contain_text(FOR_AUTHORS.format(number=1))
    expect(preview).not_to_contain_text(PC_ONLY)
    expect(preview).not_to_contain_text(pc_systems.display_name)
    assert not Mail.objects.filter(batch__isnull=False).exists()
    mailed_before = len(mailoutbox)

    # Queued as a held batch, then released: each mail sent once.
    page.get_by_role("button", name="Queue as held batch").click()
    expect(page.locator(".messages")).to_contain_text("3 mails held")
    batch_mails = Mail.objects.filter(batch__isnull=False)
    assert list(batch_mails.values_list("status", flat=True)) == [MailStatus.HELD] * 3
    assert len(mailoutbox) == mailed_before
    page.locator("#release").click()
    expect(page.locator(".messages")).to_be_visible()
    sent = sorted(batch_mails.filter(status=MailStatus.SENT).values_list("to_email", flat=True))
    assert sent == sorted([author.email, AUTHORS[1], AUTHORS[2]])
    assert batch_mails.count() == 3
    letters = [m for m in mailoutbox[mailed_before:] if "accepted to MLSys 2027" in m.body]
    assert sorted(message.to[0] for message in letters) == sent
    assert all(PC_ONLY not in message.body for message in letters)

    # Decisions and reviews released to the authors.
    page.goto(f"{base}/chair/releases/")
    for kind in ("decisions", "reviews_to_authors"):
        page.locator(f"tr[data-kind={kind}]").get_by_role("button", name="Release now").click()
        expect(page.locator(f"tr[data-kind={kind}]")).to_contain_text("released")
    assert errors == []

    author_context = browser.new_context()
    author_page = author_context.new_page()
    sign_in(author_page, live_server.url, author.email)
    author_page.goto(f"{base}/submissions/1/")
    expect(author_page.locator("main")).to_contain_text("accepted")
    author_page.goto(
        live_server.url + reverse("reviews:author_reviews", kwargs={"edition_slug": edition.slug, "number": 1})
    )
    main = author_page.locator("main")
    expect(main).to_contain_text("Reviewer A")
    expect(main).to_contain_text(FOR_AUTHORS.format(number=1))
    expect(main).not_to_contain_text(PC_ONLY)
    expect(main).not_to_contain_text(pc_systems.display_name)
    author_context.close()
    assert batch_mails.count() == 3  # nothing sent twice
    assert len([m for m in mailoutbox if "accepted to MLSys 2027" in m.body]) == 3

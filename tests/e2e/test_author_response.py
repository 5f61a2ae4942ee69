"""An author in Chromium, once the chairs have released the reviews and the author response is
open: reads the reviews from the paper's page (labels, no names, no areas), types a response and
watches the live word count (a static script, under the strict CSP), is refused over the word
limit with the text kept, and submits within it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conferences.models import Deadline, Phase, ReleaseKind
from conferences.releases import release_now
from reviews.models import AuthorResponse, ResponseState, ReviewSettings
from submissions.models import Submission
from tests.e2e.test_author_flow import sign_in
from tests.factories.reviews import COMPLETE_REVIEW, assign, open_reviewing, write_review

pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 50


def words(n: int) -> str:
    return " ".join(f"point{i}" for i in range(n))


def test_an_author_reads_the_reviews_and_responds_within_the_word_limit(
    page: Page,
    live_server: Any,
    edition: Any,
    author: Any,
    chair: Any,
    pc_systems: Any,
    pc_ml: Any,
    submission: Submission,
) -> None:
    open_reviewing(edition)
    assign(submission, pc_systems)
    assign(submission, pc_ml)
    write_review(submission, pc_systems, pc_comments="For the PC only: a borderline paper.")
    write_review(submission, pc_ml)
    now = timezone.now()
    Deadline.objects.filter(edition=edition, phase=Phase.REVIEWING).update(closes_at=now - timedelta(hours=1))
    Deadline.objects.create(edition=edition, phase=Phase.AUTHOR_RESPONSE, closes_at=now + timedelta(days=5))
    ReviewSettings.objects.create(edition=edition, response_word_limit=LIMIT)
    release_now(by=chair, edition=edition, kind=ReleaseKind.REVIEWS_TO_AUTHORS)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    sign_in(page, live_server.url, author.email)
    page.goto(f"{live_server.url}/{edition.slug}/submissions/{submission.number}/")
    page.get_by_role("link", name="Reviews and response").click()
    reviews = page.locator("#author-reviews")
    expect(reviews).to_contain_text("Reviewer A")
    expect(reviews).to_contain_text("Reviewer B")
    expect(reviews).to_contain_text(str(COMPLETE_REVIEW["strengths"]))
    expect(page.locator("body")).not_to_contain_text("For the PC only")
    expect(page.locator("body")).not_to_contain_text("(Systems)")
    expect(page.locator("body")).not_to_contain_text(pc_systems.display_name)

    box = page.locator("#response-paper")
    count = page.locator("#response-paper-words .count")
    box.press_sequentially("We thank the reviewers")
    expect(count).to_have_text("4")
    too_long = words(LIMIT + 1)
    box.fill(too_long)
    expect(count).to_have_text(str(LIMIT + 1))
    expect(page.locator("#response-paper-words")).to_have_class("small word-count over")
    page.get_by_role("button", name="Submit response").click()
    expect(page.locator("#response-paper-error")).to_have_text(f"At most {LIMIT} words (this has {LIMIT + 1}).")
    expect(page.locator("#response-paper")).to_have_value(too_long)  # the text is kept
    assert not AuthorResponse.objects.exists()

    within = words(LIMIT)
    page.locator("#response-paper").fill(within)
    expect(count).to_have_text(str(LIMIT))
    page.get_by_role("button", name="Submit response").click()
    expect(page.locator("body")).to_contain_text("Your response is submitted")
    expect(page.locator("#response-paper")).to_have_value(within)
    expect(page.get_by_role("button", name="Update response")).to_be_visible()
    response = AuthorResponse.objects.get()
    assert (response.state, response.body) == (ResponseState.SUBMITTED, within)
    assert not [error for error in errors if "Content Security Policy" in error]

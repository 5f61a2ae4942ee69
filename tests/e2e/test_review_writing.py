"""Two PC members review the same paper in Chromium: the first types part of a review, sees it
saved as a draft without pressing anything, finds it after a reload, completes and submits it;
the second does not see it on the paper page until they have submitted their own."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from reviews.models import Review, ReviewState
from submissions.models import Submission
from tests.e2e.test_author_flow import sign_in
from tests.factories.reviews import COMPLETE_REVIEW, assign, open_reviewing

pytestmark = pytest.mark.django_db(transaction=True)

FIRST_SUMMARY = (
    "The authors fuse the attention kernel with the sparse layout so that long sequences fit in on-chip memory, "
    "and they measure the gain on three generations of accelerators."
)
SECOND_SUMMARY = (
    "A fused sparse attention kernel that keeps long sequences in on-chip memory; the evaluation is broad and the "
    "ablations separate the effect of the layout from the effect of fusion."
)


def complete_and_submit(page: Page, summary: str) -> None:
    page.locator("#id_summary").fill(summary)
    page.locator("#id_strengths").fill(str(COMPLETE_REVIEW["strengths"]))
    page.locator("#id_weaknesses").fill(str(COMPLETE_REVIEW["weaknesses"]))
    for key in ("merit", "expertise", "confidence", "bridge", "reproducibility"):
        page.locator(f'#field-{key} input[value="{COMPLETE_REVIEW[key]}"]').check()
    page.get_by_role("button", name="Submit review").click()
    expect(page.locator("#review-state")).to_contain_text("Submitted (version 1)")


def test_a_review_is_drafted_automatically_then_submitted_and_hidden_from_a_co_reviewer_until_theirs(
    page: Page, browser: Browser, live_server: Any, edition: Any, pc_systems: Any, pc_ml: Any, submission: Submission
) -> None:
    open_reviewing(edition)
    assign(submission, pc_systems)
    assign(submission, pc_ml)
    paper_url = f"{live_server.url}/{edition.slug}/reviews/papers/{submission.number}/"

    sign_in(page, live_server.url, pc_systems.email)
    page.goto(paper_url)
    page.get_by_role("link", name="Write your review").click()
    half = FIRST_SUMMARY[: len(FIRST_SUMMARY) // 2]
    page.locator("#id_summary").press_sequentially(half[:40])
    page.locator("#id_summary").fill(half)  # the rest at once: the draft is saved all the same
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at")
    expect(page.locator("#words_summary .count")).to_have_text(str(len(half.split())))
    draft = Review.objects.get(reviewer=pc_systems)
    assert (draft.state, draft.answers["summary"]) == (ReviewState.DRAFT, half)

    page.reload()
    expect(page.locator("#id_summary")).to_have_value(half)
    complete_and_submit(page, FIRST_SUMMARY)
    assert Review.objects.get(reviewer=pc_systems).state == ReviewState.SUBMITTED

    other = browser.new_context()
    co_reviewer = other.new_page()
    sign_in(co_reviewer, live_server.url, pc_ml.email)
    co_reviewer.goto(paper_url)
    expect(co_reviewer.locator("h1")).to_contain_text(submission.title)
    expect(co_reviewer.locator("body")).not_to_contain_text(FIRST_SUMMARY[:60])
    co_reviewer.get_by_role("link", name="Write your review").click()
    complete_and_submit(co_reviewer, SECOND_SUMMARY)
    co_reviewer.goto(paper_url)
    expect(co_reviewer.locator("body")).to_contain_text(FIRST_SUMMARY[:60])
    other.close()

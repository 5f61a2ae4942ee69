"""Artifact evaluation end to end in Chromium: the author of an accepted paper registers its
artifact (Available + Functional); its evaluator asks a kick-the-tires question on the thread,
which the author reads from "Evaluator A" (never a name) and answers; the AE chair moves the
stage to the full evaluation; the evaluator recommends both badges and submits; the AE chair
awards and releases them; a visitor without an account sees them on the public badges page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from artifacts import evaluations
from artifacts.models import AEStage, Artifact, BadgeDecision, Evaluation, EvaluationStatus
from conferences.models import Deadline, Phase
from conferences.roles import RoleKind
from submissions.models import Submission, SubmissionState
from tests.artifacts.conftest import assign
from tests.e2e.test_author_flow import sign_in
from tests.factories.committees import RoleFactory

pytestmark = pytest.mark.django_db(transaction=True)

QUESTION = "Kick the tires: the build stops at `make kernels`, which CUDA version do you expect?"
ANSWER = "CUDA 12.4; the README now says so."


def test_an_artifact_goes_from_registration_to_public_badges(
    page: Page, browser: Browser, live_server: Any, edition: Any, submission: Submission, author: Any
) -> None:
    now = timezone.now()
    Deadline.objects.create(
        edition=edition,
        phase=Phase.ARTIFACT_REGISTRATION,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
    )
    Submission.objects.filter(pk=submission.pk).update(state=SubmissionState.ACCEPTED, decision_released_at=now)
    ae_chair: Any = RoleFactory(edition=edition, kind=RoleKind.AE_CHAIR, user__email="ae.chair@example.org").user
    evaluator: Any = RoleFactory(
        edition=edition,
        kind=RoleKind.AE_MEMBER,
        user__email="tirekicker@example.org",
        user__first_name="Evelyn",
        user__last_name="Tirekicker",
    ).user
    base = f"{live_server.url}/{edition.slug}"

    # The author registers the artifact through the form.
    sign_in(page, live_server.url, author.email)
    expect(page.get_by_role("button", name="Sign In")).to_have_count(0)
    page.goto(f"{base}/submissions/1/artifact/")
    form = page.locator("#artifact-form")
    form.get_by_label("Abstract").fill("Kernels and the scripts that rebuild every table of the paper.")
    form.get_by_label("Repository URL").fill("https://github.com/example/sparse-kernels")
    form.get_by_label("Archival DOI").fill("10.5281/zenodo.1234567")
    form.get_by_label("Artifacts Available").check()
    form.get_by_label("Artifacts Evaluated: Functional").check()
    form.get_by_role("button", name="Register the artifact").click()
    expect(page.locator(".messages")).to_contain_text("Artifact saved.")
    expect(page.locator("#artifact-status")).to_contain_text("Artifacts Available, Artifacts Evaluated: Functional")
    artifact = Artifact.objects.get(submission=submission)
    assert artifact.badges == ["available", "functional"]

    # Set up directly: the committed assignment and the kick-the-tires stage.
    assign(artifact, evaluator)
    evaluations.stage_set(edition=edition, stage=AEStage.KICK_THE_TIRES, by=ae_chair)

    # The evaluator asks a question on the thread.
    evaluator_context = browser.new_context()
    evaluator_page = evaluator_context.new_page()
    sign_in(evaluator_page, live_server.url, evaluator.email)
    expect(evaluator_page.get_by_role("button", name="Sign In")).to_have_count(0)
    evaluator_page.goto(f"{base}/artifacts/1/thread/")
    evaluator_page.get_by_label("Message (Markdown)").fill(QUESTION)
    evaluator_page.get_by_role("button", name="Post").click()
    expect(evaluator_page.locator(".messages")).to_contain_text("Message posted.")
    expect(evaluator_page.locator("#thread")).to_contain_text("CUDA version do you expect?")

    # The author reads it from "Evaluator A", never a name, and answers.
    page.goto(f"{base}/submissions/1/artifact/")
    page.get_by_role("link", name="Thread with the evaluators").click()
    expect(page).to_have_url(f"{base}/artifacts/1/thread/")
    thread = page.locator("#thread")
    expect(thread.locator("article").first).to_contain_text("CUDA version do you expect?")
    expect(thread.locator(".shown-as").first).to_have_text("Evaluator A")
    main = page.locator("main")
    for secret in (evaluator.email, "Tirekicker", "Evelyn"):
        expect(main).not_to_contain_text(secret)
    page.get_by_label("Message (Markdown)").fill(ANSWER)
    page.get_by_label("Link to a fix (optional)").fill("https://github.com/example/sparse-kernels/commit/abc123")
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".messages")).to_contain_text("Message posted.")
    expect(thread.locator(".shown-as")).to_have_text(["Evaluator A", "Authors"])

    # The AE chair moves the stage to the full evaluation.
    chair_context = browser.new_context()
    chair_page = chair_context.new_page()
    sign_in(chair_page, live_server.url, ae_chair.email)
    expect(chair_page.get_by_role("button", name="Sign In")).to_have_count(0)
    chair_page.goto(f"{base}/artifacts/stage/")
    chair_page.get_by_label("Stage").select_option(label="Full evaluation")
    chair_page.get_by_role("button", name="Save").click()
    expect(chair_page.locator(".messages")).to_contain_text("The stage is changed.")
    expect(chair_page.locator("#ae-stage")).to_have_text("Full evaluation")

    # The evaluator sees the answer, fills the evaluation form and submits it.
    evaluator_page.reload()
    expect(evaluator_page.locator("#thread")).to_contain_text(ANSWER)
    evaluator_page.goto(f"{base}/artifacts/1/evaluation/")
    expect(evaluator_page.locator("#evaluator-label")).to_have_text("Evaluator A")
    available = evaluator_page.get_by_role("group", name="Artifacts Available")
    available.get_by_label("Placed on a publicly accessible archival repository").check()
    available.get_by_label("Has a DOI").check()
    available.get_by_label("Recommendation").select_option(label="Award")
    functional = evaluator_page.get_by_role("group", name="Artifacts Evaluated: Functional")
    for criterion in ("Documented", "Consistent", "Complete", "Exercisable"):
        functional.get_by_label(criterion).check()
    functional.get_by_label("Recommendation").select_option(label="Award")
    evaluator_page.get_by_label("Comments for the authors").fill("Every script ran; table 3 matches.")
    evaluator_page.get_by_role("button", name="Submit").click()
    expect(evaluator_page.locator(".messages")).to_contain_text("Evaluation submitted.")
    expect(evaluator_page.locator("#evaluation-status")).to_have_text("Submitted")
    evaluation = Evaluation.objects.get(artifact=artifact, evaluator=evaluator)
    assert evaluation.status == EvaluationStatus.SUBMITTED
    assert {badge: given["recommendation"] for badge, given in evaluation.badges.items()} == {
        "available": "award",
        "functional": "award",
    }

    # The AE chair awards both badges and releases them.
    chair_page.goto(f"{base}/artifacts/badges/manage/")
    row = chair_page.locator("#badge-decisions tr[data-number='1']")
    row.get_by_label("Artifacts Available").check()
    row.get_by_label("Artifacts Evaluated: Functional").check()
    row.get_by_role("button", name="Save").click()
    expect(chair_page.locator(".messages")).to_contain_text("Badges of #1 saved (not released yet).")
    chair_page.get_by_role("button", name="Release the decided badges and mail the authors").click()
    expect(chair_page.locator(".messages")).to_contain_text("Released the badges of 1 artifact")
    assert BadgeDecision.objects.get(artifact=artifact).released_at is not None

    # A visitor without an account sees the paper and its badges.
    visitor_context = browser.new_context()
    visitor_page = visitor_context.new_page()
    visitor_page.goto(f"{base}/artifacts/badges/")
    award = visitor_page.locator("#badge-awards li[data-number='1']")
    expect(award).to_contain_text(submission.title)
    expect(award.get_by_role("img", name="Artifacts Available")).to_be_visible()
    expect(award.get_by_role("img", name="Artifacts Evaluated: Functional")).to_be_visible()
    expect(award.get_by_role("img")).to_have_count(2)
    for context in (visitor_context, chair_context, evaluator_context):
        context.close()

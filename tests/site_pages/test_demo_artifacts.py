"""The demo's artifact evaluation (``seed_demo --phase artifacts``): accepted papers with
registered artifacts, the AE committee's hardware, committed evaluators (none conflicted), the
evaluation under way (full evaluation; a thread with a question and its answer; one submitted and
one draft evaluation), badges released on some artifacts and decided on another; a second run
creates nothing; the demo author, the evaluator and the AE chair see what they should."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from artifacts.models import (
    AEStage,
    Artifact,
    BadgeDecision,
    Evaluation,
    EvaluationStage,
    EvaluationStatus,
    EvaluatorHardware,
    ThreadMessage,
)
from assignments.models import Assignment, AssignmentKind
from conferences.models import Edition
from site_pages.demo import seed_demo
from site_pages.demo_artifacts import ARTIFACTS_SLUG
from submissions.models import Conflict
from tests.personas import client_for

pytestmark = pytest.mark.django_db


def test_the_artifact_phase_is_seeded_once_and_consistently() -> None:
    seed_demo(papers=2, artifact_phase=True)
    edition = Edition.objects.get(slug=ARTIFACTS_SLUG)
    artifacts = Artifact.objects.filter(submission__edition=edition)
    assert artifacts.count() == 4
    assert EvaluatorHardware.objects.filter(edition=edition).count() == 3
    assignments = Assignment.objects.filter(submission__edition=edition, kind=AssignmentKind.ARTIFACT)
    assert assignments.filter(is_committed=True).count() >= 6
    for assignment in assignments:
        assert not Conflict.objects.filter(submission=assignment.submission, user=assignment.user).exists()
    decisions = BadgeDecision.objects.filter(artifact__submission__edition=edition)
    assert decisions.filter(released_at__isnull=False).count() == 2
    assert decisions.filter(released_at__isnull=True).count() == 1
    assert EvaluationStage.objects.get(edition=edition).stage == AEStage.FULL_EVALUATION
    messages = list(ThreadMessage.objects.filter(artifact__submission__edition=edition).order_by("pk"))
    assert len(messages) == 2
    assert {m.artifact_id for m in messages} == {artifacts.get(submission__number=1).pk}
    evaluator = messages[0].author
    assert Assignment.objects.filter(submission__number=1, submission__edition=edition, user=evaluator).exists()
    assert messages[1].author is not None
    assert messages[1].author.email.startswith("author-01@")
    assert messages[1].fix_url.startswith("https://")
    evaluations = Evaluation.objects.filter(artifact__submission__edition=edition)
    assert sorted(evaluations.values_list("status", flat=True)) == [EvaluationStatus.DRAFT, EvaluationStatus.SUBMITTED]
    submitted = evaluations.get(status=EvaluationStatus.SUBMITTED)
    assert submitted.artifact.submission.number == 1
    assert submitted.evaluator == evaluator
    assert all(given["recommendation"] for given in submitted.badges.values())
    models = (Artifact, Assignment, BadgeDecision, EvaluationStage, ThreadMessage, Evaluation)
    before = {model: model.objects.count() for model in models}
    assert seed_demo(papers=2, artifact_phase=True).created == []
    assert before == {model: model.objects.count() for model in models}

    public = Client().get(f"/{ARTIFACTS_SLUG}/artifacts/badges/").content.decode()
    assert public.count("<li data-number=") == 2
    ae_chair = User.objects.get(email__startswith="ae-chair@")
    manage = client_for(ae_chair).get(f"/{ARTIFACTS_SLUG}/artifacts/badges/manage/")
    assert manage.status_code == 200
    assert "1 decision not released yet" in manage.content.decode()
    author = User.objects.get(email__startswith="author-01@")
    assert client_for(author).get(f"/{ARTIFACTS_SLUG}/submissions/1/artifact/").status_code == 200
    thread = client_for(author).get(f"/{ARTIFACTS_SLUG}/artifacts/1/thread/").content.decode()
    assert "Evaluator A" in thread
    assert "Kick-the-tires" in thread
    assert "The mirror moved" in thread
    assert evaluator.email not in thread
    assert evaluator.display_name not in thread
    draft = evaluations.get(status=EvaluationStatus.DRAFT)
    number = draft.artifact.submission.number
    page = client_for(draft.evaluator).get(f"/{ARTIFACTS_SLUG}/artifacts/{number}/evaluation/").content.decode()
    assert 'id="evaluation-status">Draft<' in page

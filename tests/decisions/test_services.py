"""Deciding one paper or many, the refusals (conflicted chair, a paper that can't be decided),
the action log, tags, the discussion order, and the release of decisions (once)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from actionlog.models import Action
from conferences.models import Edition, ReleaseKind
from conferences.releases import release_now, release_schedule, releases_release_due
from decisions.models import Decision, DecisionCategory, DiscussionPosition, PaperTag
from decisions.services import (
    categories_of,
    decision_set,
    decisions_bulk_set,
    order_set,
    tag_add,
    tag_remove,
)
from mlsys_conf.policy import PolicyDenied
from submissions.models import Submission, SubmissionState
from submissions.states import Viewer, status_for

pytestmark = pytest.mark.django_db


def category(edition: Edition, name: str) -> DecisionCategory:
    return next(c for c in categories_of(edition) if c.name == name)


def fresh(paper: Submission) -> Submission:
    return Submission.objects.get(pk=paper.pk)


def test_default_categories_are_made_once(edition: Edition) -> None:
    assert [c.name for c in categories_of(edition)] == ["Accept (oral)", "Accept (poster)", "Reject"]
    categories_of(edition)
    assert DecisionCategory.objects.filter(edition=edition).count() == 3


def test_a_decision_moves_the_state_and_stays_pending(edition: Edition, chair: Any, decided_papers: list) -> None:
    paper = decided_papers[0]
    decision = decision_set(by=chair, submission=paper, category=category(edition, "Accept (oral)"), note="clear")

    paper = fresh(paper)
    assert paper.state == SubmissionState.ACCEPTED
    assert decision.is_pending
    assert paper.decision_released_at is None
    assert status_for(paper, Viewer.AUTHOR).code == "submitted"  # as before the decision
    assert status_for(paper, Viewer.PC).code == "submitted"
    assert "not released" in status_for(paper, Viewer.CHAIR).label

    decision_set(by=chair, submission=paper, category=category(edition, "Reject"))
    assert fresh(paper).state == SubmissionState.REJECTED
    assert Decision.objects.get(submission=paper).category.name == "Reject"


def test_each_decision_is_logged_with_before_and_after(edition: Edition, chair: Any, decided_papers: list) -> None:
    paper = decided_papers[1]
    decision_set(by=chair, submission=paper, category=category(edition, "Accept (poster)"))
    decision_set(by=chair, submission=paper, category=category(edition, "Reject"), note="weak evaluation")

    entries = Action.objects.filter(paper_id=paper.pk, action="decision.set").order_by("pk")
    assert [e.changes["category"] for e in entries] == [[None, "Accept (poster)"], ["Accept (poster)", "Reject"]]
    assert entries[1].changes["note"] == ["", "weak evaluation"]
    assert entries[1].actor == chair
    moves = Action.objects.filter(paper_id=paper.pk, action="submission.decided").order_by("pk")
    assert [m.changes["state"] for m in moves] == [["submitted", "accepted"], ["accepted", "rejected"]]


def test_a_chair_conflicted_with_a_paper_gets_a_404(
    edition: Edition, conflicted_chair: Any, decided_papers: list
) -> None:
    with pytest.raises(Http404):
        decision_set(by=conflicted_chair, submission=decided_papers[0], category=category(edition, "Reject"))
    with pytest.raises(Http404):
        tag_add(by=conflicted_chair, submission=decided_papers[0], name="discuss")
    assert not Decision.objects.exists()
    decision_set(by=conflicted_chair, submission=decided_papers[1], category=category(edition, "Reject"))  # not P


def test_only_chairs_decide(edition: Edition, pc_systems: Any, author: Any, decided_papers: list) -> None:
    for user in (pc_systems, author):
        with pytest.raises(PolicyDenied):
            decision_set(by=user, submission=decided_papers[1], category=category(edition, "Reject"))
    assert not Decision.objects.exists()


def test_bulk_decides_every_paper(edition: Edition, chair: Any, decided_papers: list) -> None:
    decisions = decisions_bulk_set(
        by=chair, edition=edition, submissions=decided_papers, category=category(edition, "Accept (poster)")
    )
    assert len(decisions) == 3
    assert {fresh(p).state for p in decided_papers} == {SubmissionState.ACCEPTED}
    assert Action.objects.filter(action="decision.set").count() == 3


def test_bulk_refuses_the_whole_batch_naming_the_papers(
    edition: Edition, chair: Any, conflicted_chair: Any, decided_papers: list
) -> None:
    Submission.objects.filter(pk=decided_papers[2].pk).update(state=SubmissionState.WITHDRAWN)
    papers = [fresh(p) for p in decided_papers]
    with pytest.raises(ValidationError, match="#3") as refused:
        decisions_bulk_set(by=chair, edition=edition, submissions=papers, category=category(edition, "Reject"))
    assert "#1" not in str(refused.value)
    assert "#2" not in str(refused.value)

    with pytest.raises(ValidationError, match="#1 is not one of the papers you decide"):
        decisions_bulk_set(
            by=conflicted_chair, edition=edition, submissions=papers[:2], category=category(edition, "Reject")
        )
    assert not Decision.objects.exists()
    assert {fresh(p).state for p in papers[:2]} == {SubmissionState.SUBMITTED}


def test_a_paper_without_a_pdf_cannot_be_decided(edition: Edition, chair: Any, decided_papers: list) -> None:
    Submission.objects.filter(pk=decided_papers[1].pk).update(state=SubmissionState.ABSTRACT)
    with pytest.raises(ValidationError, match="#2"):
        decision_set(by=chair, submission=fresh(decided_papers[1]), category=category(edition, "Reject"))


def test_release_shows_decisions_once(edition: Edition, chair: Any, decided_papers: list) -> None:
    decisions_bulk_set(by=chair, edition=edition, submissions=decided_papers[1:], category=category(edition, "Reject"))
    release = release_now(by=chair, edition=edition, kind=ReleaseKind.DECISIONS)
    stamped = {p.pk: fresh(p).decision_released_at for p in decided_papers}
    assert stamped[decided_papers[0].pk] is None  # undecided: nothing to show
    assert stamped[decided_papers[1].pk] == release.released_at
    assert status_for(fresh(decided_papers[1]), Viewer.AUTHOR).code == "rejected"

    with pytest.raises(ValidationError, match="already happened"):
        release_now(by=chair, edition=edition, kind=ReleaseKind.DECISIONS)
    assert {p.pk: fresh(p).decision_released_at for p in decided_papers} == stamped
    assert Action.objects.filter(action="release.released").count() == 1

    # Decided after the release: shown at once.
    decision_set(by=chair, submission=decided_papers[0], category=category(edition, "Accept (oral)"))
    assert status_for(fresh(decided_papers[0]), Viewer.AUTHOR).code == "accepted"


def test_the_release_job_run_twice_releases_once(edition: Edition, chair: Any, decided_papers: list) -> None:
    decisions_bulk_set(by=chair, edition=edition, submissions=decided_papers, category=category(edition, "Reject"))
    release_schedule(by=chair, edition=edition, kind=ReleaseKind.DECISIONS, at=timezone.now() + timedelta(hours=1))
    later = timezone.now() + timedelta(hours=2)
    assert len(releases_release_due(now=later)) == 1
    first = {p.pk: fresh(p).decision_released_at for p in decided_papers}
    assert set(first.values()) == {later}
    assert releases_release_due(now=later + timedelta(hours=1)) == []
    assert {p.pk: fresh(p).decision_released_at for p in decided_papers} == first
    assert Action.objects.filter(action="release.released").count() == 1


def test_another_release_does_not_show_decisions(edition: Edition, chair: Any, decided_papers: list) -> None:
    decision_set(by=chair, submission=decided_papers[1], category=category(edition, "Reject"))
    release_now(by=chair, edition=edition, kind=ReleaseKind.REVIEWS_TO_AUTHORS)
    assert fresh(decided_papers[1]).decision_released_at is None


def test_tags_are_added_removed_and_logged(edition: Edition, chair: Any, decided_papers: list) -> None:
    paper = decided_papers[1]
    tag_add(by=chair, submission=paper, name=" Discuss ")
    tag_add(by=chair, submission=paper, name="discuss")  # once
    assert list(PaperTag.objects.filter(submission=paper).values_list("tag__name", flat=True)) == ["discuss"]
    tag_remove(by=chair, submission=paper, name="discuss")
    assert not PaperTag.objects.exists()
    logged = Action.objects.filter(paper_id=paper.pk, action__startswith="decision.tag").order_by("pk")
    assert [e.changes["tags"] for e in logged] == [[[], ["discuss"]], [["discuss"], []]]
    with pytest.raises(ValidationError):
        tag_add(by=chair, submission=paper, name="two words")


def test_the_discussion_order(edition: Edition, chair: Any, conflicted_chair: Any, decided_papers: list) -> None:
    order_set(by=chair, edition=edition, submissions=[decided_papers[2], decided_papers[0]])
    assert list(DiscussionPosition.objects.values_list("submission__number", flat=True)) == [3, 1]
    assert Action.objects.get(action="decision.order_set").changes["order"] == [[], [3, 1]]
    with pytest.raises(Http404):
        order_set(by=conflicted_chair, edition=edition, submissions=[decided_papers[0]])
    order_set(by=conflicted_chair, edition=edition, submissions=[decided_papers[1]])
    # #1 (which that chair may not see) keeps its place; #3 leaves the order.
    assert list(DiscussionPosition.objects.values_list("submission__number", flat=True)) == [1, 2]

"""The fairness option visibly changes something or says why it cannot (issue 9, item 2): a fair
run stores the worst paper's score and the total of the plain optimum and of its own
assignment, shows them on the chairs' page and in the API, and says when fairness changed
nothing or could not be proven."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pytest
from django.urls import reverse
from django.utils.html import escape

from assignments.models import AssignmentRun, RunStatus
from assignments.services import fairness_summary
from assignments.solver import AssignmentProblem, solve
from assignments.solver import fairness as fair_solver
from assignments.solver import solver as plain_solver
from bidding.models import Affinity
from conferences.models import Area
from conferences.roles import RoleKind
from tests.factories.committees import RoleFactory
from tests.factories.submissions import AuthorFactory, SubmissionFactory

pytestmark = pytest.mark.django_db

# One Systems and one ML reviewer per paper, two papers, two members per area (one paper each).
# Systems affinities: the plain optimum gives member X to paper 1 (1.0) and leaves paper 2 with
# Y (0.0): total 1.5 (ML 0.5 each); fairness gives Y to paper 1 (0.3) and X to paper 2 (0.4).
SYSTEMS_AFFINITY = {(1, 0): 1.0, (1, 1): 0.3, (2, 0): 0.4, (2, 1): 0.0}


@pytest.fixture
def one_poor_paper(edition: Any) -> None:
    edition.systems_reviewers_per_paper = 1
    edition.ml_reviewers_per_paper = 1
    edition.save(update_fields=["systems_reviewers_per_paper", "ml_reviewers_per_paper"])
    members: dict[str, list[Any]] = {
        area: [
            RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=area, max_load=1, min_load=None).user
            for _ in range(2)
        ]
        for area in (Area.SYSTEMS, Area.ML)
    }
    for number in (1, 2):
        paper: Any = SubmissionFactory(edition=edition, number=number, title=f"Paper {number}")
        for i, member in enumerate(members[Area.SYSTEMS]):
            Affinity.objects.create(submission=paper, user=member, score=SYSTEMS_AFFINITY[number, i])
        for member in members[Area.ML]:
            Affinity.objects.create(submission=paper, user=member, score=0.5)


def run_fair(client: Any, edition: Any, chair: Any, capture: Any) -> AssignmentRun:
    client.force_login(chair)
    with capture(execute=True):
        client.post(
            reverse("assignments:run", kwargs={"edition_slug": edition.slug}), {"fair": "on", "bid_weight": "0"}
        )
    run = AssignmentRun.objects.get()
    assert run.status == RunStatus.DONE, run.message
    assert run.fair
    return run


def test_when_fairness_raises_the_worst_paper_the_run_reports_both(
    client: Any, edition: Any, chair: Any, one_poor_paper: None, django_capture_on_commit_callbacks: Any
) -> None:
    run = run_fair(client, edition, chair, django_capture_on_commit_callbacks)
    plain, fair = run.fairness["plain"], run.fairness["fair"]
    assert plain["worst_paper_score"] == pytest.approx(0.5)
    assert plain["worst_paper"] == 2
    assert plain["total_score"] == pytest.approx(2.0)
    assert fair["worst_paper_score"] == pytest.approx(0.8)
    assert fair["worst_paper"] == 1
    assert fair["total_score"] == pytest.approx(1.7)
    assert run.fairness["changed"] is True
    note = "Fairness raised the worst paper's score from 0.5 to 0.8; the total score went from 2 to 1.7."
    assert run.fairness["note"] == note

    page = client.get(reverse("assignments:dashboard", kwargs={"edition_slug": edition.slug})).content.decode()
    assert escape(note) in page
    assert "0.5000 (#2)" in page
    assert "0.8000 (#1)" in page

    body = client.get(f"/api/editions/{edition.slug}/assignment-runs/{run.pk}/").json()
    assert body["fairness"]["plain"]["worst_paper_score"] == pytest.approx(0.5)
    assert body["fairness"]["fair"]["worst_paper_score"] == pytest.approx(0.8)
    assert body["fairness"]["note"] == note


def test_when_fairness_changes_nothing_the_run_says_so(
    client: Any, edition: Any, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    run = run_fair(client, edition, chair, django_capture_on_commit_callbacks)  # every paper scores 2.0
    assert run.fairness["changed"] is False
    assert run.fairness["plain"]["worst_paper_score"] == run.fairness["fair"]["worst_paper_score"]
    note = "Fairness changed nothing: the plain optimum already had the best worst-paper score (2); total score 6."
    assert run.fairness["note"] == note
    page = client.get(reverse("assignments:dashboard", kwargs={"edition_slug": edition.slug})).content.decode()
    assert escape(note) in page


def test_a_plain_run_has_no_fairness_report(
    client: Any, edition: Any, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(chair)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:run", kwargs={"edition_slug": edition.slug}), {"bid_weight": "0"})
    run = AssignmentRun.objects.get()
    assert run.fairness == {}
    assert client.get(f"/api/editions/{edition.slug}/assignment-runs/{run.pk}/").json()["fairness"] is None
    page = client.get(reverse("assignments:dashboard", kwargs={"edition_slug": edition.slug})).content.decode()
    assert 'id="run-fairness"' not in page


def test_a_conflicted_chair_does_not_learn_which_paper_is_worst(
    client: Any, edition: Any, chair: Any, one_poor_paper: None, django_capture_on_commit_callbacks: Any
) -> None:
    run = run_fair(client, edition, chair, django_capture_on_commit_callbacks)
    RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair2@example.org")
    AuthorFactory(submission=edition.submissions.get(number=2), position=1, email=chair.email)  # the chair's own
    page = client.get(reverse("assignments:dashboard", kwargs={"edition_slug": edition.slug})).content.decode()
    assert "You are conflicted with 1 paper" in page
    assert "(#2)" not in page
    assert "0.8000 (#1)" in page
    body = client.get(f"/api/editions/{edition.slug}/assignment-runs/{run.pk}/").json()
    assert body["fairness"]["plain"]["worst_paper"] is None
    assert body["fairness"]["fair"]["worst_paper"] == 1


def test_above_the_size_limit_the_report_says_it_cannot_prove_fairness() -> None:
    """The same instance, solved with a limit of 1 pair: restricted to each paper's best
    candidates, the result is not proven and the report says why."""
    affinity = np.array([[1.0, 0.3, 0.5, 0.5], [0.4, 0.0, 0.5, 0.5]])
    problem = AssignmentProblem(
        affinity=affinity,
        reviewer_area=np.array([0, 0, 1, 1], dtype=np.int8),
        max_load=1,
        systems_per_paper=1,
        ml_per_paper=1,
    )
    base = solve(problem)
    result = fair_solver.solve_fair(
        problem, plain_solver._prepare(problem), base, start=time.perf_counter(), deadline=None, max_arcs=1
    )
    assert not result.proven_optimal
    summary = fairness_summary(result, [1, 2])
    assert summary["restricted"] is True
    assert summary["plain"]["worst_paper_score"] == pytest.approx(0.5)
    assert "Too large to prove: 8 possible (paper, member) pairs, above the limit of 1" in summary["note"]
    assert "restricted to each paper's 12 best candidates" in summary["note"]

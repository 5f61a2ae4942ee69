"""The chairs' statistics page (site_pages.statistics and its page and API): the figures on a
small world, a conflicted chair's figures without the paper, the refusals, and a number of
queries that does not grow with the papers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conferences.models import Edition, Topic
from conferences.roles import RoleKind
from site_pages.statistics import EditionStatistics, edition_statistics, figures
from submissions.models import Conflict, ConflictReason, ConflictSource, FileKind, Submission, SubmissionFile
from submissions.models import SubmissionState as State
from tests.factories.committees import RoleFactory
from tests.factories.reviews import assign, open_reviewing, write_review
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


def with_pdf(paper: Submission, days_ago: int) -> None:
    row = SubmissionFile.objects.create(
        submission=paper, kind=FileKind.PAPER, is_accepted=True, original_name="p.pdf", sha256="0" * 64, size=10
    )
    SubmissionFile.objects.filter(pk=row.pk).update(uploaded_at=timezone.now() - timedelta(days=days_ago))
    Submission.objects.filter(pk=paper.pk).update(state=State.SUBMITTED)


def created(paper: Submission, days_ago: int) -> None:
    Submission.objects.filter(pk=paper.pk).update(created_at=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def world(edition: Edition, submission: Submission, pc_systems: Any, pc_ml: Any) -> list[Submission]:
    """#1 (Systems, accepted) reviewed by both, #2 (ML, rejected) by the Systems member only so
    far, #3 (Systems) registered without a PDF."""
    open_reviewing(edition)  # abstracts closed 30 days ago, papers 20
    ml = SubmissionFactory(edition=edition, number=2, title="Compilers for Tiny Accelerators", topic=Topic.ML)
    bare = SubmissionFactory(edition=edition, number=3, title="Registered Only")
    for paper, days in ((submission, 35), (ml, 28), (bare, 25)):
        created(paper, days)
    with_pdf(submission, 22)
    with_pdf(ml, 21)
    for paper in (submission, ml):
        assign(paper, pc_systems)
        assign(paper, pc_ml)
    write_review(submission, pc_systems, merit=5)
    write_review(submission, pc_ml, merit=3, summary=" ".join(["word"] * 120))
    write_review(ml, pc_systems, merit=4)
    write_review(ml, pc_ml, submit=False)  # a draft: not counted
    Submission.objects.filter(pk=submission.pk).update(state=State.ACCEPTED)  # pending: chairs see it
    Submission.objects.filter(pk=ml.pk).update(state=State.REJECTED)
    return [submission, ml, bare]


@pytest.fixture
def conflicted_chair(edition: Edition, submission: Submission) -> Any:
    user = RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair2@example.org").user
    Conflict.objects.create(
        submission=submission, user=user, reason=ConflictReason.COLLABORATOR, source=ConflictSource.CHAIR
    )
    return user


def bars(data: Any) -> dict[str, dict[str, float]]:
    return {bar.label: bar.values for bar in data.bars}


def final(timeline: Any) -> dict[str, int]:
    return timeline.days[-1].values


def test_the_figures_of_a_small_world(world: list[Submission], chair: Any) -> None:
    stats = edition_statistics(chair, world[0].edition)
    assert final(stats.submissions_over_time) == {"Registered": 3, "With a PDF": 2}
    assert [m.name for m in stats.submissions_over_time.markers] == ["Abstract registration", "Paper submission"]
    first = stats.submissions_over_time.days[0]
    assert first.values == {"Registered": 1, "With a PDF": 0}
    assert bars(stats.submissions_by_area) == {
        "Systems": {"Registered": 2, "With a PDF": 1},
        "ML": {"Registered": 1, "With a PDF": 1},
        "Systems and ML": {"Registered": 0, "With a PDF": 0},
    }
    assert stats.score_field == "merit"
    scores = bars(stats.scores)
    assert stats.scores.series == ["All reviews", "Systems", "ML"]
    assert [scores[label]["All reviews"] for label in scores] == [0, 0, 1, 1, 1, 0]
    assert scores["4 (Weak accept)"] == {"All reviews": 1, "Systems": 1, "ML": 0}
    assert scores["3 (Weak reject)"] == {"All reviews": 1, "Systems": 0, "ML": 1}
    assert [(a.area, a.accepted, a.rejected, a.rate) for a in stats.acceptance] == [
        ("Systems", 1, 0, 100.0),
        ("ML", 0, 1, 0.0),
        ("Systems and ML", 0, 0, None),
    ]
    assert bars(stats.reviewer_load) == {"0": {"Reviewers": 0}, "1": {"Reviewers": 0}, "2": {"Reviewers": 2}}
    assert final(stats.completion) == {"Assigned": 4, "Submitted": 3}
    assert [m.name for m in stats.completion.markers] == ["R1 deadline"]
    assert bars(stats.review_length) == {"0-99": {"Reviews": 2}, "100-199": {"Reviews": 1}}
    assert stats.conflicted_papers == 0


def test_a_conflicted_chair_gets_no_review_figure_of_the_paper(
    world: list[Submission], chair: Any, conflicted_chair: Any
) -> None:
    stats: EditionStatistics = edition_statistics(conflicted_chair, world[0].edition)
    assert final(stats.submissions_over_time) == {"Registered": 3, "With a PDF": 2}  # counts: every paper
    assert bars(stats.submissions_by_area)["Systems"] == {"Registered": 2, "With a PDF": 1}
    scores = bars(stats.scores)
    assert [scores[label]["All reviews"] for label in scores] == [0, 0, 0, 1, 0, 0]  # #2's review only
    assert [(a.area, a.accepted, a.rejected) for a in stats.acceptance][:2] == [("Systems", 0, 0), ("ML", 0, 1)]
    assert bars(stats.reviewer_load) == {"0": {"Reviewers": 0}, "1": {"Reviewers": 2}}
    assert final(stats.completion) == {"Assigned": 2, "Submitted": 1}
    assert bars(stats.review_length) == {"0-99": {"Reviews": 1}}
    assert stats.conflicted_papers == 1


def test_the_page_draws_each_chart_with_its_table(world: list[Submission], chair: Any, client: Client) -> None:
    edition = world[0].edition
    client.force_login(chair)
    response = client.get(reverse("site_pages:statistics", args=[edition.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg ") == len(figures(edition_statistics(chair, edition))) == 7
    assert " style=" not in html  # the CSP allows no style attribute
    for ident in ("chart-submissions-over-time", "chart-scores", "chart-acceptance", "chart-review-length"):
        assert f'id="{ident}-table"' in html
        assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 640 320" role="img"' in html
    start = 0
    while (start := html.find("<svg ", start)) != -1:  # each chart is well-formed XML
        end = html.index("</svg>", start) + len("</svg>")
        ET.fromstring(html[start:end])  # noqa: S314 (our own page)
        start = end
    assert "Score Distribution (Overall merit)" in html
    assert '<th scope="row">Systems</th><td class="num">1</td><td class="num">0</td><td class="num">100</td>' in html
    assert reverse("site_pages:statistics", args=[edition.slug]) in html  # in the chair menu


def test_the_conflicted_chairs_page_and_api_leave_the_paper_out(
    world: list[Submission], conflicted_chair: Any, client: Client
) -> None:
    edition = world[0].edition
    client.force_login(conflicted_chair)
    html = client.get(reverse("site_pages:statistics", args=[edition.slug])).content.decode()
    assert "(1 paper)" in html
    assert "5 (Accept)" in html  # the level is listed, with no review
    api = client.get(reverse("api:edition-statistics", args=[edition.slug])).json()
    assert api["completion"]["days"][-1]["values"] == {"Assigned": 2, "Submitted": 1}
    assert api["acceptance"][0] == {"area": "Systems", "accepted": 0, "rejected": 0, "rate": None}
    assert api["conflicted_papers"] == 1


def test_the_api_gives_the_figures(world: list[Submission], chair: Any, client: Client) -> None:
    edition = world[0].edition
    client.force_login(chair)
    response = client.get(reverse("api:edition-statistics", args=[edition.slug]))
    assert response.status_code == 200
    api = response.json()
    assert api["score_field"] == "merit"
    assert api["submissions_over_time"]["days"][-1]["values"] == {"Registered": 3, "With a PDF": 2}
    assert [m["name"] for m in api["submissions_over_time"]["markers"]] == [
        "Abstract registration",
        "Paper submission",
    ]
    assert api["acceptance"][1] == {"area": "ML", "accepted": 0, "rejected": 1, "rate": 0.0}
    assert {b["label"]: b["values"] for b in api["reviewer_load"]["bars"]}["2"] == {"Reviewers": 2.0}
    assert "Fast Sparse Attention Kernels" not in json.dumps(api)


@pytest.mark.parametrize("who", ["pc_systems", "author"])
def test_anyone_but_a_chair_is_refused(world: list[Submission], who: str, request: Any, client: Client) -> None:
    edition = world[0].edition
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("site_pages:statistics", args=[edition.slug])).status_code == 403
    assert client.get(reverse("api:edition-statistics", args=[edition.slug])).status_code == 403


def test_the_number_of_queries_does_not_grow_with_the_papers(
    world: list[Submission], chair: Any, pc_systems: Any, pc_ml: Any
) -> None:
    edition = world[0].edition
    edition_statistics(chair, edition)  # the default forms are made once
    with CaptureQueriesContext(connection) as small:
        edition_statistics(chair, edition)
    for number in range(4, 9):
        paper = SubmissionFactory(edition=edition, number=number, title=f"Paper {number}")
        with_pdf(paper, 21)
        assign(paper, pc_systems)
        write_review(paper, pc_systems, merit=2)
    with CaptureQueriesContext(connection) as large:
        stats = edition_statistics(chair, edition)
    assert final(stats.completion)["Submitted"] == 8
    assert len(large.captured_queries) == len(small.captured_queries)

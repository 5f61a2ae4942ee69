"""The reviews on the reviewer's paper page, the reviewer's dashboard and the chairs' review
progress: Systems and ML side by side, and nothing shown that the visibility rules withhold."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from assignments.models import AssignmentKind
from conferences.models import Edition
from reviews.models import PCSeesNames, ReviewField, ReviewSettings
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from tests.factories.reviews import assign, write_review
from tests.personas import client_for

pytestmark = pytest.mark.django_db

SYSTEMS_TEXT = "The kernel fuses the softmax\ninto the matmul."
ML_TEXT = "Accuracy holds on the three models tried."
PC_SECRET = "Between us: likely a resubmission."


def page(client: Client, paper: Submission) -> str:
    response = client.get(f"/{paper.edition.slug}/reviews/papers/{paper.number}/")
    assert response.status_code == 200
    return response.content.decode()


def api(client: Client, paper: Submission) -> Any:
    return client.get(f"/api/editions/{paper.edition.slug}/papers-to-review/{paper.number}/reviews/")


def test_systems_and_ml_reviews_side_by_side_for_the_chair(
    reviewing: Submission, pc_systems: Any, pc_ml: Any, chair: Any
) -> None:
    write_review(reviewing, pc_systems, weaknesses=SYSTEMS_TEXT, pc_comments=PC_SECRET)
    write_review(reviewing, pc_ml, weaknesses=ML_TEXT, merit=2)
    body = page(client_for(chair), reviewing)
    systems, ml = body.split('id="reviews-systems"')[1].split('id="reviews-ml"')
    assert "The kernel fuses the softmax<br>into the matmul." in systems
    assert ML_TEXT not in systems
    assert ML_TEXT in ml
    assert "Reviewer B (ML)" in ml
    assert "4 Weak accept" in systems
    assert "2 " in ml
    assert PC_SECRET in systems
    assert "PC only" in systems
    assert "Version 1" in systems
    summary = body.split('id="score-summary"')[1].split("</p>")[0]
    assert "Mean 3.00 over 2 reviews" in summary
    assert pc_systems.display_name in systems  # chairs see names


def test_an_author_cannot_open_the_page_or_the_api(reviewing: Submission, pc_systems: Any, author: Any) -> None:
    write_review(reviewing, pc_systems)
    client = client_for(author)
    assert client.get(f"/{reviewing.edition.slug}/reviews/papers/{reviewing.number}/").status_code == 404
    assert api(client, reviewing).status_code == 404


def test_a_co_reviewer_sees_the_other_review_only_after_submitting(
    reviewing: Submission, pc_systems: Any, pc_ml: Any
) -> None:
    write_review(reviewing, pc_systems, weaknesses=SYSTEMS_TEXT)
    client = client_for(pc_ml)
    body = page(client, reviewing)
    assert "You will see the other reviews once you submit yours" in body
    assert "fuses the softmax" not in body
    assert 'id="score-summary"' not in body
    data = api(client, reviewing).json()
    assert data["sees_reviews"] is False
    assert data["systems"] == []
    assert data["mean_score"] is None

    draft = write_review(reviewing, pc_ml, submit=False, weaknesses=ML_TEXT)
    body = page(client, reviewing)
    assert ML_TEXT in body
    assert "Draft" in body
    assert "fuses the softmax" not in body

    from reviews import services

    services.review_save(by=pc_ml, review=draft, answers=draft.answers, submit=True)
    body = page(client, reviewing)
    assert "fuses the softmax" in body
    assert "Reviewer A (Systems)" in body
    assert "once you submit yours" not in body
    assert 'id="score-summary"' in body
    data = api(client, reviewing).json()
    assert data["sees_reviews"] is True
    assert data["systems"][0]["reviewer"].endswith("(Reviewer A (Systems))")  # names after own review (default)


@pytest.mark.parametrize(
    ("setting", "named"), [(PCSeesNames.NEVER, False), (PCSeesNames.AFTER_OWN, True), (PCSeesNames.ALWAYS, True)]
)
def test_names_follow_the_setting(
    reviewing: Submission, edition: Edition, pc_systems: Any, pc_ml: Any, setting: str, named: bool
) -> None:
    ReviewSettings.objects.create(edition=edition, pc_sees_names=setting)
    write_review(reviewing, pc_systems)
    write_review(reviewing, pc_ml)
    systems = page(client_for(pc_ml), reviewing).split('id="reviews-systems"')[1].split('id="reviews-ml"')[0]
    assert "Reviewer A (Systems)" in systems
    assert (pc_systems.display_name in systems) is named


def test_a_conflicted_pc_member_gets_404(reviewing: Submission, pc_systems: Any, pc_ml: Any) -> None:
    write_review(reviewing, pc_systems)
    Conflict.objects.create(
        submission=reviewing, user=pc_ml, reason=ConflictReason.COLLABORATOR, source=ConflictSource.CHAIR
    )
    client = client_for(pc_ml)
    assert client.get(f"/{reviewing.edition.slug}/reviews/papers/{reviewing.number}/").status_code == 404
    assert api(client, reviewing).status_code == 404
    assert api(client_for(pc_systems), reviewing).status_code == 200  # the same URL, for its reviewer


def test_retired_fields_are_shown_as_no_longer_asked(reviewing: Submission, pc_systems: Any, chair: Any) -> None:
    write_review(reviewing, pc_systems, reproducibility=2)
    ReviewField.objects.filter(form__edition=reviewing.edition, key="reproducibility").update(retired=True)
    body = page(client_for(chair), reviewing)
    label = body.split('data-key="reproducibility"')[1]
    assert "(no longer asked)" in label.split("</dt>")[0]


def test_meta_reviews_sit_above_the_areas(reviewing: Submission, edition: Edition, pc_systems: Any, chair: Any) -> None:
    from tests.factories.committees import RoleFactory

    area_chair: Any = RoleFactory(edition=edition, kind="area_chair").user
    assign(reviewing, area_chair, AssignmentKind.META_REVIEW)
    write_review(reviewing, pc_systems)
    write_review(reviewing, area_chair)
    body = page(client_for(chair), reviewing)
    assert body.index('id="meta-reviews"') < body.index('id="reviews-systems"')
    assert "Accept (poster)" in body.split('id="meta-reviews"')[1].split('id="reviews-systems"')[0]


def test_the_dashboard_lists_my_papers_with_their_status(
    reviewing: Submission, edition: Edition, pc_systems: Any, pc_ml: Any, author: Any
) -> None:
    from tests.factories.submissions import SubmissionFactory

    second: Any = SubmissionFactory(edition=edition, number=2, title="Second Paper")
    assign(second, pc_systems)
    write_review(reviewing, pc_systems)
    write_review(second, pc_systems, submit=False)
    response = client_for(pc_systems).get(f"/{edition.slug}/reviews/")
    body = response.content.decode()
    assert "Submitted (version 1)" in body
    assert "Draft saved" in body
    assert "AoE" in body
    assert f"/{edition.slug}/reviews/papers/2/review/" in body
    data = client_for(pc_systems).get(f"/api/editions/{edition.slug}/my-reviews/").json()
    assert [(row["number"], row["status"]) for row in data] == [(1, "submitted"), (2, "draft")]
    empty = client_for(author).get(f"/{edition.slug}/reviews/").content.decode()
    assert "will appear here" in empty


def test_progress_highlights_papers_missing_an_area(
    reviewing: Submission, edition: Edition, pc_systems: Any, pc_ml: Any, chair: Any
) -> None:
    from tests.factories.committees import RoleFactory
    from tests.factories.submissions import SubmissionFactory

    second: Any = SubmissionFactory(edition=edition, number=2, title="Second Paper")
    assign(second, pc_systems)
    assign(second, pc_ml)
    write_review(reviewing, pc_systems)
    write_review(reviewing, pc_ml)
    write_review(second, pc_systems)
    client = client_for(chair)
    rows = client.get(f"/api/editions/{edition.slug}/review-progress/").json()
    assert [(r["number"], r["systems"], r["ml"], r["missing_areas"]) for r in rows] == [
        (1, 1, 1, []),
        (2, 1, 0, ["ML"]),
    ]
    body = client.get(f"/{edition.slug}/reviews/progress/?missing=1").content.decode()
    assert "Second Paper" in body
    assert reviewing.title not in body
    assert "Review progress" in client.get(f"/{edition.slug}/reviews/progress/").content.decode()

    other_chair: Any = RoleFactory(edition=edition, kind="pc_chair").user
    Conflict.objects.create(
        submission=second, user=other_chair, reason=ConflictReason.COLLABORATOR, source=ConflictSource.CHAIR
    )
    rows = client_for(other_chair).get(f"/api/editions/{edition.slug}/review-progress/").json()
    assert [r["number"] for r in rows] == [1]
    assert client_for(pc_ml).get(f"/{edition.slug}/reviews/progress/").status_code == 403


def test_the_role_panel_shows_each_papers_review_status(
    reviewing: Submission, edition: Edition, pc_systems: Any
) -> None:
    write_review(reviewing, pc_systems, submit=False)
    body = client_for(pc_systems).get(f"/{edition.slug}/").content.decode()
    assert "Draft saved" in body.split('class="papers-to-review"')[1]

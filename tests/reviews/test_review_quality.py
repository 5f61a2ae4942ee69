"""Review quality: ratings of reviews (who may rate, who sees what of them) and the chairs'
review statistics (a conflicted chair sees nothing of the papers they are conflicted with)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conferences.models import Edition
from conferences.roles import RoleKind
from mlsys_conf.policy import PolicyDenied
from reviews import quality
from reviews.calibration import fit
from reviews.models import ReviewRating
from reviews.policy import can_rate_review
from reviews.selectors import paper_reviews, round_closes_at
from reviews.statistics import review_statistics
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from tests.factories.committees import RoleFactory
from tests.factories.reviews import assign, write_review
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


def test_the_author_cannot_rate_a_review(reviewing: Submission, pc_systems: Any, author: Any) -> None:
    review = write_review(reviewing, pc_systems)
    assert not can_rate_review(author, review)
    with pytest.raises(PolicyDenied):
        quality.rating_set(by=author, review=review, rating="wrong")
    assert quality.rating_facts(author, paper_reviews(reviewing)) == {}  # not released: nothing to see
    assert not ReviewRating.objects.exists()


def test_a_co_reviewer_rates_only_after_their_own_review_and_never_their_own(
    reviewing: Submission, pc_systems: Any, pc_ml: Any
) -> None:
    review = write_review(reviewing, pc_systems)
    verdict = can_rate_review(pc_ml, review)
    assert not verdict
    assert "once you may read it" in verdict.reason
    with pytest.raises(PolicyDenied):
        quality.rating_set(by=pc_ml, review=review, rating="vague")
    mine = write_review(reviewing, pc_ml)
    quality.rating_set(by=pc_ml, review=review, rating="vague")
    quality.rating_set(by=pc_ml, review=review, rating="helpful")  # changed, still one rating
    assert list(ReviewRating.objects.values_list("rater", "rating")) == [(pc_ml.pk, "helpful")]
    assert not can_rate_review(pc_systems, review)  # the writer
    assert can_rate_review(pc_systems, mine)


def test_the_writer_sees_counts_but_not_who_rated(
    reviewing: Submission, pc_systems: Any, pc_ml: Any, chair: Any
) -> None:
    review = write_review(reviewing, pc_systems)
    write_review(reviewing, pc_ml)
    quality.rating_set(by=pc_ml, review=review, rating="too_short")
    quality.rating_set(by=chair, review=review, rating="too_short")
    writer_sees = quality.rating_facts(pc_systems, paper_reviews(reviewing))[review.pk]
    assert (writer_sees.can_rate, writer_sees.mine, writer_sees.counts) == (False, None, {"too_short": 2})
    co_reviewer_sees = quality.rating_facts(pc_ml, paper_reviews(reviewing))[review.pk]
    assert (co_reviewer_sees.can_rate, co_reviewer_sees.mine, co_reviewer_sees.counts) == (True, "too_short", None)
    assert quality.rating_clear(by=pc_ml, review=review)
    assert quality.rating_facts(chair, paper_reviews(reviewing))[review.pk].counts == {"too_short": 1}


def test_a_chair_rates_through_the_page_and_the_api(
    reviewing: Submission, pc_systems: Any, chair: Any, client: Client, edition: Edition
) -> None:
    review = write_review(reviewing, pc_systems)
    client.force_login(chair)
    response = client.post(reverse("reviews:rate", args=[edition.slug, review.pk]), {"rating": "helpful"})
    assert response.status_code == 302
    assert ReviewRating.objects.get(review=review, rater=chair).rating == "helpful"
    url = reverse("api:review-rating", args=[edition.slug, review.pk])
    response = client.put(url, json.dumps({"rating": "disrespectful"}), content_type="application/json")
    assert response.status_code == 200
    assert response.json() == {
        "review": review.pk,
        "can_rate": True,
        "rating": "disrespectful",
        "counts": {"disrespectful": 1},
    }
    client.post(reverse("reviews:rate", args=[edition.slug, review.pk]), {"remove": "1"})
    assert not ReviewRating.objects.exists()


def test_the_rating_form_shows_the_current_rating(
    reviewing: Submission, pc_systems: Any, chair: Any, rf: Any, edition: Edition
) -> None:
    from django.template.loader import render_to_string

    review = write_review(reviewing, pc_systems)
    quality.rating_set(by=chair, review=review, rating="vague")
    facts = quality.rating_facts(chair, paper_reviews(reviewing))[review.pk]
    request = rf.get("/")
    request.user = chair
    html = render_to_string(
        "reviews/_rating_form.html", {"review": review, "rating": facts, "edition": edition}, request=request
    )
    assert 'value="vague" checked' in html
    assert "Remove My Rating" in html
    assert "Vague 1" in " ".join(html.split())  # chairs see the counts too


# --- Statistics ----------------------------------------------------------------------------


@pytest.fixture
def two_papers(reviewing: Submission, edition: Edition, pc_systems: Any, pc_ml: Any) -> list[Submission]:
    other = SubmissionFactory(edition=edition, number=2, title="Compilers for Tiny Accelerators")
    assign(other, pc_systems)
    assign(other, pc_ml)
    write_review(reviewing, pc_systems, merit=5)
    write_review(reviewing, pc_ml, merit=3)
    write_review(other, pc_systems, merit=4)
    late = write_review(other, pc_ml, merit=1, summary=" ".join(["word"] * 30))
    closes_at = round_closes_at(late.round)
    assert closes_at is not None
    type(late).objects.filter(pk=late.pk).update(submitted_at=closes_at + timedelta(days=2))
    return [reviewing, other]


def test_the_statistics_page_shows_reviewers_and_calibrated_scores(
    two_papers: list[Submission], chair: Any, pc_systems: Any, pc_ml: Any, client: Client, edition: Edition
) -> None:
    stats = review_statistics(chair, edition)
    rows = {row.user_id: row for row in stats.reviewers}
    assert (rows[pc_ml.pk].assigned, rows[pc_ml.pk].submitted, rows[pc_ml.pk].late) == (2, 2, 1)
    assert rows[pc_ml.pk].most_days_late == 2.0
    assert rows[pc_systems.pk].late == 0
    assert rows[pc_systems.pk].median_days_before > 0
    assert rows[pc_systems.pk].bias > 0 > rows[pc_ml.pk].bias  # the ML member scores lower
    assert rows[pc_systems.pk].bias == pytest.approx(-rows[pc_ml.pk].bias, abs=0.01)
    assert [paper.number for paper in stats.papers] == [1, 2]
    assert [paper.mean for paper in stats.papers] == [4.0, 2.5]
    assert [paper.calibrated_rank for paper in stats.papers] == [1, 2]

    client.force_login(chair)
    response = client.get(reverse("reviews:statistics", args=[edition.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Compilers for Tiny Accelerators" in html
    assert pc_ml.display_name in html
    api = client.get(reverse("api:review-statistics", args=[edition.slug])).json()
    assert [paper["mean"] for paper in api["papers"]] == [4.0, 2.5]
    assert api["score_field"] == "merit"


def test_a_conflicted_chair_sees_nothing_of_the_paper(
    two_papers: list[Submission], chair: Any, pc_systems: Any, pc_ml: Any, client: Client, edition: Edition
) -> None:
    hidden, shown = two_papers
    other_chair = RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair2@example.org").user
    Conflict.objects.create(
        submission=hidden, user=other_chair, reason=ConflictReason.COLLABORATOR, source=ConflictSource.CHAIR
    )
    stats = review_statistics(other_chair, edition)
    assert [paper.number for paper in stats.papers] == [2]
    rows = {row.user_id: row for row in stats.reviewers}
    assert (rows[pc_systems.pk].assigned, rows[pc_systems.pk].submitted) == (1, 1)
    alone = fit([(shown.pk, pc_systems.pk, 4), (shown.pk, pc_ml.pk, 1)])  # the model without the hidden paper
    assert rows[pc_systems.pk].bias == round(alone.reviewers[pc_systems.pk].bias, 2)
    everything = {row.user_id: row for row in review_statistics(chair, edition).reviewers}
    assert (rows[pc_systems.pk].bias, everything[pc_systems.pk].bias) == (0.75, 0.83)  # ridge 1: see calibration

    client.force_login(other_chair)
    html = client.get(reverse("reviews:statistics", args=[edition.slug])).content.decode()
    assert hidden.title not in html
    assert 'data-number="1"' not in html
    api = client.get(reverse("api:review-statistics", args=[edition.slug])).json()
    assert [paper["number"] for paper in api["papers"]] == [2]
    assert hidden.title not in json.dumps(api)

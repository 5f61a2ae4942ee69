"""External reviewers, end to end: a PC reviewer asks for one, a chair approves, the person is
mailed the paper's title and abstract (never its authors, nor who asked), accepts from their
account and then reviews that paper alone through the reviewer's pages; conflict detection
turns a conflicted person away; whoever does not review the paper cannot ask; a withdrawn
request's link is dead; and the same round trip through the API."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from assignments.models import Assignment, AssignmentKind
from conferences.models import Edition, Role
from conferences.roles import RoleKind
from outbox.models import Mail
from reviews import external
from reviews.models import ExternalRequest, ExternalStatus, PCSeesReviews, Review, ReviewKind, ReviewSettings
from reviews.reminders import missing_reviews
from submissions.models import Conflict, Submission
from tests.factories.accounts import UserFactory
from tests.factories.reviews import COMPLETE_REVIEW, assign, open_reviewing
from tests.factories.submissions import AuthorFactory, SubmissionFactory
from tests.personas import client_for

pytestmark = pytest.mark.django_db

EXTERNAL_EMAIL = "erin.external@kernels-institute.example.net"


@pytest.fixture
def reviewing(edition: Edition, submission: Submission, pc_systems: Any) -> Submission:
    open_reviewing(edition)
    assign(submission, pc_systems)
    return submission


@pytest.fixture
def other_paper(edition: Edition, pc_ml: Any) -> Any:
    paper: Any = SubmissionFactory(edition=edition, number=2, title="Compilers for Tiny Accelerators")
    AuthorFactory(submission=paper, position=1, name="Olga Other", email="olga@other-lab.example.com")
    assign(paper, pc_ml)
    return paper


@pytest.fixture
def erin(db: Any) -> Any:
    return UserFactory(email=EXTERNAL_EMAIL, first_name="Erin", last_name="External", affiliation="Kernels Institute")


def paper_page(paper: Submission, what: str = "") -> str:
    return f"/{paper.edition.slug}/reviews/papers/{paper.number}/{what}"


def link_page(row: ExternalRequest, what: str = "") -> str:
    return f"/{row.submission.edition.slug}/external-review/{row.token}/{what}"


def ask(client: Client, paper: Submission, **data: str) -> Any:
    body = {"name": "Erin External", "email": EXTERNAL_EMAIL, "reason": "Wrote the book on sparse kernels."} | data
    return client.post(paper_page(paper, "external/"), body)


def test_a_reviewer_asks_a_chair_approves_and_the_external_reviews_that_paper_only(
    reviewing: Submission, other_paper: Submission, pc_systems: Any, chair: Any, author: Any, erin: Any
) -> None:
    page = client_for(pc_systems).get(paper_page(reviewing)).content.decode()
    assert 'id="external-request-form"' in page  # the form, for the paper's reviewer

    response = ask(client_for(pc_systems), reviewing)
    assert response.status_code == 302
    row = ExternalRequest.objects.get()
    assert (row.status, row.requested_by, row.email) == (ExternalStatus.REQUESTED, pc_systems, EXTERNAL_EMAIL)
    to_chair = Mail.objects.get(to_email=chair.email)
    assert "Erin External" in to_chair.body
    assert f"#{reviewing.number}" in to_chair.subject
    assert not Mail.objects.filter(to_email=EXTERNAL_EMAIL).exists()  # nothing before a chair approves
    assert client_for(erin).get(link_page(row)).status_code == 404  # not approved: no link yet

    chairs_list = client_for(chair).get(f"/{reviewing.edition.slug}/reviews/external/")
    assert chairs_list.status_code == 200
    assert "Wrote the book on sparse kernels." in chairs_list.content.decode()
    response = client_for(chair).post(f"/{reviewing.edition.slug}/reviews/external/{row.pk}/approve/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.approved_by) == (ExternalStatus.APPROVED, chair)

    mail = Mail.objects.get(to_email=EXTERNAL_EMAIL)
    text = mail.subject + mail.body
    assert reviewing.title in text
    assert reviewing.abstract in text
    assert link_page(row) in text
    assert "programme committee" in text
    for secret in (author.display_name, author.email, "Co Author", "coauthor@example.org"):
        assert secret not in text  # double-blind: never the authors
    assert pc_systems.display_name not in text
    assert pc_systems.email not in text

    erin_client = client_for(erin)
    landing = erin_client.get(link_page(row)).content.decode()
    assert reviewing.title in landing
    assert author.display_name not in landing
    assert "Co Author" not in landing
    response = erin_client.post(link_page(row, "accept/"))
    assert response.status_code == 302
    assert response["Location"] == paper_page(reviewing)
    row.refresh_from_db()
    assert (row.status, row.user) == (ExternalStatus.ACCEPTED, erin)
    assert Role.objects.filter(edition=reviewing.edition, user=erin, kind=RoleKind.EXTERNAL_REVIEWER).exists()
    assignment = Assignment.objects.get(user=erin)
    assert (assignment.submission, assignment.kind, assignment.is_committed) == (reviewing, AssignmentKind.REVIEW, True)

    # The reviewer's pages, for that paper alone.
    assert erin_client.get(paper_page(reviewing)).status_code == 200
    assert erin_client.get(paper_page(other_paper)).status_code == 404
    assert erin_client.get(paper_page(other_paper, "review/")).status_code == 404
    dashboard = erin_client.get(f"/{reviewing.edition.slug}/reviews/").content.decode()
    assert reviewing.title in dashboard
    assert other_paper.title not in dashboard
    home = erin_client.get(f"/{reviewing.edition.slug}/").content.decode()  # the edition page's role panel
    assert "External reviewer" in home
    assert f"#{reviewing.number} {reviewing.title}" in home
    assert "Artifact evaluation" not in home
    assert (reviewing.pk, erin.pk) in {(m.submission.pk, m.reviewer.pk) for m in missing_reviews(reviewing.edition)}

    answers = {key: str(value) for key, value in COMPLETE_REVIEW.items()}
    response = erin_client.post(paper_page(reviewing, "review/"), answers | {"action": "submit"})
    assert response.status_code == 302
    review = Review.objects.get(reviewer=erin)
    assert (review.submission, review.kind, review.is_submitted) == (reviewing, ReviewKind.EXTERNAL, True)
    assert review.requested_by == pc_systems
    assert 'id="external-request-form"' not in erin_client.get(paper_page(reviewing)).content.decode()


def test_a_chairs_request_is_approved_at_once(reviewing: Submission, chair: Any) -> None:
    assert ask(client_for(chair), reviewing).status_code == 302
    row = ExternalRequest.objects.get()
    assert (row.status, row.approved_by) == (ExternalStatus.APPROVED, chair)
    assert Mail.objects.filter(to_email=EXTERNAL_EMAIL).count() == 1


def test_a_conflicted_external_is_refused_and_the_refusal_recorded(reviewing: Submission, chair: Any) -> None:
    row = external.external_request(by=chair, submission=reviewing, name="Co Author", email="coauthor@example.org")
    coauthor: Any = UserFactory(email="coauthor@example.org", affiliation="Kernels Institute")  # listed as an author
    client = client_for(coauthor)
    response = client.post(link_page(row, "accept/"), follow=True)
    assert "You have a conflict of interest with this paper" in response.content.decode()
    row.refresh_from_db()
    assert row.status == ExternalStatus.APPROVED
    assert "conflict of interest" in row.refusal
    assert row.user == coauthor
    assert Conflict.objects.filter(submission=reviewing, user=coauthor).exists()  # detection recorded it
    assert not Role.objects.filter(user=coauthor).exists()
    assert not Assignment.objects.filter(user=coauthor).exists()
    assert client.get(paper_page(reviewing)).status_code == 404


def test_only_the_papers_reviewers_and_chairs_may_ask(
    edition: Edition, reviewing: Submission, pc_ml: Any, author: Any, outsider: Any
) -> None:
    for person in (pc_ml, author, outsider):  # they cannot open the paper: its 404
        assert ask(client_for(person), reviewing).status_code == 404
        response = client_for(person).post(
            f"/api/editions/{edition.slug}/papers-to-review/{reviewing.number}/external-requests/",
            {"name": "Erin External", "email": EXTERNAL_EMAIL},
        )
        assert response.status_code == 404
    ReviewSettings.objects.create(edition=edition, pc_sees_reviews=PCSeesReviews.ALWAYS)
    client = client_for(pc_ml)  # now pc_ml may open the paper, but does not review it
    assert client.get(paper_page(reviewing)).status_code == 200
    assert 'id="external-request-form"' not in client.get(paper_page(reviewing)).content.decode()
    assert ask(client, reviewing).status_code == 403
    assert not ExternalRequest.objects.exists()


def test_a_withdrawn_requests_link_is_dead(reviewing: Submission, chair: Any, erin: Any) -> None:
    row = external.external_request(by=chair, submission=reviewing, name="Erin External", email=EXTERNAL_EMAIL)
    assert client_for(erin).get(link_page(row)).status_code == 200
    response = client_for(chair).post(f"/{reviewing.edition.slug}/reviews/external/{row.pk}/withdraw/")
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == ExternalStatus.WITHDRAWN
    client = client_for(erin)
    assert client.get(link_page(row)).status_code == 404
    assert client.post(link_page(row, "accept/")).status_code == 404
    assert client.get(f"/api/external-review-links/{row.token}/").status_code == 404
    assert client.post(f"/api/external-review-links/{row.token}/accept/").status_code == 404
    assert not Role.objects.filter(user=erin).exists()


def test_the_api_round_trip(
    edition: Edition,
    reviewing: Submission,
    other_paper: Submission,
    pc_systems: Any,
    chair: Any,
    author: Any,
    erin: Any,
) -> None:
    base = f"/api/editions/{edition.slug}"
    asked = client_for(pc_systems).post(
        f"{base}/papers-to-review/{reviewing.number}/external-requests/",
        {"name": "Erin External", "email": EXTERNAL_EMAIL, "reason": "Sparse kernels."},
        content_type="application/json",
    )
    assert asked.status_code == 201, asked.content
    assert asked.json()["status"] == ExternalStatus.REQUESTED
    mine = client_for(pc_systems).get(f"{base}/papers-to-review/{reviewing.number}/external-requests/").json()
    assert [row["email"] for row in mine] == [EXTERNAL_EMAIL]
    assert "refusal" not in mine[0]

    chair_client = client_for(chair)
    listed = chair_client.get(f"{base}/external-requests/").json()
    assert [(row["id"], row["requested_by"]) for row in listed] == [(asked.json()["id"], pc_systems.display_name)]
    assert client_for(pc_systems).get(f"{base}/external-requests/").status_code == 403
    approved = chair_client.post(f"{base}/external-requests/{asked.json()['id']}/approve/")
    assert approved.status_code == 200
    assert approved.json()["status"] == ExternalStatus.APPROVED

    token = ExternalRequest.objects.get().token
    erin_client = client_for(erin)
    offered = erin_client.get(f"/api/external-review-links/{token}/").json()
    assert offered["title"] == reviewing.title
    assert offered["paper"] is None
    assert author.display_name not in str(offered)
    assert "Co Author" not in str(offered)
    accepted = erin_client.post(f"/api/external-review-links/{token}/accept/")
    assert accepted.status_code == 200, accepted.content
    assert (accepted.json()["status"], accepted.json()["paper"]) == (ExternalStatus.ACCEPTED, reviewing.number)

    listed_papers = erin_client.get(f"{base}/papers-to-review/")
    assert listed_papers.status_code == 200
    assert [paper["number"] for paper in listed_papers.json()["results"]] == [reviewing.number]
    assert erin_client.get(f"{base}/papers-to-review/{reviewing.number}/").status_code == 200
    assert erin_client.get(f"{base}/papers-to-review/{other_paper.number}/").status_code == 404
    review = erin_client.get(f"{base}/papers-to-review/{reviewing.number}/review/")
    assert review.status_code == 200
    assert erin_client.get(f"{base}/papers-to-review/{other_paper.number}/review/").status_code == 404

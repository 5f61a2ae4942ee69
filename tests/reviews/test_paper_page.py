"""The reviewer's page of a paper, its files and its API, over HTTP: who gets in, and that
nothing on them names the authors (double-blind)."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from assignments.models import Assignment, AssignmentSource
from assignments.notifications import reviewers_of_committed
from conferences.models import Deadline, Edition, Phase
from outbox.models import Mail
from submissions import services as submission_services
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission, SubmissionState
from tests.factories.pdfs import make_pdf
from tests.factories.submissions import AuthorFactory, SubmissionFactory
from tests.personas import client_for

pytestmark = pytest.mark.django_db

AUTHOR_STRINGS = ("Ada Quintessa", "ada.quintessa@hidden-uni.example", "Hidden University of Zed")


@pytest.fixture
def paper(edition: Edition, author: Any) -> Submission:
    paper = SubmissionFactory(edition=edition, number=17, title="Sparse Kernels", abstract="We make kernels sparse.")
    AuthorFactory(
        submission=paper, position=1, name=AUTHOR_STRINGS[0], email=AUTHOR_STRINGS[1], affiliation=AUTHOR_STRINGS[2]
    )
    AuthorFactory(submission=paper, position=2, name=author.display_name, email=author.email, user=author)
    submission_services.paper_upload(submission=paper, content=make_pdf(), filename="ada-quintessa.pdf", by=author)
    return paper


def assign(paper: Submission, user: Any, *, committed: bool = True) -> None:
    Assignment.objects.create(
        submission=paper,
        user=user,
        source=AssignmentSource.MANUAL,
        is_committed=committed,
        committed_at=timezone.now() if committed else None,
    )


def page_url(paper: Submission) -> str:
    return f"/{paper.edition.slug}/reviews/papers/{paper.number}/"


def test_assigned_member_sees_the_paper_without_its_authors(paper: Submission, pc_systems: Any) -> None:
    assign(paper, pc_systems)
    response = client_for(pc_systems).get(page_url(paper))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Sparse Kernels" in body
    assert "We make kernels sparse." in body
    assert f"{page_url(paper)}paper/" in body
    for secret in (*AUTHOR_STRINGS, "ada-quintessa"):
        assert secret not in body


def test_the_pdf_is_named_after_the_paper_not_its_authors(paper: Submission, pc_systems: Any) -> None:
    assign(paper, pc_systems)
    response = client_for(pc_systems).get(f"{page_url(paper)}paper/")
    response.close()
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="mlsys2027-paper-17.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_api_gives_the_paper_without_authors(paper: Submission, pc_systems: Any) -> None:
    assign(paper, pc_systems)
    response = client_for(pc_systems).get(f"/api/editions/{paper.edition.slug}/papers-to-review/17/")
    assert response.status_code == 200
    assert response.json()["title"] == "Sparse Kernels"
    for secret in AUTHOR_STRINGS:
        assert secret not in response.content.decode()


def test_a_chair_not_conflicted_sees_it(paper: Submission, chair: Any) -> None:
    assert client_for(chair).get(page_url(paper)).status_code == 200


@pytest.mark.parametrize("suffix", ["", "paper/", "supplementary/", "nothing/"])
def test_everyone_else_gets_the_404_of_a_missing_paper(
    paper: Submission, chair: Any, pc_systems: Any, pc_ml: Any, author: Any, outsider: Any, suffix: str
) -> None:
    assign(paper, pc_ml, committed=False)  # a draft is not yet theirs
    Conflict.objects.create(
        submission=paper, user=chair, reason=ConflictReason.COLLABORATOR, source=ConflictSource.CHAIR
    )
    for user in (chair, pc_systems, pc_ml, author, outsider):
        client = client_for(user)
        response = client.get(f"{page_url(paper)}{suffix}")
        missing = client.get(f"/{paper.edition.slug}/reviews/papers/99/{suffix}")
        assert (response.status_code, missing.status_code) == (404, 404)
        assert "Sparse Kernels" not in response.content.decode()


def test_anonymous_visitors_are_asked_to_sign_in(paper: Submission) -> None:
    response = Client().get(page_url(paper))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_dashboard_links_to_the_page(paper: Submission, pc_systems: Any) -> None:
    assign(paper, pc_systems)
    body = client_for(pc_systems).get(paper.edition.get_absolute_url()).content.decode()
    assert f'href="{page_url(paper)}"' in body


def test_the_commit_mail_links_to_the_page(paper: Submission, pc_systems: Any, settings: Any) -> None:
    settings.SITE_URL = "https://conf.example"
    assign(paper, pc_systems)
    assert reviewers_of_committed(paper.edition.pk, [pc_systems.pk], stamp=1) == 1
    mail = Mail.objects.get(to_email=pc_systems.email)
    assert f"https://conf.example{page_url(paper)}" in mail.body
    for secret in AUTHOR_STRINGS:
        assert secret not in mail.body


def test_a_withdrawn_paper_is_gone_from_its_reviewer(paper: Submission, pc_systems: Any) -> None:
    assign(paper, pc_systems)
    Submission.objects.filter(pk=paper.pk).update(state=SubmissionState.WITHDRAWN)
    assert client_for(pc_systems).get(page_url(paper)).status_code == 404


def test_the_supplementary_material_is_downloaded_under_the_paper_number(
    paper: Submission, pc_systems: Any, author: Any
) -> None:
    Deadline.objects.create(
        edition=paper.edition, phase=Phase.SUPPLEMENTARY_MATERIAL, closes_at=timezone.now() + timedelta(days=12)
    )
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("README.txt", "Run make.")
    submission_services.supplementary_upload(
        submission=paper, content=archive.getvalue(), filename="ada-quintessa-code.zip", by=author
    )
    assign(paper, pc_systems)
    response = client_for(pc_systems).get(f"{page_url(paper)}supplementary/")
    response.close()
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mlsys2027-paper-17-supplementary.zip"'

"""/api/editions/<slug>/submissions/: your own submissions, or all of them if you chair;
registering, editing, uploading, withdrawing and conflicts, under the pages' deadlines."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conferences.models import Phase
from outbox.models import Mail
from submissions.api import SubmissionSerializer
from submissions.models import ConflictSource, Extension, FileKind, Submission, SubmissionFile
from submissions.selectors import current_paper, current_supplementary
from tests.factories.pdfs import make_pdf
from tests.factories.submissions import AuthorFactory, SubmissionFactory
from tests.submissions import corpus
from tests.submissions.helpers import move_deadline, upload

pytestmark = pytest.mark.django_db

URL = "/api/editions/mlsys2027/submissions/"


@pytest.fixture
def someone_elses(submission: Submission) -> Submission:
    other = SubmissionFactory(edition=submission.edition, number=2, title="Somebody Else's Paper")
    AuthorFactory(submission=other, position=1, name="Else Where", email="else@example.org")
    return other


def numbers(response: Any) -> list[int]:
    return [s["number"] for s in response.json()["results"]]


def test_author_lists_only_their_own(
    client: Any, submission: Submission, someone_elses: Submission, stored_paper: SubmissionFile, author: Any
) -> None:
    client.force_login(author)
    response = client.get(URL)
    assert response.status_code == 200
    [mine] = response.json()["results"]
    assert mine["number"] == 1
    assert mine["title"] == "Fast Sparse Attention Kernels"
    assert mine["paper"]["sha256"] == stored_paper.sha256
    assert mine["paper"]["is_accepted"] is True
    assert mine["paper"]["page_count"] == 2
    assert [(a["position"], a["email"]) for a in mine["authors"]] == [
        (1, "author@example.org"),
        (2, "coauthor@example.org"),
    ]


def test_author_reads_their_own_but_not_another(
    client: Any, submission: Submission, someone_elses: Submission, author: Any
) -> None:
    client.force_login(author)
    assert client.get(f"{URL}1/").json()["title"] == "Fast Sparse Attention Kernels"
    assert client.get(f"{URL}2/").status_code == 404


def test_chair_lists_all_with_authors(
    client: Any, submission: Submission, someone_elses: Submission, chair: Any
) -> None:
    client.force_login(chair)
    response = client.get(URL)
    assert response.status_code == 200
    assert numbers(response) == [1, 2]
    assert response.json()["results"][1]["authors"][0]["name"] == "Else Where"
    assert response.json()["results"][0]["paper"] is None


@pytest.mark.parametrize("persona", ["pc_systems", "pc_ml", "ae_member", "outsider"])
def test_others_list_nothing(request: pytest.FixtureRequest, client: Any, submission: Submission, persona: str) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert response.json()["results"] == []
    assert client.get(f"{URL}1/").status_code == 404


def test_anonymous_is_refused(client: Any, submission: Submission) -> None:
    assert client.get(URL).status_code in (401, 403)


def test_submissions_of_another_edition_are_not_listed(client: Any, submission: Submission, author: Any) -> None:
    elsewhere = SubmissionFactory(title="Elsewhere")
    AuthorFactory(submission=elsewhere, email=author.email, user=author)
    client.force_login(author)
    assert numbers(client.get(URL)) == [1]
    assert numbers(client.get(f"/api/editions/{elsewhere.edition.slug}/submissions/")) == [elsewhere.number]


@pytest.mark.parametrize(
    ("persona", "sees_authors"),
    [("author", True), ("chair", True), ("pc_systems", False), ("pc_ml", False), ("outsider", False)],
)
def test_authors_are_null_where_double_blind_applies(
    request: pytest.FixtureRequest, rf: RequestFactory, submission: Submission, persona: str, sees_authors: bool
) -> None:
    """The serializer asks the policy, whoever the submission is shown to."""
    http = rf.get(URL)
    http.user = request.getfixturevalue(persona)
    data = SubmissionSerializer(submission, context={"request": http}).data
    assert data["title"] == "Fast Sparse Attention Kernels"
    if sees_authors:
        assert [a["name"] for a in data["authors"]][1] == "Co Author"
    else:
        assert data["authors"] is None


def test_list_query_count_does_not_grow(client: Any, submission: Submission, chair: Any) -> None:
    client.force_login(chair)
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(URL).json()["results"]) == 1
    for number in (2, 3):
        extra = SubmissionFactory(edition=submission.edition, number=number)
        AuthorFactory(submission=extra, position=1)
    with CaptureQueriesContext(connection) as three:
        assert len(client.get(URL).json()["results"]) == 3
    assert len(three) == len(one)


# --- Registering -------------------------------------------------------------------------------

NEW = {
    "title": "Serving LLMs Cheaply",
    "abstract": "We batch.",
    "topic": "systems",
    "keywords": "serving, batching",
    "authors": [
        {"name": "Ada Author", "email": "author@example.org", "affiliation": "ETH Zurich"},
        {"name": "Bo Co", "email": "bo@example.net", "is_contact": True},
    ],
}


def test_register_through_the_api(client: Any, edition: Any, author: Any) -> None:
    client.force_login(author)
    response = client.post(URL, NEW, content_type="application/json")
    assert response.status_code == 201
    data = response.json()
    assert data["number"] == 1
    assert data["title"] == "Serving LLMs Cheaply"
    assert data["paper"] is None
    assert [(a["position"], a["email"], a["is_contact"]) for a in data["authors"]] == [
        (1, "author@example.org", False),
        (2, "bo@example.net", True),
    ]
    assert Submission.objects.get().created_by == author


def test_register_without_authors_lists_the_caller(client: Any, edition: Any, author: Any) -> None:
    client.force_login(author)
    response = client.post(URL, {k: v for k, v in NEW.items() if k != "authors"}, content_type="application/json")
    assert response.status_code == 201
    assert [(a["email"], a["is_contact"]) for a in response.json()["authors"]] == [(author.email, True)]


def test_register_one_second_after_the_abstract_deadline_is_refused(client: Any, edition: Any, author: Any) -> None:
    move_deadline(edition, Phase.ABSTRACT_REGISTRATION, timezone.now() - timedelta(seconds=1))
    client.force_login(author)
    response = client.post(URL, NEW, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Abstract registration is closed for this edition.")
    assert not Submission.objects.exists()


def test_anonymous_cannot_register(client: Any, edition: Any) -> None:
    assert client.post(URL, NEW, content_type="application/json").status_code in (401, 403)
    assert not Submission.objects.exists()


# --- Editing ---------------------------------------------------------------------------------


def test_patch_changes_only_what_is_sent(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    response = client.patch(f"{URL}1/", {"title": "Faster Still"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["title"] == "Faster Still"
    submission.refresh_from_db()
    assert submission.title == "Faster Still"
    assert submission.topic == "systems"
    assert submission.authors.count() == 2


def test_patch_replaces_the_authors(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    authors = [{"name": "Me", "email": author.email}, {"name": "Di", "email": "di@example.net"}]
    response = client.patch(f"{URL}1/", {"authors": authors}, content_type="application/json")
    assert response.status_code == 200
    assert [a["email"] for a in response.json()["authors"]] == [author.email, "di@example.net"]


def test_patch_after_the_paper_deadline_is_refused_with_the_reason(
    client: Any, submission: Submission, author: Any
) -> None:
    move_deadline(submission.edition, Phase.PAPER_SUBMISSION, timezone.now() - timedelta(seconds=1))
    client.force_login(author)
    response = client.patch(f"{URL}1/", {"title": "Late"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("The paper submission deadline passed at ")
    submission.refresh_from_db()
    assert submission.title == "Fast Sparse Attention Kernels"


@pytest.mark.parametrize("persona", ["pc_systems", "outsider", "ae_member"])
def test_others_cannot_touch_a_submission(
    request: pytest.FixtureRequest, client: Any, submission: Submission, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.patch(f"{URL}1/", {"title": "X"}, content_type="application/json").status_code == 404
    assert client.post(f"{URL}1/paper/", {"file": upload("p.pdf", make_pdf())}).status_code == 404
    assert client.post(f"{URL}1/withdraw/").status_code == 404
    assert client.get(f"{URL}1/files/").status_code == 404
    assert client.get(f"{URL}1/conflicts/").status_code == 404
    submission.refresh_from_db()
    assert submission.title == "Fast Sparse Attention Kernels"
    assert not submission.is_withdrawn
    assert not submission.files.exists()


def test_a_chair_reads_but_does_not_edit(client: Any, submission: Submission, chair: Any) -> None:
    client.force_login(chair)
    assert client.get(f"{URL}1/").json()["authors"][1]["email"] == "coauthor@example.org"
    response = client.patch(f"{URL}1/", {"title": "X"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Only the authors can change this submission."


# --- Uploading ---------------------------------------------------------------------------------


def test_upload_an_accepted_paper(
    client: Any, submission: Submission, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    submission.authors.filter(position=1).update(is_contact=True)
    client.force_login(author)
    content = corpus.weasyprint_pdf()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{URL}1/paper/", {"file": upload("final.pdf", content)})
    assert response.status_code == 201
    data = response.json()
    assert data["kind"] == "paper"
    assert data["is_accepted"] is True
    assert data["page_count"] == 2
    assert data["original_name"] == "final.pdf"
    assert {c["code"] for c in data["checks"]} >= {"is_pdf", "page_count", "fonts_embedded"}
    assert current_paper(submission).sha256 == data["sha256"]
    assert client.get(f"{URL}1/").json()["paper"]["sha256"] == data["sha256"]
    assert Mail.objects.filter(to_email=author.email, body__contains=data["sha256"]).count() == 1


def test_a_rejected_paper_is_a_400_with_its_checks_and_the_old_version_stays(
    client: Any, submission: Submission, stored_paper: SubmissionFile, author: Any
) -> None:
    client.force_login(author)
    response = client.post(f"{URL}1/paper/", {"file": upload("paper.pdf", corpus.pypdf_blank(1, password="x"))})
    assert response.status_code == 400
    data = response.json()
    assert data["is_accepted"] is False
    assert {
        "code": "not_encrypted",
        "status": "error",
        "message": "The PDF is encrypted or password-protected; save it without protection.",
    } in data["checks"]
    assert current_paper(submission) == stored_paper


def test_a_paper_one_second_late_is_refused_with_the_reason(
    client: Any, submission: Submission, stored_paper: SubmissionFile, author: Any
) -> None:
    move_deadline(submission.edition, Phase.PAPER_SUBMISSION, timezone.now() - timedelta(seconds=1))
    client.force_login(author)
    response = client.post(f"{URL}1/paper/", {"file": upload("late.pdf", make_pdf(4))})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("The paper submission deadline passed at ")
    assert "AoE" in response.json()["detail"]
    assert submission.files.count() == 1
    assert current_paper(submission) == stored_paper


def test_an_extension_reopens_the_api_upload_for_that_paper(client: Any, submission: Submission, author: Any) -> None:
    move_deadline(submission.edition, Phase.PAPER_SUBMISSION, timezone.now() - timedelta(seconds=1))
    until = timezone.now() + timedelta(hours=1)
    Extension.objects.create(
        edition_id=submission.edition_id, phase=Phase.PAPER_SUBMISSION, submission=submission, until=until
    )
    client.force_login(author)
    assert client.post(f"{URL}1/paper/", {"file": upload("p.pdf", make_pdf())}).status_code == 201


def test_upload_needs_a_file(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    response = client.post(f"{URL}1/paper/", {})
    assert response.status_code == 400
    assert "file" in response.json()
    assert not submission.files.exists()


def test_supplementary_upload(client: Any, submission: Submission, author: Any, supplementary_deadline: Any) -> None:
    client.force_login(author)
    archive = corpus.make_zip(corpus.GOOD_ZIP_MEMBERS)
    response = client.post(f"{URL}1/supplementary/", {"file": upload("a.zip", archive, "application/zip")})
    assert response.status_code == 201
    assert response.json()["kind"] == FileKind.SUPPLEMENTARY
    bomb = client.post(f"{URL}1/supplementary/", {"file": upload("b.zip", corpus.zip_bomb(20), "application/zip")})
    assert bomb.status_code == 400
    assert "zip bomb" in bomb.json()["checks"][0]["message"]
    assert current_supplementary(submission).sha256 == response.json()["sha256"]


def test_supplementary_after_its_deadline_is_refused(
    client: Any, submission: Submission, author: Any, supplementary_deadline: Any
) -> None:
    move_deadline(submission.edition, Phase.SUPPLEMENTARY_MATERIAL, timezone.now() - timedelta(seconds=1))
    client.force_login(author)
    response = client.post(f"{URL}1/supplementary/", {"file": upload("a.zip", corpus.make_zip({"a": b"a"}))})
    assert response.status_code == 403
    assert response.json()["detail"].startswith("The supplementary material deadline passed at ")


def test_files_lists_every_version_newest_first(
    client: Any, submission: Submission, stored_paper: SubmissionFile, author: Any
) -> None:
    client.force_login(author)
    client.post(f"{URL}1/paper/", {"file": upload("bad.pdf", b"nope")})
    response = client.get(f"{URL}1/files/")
    assert response.status_code == 200
    assert [(f["original_name"], f["is_accepted"]) for f in response.json()] == [
        ("bad.pdf", False),
        ("paper.pdf", True),
    ]


# --- Withdrawing -----------------------------------------------------------------------------


def test_withdraw_through_the_api(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    response = client.post(f"{URL}1/withdraw/")
    assert response.status_code == 200
    assert response.json()["withdrawn_at"] is not None
    again = client.post(f"{URL}1/withdraw/")
    assert again.status_code == 403
    assert again.json()["detail"] == "This submission is already withdrawn."
    upload_after = client.post(f"{URL}1/paper/", {"file": upload("p.pdf", make_pdf())})
    assert upload_after.status_code == 403
    assert upload_after.json()["detail"] == "This submission is withdrawn."


# --- Conflicts -------------------------------------------------------------------------------


def test_authors_put_their_declared_conflicts(
    client: Any, submission: Submission, author: Any, pc_at_mit: Any, pc_at_eth: Any
) -> None:
    client.force_login(author)
    body = [{"user": pc_at_mit.pk, "reason": "advisor"}, {"user": pc_at_eth.pk, "reason": "collaborator"}]
    response = client.put(f"{URL}1/conflicts/", body, content_type="application/json")
    assert response.status_code == 200
    assert sorted((c["user"], c["reason"], c["source"]) for c in response.json()) == sorted(
        [(pc_at_mit.pk, "advisor", "author"), (pc_at_eth.pk, "collaborator", "author")]
    )
    listed = client.get(f"{URL}1/conflicts/").json()
    assert {c["user_email"] for c in listed} == {pc_at_mit.email, pc_at_eth.email}
    assert client.put(f"{URL}1/conflicts/", [], content_type="application/json").status_code == 200
    assert not submission.conflicts.filter(source=ConflictSource.AUTHOR).exists()


def test_only_pc_members_can_be_put(
    client: Any, submission: Submission, author: Any, outsider: Any, ae_member: Any, pc_at_eth: Any
) -> None:
    client.force_login(author)
    body = [{"user": pc_at_eth.pk, "reason": "advisor"}, {"user": outsider.pk, "reason": "advisor"}]
    response = client.put(f"{URL}1/conflicts/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == [f"Not members of the PC: [{outsider.pk}]"]
    assert not submission.conflicts.exists()


def test_an_automatic_conflict_cannot_be_removed_through_the_api(
    client: Any, edition: Any, author: Any, pc_at_mit: Any
) -> None:
    client.force_login(author)
    new = {**NEW, "authors": [{"name": "Ada", "email": "ada@mit.edu"}, {"name": "Me", "email": author.email}]}
    number = client.post(URL, new, content_type="application/json").json()["number"]
    url = f"{URL}{number}/conflicts/"
    client.put(url, [{"user": pc_at_mit.pk, "reason": "advisor"}], content_type="application/json")
    response = client.put(url, [], content_type="application/json")
    assert [(c["user"], c["reason"], c["source"]) for c in response.json()] == [(pc_at_mit.pk, "domain", "automatic")]


def test_authors_put_no_conflicts_after_the_deadline_but_chairs_do(
    client: Any, submission: Submission, author: Any, chair: Any, pc_at_eth: Any
) -> None:
    move_deadline(submission.edition, Phase.PAPER_SUBMISSION, timezone.now() - timedelta(seconds=1))
    body = [{"user": pc_at_eth.pk, "reason": "advisor"}]
    client.force_login(author)
    response = client.put(f"{URL}1/conflicts/", body, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("The paper submission deadline passed at ")
    client.force_login(chair)
    assert client.put(f"{URL}1/conflicts/", body, content_type="application/json").status_code == 200
    assert submission.conflicts.get(source=ConflictSource.CHAIR).user == pc_at_eth  # recorded as the chair's

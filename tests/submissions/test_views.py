"""The pages of submissions: the author's flow (register, edit, upload, withdraw), the
author dashboard, conflicts, the chairs' list and CSV, and file downloads, each
permission-checked and held to its deadline."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conferences.models import Edition, Phase
from conferences.phases import in_aoe
from submissions.models import Conflict, ConflictSource, FileKind, Submission, SubmissionFile
from submissions.selectors import current_paper, current_supplementary
from submissions.services import conflicts_set_declared, paper_upload, submission_withdraw
from submissions.views import CSV_COLUMNS
from tests.factories.accounts import UserFactory
from tests.factories.pdfs import make_pdf
from tests.factories.submissions import AuthorFactory, SubmissionFactory
from tests.submissions import corpus
from tests.submissions.helpers import author_rows, deadline_of, extend, move_deadline, upload

pytestmark = pytest.mark.django_db


def list_url(edition: Edition) -> str:
    return reverse("submissions:list", kwargs={"edition_slug": edition.slug})


def file_url(file: SubmissionFile) -> str:
    return reverse(
        "submissions:file",
        kwargs={
            "edition_slug": file.submission.edition.slug,
            "number": file.submission.number,
            "file_id": file.pk,
        },
    )


def add_submission(edition: Edition, number: int, author: Any) -> Submission:
    """A submission with two authors and an accepted PDF, like the ones a chair lists."""
    submission = SubmissionFactory(edition=edition, number=number, title=f"Paper number {number}")
    AuthorFactory(submission=submission, position=1, name=f"First Author {number}", user=author)
    AuthorFactory(submission=submission, position=2, name=f"Second Author {number}")
    paper_upload(submission=submission, content=make_pdf(number), filename="paper.pdf", by=author)
    return submission


# --- The chairs' list ----------------------------------------------------------------------


def test_chair_lists_all_submissions_with_authors(
    client: Any, submission: Submission, stored_paper: SubmissionFile, chair: Any
) -> None:
    SubmissionFactory(edition=submission.edition, number=2, title="Learned Index Structures Revisited")
    client.force_login(chair)
    response = client.get(list_url(submission.edition))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fast Sparse Attention Kernels" in html
    assert "Learned Index Structures Revisited" in html
    assert "Co Author" in html
    assert file_url(stored_paper) in html
    assert "2 pp." in html


def test_chair_list_shows_only_this_edition(client: Any, submission: Submission, chair: Any) -> None:
    SubmissionFactory(title="A Paper Of Another Edition")
    client.force_login(chair)
    html = client.get(list_url(submission.edition)).content.decode()
    assert "Fast Sparse Attention Kernels" in html
    assert "A Paper Of Another Edition" not in html


@pytest.mark.parametrize("persona", ["author", "pc_systems", "pc_ml", "ae_member", "outsider"])
def test_others_are_refused_the_list(
    request: pytest.FixtureRequest, client: Any, submission: Submission, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(list_url(submission.edition))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Only the PC chairs see the list of all submissions." in html
    assert "Fast Sparse Attention Kernels" not in html


def test_anonymous_is_sent_to_sign_in_from_the_list(client: Any, submission: Submission) -> None:
    response = client.get(list_url(submission.edition))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_chair_list_query_count_does_not_grow_with_submissions(
    client: Any, edition: Edition, chair: Any, author: Any
) -> None:
    client.force_login(chair)
    add_submission(edition, 1, author)
    with CaptureQueriesContext(connection) as one:
        response = client.get(list_url(edition))
    assert response.status_code == 200
    assert response.content.decode().count('<tr><td data-label="#">') == 1

    add_submission(edition, 2, author)
    add_submission(edition, 3, author)
    with CaptureQueriesContext(connection) as three:
        response = client.get(list_url(edition))
    assert response.content.decode().count('<tr><td data-label="#">') == 3
    assert len(three) == len(one), "\n".join(q["sql"] for q in three.captured_queries)


# --- The submission page -------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["author", "chair", "superuser"])
def test_authors_and_chairs_see_the_submission_with_its_authors(
    request: pytest.FixtureRequest,
    client: Any,
    submission: Submission,
    stored_paper: SubmissionFile,
    persona: str,
) -> None:
    client.force_login(request.getfixturevalue("admin_user" if persona == "superuser" else persona))
    response = client.get(submission.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "#1 Fast Sparse Attention Kernels" in html
    assert "coauthor@example.org" in html
    assert "Co Author" in html
    assert file_url(stored_paper) in html
    assert "PDF, 2 pages" in html


@pytest.mark.parametrize("persona", ["pc_systems", "pc_ml", "ae_member", "outsider"])
def test_others_are_refused_the_submission_and_see_no_author(
    request: pytest.FixtureRequest, client: Any, submission: Submission, author: Any, persona: str
) -> None:
    """Double-blind: a PC member does not get the page (for now), and in any case the answer
    names nobody: it is the "not found" of a paper that does not exist (mlsys_conf.policy)."""
    client.force_login(request.getfixturevalue(persona))
    response = client.get(submission.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 404
    assert "You are not an author of this submission." not in html
    assert "Co Author" not in html
    assert "coauthor@example.org" not in html
    assert author.email not in html


def test_anonymous_is_sent_to_sign_in_from_the_submission(client: Any, submission: Submission) -> None:
    response = client.get(submission.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_unknown_submission_number_is_not_found(client: Any, submission: Submission, chair: Any) -> None:
    client.force_login(chair)
    url = reverse("submissions:detail", kwargs={"edition_slug": submission.edition.slug, "number": 99})
    assert client.get(url).status_code == 404


def test_rejected_versions_are_listed_but_the_accepted_one_counts(
    client: Any, submission: Submission, stored_paper: SubmissionFile, author: Any
) -> None:
    paper_upload(submission=submission, content=b"not a pdf", filename="paper.txt", by=author)
    client.force_login(author)
    html = client.get(submission.get_absolute_url()).content.decode()
    assert html.count('<span class="badge closed">did not pass the checks</span>') == 1
    assert html.count('<span class="badge open">passed the checks</span>') == 1
    assert file_url(stored_paper) in html


# --- File downloads ------------------------------------------------------------------------


def download(client: Any, url: str) -> tuple[int, str, bytes]:
    response = client.get(url)
    # The test client closes a streamed file once it has been read to the end.
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response.status_code, response.get("Content-Type", ""), body


@pytest.mark.parametrize("persona", ["author", "chair"])
def test_authors_and_chairs_download_the_pdf(
    request: pytest.FixtureRequest, client: Any, stored_paper: SubmissionFile, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    status, content_type, body = download(client, file_url(stored_paper))
    assert status == 200
    assert content_type == "application/pdf"
    with stored_paper.file.open("rb") as handle:
        assert body == handle.read()
    assert body.startswith(b"%PDF-")


def test_download_is_named_after_the_paper_not_the_upload(
    client: Any, stored_paper: SubmissionFile, author: Any
) -> None:
    client.force_login(author)
    response = client.get(file_url(stored_paper))
    b"".join(response.streaming_content)
    assert response.status_code == 200
    assert f'filename="mlsys2027-paper1-{stored_paper.sha256[:8]}.pdf"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("inline")


@pytest.mark.parametrize("persona", ["outsider", "pc_systems", "ae_member"])
def test_others_are_refused_the_file(
    request: pytest.FixtureRequest, client: Any, stored_paper: SubmissionFile, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    status, _, body = download(client, file_url(stored_paper))
    assert status == 404  # the same as for a file that does not exist (mlsys_conf.policy)
    assert not body.startswith(b"%PDF-")
    assert b"You are not an author of this submission." not in body


def test_anonymous_is_sent_to_sign_in_from_a_file(client: Any, stored_paper: SubmissionFile) -> None:
    response = client.get(file_url(stored_paper))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert file_url(stored_paper) in response["Location"]


def test_a_file_under_another_submission_number_is_not_found(
    client: Any, stored_paper: SubmissionFile, author: Any
) -> None:
    client.force_login(author)
    url = reverse(
        "submissions:file",
        kwargs={"edition_slug": "mlsys2027", "number": 2, "file_id": stored_paper.pk},
    )
    status, _, _ = download(client, url)
    assert status == 404


def test_a_rejected_version_has_no_file_to_download(
    client: Any, submission: Submission, stored_paper: SubmissionFile, author: Any
) -> None:
    rejected = paper_upload(submission=submission, content=b"not a pdf", filename="paper.pdf", by=author)
    client.force_login(author)
    status, _, _ = download(client, file_url(rejected))
    assert status == 404
    assert file_url(rejected) not in client.get(submission.get_absolute_url()).content.decode()


def test_media_urls_serve_nothing(client: Any, stored_paper: SubmissionFile, author: Any, chair: Any) -> None:
    """The files live under MEDIA_ROOT, but no URL serves them from there."""
    assert stored_paper.file.storage.exists(stored_paper.file.name)
    for user in (None, author, chair):
        if user:
            client.force_login(user)
        status, _, body = download(client, f"/media/{stored_paper.file.name}")
        assert status == 404
        assert not body.startswith(b"%PDF-")


def test_a_chair_downloads_any_paper_of_the_edition(client: Any, edition: Edition, author: Any, chair: Any) -> None:
    other = SubmissionFactory(edition=edition, number=5)
    AuthorFactory(submission=other, email="someone@example.net", user=author)
    version = paper_upload(submission=other, content=corpus.weasyprint_pdf(), filename="p.pdf", by=author)
    client.force_login(chair)
    status, content_type, body = download(client, file_url(version))
    assert (status, content_type) == (200, "application/pdf")
    assert body == corpus.weasyprint_pdf()


def test_supplementary_zip_downloads_for_its_authors(
    client: Any, submission: Submission, author: Any, outsider: Any, supplementary_deadline: Any
) -> None:
    archive = corpus.make_zip(corpus.GOOD_ZIP_MEMBERS)
    client.force_login(author)
    client.post(upload_url(submission, "supplementary"), {"file": upload("artifact.zip", archive, "application/zip")})
    version = current_supplementary(submission)
    assert version is not None
    status, _, body = download(client, file_url(version))
    assert (status, body) == (200, archive)
    client.force_login(outsider)
    assert download(client, file_url(version))[0] == 404


# --- Registering through the form -----------------------------------------------------------


def new_url(edition: Edition) -> str:
    return reverse("submissions:new", kwargs={"edition_slug": edition.slug})


def edit_url(submission: Submission) -> str:
    return reverse("submissions:edit", kwargs={"edition_slug": submission.edition.slug, "number": submission.number})


def upload_url(submission: Submission, kind: str = "paper") -> str:
    return reverse(
        "submissions:upload",
        kwargs={"edition_slug": submission.edition.slug, "number": submission.number, "kind": kind},
    )


def mine_url(edition: Edition) -> str:
    return reverse("submissions:mine", kwargs={"edition_slug": edition.slug})


def submission_post(title: str = "Learned Compilers", initial: int = 1, **fields: Any) -> dict[str, Any]:
    rows = fields.pop("authors", None) or [
        {"name": "Ada Author", "email": "author@example.org", "affiliation": "ETH Zurich"},
        {"name": "Bo Coauthor", "email": "bo@example.net", "affiliation": "EPFL"},
    ]
    return {
        "title": title,
        "abstract": "We compile models.",
        "topic": "both",
        "keywords": "compilers, autotuning",
        **fields,
        **author_rows(*rows, initial=initial, extra=1),
    }


def test_the_form_starts_with_the_signed_in_author(client: Any, edition: Edition, author: Any) -> None:
    client.force_login(author)
    response = client.get(new_url(edition))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="author@example.org"' in html
    assert author.display_name in html


def test_register_through_the_form(client: Any, edition: Edition, author: Any) -> None:
    client.force_login(author)
    response = client.post(new_url(edition), submission_post())
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == submission.get_absolute_url()
    assert (submission.title, submission.topic, submission.keyword_list) == (
        "Learned Compilers",
        "both",
        ["compilers", "autotuning"],
    )
    assert list(submission.authors.values_list("position", "email", "affiliation", "is_contact")) == [
        (1, "author@example.org", "ETH Zurich", True),  # nobody marked: the first is the contact
        (2, "bo@example.net", "EPFL", False),
    ]
    html = client.get(response["Location"]).content.decode()
    assert "Registered as #1" in html


def test_the_order_field_reorders_the_authors(client: Any, edition: Edition, author: Any) -> None:
    client.force_login(author)
    rows = [
        {"name": "Ada", "email": "author@example.org", "ORDER": "2"},
        {"name": "Bo", "email": "bo@example.net", "ORDER": "1", "is_contact": True},
    ]
    client.post(new_url(edition), submission_post(authors=rows))
    assert list(Submission.objects.get().authors.values_list("email", "is_contact")) == [
        ("bo@example.net", True),
        ("author@example.org", False),
    ]


def test_one_second_after_the_abstract_deadline_the_form_is_refused(client: Any, edition: Edition, author: Any) -> None:
    move_deadline(edition, Phase.ABSTRACT_REGISTRATION, timezone.now() - timedelta(seconds=1))
    client.force_login(author)
    for response in (client.get(new_url(edition)), client.post(new_url(edition), submission_post())):
        assert response.status_code == 403
        assert "Abstract registration is closed for this edition." in response.content.decode()
    assert not Submission.objects.exists()


def test_anonymous_is_sent_to_sign_in_from_the_form(client: Any, edition: Edition) -> None:
    response = client.post(new_url(edition), submission_post())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not Submission.objects.exists()


# --- Editing --------------------------------------------------------------------------------


def test_authors_edit_until_the_paper_deadline(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    page = client.get(edit_url(submission))
    assert page.status_code == 200
    assert 'value="coauthor@example.org"' in page.content.decode()
    rows = [
        {"name": "Me", "email": author.email, "is_contact": True},
        {"name": "Co Author", "email": "coauthor@example.org"},
        {"name": "New Person", "email": "new@example.net"},
    ]
    response = client.post(edit_url(submission), submission_post("Edited Title", initial=2, authors=rows))
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.title == "Edited Title"
    assert list(submission.authors.values_list("email", flat=True)) == [
        author.email,
        "coauthor@example.org",
        "new@example.net",
    ]

    move_deadline(submission.edition, Phase.PAPER_SUBMISSION, timezone.now() - timedelta(seconds=1))
    late = client.post(edit_url(submission), submission_post("Too Late", initial=3, authors=rows))
    assert late.status_code == 403
    assert "The paper submission deadline passed at" in late.content.decode()
    submission.refresh_from_db()
    assert submission.title == "Edited Title"


@pytest.mark.parametrize("persona", ["chair", "pc_systems", "outsider"])
def test_others_cannot_edit(request: pytest.FixtureRequest, client: Any, submission: Submission, persona: str) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.post(edit_url(submission), submission_post("Hijacked"))
    assert response.status_code == (403 if persona == "chair" else 404)  # only the chair sees the paper
    submission.refresh_from_db()
    assert submission.title == "Fast Sparse Attention Kernels"


# --- Uploading through the page -------------------------------------------------------------


def test_upload_an_accepted_paper(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    content = corpus.weasyprint_pdf()
    response = client.post(upload_url(submission), {"file": upload("final.pdf", content)}, follow=True)
    html = response.content.decode()
    version = current_paper(submission)
    assert version is not None
    assert version.sha256 in html
    assert f"Uploaded; it passed the checks (SHA-256 {version.sha256[:16]}" in html
    assert "PDF, 2 pages" in html
    assert 'data-check="fonts_embedded"' in html


def test_a_rejected_upload_shows_its_checks_and_keeps_the_old_version(
    client: Any, submission: Submission, stored_paper: SubmissionFile, author: Any
) -> None:
    client.force_login(author)
    response = client.post(upload_url(submission), {"file": upload("paper.pdf", corpus.PNG_BYTES)}, follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The upload was rejected; the previous version stays." in html
    assert "This is not a PDF; it looks like a PNG image." in html
    assert current_paper(submission) == stored_paper
    assert file_url(stored_paper) in html


def test_a_paper_upload_one_second_late_is_refused_and_the_version_stays(
    client: Any, submission: Submission, stored_paper: SubmissionFile, author: Any
) -> None:
    move_deadline(submission.edition, Phase.PAPER_SUBMISSION, timezone.now() - timedelta(seconds=1))
    client.force_login(author)
    response = client.post(upload_url(submission), {"file": upload("late.pdf", make_pdf(3))})
    assert response.status_code == 403
    assert "The paper submission deadline passed at" in response.content.decode()
    assert "AoE" in response.content.decode()
    assert submission.files.count() == 1
    assert current_paper(submission) == stored_paper
    detail = client.get(submission.get_absolute_url()).content.decode()
    assert 'id="upload-paper"' not in detail
    assert "The paper submission deadline passed at" in detail


def test_an_unknown_kind_of_file_is_not_found(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    response = client.post(upload_url(submission, "slides"), {"file": upload("s.pdf", make_pdf())})
    assert response.status_code == 404


def test_an_upload_without_a_file_asks_for_one(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    response = client.post(upload_url(submission), {}, follow=True)
    assert "Choose a file to upload." in response.content.decode()
    assert not submission.files.exists()


def test_get_is_not_an_upload(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    assert client.get(upload_url(submission)).status_code == 405


@pytest.mark.parametrize("persona", ["chair", "pc_ml", "outsider"])
def test_only_authors_upload(request: pytest.FixtureRequest, client: Any, submission: Submission, persona: str) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.post(upload_url(submission), {"file": upload("p.pdf", make_pdf())})
    assert response.status_code == (403 if persona == "chair" else 404)  # only the chair sees the paper
    assert not submission.files.exists()


def test_supplementary_upload_has_its_own_deadline(
    client: Any, submission: Submission, author: Any, supplementary_deadline: Any
) -> None:
    client.force_login(author)
    move_deadline(submission.edition, Phase.PAPER_SUBMISSION, timezone.now() - timedelta(seconds=1))
    archive = corpus.make_zip(corpus.GOOD_ZIP_MEMBERS)
    response = client.post(upload_url(submission, "supplementary"), {"file": upload("a.zip", archive)}, follow=True)
    assert response.status_code == 200
    assert current_supplementary(submission) is not None
    move_deadline(submission.edition, Phase.SUPPLEMENTARY_MATERIAL, timezone.now() - timedelta(seconds=1))
    late = client.post(upload_url(submission, "supplementary"), {"file": upload("b.zip", archive)})
    assert late.status_code == 403
    assert "The supplementary material deadline passed at" in late.content.decode()
    assert submission.files.count() == 1


# --- Extensions ------------------------------------------------------------------------------


def extension_url(submission: Submission) -> str:
    return reverse(
        "submissions:extension", kwargs={"edition_slug": submission.edition.slug, "number": submission.number}
    )


def test_a_chairs_extension_keeps_upload_open_for_that_paper_only(
    client: Any, edition: Edition, submission: Submission, author: Any, chair: Any
) -> None:
    other = SubmissionFactory(edition=edition, number=2)
    AuthorFactory(submission=other, email=author.email, user=author)
    move_deadline(edition, Phase.PAPER_SUBMISSION, timezone.now() - timedelta(hours=1))
    until = timezone.localtime(timezone.now() + timedelta(hours=2), edition.zone).replace(microsecond=0)

    client.force_login(chair)
    body = {"phase": "paper", "until": f"{until:%Y-%m-%dT%H:%M:%S}", "reason": "Power cut"}
    response = client.post(extension_url(submission), body, follow=True)
    assert "Extension saved." in response.content.decode()
    assert [(e.phase, e.until, e.reason) for e in submission.extensions.all()] == [("paper", until, "Power cut")]

    client.force_login(author)
    detail = client.get(submission.get_absolute_url()).content.decode()
    assert "This paper's paper submission deadline is extended until" in detail
    assert 'id="upload-paper"' in detail
    assert client.post(upload_url(submission), {"file": upload("p.pdf", make_pdf())}).status_code == 302
    assert current_paper(submission) is not None
    assert client.post(upload_url(other), {"file": upload("p.pdf", make_pdf())}).status_code == 403
    assert not other.files.exists()


def test_an_extension_that_passed_closes_the_paper_to_the_second(
    client: Any, submission: Submission, author: Any, chair: Any
) -> None:
    move_deadline(submission.edition, Phase.PAPER_SUBMISSION, timezone.now() - timedelta(hours=1))
    extend(submission, chair, timezone.now() - timedelta(seconds=1))
    client.force_login(author)
    response = client.post(upload_url(submission), {"file": upload("p.pdf", make_pdf())})
    assert response.status_code == 403
    assert "The extended deadline of this paper passed at" in response.content.decode()


def test_authors_cannot_extend_their_own_deadline(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    response = client.post(extension_url(submission), {"phase": "paper", "until": "2099-01-01T00:00:00"})
    assert response.status_code == 403
    assert "Only the PC chairs can extend a deadline." in response.content.decode()
    assert not submission.extensions.exists()


def test_an_unreadable_extension_is_refused_with_a_message(client: Any, submission: Submission, chair: Any) -> None:
    client.force_login(chair)
    response = client.post(extension_url(submission), {"phase": "paper", "until": "next tuesday"}, follow=True)
    assert "Give a date and time, to the second." in response.content.decode()
    assert not submission.extensions.exists()


def test_an_empty_extension_removes_it_for_that_phase_only(client: Any, submission: Submission, chair: Any) -> None:
    extend(submission, chair, timezone.now(), Phase.PAPER_SUBMISSION, Phase.SUPPLEMENTARY_MATERIAL)
    client.force_login(chair)
    response = client.post(extension_url(submission), {"phase": "paper", "until": ""}, follow=True)
    assert "Extension removed." in response.content.decode()
    assert list(submission.extensions.values_list("phase", flat=True)) == ["supplementary"]


# --- Withdraw and restore --------------------------------------------------------------------


def withdraw_url(submission: Submission) -> str:
    return reverse(
        "submissions:withdraw", kwargs={"edition_slug": submission.edition.slug, "number": submission.number}
    )


def restore_url(submission: Submission) -> str:
    return reverse("submissions:restore", kwargs={"edition_slug": submission.edition.slug, "number": submission.number})


def test_withdraw_asks_first_then_withdraws_and_restores(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    confirm = client.get(withdraw_url(submission))
    assert confirm.status_code == 200
    assert "Fast Sparse Attention Kernels" in confirm.content.decode()
    submission.refresh_from_db()
    assert not submission.is_withdrawn

    response = client.post(withdraw_url(submission), follow=True)
    assert "#1 is withdrawn." in response.content.decode()
    submission.refresh_from_db()
    assert submission.is_withdrawn

    response = client.post(restore_url(submission), follow=True)
    assert "#1 is back in the running." in response.content.decode()
    submission.refresh_from_db()
    assert not submission.is_withdrawn


def test_restore_after_the_paper_deadline_is_refused(client: Any, submission: Submission, author: Any) -> None:
    submission_withdraw(submission=submission, by=author)
    move_deadline(submission.edition, Phase.PAPER_SUBMISSION, timezone.now() - timedelta(seconds=1))
    client.force_login(author)
    response = client.post(restore_url(submission), follow=True)
    assert "The paper submission deadline passed at" in response.content.decode()
    submission.refresh_from_db()
    assert submission.is_withdrawn


@pytest.mark.parametrize("persona", ["pc_systems", "outsider"])
def test_others_cannot_withdraw_or_restore(
    request: pytest.FixtureRequest, client: Any, submission: Submission, author: Any, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.post(withdraw_url(submission)).status_code == 404  # as if there were no paper
    submission.refresh_from_db()
    assert not submission.is_withdrawn
    submission_withdraw(submission=submission, by=author)
    assert client.post(restore_url(submission)).status_code == 404
    submission.refresh_from_db()
    assert submission.is_withdrawn


def test_a_chair_withdraws_a_paper(client: Any, submission: Submission, chair: Any) -> None:
    client.force_login(chair)
    client.post(withdraw_url(submission))
    submission.refresh_from_db()
    assert submission.is_withdrawn


# --- The author dashboard --------------------------------------------------------------------


def test_dashboard_lists_status_checks_and_deadlines(
    client: Any, edition: Edition, submission: Submission, author: Any
) -> None:
    paper_upload(submission=submission, content=corpus.reportlab_pdf(), filename="p.pdf", by=author)
    second = SubmissionFactory(edition=edition, number=2, title="Abstract Only Paper")
    AuthorFactory(submission=second, email=author.email)
    third = SubmissionFactory(edition=edition, number=3, title="Gone Paper")
    AuthorFactory(submission=third, email=author.email)
    submission_withdraw(submission=third, by=author)
    SubmissionFactory(edition=edition, number=4, title="Somebody Else's")

    client.force_login(author)
    response = client.get(mine_url(edition))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<tr><td>") == 3
    assert "Somebody Else" not in html
    assert "PDF submitted" in html
    assert "1 warning" in html
    assert "abstract only: upload the PDF" in html
    assert '<span class="badge closed">withdrawn</span>' in html
    closes = deadline_of(edition, Phase.PAPER_SUBMISSION)
    local = closes.astimezone(edition.zone)
    assert f"{local:%a %d %b %Y, %H:%M:%S} {local.tzname()}" in html
    assert f"{in_aoe(closes):%a %d %b %Y, %H:%M:%S} AoE" in html
    assert "Register a new paper" in html


def test_dashboard_says_when_registration_closed(client: Any, edition: Edition, author: Any) -> None:
    move_deadline(edition, Phase.ABSTRACT_REGISTRATION, timezone.now() - timedelta(seconds=1))
    client.force_login(author)
    html = client.get(mine_url(edition)).content.decode()
    assert "Abstract registration is closed for this edition." in html
    assert "Register a new paper" not in html


def test_a_co_author_signing_in_with_the_listed_address_sees_the_paper(client: Any, submission: Submission) -> None:
    coauthor = UserFactory(email="coauthor@example.org")
    client.force_login(coauthor)
    html = client.get(mine_url(submission.edition)).content.decode()
    assert "Fast Sparse Attention Kernels" in html
    assert client.get(submission.get_absolute_url()).status_code == 200


def test_a_co_author_claims_the_paper_by_adding_the_address(client: Any, submission: Submission) -> None:
    coauthor = UserFactory(email="private@example.net")
    client.force_login(coauthor)
    assert "Fast Sparse Attention Kernels" not in client.get(mine_url(submission.edition)).content.decode()

    address = EmailAddress.objects.create(user=coauthor, email="coauthor@example.org", verified=False)
    assert "Fast Sparse Attention Kernels" not in client.get(mine_url(submission.edition)).content.decode()
    assert client.get(submission.get_absolute_url()).status_code == 404

    address.verified = True
    address.save()
    assert "Fast Sparse Attention Kernels" in client.get(mine_url(submission.edition)).content.decode()
    assert client.get(submission.get_absolute_url()).status_code == 200


def test_dashboard_query_count_does_not_grow(client: Any, edition: Edition, author: Any) -> None:
    def add(number: int) -> None:
        submission = SubmissionFactory(edition=edition, number=number)
        AuthorFactory(submission=submission, position=1, email=author.email, user=author)
        AuthorFactory(submission=submission, position=2)
        paper_upload(submission=submission, content=make_pdf(), filename="p.pdf", by=author)

    client.force_login(author)
    add(1)
    with CaptureQueriesContext(connection) as one:
        html = client.get(mine_url(edition)).content.decode()
    assert html.count("<tr><td>") == 1
    add(2)
    add(3)
    with CaptureQueriesContext(connection) as three:
        html = client.get(mine_url(edition)).content.decode()
    assert html.count("<tr><td>") == 3
    assert len(three) == len(one), "\n".join(q["sql"] for q in three.captured_queries)


# --- Conflicts, declared by the authors -------------------------------------------------------


def conflicts_url(submission: Submission) -> str:
    return reverse(
        "submissions:conflicts", kwargs={"edition_slug": submission.edition.slug, "number": submission.number}
    )


def test_authors_declare_conflicts_with_reasons(
    client: Any, submission: Submission, author: Any, pc_at_mit: Any, pc_at_eth: Any
) -> None:
    client.force_login(author)
    page = client.get(conflicts_url(submission)).content.decode()
    assert "Pat Mitchell" in page
    assert "Eli Zurcher" in page
    response = client.post(
        conflicts_url(submission),
        {"conflict": [str(pc_at_mit.pk), str(pc_at_eth.pk)], f"reason_{pc_at_mit.pk}": "advisor"},
        follow=True,
    )
    assert "2 conflicts declared." in response.content.decode()
    conflicts = {c.user_id: (c.reason, c.source) for c in submission.conflicts.all()}
    assert conflicts == {pc_at_mit.pk: ("advisor", "author"), pc_at_eth.pk: ("other", "author")}

    client.post(conflicts_url(submission), {"conflict": [str(pc_at_eth.pk)], f"reason_{pc_at_eth.pk}": "personal"})
    conflicts = {c.user_id: (c.reason, c.source) for c in submission.conflicts.all()}
    assert conflicts == {pc_at_eth.pk: ("personal", "author")}


def test_automatic_conflicts_are_shown_and_kept(
    client: Any, edition: Edition, author: Any, pc_at_mit: Any, pc_at_eth: Any
) -> None:
    client.force_login(author)
    client.post(
        new_url(edition),
        submission_post(authors=[{"name": "Ada", "email": "ada@mit.edu"}, {"name": "Me", "email": author.email}]),
    )
    submission = Submission.objects.get()
    page = client.get(conflicts_url(submission)).content.decode()
    assert "Same e-mail domain (found automatically)" in page
    assert f'value="{pc_at_mit.pk}" id="c{pc_at_mit.pk}" checked disabled' in page
    # The disabled box is not sent back; the automatic conflict stays.
    client.post(conflicts_url(submission), {"conflict": [str(pc_at_eth.pk)]})
    assert {c.user_id: c.source for c in submission.conflicts.all()} == {
        pc_at_mit.pk: "automatic",
        pc_at_eth.pk: "author",
    }


def test_only_pc_members_can_be_declared(
    client: Any, submission: Submission, author: Any, outsider: Any, ae_member: Any, pc_at_eth: Any
) -> None:
    client.force_login(author)
    client.post(
        conflicts_url(submission), {"conflict": [str(outsider.pk), str(ae_member.pk), "abc", str(pc_at_eth.pk)]}
    )
    declared = submission.conflicts.filter(source=ConflictSource.AUTHOR)
    assert list(declared.values_list("user_id", flat=True)) == [pc_at_eth.pk]


def test_an_unknown_reason_is_an_error_message(
    client: Any, submission: Submission, author: Any, pc_at_eth: Any
) -> None:
    client.force_login(author)
    response = client.post(
        conflicts_url(submission), {"conflict": [str(pc_at_eth.pk)], f"reason_{pc_at_eth.pk}": "rival"}, follow=True
    )
    assert response.status_code == 200
    assert "Unknown conflict reason." in response.content.decode()
    assert not submission.conflicts.exists()


def test_after_the_paper_deadline_authors_only_look(
    client: Any, submission: Submission, author: Any, chair: Any, pc_at_eth: Any
) -> None:
    move_deadline(submission.edition, Phase.PAPER_SUBMISSION, timezone.now() - timedelta(seconds=1))
    client.force_login(author)
    page = client.get(conflicts_url(submission))
    assert page.status_code == 200
    assert "The paper submission deadline passed at" in page.content.decode()
    assert client.post(conflicts_url(submission), {"conflict": [str(pc_at_eth.pk)]}).status_code == 403
    assert not submission.conflicts.exists()
    client.force_login(chair)
    client.post(conflicts_url(submission), {"conflict": [str(pc_at_eth.pk)], f"reason_{pc_at_eth.pk}": "advisor"})
    assert submission.conflicts.get(source=ConflictSource.CHAIR).user == pc_at_eth  # recorded as the chair's


@pytest.mark.parametrize("persona", ["pc_systems", "outsider"])
def test_others_see_no_conflicts_page(
    request: pytest.FixtureRequest, client: Any, submission: Submission, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    assert client.get(conflicts_url(submission)).status_code == 404  # as if there were no paper
    assert client.post(conflicts_url(submission), {"conflict": ["1"]}).status_code == 404
    assert not submission.conflicts.exists()


# --- Conflicts, declared by PC members --------------------------------------------------------


def pc_conflicts_url(edition: Edition) -> str:
    return reverse("submissions:pc_conflicts", kwargs={"edition_slug": edition.slug})


def test_pc_members_see_titles_and_abstracts_but_no_author(
    client: Any, edition: Edition, submission: Submission, author: Any, chair: Any, pc_systems: Any
) -> None:
    Submission.objects.filter(pk=submission.pk).update(abstract="We sparsify attention heads.")
    AuthorFactory(submission=submission, position=3, name="Third Writer", email="third@uni.example.edu")
    submission.authors.update(affiliation="Secret Lab")
    gone = SubmissionFactory(edition=edition, number=2, title="A Withdrawn Paper")
    submission_withdraw(submission=gone, by=chair)

    client.force_login(pc_systems)
    response = client.get(pc_conflicts_url(edition))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Fast Sparse Attention Kernels" in html
    assert "We sparsify attention heads." in html
    assert "A Withdrawn Paper" not in html
    for author_row in submission.authors.all():
        assert author_row.name not in html
        assert author_row.email not in html
    assert "Secret Lab" not in html
    assert author.email not in html


def test_pc_members_mark_and_unmark_their_conflicts(
    client: Any, edition: Edition, submission: Submission, pc_systems: Any
) -> None:
    second = SubmissionFactory(edition=edition, number=2)
    client.force_login(pc_systems)
    response = client.post(
        pc_conflicts_url(edition),
        {"conflict": [str(submission.pk), str(second.pk)], f"reason_{submission.pk}": "collaborator"},
        follow=True,
    )
    assert "Your conflicts are saved." in response.content.decode()
    assert {c.submission_id: (c.reason, c.source) for c in pc_systems.conflicts.all()} == {
        submission.pk: ("collaborator", "pc"),
        second.pk: ("other", "pc"),
    }
    client.post(pc_conflicts_url(edition), {"conflict": [str(second.pk)]})
    assert list(pc_systems.conflicts.values_list("submission_id", flat=True)) == [second.pk]


def test_pc_member_with_an_author_declared_conflict_still_saves_the_others(
    client: Any, edition: Edition, submission: Submission, author: Any, pc_systems: Any
) -> None:
    """The author-declared conflict's box is disabled, so it is not sent back: that must
    neither remove it nor block the PC member's own changes."""
    conflicts_set_declared(
        submission=submission, source=ConflictSource.AUTHOR, declared={pc_systems.pk: "advisor"}, by=author
    )
    second = SubmissionFactory(edition=edition, number=2)
    client.force_login(pc_systems)
    page = client.get(pc_conflicts_url(edition)).content.decode()
    assert f'value="{submission.pk}" id="s{submission.pk}" checked disabled' in page

    response = client.post(pc_conflicts_url(edition), {"conflict": [str(second.pk)]}, follow=True)
    assert "Your conflicts are saved." in response.content.decode()
    assert {c.submission_id: c.source for c in pc_systems.conflicts.all()} == {
        submission.pk: "author",
        second.pk: "pc",
    }


def test_pc_member_declaring_an_unknown_reason_gets_a_message(
    client: Any, edition: Edition, submission: Submission, pc_systems: Any
) -> None:
    client.force_login(pc_systems)
    response = client.post(
        pc_conflicts_url(edition), {"conflict": [str(submission.pk)], f"reason_{submission.pk}": "grudge"}, follow=True
    )
    assert response.status_code == 200
    assert "Unknown conflict reason." in response.content.decode()
    assert not Conflict.objects.exists()


@pytest.mark.parametrize("persona", ["author", "ae_member", "outsider"])
def test_non_pc_members_have_no_pc_conflicts_page(
    request: pytest.FixtureRequest, client: Any, edition: Edition, submission: Submission, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(pc_conflicts_url(edition))
    assert response.status_code == 403
    assert "Only members of the programme committee declare their own conflicts." in response.content.decode()
    assert client.post(pc_conflicts_url(edition), {"conflict": [str(submission.pk)]}).status_code == 403
    assert not Conflict.objects.exists()


# --- The chairs' list: filters and CSV --------------------------------------------------------


@pytest.fixture
def chair_list(edition: Edition, submission: Submission, stored_paper: SubmissionFile, author: Any) -> Edition:
    """#1 Systems with a clean PDF; #2 ML, abstract only; #3 both, PDF with warnings;
    #4 withdrawn."""
    ml = SubmissionFactory(edition=edition, number=2, title="Learned Optimizers", topic="ml", keywords="meta")
    AuthorFactory(submission=ml, position=1, name="Mia Learner", email="mia@example.net")
    both = SubmissionFactory(edition=edition, number=3, title="Kernels That Learn", topic="both")
    AuthorFactory(submission=both, position=1, name="Kai Both", email="kai@example.net", user=author)
    paper_upload(submission=both, content=corpus.reportlab_pdf(), filename="p.pdf", by=author)
    gone = SubmissionFactory(edition=edition, number=4, title="Withdrawn Idea", topic="systems")
    AuthorFactory(submission=gone, position=1, name="Wes Gone", email="wes@example.net", user=author)
    submission_withdraw(submission=gone, by=author)
    return edition


def listed(client: Any, edition: Edition, **params: str) -> list[str]:
    html = client.get(list_url(edition), params).content.decode()
    return [
        title
        for title in ("Fast Sparse Attention Kernels", "Learned Optimizers", "Kernels That Learn", "Withdrawn Idea")
        if f">{title}</a>" in html
    ]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Fast Sparse Attention Kernels", "Learned Optimizers", "Kernels That Learn", "Withdrawn Idea"]),
        ({"q": "kernels"}, ["Fast Sparse Attention Kernels", "Kernels That Learn"]),
        ({"q": "meta"}, ["Learned Optimizers"]),  # keywords
        ({"q": "Mia Lear"}, ["Learned Optimizers"]),  # author names
        ({"q": "co author"}, ["Fast Sparse Attention Kernels"]),
        ({"topic": "ml"}, ["Learned Optimizers"]),
        ({"topic": "systems"}, ["Fast Sparse Attention Kernels", "Withdrawn Idea"]),
        ({"status": "submitted"}, ["Fast Sparse Attention Kernels", "Kernels That Learn"]),
        ({"status": "abstract"}, ["Learned Optimizers"]),
        ({"status": "withdrawn"}, ["Withdrawn Idea"]),
        ({"warnings": "on"}, ["Kernels That Learn"]),
        ({"topic": "systems", "status": "submitted"}, ["Fast Sparse Attention Kernels"]),
        ({"q": "nothing matches this"}, []),
    ],
)
def test_chair_list_filters(
    client: Any, chair_list: Edition, chair: Any, params: dict[str, str], expected: list[str]
) -> None:
    client.force_login(chair)
    assert listed(client, chair_list, **params) == expected


def test_an_invalid_filter_is_a_400_that_says_which(client: Any, chair_list: Edition, chair: Any) -> None:
    client.force_login(chair)
    response = client.get(list_url(chair_list), {"topic": "quantum", "status": "bogus"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "These filters were not applied." in html
    assert "Topic: Select a valid choice." in html
    assert listed(client, chair_list, topic="quantum", status="bogus") == []


def read_csv(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_csv_export(client: Any, chair_list: Edition, chair: Any, stored_paper: SubmissionFile) -> None:
    client.force_login(chair)
    response = client.get(list_url(chair_list), {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="mlsys2027-submissions.csv"'
    rows = read_csv(response)
    assert rows[0] == CSV_COLUMNS
    by_number = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert list(by_number) == ["1", "2", "3", "4"]
    first = by_number["1"]
    assert first["title"] == "Fast Sparse Attention Kernels"
    assert first["status"] == "submitted"
    assert first["emails"] == "author@example.org; coauthor@example.org"
    assert "Co Author" in first["authors"]
    assert (first["pages"], first["sha256"], first["warnings"]) == ("2", stored_paper.sha256, "0")
    assert by_number["2"]["status"] == "abstract"
    assert by_number["3"]["warnings"] == "1"
    assert by_number["4"]["status"] == "withdrawn"
    assert by_number["4"]["withdrawn_utc"]


def test_csv_export_keeps_the_filters(client: Any, chair_list: Edition, chair: Any) -> None:
    client.force_login(chair)
    rows = read_csv(client.get(list_url(chair_list), {"format": "csv", "topic": "ml"}))
    assert [row[1] for row in rows[1:]] == ["Learned Optimizers"]


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)"])
def test_csv_cells_that_look_like_formulas_are_defused(
    client: Any, submission: Submission, chair: Any, dangerous: str
) -> None:
    Submission.objects.filter(pk=submission.pk).update(title=dangerous, keywords=dangerous)
    submission.authors.filter(position=1).update(name=dangerous, affiliation=dangerous)
    client.force_login(chair)
    row = dict(zip(*read_csv(client.get(list_url(submission.edition), {"format": "csv"})), strict=True))
    for column in ("title", "keywords", "authors", "affiliations"):
        assert row[column].startswith("'" + dangerous)
    assert row["authors"] == f"'{dangerous}; Co Author"


def test_csv_formula_in_the_first_authors_address_is_defused(client: Any, submission: Submission, chair: Any) -> None:
    """An address may start with '=' (it is a valid local part)."""
    submission.authors.filter(position=1).update(email="=1+2@example.org")
    client.force_login(chair)
    row = dict(zip(*read_csv(client.get(list_url(submission.edition), {"format": "csv"})), strict=True))
    assert not row["emails"].startswith("=")
    assert row["emails"].startswith("'=1+2@example.org")


@pytest.mark.parametrize("persona", ["author", "pc_systems", "outsider"])
def test_csv_is_for_chairs_only(
    request: pytest.FixtureRequest, client: Any, submission: Submission, persona: str
) -> None:
    client.force_login(request.getfixturevalue(persona))
    response = client.get(list_url(submission.edition), {"format": "csv"})
    assert response.status_code == 403
    assert b"coauthor@example.org" not in response.content


def test_kinds_of_file_are_labelled(submission: Submission) -> None:
    assert FileKind.PAPER.label == "Paper PDF"

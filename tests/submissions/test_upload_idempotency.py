"""Issue 12, deadline rush: an upload carries an idempotency key (the form's hidden field, the
API's ``Idempotency-Key`` header), so a retry gets the version the first attempt recorded and
creates nothing; the deadline is compared with the time the upload was received; and a
database error while the version is recorded leaves no row and no stored file behind."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conferences.models import Deadline, Phase
from mlsys_conf.policy import PolicyDenied
from submissions import services
from submissions.models import FileKind, Submission, SubmissionFile, SubmissionState
from submissions.selectors import current_paper
from tests.factories.accounts import UserFactory
from tests.factories.pdfs import make_pdf
from tests.personas import client_for
from tests.submissions.helpers import upload

pytestmark = pytest.mark.django_db

API = "/api/editions/mlsys2027/submissions/1/paper/"


def detail_url() -> str:
    return reverse("submissions:detail", kwargs={"edition_slug": "mlsys2027", "number": 1})


def upload_url(kind: str = "paper") -> str:
    return reverse("submissions:upload", kwargs={"edition_slug": "mlsys2027", "number": 1, "kind": kind})


def form_key(client: Client, form_id: str = "upload-paper") -> str:
    """The idempotency key the page put into one of its upload forms."""
    page = client.get(detail_url()).content.decode()
    form = re.search(rf'<form[^>]*id="{form_id}".*?</form>', page, re.S)
    assert form, f"no form {form_id} on the page"
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form.group(0))
    assert key, "the upload form has no idempotency key"
    return key.group(1)


def stored_files(settings: Any) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def paper_deadline(submission: Submission) -> Deadline:
    return Deadline.objects.get(edition=submission.edition, phase=Phase.PAPER_SUBMISSION)


# --- Retries -----------------------------------------------------------------------------------


def test_each_upload_form_gets_its_own_key_each_time_the_page_is_rendered(
    submission: Submission, author: Any, supplementary_deadline: Any
) -> None:
    client = client_for(author)
    keys = {form_key(client), form_key(client), form_key(client, "upload-supplementary")}
    assert len(keys) == 3


def test_a_retried_form_post_records_one_version_and_shows_the_same_receipt(
    submission: Submission, author: Any, settings: Any
) -> None:
    client = client_for(author)
    key = form_key(client)
    content = make_pdf(2)
    first = client.post(upload_url(), {"file": upload("paper.pdf", content), "idempotency_key": key}, follow=True)
    again = client.post(upload_url(), {"file": upload("paper.pdf", content), "idempotency_key": key}, follow=True)
    [version] = SubmissionFile.objects.filter(submission=submission)
    receipt = f"SHA-256 {version.sha256[:16]}"
    assert receipt in first.content.decode()
    assert receipt in again.content.decode()
    assert version.idempotency_key == key
    assert len(stored_files(settings)) == 1
    # A new rendering of the form is a new upload.
    client.post(upload_url(), {"file": upload("paper.pdf", content), "idempotency_key": form_key(client)})
    assert SubmissionFile.objects.filter(submission=submission).count() == 2


def test_a_retried_api_upload_returns_the_same_version(submission: Submission, author: Any) -> None:
    client = client_for(author)
    content = make_pdf(2)
    first = client.post(API, {"file": upload("paper.pdf", content)}, headers={"Idempotency-Key": "retry-1"})
    again = client.post(API, {"file": upload("paper.pdf", content)}, headers={"Idempotency-Key": "retry-1"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json() == again.json()
    assert SubmissionFile.objects.filter(submission=submission).count() == 1
    # Without a key every POST is an upload of its own.
    client.post(API, {"file": upload("paper.pdf", content)})
    assert SubmissionFile.objects.filter(submission=submission).count() == 2


def test_a_retried_rejection_is_the_same_rejection(submission: Submission, author: Any) -> None:
    client = client_for(author)
    responses = [
        client.post(API, {"file": upload("paper.pdf", b"not a pdf")}, headers={"Idempotency-Key": "bad"})
        for _ in range(2)
    ]
    assert [r.status_code for r in responses] == [400, 400]
    assert responses[0].json() == responses[1].json()
    assert SubmissionFile.objects.filter(submission=submission).count() == 1


def test_the_same_key_with_other_bytes_is_refused(submission: Submission, author: Any) -> None:
    client = client_for(author)
    assert client.post(API, {"file": upload("a.pdf", make_pdf(1))}, headers={"Idempotency-Key": "k"}).status_code == 201
    response = client.post(API, {"file": upload("b.pdf", make_pdf(2))}, headers={"Idempotency-Key": "k"})
    assert response.status_code == 400
    assert "already used to upload another file" in response.content.decode()
    assert SubmissionFile.objects.filter(submission=submission).count() == 1


def test_keys_are_per_uploader(submission: Submission, author: Any, edition: Any) -> None:
    coauthor = UserFactory(email="coauthor@example.org")
    submission.authors.filter(email=coauthor.email).update(user=coauthor)
    content = make_pdf(1)
    for user in (author, coauthor):
        response = client_for(user).post(API, {"file": upload("p.pdf", content)}, headers={"Idempotency-Key": "same"})
        assert response.status_code == 201
    assert SubmissionFile.objects.filter(submission=submission).count() == 2


def test_an_overlong_key_is_refused(submission: Submission, author: Any) -> None:
    with pytest.raises(ValidationError, match="at most 64 characters"):
        services.paper_upload(
            submission=submission, content=make_pdf(), filename="p.pdf", by=author, idempotency_key="k" * 65
        )
    assert not SubmissionFile.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_with_one_key_record_one_version(
    submission: Submission, author: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Both requests pass the "seen this key?" lookup before either records: the unique
    # constraint decides, and the loser answers with the winner's version.
    both_checked = threading.Barrier(2, timeout=30)
    real_run_check = services.run_check

    def run_check_together(*args: Any, **kwargs: Any) -> Any:
        report = real_run_check(*args, **kwargs)
        both_checked.wait()
        return report

    monkeypatch.setattr(services, "run_check", run_check_together)
    content = make_pdf(2)
    results: list[Any] = []

    def post() -> None:
        try:
            results.append(
                services.paper_upload(
                    submission=submission, content=content, filename="p.pdf", by=author, idempotency_key="double"
                )
            )
        except BaseException as error:  # surfaced by the assertion below
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert all(isinstance(r, SubmissionFile) for r in results), results
    assert len(results) == 2
    assert results[0].pk == results[1].pk
    assert SubmissionFile.objects.filter(submission=submission).count() == 1
    [stored] = stored_files(settings)
    assert stored.name == f"{results[0].sha256}.pdf"
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.SUBMITTED


# --- The deadline is compared with the time of receipt ---------------------------------------------


def test_an_upload_sent_after_the_deadline_is_refused(submission: Submission, author: Any, settings: Any) -> None:
    deadline = paper_deadline(submission)
    deadline.closes_at = timezone.now() - timedelta(seconds=1)
    deadline.save()
    client = client_for(author)
    response = client.post(API, {"file": upload("late.pdf", make_pdf())}, headers={"Idempotency-Key": "late"})
    assert response.status_code == 403
    form = client.post(upload_url(), {"file": upload("late.pdf", make_pdf()), "idempotency_key": "late-form"})
    assert form.status_code == 403
    assert not SubmissionFile.objects.exists()
    assert stored_files(settings) == []


def test_what_was_received_before_the_deadline_counts_even_if_checked_after_it(
    submission: Submission, author: Any
) -> None:
    deadline = paper_deadline(submission)
    deadline.closes_at = timezone.now() - timedelta(seconds=1)
    deadline.save()
    before, after = deadline.closes_at - timedelta(seconds=1), deadline.closes_at + timedelta(seconds=1)
    version = services.paper_upload(submission=submission, content=make_pdf(), filename="p.pdf", by=author, now=before)
    assert version.is_accepted
    with pytest.raises(PolicyDenied):
        services.paper_upload(submission=submission, content=make_pdf(2), filename="p.pdf", by=author, now=after)
    assert SubmissionFile.objects.count() == 1


def test_the_deadline_moved_during_the_check_is_asked_again(
    submission: Submission, author: Any, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A chair closes the paper phase (to a time before the upload arrived) while it is checked.
    real_run_check = services.run_check
    received = timezone.now()

    def chair_moves_the_deadline(*args: Any, **kwargs: Any) -> Any:
        Deadline.objects.filter(pk=paper_deadline(submission).pk).update(closes_at=received - timedelta(minutes=1))
        return real_run_check(*args, **kwargs)

    monkeypatch.setattr(services, "run_check", chair_moves_the_deadline)
    with pytest.raises(PolicyDenied):
        services.paper_upload(submission=submission, content=make_pdf(), filename="p.pdf", by=author, now=received)
    assert not SubmissionFile.objects.exists()
    assert stored_files(settings) == []


def test_a_retry_after_the_deadline_still_gets_its_receipt(submission: Submission, author: Any) -> None:
    client = client_for(author)
    content = make_pdf(2)
    first = client.post(API, {"file": upload("p.pdf", content)}, headers={"Idempotency-Key": "just-in-time"})
    deadline = paper_deadline(submission)
    deadline.closes_at = timezone.now() - timedelta(seconds=1)
    deadline.save()
    again = client.post(API, {"file": upload("p.pdf", content)}, headers={"Idempotency-Key": "just-in-time"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    other = client.post(API, {"file": upload("p.pdf", content)}, headers={"Idempotency-Key": "too-late"})
    assert other.status_code == 403


# --- A database error while recording ----------------------------------------------------------------


@pytest.mark.parametrize("failing", ["record_paper_action", "transition"])
def test_a_database_error_while_recording_leaves_no_row_and_no_file(
    submission: Submission,
    author: Any,
    settings: Any,
    stored_paper: SubmissionFile,
    monkeypatch: pytest.MonkeyPatch,
    failing: str,
) -> None:
    if failing == "transition":  # the first accepted paper moves the state: make that the failure
        Submission.objects.filter(pk=submission.pk).update(state=SubmissionState.ABSTRACT)
    before = stored_files(settings)
    assert len(before) == 1

    def fail(*args: Any, **kwargs: Any) -> None:
        raise DatabaseError("the database went away")

    monkeypatch.setattr(services, failing, fail)
    with pytest.raises(DatabaseError):
        services.paper_upload(
            submission=submission, content=make_pdf(3), filename="new.pdf", by=author, idempotency_key="k1"
        )
    assert SubmissionFile.objects.filter(submission=submission).count() == 1
    assert current_paper(submission) == stored_paper
    assert stored_files(settings) == before
    # The retry with the same key, once the database is back, records it.
    monkeypatch.undo()
    version = services.paper_upload(
        submission=submission, content=make_pdf(3), filename="new.pdf", by=author, idempotency_key="k1"
    )
    assert current_paper(submission) == version
    assert len(stored_files(settings)) == 2


def test_a_file_another_version_uses_is_kept(submission: Submission, author: Any, settings: Any) -> None:
    version = services.paper_upload(submission=submission, content=make_pdf(), filename="p.pdf", by=author)
    services._discard_file(version.file.name)
    assert len(stored_files(settings)) == 1
    assert (Path(settings.MEDIA_ROOT) / version.file.name).read_bytes() == make_pdf()


def test_the_supplementary_form_carries_its_key_too(
    submission: Submission, author: Any, supplementary_deadline: Any
) -> None:
    client = client_for(author)
    key = form_key(client, "upload-supplementary")
    for _ in range(2):
        client.post(upload_url("supplementary"), {"file": upload("s.pdf", make_pdf()), "idempotency_key": key})
    [version] = SubmissionFile.objects.filter(kind=FileKind.SUPPLEMENTARY)
    assert version.idempotency_key == key

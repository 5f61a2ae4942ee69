"""Issue 7: the PDF and ZIP checks run in a child process under time and memory limits. A check
that hangs, eats memory or dies is a rejected upload with a clear message, and the previous
version stays current. The checks are made to misbehave by patching them: the forked child
inherits the patch."""

from __future__ import annotations

import json
import os
import signal
from io import StringIO
from pathlib import Path
from typing import Any, NoReturn

import pytest
from django.core.management import call_command
from django.urls import reverse

from submissions import archive_checks, pdf_checks
from submissions.models import FileKind, Submission, SubmissionFile
from submissions.selectors import current_paper, current_supplementary
from tests.factories.pdfs import make_pdf
from tests.submissions import corpus
from tests.submissions.helpers import upload

pytestmark = pytest.mark.django_db

API = "/api/editions/mlsys2027/submissions/"
TIMED_OUT = "The file could not be checked within 1 second;"


def hang(*args: Any, **kwargs: Any) -> NoReturn:
    while True:
        pass


def eat_memory(*args: Any, **kwargs: Any) -> NoReturn:
    hoard = bytearray(1024 * 1024 * 1024)  # 1 GB: far past the 64 MB these tests allow
    raise AssertionError(f"allocated {len(hoard)} bytes past the limit")


def die(*args: Any, **kwargs: Any) -> NoReturn:
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("still alive")


@pytest.fixture(autouse=True)
def tight_limits(settings: Any) -> None:
    settings.UPLOAD_CHECK_TIMEOUT_SECONDS = 1
    settings.UPLOAD_CHECK_MEMORY_MB = 64
    # The misbehaviour is patched into this process, so the child must be forked from it: the
    # fork server's children (test_sandbox_forkserver.py) would run the real checks.
    settings.UPLOAD_CHECK_FORKSERVER = False


def upload_paper(client: Any, content: bytes) -> Any:
    url = reverse("submissions:upload", kwargs={"edition_slug": "mlsys2027", "number": 1, "kind": "paper"})
    return client.post(url, {"file": upload("paper.pdf", content)}, follow=True)


def rejection(submission: Submission, kind: str = FileKind.PAPER) -> dict[str, str]:
    latest = submission.files.filter(kind=kind).latest("uploaded_at")
    assert not latest.is_accepted
    assert not latest.file
    [check] = latest.checks
    return check


def test_a_paper_check_that_hangs_is_rejected_and_the_previous_version_stays(
    client: Any, submission: Submission, stored_paper: SubmissionFile, author: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_checks, "_check_pages", hang)
    client.force_login(author)
    response = upload_paper(client, make_pdf(3))
    assert "The upload was rejected; the previous version stays." in response.content.decode()
    assert TIMED_OUT in response.content.decode()
    assert rejection(submission)["code"] == "checked"
    assert rejection(submission)["message"].startswith(TIMED_OUT)
    assert current_paper(submission) == stored_paper


def test_a_paper_check_that_eats_memory_is_rejected(
    client: Any, submission: Submission, stored_paper: SubmissionFile, author: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_checks, "_check_pages", eat_memory)
    client.force_login(author)
    upload_paper(client, make_pdf(3))
    assert rejection(submission)["message"].startswith("The file could not be checked within 64 MB of memory;")
    assert current_paper(submission) == stored_paper


def test_a_paper_check_that_dies_is_rejected(
    client: Any, submission: Submission, stored_paper: SubmissionFile, author: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf_checks, "_check_pages", die)
    client.force_login(author)
    upload_paper(client, make_pdf(3))
    assert rejection(submission)["message"].startswith("The checker stopped on this file without an answer;")
    assert current_paper(submission) == stored_paper


@pytest.mark.usefixtures("supplementary_deadline")
def test_a_zip_check_that_hangs_is_rejected_through_the_api(
    client: Any, submission: Submission, author: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = corpus.make_zip(corpus.GOOD_ZIP_MEMBERS)
    client.force_login(author)
    assert client.post(f"{API}1/supplementary/", {"file": upload("a.zip", archive)}).status_code == 201
    previous = current_supplementary(submission)

    monkeypatch.setattr(archive_checks, "_zip_problems", hang)
    response = client.post(f"{API}1/supplementary/", {"file": upload("b.zip", archive + b"\n")})
    assert response.status_code == 400
    assert response.json()["checks"][0]["message"].startswith(TIMED_OUT)
    assert response.json()["content_type"] == ""
    assert current_supplementary(submission) == previous


def test_check_pdf_reports_a_hang_as_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdf_checks, "_check_pages", hang)
    path = tmp_path / "paper.pdf"
    path.write_bytes(make_pdf())
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("check_pdf", str(path), stdout=out)
    assert exit_.value.code == 1
    [check] = json.loads(out.getvalue())["checks"]
    assert check["code"] == "checked"
    assert check["message"].startswith(TIMED_OUT)


def test_a_check_within_its_limits_is_unaffected(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    upload_paper(client, corpus.weasyprint_pdf())
    paper = current_paper(submission)
    assert paper is not None
    assert paper.content_type == "application/pdf"

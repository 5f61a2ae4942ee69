"""Issue 7: uploads whose bytes pass the checks but whose names would make a browser run them
(x.html, x.svg, x.xhtml). Uploaded over HTTP as the author, downloaded as the chair: each is
stored and served only as the type its bytes were proven to be, with exactly the headers a
browser reads to keep it from running in our origin."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from submissions.models import FileKind, Submission, SubmissionFile
from tests.submissions import corpus
from tests.submissions.helpers import upload

pytestmark = pytest.mark.django_db

FILE_CSP = "default-src 'none'; sandbox"
API = "/api/editions/mlsys2027/submissions/"

HTML_IN_PDF = corpus.pdf_with_trailer(corpus.SCRIPT_PAYLOAD)
SVG_IN_PDF = corpus.pdf_with_trailer(corpus.SVG_PAYLOAD)

HTML_IN_ZIP = corpus.zip_of_html(corpus.SCRIPT_PAYLOAD)
SVG_IN_ZIP = corpus.zip_of_html(corpus.SVG_PAYLOAD)

# (kind, uploaded name, bytes, proven type)
HOSTILE = [
    pytest.param(FileKind.SUPPLEMENTARY, "x.html", HTML_IN_ZIP, "zip", id="zip-as-html"),
    pytest.param(FileKind.SUPPLEMENTARY, "x.svg", SVG_IN_ZIP, "zip", id="zip-as-svg"),
    pytest.param(FileKind.SUPPLEMENTARY, "x.xhtml", HTML_IN_ZIP, "zip", id="zip-as-xhtml"),
    pytest.param(FileKind.PAPER, "paper.html", HTML_IN_PDF, "pdf", id="paper-pdf-as-html"),
    pytest.param(FileKind.PAPER, "paper.svg", SVG_IN_PDF, "pdf", id="paper-pdf-as-svg"),
    pytest.param(FileKind.SUPPLEMENTARY, "paper.html", HTML_IN_PDF, "pdf", id="supplementary-pdf-as-html"),
    pytest.param(FileKind.SUPPLEMENTARY, "paper.svg", SVG_IN_PDF, "pdf", id="supplementary-pdf-as-svg"),
]
CONTENT_TYPES = {"pdf": "application/pdf", "zip": "application/zip"}


def upload_url(submission: Submission, kind: str) -> str:
    return reverse("submissions:upload", kwargs={"edition_slug": "mlsys2027", "number": 1, "kind": kind})


def file_url(file: SubmissionFile) -> str:
    return reverse("submissions:file", kwargs={"edition_slug": "mlsys2027", "number": 1, "file_id": file.pk})


def latest(submission: Submission, kind: str) -> SubmissionFile:
    return submission.files.filter(kind=kind).latest("uploaded_at")


@pytest.mark.usefixtures("supplementary_deadline")
@pytest.mark.parametrize(("kind", "name", "content", "proven"), HOSTILE)
def test_a_hostile_name_is_stored_and_served_as_the_proven_type(
    client: Any, submission: Submission, author: Any, chair: Any, kind: str, name: str, content: bytes, proven: str
) -> None:
    client.force_login(author)
    client.post(upload_url(submission, kind), {"file": upload(name, content, "text/html")})
    version = latest(submission, kind)
    assert version.is_accepted, version.checks  # the bytes pass: only the name is hostile
    assert version.content_type == CONTENT_TYPES[proven]
    assert version.file.name.endswith(f"/{version.sha256}.{proven}")
    assert version.original_name == name  # kept as a record only

    client.force_login(chair)
    response = client.get(file_url(version))
    body = b"".join(response.streaming_content)

    assert response.status_code == 200
    assert body == content
    disposition = "inline" if proven == "pdf" else "attachment"
    part = "" if kind == FileKind.PAPER else "-supplementary"
    assert response["Content-Type"] == CONTENT_TYPES[proven]
    name = f"mlsys2027-paper1{part}-{version.sha256[:8]}.{proven}"
    assert response["Content-Disposition"] == f'{disposition}; filename="{name}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_CSP  # the site-wide policy does not replace it
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


def test_the_api_stores_a_hostile_name_as_the_proven_type(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    response = client.post(f"{API}1/paper/", {"file": upload("paper.html", HTML_IN_PDF, "text/html")})
    assert response.status_code == 201
    assert response.json()["content_type"] == "application/pdf"
    assert response.json()["original_name"] == "paper.html"
    version = latest(submission, FileKind.PAPER)
    assert version.file.name.endswith(".pdf")


def test_a_file_of_no_proven_type_is_only_ever_a_download(
    client: Any, submission: Submission, stored_paper: SubmissionFile, chair: Any
) -> None:
    """Rows the data migration could not type (bytes gone, odd extension) are served as bytes."""
    SubmissionFile.objects.filter(pk=stored_paper.pk).update(content_type="")
    client.force_login(chair)
    response = client.get(file_url(stored_paper))
    b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == f'attachment; filename="mlsys2027-paper1-{stored_paper.sha256[:8]}.bin"'
    assert response["Content-Security-Policy"] == FILE_CSP


def test_a_rejected_upload_has_no_proven_type(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    client.post(upload_url(submission, FileKind.PAPER), {"file": upload("paper.pdf", b"<html><script></script>")})
    version = latest(submission, FileKind.PAPER)
    assert not version.is_accepted
    assert version.content_type == ""
    assert not version.file

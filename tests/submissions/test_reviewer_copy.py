"""Double-blind in files: the PDF a reviewer downloads carries no author names in its metadata
(info dictionary, XMP, the uploaded file's name) and keeps its pages; the chairs get the
original; a copy that can't be made means no PDF for the reviewer, never the original."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from assignments.models import Assignment, AssignmentSource
from conferences.models import Edition
from submissions import reviewer_copy as reviewer_copy_module
from submissions import services as submission_services
from submissions.models import Submission, SubmissionFile
from submissions.reviewer_copy import reviewer_copy_name, strip_metadata
from tests.factories.submissions import AuthorFactory, SubmissionFactory
from tests.personas import client_for

pytestmark = pytest.mark.django_db

PAGES = 3
# The names as they appear in the file; searched case-insensitively, and by surname alone.
NAMES = ("Ada Lovelace", "Lovelace", "ada-lovelace", "Babbage")
XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b"<dc:creator><rdf:Seq><rdf:li>Ada Lovelace</rdf:li><rdf:li>Charles Babbage</rdf:li></rdf:Seq></dc:creator>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)


def pdf_with_names() -> bytes:
    """Letter pages with no text (no fonts for the checks to mind), the names in /Author,
    /Title, /Creator and /Subject, and in a compressed XMP stream (dc:creator)."""
    drawn = io.BytesIO()
    sheet = canvas.Canvas(drawn, pagesize=letter)
    sheet.setAuthor("Ada Lovelace")
    sheet.setTitle("Notes on the Analytical Engine, by Ada Lovelace")
    sheet.setCreator("LaTeX with hyperref (Ada Lovelace)")
    sheet.setSubject("Lovelace on the engine")
    for number in range(PAGES):
        sheet.rect(72, 72, 100 + number * 50, 100)
        sheet.showPage()
    sheet.save()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(drawn.getvalue())))
    xmp = DecodedStreamObject()
    xmp.set_data(XMP)
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp.flate_encode())
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def decoded_text(content: bytes) -> str:
    """Everything in the PDF as text: its raw bytes, its metadata as pypdf reads it, and every
    object with every stream decompressed."""
    reader = PdfReader(io.BytesIO(content))
    parts = [content.decode("latin-1"), repr(reader.metadata)]
    xmp = reader.xmp_metadata
    if xmp is not None:
        parts.append(repr(xmp.dc_creator))
    numbers = {(idnum, generation) for generation, entries in reader.xref.items() for idnum in entries}
    numbers |= {(idnum, 0) for idnum in reader.xref_objStm}  # objects inside object streams
    for idnum, generation in sorted(numbers):
        obj = reader.get_object(IndirectObject(idnum, generation, reader))
        parts.append(repr(obj))
        if isinstance(obj, StreamObject):
            parts.append(obj.get_data().decode("latin-1"))
    return "\n".join(parts)


def assert_nameless(content: bytes) -> None:
    text = decoded_text(content).lower()
    for name in NAMES:
        assert name.lower() not in text


@pytest.fixture
def original() -> bytes:
    content = pdf_with_names()
    # The fixture must carry what the test looks for, or the test could never fail.
    text = decoded_text(content).lower()
    assert all(name.lower() in text for name in NAMES[:2] + NAMES[3:])
    assert b"Babbage" not in content  # in the compressed XMP only: found by decoding
    reader = PdfReader(io.BytesIO(content))
    assert reader.xmp_metadata is not None
    assert "Ada Lovelace" in (reader.xmp_metadata.dc_creator or [])
    assert "Lovelace" in str(reader.metadata.author if reader.metadata else "")
    return content


@pytest.fixture
def paper(edition: Edition, author: Any, original: bytes) -> Submission:
    paper: Any = SubmissionFactory(edition=edition, number=17, title="Sparse Kernels")
    AuthorFactory(submission=paper, position=1, name=author.display_name, email=author.email, user=author)
    stored = submission_services.paper_upload(
        submission=paper, content=original, filename="ada-lovelace.pdf", by=author
    )
    assert stored.is_accepted, stored.checks
    return paper


@pytest.fixture
def reviewer(paper: Submission, pc_systems: Any) -> Any:
    Assignment.objects.create(
        submission=paper,
        user=pc_systems,
        source=AssignmentSource.MANUAL,
        is_committed=True,
        committed_at=timezone.now(),
    )
    return pc_systems


def stored(paper: Submission) -> SubmissionFile:
    return SubmissionFile.objects.get(submission=paper, is_accepted=True)


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def reviewer_download(paper: Submission, user: Any) -> Any:
    return client_for(user).get(f"/{paper.edition.slug}/reviews/papers/{paper.number}/paper/")


def test_the_reviewer_gets_the_pages_without_the_names(paper: Submission, reviewer: Any, original: bytes) -> None:
    response = reviewer_download(paper, reviewer)
    assert response.status_code == 200
    content = body_of(response)
    assert response["Content-Disposition"] == 'inline; filename="mlsys2027-paper-17.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert content != original
    assert_nameless(content)
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == PAGES
    assert not reader.metadata
    assert reader.xmp_metadata is None
    assert [page.mediabox for page in reader.pages] == [page.mediabox for page in PdfReader(io.BytesIO(original)).pages]


def test_the_chair_gets_the_original(paper: Submission, chair: Any, original: bytes) -> None:
    file = stored(paper)
    url = reverse("submissions:file", kwargs={"edition_slug": paper.edition.slug, "number": 17, "file_id": file.pk})
    response = client_for(chair).get(url)
    assert response.status_code == 200
    assert body_of(response) == original


def test_the_copy_is_made_once_and_kept_next_to_the_original(
    paper: Submission, reviewer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = stored(paper)
    name = reviewer_copy_name(file)
    assert name == file.file.name.rsplit("/", 1)[0] + f"/{file.sha256}-anon.pdf"
    assert not default_storage.exists(name)  # made on the first download, not at upload
    first = body_of(reviewer_download(paper, reviewer))
    assert default_storage.exists(name)
    with default_storage.open(name, "rb") as kept:
        assert kept.read() == first

    def never(*args: Any, **kwargs: Any) -> bytes:
        raise AssertionError("the copy was made again")

    monkeypatch.setattr(reviewer_copy_module, "run_limited", never)
    assert body_of(reviewer_download(paper, reviewer)) == first


def _fails(content: bytes) -> bytes:
    raise ValueError("a PDF pypdf can't rewrite")


def _answers_nothing(content: bytes) -> bytes:
    return None  # type: ignore[return-value]


@pytest.mark.parametrize("work", [_fails, _answers_nothing])
def test_no_copy_means_no_pdf_for_the_reviewer(
    paper: Submission,
    reviewer: Any,
    chair: Any,
    original: bytes,
    work: Any,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The real sandbox runs it: the failure happens in the forked child.
    monkeypatch.setattr(reviewer_copy_module, "strip_metadata", work)
    with caplog.at_level(logging.ERROR, logger="submissions.reviewer_copy"):
        response = reviewer_download(paper, reviewer)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "can't be given to reviewers" in body
    assert not any(name.lower() in body.lower() for name in NAMES)
    assert b"%PDF" not in response.content
    assert f"no reviewer's copy of file {stored(paper).pk}" in caplog.text
    assert not default_storage.exists(reviewer_copy_name(stored(paper)))
    # The chairs still have the original.
    url = reverse(
        "submissions:file", kwargs={"edition_slug": paper.edition.slug, "number": 17, "file_id": stored(paper).pk}
    )
    assert body_of(client_for(chair).get(url)) == original


def test_stripping_keeps_the_pages_and_drops_page_metadata(original: bytes) -> None:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(original)))
    private = DictionaryObject({NameObject("/Private"): TextStringObject("Ada Lovelace")})
    writer.pages[1][NameObject("/PieceInfo")] = DictionaryObject({NameObject("/LaTeX"): private})
    page_xmp = DecodedStreamObject()
    page_xmp.set_data(XMP)
    writer.pages[2][NameObject("/Metadata")] = writer._add_object(page_xmp)
    marked = io.BytesIO()
    writer.write(marked)
    assert "lovelace" in decoded_text(marked.getvalue()).lower()
    stripped = strip_metadata(marked.getvalue())
    assert_nameless(stripped)
    assert len(PdfReader(io.BytesIO(stripped)).pages) == PAGES

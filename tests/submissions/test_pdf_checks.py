"""submissions.pdf_checks.check_pdf against PDFs from several producers, good and broken."""

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from submissions.pdf_checks import AuthorIdentity, Limits, PdfReport, Status, check_pdf
from tests.submissions import corpus

ADA = AuthorIdentity("Ada Lovelace", "ada@analytical.example.edu")


def run(content: bytes, limits: Limits | None = None, authors: tuple[AuthorIdentity, ...] = ()) -> PdfReport:
    return check_pdf(content, limits=limits or Limits(), authors=authors)


def statuses(report: PdfReport) -> dict[str, Status]:
    return {c.code: c.status for c in report.checks}


def message(report: PdfReport, code: str) -> str:
    [found] = [c.message for c in report.checks if c.code == code]
    return found


# --- Good PDFs from different producers ---------------------------------------------------


def test_weasyprint_pdf_passes_every_check_with_its_fonts_embedded() -> None:
    content = corpus.weasyprint_pdf()
    report = run(content, authors=(ADA,))
    assert report.accepted
    assert report.errors == []
    assert report.warnings == []
    assert report.sha256 == hashlib.sha256(content).hexdigest()
    assert report.size == len(content)
    assert report.page_count == 2
    assert statuses(report) == {
        "not_empty": Status.OK,
        "file_size": Status.OK,
        "is_pdf": Status.OK,
        "not_encrypted": Status.OK,
        "page_count": Status.OK,
        "paper_size": Status.OK,
        "fonts_embedded": Status.OK,
        "anonymous_metadata": Status.OK,
        "anonymous_first_page": Status.OK,
    }
    assert message(report, "fonts_embedded") == "All fonts are embedded."


def test_reportlab_base14_helvetica_is_not_embedded_a_warning_not_an_error() -> None:
    report = run(corpus.reportlab_pdf())
    assert report.accepted
    assert [w.code for w in report.warnings] == ["fonts_embedded"]
    assert "Helvetica" in report.warnings[0].message
    assert "Embed all fonts" in report.warnings[0].message


def test_handwritten_minimal_pdf_is_read() -> None:
    report = run(corpus.handwritten_pdf())
    assert report.accepted
    assert report.page_count == 1
    assert "Times-Roman" in message(report, "fonts_embedded")


def test_pypdf_blank_pages_have_no_fonts_to_embed() -> None:
    report = run(corpus.pypdf_blank(3))
    assert report.accepted
    assert report.page_count == 3
    assert statuses(report)["fonts_embedded"] is Status.OK


@pytest.mark.parametrize(
    ("size", "accepted"),
    [
        (corpus.LETTER, True),
        (corpus.A4_SIZE, True),
        ((792, 612), True),  # US Letter, landscape
        ((841.89, 595.28), True),  # A4, landscape
        ((614, 790), True),  # within the tolerance of a few points
        (corpus.A5_SIZE, False),
        ((612, 1008), False),  # US Legal
        ((1190.55, 1683.78), False),  # A2
    ],
)
def test_paper_size_is_letter_or_a4_in_either_orientation(size: tuple[float, float], accepted: bool) -> None:
    report = run(corpus.reportlab_pdf(pagesize=size))
    assert report.accepted is accepted
    assert statuses(report)["paper_size"] is (Status.OK if accepted else Status.ERROR)


def test_a5_is_refused_with_its_size_in_millimetres() -> None:
    report = run(corpus.reportlab_pdf(pagesize=corpus.A5_SIZE))
    assert message(report, "paper_size") == "Pages must be US Letter or A4: page 1 is 148 by 210 mm."


def test_one_wrong_page_among_good_ones_is_named() -> None:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_blank_page(419.53, 595.28)  # A5
    writer.add_blank_page(595.28, 841.89)
    buffer = io.BytesIO()
    writer.write(buffer)
    report = run(buffer.getvalue())
    assert not report.accepted
    assert "page 2 is 148 by 210 mm" in message(report, "paper_size")
    assert "page 1" not in message(report, "paper_size")
    assert "page 3" not in message(report, "paper_size")


# --- Page count and file size -------------------------------------------------------------


def test_page_limit_is_inclusive() -> None:
    assert run(corpus.pypdf_blank(10), Limits(max_pages=10)).accepted
    report = run(corpus.pypdf_blank(11), Limits(max_pages=10))
    assert not report.accepted
    assert report.page_count == 11
    assert message(report, "page_count") == "The PDF has 11 pages; the limit is 10."


def test_too_many_pages_from_reportlab() -> None:
    report = run(corpus.reportlab_pdf(pages=4), Limits(max_pages=3))
    assert [e.code for e in report.errors] == ["page_count"]


def test_a_pdf_without_pages_is_refused() -> None:
    report = run(corpus.pypdf_blank(0))
    assert not report.accepted
    assert message(report, "page_count") == "The PDF has no pages."


def test_oversize_is_refused_before_parsing() -> None:
    content = corpus.weasyprint_pdf()
    assert run(content, Limits(max_bytes=len(content))).accepted
    report = run(content, Limits(max_bytes=len(content) - 1))
    assert not report.accepted
    assert statuses(report) == {"not_empty": Status.OK, "file_size": Status.ERROR}
    assert report.page_count is None
    assert "the limit is" in message(report, "file_size")


def test_size_limit_in_megabytes_is_readable() -> None:
    report = run(b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024), Limits(max_bytes=2 * 1024 * 1024))
    assert message(report, "file_size") == "The file is 3 MB; the limit is 2 MB."


# --- Broken and wrong files ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "code", "expected"),
    [
        pytest.param(b"", "not_empty", "The file is empty (0 bytes).", id="zero-bytes"),
        pytest.param(corpus.PNG_BYTES, "is_pdf", "This is not a PDF; it looks like a PNG image.", id="png"),
        pytest.param(
            corpus.make_zip(corpus.GOOD_ZIP_MEMBERS),
            "is_pdf",
            "This is not a PDF; it looks like a ZIP archive (perhaps a Word or LaTeX project file).",
            id="zip",
        ),
        pytest.param(
            b"\xff\xd8\xff\xe0JFIF" + b"\0" * 50, "is_pdf", "This is not a PDF; it looks like a JPEG image.", id="jpeg"
        ),
        pytest.param(b"Just some words in a text file.", "is_pdf", "This is not a PDF.", id="text"),
        pytest.param(
            corpus.truncated(corpus.reportlab_pdf(pages=3)),
            "is_pdf",
            "The PDF is incomplete (it has no end); the upload or export was cut short.",
            id="truncated-reportlab",
        ),
        pytest.param(
            corpus.truncated(corpus.weasyprint_pdf()),
            "is_pdf",
            "The PDF is incomplete (it has no end); the upload or export was cut short.",
            id="truncated-weasyprint",
        ),
        pytest.param(
            corpus.garbage_after_header(),
            "readable",
            "The PDF is damaged and cannot be read; export it again from your editor.",
            id="garbage-after-header",
        ),
        pytest.param(
            corpus.pypdf_blank(1, password="secret"),
            "not_encrypted",
            "The PDF is encrypted or password-protected; save it without protection.",
            id="encrypted",
        ),
        pytest.param(
            corpus.pypdf_blank(1, password=""),
            "not_encrypted",
            "The PDF is encrypted or password-protected; save it without protection.",
            id="encrypted-empty-password",
        ),
    ],
)
def test_bad_files_are_refused_with_a_plain_message(content: bytes, code: str, expected: str) -> None:
    report = run(content)
    assert not report.accepted
    assert [(e.code, e.message) for e in report.errors] == [(code, expected)]
    assert report.page_count is None


def test_damaged_pdf_keeps_only_the_byte_level_checks() -> None:
    report = run(corpus.garbage_after_header())
    assert list(statuses(report)) == ["not_empty", "file_size", "is_pdf", "readable"]


def test_the_header_may_follow_some_junk() -> None:
    """Some tools write a few bytes before ``%PDF-``; readers accept it, and so do we."""
    assert run(b"\n\n  " + corpus.handwritten_pdf()).accepted


def test_a_pdf_body_with_its_middle_destroyed_never_raises() -> None:
    content = bytearray(corpus.reportlab_pdf(pages=2))
    middle = len(content) // 2
    content[middle - 200 : middle + 200] = b"\0" * 400
    report = run(bytes(content))  # must not raise, whatever pypdf makes of it
    assert report.sha256 == hashlib.sha256(bytes(content)).hexdigest()
    assert statuses(report)["is_pdf"] is Status.OK


# --- Double-blind --------------------------------------------------------------------------


def test_author_name_in_metadata_is_a_warning() -> None:
    content = corpus.pypdf_blank(1, metadata={"/Author": "Ada Lovelace"})
    report = run(content, authors=(ADA,))
    assert report.accepted
    assert [w.code for w in report.warnings] == ["anonymous_metadata"]
    assert "metadata mentions Ada Lovelace" in report.warnings[0].message


def test_author_email_in_reportlab_metadata_is_a_warning() -> None:
    content = corpus.reportlab_pdf(author="ADA@analytical.example.edu")
    report = run(content, authors=(ADA,))
    assert statuses(report)["anonymous_metadata"] is Status.WARNING
    assert "ada@analytical.example.edu" in message(report, "anonymous_metadata")


def test_author_in_xmp_metadata_is_a_warning() -> None:
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    xmp = DecodedStreamObject()
    xmp.set_data(b"<x:xmpmeta><dc:creator><rdf:li>Ada Lovelace</rdf:li></dc:creator></x:xmpmeta>")
    xmp[NameObject("/Type")] = NameObject("/Metadata")
    xmp[NameObject("/Subtype")] = NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp)
    buffer = io.BytesIO()
    writer.write(buffer)
    report = run(buffer.getvalue(), authors=(ADA,))
    assert statuses(report)["anonymous_metadata"] is Status.WARNING


@pytest.mark.parametrize(
    "line",
    ["Ada Lovelace, Analytical Engines Inc.", "ADA  LOVELACE", "Contact: ada@analytical.example.edu"],
)
def test_author_on_the_first_page_is_a_warning(line: str) -> None:
    report = run(corpus.reportlab_pdf(first_page_text=["Sparse Kernels", line]), authors=(ADA,))
    assert report.accepted
    assert statuses(report)["anonymous_first_page"] is Status.WARNING
    assert "first page mentions" in message(report, "anonymous_first_page")


def test_accents_do_not_hide_a_name() -> None:
    author = AuthorIdentity("Zoë Müller", "zoe@example.edu")
    report = run(corpus.reportlab_pdf(first_page_text=["Zoe Muller"]), authors=(author,))
    assert statuses(report)["anonymous_first_page"] is Status.WARNING


def test_author_on_a_later_page_only_is_not_reported() -> None:
    """Only the first page is read: citations of one's own work later on are fine."""
    content = corpus.reportlab_pdf(pages=2, first_page_text=["Anonymous"])
    report = run(content, authors=(AuthorIdentity("Page 2", "p2@example.edu"),))
    assert statuses(report)["anonymous_first_page"] is Status.OK


def test_a_name_inside_a_longer_word_is_not_a_match() -> None:
    """'Anna' is not found in 'Savannah'."""
    report = run(corpus.reportlab_pdf(first_page_text=["Savannah and Annabel"]), authors=(AuthorIdentity("Anna", ""),))
    assert statuses(report)["anonymous_first_page"] is Status.OK


def test_handwritten_first_page_is_searched() -> None:
    report = run(corpus.handwritten_pdf("By Ada Lovelace"), authors=(ADA,))
    assert statuses(report)["anonymous_first_page"] is Status.WARNING


def test_without_authors_no_anonymity_check_runs() -> None:
    report = run(corpus.reportlab_pdf(author="Ada Lovelace", first_page_text=["Ada Lovelace"]))
    assert "anonymous_metadata" not in statuses(report)
    assert "anonymous_first_page" not in statuses(report)


def test_warnings_do_not_reject() -> None:
    content = corpus.reportlab_pdf(author="Ada Lovelace", first_page_text=["Ada Lovelace"])
    report = run(content, authors=(ADA,))
    assert report.accepted
    assert {w.code for w in report.warnings} == {"fonts_embedded", "anonymous_metadata", "anonymous_first_page"}


# --- The report ----------------------------------------------------------------------------


def test_report_as_dict_is_plain_json_data() -> None:
    report = run(corpus.pypdf_blank(11), Limits(max_pages=10))
    data = report.as_dict()
    assert data["accepted"] is False
    assert data["page_count"] == 11
    assert data["sha256"] == report.sha256
    assert {"code": "page_count", "status": "error", "message": "The PDF has 11 pages; the limit is 10."} in data[
        "checks"
    ]
    assert all(set(c) == {"code", "status", "message"} for c in data["checks"])
    assert all(type(c["status"]) is str for c in data["checks"])


# --- A proven type, and every undecidable PDF rejected with a message ------------------------


def test_an_accepted_pdf_is_proven_a_pdf_and_a_rejected_one_is_nothing() -> None:
    assert run(corpus.handwritten_pdf()).content_type == "application/pdf"
    assert run(corpus.pypdf_blank(11), Limits(max_pages=10)).content_type is None
    assert run(corpus.PNG_BYTES).content_type is None


@pytest.mark.parametrize("error", [ZeroDivisionError("odd"), NotImplementedError("filter"), RuntimeError("x")])
def test_whatever_pypdf_raises_is_a_damaged_pdf(monkeypatch: pytest.MonkeyPatch, error: Exception) -> None:
    def explode(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr("submissions.pdf_checks.PdfReader", explode)
    report = run(corpus.handwritten_pdf())
    assert not report.accepted
    assert report.content_type is None
    assert message(report, "readable") == "The PDF is damaged and cannot be read; export it again from your editor."


def test_an_encrypted_pdf_pypdf_cannot_open_is_reported_as_encrypted(monkeypatch: pytest.MonkeyPatch) -> None:
    """E.g. a security handler pypdf does not know, or a missing crypto dependency."""

    def explode(*args: object, **kwargs: object) -> None:
        raise NotImplementedError("/Adobe.PubSec")

    monkeypatch.setattr("submissions.pdf_checks.PdfReader", explode)
    report = run(corpus.encrypted_pdf("AES-256", user_password="secret"))
    assert [c.code for c in report.errors] == ["not_encrypted"]
    assert "encrypted" in message(report, "not_encrypted")


def test_running_out_of_memory_is_left_to_the_caller(monkeypatch: pytest.MonkeyPatch) -> None:
    def exhaust(*args: object, **kwargs: object) -> None:
        raise MemoryError

    monkeypatch.setattr("submissions.pdf_checks.PdfReader", exhaust)
    with pytest.raises(MemoryError):
        run(corpus.handwritten_pdf())

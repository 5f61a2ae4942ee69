"""submissions.archive_checks: supplementary material is a PDF or a ZIP that is safe to open."""

from __future__ import annotations

import zipfile
from unittest import mock

import pytest

from submissions import archive_checks
from submissions.archive_checks import SupplementaryLimits, check_supplementary, check_zip
from submissions.pdf_checks import PdfReport, Status
from tests.submissions import corpus

LIMITS = SupplementaryLimits()


def errors(report: PdfReport) -> list[str]:
    return [c.message for c in report.errors]


def test_a_good_zip_is_accepted() -> None:
    content = corpus.make_zip(corpus.GOOD_ZIP_MEMBERS)
    report = check_supplementary(content, "artifact.zip", limits=LIMITS)
    assert report.accepted
    assert [(c.code, c.status) for c in report.checks] == [("zip_safe", Status.OK)]
    assert report.checks[0].message.startswith("A ZIP archive of 2 files")
    assert report.size == len(content)
    assert report.page_count is None


def test_a_stored_uncompressed_zip_is_accepted() -> None:
    content = corpus.make_zip({"data.csv": b"a,b\n" * 1000}, compression=zipfile.ZIP_STORED)
    assert check_supplementary(content, "data.zip", limits=LIMITS).accepted


def test_a_zip_is_recognised_by_its_bytes_whatever_its_name() -> None:
    content = corpus.make_zip(corpus.GOOD_ZIP_MEMBERS)
    report = check_supplementary(content, "appendix.pdf", limits=LIMITS)
    assert report.accepted
    assert report.checks[0].code == "zip_safe"


def test_a_pdf_is_accepted_and_checked_as_a_pdf() -> None:
    report = check_supplementary(corpus.weasyprint_pdf(), "appendix.pdf", limits=LIMITS)
    assert report.accepted
    assert report.page_count == 2
    assert {c.code for c in report.checks} >= {"is_pdf", "page_count", "paper_size"}


def test_a_supplementary_pdf_may_be_longer_than_a_paper() -> None:
    report = check_supplementary(corpus.pypdf_blank(40), "appendix.pdf", limits=LIMITS)
    assert report.accepted
    report = check_supplementary(corpus.pypdf_blank(4), "appendix.pdf", limits=SupplementaryLimits(max_pdf_pages=3))
    assert errors(report) == ["The PDF has 4 pages; the limit is 3."]


def test_a_broken_pdf_as_supplementary_is_refused() -> None:
    report = check_supplementary(corpus.truncated(corpus.reportlab_pdf()), "appendix.pdf", limits=LIMITS)
    assert not report.accepted
    assert report.errors[0].code == "is_pdf"


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"Just a text file", "notes.txt"),
        (corpus.PNG_BYTES, "figure.png"),
        (b"\x1f\x8b\x08\x00" + b"\0" * 100, "artifact.tar.gz"),
        (b"", "empty.zip"),
    ],
)
def test_other_types_are_refused(content: bytes, filename: str) -> None:
    report = check_supplementary(content, filename, limits=LIMITS)
    assert not report.accepted
    assert errors(report) == ["Supplementary material must be a PDF or a ZIP archive."]


def test_an_empty_file_named_pdf_is_refused_as_empty() -> None:
    report = check_supplementary(b"", "appendix.pdf", limits=LIMITS)
    assert errors(report) == ["The file is empty (0 bytes)."]


def test_a_zip_bomb_is_refused() -> None:
    """50 MB of zeros deflate to about 50 KB: a ratio far above anything real."""
    bomb = corpus.zip_bomb(50)
    assert len(bomb) < 200 * 1024
    report = check_supplementary(bomb, "artifact.zip", limits=LIMITS)
    assert not report.accepted
    assert errors(report) == [
        "The archive expands to an unreasonable size (a zip bomb?); upload the files uncompressed."
    ]


def test_an_archive_expanding_beyond_ten_times_the_limit_is_refused() -> None:
    """Members of a reasonable ratio that together expand too far are refused too."""
    content = corpus.make_zip({f"part{i}.bin": bytes(range(256)) * 64 for i in range(4)})
    expanded = 4 * 256 * 64
    limits = SupplementaryLimits(max_bytes=expanded // archive_checks.MAX_EXPANDED_FACTOR - 1)
    assert len(content) <= limits.max_bytes
    report = check_zip(content, limits=limits)
    assert "zip bomb" in errors(report)[0]
    assert check_zip(content, limits=SupplementaryLimits(max_bytes=expanded)).accepted


def test_a_member_just_under_the_ratio_is_fine() -> None:
    content = corpus.make_zip({"zeros.bin": bytes(1024 * 1024)})
    with mock.patch.object(archive_checks, "MAX_RATIO", 100_000):
        assert check_zip(content, limits=LIMITS).accepted
    with mock.patch.object(archive_checks, "MAX_RATIO", 10):
        assert not check_zip(content, limits=LIMITS).accepted


@pytest.mark.parametrize(
    "name", ["../evil", "/etc/passwd", "C:\\x", "a/../../b", "..\\evil", "docs/../../outside.txt", "D:/autoexec.bat"]
)
def test_path_traversal_names_are_refused(name: str) -> None:
    content = corpus.make_zip({"README.md": b"fine", name: b"bad"})
    report = check_supplementary(content, "artifact.zip", limits=LIMITS)
    assert not report.accepted
    assert errors(report) == [f"The archive has file names that point outside it: {name}."]


@pytest.mark.parametrize("name", ["a..b/c.txt", "..hidden", "dir/file..txt", "nested/dir/ok.py"])
def test_names_with_dots_that_stay_inside_are_fine(name: str) -> None:
    assert check_supplementary(corpus.make_zip({name: b"x"}), "a.zip", limits=LIMITS).accepted


def test_an_encrypted_member_is_refused() -> None:
    report = check_supplementary(corpus.zip_with_encrypted_member(), "artifact.zip", limits=LIMITS)
    assert not report.accepted
    assert errors(report) == ["The archive has encrypted files; upload it without a password."]


def test_several_problems_are_all_reported() -> None:
    content = bytearray(corpus.make_zip({"../evil": bytes(5 * 1024 * 1024)}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        content[content.index(signature) + offset] |= 0x1
    report = check_zip(bytes(content), limits=LIMITS)
    assert len(report.errors) == 3
    assert {c.code for c in report.errors} == {"zip_safe"}


def test_too_many_members_are_refused() -> None:
    with mock.patch.object(archive_checks, "MAX_MEMBERS", 3):
        report = check_zip(corpus.make_zip({f"f{i}.txt": b"x" for i in range(4)}), limits=LIMITS)
    assert errors(report) == ["The archive holds 4 files; at most 3 are allowed."]


@pytest.mark.parametrize(
    "content",
    [
        corpus.make_zip(corpus.GOOD_ZIP_MEMBERS)[:60],
        b"PK\x03\x04" + b"garbage" * 50,
        b"PK" + b"\0" * 10,
    ],
)
def test_a_damaged_zip_is_refused(content: bytes) -> None:
    report = check_supplementary(content, "artifact.zip", limits=LIMITS)
    assert not report.accepted
    assert errors(report) == ["The ZIP archive is damaged and cannot be read."]


def test_an_oversize_zip_is_refused_before_reading() -> None:
    content = corpus.make_zip(corpus.GOOD_ZIP_MEMBERS)
    report = check_zip(content, limits=SupplementaryLimits(max_bytes=len(content) - 1))
    assert [c.code for c in report.errors] == ["file_size"]
    assert check_zip(content, limits=SupplementaryLimits(max_bytes=len(content))).accepted


def test_an_accepted_zip_is_proven_a_zip_whatever_its_name() -> None:
    report = check_supplementary(corpus.make_zip(corpus.GOOD_ZIP_MEMBERS), "x.html", limits=LIMITS)
    assert report.content_type == "application/zip"
    assert check_supplementary(b"<html></html>", "x.html", limits=LIMITS).content_type is None

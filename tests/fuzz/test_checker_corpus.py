"""Issue 12: the PDF and ZIP checkers over broken and hostile files, through the real path
(``submissions.sandbox.run_check`` with small limits). Each file gets a report back, accepted or
rejected with a message a person can act on; never an exception, never a checker that died,
never a check left running. Then Hypothesis flips and cuts the bytes of a valid PDF."""

from __future__ import annotations

import multiprocessing

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from submissions.archive_checks import SupplementaryLimits, check_supplementary
from submissions.pdf_checks import ENCRYPTED, AuthorIdentity, Limits, PdfReport, check_pdf
from submissions.sandbox import CheckLimits, run_check
from tests.factories.pdfs import make_pdf
from tests.fuzz.hostile_files import PDF_CORPUS, ZIP_CORPUS, simple_pdf

RUN_LIMITS = CheckLimits(seconds=5, memory_mb=256)
PAPER = Limits(max_pages=10, max_bytes=2 * 1024 * 1024)
SUPPLEMENTARY = SupplementaryLimits(max_bytes=2 * 1024 * 1024, max_pdf_pages=50)
AUTHORS = (AuthorIdentity("Ada Lovelace", "ada@example.org"),)
DIED = "without an answer"  # the sandbox's words for a check that raised or crashed
LIMIT_WORDS = ("could not be checked within",)

# What a hostile file must be refused for (a word of the message); the rest only need a decision.
PDF_REFUSED = {
    "zero-bytes": "empty",
    "random-bytes": "not a PDF",
    "nul-bytes": "not a PDF",
    "only-the-header": "incomplete",
    "truncated-half": "incomplete",
    "truncated-before-eof": "incomplete",
    "encrypted-rc4-40": ENCRYPTED,
    "encrypted-aes-256": ENCRYPTED,
    "encrypted-with-password": ENCRYPTED,
    "encrypt-dictionary-garbage": ENCRYPTED,
    "pages-tree-loops-on-itself": "damaged",
    "object-stream-loop": "damaged",
    "deeply-nested-arrays": "damaged",
}
ZIP_REFUSED = {
    "only-the-magic": "damaged",
    "random-after-magic": "damaged",
    "zip-bomb": "zip bomb",
    "overlapping-entries": "zip bomb",
    "declared-sizes-huge": "zip bomb",
    "declared-compressed-zero": "zip bomb",
    "zip64-exabytes": "zip bomb",
    "entries-count-lies": "damaged",
    "dot-dot": "outside",
    "absolute": "outside",
    "backslashes": "outside",
    "drive-letter": "outside",
    "nested-dot-dot": "outside",
    "symlink": "symbolic link",
    "symlink-absolute": "symbolic link",
    "encrypted-member": "encrypted",
    "too-many-entries": "at most 5000",
    "truncated-central-directory": "damaged",
    "truncated-end-record": "damaged",
    "truncated-half": "damaged",
}


def assert_decided(report: PdfReport, content: bytes) -> None:
    """A report on these very bytes that says yes, or no with reasons; the checker finished
    (or was stopped by its limits) and left no process behind."""
    assert isinstance(report, PdfReport)
    assert report.size == len(content)
    assert report.checks, "a report without a single check decides nothing"
    messages = [check.message for check in report.checks]
    assert not any(DIED in message for message in messages), messages  # the check itself raised
    if report.accepted:
        assert report.content_type in {"application/pdf", "application/zip"}
    else:
        assert report.content_type is None
        assert all(error.message.strip().endswith(".") and len(error.message) > 15 for error in report.errors)
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("name", list(PDF_CORPUS))
def test_every_hostile_pdf_gets_a_report_from_the_sandboxed_paper_check(name: str) -> None:
    content = PDF_CORPUS[name]
    report = run_check(check_pdf, content, run_limits=RUN_LIMITS, limits=PAPER, authors=AUTHORS)
    assert_decided(report, content)
    if name in PDF_REFUSED:
        assert not report.accepted
        assert any(PDF_REFUSED[name] in error.message for error in report.errors), report.errors


@pytest.mark.parametrize("name", ["flate-bomb-contents", "flate-bomb-metadata"])
def test_a_compression_bomb_is_decided_within_the_limits(name: str) -> None:
    """Gigabytes of zeros behind two Flate filters: pypdf inflates at most 75 MB a stream and
    the anonymity check reads at most a megabyte of what comes out, so the check finishes
    within the sandbox's small limits (it used to take 9 s and 1 GB on the metadata bomb)."""
    content = PDF_CORPUS[name]
    report = run_check(check_pdf, content, run_limits=RUN_LIMITS, limits=PAPER, authors=AUTHORS)
    assert_decided(report, content)
    assert not any(word in check.message for check in report.checks for word in LIMIT_WORDS)


@pytest.mark.parametrize("name", list(ZIP_CORPUS))
def test_every_hostile_archive_gets_a_report_from_the_sandboxed_supplementary_check(name: str) -> None:
    content = ZIP_CORPUS[name]
    report = run_check(
        check_supplementary, content, run_limits=RUN_LIMITS, filename="artifact.zip", limits=SUPPLEMENTARY
    )
    assert_decided(report, content)
    if name in ZIP_REFUSED:
        assert not report.accepted
        assert any(ZIP_REFUSED[name] in error.message for error in report.errors), report.errors


@pytest.mark.parametrize("name", ["html-prefix", "zip-then-pdf", "pdf-then-zip", "random-bytes", "zero-bytes"])
def test_polyglots_sent_as_supplementary_material_get_a_report(name: str) -> None:
    content = PDF_CORPUS[name]
    for filename in ("material.pdf", "material.zip", "material.html"):
        report = run_check(check_supplementary, content, run_limits=RUN_LIMITS, filename=filename, limits=SUPPLEMENTARY)
        assert_decided(report, content)


def test_a_check_that_cannot_finish_is_stopped_by_the_sandbox_with_a_message() -> None:
    """The limits are real: a one-second budget on a check made to spin forever ends in a
    rejected report that says why (so the corpus above would be stopped the same way)."""
    report = run_check(_spin, b"%PDF-1.7", run_limits=CheckLimits(seconds=1, memory_mb=64))
    assert not report.accepted
    assert any(word in report.errors[0].message for word in LIMIT_WORDS)
    assert multiprocessing.active_children() == []


def _spin(content: bytes) -> PdfReport:
    while True:
        pass


# --- Mutations of a valid PDF ------------------------------------------------------------------

VALID = make_pdf(2)
HANDWRITTEN = simple_pdf()


@st.composite
def mutated_pdfs(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from([VALID, HANDWRITTEN])))
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        action = draw(st.sampled_from(["flip", "set", "cut", "delete", "insert", "duplicate"]))
        if not data:
            break
        at = draw(st.integers(min_value=0, max_value=len(data) - 1))
        if action == "flip":
            data[at] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif action == "set":
            data[at] = draw(st.sampled_from(b"0123456789<>[]()/ \n%RobjR-."))
        elif action == "cut":
            del data[at:]
        elif action == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=64))]
        elif action == "insert":
            data[at:at] = draw(
                st.sampled_from([b" 0 R", b"<<", b">>", b"[", b"]", b"/Count 99999999", b"endobj", b"\x00", b"9" * 30])
            )
        else:
            length = draw(st.integers(min_value=1, max_value=200))
            data[at:at] = data[at : at + length]
    if draw(st.booleans()) and b"%%EOF" not in data[-2048:]:
        data += b"\n%%EOF\n"  # past the cheap "incomplete" check, into pypdf
    return bytes(data)


@settings(max_examples=150)
@given(content=mutated_pdfs())
def test_a_mutated_pdf_never_breaks_the_paper_check(content: bytes) -> None:
    """In-process first (so a crash shows its traceback), bounded by the small files."""
    report = check_pdf(content, limits=PAPER, authors=AUTHORS)
    assert isinstance(report, PdfReport)
    assert report.checks
    assert report.accepted or report.errors


@settings(max_examples=25)
@given(content=mutated_pdfs())
def test_a_mutated_pdf_gets_a_report_through_the_sandbox(content: bytes) -> None:
    report = run_check(check_pdf, content, run_limits=RUN_LIMITS, limits=PAPER, authors=AUTHORS)
    assert_decided(report, content)

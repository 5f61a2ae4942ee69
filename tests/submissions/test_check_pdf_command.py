"""``manage.py check_pdf FILE [--edition SLUG] [--author "Name <email>"]``: JSON out, exit 1
when the upload would be rejected."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from conferences.models import Edition
from tests.factories.conferences import EditionFactory
from tests.submissions import corpus


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def check(path: Path, *args: str) -> tuple[int, dict[str, Any]]:
    """Run the command; returns (exit status, parsed JSON)."""
    out = StringIO()
    try:
        call_command("check_pdf", str(path), *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


def codes(data: dict[str, Any], status: str) -> list[str]:
    return [c["code"] for c in data["checks"] if c["status"] == status]


def test_a_good_pdf_exits_0_with_its_report(tmp_path: Path) -> None:
    content = corpus.weasyprint_pdf()
    code, data = check(write(tmp_path, "paper.pdf", content))
    assert code == 0
    assert data["accepted"] is True
    assert data["page_count"] == 2
    assert data["size"] == len(content)
    assert len(data["sha256"]) == 64
    assert codes(data, "error") == []
    assert codes(data, "warning") == []


def test_warnings_still_exit_0(tmp_path: Path) -> None:
    code, data = check(write(tmp_path, "paper.pdf", corpus.reportlab_pdf()))
    assert code == 0
    assert codes(data, "warning") == ["fonts_embedded"]


@pytest.mark.parametrize(
    ("content", "error"),
    [
        pytest.param(b"", "not_empty", id="zero-bytes"),
        pytest.param(corpus.PNG_BYTES, "is_pdf", id="png-renamed"),
        pytest.param(corpus.make_zip(corpus.GOOD_ZIP_MEMBERS), "is_pdf", id="zip-renamed"),
        pytest.param(corpus.truncated(corpus.reportlab_pdf(pages=2)), "is_pdf", id="truncated"),
        pytest.param(corpus.garbage_after_header(), "readable", id="garbage"),
        pytest.param(corpus.pypdf_blank(1, password="pw"), "not_encrypted", id="encrypted"),
        pytest.param(corpus.pypdf_blank(11), "page_count", id="eleven-pages"),
        pytest.param(corpus.reportlab_pdf(pagesize=corpus.A5_SIZE), "paper_size", id="a5"),
    ],
)
def test_rejected_pdfs_exit_1_naming_the_failed_check(tmp_path: Path, content: bytes, error: str) -> None:
    code, data = check(write(tmp_path, "paper.pdf", content))
    assert code == 1
    assert data["accepted"] is False
    assert codes(data, "error") == [error]


def test_authors_are_looked_for(tmp_path: Path) -> None:
    content = corpus.reportlab_pdf(first_page_text=["Ada Lovelace"], author="grace@navy.example.mil")
    path = write(tmp_path, "paper.pdf", content)
    code, data = check(
        path, "--author", "Ada Lovelace <ada@example.edu>", "--author", "Grace H <grace@navy.example.mil>"
    )
    assert code == 0
    assert codes(data, "warning") == ["fonts_embedded", "anonymous_metadata", "anonymous_first_page"]
    messages = {c["code"]: c["message"] for c in data["checks"]}
    assert "grace@navy.example.mil" in messages["anonymous_metadata"]
    assert "Ada Lovelace" in messages["anonymous_first_page"]


def test_an_author_without_an_address_is_looked_for_by_name(tmp_path: Path) -> None:
    path = write(tmp_path, "paper.pdf", corpus.reportlab_pdf(first_page_text=["Ada Lovelace"]))
    _, data = check(path, "--author", "Ada Lovelace")
    assert "anonymous_first_page" in codes(data, "warning")


@pytest.mark.django_db
def test_the_edition_sets_the_limits(tmp_path: Path) -> None:
    EditionFactory(slug="tiny2027", page_limit=2, max_pdf_mb=1)
    path = write(tmp_path, "paper.pdf", corpus.pypdf_blank(3))
    assert check(path)[0] == 0  # the default limit is 10 pages
    code, data = check(path, "--edition", "tiny2027")
    assert code == 1
    [error] = [c for c in data["checks"] if c["status"] == "error"]
    assert error["message"] == "The PDF has 3 pages; the limit is 2."


@pytest.mark.django_db
def test_oversize_for_the_edition(tmp_path: Path) -> None:
    EditionFactory(slug="tiny2027", max_pdf_mb=1)
    path = write(tmp_path, "paper.pdf", b"%PDF-1.4\n" + bytes(1024 * 1024) + b"%%EOF")
    code, data = check(path, "--edition", "tiny2027")
    assert code == 1
    assert codes(data, "error") == ["file_size"]


@pytest.mark.django_db
def test_an_unknown_edition_is_an_error(tmp_path: Path) -> None:
    assert not Edition.objects.filter(slug="nope").exists()
    with pytest.raises(CommandError, match="No edition with the slug 'nope'"):
        call_command("check_pdf", str(write(tmp_path, "p.pdf", corpus.pypdf_blank())), "--edition", "nope")


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("check_pdf", str(tmp_path / "missing.pdf"), stdout=StringIO())


def test_output_is_json_even_for_a_non_pdf(tmp_path: Path) -> None:
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("check_pdf", str(write(tmp_path, "x.pdf", b"hello")), stdout=out)
    assert exit_.value.code == 1
    data = json.loads(out.getvalue())
    assert data["checks"][-1] == {"code": "is_pdf", "status": "error", "message": "This is not a PDF."}


# --- The corpus of undecidable and hostile files: a message, JSON, exit 1, never a traceback --

RANDOM_BYTES = random.Random(7).randbytes(4096)
ENCRYPTED = [
    pytest.param(algorithm, password, id=f"{algorithm}-{'user-password' if password else 'owner-only'}")
    for algorithm in ("RC4-40", "RC4-128", "AES-128", "AES-256")
    for password in ("", "secret")
]
UNDECIDABLE = [
    pytest.param(corpus.garbage_after_header(), "readable", id="broken"),
    pytest.param(corpus.truncated(corpus.weasyprint_pdf()), "is_pdf", id="truncated"),
    pytest.param(b"", "not_empty", id="zero-bytes"),
    pytest.param(corpus.PNG_BYTES, "is_pdf", id="png"),
    pytest.param(corpus.make_zip(corpus.GOOD_ZIP_MEMBERS), "is_pdf", id="zip"),
    pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script></html>", "is_pdf", id="html"),
    pytest.param(RANDOM_BYTES, "is_pdf", id="random-bytes"),
    pytest.param(corpus.deeply_nested_pdf(), "readable", id="deeply-nested"),
]


@pytest.mark.parametrize(("algorithm", "password"), ENCRYPTED)
def test_encrypted_pdfs_are_reported_as_encrypted(tmp_path: Path, algorithm: str, password: str) -> None:
    code, data = check(write(tmp_path, "paper.pdf", corpus.encrypted_pdf(algorithm, user_password=password)))
    assert code == 1
    assert data["content_type"] is None
    [error] = [c for c in data["checks"] if c["status"] == "error"]
    assert error["code"] == "not_encrypted"
    assert "encrypted" in error["message"]


@pytest.mark.parametrize(("content", "error"), UNDECIDABLE)
def test_undecidable_files_are_rejected_with_a_message(tmp_path: Path, content: bytes, error: str) -> None:
    code, data = check(write(tmp_path, "paper.pdf", content))
    assert code == 1
    assert data["accepted"] is False
    assert data["content_type"] is None
    assert codes(data, "error") == [error]


def test_an_accepted_pdf_is_proven_a_pdf(tmp_path: Path) -> None:
    assert check(write(tmp_path, "paper.pdf", corpus.handwritten_pdf()))[1]["content_type"] == "application/pdf"


def manage_py(*args: str) -> subprocess.CompletedProcess[str]:
    """``manage.py`` as an operator runs it, in a process of its own."""
    return subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("content", "error"),
    [
        pytest.param(corpus.encrypted_pdf("AES-256"), "not_encrypted", id="aes-owner-only"),
        pytest.param(corpus.deeply_nested_pdf(), "readable", id="deeply-nested"),
        pytest.param(RANDOM_BYTES, "is_pdf", id="random-bytes"),
    ],
)
def test_manage_py_check_pdf_prints_json_and_exits_1(tmp_path: Path, content: bytes, error: str) -> None:
    run = manage_py("check_pdf", str(write(tmp_path, "paper.pdf", content)))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert codes(json.loads(run.stdout), "error") == [error]


@pytest.mark.parametrize("path", ["a-directory", "missing.pdf"])
def test_manage_py_check_pdf_on_an_unreadable_path_says_so_without_a_traceback(tmp_path: Path, path: str) -> None:
    (tmp_path / "a-directory").mkdir()
    run = manage_py("check_pdf", str(tmp_path / path))
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert f"Cannot read {tmp_path / path}" in run.stderr
    assert run.stdout == ""

"""Migration 0006 gives the files stored before issue 7 their proven type: from their bytes,
or from their stored extension when the bytes are gone; otherwise none (served as bytes)."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile

from submissions.models import FileKind, Submission, SubmissionFile
from tests.submissions import corpus

pytestmark = pytest.mark.django_db

migration = importlib.import_module("submissions.migrations.0006_submissionfile_proven_type")


def stored(submission: Submission, stored_name: str, content: bytes | None) -> SubmissionFile:
    """A row as the old code stored it: under the uploader's extension, with no type."""
    version = SubmissionFile.objects.create(
        submission=submission, kind=FileKind.SUPPLEMENTARY, original_name=stored_name, sha256="0" * 64, size=1
    )
    if content is None:
        SubmissionFile.objects.filter(pk=version.pk).update(file=f"submissions/gone/{stored_name}")
    else:
        name = version.file.storage.save(f"submissions/old/{stored_name}", ContentFile(content))
        SubmissionFile.objects.filter(pk=version.pk).update(file=name)
    return version


@pytest.mark.parametrize(
    ("stored_name", "content", "proven"),
    [
        pytest.param("x.html", corpus.zip_of_html(corpus.SCRIPT_PAYLOAD), "application/zip", id="zip-named-html"),
        pytest.param("paper.svg", corpus.pdf_with_trailer(corpus.SVG_PAYLOAD), "application/pdf", id="pdf-named-svg"),
        pytest.param("paper.PDF", None, "application/pdf", id="gone-named-pdf"),
        pytest.param("artifact.zip", None, "application/zip", id="gone-named-zip"),
        pytest.param("x.html", None, "", id="gone-named-html"),
    ],
)
def test_existing_files_get_their_proven_type(
    submission: Submission, stored_name: str, content: bytes | None, proven: str
) -> None:
    version = stored(submission, stored_name, content)
    migration.fill_proven_types(apps, None)
    version.refresh_from_db()
    assert version.content_type == proven


def test_rejected_rows_have_no_file_and_stay_untyped(submission: Submission, author: Any) -> None:
    rejected = SubmissionFile.objects.create(
        submission=submission, kind=FileKind.PAPER, original_name="p.html", sha256="1" * 64, size=1
    )
    migration.fill_proven_types(apps, None)
    rejected.refresh_from_db()
    assert rejected.content_type == ""

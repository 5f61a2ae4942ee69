"""The copy of a PDF that reviewers get: the same pages without the metadata that may name
the authors (double-blind in files). Chairs and authors keep getting the original.

The document information dictionary (Author, Title, Creator, Producer, ... all of it) and
every XMP metadata stream (the catalog's and any page's) are dropped, and the file is written
anew, so no earlier revision of them survives in the bytes. The name the copy is served under
is built from the paper's number (:func:`submissions.serving.reviewer_download_name`), never
the uploaded file's.

The copy is made once per file version, lazily on its first download by a reviewer, and kept
in storage next to the original as ``<sha256 of the original>-anon.pdf``. Lazily, because the
upload path stays as fast as it is under a deadline rush (most versions are replaced before
anyone reviews them), and because files stored before this existed, or restored from a
backup, get their copy without a back-fill. Stripping parses a file an author sent, so it runs
in the upload checks' sandbox (:func:`submissions.sandbox.run_limited`); if it fails, the
caller serves nothing to the reviewer, never the original.
"""

from __future__ import annotations

import io
import logging
import posixpath

from django.core.files.base import ContentFile
from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject

from submissions.models import ProvenType, SubmissionFile
from submissions.sandbox import CheckAborted, run_limited

log = logging.getLogger(__name__)

SUFFIX = "-anon.pdf"
# Page-level entries that can carry an application's private data, author names included.
_PAGE_METADATA = (NameObject("/Metadata"), NameObject("/PieceInfo"))


class ReviewerCopyUnavailable(Exception):
    """No reviewer's copy of this file can be served; ``str()`` says why, for the log."""


def strip_metadata(content: bytes) -> bytes:
    """``content`` rewritten with the same pages and no info dictionary or XMP metadata.
    Runs in the sandbox's child; raises on a PDF pypdf can't read or write."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    writer.metadata = None  # no /Info in the trailer at all
    writer.xmp_metadata = None  # no /Metadata in the catalog
    for page in writer.pages:
        for key in _PAGE_METADATA:
            if key in page:
                del page[key]
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def reviewer_copy_name(file: SubmissionFile) -> str:
    """Where the copy of ``file`` is kept: in the original's folder, named by its hash."""
    return posixpath.join(posixpath.dirname(file.file.name), f"{file.sha256}{SUFFIX}")


def reviewer_copy(file: SubmissionFile) -> str:
    """The storage name of the reviewer's copy of the PDF ``file``, made now if it isn't yet;
    raises :class:`ReviewerCopyUnavailable` (and logs why) when it can't be made."""
    if file.proven_type is not ProvenType.PDF or not file.file:
        raise ReviewerCopyUnavailable("not a stored PDF")
    storage = file.file.storage
    name = reviewer_copy_name(file)
    if storage.exists(name):
        return name
    try:
        with file.file.open("rb") as original:
            content = original.read()
        stripped = run_limited(strip_metadata, content)
    except (OSError, CheckAborted) as error:
        log.error("no reviewer's copy of file %s (%s): %s", file.pk, file.sha256[:12], error)
        raise ReviewerCopyUnavailable(str(error)) from error
    saved = storage.save(name, ContentFile(stripped))
    if saved != name:  # another request made it meanwhile: keep theirs
        storage.delete(saved)
    log.info("made the reviewer's copy of file %s (%s)", file.pk, file.sha256[:12])
    return name

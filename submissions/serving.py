"""How a stored upload goes back to a browser, for every route that serves its bytes.

Only as the type the checks proved (never a type guessed from a name), under a name we build,
inline only for a PDF, and with headers that keep anything in the bytes from running in our
origin: no MIME sniffing, a Content-Security-Policy that allows nothing (``sandbox`` without
``allow-scripts``; Chromium's PDF viewer still opens the PDF) and no cross-origin reads.
Site-wide CSP middleware (django-csp) leaves a response's own policy in place.
"""

from __future__ import annotations

from django.http import FileResponse

from submissions.models import FileKind, ProvenType, SubmissionFile

FILE_CSP = "default-src 'none'; sandbox"
UNPROVEN_TYPE = "application/octet-stream"


def download_name(file: SubmissionFile) -> str:
    """E.g. ``mlsys2027-paper17-1a2b3c4d.pdf``; never the uploader's name."""
    proven = file.proven_type
    part = "" if file.kind == FileKind.PAPER else f"-{file.kind}"
    extension = proven.extension if proven else "bin"
    return f"{file.submission.edition.slug}-paper{file.submission.number}{part}-{file.sha256[:8]}.{extension}"


def reviewer_download_name(file: SubmissionFile) -> str:
    """E.g. ``mlsys2027-paper-17.pdf``, ``mlsys2027-paper-17-supplementary.zip``: what a
    reviewer saves, with nothing of the authors or of the version in it."""
    proven = file.proven_type
    part = "" if file.kind == FileKind.PAPER else f"-{file.kind}"
    extension = proven.extension if proven else "bin"
    return f"{file.submission.edition.slug}-paper-{file.submission.number}{part}.{extension}"


def file_response(file: SubmissionFile, *, filename: str | None = None, stored_name: str | None = None) -> FileResponse:
    """Serve ``file`` under ``filename`` (by default :func:`download_name`); the bytes stored
    as ``stored_name`` in the file's storage instead of its own when given (the reviewer's
    copy, :mod:`submissions.reviewer_copy`)."""
    proven = file.proven_type
    response = FileResponse(
        file.file.storage.open(stored_name, "rb") if stored_name else file.file.open("rb"),
        as_attachment=proven is not ProvenType.PDF,
        filename=filename or download_name(file),
        content_type=proven.value if proven else UNPROVEN_TYPE,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response

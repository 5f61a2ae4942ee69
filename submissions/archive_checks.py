"""Checks of supplementary material: a PDF, or a ZIP archive that is safe to open.

A ZIP is read from its central directory only; nothing is extracted. Refused: archives that
expand beyond the limit or by an absurd ratio (zip bombs), names that escape the folder (path
traversal), symbolic links (unpacked, they reach outside it too), encrypted members, and too
many files. An accepted archive is proven to be
:data:`ZIP_TYPE`; the uploader's file name never decides how it is stored or served.
"""

from __future__ import annotations

import hashlib
import io
import logging
import stat
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from submissions.pdf_checks import Limits, PdfReport, Status, check_pdf

log = logging.getLogger(__name__)

MAX_MEMBERS = 5_000
MAX_RATIO = 200  # uncompressed / compressed, per member
MAX_EXPANDED_FACTOR = 10  # the whole archive may expand to 10x the upload limit
ZIP_TYPE = "application/zip"


@dataclass(frozen=True)
class SupplementaryLimits:
    max_bytes: int = 50 * 1024 * 1024
    max_pdf_pages: int = 200


def check_supplementary(content: bytes, filename: str, *, limits: SupplementaryLimits) -> PdfReport:
    if content.startswith(b"PK"):
        return check_zip(content, limits=limits)
    if filename.lower().endswith(".pdf") or b"%PDF-" in content[:1024]:
        return check_pdf(content, limits=Limits(max_pages=limits.max_pdf_pages, max_bytes=limits.max_bytes))
    report = _new_report(content)
    report.add("supplementary_type", Status.ERROR, "Supplementary material must be a PDF or a ZIP archive.")
    return report


def _new_report(content: bytes) -> PdfReport:
    return PdfReport(sha256=hashlib.sha256(content).hexdigest(), size=len(content))


def check_zip(content: bytes, *, limits: SupplementaryLimits) -> PdfReport:
    report = _new_report(content)
    if len(content) > limits.max_bytes:
        report.add("file_size", Status.ERROR, f"The archive is larger than the {limits.max_bytes // 2**20} MB limit.")
        return report
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except MemoryError:
        raise
    except Exception as error:  # whatever zipfile raises, the archive cannot be decided: rejected
        log.warning("unreadable ZIP %s: %r", report.sha256[:12], error)
        report.add("zip_readable", Status.ERROR, "The ZIP archive is damaged and cannot be read.")
        return report
    problems = list(_zip_problems(members, limits))
    for problem in problems:
        report.add("zip_safe", Status.ERROR, problem)
    if not problems:
        expanded = sum(m.file_size for m in members)
        report.add("zip_safe", Status.OK, f"A ZIP archive of {len(members)} files ({expanded // 1024} KB unpacked).")
    return report.prove(ZIP_TYPE)


def _zip_problems(members: list[zipfile.ZipInfo], limits: SupplementaryLimits) -> list[str]:
    problems = []
    if len(members) > MAX_MEMBERS:
        problems.append(f"The archive holds {len(members)} files; at most {MAX_MEMBERS} are allowed.")
    unsafe = [m.filename for m in members if _escapes(m.filename)]
    if unsafe:
        problems.append(f"The archive has file names that point outside it: {', '.join(unsafe[:3])}.")
    links = [m.filename for m in members if _is_symlink(m)]
    if links:
        problems.append(
            f"The archive has symbolic links: {', '.join(links[:3])}; replace them with the files they point to."
        )
    if any(m.flag_bits & 0x1 for m in members):
        problems.append("The archive has encrypted files; upload it without a password.")
    expanded = sum(m.file_size for m in members)
    bomb = [m.filename for m in members if m.compress_size and m.file_size / m.compress_size > MAX_RATIO]
    if expanded > limits.max_bytes * MAX_EXPANDED_FACTOR or bomb:
        problems.append("The archive expands to an unreasonable size (a zip bomb?); upload the files uncompressed.")
    return problems


def _is_symlink(member: zipfile.ZipInfo) -> bool:
    """A Unix symbolic link (the file type in the high bits of the external attributes)."""
    return stat.S_ISLNK(member.external_attr >> 16)


def _escapes(name: str) -> bool:
    path = PurePosixPath(name.replace("\\", "/"))
    return path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":")

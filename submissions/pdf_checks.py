"""Checks of an uploaded paper PDF, in plain words (pypdf; no Django).

Errors reject the upload (the previous version stays current); warnings are shown to the
author and can be filtered on by the chairs. ``manage.py check_pdf`` runs the same checks.
An accepted report carries the type the bytes were proven to be (:data:`PDF_TYPE`): files
are stored and served as that type, whatever the uploader named them. Every PDF the checks
cannot decide (encrypted, or anything that makes pypdf fail) is rejected with a message.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError
from pypdf.generic import DictionaryObject, IndirectObject

log = logging.getLogger(__name__)

# Points (1/72 inch), portrait; landscape pages are accepted too.
PAPER_SIZES = {"US Letter": (612.0, 792.0), "A4": (595.28, 841.89)}
SIZE_TOLERANCE = 3.0  # points
PDF_TYPE = "application/pdf"
HEADER_WINDOW = 1024  # the PDF header may follow up to 1 KB of junk
ANONYMITY_TEXT_MAX = 1_000_000  # characters of metadata, XMP or first page searched for names
MAGIC = {
    b"PK\x03\x04": "a ZIP archive (perhaps a Word or LaTeX project file)",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"\xd0\xcf\x11\xe0": "an old Microsoft Office document",
    b"{\\rtf": "an RTF document",
    b"%!PS": "a PostScript file",
    b"<!DOCTYPE": "a web page",
    b"<html": "a web page",
}


class Status(StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class Check:
    code: str
    status: Status
    message: str


@dataclass(frozen=True)
class Limits:
    max_pages: int = 10
    max_bytes: int = 20 * 1024 * 1024


@dataclass(frozen=True)
class AuthorIdentity:
    """What would break anonymity if it appeared in the PDF."""

    name: str
    email: str


@dataclass
class PdfReport:
    sha256: str
    size: int
    page_count: int | None = None
    checks: list[Check] = field(default_factory=list)
    content_type: str | None = None  # what the bytes were proven to be; None when rejected

    @property
    def accepted(self) -> bool:
        return not any(c.status is Status.ERROR for c in self.checks)

    @property
    def warnings(self) -> list[Check]:
        return [c for c in self.checks if c.status is Status.WARNING]

    @property
    def errors(self) -> list[Check]:
        return [c for c in self.checks if c.status is Status.ERROR]

    def as_dict(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "sha256": self.sha256,
            "size": self.size,
            "page_count": self.page_count,
            "content_type": self.content_type,
            "checks": [{**asdict(c), "status": c.status.value} for c in self.checks],
        }

    def add(self, code: str, status: Status, message: str) -> None:
        self.checks.append(Check(code, status, message))

    def prove(self, content_type: str) -> PdfReport:
        """Record ``content_type`` as proven if every check passed; a rejected file has none."""
        self.content_type = content_type if self.accepted else None
        return self


ENCRYPTED = "The PDF is encrypted or password-protected; save it without protection."
DAMAGED = "The PDF is damaged and cannot be read; export it again from your editor."


def check_pdf(content: bytes, *, limits: Limits, authors: Iterable[AuthorIdentity] = ()) -> PdfReport:
    """Run every check on ``content``; never raises on bad input (only MemoryError, which
    the caller's memory limit turns into a message of its own)."""
    report = PdfReport(sha256=hashlib.sha256(content).hexdigest(), size=len(content))
    if not _check_bytes(report, content, limits):
        return report
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            report.add("not_encrypted", Status.ERROR, ENCRYPTED)
            return report
        report.add("not_encrypted", Status.OK, "Not encrypted.")
        report.page_count = len(reader.pages)
        _check_pages(report, reader, limits)
        if report.page_count:
            _check_paper_size(report, reader)
            _check_fonts(report, reader)
            _check_anonymity(report, reader, list(authors))
    except MemoryError:
        raise
    except Exception as error:  # whatever pypdf raises, the file cannot be decided: rejected
        _reject_unreadable(report, content, error)
    return report.prove(PDF_TYPE)


def _reject_unreadable(report: PdfReport, content: bytes, error: Exception) -> None:
    log.warning("unreadable PDF %s: %r", report.sha256[:12], error)
    report.checks = [c for c in report.checks if c.code in {"not_empty", "file_size", "is_pdf"}]
    report.page_count = None
    if b"/Encrypt" in content:  # e.g. a security handler pypdf does not know
        report.add("not_encrypted", Status.ERROR, ENCRYPTED)
    else:
        report.add("readable", Status.ERROR, DAMAGED)


def _check_bytes(report: PdfReport, content: bytes, limits: Limits) -> bool:
    if not content:
        report.add("not_empty", Status.ERROR, "The file is empty (0 bytes).")
        return False
    report.add("not_empty", Status.OK, "Not empty.")
    if len(content) > limits.max_bytes:
        report.add(
            "file_size",
            Status.ERROR,
            f"The file is {_mb(len(content))}; the limit is {_mb(limits.max_bytes)}.",
        )
        return False
    report.add("file_size", Status.OK, f"{_mb(len(content))}, within the {_mb(limits.max_bytes)} limit.")
    if b"%PDF-" not in content[:HEADER_WINDOW]:
        kind = next(
            (what for magic, what in MAGIC.items() if content.lstrip()[: len(magic)].lower() == magic.lower()), None
        )
        report.add("is_pdf", Status.ERROR, f"This is not a PDF{f'; it looks like {kind}' if kind else ''}.")
        return False
    if b"%%EOF" not in content[-2048:]:
        report.add("is_pdf", Status.ERROR, "The PDF is incomplete (it has no end); the upload or export was cut short.")
        return False
    report.add("is_pdf", Status.OK, "A PDF file.")
    return True


def _check_pages(report: PdfReport, reader: PdfReader, limits: Limits) -> None:
    count = report.page_count or 0
    if count == 0:
        report.add("page_count", Status.ERROR, "The PDF has no pages.")
    elif count > limits.max_pages:
        report.add("page_count", Status.ERROR, f"The PDF has {count} pages; the limit is {limits.max_pages}.")
    else:
        report.add(
            "page_count", Status.OK, f"{count} page{'s' if count != 1 else ''}, within the limit of {limits.max_pages}."
        )


def _check_paper_size(report: PdfReport, reader: PdfReader) -> None:
    wrong: list[str] = []
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        width, height = sorted((abs(float(box.width)), abs(float(box.height))))
        if not any(_close(width, w) and _close(height, h) for w, h in PAPER_SIZES.values()):
            wrong.append(f"page {number} is {width / 72 * 25.4:.0f} by {height / 72 * 25.4:.0f} mm")
    if wrong:
        shown = "; ".join(wrong[:3]) + (f" (and {len(wrong) - 3} more)" if len(wrong) > 3 else "")
        report.add("paper_size", Status.ERROR, f"Pages must be US Letter or A4: {shown}.")
    else:
        report.add("paper_size", Status.OK, "US Letter or A4 pages.")


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= SIZE_TOLERANCE


def _check_fonts(report: PdfReport, reader: PdfReader) -> None:
    missing = sorted({name for page in reader.pages for name in _unembedded_fonts(page.get("/Resources"), depth=0)})
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        report.add(
            "fonts_embedded",
            Status.WARNING,
            f"Some fonts are not embedded ({shown}); the PDF may look different elsewhere. "
            "Embed all fonts when exporting.",
        )
    else:
        report.add("fonts_embedded", Status.OK, "All fonts are embedded.")


def _resolve(obj: Any) -> Any:
    return obj.get_object() if isinstance(obj, IndirectObject) else obj


def _unembedded_fonts(resources: Any, depth: int) -> Iterator[str]:
    resources = _resolve(resources)
    if not isinstance(resources, DictionaryObject) or depth > 4:
        return
    fonts = _resolve(resources.get("/Font"))
    if isinstance(fonts, DictionaryObject):
        for font_ref in fonts.values():
            font = _resolve(font_ref)
            if isinstance(font, DictionaryObject) and not _is_embedded(font):
                yield str(font.get("/BaseFont", "unnamed font")).lstrip("/")
    xobjects = _resolve(resources.get("/XObject"))
    if isinstance(xobjects, DictionaryObject):
        for xobject_ref in xobjects.values():
            xobject = _resolve(xobject_ref)
            if isinstance(xobject, DictionaryObject) and xobject.get("/Subtype") == "/Form":
                yield from _unembedded_fonts(xobject.get("/Resources"), depth + 1)


def _is_embedded(font: DictionaryObject) -> bool:
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return True  # glyphs are drawn by the PDF itself
    if subtype == "/Type0":
        descendants = _resolve(font.get("/DescendantFonts"))
        if not descendants:
            return False
        font = _resolve(descendants[0])
    descriptor = _resolve(font.get("/FontDescriptor"))
    return isinstance(descriptor, DictionaryObject) and any(
        key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
    )


def _check_anonymity(report: PdfReport, reader: PdfReader, authors: list[AuthorIdentity]) -> None:
    if not authors:
        return
    # Bounded: a crafted PDF can inflate its metadata or text to many megabytes.
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())[:ANONYMITY_TEXT_MAX]
    xmp = _xmp_text(reader)
    first_page = (reader.pages[0].extract_text() or "")[:ANONYMITY_TEXT_MAX]
    for place, text in (("metadata", f"{metadata} {xmp}"), ("first page", first_page)):
        found = sorted(_identities_in(text, authors))
        code = "anonymous_metadata" if place == "metadata" else "anonymous_first_page"
        if found:
            report.add(
                code,
                Status.WARNING,
                f"Reviewing is double-blind, but the PDF's {place} mentions {', '.join(found)}. "
                "Remove it before the deadline.",
            )
        else:
            report.add(code, Status.OK, f"No author names or e-mail addresses in the {place}.")


def _xmp_text(reader: PdfReader) -> str:
    try:
        root = _resolve(reader.trailer["/Root"])
        stream = _resolve(root.get("/Metadata"))
        return stream.get_data()[:ANONYMITY_TEXT_MAX].decode("utf-8", "ignore") if stream is not None else ""
    except (KeyError, AttributeError, PdfReadError, PyPdfError):
        return ""


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).casefold()


def _identities_in(text: str, authors: list[AuthorIdentity]) -> Iterator[str]:
    haystack = _normalise(text)
    for author in authors:
        name = _normalise(author.name).strip()
        if len(name) >= 4 and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", haystack):
            yield author.name
        elif author.email and author.email.casefold() in haystack:
            yield author.email


def _mb(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 100 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"

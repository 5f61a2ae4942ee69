"""A small corpus of PDFs and archives from different producers, good and broken, built in
memory so the checks are tested against what real tools write:

- WeasyPrint (the demo's paper generator): embeds its fonts;
- reportlab: base-14 Helvetica, never embedded; any page size;
- pypdf: blank pages, encryption, document metadata;
- a PDF written by hand, byte by byte, with its cross-reference table;
- broken files: truncated, renamed images and archives, garbage after the header.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Iterable

from pypdf import PdfWriter
from reportlab.lib.pagesizes import A4, A5, letter
from reportlab.pdfgen import canvas

LETTER = letter
A4_SIZE = A4
A5_SIZE = A5


@functools.cache
def weasyprint_pdf(title: str = "Fast Sparse Attention Kernels", pages_of_text: int = 1) -> bytes:
    """WeasyPrint's output (cached: rendering takes a moment)."""
    from site_pages.demo import make_paper_pdf

    return make_paper_pdf(title, "We make attention fast on sparse hardware.", pages_of_text)


def reportlab_pdf(
    *,
    pagesize: tuple[float, float] = LETTER,
    pages: int = 1,
    first_page_text: Iterable[str] = ("Anonymous submission",),
    author: str | None = None,
    title: str | None = None,
) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=pagesize)
    if author is not None:
        pdf.setAuthor(author)
    if title is not None:
        pdf.setTitle(title)
    for page in range(pages):
        lines = list(first_page_text) if page == 0 else [f"Page {page + 1}"]
        for number, line in enumerate(lines):
            pdf.drawString(72, pagesize[1] - 72 - 14 * number, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def pypdf_blank(
    pages: int = 1,
    *,
    width: float = 612,
    height: float = 792,
    metadata: dict[str, str] | None = None,
    password: str | None = None,
) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=width, height=height)
    if metadata:
        writer.add_metadata(metadata)
    if password is not None:
        writer.encrypt(user_password=password, owner_password="owner-" + password)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def handwritten_pdf(text: str = "Hello", *, page_entries: bytes = b"") -> bytes:
    """One US-letter page with one line of text in (unembedded) Times, written by hand;
    ``page_entries`` go into the page dictionary as they are."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] %s "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>" % page_entries,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# --- Broken files ---------------------------------------------------------------------------

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00" + b"\x00" * 64


def truncated(content: bytes) -> bytes:
    return content[: len(content) // 2]


def garbage_after_header() -> bytes:
    return b"%PDF-1.7\n" + b"this is not a PDF body at all " * 100 + b"\n%%EOF\n"


# --- Archives -------------------------------------------------------------------------------


def make_zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return buffer.getvalue()


def zip_bomb(megabytes: int = 50) -> bytes:
    """One member of ``megabytes`` MB of zeros: about a thousand times smaller once deflated."""
    return make_zip({"data.bin": bytes(megabytes * 1024 * 1024)})


def zip_with_encrypted_member() -> bytes:
    """A member whose headers say it is encrypted (general purpose flag bit 0). ``zipfile``
    cannot write encrypted members and clears the flag, so the bit is set in the bytes: in
    the local header (offset 6) and in the central directory entry (offset 8)."""
    content = bytearray(make_zip({"secret.txt": b"scrambled bytes"}))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = content.index(signature) + offset
        content[at] |= 0x1
    return bytes(content)


GOOD_ZIP_MEMBERS = {"README.md": b"# Artifact\nRun make.\n", "code/train.py": b"print('hello')\n" * 20}


# --- Encrypted and pathological PDFs (check_pdf must reject each with a message) -----------


def encrypted_pdf(algorithm: str, *, user_password: str = "") -> bytes:
    """A blank page encrypted with ``algorithm`` (pypdf's names: RC4-40, RC4-128, AES-128,
    AES-256); an empty user password opens without asking, as "owner-only" protection does."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def deeply_nested_pdf(depth: int = 50_000) -> bytes:
    """A page whose resources are ``depth`` arrays nested in each other: a recursive reader
    runs out of stack long before the end."""
    return handwritten_pdf(page_entries=b"/Nested " + b"[" * depth + b"]" * depth)


# --- Hostile uploads: bytes that pass the checks, named to run in the browser -------------

SCRIPT_PAYLOAD = b"<script>document.title = 'pwned'; fetch('/pwned/', {method: 'POST'});</script>"
SVG_PAYLOAD = b"<svg xmlns='http://www.w3.org/2000/svg' onload=\"fetch('/pwned/', {method: 'POST'})\"></svg>"


def pdf_with_trailer(trailer: bytes, pdf: bytes | None = None) -> bytes:
    """A real PDF with ``trailer`` after its %%EOF: PDF readers ignore it, a browser that
    takes the file for a web page runs it."""
    return (pdf if pdf is not None else pypdf_blank()) + b"\n" + trailer + b"\n"


def zip_of_html(html: bytes, name: str = "index.html") -> bytes:
    """A valid ZIP whose one member is stored uncompressed, so the markup is in the bytes."""
    return make_zip({name: b"<!DOCTYPE html><html><body>" + html + b"</body></html>"}, compression=zipfile.ZIP_STORED)

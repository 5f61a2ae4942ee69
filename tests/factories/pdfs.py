from __future__ import annotations

import io

from pypdf import PdfWriter


def make_pdf(pages: int = 1) -> bytes:
    """A small, real PDF of ``pages`` blank US-letter pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()

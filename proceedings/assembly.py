"""The full proceedings: the front matter, then every paper's final PDF in the order of the
table of contents, with a bookmark per paper under its session's. Each paper's pages are read
from its file (never the snapshot's count), and a paper whose PDF can't be read stops the build
with its number: proceedings without one of their papers would be wrong, not just incomplete."""

from __future__ import annotations

import io
from typing import IO, Any

from pypdf import PdfReader, PdfWriter

from proceedings.contents import (
    BuildProblem,
    Progress,
    final_pdfs,
    opened,
    page_counts,
    read_pdf,
    snapshot_of,
    toc_papers,
)
from proceedings.front_matter import length_hint, render_front_matter
from program.models import ProgramVersion


def assemble_proceedings(version: ProgramVersion, out: IO[bytes], progress: Progress) -> dict[int, int]:
    """Write the proceedings PDF to ``out``; returns each paper's first page (1-based). Steps:
    the front matter, each paper, and the saving that the caller does (``len(papers) + 2``)."""
    snapshot = snapshot_of(version)
    papers = toc_papers(snapshot)
    total = len(papers) + 2
    files = final_pdfs(version.edition_id, papers)
    counts = page_counts(files)
    front, pages = render_front_matter(snapshot, papers, counts, version.edition_id, length_hint(version))
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)), import_outline=False)
    writer.add_outline_item(title="Front matter", page_number=0)
    progress(1, total)
    session_items: dict[tuple[int | None, str], Any] = {}
    for done, paper in enumerate(papers, start=2):
        with opened(paper.number, files[paper.number]) as stream:
            reader = read_pdf(paper.number, stream)
            if len(reader.pages) != counts[paper.number]:
                raise BuildProblem(f"Paper #{paper.number}'s final PDF changed while the proceedings were built.")
            writer.append(reader, import_outline=False)
        first = pages[paper.number] - 1
        key = (paper.session_id, paper.session)
        if key not in session_items:
            session_items[key] = writer.add_outline_item(title=paper.session, page_number=first)
        writer.add_outline_item(title=paper.title, page_number=first, parent=session_items[key])
        progress(done, total)
    writer.page_mode = "/UseOutlines"
    writer.add_metadata({"/Title": f"Proceedings of {snapshot['edition']['name']}"})
    writer.write(out)
    return pages

"""The archive of final papers: a zip of every paper's final PDF, named ``<slug>-<number>.pdf``,
with ``metadata.json`` and ``metadata.csv`` (number, title, authors with affiliations and
ORCID, abstract, keywords, session, badges, file name, SHA-256, pages). Written to a stream
entry by entry, so no PDF is held whole in memory."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from typing import IO, Any

from proceedings.contents import Progress, TocPaper, final_pdfs, opened, read_pdf, snapshot_of, toc_papers
from program.models import ProgramVersion

CHUNK = 1 << 20
CSV_FIELDS = (
    "number",
    "title",
    "authors",
    "abstract",
    "keywords",
    "session",
    "badges",
    "file",
    "sha256",
    "pages",
)


def _entry(paper: TocPaper, name: str, digest: str, pages: int) -> dict[str, Any]:
    return {
        "number": paper.number,
        "title": paper.title,
        "authors": [{"name": a["name"], "affiliation": a["affiliation"], "orcid": a["orcid"]} for a in paper.authors],
        "abstract": paper.paper["abstract"],
        "keywords": list(paper.paper["keywords"]),
        "session": paper.session,
        "badges": list(paper.paper["badges"]),
        "file": name,
        "sha256": digest,
        "pages": pages,
    }


def _csv_row(entry: dict[str, Any]) -> dict[str, Any]:
    def author(a: dict[str, str]) -> str:
        text = a["name"] + (f" ({a['affiliation']})" if a["affiliation"] else "")
        return text + (f" [ORCID {a['orcid']}]" if a["orcid"] else "")

    return {
        **entry,
        "authors": "; ".join(author(a) for a in entry["authors"]),
        "keywords": "; ".join(entry["keywords"]),
        "badges": "; ".join(entry["badges"]),
    }


def metadata_csv(entries: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS)
    writer.writeheader()
    writer.writerows(_csv_row(entry) for entry in entries)
    return buffer.getvalue()


def _copy(stream: IO[bytes], target: IO[bytes]) -> str:
    digest = hashlib.sha256()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        target.write(chunk)
    return digest.hexdigest()


def write_archive(version: ProgramVersion, out: IO[bytes], progress: Progress) -> int:
    """Write the zip to ``out``; returns the number of papers. Steps: each paper, the metadata,
    and the saving that the caller does (``len(papers) + 2``)."""
    snapshot = snapshot_of(version)
    slug = snapshot["edition"]["slug"]
    papers = toc_papers(snapshot)
    total = len(papers) + 2
    files = final_pdfs(version.edition_id, papers)
    entries = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed already
        for done, paper in enumerate(papers, start=1):
            name = f"{slug}-{paper.number}.pdf"
            with opened(paper.number, files[paper.number]) as stream:
                pages = len(read_pdf(paper.number, stream).pages)
                stream.seek(0)
                with archive.open(name, "w") as target:
                    digest = _copy(stream, target)
            entries.append(_entry(paper, name, digest, pages))
            progress(done, total)
        metadata = {
            "edition": snapshot["edition"],
            "program_version": version.number,
            "published_at": version.published_at.isoformat(),
            "papers": entries,
        }
        deflated = zipfile.ZIP_DEFLATED
        archive.writestr("metadata.json", json.dumps(metadata, indent=2, ensure_ascii=False), compress_type=deflated)
        archive.writestr("metadata.csv", metadata_csv(entries), compress_type=deflated)
    progress(len(papers) + 1, total)
    return len(papers)

"""The proceedings' front matter: a title page, the chairs' preface (a placeholder to replace),
the committees split by area (names and affiliations, never an address), the table of
contents and the author index, both with page numbers.

Pages are numbered in arabic throughout, so a number in the table of contents is the absolute
page of the assembled proceedings: the front matter's length plus the pages of the papers
before. Filling in the numbers can change the front matter's own length, so it is rendered
until its length stays the same (at most :data:`MAX_PASSES` renderings)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import IO, Any

from django.template.loader import render_to_string
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from conferences.models import Area, Role
from conferences.roles import RoleKind
from proceedings.contents import (
    BuildProblem,
    Progress,
    TocPaper,
    badge_labels,
    day_of,
    final_pdfs,
    first_pages,
    page_counts,
    snapshot_of,
    toc_papers,
)
from program.models import ProgramVersion
from program.snapshot import Snapshot

MAX_PASSES = 3


@dataclass(frozen=True)
class Member:
    name: str
    affiliation: str
    note: str = ""


def _member(role: Role) -> Member | None:
    name = role.user.get_full_name().strip()  # never the e-mail address display_name falls back to
    if not name:
        return None
    note = "area chair" if role.kind == RoleKind.AREA_CHAIR else ""
    return Member(name, role.user.affiliation, note)


def committees(edition_id: int) -> list[dict[str, Any]]:
    """The committees as printed: PC chairs, the Systems and ML halves of the PC (area chairs
    with their half), AE chairs and AE members; each by last name; empty ones left out."""
    groups: dict[str, list[Member]] = defaultdict(list)
    roles = (
        Role.objects.filter(edition_id=edition_id)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    for role in roles:
        member = _member(role)
        if member is None:
            continue
        if role.kind == RoleKind.PC_CHAIR:
            groups["Program committee chairs"].append(member)
        elif role.kind in (RoleKind.PC_MEMBER, RoleKind.AREA_CHAIR):
            half = "Systems" if role.area == Area.SYSTEMS else "ML"
            groups[f"{half} program committee"].append(member)
        elif role.kind == RoleKind.AE_CHAIR:
            groups["Artifact evaluation chairs"].append(member)
        elif role.kind == RoleKind.AE_MEMBER:
            groups["Artifact evaluation committee"].append(member)
    order = (
        "Program committee chairs",
        "Systems program committee",
        "ML program committee",
        "Artifact evaluation chairs",
        "Artifact evaluation committee",
    )
    return [{"title": title, "members": groups[title]} for title in order if groups.get(title)]


def _sort_key(name: str) -> tuple[str, str]:
    parts = name.split()
    return (parts[-1].casefold() if parts else "", name.casefold())


def author_index(papers: list[TocPaper], pages: dict[int, int]) -> list[dict[str, Any]]:
    """Each author (by name) with the first pages of their papers, by last name."""
    by_name: dict[str, set[int]] = defaultdict(set)
    for paper in papers:
        for author in paper.authors:
            if author["name"].strip():
                by_name[author["name"].strip()].add(pages[paper.number])
    return [{"name": name, "pages": sorted(by_name[name])} for name in sorted(by_name, key=_sort_key)]


def table_of_contents(papers: list[TocPaper], pages: dict[int, int]) -> list[dict[str, Any]]:
    """The papers grouped by the session they first appear in, in printing order."""
    sections: list[dict[str, Any]] = []
    for paper in papers:
        if not sections or sections[-1]["session_id"] != paper.session_id or sections[-1]["title"] != paper.session:
            sections.append({"title": paper.session, "session_id": paper.session_id, "papers": []})
        authors = ", ".join(author["name"] for author in paper.authors)
        sections[-1]["papers"].append(
            {
                "number": paper.number,
                "title": paper.title,
                "authors": authors,
                "badges": badge_labels(paper.paper),
                "page": pages[paper.number],
            }
        )
    return sections


def front_matter_html(
    snapshot: Snapshot, papers: list[TocPaper], pages: dict[int, int], members: list[dict[str, Any]]
) -> str:
    edition = snapshot["edition"]
    context = {
        "edition": edition,
        "starts_on": day_of(edition["starts_on"]),
        "ends_on": day_of(edition["ends_on"]),
        "committees": members,
        "toc": table_of_contents(papers, pages),
        "authors": author_index(papers, pages),
    }
    return render_to_string("proceedings/pdf/front_matter.html", context)


def length_hint(version: ProgramVersion) -> int:
    """The length of the front matter last built from ``version`` (0 if none): most likely its
    length now, so that one rendering suffices instead of two (each takes seconds)."""
    from proceedings.models import Build, BuildKind, BuildStatus

    last = (
        Build.objects.filter(version=version, kind=BuildKind.FRONT_MATTER, status=BuildStatus.DONE)
        .exclude(file="")
        .order_by("-finished_at")
        .first()
    )
    if last is None:
        return 0
    try:
        with last.file.open("rb") as stream:
            return len(PdfReader(stream).pages)
    except (OSError, PyPdfError):
        return 0


def render_front_matter(
    snapshot: Snapshot, papers: list[TocPaper], counts: dict[int, int], edition_id: int, guess: int = 0
) -> tuple[bytes, dict[int, int]]:
    """The front matter's PDF bytes, and each paper's first page in the assembled proceedings
    (which the table of contents and the author index print). ``guess``: its likely length."""
    from weasyprint import HTML  # slow to load (Pango): only when a PDF is made

    members = committees(edition_id)
    length = guess  # if wrong, the next pass knows the real length
    for _ in range(MAX_PASSES):
        pages = first_pages(papers, counts, before=length)
        document = HTML(string=front_matter_html(snapshot, papers, pages, members)).render()
        if len(document.pages) == length:
            return document.write_pdf(), pages
        length = len(document.pages)
    raise BuildProblem(
        f"The front matter's length did not settle in {MAX_PASSES} renderings; its page numbers would be wrong."
    )


def write_front_matter(version: ProgramVersion, out: IO[bytes], progress: Progress) -> None:
    """Steps: the papers' pages counted, the rendering, and the saving that the caller does."""
    snapshot = snapshot_of(version)
    papers = toc_papers(snapshot)
    counts = page_counts(final_pdfs(version.edition_id, papers))
    progress(1, 3)
    content, _ = render_front_matter(snapshot, papers, counts, version.edition_id, length_hint(version))
    out.write(content)
    progress(2, 3)

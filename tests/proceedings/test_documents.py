"""The documents themselves: read back with pypdf (text, pages, bookmarks) and zipfile."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from typing import Any

import pytest
from pypdf import PdfReader

from proceedings.archive import write_archive
from proceedings.assembly import assemble_proceedings
from proceedings.booklet import render_booklet
from proceedings.contents import snapshot_of, toc_papers
from proceedings.front_matter import render_front_matter
from tests.proceedings.factories import ORCID, PAGES, Published

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def flat(text: str) -> str:
    return " ".join(text.split())


class Steps:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.calls.append((done, total))


def test_papers_are_in_session_order_each_once(published: Published) -> None:
    papers = toc_papers(snapshot_of(published.version))
    assert [p.number for p in papers] == [3, 1, 4, 2]
    assert [p.session for p in papers] == ["Compilers", "Compilers", "Posters", "Scheduling"]


def test_booklet_shows_days_sessions_rooms_chairs_times_and_authors(published: Published) -> None:
    pages = text_of(render_booklet(snapshot_of(published.version), published.version.number))
    cover, body = flat(pages[0]), flat(" ".join(pages[1:]))
    assert "MLSys 2027" in cover
    assert "Santa Clara Convention Center" in cover
    assert "Tuesday, May 18, 2027" in body
    assert "Wednesday, May 19, 2027" in body
    # Times in the edition's zone (9:00 in Los Angeles), talks one after the other.
    assert "09:00\u201310:00 · Compilers" in body
    assert "09:00\u201309:20" in body
    assert "09:20\u201309:40" in body
    assert body.index("Learned Systems Study 3") < body.index("Learned Systems Study 1") < body.index("Coffee")
    assert body.index("Coffee") < body.index("Scheduling")
    assert "Hall A" in body
    assert "Hall B" in body
    assert "Chair: Carl Sessionchair" in body
    assert "Alice Author1, Bob Shared" in body
    assert "@" not in body  # no address
    # Page numbers in the footer (the cover has none).
    assert all(re.search(rf"\b{n}\s*$", text.strip()) for n, text in enumerate(pages, start=1) if n > 1)


def test_front_matter_lists_committees_by_area_without_addresses(published: Published) -> None:
    papers = toc_papers(snapshot_of(published.version))
    content, _first = render_front_matter(snapshot_of(published.version), papers, PAGES, published.edition.pk)
    text = flat(" ".join(text_of(content)))
    assert "Proceedings of MLSys 2027" in text
    assert "Santa Clara Convention Center" in text
    for title, member in [
        ("Program committee chairs", "Ada Chairwoman, Chair University"),
        ("Systems program committee", "Sam Systemson, Systems Lab"),
        ("ML program committee", "Mia Learner, Learning Institute"),
        ("Artifact evaluation chairs", "Arlo Evalchair, Artifact College"),
        ("Artifact evaluation committee", "Eve Evaluator, Reproducibility Corp"),
    ]:
        assert title in text
        assert member in text
    assert text.index("Systems program committee") < text.index("Sam Systemson") < text.index("ML program committee")
    assert "@" not in text
    assert "mail.test" not in text
    assert "Table of contents" in text
    assert "Author index" in text
    assert "Message from the program chairs" in text


def assembled(published: Published) -> tuple[bytes, dict[int, int], Steps]:
    steps, out = Steps(), io.BytesIO()
    first = assemble_proceedings(published.version, out, steps)
    return out.getvalue(), first, steps


def test_table_of_contents_page_numbers_match_the_assembled_pdf(published: Published) -> None:
    content, first, steps = assembled(published)
    pages = text_of(content)
    real_first = {}
    for index, text in enumerate(pages, start=1):
        if match := re.search(r"Paper (\d+) page 1\b", text):
            real_first[int(match.group(1))] = index
    assert real_first == first
    assert len(pages) == first[3] - 1 + sum(PAGES.values())  # front matter + every paper, nothing else
    # The printed table of contents says the same: each title followed by its page.
    front = flat(" ".join(pages[: first[3] - 1]))
    toc = front[front.index("Table of contents") : front.index("Author index")]
    for number, page in first.items():
        assert re.search(rf"Learned Systems Study {number}\b.*?\b{page}\b", toc)
    # The author index: Bob wrote all four, so his entry lists every first page.
    index = front[front.index("Author index") :]
    assert f"Bob Shared {', '.join(str(p) for p in sorted(first.values()))}" in index
    assert f"Alice Author3 {first[3]}" in index
    # Progress went from the front matter through every paper; the saving is the caller's step.
    assert steps.calls[0] == (1, 6)
    assert steps.calls[-1] == (5, 6)


def test_bookmarks_one_per_paper_under_its_session(published: Published) -> None:
    content, first, _ = assembled(published)
    reader = PdfReader(io.BytesIO(content))
    outline: list[Any] = reader.outline
    top = [item.title for item in outline if not isinstance(item, list)]
    assert top == ["Front matter", "Compilers", "Posters", "Scheduling"]
    papers = [item for group in outline if isinstance(group, list) for item in group]
    assert [p.title for p in papers] == [f"Learned Systems Study {n}" for n in (3, 1, 4, 2)]
    assert [reader.get_destination_page_number(p) + 1 for p in papers] == [first[n] for n in (3, 1, 4, 2)]


def test_page_counts_come_from_the_files_not_the_snapshot(published: Published) -> None:
    snapshot = published.version.snapshot
    for entry in snapshot["papers"].values():
        entry["pdf"]["pages"] = 99  # wrong on purpose
    published.version.save()
    _content, first, _ = assembled(published)
    assert first[1] == first[3] + PAGES[3]
    assert first[4] == first[1] + PAGES[1]


def test_archive_holds_every_final_pdf_and_valid_metadata(published: Published) -> None:
    steps, out = Steps(), io.BytesIO()
    assert write_archive(published.version, out, steps) == 4
    archive = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    names = sorted(archive.namelist())
    assert names == ["metadata.csv", "metadata.json", *sorted(f"mlsys2027-{n}.pdf" for n in PAGES)]
    metadata = json.loads(archive.read("metadata.json"))
    assert metadata["program_version"] == 1
    assert metadata["edition"]["slug"] == "mlsys2027"
    entries = {entry["number"]: entry for entry in metadata["papers"]}
    assert [entry["number"] for entry in metadata["papers"]] == [3, 1, 4, 2]
    one = entries[1]
    assert one["authors"][0] == {"name": "Alice Author1", "affiliation": "Univ 1", "orcid": ORCID}
    assert one["abstract"] == "The final abstract of paper one."
    assert one["keywords"] == ["compilers", "final"]
    assert one["session"] == "Compilers"
    assert one["badges"] == []
    assert one["file"] == "mlsys2027-1.pdf"
    for number, entry in entries.items():
        assert entry["pages"] == PAGES[number]
        assert entry["sha256"] == published.files[number].sha256
        assert len(PdfReader(io.BytesIO(archive.read(entry["file"]))).pages) == PAGES[number]
    rows = list(csv.DictReader(io.StringIO(archive.read("metadata.csv").decode())))
    assert [int(row["number"]) for row in rows] == [3, 1, 4, 2]
    assert f"Alice Author1 (Univ 1) [ORCID {ORCID}]" in rows[1]["authors"]
    assert steps.calls[-1] == (5, 6)


def test_the_front_matter_is_rendered_until_its_length_is_stable(
    published: Published, monkeypatch: pytest.MonkeyPatch
) -> None:
    import weasyprint

    renderings: list[int] = []
    original = weasyprint.HTML.render

    def counted(self: Any, *args: Any, **kwargs: Any) -> Any:
        renderings.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", counted)
    snapshot = snapshot_of(published.version)
    papers = toc_papers(snapshot)
    _, from_nothing = render_front_matter(snapshot, papers, PAGES, published.edition.pk)
    assert len(renderings) == 2  # a first guess of 0 pages is always wrong
    length = from_nothing[3] - 1
    renderings.clear()
    _, from_a_wrong_guess = render_front_matter(snapshot, papers, PAGES, published.edition.pk, guess=length + 7)
    assert from_a_wrong_guess == from_nothing
    assert len(renderings) == 2
    renderings.clear()
    content, from_the_right_guess = render_front_matter(snapshot, papers, PAGES, published.edition.pk, guess=length)
    assert from_the_right_guess == from_nothing
    assert len(renderings) == 1
    assert len(PdfReader(io.BytesIO(content)).pages) == length


def test_released_artifact_badges_are_printed_with_their_papers(published: Published) -> None:
    snapshot = snapshot_of(published.version)
    first = next(iter(snapshot["papers"].values()))
    first["badges"] = ["available", "functional"]
    badged = "Artifact badges: Artifacts Available, Artifacts Evaluated: Functional"
    booklet = flat(" ".join(text_of(render_booklet(snapshot, published.version.number))))
    content, _first = render_front_matter(snapshot, toc_papers(snapshot), PAGES, published.edition.pk)
    contents = flat(" ".join(text_of(content)))
    for text in (booklet, contents):
        assert text.count(badged) == 1
        assert text.index(first["title"]) < text.index(badged)

"""The public program's pages: no login, from the newest published version only."""

from __future__ import annotations

import hashlib
import itertools
import re
from typing import Any

import pytest
from django.urls import reverse

from conferences.models import Edition
from program.models import ProgramSession
from tests.program.factories import SampleProgram, final_pdf, publish, sample_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(edition: Edition) -> SampleProgram:
    return sample_program(edition)


def url(name: str, edition: Edition, *args: Any) -> str:
    return reverse(f"program:{name}", args=[edition.slug, *args])


def text(response: Any) -> str:
    return response.content.decode()


PAGES = [
    ("public_schedule", ()),
    ("public_search", ()),
    ("public_authors", ()),
    ("public_changes", ()),
    ("public_paper", (1,)),
    ("public_paper_bib", (1,)),
    ("public_paper_pdf", (1,)),
    ("public_ics", ()),
    ("public_json", ()),
    ("public_csv", ()),
    ("public_xml", ()),
]


@pytest.mark.parametrize(("name", "args"), PAGES)
def test_before_the_first_publication_every_route_is_a_friendly_404(
    client: Any, edition: Edition, name: str, args: tuple[int, ...]
) -> None:
    sample_program(edition, publish_it=False)
    response = client.get(url(name, edition, *args))
    assert response.status_code == 404
    assert "The program is not published yet" in text(response)


def test_session_routes_are_404_before_publication_too(client: Any, edition: Edition) -> None:
    draft = sample_program(edition, publish_it=False)
    session = draft.sessions["talks"].pk
    assert client.get(url("public_session", edition, session)).status_code == 404
    assert client.get(url("public_session_ics", edition, session)).status_code == 404


def test_the_schedule_by_day_and_room_in_the_editions_zone(client: Any, program: SampleProgram) -> None:
    response = client.get(url("public_schedule", program.edition))
    assert response.status_code == 200
    page = text(response)
    assert page.count("<h1") == 1
    assert '<html lang="en">' in page
    assert 'name="viewport"' in page
    assert '<main id="main"' in page
    assert 'href="#main"' in page
    assert 'aria-label="Program"' in page
    assert "Sat 13 Mar 2027" in page
    assert "Mon 15 Mar 2027" in page
    assert '<time datetime="2027-03-13T09:00:00-08:00">09:00</time>' in page  # PST
    assert '<time datetime="2027-03-15T14:00:00-07:00">14:00</time>' in page  # PDT, after the change
    assert '<time datetime="2027-03-13T09:20:00-08:00">09:20</time>' in page  # the second talk
    assert "Hall A" in page
    assert "Room B" in page
    assert "All rooms" in page
    talks = program.sessions["talks"]
    assert url("public_session", program.edition, talks.pk) in page
    for export in ("public_ics", "public_xml", "public_json", "public_csv"):
        assert url(export, program.edition) in page


def test_headings_are_in_order(client: Any, program: SampleProgram) -> None:
    for name, args in [("public_schedule", ()), ("public_paper", (1,)), ("public_authors", ()), ("public_search", ())]:
        page = text(client.get(url(name, program.edition, *args) + ("?q=kernels" if name == "public_search" else "")))
        levels = [int(level) for level in re.findall(r"<h([1-6])", page)]
        assert levels[0] == 1, name
        assert levels.count(1) == 1, name
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), (name, levels)


def test_a_session_page(client: Any, program: SampleProgram) -> None:
    talks = program.sessions["talks"]
    page = text(client.get(url("public_session", program.edition, talks.pk)))
    assert "Systems I" in page
    assert "Sam Chair" in page
    assert "Hall A" in page
    first, second = page.index("Fast Sparse Attention Kernels"), page.index("Compilers &amp; {Tiny} Accelerators")
    assert first < second
    assert "(20 min)" in page
    assert "(25 min)" in page
    assert url("public_session_ics", program.edition, talks.pk) in page


def test_an_unknown_session_or_paper_is_a_404(client: Any, program: SampleProgram) -> None:
    assert client.get(url("public_session", program.edition, 999_999)).status_code == 404
    assert client.get(url("public_paper", program.edition, 99)).status_code == 404
    assert client.get(url("public_paper_bib", program.edition, 99)).status_code == 404


def test_a_paper_page(client: Any, program: SampleProgram) -> None:
    page = text(client.get(url("public_paper", program.edition, 1)))
    assert "Fast Sparse Attention Kernels" in page
    assert page.index("Zoë Müller") < page.index("Ana Björk")  # in order
    assert "ETH Zürich" in page
    assert "KTH" in page
    assert 'href="https://orcid.org/0000-0002-1825-0097"' in page
    assert "(presenter)" in page
    assert "attention" in page
    assert "GPU kernels" in page
    assert 'alt="Artifacts Available"' in page
    assert 'alt="Artifacts Evaluated: Reusable"' in page
    assert "/static/artifacts/badges/reusable.svg" in page
    assert url("public_paper_pdf", program.edition, 1) in page
    assert url("public_paper_bib", program.edition, 1) in page
    assert '<pre class="bibtex"' in page
    assert "@inproceedings{" in page
    assert "Systems I" in page
    assert "Posters" in page
    assert '<time datetime="2027-03-13T09:00:00-08:00">' in page


def test_unreleased_badges_are_not_shown(client: Any, program: SampleProgram) -> None:
    page = text(client.get(url("public_paper", program.edition, 2)))
    assert "badges/available.svg" not in page
    assert url("public_paper_pdf", program.edition, 2) not in page  # no final PDF


def test_the_final_pdf(client: Any, program: SampleProgram) -> None:
    response = client.get(url("public_paper_pdf", program.edition, 1))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert f'filename="{program.edition.slug}-1.pdf"' in response["Content-Disposition"]
    assert client.get(url("public_paper_pdf", program.edition, 2)).status_code == 404  # none published
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    response.close()  # last: it ends the request, and with it the test's database connection


def test_the_pdf_is_the_one_in_the_snapshot(client: Any, program: SampleProgram) -> None:
    """A newer upload after publication is not served until the next version."""
    published_sha = program.version.snapshot["papers"]["1"]["pdf"]["sha256"]
    final_pdf(program.papers[1], pages=5)
    response = client.get(url("public_paper_pdf", program.edition, 1))
    content = b"".join(response.streaming_content)
    response.close()
    assert hashlib.sha256(content).hexdigest() == published_sha


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("sparse", [1]),
        ("SPARSE kernels", [1]),
        ("muller", [1]),  # Müller, without the accent
        ("Nunez", [2]),  # Ñúñez
        ("zoë", [1]),
        ("compilers", [2]),
        ("gpu", [1]),  # a keyword
        ("young", [3]),
        ("nothing-like-this", []),
    ],
)
def test_search(client: Any, program: SampleProgram, query: str, found: list[int]) -> None:
    response = client.get(url("public_search", program.edition), {"q": query})
    page = text(response)
    assert '<form role="search"' in page
    assert '<label for="program-search">' in page
    shown = sorted(int(n) for n in re.findall(r"/program/papers/(\d+)/", page))
    assert shown == found


def test_the_search_page_without_a_query(client: Any, program: SampleProgram) -> None:
    page = text(client.get(url("public_search", program.edition)))
    assert "found for" not in page


def test_the_author_index(client: Any, program: SampleProgram) -> None:
    page = text(client.get(url("public_authors", program.edition)))
    letters = re.findall(r'<h2 id="letter-heading-\d+">(.)</h2>', page)
    assert letters == ["A", "B", "M", "N", "Y"]  # Adams, Björk, Müller, Ñúñez, Young
    assert 'href="#letter-M"' in page
    assert 'id="letter-M"' in page
    order = [page.index(name) for name in ("Bea Adams", "Ana Björk", "Zoë Müller", "Carlos Ñúñez", "Dana Young")]
    assert order == sorted(order)


def test_the_change_log_lists_every_version(client: Any, program: SampleProgram) -> None:
    ProgramSession.objects.filter(pk=program.sessions["keynote"].pk).update(title="Keynote: The Past")
    publish(program.edition, note="Keynote renamed.", changes=["Keynote: The Future is now Keynote: The Past."])
    page = text(client.get(url("public_changes", program.edition)))
    assert "Version 2" in page
    assert "Version 1" in page
    assert page.index("Version 2") < page.index("Version 1")
    assert "Keynote renamed." in page
    assert "is now Keynote: The Past." in page
    assert "The first program." in page


def test_pages_read_the_published_version_not_the_draft(client: Any, program: SampleProgram) -> None:
    ProgramSession.objects.filter(pk=program.sessions["talks"].pk).update(title="Draft title nobody sees")
    page = text(client.get(url("public_schedule", program.edition)))
    assert "Draft title nobody sees" not in page
    assert "Systems I" in page


def test_a_hidden_edition_has_no_public_program(client: Any, program: SampleProgram) -> None:
    assert client.get("/no-such-edition/program/").status_code == 404

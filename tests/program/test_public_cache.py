"""The public program is cached: a second request is served without rendering (nearly no
queries), a new version shows at once, conditional GETs get 304, and no page carries a
signed-in user's name (the public layout has no per-user chrome)."""

from __future__ import annotations

from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.http import http_date

from conferences.models import Edition
from program.models import ProgramSession
from tests.program.factories import SampleProgram, publish, sample_program

pytestmark = pytest.mark.django_db

# Which version is the newest is cached too: a cached answer costs no query.
CACHED_QUERIES = 0


@pytest.fixture
def program(edition: Edition) -> SampleProgram:
    return sample_program(edition)


def schedule_url(edition: Edition) -> str:
    return reverse("program:public_schedule", args=[edition.slug])


@pytest.mark.parametrize("name", ["public_schedule", "public_authors", "public_ics", "public_xml", "public_json"])
def test_a_second_request_is_served_from_the_cache(
    client: Any, program: SampleProgram, django_assert_max_num_queries: Any, name: str
) -> None:
    url = reverse(f"program:{name}", args=[program.edition.slug])
    first = client.get(url)
    with django_assert_max_num_queries(CACHED_QUERIES):
        second = client.get(url)
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


def test_cache_headers(client: Any, program: SampleProgram) -> None:
    response = client.get(schedule_url(program.edition))
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert response["ETag"]
    assert response["Last-Modified"] == http_date(program.version.published_at.timestamp())


def test_a_conditional_get_is_answered_304(client: Any, program: SampleProgram) -> None:
    url = schedule_url(program.edition)
    etag = client.get(url)["ETag"]
    response = client.get(url, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response["ETag"] == etag
    modified = client.get(url, headers={"if-modified-since": http_date(program.version.published_at.timestamp())})
    assert modified.status_code == 304


def test_a_new_version_shows_at_once(client: Any, program: SampleProgram) -> None:
    url = schedule_url(program.edition)
    first = client.get(url)
    assert "Systems I<" in first.content.decode()
    ProgramSession.objects.filter(pk=program.sessions["talks"].pk).update(title="Systems One")
    assert client.get(url).content == first.content  # the draft changed, the published version did not
    publish(program.edition)
    response = client.get(url, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 200
    assert "Systems One<" in response.content.decode()
    assert response["ETag"] != first["ETag"]


def test_the_query_is_part_of_the_key(client: Any, program: SampleProgram) -> None:
    url = reverse("program:public_search", args=[program.edition.slug])
    assert "Fast Sparse" in client.get(url, {"q": "sparse"}).content.decode()
    assert "Fast Sparse" not in client.get(url, {"q": "posters"}).content.decode()


def test_no_user_name_in_a_public_page_whoever_asked_first(client: Any, program: SampleProgram, outsider: Any) -> None:
    outsider.first_name, outsider.last_name = "Private", "Personname"
    outsider.save()
    client.force_login(outsider)
    signed_in = client.get(schedule_url(program.edition)).content.decode()
    assert "Personname" not in signed_in
    assert outsider.email not in signed_in
    client.logout()
    anonymous = client.get(schedule_url(program.edition)).content.decode()
    assert "Personname" not in anonymous


def test_the_pdf_is_not_kept_in_the_cache_but_gets_the_headers(client: Any, program: SampleProgram) -> None:
    url = reverse("program:public_paper_pdf", args=[program.edition.slug, 1])
    response = client.get(url)
    assert response.streaming
    assert "max-age=300" in response["Cache-Control"]
    assert client.get(url, headers={"if-none-match": response["ETag"]}).status_code == 304
    response.close()  # last: it ends the request, and with it the test's database connection


def test_only_get_and_head(client: Any, program: SampleProgram) -> None:
    assert client.post(schedule_url(program.edition)).status_code == 405
    assert client.head(schedule_url(program.edition)).status_code == 200


def test_query_strings_do_not_fill_the_cache(client: Any, program: SampleProgram) -> None:
    """Anyone may add ``?x=…`` to a URL: the page is kept once, and a search is never kept."""
    url = schedule_url(program.edition)
    first = client.get(url)
    search = reverse("program:public_search", args=[program.edition.slug])
    with mock.patch.object(cache, "set", wraps=cache.set) as stored:
        for n in range(5):
            assert client.get(url, {"x": n}).content == first.content
            assert "Fast Sparse" in client.get(search, {"q": f"sparse {n}"[:6]}).content.decode()
    assert stored.call_count == 0

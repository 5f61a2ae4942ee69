"""Bounded search on the bidding page and its API: a search of thousands of words is a quick
400 that names the field, never a slow page or a 500; an allowed search is one query with one
condition per distinct word."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bidding import selectors
from conferences.models import Edition
from mlsys_conf.limits import SEARCH_MAX_CHARS, SEARCH_MAX_WORDS
from tests.bidding.helpers import add_paper

pytestmark = pytest.mark.django_db

BIDS_API = "/api/editions/mlsys2027/bids/"


def bids_url(edition: Edition) -> str:
    return reverse("bidding:bids", kwargs={"edition_slug": edition.slug})


def words(n: int) -> str:
    return " ".join(f"w{i}" for i in range(n))


@pytest.fixture
def listed(bidding: Edition) -> Edition:
    add_paper(bidding, 1, title="Paged attention for LLM serving", keywords="KV cache", topic="both")
    add_paper(bidding, 2, title="A verified file system", abstract="Proofs about storage.", keywords="OS")
    return bidding


def like_conditions(queries: list[dict[str, str]]) -> int:
    return max((q["sql"].upper().count(" LIKE ") for q in queries), default=0)


@pytest.mark.parametrize("count", [1000, 3000])
def test_a_search_of_thousands_of_words_is_a_quick_400(
    client: Any, listed: Edition, pc_systems: Any, count: int, django_assert_max_num_queries: Any
) -> None:
    client.force_login(pc_systems)
    with django_assert_max_num_queries(25) as captured:
        response = client.get(bids_url(listed), {"q": words(count)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "These filters were not applied." in html
    assert f"Search: Ensure this value has at most {SEARCH_MAX_CHARS} characters" in html
    assert like_conditions(captured.captured_queries) == 0  # refused before any search ran
    assert "Paged attention" not in html


def test_too_many_short_words_is_a_400_that_says_how_many(client: Any, listed: Edition, pc_systems: Any) -> None:
    client.force_login(pc_systems)
    response = client.get(bids_url(listed), {"q": words(SEARCH_MAX_WORDS + 1)})
    assert response.status_code == 400
    expected = f"Search with at most {SEARCH_MAX_WORDS} words (this has {SEARCH_MAX_WORDS + 1})."
    assert expected in response.content.decode()


def test_a_search_at_the_limit_is_one_query_with_a_condition_per_word(
    client: Any, listed: Edition, pc_systems: Any
) -> None:
    client.force_login(pc_systems)
    # 20 distinct words (parts of words match too) that paper 1 has; repeated words count once.
    distinct = "pa pag page paged at att atte atten attent attenti serv servi servin serving ca cac cach cache kv llm"
    q = f"{distinct} paged paged PAGED"
    assert len(q) <= SEARCH_MAX_CHARS
    with CaptureQueriesContext(connection) as captured:
        response = client.get(bids_url(listed), {"q": q})
    assert response.status_code == 200
    assert "Paged attention for LLM serving" in response.content.decode()
    assert "A verified file system" not in response.content.decode()
    assert like_conditions(captured.captured_queries) == SEARCH_MAX_WORDS


def test_words_may_match_in_different_fields(listed: Edition, pc_systems: Any) -> None:
    found = selectors.papers_for_bidding(pc_systems, listed, q="verified storage os")
    assert [p.number for p in found] == [2]


def test_the_selector_itself_never_runs_more_than_the_limit(listed: Edition, pc_systems: Any) -> None:
    """A caller that skipped the form still gets a bounded query (first words kept)."""
    with CaptureQueriesContext(connection) as captured:
        found = list(selectors.papers_for_bidding(pc_systems, listed, q="verified " + words(3000)))
    assert found == []
    assert len(captured.captured_queries) == 1
    assert 0 < like_conditions(captured.captured_queries) <= SEARCH_MAX_WORDS


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"keyword": "k" * 101}, "Keyword", "at most 100 characters"),
        ({"page": "x" * 50}, "Page", "Enter a whole number."),
        ({"page": "99999999999999999999"}, "Page", "less than or equal to 100000"),
        ({"sort": "title; DROP TABLE"}, "Sort", "Select a valid choice."),
    ],
)
def test_other_bad_filters_are_400s_naming_the_field(
    client: Any, listed: Edition, pc_systems: Any, params: dict[str, str], field: str, message: str
) -> None:
    client.force_login(pc_systems)
    response = client.get(bids_url(listed), params)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"{field}: " in html
    assert message in html


def test_a_page_number_past_the_end_shows_the_last_page(client: Any, listed: Edition, pc_systems: Any) -> None:
    client.force_login(pc_systems)
    response = client.get(bids_url(listed), {"page": "500"})
    assert response.status_code == 200
    assert "Paged attention for LLM serving" in response.content.decode()


# --- The API ----------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1000, 3000])
def test_the_api_answers_a_huge_search_with_a_400_naming_q(
    client: Any, listed: Edition, pc_systems: Any, count: int, django_assert_max_num_queries: Any
) -> None:
    client.force_login(pc_systems)
    with django_assert_max_num_queries(15) as captured:
        response = client.get(BIDS_API, {"q": words(count)})
    assert response.status_code == 400
    assert response.json() == {"q": [f"Ensure this field has no more than {SEARCH_MAX_CHARS} characters."]}
    assert like_conditions(captured.captured_queries) == 0


def test_the_api_refuses_too_many_words_and_a_long_keyword(client: Any, listed: Edition, pc_systems: Any) -> None:
    client.force_login(pc_systems)
    response = client.get(BIDS_API, {"q": words(SEARCH_MAX_WORDS + 5), "keyword": "k" * 101})
    assert response.status_code == 400
    body = response.json()
    assert body["q"] == [f"Search with at most {SEARCH_MAX_WORDS} words (this has {SEARCH_MAX_WORDS + 5})."]
    assert body["keyword"] == ["Ensure this field has no more than 100 characters."]


def test_the_api_search_within_limits_still_works(client: Any, listed: Edition, pc_systems: Any) -> None:
    client.force_login(pc_systems)
    response = client.get(BIDS_API, {"q": "proofs STORAGE"})
    assert response.status_code == 200
    assert [p["number"] for p in response.json()["results"]] == [2]

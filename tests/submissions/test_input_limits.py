"""Bounded input around submissions: the chairs' list search, the abstract and author list
through the pages, the API and the service itself, the declared conflicts and the extension
form. Over a limit is a 400 (or the form again) that names the field, before any search."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conferences.models import Edition
from mlsys_conf.limits import ABSTRACT_MAX, AUTHORS_MAX, CONFLICTS_MAX, SEARCH_MAX_CHARS, SEARCH_MAX_WORDS
from submissions.models import Submission
from submissions.services import AuthorInput, SubmissionInput, submission_register, submission_update
from tests.submissions.helpers import author_rows

pytestmark = pytest.mark.django_db

API = "/api/editions/mlsys2027/submissions/"


def list_url(edition: Edition) -> str:
    return reverse("submissions:list", kwargs={"edition_slug": edition.slug})


def like_conditions(queries: list[dict[str, str]]) -> int:
    return max((q["sql"].upper().count(" LIKE ") for q in queries), default=0)


# --- The chairs' list ----------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1000, 3000])
def test_the_chairs_search_of_thousands_of_words_is_a_quick_400(
    client: Any, submission: Submission, chair: Any, count: int, django_assert_max_num_queries: Any
) -> None:
    client.force_login(chair)
    with django_assert_max_num_queries(15) as captured:
        response = client.get(list_url(submission.edition), {"q": " ".join(["kernels"] * count)})
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Search: Ensure this value has at most {SEARCH_MAX_CHARS} characters" in html
    assert like_conditions(captured.captured_queries) == 0
    assert "Fast Sparse Attention Kernels" not in html


def test_the_chairs_search_refuses_too_many_words(client: Any, submission: Submission, chair: Any) -> None:
    client.force_login(chair)
    response = client.get(list_url(submission.edition), {"q": " ".join(f"w{i}" for i in range(SEARCH_MAX_WORDS + 1))})
    assert response.status_code == 400
    assert f"Search with at most {SEARCH_MAX_WORDS} words" in response.content.decode()


def test_the_csv_export_with_a_bad_filter_is_the_400_page_not_a_file(
    client: Any, submission: Submission, chair: Any
) -> None:
    client.force_login(chair)
    response = client.get(list_url(submission.edition), {"q": "x" * 1000, "format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


def test_the_chairs_search_within_limits_still_finds(client: Any, submission: Submission, chair: Any) -> None:
    client.force_login(chair)
    response = client.get(list_url(submission.edition), {"q": "sparse attention"})
    assert response.status_code == 200
    assert ">Fast Sparse Attention Kernels</a>" in response.content.decode()


# --- Registering and editing ---------------------------------------------------------------


def new_url(edition: Edition) -> str:
    return reverse("submissions:new", kwargs={"edition_slug": edition.slug})


def many_authors(n: int) -> list[dict[str, str]]:
    return [{"name": f"Author {i}", "email": f"a{i}@example.org"} for i in range(n)]


def test_the_form_refuses_more_authors_than_the_limit(client: Any, edition: Edition, author: Any) -> None:
    client.force_login(author)
    data = {"title": "T", "abstract": "A.", "topic": "ml", **author_rows(*many_authors(AUTHORS_MAX + 1))}
    response = client.post(new_url(edition), data)
    assert response.status_code == 400
    assert f"Please submit at most {AUTHORS_MAX} forms." in response.content.decode()
    assert not Submission.objects.exists()


def test_the_form_names_an_over_long_abstract(client: Any, edition: Edition, author: Any) -> None:
    client.force_login(author)
    data = {"title": "T", "abstract": "a" * (ABSTRACT_MAX + 1), "topic": "ml", **author_rows(*many_authors(1))}
    response = client.post(new_url(edition), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f"Ensure this value has at most {ABSTRACT_MAX} characters (it has {ABSTRACT_MAX + 1})." in html
    assert 'maxlength="5000"' in html


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"keywords": "k" * 501}, "keywords", "Ensure this field has no more than 500 characters."),
        ({"abstract": "a" * 20_000}, "abstract", "Ensure this field has no more than 5000 characters."),
        ({"authors": many_authors(AUTHORS_MAX + 1)}, "authors", f"Ensure this field has no more than {AUTHORS_MAX}"),
        (
            {"authors": [{"name": "Ada", "email": "ada@example.org", "affiliation": "x" * 301}]},
            "authors",
            "Ensure this field has no more than 300 characters.",
        ),
    ],
)
def test_the_api_names_the_over_long_field(
    client: Any, edition: Edition, author: Any, body: dict[str, Any], field: str, message: str
) -> None:
    client.force_login(author)
    data = {"title": "T", "abstract": "A.", "topic": "ml", **body}
    response = client.post(API, data, content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    assert message in str(response.json()[field])
    assert not Submission.objects.exists()


def test_the_service_refuses_an_over_long_abstract_and_too_many_authors(edition: Edition, author: Any) -> None:
    """Whatever calls the service (a task, the shell), the limits hold."""
    me = [AuthorInput("Me", author.email)]
    with pytest.raises(ValidationError, match="at most 5000 characters"):
        submission_register(edition=edition, title="T", abstract="a" * 5001, topic="ml", authors=me, by=author)
    with pytest.raises(ValidationError, match=f"at most {AUTHORS_MAX} authors"):
        submission_register(
            edition=edition,
            title="T",
            abstract="A.",
            topic="ml",
            authors=[AuthorInput(f"A{i}", f"a{i}@example.org") for i in range(AUTHORS_MAX + 1)],
            by=author,
        )
    assert not Submission.objects.exists()


def test_an_update_with_an_over_long_abstract_changes_nothing(submission: Submission, author: Any) -> None:
    with pytest.raises(ValidationError):
        submission_update(submission=submission, data=SubmissionInput("T", "a" * 5001, "ml"), by=author)
    submission.refresh_from_db()
    assert submission.title == "Fast Sparse Attention Kernels"


# --- Conflicts and extensions --------------------------------------------------------------------


def test_putting_more_conflicts_than_the_limit_is_a_400(client: Any, submission: Submission, author: Any) -> None:
    client.force_login(author)
    body = [{"user": 1, "reason": "advisor"}] * (CONFLICTS_MAX + 1)
    response = client.put(f"{API}1/conflicts/", body, content_type="application/json")
    assert response.status_code == 400
    assert f"no more than {CONFLICTS_MAX} elements" in response.content.decode()


def test_an_absurdly_long_extension_date_is_refused_unread(client: Any, submission: Submission, chair: Any) -> None:
    client.force_login(chair)
    url = reverse("submissions:extension", kwargs={"edition_slug": "mlsys2027", "number": 1})
    # A valid date padded to 10 kB: refused on its length, before parsing (which would strip it).
    response = client.post(url, {"phase": "paper", "until": "2027-01-01T00:00:00" + " " * 10_000}, follow=True)
    assert "Give a date and time, to the second." in response.content.decode()
    assert not submission.extensions.exists()

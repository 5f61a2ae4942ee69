"""The API as a whole: /api/me/ and the OpenAPI schema. Per-app endpoints are tested in
tests/<app>/test_api.py."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

PATHS = (
    "/api/editions/",
    "/api/editions/{edition_slug}/",
    "/api/editions/{edition_slug}/settings/",
    "/api/editions/{edition_slug}/deadlines/",
    "/api/editions/{edition_slug}/roles/",
    "/api/editions/{edition_slug}/roles/{id}/",
    "/api/editions/{edition_slug}/submissions/",
    "/api/editions/{edition_slug}/submissions/{number}/",
    "/api/me/",
)


# --- /api/me/ ------------------------------------------------------------------------------


def test_me_returns_the_profile(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.get("/api/me/")
    assert response.status_code == 200
    data = response.json()
    assert data["email"] == "author@example.org"
    assert data["first_name"] == author.first_name
    assert data["affiliation"] == "Example University"
    assert "password" not in data
    assert "is_superuser" not in data


def test_me_patch_updates_the_profile(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.patch(
        "/api/me/",
        {"affiliation": "ETH Zurich", "orcid": "0000-0002-1825-0097", "expertise": "both"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["affiliation"] == "ETH Zurich"
    author.refresh_from_db()
    assert (author.affiliation, author.orcid, author.expertise) == ("ETH Zurich", "0000-0002-1825-0097", "both")


def test_me_patch_cannot_change_the_email(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.patch("/api/me/", {"email": "someone-else@example.org"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["email"] == "author@example.org"
    author.refresh_from_db()
    assert author.email == "author@example.org"


@pytest.mark.parametrize("orcid", ["1234", "0000-0002-1825-009", "0000-0002-1825-009Y", "https://orcid.org/x"])
def test_me_patch_with_a_bad_orcid_is_a_400(client: Any, author: Any, orcid: str) -> None:
    client.force_login(author)
    response = client.patch("/api/me/", {"orcid": orcid, "affiliation": "Changed"}, content_type="application/json")
    assert response.status_code == 400
    assert "orcid" in response.json()
    author.refresh_from_db()
    assert author.orcid == ""
    assert author.affiliation == "Example University"


def test_me_patch_with_a_bad_domain_is_a_400(client: Any, author: Any) -> None:
    """Checked by the model's clean() inside the service, still a 400 (not a 500)."""
    client.force_login(author)
    response = client.patch(
        "/api/me/", {"institutional_domains": "cs.example.edu\nnot a domain"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "institutional_domains" in response.json()
    author.refresh_from_db()
    assert author.institutional_domains == ""


def test_me_country_round_trips_as_its_code(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.patch("/api/me/", {"country": "DE"}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["country"] == "DE"
    assert client.get("/api/me/").json()["country"] == "DE"
    author.refresh_from_db()
    assert author.country.code == "DE"


def test_me_unknown_country_is_a_400(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.patch("/api/me/", {"country": "XX"}, content_type="application/json")
    assert response.status_code == 400
    assert "country" in response.json()


def test_me_needs_a_signed_in_user(client: Any, db: Any) -> None:
    assert client.get("/api/me/").status_code in (401, 403)
    assert client.patch("/api/me/", {"affiliation": "X"}, content_type="application/json").status_code in (401, 403)


# --- The OpenAPI schema --------------------------------------------------------------------


def test_schema_renders_with_every_path(client: Any) -> None:
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["info"]["title"] == "mlsys-conf API"
    assert set(PATHS) <= set(schema["paths"])
    assert "patch" in schema["paths"]["/api/editions/{edition_slug}/settings/"]
    assert "put" in schema["paths"]["/api/editions/{edition_slug}/deadlines/"]
    assert "delete" in schema["paths"]["/api/editions/{edition_slug}/roles/{id}/"]


def test_schema_validates_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stdout=StringIO())
    schema = yaml.safe_load(target.read_text())
    assert set(PATHS) <= set(schema["paths"])
    deadline = schema["components"]["schemas"]["Deadline"]["properties"]
    assert deadline["closes_at_aoe"]["type"] == "string"
    authors = schema["components"]["schemas"]["Submission"]["properties"]["authors"]
    assert authors.get("nullable") is True


def test_docs_pages_render(client: Any) -> None:
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/redoc/").status_code == 200


# --- Errors: JSON for API clients, HTML for people -------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/nothing-here/",
        "/api/editions/mlsys2027/roles/null,null/",
        "/api/editions/mlsys2027/invitations/0.5/",
        "/api/editions/mlsys2027/assignments/x/",
        "/api/editions/mlsys2027/assignment-runs/1e9/",
    ],
)
def test_an_unknown_api_url_is_a_json_404(client: Any, edition: Any, chair: Any, url: str) -> None:
    client.force_login(chair)
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


def test_an_unknown_page_is_an_html_404(client: Any) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_a_crash_answers_api_clients_in_json() -> None:
    from django.test import RequestFactory

    from mlsys_conf.errors import server_error

    response = server_error(RequestFactory().get("/api/editions/"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert b"Server error." in response.content


@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("offset=-32571895&limit=14994764149448404992", 1),  # found by schemathesis: was a 500
        ("offset=14994764149448404992&limit=5", 0),
        ("limit=0", 1),
        ("limit=abc", 1),
    ],
)
def test_any_paging_numbers_give_a_page(client: Any, edition: Any, query: str, count: int) -> None:
    response = client.get(f"/api/editions/?{query}")
    assert response.status_code == 200
    assert len(response.json()["results"]) == count


# --- Bounded input, across the API ------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "method", "path", "body", "field"),
    [
        ("author", "patch", "/api/me/", {"publications": "p" * 40_001}, "publications"),
        ("author", "patch", "/api/me/", {"affiliation": "a" * 301}, "affiliation"),
        (
            "author",
            "post",
            "/api/editions/mlsys2027/submissions/",
            {"title": "T", "abstract": "a" * 5001, "topic": "ml"},
            "abstract",
        ),
        ("pc_systems", "get", "/api/editions/mlsys2027/bids/", {"q": "word " * 3000}, "q"),
        ("pc_systems", "get", "/api/editions/mlsys2027/bids/", {"keyword": "k" * 101}, "keyword"),
        (
            "chair",
            "post",
            "/api/editions/mlsys2027/invitations/",
            {"email": "new@example.org", "name": "n" * 201, "kind": "ae_member"},
            "name",
        ),
    ],
)
def test_over_long_input_is_a_400_that_names_the_field(
    request: pytest.FixtureRequest,
    client: Any,
    edition: Any,
    persona: str,
    method: str,
    path: str,
    body: Any,
    field: str,
) -> None:
    client.force_login(request.getfixturevalue(persona))
    if method == "get":
        response = client.get(path, body)
    else:
        response = getattr(client, method)(path, body, content_type="application/json")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert "no more than" in response.json()[field][0]

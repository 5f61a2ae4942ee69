"""What the API fuzzing found, pinned down one request each: odd input is a 400 with a message,
and answers have the shape the OpenAPI schema gives them."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
import yaml
from django.core.management import call_command

from submissions.models import Extension, Submission

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

BASE = "/api/editions/mlsys2027"


@pytest.fixture(scope="module")
def schema(django_db_setup: Any, django_db_blocker: Any) -> dict[str, Any]:
    out = StringIO()
    with django_db_blocker.unblock():
        call_command("spectacular", "--format", "openapi", stdout=out)
    return yaml.safe_load(out.getvalue())


@pytest.mark.parametrize("papers", [[2**63], [2**31], [1, 2**64 + 5]])
def test_a_paper_number_past_a_database_integer_is_a_400(client: Any, chair: Any, papers: list[int]) -> None:
    """SQLite raised OverflowError (a 500) on a number past 64 bits in ``number IN (...)``."""
    client.force_login(chair)
    response = client.put(f"{BASE}/decisions/order/", {"papers": papers}, "application/json")
    assert response.status_code == 400
    assert "papers" in response.json()


@pytest.mark.parametrize("body", [[None, None], "AAA", None, False, 0])
def test_an_extension_change_that_is_not_an_object_is_a_400(
    client: Any, submission: Submission, chair: Any, body: Any
) -> None:
    client.force_login(chair)
    created = client.post(
        f"{BASE}/extensions/", {"phase": "paper", "until": "2099-01-01T00:00:00Z", "paper": 1}, "application/json"
    )
    assert created.status_code == 201
    response = client.patch(f"{BASE}/extensions/{created.json()['id']}/", json.dumps(body), "application/json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"]
    assert Extension.objects.get().until.year == 2099


def test_a_review_form_level_without_its_value_is_a_400(client: Any, edition: Any, chair: Any) -> None:
    """A PATCH is partial down to the levels: a level without its value reached the service
    (a KeyError, a 500)."""
    client.force_login(chair)
    url = f"{BASE}/review-forms/review/fields/merit/"
    before = client.get(url).json()["levels"]
    response = client.patch(url, {"levels": [{"label": "Fine"}]}, "application/json")
    assert response.status_code == 400
    assert response.json() == {"levels": ["Each level needs a value and a label."]}
    assert client.get(url).json()["levels"] == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/editions/{edition_slug}/releases/"),
        ("put", "/api/editions/{edition_slug}/deadlines/"),
        ("get", "/api/editions/{edition_slug}/submissions/{number}/conflicts/"),
        ("put", "/api/editions/{edition_slug}/submissions/{number}/conflicts/"),
        ("get", "/api/editions/{edition_slug}/submissions/{number}/files/"),
    ],
)
def test_plain_lists_are_not_described_as_pages(schema: dict[str, Any], method: str, path: str) -> None:
    answer = schema["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer["type"] == "array"
    names = [p["name"] for p in schema["paths"][path][method].get("parameters", [])]
    assert "limit" not in names
    assert "offset" not in names


def test_an_invitation_without_an_area_is_described(schema: dict[str, Any]) -> None:
    area = schema["components"]["schemas"]["Invitation"]["properties"]["area"]
    assert {"$ref": "#/components/schemas/BlankEnum"} in area["oneOf"]


def test_every_operation_describes_the_errors_every_request_can_get(schema: dict[str, Any]) -> None:
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            responses = operation["responses"]
            assert {"401", "403", "429"} <= responses.keys(), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            if method != "get":  # a service may refuse a change, body or not
                assert "400" in responses, (method, path)


def test_an_operations_own_400_still_allows_the_input_errors(schema: dict[str, Any]) -> None:
    bulk = schema["paths"]["/api/editions/{edition_slug}/invitations/bulk/"]["post"]["responses"]["400"]
    assert bulk["content"]["application/json"]["schema"]["anyOf"] == [
        {"$ref": "#/components/schemas/BulkRefusal"},
        {"$ref": "#/components/schemas/InputErrors"},
    ]

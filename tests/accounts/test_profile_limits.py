"""The profile's free-text fields (keywords, publications, institutional domains) have limits:
the page shows the error at the field, the API answers 400 naming it, the service refuses."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.services import profile_update
from mlsys_conf.limits import INSTITUTIONAL_DOMAINS_MAX, PROFILE_KEYWORDS_MAX, PUBLICATIONS_MAX

pytestmark = pytest.mark.django_db

TOO_LONG = {
    "keywords": "k" * (PROFILE_KEYWORDS_MAX + 1),
    "publications": "p" * (PUBLICATIONS_MAX + 1),
    "institutional_domains": "a.example.org\n" * (INSTITUTIONAL_DOMAINS_MAX // 14 + 1),
}
LIMITS = {
    "keywords": PROFILE_KEYWORDS_MAX,
    "publications": PUBLICATIONS_MAX,
    "institutional_domains": INSTITUTIONAL_DOMAINS_MAX,
}


@pytest.mark.parametrize("field", sorted(TOO_LONG))
def test_the_api_answers_400_naming_the_field(client: Any, author: Any, field: str) -> None:
    client.force_login(author)
    response = client.patch("/api/me/", {field: TOO_LONG[field]}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {field: [f"Ensure this field has no more than {LIMITS[field]} characters."]}
    author.refresh_from_db()
    assert getattr(author, field) == ""


@pytest.mark.parametrize("field", sorted(TOO_LONG))
def test_the_page_shows_the_error_at_the_field(client: Any, author: Any, field: str) -> None:
    client.force_login(author)
    page = client.get(reverse("accounts:profile"))
    assert f'maxlength="{LIMITS[field]}"' in page.content.decode()
    data = {"first_name": "Ada", "last_name": "Lovelace", field: TOO_LONG[field]}
    response = client.post(reverse("accounts:profile"), data)
    html = response.content.decode()
    assert f"Ensure this value has at most {LIMITS[field]} characters" in html
    assert f'name="{field}"' in html.split("Ensure this value has at most")[1][:2000]  # the error sits at its field
    author.refresh_from_db()
    assert getattr(author, field) == ""


def test_the_service_refuses_over_long_publications(author: Any) -> None:
    with pytest.raises(ValidationError, match=f"at most {PUBLICATIONS_MAX} characters"):
        profile_update(user=author, publications="p" * (PUBLICATIONS_MAX + 1))


def test_within_the_limits_the_profile_saves(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.patch(
        "/api/me/", {"publications": "p" * PUBLICATIONS_MAX, "keywords": "systems, ML"}, content_type="application/json"
    )
    assert response.status_code == 200
    author.refresh_from_db()
    assert len(author.publications) == PUBLICATIONS_MAX

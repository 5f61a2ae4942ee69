"""Personal API tokens, through HTTP: made on the profile page or with a session, shown once,
stored hashed, accepted for reads and CSRF-free writes, refused alike when unknown, revoked,
expired or owned by an unverified or inactive account, and throttled per client IP."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from accounts.services import api_token_create
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

ME = "/api/me/"
TOKENS = "/api/tokens/"
REFUSED = {"detail": "Invalid, expired or revoked API token."}


def token_for(user: Any, **kwargs: Any) -> str:
    return api_token_create(user=user, name="script", **kwargs)[1]


def bearer(secret: str, keyword: str = "Bearer") -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"{keyword} {secret}"}


# --- Made on the profile page, shown once, stored hashed --------------------------------------


def test_the_profile_page_makes_a_token_and_shows_it_once(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.post(reverse("accounts:token_create"), {"name": "CI upload", "expires_in_days": "30"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    secret = re.search(r'<code id="new-token-secret">(mlsys_[\w-]+)</code>', html)
    assert secret, html
    token = ApiToken.objects.get(user=author)
    assert token.name == "CI upload"
    assert token.digest == hashlib.sha256(secret.group(1).encode()).hexdigest()
    assert secret.group(1) not in {token.digest, token.prefix}
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)

    later = client.get(reverse("accounts:profile")).content.decode()
    assert secret.group(1) not in later
    assert token.prefix in later
    assert "CI upload" in later


def test_the_profile_page_revokes_a_token(client: Any, author: Any) -> None:
    secret = token_for(author)
    client.force_login(author)
    token = ApiToken.objects.get(user=author)
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
    assert "is revoked" in response.content.decode()
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert Client().get(ME, **bearer(secret)).status_code == 401


def test_nobody_revokes_someone_elses_token_from_the_page(client: Any, author: Any, outsider: Any) -> None:
    token_for(author)
    client.force_login(outsider)
    response = client.post(reverse("accounts:token_revoke", args=[ApiToken.objects.get(user=author).pk]))
    assert response.status_code == 404
    assert ApiToken.objects.filter(user=author).exists()


# --- A token signs API requests in ------------------------------------------------------------


@pytest.mark.parametrize("keyword", ["Bearer", "Token", "bearer"])
def test_a_token_reads_as_its_owner(author: Any, keyword: str) -> None:
    response = Client().get(ME, **bearer(token_for(author), keyword))
    assert response.status_code == 200
    assert response.json()["email"] == "author@example.org"
    assert ApiToken.objects.get(user=author).last_used_at is not None


def test_a_token_writes_without_csrf(author: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.patch(
        ME, {"affiliation": "ETH Zurich"}, content_type="application/json", **bearer(token_for(author))
    )
    assert response.status_code == 200
    author.refresh_from_db()
    assert author.affiliation == "ETH Zurich"


def test_a_token_does_not_open_the_web_pages(author: Any) -> None:
    response = Client().get(reverse("accounts:profile"), **bearer(token_for(author)))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- Refused alike: unknown, revoked, expired, unverified or inactive owner -------------------


def _refused(secret: str) -> None:
    response = Client().get(ME, **bearer(secret))
    assert response.status_code == 401
    assert response.json() == REFUSED
    assert response["WWW-Authenticate"] == 'Token realm="api"'


def test_an_unknown_token_is_refused(author: Any) -> None:
    token_for(author)
    _refused("mlsys_" + "x" * 43)
    _refused("not even the shape")


def test_a_revoked_token_is_refused_like_an_unknown_one(client: Any, author: Any) -> None:
    secret = token_for(author)
    client.force_login(author)
    token_id = client.get(TOKENS).json()[0]["id"]
    assert client.delete(f"{TOKENS}{token_id}/").status_code == 204
    _refused(secret)


def test_an_expired_token_is_refused(author: Any) -> None:
    secret = token_for(author, expires_at=timezone.now() + timedelta(minutes=5))
    ApiToken.objects.filter(user=author).update(expires_at=timezone.now() - timedelta(seconds=1))
    _refused(secret)


def test_the_token_of_an_unverified_account_is_refused(db: Any) -> None:
    squatter = UserFactory(email="squatter@example.org", verified=False)
    _refused(token_for(squatter))


def test_the_token_of_a_deactivated_account_is_refused(author: Any) -> None:
    secret = token_for(author)
    author.is_active = False
    author.save(update_fields=["is_active"])
    _refused(secret)


# --- Throttled per client IP ------------------------------------------------------------------


def test_wrong_tokens_from_one_address_are_throttled(settings: Any, author: Any) -> None:
    settings.FAILED_LOGINS_PER_IP = 3
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for guess in range(3):
        assert attacker.get(ME, **bearer(f"mlsys_guess{guess}")).status_code == 401
    throttled = attacker.get(ME, **bearer("mlsys_guess3"))
    assert throttled.status_code == 429
    assert "Retry-After" in throttled
    # Past the limit even a right token gets the same 429: a hit would not stand out.
    secret = token_for(author)
    assert attacker.get(ME, **bearer(secret)).status_code == 429
    # Another address is not held back.
    assert Client(REMOTE_ADDR="198.51.100.2").get(ME, **bearer(secret)).status_code == 200


def test_right_tokens_are_not_counted(settings: Any, author: Any) -> None:
    settings.FAILED_LOGINS_PER_IP = 2
    secret = token_for(author)
    client = Client(REMOTE_ADDR="203.0.113.8")
    assert all(client.get(ME, **bearer(secret)).status_code == 200 for _ in range(5))


# --- The REST endpoints -----------------------------------------------------------------------


def test_a_session_makes_a_token_through_the_api(author: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    client.get(reverse("accounts:profile"))  # the page sets the CSRF cookie
    response = client.post(
        TOKENS,
        {"name": "notebook", "expires_at": None},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"id", "name", "prefix", "created_at", "expires_at", "last_used_at", "token"}
    assert body["token"].startswith(body["prefix"])
    assert Client().get(ME, **bearer(body["token"])).json()["email"] == author.email
    listed = client.get(TOKENS).json()
    assert [t["name"] for t in listed] == ["notebook"]
    assert "token" not in listed[0]
    assert "digest" not in listed[0]


def test_a_session_without_csrf_cannot_make_a_token(author: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(author)
    assert client.post(TOKENS, {"name": "x"}, content_type="application/json").status_code == 403
    assert not ApiToken.objects.exists()


def test_a_token_cannot_make_another(author: Any) -> None:
    response = Client().post(
        TOKENS, {"name": "longer-lived"}, content_type="application/json", **bearer(token_for(author))
    )
    assert response.status_code == 403
    assert "signed in on the site" in response.json()["detail"]
    assert ApiToken.objects.filter(user=author).count() == 1


def test_a_token_lists_and_revokes_itself(author: Any) -> None:
    secret = token_for(author)
    client = Client()
    listed = client.get(TOKENS, **bearer(secret)).json()
    assert [t["name"] for t in listed] == ["script"]
    assert client.delete(f"{TOKENS}{listed[0]['id']}/", **bearer(secret)).status_code == 204
    assert client.get(TOKENS, **bearer(secret)).status_code == 401


def test_nobody_sees_or_revokes_someone_elses_tokens(client: Any, author: Any, outsider: Any) -> None:
    token_for(author)
    client.force_login(outsider)
    assert client.get(TOKENS).json() == []
    assert client.delete(f"{TOKENS}{ApiToken.objects.get(user=author).pk}/").status_code == 404
    assert ApiToken.objects.filter(user=author).exists()


def test_an_expiry_in_the_past_is_a_400(client: Any, author: Any) -> None:
    client.force_login(author)
    response = client.post(
        TOKENS,
        {"name": "x", "expires_at": (timezone.now() - timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "expires_at" in response.json()


def test_anonymous_callers_see_no_tokens(db: Any) -> None:
    assert Client().get(TOKENS).status_code == 403


def test_the_schema_offers_session_and_token_but_no_basic(client: Any) -> None:
    import yaml

    schema = yaml.safe_load(client.get("/api/schema/").content)
    schemes = schema["components"]["securitySchemes"]
    assert set(schemes) == {"cookieAuth", "apiToken"}
    assert schemes["apiToken"]["scheme"] == "bearer"
    assert schema["paths"]["/api/tokens/"]["post"]["security"] == [{"cookieAuth": []}]
    assert {"cookieAuth": []} in schema["paths"]["/api/me/"]["get"]["security"]
    assert {"apiToken": []} in schema["paths"]["/api/me/"]["get"]["security"]

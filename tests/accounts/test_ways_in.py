"""Every way in needs a verified address and honours the failed-login throttle: no HTTP Basic
on the API, no second password form at /admin/login/, no session for an unverified account."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.test import Client
from django.urls import reverse

from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def basic(email: str, password: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()}


# --- HTTP Basic -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/api/me/", "/api/editions/"])
def test_basic_auth_with_the_right_password_gets_a_401_and_no_data(edition: Any, author: Any, url: str) -> None:
    response = Client().get(url, **basic(author.email, PASSWORD))
    assert response.status_code == 401
    assert set(response.json()) == {"detail"}
    assert "HTTP Basic authentication is not accepted" in response.json()["detail"]


def test_basic_auth_cannot_write(author: Any) -> None:
    response = Client().patch(
        "/api/me/", {"affiliation": "Hacked"}, content_type="application/json", **basic(author.email, PASSWORD)
    )
    assert response.status_code == 401
    author.refresh_from_db()
    assert author.affiliation == "Example University"


# --- The admin has no password form of its own -------------------------------------------------


def test_the_admin_login_sends_visitors_to_the_site_sign_in(client: Any) -> None:
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next=%2Fadmin%2Faccounts%2Fuser%2F"


def test_the_admin_index_ends_at_the_site_sign_in(client: Any) -> None:
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_passwords_posted_to_the_admin_login_sign_nobody_in(client: Any, admin_user: Any) -> None:
    for _ in range(20):
        response = client.post("/admin/login/", {"username": admin_user.email, "password": "password"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_site_sign_in_throttles_failed_passwords(client: Any, admin_user: Any) -> None:
    """Where the admin login leads: after 5 wrong passwords for an address, even the right one
    is refused for a while (allauth's login_failed limit)."""
    for _ in range(5):
        client.post(reverse("account_login"), {"login": admin_user.email, "password": "wrong-guess"})
    response = client.post(reverse("account_login"), {"login": admin_user.email, "password": "password"})
    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signed_in_staff_go_on_to_the_admin(client: Any, admin_user: Any) -> None:
    client.force_login(admin_user)
    assert client.get("/admin/login/")["Location"] == reverse("admin:index")
    assert client.get("/admin/").status_code == 200


def test_signed_in_non_staff_are_refused_at_the_admin_login(client: Any, author: Any) -> None:
    client.force_login(author)
    assert client.get("/admin/login/").status_code == 403
    assert client.post("/admin/login/", {"username": author.email, "password": PASSWORD}).status_code == 403


# --- No unverified account gets in --------------------------------------------------------------


def test_authenticate_refuses_an_unverified_account(db: Any) -> None:
    """Any password check other than allauth's own login (which then asks to confirm the address)."""
    UserFactory(email="squatter@example.org", verified=False)
    verified = UserFactory(email="real@example.org")
    assert authenticate(username="squatter@example.org", password=PASSWORD) is None
    assert authenticate(email="squatter@example.org", password=PASSWORD) is None
    assert authenticate(username="real@example.org", password=PASSWORD) == verified


def test_allauth_still_asks_an_unverified_account_to_confirm(client: Any) -> None:
    UserFactory(email="squatter@example.org", verified=False)
    response = client.post(reverse("account_login"), {"login": "squatter@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_a_session_of_an_unverified_account_is_not_signed_in(client: Any) -> None:
    squatter = UserFactory(email="squatter@example.org", verified=False)
    client.force_login(squatter)  # however a session came about, it does not count
    assert client.get("/api/me/").status_code == 403
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_a_deactivated_account_loses_its_session(client: Any, author: Any) -> None:
    client.force_login(author)
    assert client.get("/api/me/").status_code == 200
    author.is_active = False
    author.save(update_fields=["is_active"])
    assert client.get("/api/me/").status_code == 403

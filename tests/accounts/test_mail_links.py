"""allauth's mail names the site and links to settings.SITE_URL, not to the host the request
came in on (a mail read later must not point at 127.0.0.1:8000 or an internal name)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from outbox.models import Mail
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = "https://mlsys.example.org"


@pytest.fixture(autouse=True)
def public_address(settings: Any) -> None:
    settings.SITE_URL = PUBLIC
    settings.SITE_NAME = "MLSys 2027"


def links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_the_sign_up_confirmation_links_to_the_public_address(client: Any) -> None:
    client.post(
        reverse("account_signup"),
        {
            "email": "new.author@example.edu",
            "password1": "correct-horse-battery-2027",
            "password2": "correct-horse-battery-2027",
            "first_name": "Grace",
            "last_name": "Hopper",
            "affiliation": "Yale University",
        },
        HTTP_HOST="127.0.0.1",
    )
    body = Mail.objects.get(to_email="new.author@example.edu").body
    assert any(link.startswith(f"{PUBLIC}/accounts/confirm-email/") for link in links(body)), body
    assert all(link.startswith(PUBLIC) for link in links(body)), body
    assert "127.0.0.1" not in body
    assert "MLSys 2027" in body


def test_the_password_reset_mail_links_to_the_public_address(client: Any) -> None:
    UserFactory(email="forgetful@example.org")
    client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"}, HTTP_HOST="127.0.0.1")
    body = Mail.objects.get(to_email="forgetful@example.org").body
    assert any(link.startswith(f"{PUBLIC}/accounts/password/reset/key/") for link in links(body)), body
    assert "127.0.0.1" not in body
    assert "MLSys 2027" in body

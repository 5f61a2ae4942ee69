"""Where signing in lands: a safe ``next`` (the page the user came from), else the edition of the
user's most recent role that they may see, else the home page. Driven through allauth's form."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conferences.roles import RoleKind
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.conferences import EditionFactory

pytestmark = pytest.mark.django_db


def sign_in(user: Any, next_url: str | None = None) -> str:
    data = {"login": user.email, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    response = Client().post(reverse("account_login"), data)
    assert response.status_code == 302
    return str(response["Location"])


def test_a_safe_next_wins(edition: Any, pc_systems: Any) -> None:
    assert sign_in(pc_systems, next_url="/profile/") == "/profile/"


def test_an_offsite_next_is_ignored(edition: Any, pc_systems: Any) -> None:
    assert sign_in(pc_systems, next_url="https://evil.example.com/") == edition.get_absolute_url()


def test_without_next_the_edition_of_the_latest_role(edition: Any, pc_systems: Any) -> None:
    newer = EditionFactory(slug="mlsys2028", is_public=True)
    RoleFactory(edition=newer, user=pc_systems, kind=RoleKind.AE_MEMBER)
    assert sign_in(pc_systems) == newer.get_absolute_url()


def test_an_edition_the_user_cannot_see_is_not_the_landing(edition: Any, pc_systems: Any) -> None:
    hidden = EditionFactory(slug="mlsys2029", is_public=False)
    RoleFactory(edition=hidden, user=pc_systems, kind=RoleKind.AE_MEMBER)
    assert sign_in(pc_systems) == edition.get_absolute_url()


def test_without_a_role_home() -> None:
    assert sign_in(UserFactory()) == reverse("home")

"""Persona lookup for parametrised tests: one name per hat, resolved to a user.

The personas themselves are the fixtures of ``tests/conftest.py``; the superuser is
pytest-django's ``admin_user`` and the anonymous visitor is Django's ``AnonymousUser``.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client

PERSONAS = (
    "anonymous",
    "outsider",
    "author",
    "pc_systems",
    "pc_ml",
    "ae_member",
    "chair",
    "superuser",
)
FIXTURE_OF = {"superuser": "admin_user"}


def persona_user(request: pytest.FixtureRequest, name: str) -> Any:
    """The user behind persona ``name`` (``AnonymousUser`` for "anonymous")."""
    if name == "anonymous":
        return AnonymousUser()
    return request.getfixturevalue(FIXTURE_OF.get(name, name))


def others(*allowed: str) -> list[str]:
    """Every persona not in ``allowed``: the ones a rule must refuse."""
    return [p for p in PERSONAS if p not in allowed]


def client_for(user: Any) -> Client:
    """A test client signed in as ``user`` (no password needed)."""
    client = Client()
    client.force_login(user)
    return client

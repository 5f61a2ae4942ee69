"""Tokens that are the credential of an e-mailed link (a committee invitation, a request to
review one paper): random, unguessable, and unique in their table."""

from __future__ import annotations

import secrets

from django.db.models import Model

TOKEN_BYTES = 32  # 43 URL-safe characters


def unique_token(model: type[Model], field: str = "token") -> str:
    """A fresh, unguessable token that no row of ``model`` carries in ``field``."""
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if not model._default_manager.filter(**{field: token}).exists():
            return token

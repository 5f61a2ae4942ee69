"""With Redis away, the cache misses and drops writes instead of failing the request: signing in
(whose failures are counted in the cache) still works."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from django.urls import reverse

from tests.factories.accounts import PASSWORD, UserFactory

DEAD_REDIS = {
    "default": {
        "BACKEND": "mlsys_conf.cache.TolerantRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}


@override_settings(CACHES=DEAD_REDIS)
def test_a_cache_without_redis_misses_and_drops_writes() -> None:
    cache = caches.create_connection("default")
    assert cache.get("key", "fallback") == "fallback"
    assert cache.add("key", 1) is True  # fails open: a lock taken with add() is granted
    cache.set("key", 1)
    assert cache.get_many(["key"]) == {}
    assert cache.incr("key") == 0


@pytest.mark.django_db
def test_signing_in_works_while_redis_is_away(client: Client, settings: Any) -> None:
    user = UserFactory()
    settings.CACHES = DEAD_REDIS  # Django's test signals rebuild the cache handlers
    wrong = client.post(reverse("account_login"), {"login": user.email, "password": "wrong"})
    assert wrong.status_code == 200
    assert b"not correct" in wrong.content or b"incorrect" in wrong.content
    right = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert right.status_code == 302

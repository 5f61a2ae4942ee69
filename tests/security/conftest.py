"""The security tests share one world per module: built once inside a transaction that is
rolled back when the module ends, while each test still runs in its own savepoint (the
``db`` fixture), so what one request changes never leaks into the next test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from tests.security.world import World, build_world


@pytest.fixture(scope="module")
def world_media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("security-media")


@pytest.fixture(scope="module")
def world(django_db_setup: Any, django_db_blocker: Any, world_media: Path) -> Iterator[World]:
    fast = override_settings(MEDIA_ROOT=world_media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, world_media: Path) -> None:
    """Overrides the suite's per-test media folder: the world's paper file lives in the
    module's folder, and the file routes must find it."""
    settings.MEDIA_ROOT = world_media

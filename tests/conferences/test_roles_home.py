"""Roles are core: ``conferences.models.Role`` (kept in its old table), loaded by the Access
object itself, with no provider registered by an app above."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from conferences import access as access_module
from conferences.access import access_for
from conferences.models import Edition, Role
from conferences.roles import RoleKind
from tests.factories.accounts import UserFactory
from tests.factories.conferences import EditionFactory

BEFORE_THE_MOVE = [
    ("conferences", "0004_soft_close_and_releases"),
    ("committees", "0003_invitation_answers_and_reminders"),
]


@pytest.mark.django_db
def test_the_core_loads_roles_with_no_provider_registered(
    monkeypatch: pytest.MonkeyPatch, edition: Edition, chair: Any, pc_systems: Any
) -> None:
    monkeypatch.setattr(access_module, "_PROVIDERS", {})
    with CaptureQueriesContext(connection) as queries:
        member = access_for(pc_systems, edition)
    assert len(queries) == 1
    assert member.roles == {RoleKind.PC_MEMBER}
    assert not member.is_chair
    assert access_for(chair, edition).is_chair


@pytest.mark.django_db(transaction=True)
def test_the_move_keeps_the_rows_and_the_content_type_of_an_existing_database() -> None:
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state(BEFORE_THE_MOVE).apps
    content_types = old.get_model("contenttypes", "ContentType").objects
    content_types.filter(model="role").delete()  # as in a database made before the move
    old_type = content_types.create(app_label="committees", model="role")
    user, edition = UserFactory(), EditionFactory(slug="old2026")
    old.get_model("committees", "Role").objects.create(edition_id=edition.pk, user_id=user.pk, kind="pc_chair")

    MigrationExecutor(connection).migrate(latest)
    ContentType.objects.clear_cache()

    assert [(role.user, role.kind) for role in Role.objects.filter(edition=edition)] == [(user, RoleKind.PC_CHAIR)]
    assert ContentType.objects.get_for_model(Role).pk == old_type.pk
    assert access_for(user, edition).is_chair

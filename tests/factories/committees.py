from __future__ import annotations

import factory

from conferences.models import Area, Role
from conferences.roles import RoleKind
from tests.factories.accounts import UserFactory
from tests.factories.conferences import EditionFactory


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    edition = factory.SubFactory(EditionFactory)
    user = factory.SubFactory(UserFactory)
    kind = RoleKind.PC_MEMBER
    area = factory.LazyAttribute(lambda o: Area.SYSTEMS if o.kind in (RoleKind.PC_MEMBER, RoleKind.AREA_CHAIR) else "")

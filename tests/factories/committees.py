from __future__ import annotations

import factory

from committees.models import Role, RoleKind
from conferences.models import Area
from tests.factories.accounts import UserFactory
from tests.factories.conferences import EditionFactory


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    edition = factory.SubFactory(EditionFactory)
    user = factory.SubFactory(UserFactory)
    kind = RoleKind.PC_MEMBER
    area = factory.LazyAttribute(lambda o: Area.SYSTEMS if o.kind in (RoleKind.PC_MEMBER, RoleKind.AREA_CHAIR) else "")

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from conferences.models import Deadline, Edition, Phase


class EditionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Edition
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"mlsys{2030 + n}")
    name = factory.LazyAttribute(lambda o: f"MLSys {o.slug[-4:]}")
    time_zone = "America/Los_Angeles"


class DeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deadline

    edition = factory.SubFactory(EditionFactory)
    phase = Phase.PAPER_SUBMISSION
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

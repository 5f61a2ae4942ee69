from __future__ import annotations

import factory

from conferences.models import Topic
from submissions.models import Author, Submission
from tests.factories.conferences import EditionFactory


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    edition = factory.SubFactory(EditionFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Faker("sentence", nb_words=6)
    abstract = factory.Faker("paragraph", nb_sentences=5)
    topic = Topic.SYSTEMS


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    submission = factory.SubFactory(SubmissionFactory)
    position = factory.Sequence(lambda n: n + 1)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"author{n}@example.org")

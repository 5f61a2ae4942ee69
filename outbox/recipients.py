"""Recipient sets for the chairs' mail composer: a registry the apps above fill in.

Each app registers its sets in its ``AppConfig.ready()`` with :func:`register_recipient_set`:
a key, a label, the placeholders its mails may use, and ``build(edition, by)``, which returns
the :class:`Recipient` list (one per mail). A set about papers gives one recipient per
(paper, author), with the paper in the context.

A context holds plain values only (strings, numbers, lists and dicts of them), never model
objects: a template can only reach what the set put there. Each set declares its placeholders
and the composer refuses a template using any other (see :func:`outbox.rendering.undeclared`):
a set addressed to reviewers declares no author placeholder, so its mail cannot name authors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from django.conf import settings

from conferences.models import Edition

# Every set offers these: who the mail is to, and the edition.
COMMON_PLACEHOLDERS: Mapping[str, str] = MappingProxyType(
    {
        "recipient.name": "The recipient's name",
        "recipient.email": "The recipient's e-mail address",
        "edition.name": "The edition's name, e.g. MLSys 2027",
        "edition.url": "The address of the edition's page",
        "site_url": "The site's address",
    }
)


@dataclass(frozen=True)
class Recipient:
    """One mail: to ``email`` (and ``user``, when the address belongs to an account), with the
    values its placeholders take; ``paper_id`` names the paper a per-paper set mails about, and
    ``other_papers`` those a mail listing several names (the chairs conflicted with any of them
    are not shown the mail)."""

    email: str
    name: str
    context: dict[str, Any] = field(default_factory=dict)
    user: Any = None
    paper_id: int | None = None
    other_papers: tuple[int, ...] = ()

    @property
    def about(self) -> list[int]:
        """Every paper the mail is about."""
        return [*([self.paper_id] if self.paper_id is not None else []), *self.other_papers]


Builder = Callable[[Edition, Any], list[Recipient]]


@dataclass(frozen=True)
class StartingText:
    """A text the composer offers to start a mail to a set from (e.g. a decision letter): the
    chairs edit it before they preview and queue it."""

    key: str
    label: str
    subject: str
    body: str


@dataclass(frozen=True)
class RecipientSet:
    key: str
    label: str
    build: Builder
    placeholders: Mapping[str, str]  # dotted name -> what it is (the common ones included)
    description: str = ""
    starting_texts: tuple[StartingText, ...] = ()

    def starting_text(self, key: str) -> StartingText | None:
        return next((text for text in self.starting_texts if text.key == key), None)

    def recipients(self, edition: Edition, by: Any) -> list[Recipient]:
        return self.build(edition, by)


_REGISTRY: dict[str, RecipientSet] = {}


def register_recipient_set(
    key: str,
    label: str,
    build: Builder,
    *,
    placeholders: Mapping[str, str] | None = None,
    description: str = "",
    starting_texts: tuple[StartingText, ...] = (),
) -> RecipientSet:
    """Offer a recipient set to the composer (again with the same key: replaced, so a reloaded
    app registers once), with the texts a mail to it may start from."""
    recipient_set = RecipientSet(
        key=key,
        label=label,
        build=build,
        placeholders=MappingProxyType({**COMMON_PLACEHOLDERS, **(placeholders or {})}),
        description=description,
        starting_texts=starting_texts,
    )
    _REGISTRY[key] = recipient_set
    return recipient_set


def recipient_sets() -> list[RecipientSet]:
    """Every registered set, by label."""
    return sorted(_REGISTRY.values(), key=lambda s: s.label)


def recipient_set(key: str) -> RecipientSet | None:
    return _REGISTRY.get(key)


def common_context(edition: Edition, *, name: str, email: str) -> dict[str, Any]:
    """The values of :data:`COMMON_PLACEHOLDERS` for one recipient."""
    return {
        "recipient": {"name": name, "email": email},
        "edition": {"name": edition.name, "url": settings.SITE_URL + edition.get_absolute_url()},
        "site_url": settings.SITE_URL,
    }

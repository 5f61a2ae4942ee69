"""Reading the log: one edition's entries, filtered, without the papers a reader may not see."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Q, QuerySet

from actionlog.models import Action
from conferences.models import Edition


def actions_of(
    edition: Edition,
    *,
    hidden_paper_ids: Collection[int] = (),
    paper_id: int | None = None,
    person: str = "",
    action: str = "",
) -> QuerySet[Action]:
    """Entries of ``edition``, newest first. ``person`` matches the actor's or the concerned
    person's e-mail address or name; ``action`` matches the start of the action's name."""
    entries = Action.objects.filter(edition=edition).exclude(paper_id__in=list(hidden_paper_ids))
    if paper_id is not None:
        entries = entries.filter(paper_id=paper_id)
    if person:
        entries = entries.filter(_person_matches("actor", person) | _person_matches("person", person))
    if action:
        entries = entries.filter(action__startswith=action)
    return entries.select_related("actor", "person")


def _person_matches(field: str, text: str) -> Q:
    return (
        Q(**{f"{field}__email__icontains": text})
        | Q(**{f"{field}__first_name__icontains": text})
        | Q(**{f"{field}__last_name__icontains": text})
    )

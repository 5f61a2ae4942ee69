"""Reading the log: one edition's entries, filtered, without the papers a reader may not see.

An entry is about a paper through its ``paper_id``; an app above whose objects can be about
several papers (a mail listing some) registers which entries to hide with
:func:`register_hidden_entries` in its ``AppConfig.ready()``."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from actionlog.models import Action
from conferences.models import Edition
from mlsys_conf.limits import search_words

PAPER_NUMBER_MAX_DIGITS = 9  # a paper number, not any long run of digits

# name -> (hidden paper ids -> the entries to leave out besides those with such a ``paper_id``)
_HIDDEN_ENTRIES: dict[str, Callable[[Collection[int]], Q]] = {}


def register_hidden_entries(name: str, entries_about: Callable[[Collection[int]], Q]) -> None:
    """Also leave out, for a reader who may not see some papers, the entries ``entries_about``
    (given those papers' ids) matches: e.g. the outbox's entries about mail listing one of them."""
    _HIDDEN_ENTRIES[name] = entries_about


def actions_of(
    edition: Edition,
    *,
    hidden_paper_ids: Collection[int] = (),
    paper_id: int | None = None,
    person: str = "",
    action: str = "",
    search: str = "",
    papers: QuerySet[Any] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Action]:
    """Entries of ``edition``, newest first. ``person`` matches the actor's or the concerned
    person's e-mail address or name; ``action`` matches the start of the action's name.

    ``search``: every word must occur in the action's name, its note, the object's label, the
    actor's or concerned person's name or e-mail, or (given ``papers``, the edition's papers,
    which this app cannot import) the number or title of the paper the entry is about. One
    query whatever the number of words: the papers are a subquery. ``since``/``until`` bound
    the time (from inclusive, until exclusive). Entries about ``hidden_paper_ids`` are never
    returned, whatever matches."""
    entries = Action.objects.filter(edition=edition).exclude(paper_id__in=list(hidden_paper_ids))
    if hidden_paper_ids:
        for entries_about in _HIDDEN_ENTRIES.values():
            entries = entries.exclude(entries_about(hidden_paper_ids))
    if paper_id is not None:
        entries = entries.filter(paper_id=paper_id)
    if person:
        entries = entries.filter(_person_matches("actor", person) | _person_matches("person", person))
    if action:
        entries = entries.filter(action__startswith=action)
    for word in search_words(search):
        entries = entries.filter(_word_matches(word, papers))
    if since is not None:
        entries = entries.filter(created_at__gte=since)
    if until is not None:
        entries = entries.filter(created_at__lt=until)
    return entries.select_related("actor", "person")


def _person_matches(field: str, text: str) -> Q:
    return (
        Q(**{f"{field}__email__icontains": text})
        | Q(**{f"{field}__first_name__icontains": text})
        | Q(**{f"{field}__last_name__icontains": text})
    )


def _word_matches(word: str, papers: QuerySet[Any] | None) -> Q:
    match = (
        Q(action__icontains=word)
        | Q(note__icontains=word)
        | Q(target_label__icontains=word)
        | _person_matches("actor", word)
        | _person_matches("person", word)
    )
    if papers is not None:
        about = Q(title__icontains=word)
        number = word.removeprefix("#")
        if number.isdigit() and len(number) <= PAPER_NUMBER_MAX_DIGITS:
            about |= Q(number=int(number))
        match |= Q(paper_id__in=papers.filter(about).values("pk"))
    return match

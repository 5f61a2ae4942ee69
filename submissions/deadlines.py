"""The deadlines a paper or a person is held to: the edition's, or a chair's extension of them.

Extensions are rows (:class:`submissions.models.Extension`): one per phase, for one paper (any of
its input phases) or for one person (e.g. a reviewer's review deadline). They are read through
``submission.extensions.all()``, so a list that prefetches ``extensions`` asks no more queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.utils import timezone

from conferences.models import Edition, Phase
from conferences.phases import within_the_second
from conferences.services import DeadlinePassed, format_moment, require_phase_open
from submissions.models import Extension, Submission


def _latest(extensions: Iterable[Extension], phase: Phase) -> Extension | None:
    return max((e for e in extensions if e.phase == phase), key=lambda e: e.until, default=None)


def _require_open(
    edition: Edition, phase: Phase, find_extension: Callable[[], Extension | None], now: datetime
) -> None:
    """The edition's window, else the extension ``find_extension`` finds (asked only then)."""
    try:
        require_phase_open(edition, phase, now=now)
    except DeadlinePassed:
        extension = find_extension()
        if extension is None:
            raise
        if within_the_second(now, extension.until):
            return
        whose = "of this paper" if extension.submission_id else "given to you"
        raise DeadlinePassed(
            f"The extended deadline {whose} passed at {format_moment(extension.until, edition)}."
        ) from None


def _person_extensions(edition_id: int, phase: Phase, user: Any) -> list[Extension]:
    if not getattr(user, "pk", None):
        return []
    return list(Extension.objects.filter(edition_id=edition_id, phase=phase, user=user))


def extension_for(submission: Submission, phase: Phase, user: Any = None) -> Extension | None:
    """The extension that holds for this paper (and, given ``user``, for that person): the later one."""
    return _latest([*submission.extensions.all(), *_person_extensions(submission.edition_id, phase, user)], phase)


def require_open_for(submission: Submission, phase: Phase, *, user: Any = None, now: datetime | None = None) -> None:
    """Raise :class:`DeadlinePassed` unless ``phase`` is open for this submission now, to the
    second: the edition's window, or an extension for this paper (or for ``user``, when given)."""
    _require_open(submission.edition, phase, lambda: extension_for(submission, phase, user), now or timezone.now())


def require_open_for_person(edition: Edition, phase: Phase, user: Any, *, now: datetime | None = None) -> None:
    """As :func:`require_open_for`, for a person's own input (a reviewer's reviews, a bid)."""

    def find() -> Extension | None:
        return _latest(_person_extensions(edition.pk, phase, user), phase)

    _require_open(edition, phase, find, now or timezone.now())


def why_closed(submission: Submission, phase: Phase, *, user: Any = None, now: datetime | None = None) -> str | None:
    try:
        require_open_for(submission, phase, user=user, now=now)
    except DeadlinePassed as closed:
        return closed.messages[0]
    return None

"""The deadlines a submission is held to: its edition's, or a chair's extension of them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from conferences.models import Phase
from conferences.phases import within_the_second
from conferences.services import DeadlinePassed, format_moment, require_phase_open
from submissions.models import Submission

EXTENDABLE = frozenset({Phase.PAPER_SUBMISSION, Phase.SUPPLEMENTARY_MATERIAL})


def require_open_for(submission: Submission, phase: Phase, *, now: datetime | None = None) -> None:
    """Raise :class:`DeadlinePassed` unless ``phase`` is open for this submission now, to the
    second. A chair's extension keeps the paper and supplementary phases open for one paper."""
    now = now or timezone.now()
    try:
        require_phase_open(submission.edition, phase, now=now)
    except DeadlinePassed:
        extended = submission.extended_until
        if phase in EXTENDABLE and extended is not None and within_the_second(now, extended):
            return
        if phase in EXTENDABLE and extended is not None:
            raise DeadlinePassed(
                f"The extended deadline of this paper passed at {format_moment(extended, submission.edition)}."
            ) from None
        raise


def why_closed(submission: Submission, phase: Phase, *, now: datetime | None = None) -> str | None:
    try:
        require_open_for(submission, phase, now=now)
    except DeadlinePassed as closed:
        return closed.messages[0]
    return None

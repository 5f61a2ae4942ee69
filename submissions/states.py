"""A submission's state: the moves allowed between states (one table), the one function that
makes a move, and the status each kind of viewer is shown.

Services decide *whether* the acting user may make a move (their policy); :func:`transition`
decides whether the move exists from the state the paper is in, makes it with one conditional
UPDATE (two concurrent requests never both move the same paper), and logs it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from actionlog.services import record_paper_action
from conferences.access import access_of
from conferences.models import ReleaseKind
from conferences.selectors import shows_released
from submissions.models import Submission, SubmissionState
from submissions.selectors import is_author

S = SubmissionState

TRANSITIONS: dict[SubmissionState, frozenset[SubmissionState]] = {
    S.ABSTRACT: frozenset({S.SUBMITTED, S.WITHDRAWN, S.DESK_REJECTED}),
    S.SUBMITTED: frozenset({S.WITHDRAWN, S.DESK_REJECTED, S.ACCEPTED, S.REJECTED}),
    S.WITHDRAWN: frozenset({S.ABSTRACT, S.SUBMITTED}),  # restored: with or without a PDF
    S.DESK_REJECTED: frozenset(),
    # A decision changed or taken back; or the paper withdrawn while its decision is not released
    # (refusing would tell its authors a decision exists: ``policy.can_withdraw_submission``).
    S.ACCEPTED: frozenset({S.REJECTED, S.SUBMITTED, S.WITHDRAWN}),
    S.REJECTED: frozenset({S.ACCEPTED, S.SUBMITTED, S.WITHDRAWN}),
}

_WORDS = {
    S.ABSTRACT: "has no PDF yet",
    S.SUBMITTED: "is submitted",
    S.WITHDRAWN: "is withdrawn",
    S.DESK_REJECTED: "was desk rejected",
    S.ACCEPTED: "is accepted",
    S.REJECTED: "is rejected",
}


def why_not_move(state: str, to: SubmissionState) -> str | None:
    """Why a paper in ``state`` can't move to ``to``, or ``None`` when it can."""
    if to in TRANSITIONS[SubmissionState(state)]:
        return None
    return f"This submission {_WORDS[SubmissionState(state)]}; it can't become “{to.label.lower()}”."


def transition(submission: Submission, to: SubmissionState, *, by: Any, action: str, reason: str = "") -> Submission:
    """Move ``submission`` to ``to`` (refused with a ValidationError when the table has no such
    move from its current state), record ``action`` with the before/after of what changed, and
    return the fresh row. Call it inside the service's transaction."""
    before = Submission.objects.get(pk=submission.pk)
    refusal = why_not_move(before.state, to)
    if refusal:
        raise ValidationError(refusal)
    fields: dict[str, Any] = {"state": to}
    if to == S.WITHDRAWN:
        fields["withdrawn_at"] = timezone.now()
    if to == S.DESK_REJECTED or reason:
        fields["state_reason"] = reason
    moved = Submission.objects.filter(pk=before.pk, state=before.state).update(updated_at=timezone.now(), **fields)
    if not moved:  # another request moved it first
        raise ValidationError("This submission changed meanwhile; reload the page and try again.")
    after = Submission.objects.select_related("edition").get(pk=before.pk)
    changes = {f: (getattr(before, f), getattr(after, f)) for f in fields if getattr(before, f) != getattr(after, f)}
    record_paper_action(after, actor=by, action=action, changes=changes, note=reason)
    return after


# --- What each viewer is shown -----------------------------------------------------------------


class Viewer(enum.Enum):
    AUTHOR = "author"
    PC = "pc"
    CHAIR = "chair"


@dataclass(frozen=True)
class Status:
    code: str  # for exports and the API
    label: str  # for people
    tone: str  # the badge's CSS class: open, upcoming, closed

    @property
    def badge(self) -> str:
        return f"badge {self.tone}"


_SHOWN: dict[SubmissionState, dict[Viewer, Status]] = {
    S.ABSTRACT: {
        Viewer.AUTHOR: Status("abstract", "abstract only: upload the PDF", "upcoming"),
        Viewer.PC: Status("abstract", "abstract only", "upcoming"),
        Viewer.CHAIR: Status("abstract", "abstract", "upcoming"),
    },
    S.SUBMITTED: {
        Viewer.AUTHOR: Status("submitted", "PDF submitted", "open"),
        Viewer.PC: Status("submitted", "submitted", "open"),
        Viewer.CHAIR: Status("submitted", "submitted", "open"),
    },
}
_SAME_FOR_ALL = {
    S.WITHDRAWN: Status("withdrawn", "withdrawn", "closed"),
    S.DESK_REJECTED: Status("desk_rejected", "desk rejected", "closed"),
    S.ACCEPTED: Status("accepted", "accepted", "open"),
    S.REJECTED: Status("rejected", "rejected", "closed"),
}


def decision_is_shown(submission: Submission, now: datetime | None = None) -> bool:
    """Whether the paper's decision (if it has one) is shown to its authors and the PC: from
    the second the chairs' decisions release is due (:func:`conferences.selectors.is_released`),
    not only once the job has stamped ``decision_released_at``; a paper decided after the
    release is stamped at once."""
    if submission.decision_released_at is not None:
        return True
    return shows_released(submission.edition, ReleaseKind.DECISIONS, now)


def status_for(submission: Submission, viewer: Viewer) -> Status:
    """The status ``viewer`` is shown: a decided paper is shown as submitted to the authors and
    the PC until its decision is released; the chairs see it, marked as not released."""
    state = SubmissionState(submission.state)
    if state in _SHOWN:
        return _SHOWN[state][viewer]
    shown = _SAME_FOR_ALL[state]
    if state in (S.ACCEPTED, S.REJECTED) and not decision_is_shown(submission):
        if viewer is not Viewer.CHAIR:
            # Exactly as before the decision: any other word would tell that one was made.
            return _SHOWN[S.SUBMITTED][viewer]
        return Status(shown.code, f"{shown.label} (not released)", "upcoming")
    return shown


def viewer_of(user: Any, submission: Submission) -> Viewer:
    """Whose view of the status a page for ``user`` shows: the authors', the chairs' for a
    chair handling the paper, else the PC's (a chair conflicted with the paper sees no more of
    its decision than the PC does)."""
    if is_author(user, submission):
        return Viewer.AUTHOR
    return Viewer.CHAIR if access_of(user, submission.edition).manages(submission) else Viewer.PC

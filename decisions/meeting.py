"""The PC meeting, live: the chairs start it, move through the discussion order (the
decisions' :class:`~decisions.models.DiscussionPosition`), type in the decision on the paper
under discussion; every PC member present follows on a page that polls :func:`meeting_state`.

What each viewer is shown of the paper under discussion (HotCRP's meeting tracker):

- anyone conflicted with it (a chair too, and a PC member whose conflict is hidden from them) is
  told to leave the room and shown nothing else of it: its number and title only where they may
  see them anyway (a PC member sees every paper's title in the bidding list and on their
  conflicts page; a conflicted chair never sees the paper at all, as on the dashboard), never
  its area, scores, decision or who else leaves. A conflict hidden from its member is not named
  as a conflict: they are just asked to leave;
- only the chairs handling the paper see who must leave the room, and type in its decision;
- scores only as :mod:`reviews.visibility` lets the viewer read the reviews.

:func:`group_by_conflicts` orders papers so that conflicted members leave the room as little as
possible (a greedy grouping by the set of conflicted PC members).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from actionlog.services import record_action
from conferences.access import Access, access_of
from conferences.models import Edition, Topic
from decisions.models import Decision, DecisionCategory, DiscussionPosition, Meeting
from decisions.policy import can_attend_meeting, can_decide
from decisions.services import decision_set, order_set
from mlsys_conf.policy import require
from reviews import calibration
from reviews.models import FormKind
from reviews.reading import edition_fields
from reviews.selectors import paper_reviews
from reviews.visibility import can_view_review, reviewer_shown_as, sees_reviews
from submissions.models import Conflict, Submission

K = TypeVar("K", bound=Hashable)
_TOPICS = dict(Topic.choices)


def group_by_conflicts(papers: Sequence[tuple[K, frozenset[int]]]) -> list[K]:
    """The papers' keys in an order where the people in the room change as little as possible.

    ``papers``: (key, the conflicted members' ids) in the order wanted otherwise. Greedy: from
    an empty set of leavers, take next the paper whose conflicted set differs least from the
    current one (the members who leave plus those who come back), the earliest on a tie; so
    papers with the same set come together and overlapping sets follow each other."""
    remaining = list(papers)
    order: list[K] = []
    leavers: frozenset[int] = frozenset()
    while remaining:
        index = min(range(len(remaining)), key=lambda i: (len(remaining[i][1] ^ leavers), i))
        key, leavers = remaining.pop(index)
        order.append(key)
    return order


def room_changes(order: Sequence[frozenset[int]]) -> int:
    """How many times someone leaves or comes back along ``order`` (for the tests and the page)."""
    changes, leavers = 0, frozenset[int]()
    for conflicted in order:
        changes += len(conflicted ^ leavers)
        leavers = conflicted
    return changes


# --- Reading ------------------------------------------------------------------------------------


def open_meeting(edition: Edition) -> Meeting | None:
    return Meeting.objects.filter(edition=edition, ended_at__isnull=True).select_related("current").first()


def discussion_order(edition: Edition) -> list[Submission]:
    """The papers of the discussion order, first to last."""
    positions = DiscussionPosition.objects.filter(submission__edition=edition).select_related(
        "submission", "submission__edition"
    )
    return [p.submission for p in positions.order_by("position", "submission__number")]


def conflicted_members(papers: Sequence[Submission]) -> dict[int, frozenset[int]]:
    """Paper id -> the ids of everyone conflicted with it (hidden conflicts too), one query."""
    found: dict[int, set[int]] = defaultdict(set)
    pairs = Conflict.objects.filter(submission__in=papers).values_list("submission_id", "user_id")
    for submission_id, user_id in pairs:
        found[submission_id].add(user_id)
    return {paper.pk: frozenset(found.get(paper.pk, ())) for paper in papers}


def _sees_title(access: Access, paper: Submission) -> bool:
    """A PC member sees every paper's title (bidding list, conflicts page); a chair conflicted
    with a paper never sees it (as on the dashboard)."""
    return not (access.is_chair and access.is_conflicted(paper))


def _leave_message(access: Access, paper: Submission) -> str:
    if access.sees_conflict(paper) or (access.is_chair and access.is_conflicted(paper)):
        return "You must leave the room: you have a conflict of interest with this paper."
    return "You must leave the room while this paper is discussed."  # a hidden conflict is not named


def _scores(access: Access, paper: Submission) -> list[dict[str, Any]] | None:
    facts = paper_reviews(paper)
    if not sees_reviews(access, facts):
        return None
    fields = edition_fields(paper.edition)
    key = calibration.merit_key(fields[FormKind.REVIEW])
    scores = []
    for review in facts.submitted:
        if review.is_meta or not can_view_review(access, facts, review):
            continue
        value = review.answers.get(key) if key else None
        if isinstance(value, int | float) and not isinstance(value, bool):
            scores.append({"reviewer": reviewer_shown_as(access, facts, review), "score": float(value)})
    return scores


def _leaving(paper: Submission) -> list[str]:
    users = Conflict.objects.filter(submission=paper).select_related("user").order_by("user__pk")
    return sorted(c.user.display_name for c in users)


def _current(access: Access, paper: Submission) -> dict[str, Any]:
    conflicted = access.is_conflicted(paper)
    shown = not conflicted or _sees_title(access, paper)
    current: dict[str, Any] = {
        "number": paper.number if shown else None,
        "title": paper.title if shown else None,
        "area": None,
        "must_leave": conflicted,
        "message": _leave_message(access, paper) if conflicted else "",
        "leaving": None,
        "scores": None,
        "decision": None,
        "can_decide": False,
    }
    if conflicted:
        return current
    current["area"] = _TOPICS.get(paper.topic, paper.topic)
    current["scores"] = _scores(access, paper)
    if access.manages(paper):
        decision = Decision.objects.filter(submission=paper).select_related("category").first()
        current["leaving"] = _leaving(paper)
        current["decision"] = decision.category.name if decision else ""
        current["can_decide"] = True
    return current


def meeting_state(user: Any, edition: Edition) -> dict[str, Any]:
    """What ``user`` is shown of the meeting (the page and its JSON alike)."""
    require(can_attend_meeting(user, edition))
    access = access_of(user, edition)
    meeting = open_meeting(edition)
    order = discussion_order(edition)
    decided = dict(
        Decision.objects.filter(submission__in=[p for p in order if access.manages(p)]).values_list(
            "submission_id", "category__name"
        )
    )
    current = meeting.current if meeting else None
    papers: list[dict[str, Any]] = []
    for paper in order:
        if not _sees_title(access, paper):
            papers.append({"number": None, "title": None, "current": paper == current, "decision": None})
            continue
        papers.append(
            {
                "number": paper.number,
                "title": paper.title,
                "current": paper == current,
                "decision": decided.get(paper.pk, "") if access.manages(paper) else None,
            }
        )
    return {
        "open": meeting is not None,
        "version": meeting.version if meeting else 0,
        "started_at": meeting.started_at.isoformat() if meeting else None,
        "is_chair": access.is_chair,
        "current": _current(access, current) if current else None,
        "order": papers,
    }


# --- Running it -----------------------------------------------------------------------------------


def _bump(meeting: Meeting) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(version=F("version") + 1)
    meeting.refresh_from_db(fields=["version"])


@transaction.atomic
def meeting_start(*, by: Any, edition: Edition) -> Meeting:
    """Open the edition's meeting (the open one if there is one), on the first paper of the
    discussion order."""
    require(can_decide(by, edition))
    meeting = open_meeting(edition)
    if meeting is not None:
        return meeting
    order = discussion_order(edition)
    try:
        with transaction.atomic():
            meeting = Meeting.objects.create(
                edition=edition, started_by=by, started_at=timezone.now(), current=order[0] if order else None
            )
    except IntegrityError:  # opened meanwhile by another chair
        found = open_meeting(edition)
        assert found is not None
        return found
    record_action(edition=edition, actor=by, action="meeting.started", target=meeting)
    return meeting


@transaction.atomic
def meeting_end(*, by: Any, meeting: Meeting) -> Meeting:
    require(can_decide(by, meeting.edition))
    if meeting.ended_at is None:
        meeting.ended_at = timezone.now()
        meeting.version += 1
        meeting.save(update_fields=["ended_at", "version"])
        record_action(edition=meeting.edition, actor=by, action="meeting.ended", target=meeting)
    return meeting


def _locked(meeting: Meeting) -> Meeting:
    fresh = Meeting.objects.select_for_update(of=("self",)).select_related("current", "edition").get(pk=meeting.pk)
    if fresh.ended_at is not None:
        raise ValidationError("The meeting has ended.")
    return fresh


@transaction.atomic
def meeting_set_current(*, by: Any, meeting: Meeting, submission: Submission) -> Meeting:
    """Discuss ``submission`` now: a paper of the discussion order (any chair), or any paper
    the chair handles."""
    require(can_decide(by, meeting.edition))
    meeting = _locked(meeting)
    in_order = DiscussionPosition.objects.filter(submission=submission).exists()
    if submission.edition_id != meeting.edition_id or not (
        in_order or access_of(by, meeting.edition).manages(submission)
    ):
        raise ValidationError("That paper is not in the discussion order.")
    if meeting.current_id != submission.pk:
        meeting.current = submission
        meeting.save(update_fields=["current"])
        _bump(meeting)
        record_action(
            edition=meeting.edition,
            actor=by,
            action="meeting.current_set",
            target=meeting,
            paper_id=submission.pk,
            note=f"#{submission.number}",
        )
    return meeting


def _step(by: Any, meeting: Meeting, offset: int) -> Meeting:
    require(can_decide(by, meeting.edition))
    order = discussion_order(meeting.edition)
    if not order:
        raise ValidationError("The discussion order is empty: set it on the decisions dashboard.")
    ids = [paper.pk for paper in order]
    current = Meeting.objects.filter(pk=meeting.pk).values_list("current_id", flat=True).first()
    if current in ids:
        index = min(max(ids.index(current) + offset, 0), len(ids) - 1)
    else:
        index = 0 if offset > 0 else len(ids) - 1
    return meeting_set_current(by=by, meeting=meeting, submission=order[index])


@transaction.atomic
def meeting_next(*, by: Any, meeting: Meeting) -> Meeting:
    """The next paper of the discussion order (the last one stays)."""
    return _step(by, meeting, 1)


@transaction.atomic
def meeting_previous(*, by: Any, meeting: Meeting) -> Meeting:
    return _step(by, meeting, -1)


@transaction.atomic
def meeting_decide(*, by: Any, meeting: Meeting, category: DecisionCategory, note: str = "") -> Decision:
    """The decision on the paper under discussion, typed in during the meeting (a chair
    conflicted with it gets the 404 of :func:`decisions.services.decision_set`)."""
    meeting = _locked(meeting)
    if meeting.current is None:
        raise ValidationError("No paper is under discussion.")
    decision = decision_set(by=by, submission=meeting.current, category=category, note=note)
    _bump(meeting)
    return decision


@transaction.atomic
def meeting_group_order(*, by: Any, edition: Edition) -> list[int]:
    """Regroup the discussion order (the papers the chair handles) by their conflicted members,
    so that they leave the room as little as possible."""
    require(can_decide(by, edition))
    access = access_of(by, edition)
    papers = [paper for paper in discussion_order(edition) if access.manages(paper)]
    if not papers:
        raise ValidationError("The discussion order is empty: set it on the decisions dashboard.")
    conflicted = conflicted_members(papers)
    by_pk = {paper.pk: paper for paper in papers}
    grouped = group_by_conflicts([(paper.pk, conflicted[paper.pk]) for paper in papers])
    order = order_set(by=by, edition=edition, submissions=[by_pk[pk] for pk in grouped])
    meeting = open_meeting(edition)
    if meeting is not None:
        _bump(meeting)
    return order

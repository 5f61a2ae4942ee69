"""Reminders of missing reviews, and the chairs' daily escalation summary.

A reviewer with a committed review assignment whose review is not submitted hears from us once
when their round's deadline is ``ReviewSettings.reminder_days_before`` days away, then every day
after the deadline while a review is missing (until the discussion closes, or
:data:`REMIND_FOR_AFTER` has passed). Each PC chair gets a daily summary after a deadline of the
papers still lacking reviews, grouped by the missing reviewer's area, with their names, leaving
out the papers the chair may not see (a conflict): :func:`reviews.visibility.sees_reviews` decides.

Every mail's dedupe key names the person and the day (in the edition's time zone; after the
deadline, the day each 24 hours since it began), so the job may run every hour, twice, or on two
workers at once: nobody is mailed twice in a day, nor twice around a midnight.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assignments.models import Assignment, AssignmentKind
from committees.selectors import committee_of
from conferences.access import access_for
from conferences.models import Area, Edition, Phase
from conferences.roles import RoleKind
from conferences.selectors import edition_timeline
from conferences.services import format_moment
from outbox.models import Mail
from outbox.selectors import mail_was_queued
from outbox.services import mail_queue_template
from reviews.models import Review, ReviewKind, ReviewRound, ReviewState
from reviews.selectors import current_round, papers_reviews, round_closes_at, settings_of
from reviews.visibility import is_author_view, sees_reviews
from submissions.models import ACTIVE_STATES, Submission

# After the deadline, reminders and summaries go out daily until the discussion phase closes,
# or for this long when the edition has no discussion deadline.
REMIND_FOR_AFTER = timedelta(days=14)
REMINDER = "reviews/mail/missing_reviews"
ESCALATION = "reviews/mail/missing_reviews_summary"
_AREA_WORDS = dict(Area.choices)
_AREA_ORDER = {value: position for position, value in enumerate(Area.values)}


@dataclass
class Missing:
    """One review a reviewer owes: the paper, and when its round closes."""

    submission: Submission
    reviewer: Any
    area: str
    closes_at: datetime


@dataclass
class _Owed:
    reviewer: Any
    missing: list[Missing] = field(default_factory=list)


def _day(now: datetime, edition: Edition) -> date:
    return now.astimezone(edition.zone).date()


def _late_day(closes_at: datetime, now: datetime) -> datetime:
    """When the current day of lateness began: late mail comes every 24 hours counted from the
    deadline, not at each local midnight (one mail just before midnight and the next just after
    would be two in half an hour)."""
    return closes_at + timedelta(days=(now - closes_at) // timedelta(days=1))


def _reminder_prefix(edition: Edition, user: Any) -> str:
    return f"review-reminder:{edition.pk}:{user.pk}:"


def _reminder_key(edition: Edition, user: Any, now: datetime) -> str:
    return f"{_reminder_prefix(edition, user)}{_day(now, edition).isoformat()}"


def _summary_key(edition: Edition, user: Any, now: datetime) -> str:
    return f"review-summary:{edition.pk}:{user.pk}:{_day(now, edition).isoformat()}"


def _stops_at(edition: Edition, closes_at: datetime) -> datetime:
    """When daily reminders about a deadline stop: the discussion's close, else two weeks on."""
    discussion = edition_timeline(edition).window(Phase.DISCUSSION)
    if discussion is not None and discussion.closes_at > closes_at:
        return discussion.closes_at
    return closes_at + REMIND_FOR_AFTER


def missing_reviews(edition: Edition) -> list[Missing]:
    """Every committed review assignment of an active paper without a submitted review, with the
    deadline of its round (the draft's round, else the current one); in a fixed number of queries."""
    rows = list(
        Assignment.objects.filter(
            submission__edition=edition,
            submission__state__in=ACTIVE_STATES,
            kind=AssignmentKind.REVIEW,
            is_committed=True,
        )
        .select_related("submission", "user")
        .order_by("submission__number", "pk")
    )
    if not rows:
        return []
    reviews = Review.objects.filter(submission__edition=edition).exclude(kind=ReviewKind.META)
    submitted = set(reviews.filter(state=ReviewState.SUBMITTED).values_list("submission_id", "reviewer_id"))
    drafts = reviews.filter(state=ReviewState.DRAFT).values_list("submission_id", "reviewer_id", "round_id")
    draft_rounds = {(submission_id, reviewer_id): round_id for submission_id, reviewer_id, round_id in drafts}
    rounds = {r.pk: r for r in ReviewRound.objects.filter(edition=edition).select_related("edition")}
    default_round = current_round(edition)
    rounds.setdefault(default_round.pk, default_round)
    closes = {pk: round_closes_at(r) for pk, r in rounds.items()}
    areas = dict(
        edition.roles.exclude(area="").filter(user_id__in={a.user_id for a in rows}).values_list("user_id", "area")
    )
    missing = []
    for assignment in rows:
        pair = (assignment.submission_id, assignment.user_id)
        if pair in submitted:
            continue
        closes_at = closes.get(draft_rounds.get(pair, default_round.pk))
        if closes_at is None:
            continue
        missing.append(Missing(assignment.submission, assignment.user, areas.get(assignment.user_id, ""), closes_at))
    return missing


def _reminded_since(edition: Edition, user: Any, moment: datetime) -> bool:
    """Whether a reminder went to ``user`` on the day of ``moment`` or later (the keys' dates
    say it; ISO dates sort as text)."""
    prefix = _reminder_prefix(edition, user)
    return Mail.objects.filter(
        dedupe_key__startswith=prefix, dedupe_key__gte=f"{prefix}{_day(moment, edition).isoformat()}"
    ).exists()


def _is_due(item: Missing, edition: Edition, days_before: int, now: datetime) -> bool:
    """Whether the review's deadline calls for a reminder now: once within ``days_before`` days
    of it (if not reminded since that moment), and every day after it until reminders stop."""
    if item.closes_at <= now:
        return now < _stops_at(edition, item.closes_at)
    if days_before <= 0:
        return False
    starts = item.closes_at - timedelta(days=days_before)
    return starts <= now and not _reminded_since(edition, item.reviewer, starts)


def _paper_url(edition: Edition, submission: Submission) -> str:
    return settings.SITE_URL + reverse(
        "reviews:paper", kwargs={"edition_slug": edition.slug, "number": submission.number}
    )


def _paper_line(edition: Edition, item: Missing) -> dict[str, Any]:
    return {
        "number": item.submission.number,
        "title": item.submission.title,
        "url": _paper_url(edition, item.submission),
        "moment": format_moment(item.closes_at, edition),
        "late": None,
    }


def remind_reviewers(edition: Edition, now: datetime, missing: list[Missing]) -> int:
    """Queue today's reminder to each reviewer owing a review that is due; returns how many."""
    days_before = settings_of(edition).reminder_days_before
    owed: dict[int, _Owed] = {}
    for item in missing:
        owed.setdefault(item.reviewer.pk, _Owed(item.reviewer)).missing.append(item)
    queued = 0
    for entry in owed.values():
        late = [item.closes_at for item in entry.missing if item.closes_at <= now]
        key = _reminder_key(edition, entry.reviewer, _late_day(min(late), now) if late else now)
        if mail_was_queued(key) or not any(_is_due(item, edition, days_before, now) for item in entry.missing):
            continue
        papers = []
        for item in entry.missing:
            line = _paper_line(edition, item)
            line["late"] = item.closes_at <= now
            papers.append(line)
        mail_queue_template(
            REMINDER,
            {
                "edition": edition,
                "reviewer": entry.reviewer,
                "papers": papers,
                "late": any(line["late"] for line in papers),
                "url": settings.SITE_URL + reverse("reviews:mine", kwargs={"edition_slug": edition.slug}),
            },
            to_email=entry.reviewer.email,
            about=[item.submission for item in entry.missing],
            to_user=entry.reviewer,
            edition=edition,
            dedupe_key=key,
        )
        queued += 1
    return queued


def escalate_to_chairs(edition: Edition, now: datetime, missing: list[Missing]) -> int:
    """Queue today's summary of late reviews to each PC chair, without the papers they may not
    see; a chair with nothing to read gets no mail. Returns how many were queued."""
    late = [item for item in missing if item.closes_at <= now < _stops_at(edition, item.closes_at)]
    if not late:
        return 0
    facts = papers_reviews({item.submission.pk: item.submission for item in late}.values())
    queued = 0
    for role in committee_of(edition, RoleKind.PC_CHAIR):
        chair = role.user
        key = _summary_key(edition, chair, _late_day(min(item.closes_at for item in late), now))
        if mail_was_queued(key):
            continue
        access = access_for(chair, edition)
        by_area: defaultdict[str, dict[int, dict[str, Any]]] = defaultdict(dict)
        for item in late:
            facts_of = facts[item.submission.pk]
            if is_author_view(access, facts_of) or not (
                access.manages(item.submission) and sees_reviews(access, facts_of)
            ):
                continue  # conflicted, or an author: nothing of the paper's reviews, not even who is late
            paper = by_area[item.area].setdefault(item.submission.pk, _paper_line(edition, item) | {"missing": []})
            paper["missing"].append(item.reviewer.display_name)
        if not by_area:
            continue
        areas = [
            {"name": _AREA_WORDS.get(area, "No area"), "papers": list(papers.values())}
            for area, papers in sorted(by_area.items(), key=lambda pair: _AREA_ORDER.get(pair[0], len(_AREA_ORDER)))
        ]
        mail_queue_template(
            ESCALATION,
            {
                "edition": edition,
                "chair": chair,
                "areas": areas,
                "count": len({pk for papers in by_area.values() for pk in papers}),
                "url": settings.SITE_URL + reverse("reviews:progress", kwargs={"edition_slug": edition.slug}),
            },
            to_email=chair.email,
            about=[pk for papers in by_area.values() for pk in papers],
            to_user=chair,
            edition=edition,
            dedupe_key=key,
        )
        queued += 1
    return queued


def editions_reviewing(now: datetime) -> list[Edition]:
    """Editions whose reviewing phase has a deadline and has begun (its window opened)."""
    editions = Edition.objects.filter(deadlines__phase=Phase.REVIEWING).distinct().prefetch_related("deadlines")
    result = []
    for edition in editions:
        window = edition_timeline(edition).window(Phase.REVIEWING)
        if window is not None and (window.opens_at is None or window.opens_at <= now):
            result.append(edition)
    return result


def remind_missing_reviews(now: datetime | None = None) -> int:
    """The job: reminders to reviewers and summaries to chairs in every edition under review.
    Returns how many mails were queued (none on a second run the same day)."""
    now = now or timezone.now()
    queued = 0
    for edition in editions_reviewing(now):
        missing = missing_reviews(edition)
        if missing:
            queued += remind_reviewers(edition, now, missing)
            queued += escalate_to_chairs(edition, now, missing)
    return queued

"""Mail about phases: the chairs hear when a phase closes, the people a deadline concerns are
reminded a day before it. Each mail has a dedupe key, so a job run twice mails once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils import timezone

from committees.selectors import committee_of
from conferences.models import Deadline, Edition, Phase
from conferences.roles import RoleKind
from conferences.services import format_moment
from outbox.services import mail_queue_template
from submissions.models import ACTIVE_STATES, Author, AuthorDispute, FileKind, SubmissionFile
from submissions.selectors import submission_counts

LOOKBACK = timedelta(days=2)
REMIND_BEFORE = timedelta(hours=24)

Recipient = tuple[str, Any]  # (e-mail address, user or None)


def _committee(*kinds: RoleKind) -> Callable[[Edition], Iterable[Recipient]]:
    def recipients(edition: Edition) -> Iterable[Recipient]:
        return ((role.user.email, role.user) for role in committee_of(edition, *kinds))

    return recipients


def _contact_authors(*, without_paper: bool) -> Callable[[Edition], Iterable[Recipient]]:
    def recipients(edition: Edition) -> Iterable[Recipient]:
        disputed = AuthorDispute.objects.filter(submission=OuterRef("submission"), email=OuterRef("email"))
        authors = (
            Author.objects.filter(submission__edition=edition, submission__state__in=ACTIVE_STATES, is_contact=True)
            .exclude(Exists(disputed))  # "I am not an author": no more mail about that paper
            .select_related("user")
        )
        if without_paper:
            # One subquery: exclude() across a multi-valued relation would match the two
            # conditions on different files (a rejected paper plus an accepted supplement).
            with_paper = SubmissionFile.objects.filter(kind=FileKind.PAPER, is_accepted=True)
            authors = authors.exclude(submission__in=with_paper.values("submission_id"))
        return {(a.email, a.user) for a in authors}

    return recipients


# Who a deadline concerns. Phases not listed here send no reminder.
AUDIENCE: dict[Phase, Callable[[Edition], Iterable[Recipient]]] = {
    Phase.PAPER_SUBMISSION: _contact_authors(without_paper=True),
    Phase.AUTHOR_RESPONSE: _contact_authors(without_paper=False),
    Phase.BIDDING: _committee(*RoleKind.where("bids")),
    Phase.REVIEWING: _committee(*RoleKind.where("reviews")),
    Phase.DISCUSSION: _committee(*RoleKind.where("reviews")),
    Phase.ARTIFACT_EVALUATION: _committee(*RoleKind.where("evaluates_artifacts")),
}


SUBMISSION_PHASES = frozenset({Phase.ABSTRACT_REGISTRATION, Phase.PAPER_SUBMISSION, Phase.SUPPLEMENTARY_MATERIAL})


def _context(deadline: Deadline) -> dict[str, Any]:
    edition = deadline.edition
    context = {
        "edition": edition,
        "deadline": deadline,
        "moment": format_moment(deadline.closes_at, edition),
        "site_url": settings.SITE_URL,
    }
    if deadline.phase in SUBMISSION_PHASES:
        context["counts"] = submission_counts(edition)
    return context


def _key(kind: str, deadline: Deadline, email: str) -> str:
    # The deadline's time is part of the key: a moved deadline is announced again.
    return f"{kind}:{deadline.pk}:{int(deadline.closes_at.timestamp())}:{email.lower()}"


def announce_closed_phases(now: datetime | None = None) -> int:
    """Queue one mail per chair for each deadline that passed within LOOKBACK."""
    now = now or timezone.now()
    queued = 0
    recent = Deadline.objects.filter(closes_at__lte=now, closes_at__gt=now - LOOKBACK).select_related("edition")
    for deadline in recent:
        for chair in committee_of(deadline.edition, RoleKind.PC_CHAIR):
            mail_queue_template(
                "conferences/mail/phase_closed",
                _context(deadline),
                to_email=chair.user.email,
                about=None,
                to_user=chair.user,
                edition=deadline.edition,
                dedupe_key=_key("phase-closed", deadline, chair.user.email),
            )
            queued += 1
    return queued


def send_deadline_reminders(now: datetime | None = None) -> int:
    """Remind the people a deadline concerns, once, when it is less than a day away."""
    now = now or timezone.now()
    queued = 0
    upcoming = Deadline.objects.filter(
        closes_at__gt=now, closes_at__lte=now + REMIND_BEFORE, phase__in=[p.value for p in AUDIENCE]
    ).select_related("edition")
    for deadline in upcoming:
        for email, user in AUDIENCE[Phase(deadline.phase)](deadline.edition):
            mail_queue_template(
                "conferences/mail/deadline_reminder",
                _context(deadline),
                to_email=email,
                about=None,
                to_user=user,
                edition=deadline.edition,
                dedupe_key=_key("reminder", deadline, email),
            )
            queued += 1
    return queued

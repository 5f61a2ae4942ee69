"""Reminders of artifact evaluation, sent by the periodic jobs of :mod:`artifacts.tasks`.

- Registration: when the artifact registration deadline is less than :data:`REMIND_BEFORE`
  away, each author of an accepted paper (acceptance released) with no artifact registered yet
  hears from us once.
- Evaluation: when the artifact evaluation deadline is less than :data:`REMIND_BEFORE` away,
  each evaluator with a committed artifact assignment whose evaluation is not submitted gets one
  mail listing those artifacts (none once the badges of that artifact are released).

Each mail's dedupe key names the deadline's time and the person: the job may run every hour,
twice, or on two workers at once, and mails each person once per deadline (a moved deadline is
reminded again)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from artifacts.models import Artifact, Evaluation, EvaluationStatus
from artifacts.policy import acceptance_is_released
from assignments.models import Assignment, AssignmentKind
from conferences.models import Deadline, Phase
from conferences.services import format_moment
from outbox.services import mail_queue_template
from submissions.models import Submission, SubmissionState

REMIND_BEFORE = timedelta(days=3)
REGISTRATION_MAIL = "artifacts/mail/registration_reminder"
EVALUATION_MAIL = "artifacts/mail/evaluation_reminder"


def _upcoming(phase: Phase, now: datetime) -> list[Deadline]:
    deadlines = Deadline.objects.filter(phase=phase, closes_at__gt=now, closes_at__lte=now + REMIND_BEFORE)
    return list(deadlines.select_related("edition"))


def _key(kind: str, deadline: Deadline, who: str) -> str:
    return f"artifact-{kind}:{deadline.pk}:{int(deadline.closes_at.timestamp())}:{who}"


def remind_registration(now: datetime | None = None) -> int:
    """Remind the authors of accepted papers without an artifact, once per deadline."""
    now = now or timezone.now()
    queued = 0
    for deadline in _upcoming(Phase.ARTIFACT_REGISTRATION, now):
        edition = deadline.edition
        papers = (
            Submission.objects.filter(edition=edition, state=SubmissionState.ACCEPTED)
            .exclude(pk__in=Artifact.objects.values("submission_id"))
            .select_related("edition")
            .prefetch_related("authors__user")
        )
        for paper in papers:
            if not acceptance_is_released(paper, now):
                continue
            url = settings.SITE_URL + reverse("artifacts:author", args=[edition.slug, paper.number])
            for author in paper.authors.all():
                context = {
                    "edition": edition,
                    "submission": paper,
                    "author": author,
                    "moment": format_moment(deadline.closes_at, edition),
                    "url": url,
                }
                mail_queue_template(
                    REGISTRATION_MAIL,
                    context,
                    to_email=author.email,
                    to_user=author.user,
                    edition=edition,
                    about=paper,
                    dedupe_key=_key("registration", deadline, f"{paper.pk}:{author.email.lower()}"),
                )
                queued += 1
    return queued


def remind_evaluation(now: datetime | None = None) -> int:
    """Remind each assigned evaluator of the artifacts they have not evaluated, once per deadline."""
    now = now or timezone.now()
    queued = 0
    for deadline in _upcoming(Phase.ARTIFACT_EVALUATION, now):
        edition = deadline.edition
        submitted = Evaluation.objects.filter(status=EvaluationStatus.SUBMITTED).values_list(
            "artifact_id", "evaluator_id"
        )
        done = set(submitted.filter(artifact__submission__edition=edition))
        artifacts = {
            a.submission_id: a
            for a in Artifact.objects.filter(submission__edition=edition)
            .exclude(badge_decision__released_at__isnull=False)
            .select_related("submission")
        }
        owed: dict[Any, list[Submission]] = defaultdict(list)
        assignments = Assignment.objects.filter(
            submission__edition=edition, kind=AssignmentKind.ARTIFACT, is_committed=True
        ).select_related("user")
        for assignment in assignments.order_by("submission__number"):
            artifact = artifacts.get(assignment.submission_id)
            if artifact is not None and (artifact.pk, assignment.user_id) not in done:
                owed[assignment.user].append(artifact.submission)
        url = settings.SITE_URL + reverse("artifacts:list", args=[edition.slug])
        for evaluator, papers in owed.items():
            context = {
                "edition": edition,
                "reviewer": {"name": evaluator.display_name},
                "papers": papers,
                "count": len(papers),
                "url": url,
            }
            mail_queue_template(
                EVALUATION_MAIL,
                context,
                to_email=evaluator.email,
                to_user=evaluator,
                edition=edition,
                about=papers,
                dedupe_key=_key("evaluation", deadline, str(evaluator.pk)),
            )
            queued += 1
    return queued

"""The artifact reminders: registration reminders to the authors of accepted papers without an
artifact, evaluation reminders to assigned evaluators without a submitted evaluation; each once
per deadline however often the job runs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from artifacts import badges, reminders, tasks
from artifacts.models import Artifact, Evaluation, EvaluationStatus
from conferences.models import Deadline, Phase
from outbox.models import Mail
from submissions.models import Submission
from tests.artifacts.conftest import assign

pytestmark = pytest.mark.django_db


def _closing_soon(deadline: Deadline) -> Deadline:
    deadline.closes_at = timezone.now() + timedelta(days=2)
    deadline.save()
    return deadline


def _mails(kind: str) -> list[str]:
    return sorted(Mail.objects.filter(dedupe_key__startswith=f"artifact-{kind}:").values_list("to_email", flat=True))


def test_registration_reminders_go_once_to_authors_without_an_artifact(
    accepted: Submission, registration: Deadline
) -> None:
    assert reminders.remind_registration() == 0  # ten days away: too early
    _closing_soon(registration)
    tasks.remind_artifact_registration.delay().get()
    tasks.remind_artifact_registration.delay().get()
    assert _mails("registration") == ["author@example.org", "coauthor@example.org"]
    mail = Mail.objects.filter(dedupe_key__startswith="artifact-registration:").first()
    assert mail is not None
    assert f"/submissions/{accepted.number}/artifact/" in mail.body
    # a moved deadline is reminded again
    registration.closes_at += timedelta(hours=1)
    registration.save()
    reminders.remind_registration()
    assert len(_mails("registration")) == 4


def test_no_registration_reminder_once_registered(artifact: Artifact, registration: Deadline) -> None:
    _closing_soon(registration)
    assert reminders.remind_registration() == 0
    Submission.objects.filter(pk=artifact.submission_id).update(decision_released_at=None)
    Artifact.objects.all().delete()
    assert reminders.remind_registration() == 0  # the acceptance is not released: nothing to say yet


def test_evaluation_reminders_go_once_to_evaluators_who_owe_an_evaluation(
    artifact: Artifact, ae_member: Any, ae_chair: Any, edition: Any
) -> None:
    assign(artifact, ae_member)
    deadline = Deadline.objects.create(
        edition=edition,
        phase=Phase.ARTIFACT_EVALUATION,
        opens_at=timezone.now() - timedelta(days=5),
        closes_at=timezone.now() + timedelta(days=2),
    )
    tasks.remind_artifact_evaluation.delay().get()
    tasks.remind_artifact_evaluation.delay().get()
    assert _mails("evaluation") == ["ae@example.org"]
    mail = Mail.objects.get(dedupe_key__startswith="artifact-evaluation:")
    assert f"#{artifact.submission.number}" in mail.body
    # submitted: no more reminders for it (at the deadline's next time)
    Evaluation.objects.create(
        artifact=artifact, evaluator=ae_member, status=EvaluationStatus.SUBMITTED, submitted_at=timezone.now()
    )
    deadline.closes_at += timedelta(hours=1)
    deadline.save()
    assert reminders.remind_evaluation() == 0


def test_no_evaluation_reminder_once_the_badges_are_released(
    artifact: Artifact, ae_member: Any, ae_chair: Any, edition: Any
) -> None:
    assign(artifact, ae_member)
    assign(artifact, ae_chair, committed=False)  # a draft assignment reminds nobody
    Deadline.objects.create(
        edition=edition,
        phase=Phase.ARTIFACT_EVALUATION,
        opens_at=timezone.now() - timedelta(days=5),
        closes_at=timezone.now() + timedelta(days=2),
    )
    badges.badges_decide(artifact=artifact, badges=["available"], by=ae_chair)
    badges.badges_release(edition=edition, by=ae_chair)
    assert reminders.remind_evaluation() == 0

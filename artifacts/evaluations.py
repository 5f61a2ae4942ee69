"""Evaluating artifacts: the edition's AE stage (kick-the-tires, then the full evaluation), the
anonymous thread of each artifact between its authors, its evaluators and the AE chairs, and
each assigned evaluator's evaluation form, one recommendation per requested badge with ACM's
checklists (v1.1).

Evaluators are named by letter, "Evaluator A/B/C", stable per artifact: in the order they were
assigned (committed ``artifact`` assignments), then anyone who evaluated or wrote on the thread
and is no longer assigned. Only the AE chairs handling the paper see names; the authors, and the
evaluators themselves, read letters, in pages, the API and mail alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from actionlog.services import record_action, record_paper_action
from artifacts import policy
from artifacts.models import (
    AEStage,
    Artifact,
    Badge,
    Evaluation,
    EvaluationStage,
    EvaluationStatus,
    Recommendation,
    ThreadMessage,
)
from assignments.models import Assignment, AssignmentKind
from conferences.access import access_of
from conferences.models import Edition
from mlsys_conf.limits import COMMENT_MAX_CHARS
from mlsys_conf.policy import require
from outbox.services import mail_queue_template
from reviews.markdown import render

# ACM's criteria (Artifact Review and Badging, version 1.1), as the checklist of each badge.
CHECKLISTS: dict[str, list[tuple[str, str]]] = {
    Badge.AVAILABLE: [
        ("archival", "Placed on a publicly accessible archival repository"),
        ("doi", "Has a DOI (or a link to the archival repository) that will not change"),
    ],
    Badge.FUNCTIONAL: [
        ("documented", "Documented: an inventory and sufficient description to exercise it"),
        ("consistent", "Consistent: relevant to the paper, contributes to its results"),
        ("complete", "Complete: every component relevant to the paper is included"),
        ("exercisable", "Exercisable: the scripts and software run and produce the results"),
    ],
    Badge.REUSABLE: [
        ("functional", "Meets every criterion of Functional"),
        ("structured", "Carefully documented and well structured, so others can reuse and repurpose it"),
    ],
    Badge.REPRODUCED: [
        ("main_results", "The paper's main results were obtained with the authors' artifact"),
    ],
}
CHAIRS_LABEL = "AE chairs"
AUTHORS_LABEL = "Authors"


# --- The AE stage ----------------------------------------------------------------------------


@transaction.atomic
def stage_set(*, edition: Edition, stage: str, by: Any) -> EvaluationStage:
    """The AE chairs move artifact evaluation to ``stage`` (any stage: they may step back)."""
    require(policy.can_set_ae_stage(by, edition))
    if stage not in AEStage.values:
        raise ValidationError({"stage": f"Not a stage: {stage}."})
    row, _ = EvaluationStage.objects.select_for_update().get_or_create(edition=edition)
    before = row.stage
    row.stage = stage
    row.changed_by = by
    row.save()
    changes = {"stage": (before, stage)}
    record_action(edition=edition, actor=by, action="artifact_stage.set", target=row, changes=changes)
    return row


# --- Evaluator letters -------------------------------------------------------------------------


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def evaluator_labels(artifact: Artifact) -> dict[int, str]:
    """User id -> "Evaluator A", stable per artifact (assignment order first)."""
    assigned = Assignment.objects.filter(
        submission=artifact.submission_id, kind=AssignmentKind.ARTIFACT, is_committed=True
    ).order_by("committed_at", "pk")
    order = list(dict.fromkeys(assigned.values_list("user_id", flat=True)))
    former = Evaluation.objects.filter(artifact=artifact).exclude(evaluator__in=order).order_by("pk")
    order += [pk for pk in former.values_list("evaluator_id", flat=True) if pk not in order]
    return {user_id: f"Evaluator {_letter(i)}" for i, user_id in enumerate(order)}


def author_user_ids(artifact: Artifact) -> set[int]:
    return set(artifact.submission.authors.filter(user__isnull=False).values_list("user_id", flat=True))


def shown_as(message: ThreadMessage, reader: Any, labels: dict[int, str], authors: set[int]) -> str:
    """How ``reader`` sees who wrote ``message``: names for the AE chairs handling the paper only."""
    if message.author_id in authors:
        return AUTHORS_LABEL
    label = labels.get(message.author_id, CHAIRS_LABEL) if message.author_id is not None else CHAIRS_LABEL
    if policy.handles_evaluation(reader, message.artifact) and message.author is not None:
        return f"{label} ({message.author.display_name})"
    return label


# --- The thread -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageItem:
    pk: int
    shown_as: str
    body: str
    html: SafeString
    fix_url: str
    created_at: datetime
    from_authors: bool


def thread_for(reader: Any, artifact: Artifact) -> list[MessageItem]:
    """The artifact's messages as ``reader`` sees them (ask ``can_read_artifact_thread`` first)."""
    labels = evaluator_labels(artifact)
    authors = author_user_ids(artifact)
    messages = ThreadMessage.objects.filter(artifact=artifact).select_related("author", "artifact__submission__edition")
    return [
        MessageItem(
            pk=m.pk,
            shown_as=shown_as(m, reader, labels, authors),
            body=m.body,
            html=render(m.body),
            fix_url=m.fix_url,
            created_at=m.created_at,
            from_authors=m.author_id in authors,
        )
        for m in messages
    ]


@transaction.atomic
def message_post(*, artifact: Artifact, body: str, by: Any, fix_url: str = "") -> ThreadMessage:
    """Write on the artifact's thread (its authors may add a link to a fix); the others on the
    thread get a mail each, through the outbox, naming the writer as they may see them."""
    require(policy.can_post_to_artifact_thread(by, artifact))
    body = str(body).strip()
    if not body:
        raise ValidationError({"body": "Write a message."})
    if len(body) > COMMENT_MAX_CHARS:
        raise ValidationError({"body": f"At most {COMMENT_MAX_CHARS} characters."})
    fix_url = str(fix_url).strip()
    if fix_url and by.pk not in author_user_ids(artifact):
        raise ValidationError({"fix_url": "Only the authors post fixes."})
    message = ThreadMessage(artifact=artifact, author=by, body=body, fix_url=fix_url)
    message.full_clean()
    message.save()
    record_paper_action(
        artifact.submission, actor=by, action="artifact_thread.posted", changes={"message": (None, message.pk)}
    )
    notify_message(message)
    return message


def notify_message(message: ThreadMessage) -> int:
    """Mail the message to the artifact's authors and assigned evaluators but its writer, each
    checked against the policy and shown the writer as they may see them. Returns the count."""
    artifact = message.artifact
    submission = artifact.submission
    edition = submission.edition
    labels = evaluator_labels(artifact)
    authors = author_user_ids(artifact)
    evaluators = set(
        Assignment.objects.filter(
            submission=submission, kind=AssignmentKind.ARTIFACT, is_committed=True
        ).values_list("user_id", flat=True)
    )
    sent = 0
    url = f"{settings.SITE_URL}{reverse('artifacts:thread', args=[edition.slug, submission.number])}#message-"
    for user in get_user_model().objects.filter(pk__in=(authors | evaluators) - {message.author_id}).order_by("pk"):
        if not policy.can_read_artifact_thread(user, artifact):
            continue
        mail_queue_template(
            "artifacts/mail/thread_message",
            {
                "edition": edition,
                "submission": submission,
                "shown_as": shown_as(message, user, labels, authors),
                "message": message,
                "url": f"{url}{message.pk}",
            },
            to_email=user.email,
            to_user=user,
            about=submission,
            edition=edition,
            dedupe_key=f"artifact-thread:{message.pk}:{user.pk}",
        )
        sent += 1
    return sent


# --- Evaluations ------------------------------------------------------------------------------


def checklist_for(artifact: Artifact) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(badge, its label, its checklist) for each badge the authors requested."""
    return [(badge, Badge(badge).label, CHECKLISTS[badge]) for badge in artifact.badges]


def _clean_badges(artifact: Artifact, badges: Any, submit: bool) -> dict[str, dict[str, Any]]:
    if not isinstance(badges, dict):
        raise ValidationError({"badges": "Give a recommendation per badge."})
    unknown = sorted(set(badges) - set(artifact.badges))
    if unknown:
        raise ValidationError({"badges": f"Not requested by the authors: {', '.join(map(str, unknown))}."})
    cleaned: dict[str, dict[str, Any]] = {}
    missing = []
    for badge in artifact.badges:
        given = badges.get(badge) or {}
        if not isinstance(given, dict):
            raise ValidationError({"badges": f"{Badge(badge).label}: give recommendation, checked and claims."})
        recommendation = str(given.get("recommendation") or "")
        if recommendation and recommendation not in Recommendation.values:
            raise ValidationError({"badges": f"{Badge(badge).label}: recommend award or deny."})
        keys = {key for key, _ in CHECKLISTS[badge]}
        checked = [str(key) for key in given.get("checked") or []]
        if set(checked) - keys:
            raise ValidationError({"badges": f"{Badge(badge).label}: no such criterion."})
        claims = str(given.get("claims") or "").strip() if badge == Badge.REPRODUCED else ""
        if not recommendation:
            missing.append(Badge(badge).label)
        elif submit and badge == Badge.REPRODUCED and recommendation == Recommendation.AWARD and not claims:
            raise ValidationError({"badges": "Results Reproduced: list the claims you checked."})
        cleaned[badge] = {
            "recommendation": recommendation,
            "checked": [key for key, _ in CHECKLISTS[badge] if key in checked],
            "claims": claims[:COMMENT_MAX_CHARS],
        }
    if submit and missing:
        raise ValidationError({"badges": f"Recommend for every badge requested: {', '.join(missing)}."})
    return cleaned


@dataclass(frozen=True)
class EvaluationInput:
    badges: dict[str, Any]
    comments_for_authors: str = ""
    comments_for_committee: str = ""
    distinguished: bool = False


def own_evaluation(artifact: Artifact, user: Any) -> Evaluation | None:
    return Evaluation.objects.filter(artifact=artifact, evaluator=user).first()


@transaction.atomic
def evaluation_save(
    *, artifact: Artifact, data: EvaluationInput, by: Any, submit: bool = False, now: datetime | None = None
) -> Evaluation:
    """The assigned evaluator saves their evaluation as a draft, or submits it (full evaluation
    only; every requested badge then needs a recommendation). A submitted one may be changed
    and stays submitted until the AE stage moves to decisions."""
    require(policy.can_save_evaluation(by, artifact))
    evaluation = Evaluation.objects.select_for_update().filter(artifact=artifact, evaluator=by).first()
    submit = submit or (evaluation is not None and evaluation.status == EvaluationStatus.SUBMITTED)
    if submit:
        require(policy.can_save_evaluation(by, artifact, submit=True))
    evaluation = evaluation or Evaluation(artifact=artifact, evaluator=by)
    before = evaluation.status if evaluation.pk else None
    evaluation.badges = _clean_badges(artifact, data.badges, submit)
    evaluation.comments_for_authors = str(data.comments_for_authors).strip()
    evaluation.comments_for_committee = str(data.comments_for_committee).strip()
    evaluation.distinguished = bool(data.distinguished)
    if submit and evaluation.status != EvaluationStatus.SUBMITTED:
        evaluation.status = EvaluationStatus.SUBMITTED
        evaluation.submitted_at = now or timezone.now()
    evaluation.full_clean()
    evaluation.save()
    record_paper_action(
        artifact.submission,
        actor=by,
        action="artifact_evaluation.saved",
        changes={"status": (before, evaluation.status)},
    )
    return evaluation


@dataclass(frozen=True)
class EvaluationView:
    """One evaluation as a reader sees it: the committee-only parts and the name only for the
    AE chairs handling the paper (None otherwise)."""

    label: str
    evaluator_name: str | None
    status: str
    badges: list[dict[str, Any]]
    comments_for_authors: str
    comments_for_committee: str | None
    distinguished: bool | None
    submitted_at: datetime | None


def evaluations_for(reader: Any, artifact: Artifact) -> list[EvaluationView]:
    """The evaluations ``reader`` may read (ask ``can_view_evaluations`` first): the AE chairs
    handling the paper, all of them whole; its authors, once released, the submitted ones with
    only the recommendations and the comments for authors; anyone else, none."""
    chairs = policy.handles_evaluation(reader, artifact)
    authors = (
        not chairs
        and access_of(reader, artifact.submission.edition).is_author(artifact.submission)
        and policy.evaluations_visible_to_authors(artifact)
    )
    if not (chairs or authors):
        return []
    labels = evaluator_labels(artifact)
    rows = Evaluation.objects.filter(artifact=artifact).select_related("evaluator")
    if not chairs:
        rows = rows.filter(status=EvaluationStatus.SUBMITTED)
    views = []
    for row in rows:
        badges = [
            {
                "badge": badge,
                "label": Badge(badge).label,
                "recommendation": given.get("recommendation", ""),
                "checked": given.get("checked", []),
                "claims": given.get("claims", ""),
            }
            for badge in artifact.badges  # ACM's order (JSONB keeps no order of keys)
            if isinstance(given := row.badges.get(badge), dict)
        ]
        views.append(
            EvaluationView(
                label=labels.get(row.evaluator_id, "Evaluator"),
                evaluator_name=row.evaluator.display_name if chairs else None,
                status=row.status,
                badges=badges,
                comments_for_authors=row.comments_for_authors,
                comments_for_committee=row.comments_for_committee if chairs else None,
                distinguished=row.distinguished if chairs else None,
                submitted_at=row.submitted_at,
            )
        )
    return sorted(views, key=lambda v: (len(v.label), v.label))

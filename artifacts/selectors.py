"""Read queries of artifact evaluation: each list holds only what its reader may see."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from artifacts.models import Artifact, EvaluatorHardware
from artifacts.policy import acceptance_is_released, can_view_artifact
from conferences.access import access_of
from conferences.models import Edition, Role
from conferences.roles import RoleKind
from submissions.models import FileKind, Submission, SubmissionFile, SubmissionState


def artifacts_of(edition: Edition) -> QuerySet[Artifact]:
    return Artifact.objects.filter(submission__edition=edition).select_related("submission__edition")


def visible_artifacts_for(user: Any, edition: Edition) -> list[Artifact]:
    """The artifacts ``user`` may see (one query; the policy reads the memoised Access)."""
    return [artifact for artifact in artifacts_of(edition) if can_view_artifact(user, artifact)]


def artifact_for(submission: Submission) -> Artifact | None:
    return Artifact.objects.filter(submission=submission).select_related("submission__edition").first()


def accepted_papers_of(user: Any, edition: Edition) -> list[Submission]:
    """The papers ``user`` wrote whose acceptance is released: those that may get an artifact."""
    authored = access_of(user, edition).authored
    papers = Submission.objects.filter(pk__in=authored, state=SubmissionState.ACCEPTED).select_related("edition")
    return [paper for paper in papers.order_by("number") if acceptance_is_released(paper)]


def current_appendix(submission: Submission) -> SubmissionFile | None:
    appendices = submission.files.filter(kind=FileKind.ARTIFACT_APPENDIX, is_accepted=True)
    return appendices.order_by("-uploaded_at").first()


def latest_appendix_upload(submission: Submission) -> SubmissionFile | None:
    """The newest appendix upload, accepted or not: what the author just tried."""
    return submission.files.filter(kind=FileKind.ARTIFACT_APPENDIX).order_by("-uploaded_at").first()


def hardware_of(user: Any, edition: Edition) -> EvaluatorHardware | None:
    return EvaluatorHardware.objects.filter(edition=edition, user=user).first()


def committee_hardware(edition: Edition) -> list[tuple[Any, EvaluatorHardware | None]]:
    """Every AE member of the edition with the hardware they offer (None: not said yet)."""
    members = [
        role.user
        for role in Role.objects.filter(edition=edition, kind=RoleKind.AE_MEMBER)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    ]
    offered = {h.user_id: h for h in EvaluatorHardware.objects.filter(edition=edition)}
    return [(member, offered.get(member.pk)) for member in members]

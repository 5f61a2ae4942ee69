"""The demo's artifact evaluation (``manage.py seed_demo --phase artifacts``): a third edition,
"MLSys 2027 (artifact evaluation)", after notification: six papers, five accepted with the
decision released, four with a registered artifact (the demo author's first among them), the AE
committee's hardware, two committed evaluators per artifact (none conflicted), the evaluation
under way (the AE stage at the full evaluation; on the demo author's artifact a kick-the-tires
question from its first evaluator and the authors' answer, and that evaluator's submitted
evaluation; a draft evaluation on the last artifact), badges decided and released on two
artifacts and decided but not released on a third. Written through the services where a person
would act (registering, hardware, stage, thread, evaluations, badges); assignments are created
directly, committed, as the assignment page would leave them. Idempotent like the rest."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from artifacts import badges as badge_services
from artifacts import evaluations as evaluation_services
from artifacts import policy as artifact_policy
from artifacts import services as artifact_services
from artifacts.models import (
    AEStage,
    Artifact,
    Badge,
    BadgeDecision,
    Evaluation,
    EvaluationStage,
    Recommendation,
    ThreadMessage,
)
from assignments.models import Assignment, AssignmentKind, AssignmentSource
from committees.services import role_grant
from conferences.models import Deadline, Edition, Phase
from conferences.roles import RoleKind
from site_pages.demo_editions import demo_edition
from submissions.models import Conflict, Submission, SubmissionState
from submissions.services import AuthorInput, submission_register

ARTIFACTS_SLUG = "mlsys2027-artifacts"
ARTIFACTS_NAME = "MLSys 2027 (artifact evaluation)"
PAPERS = 6
TIMELINE = {  # days from now; artifact registration still open, evaluation under way
    Phase.ABSTRACT_REGISTRATION: -120,
    Phase.PAPER_SUBMISSION: -113,
    Phase.REVIEWING: -70,
    Phase.NOTIFICATION: -20,
    Phase.ARTIFACT_REGISTRATION: 5,
    Phase.ARTIFACT_EVALUATION: 30,
    Phase.CAMERA_READY: 25,
}
HARDWARE: list[dict[str, Any]] = [
    {"gpu_type": "A100 80 GB", "gpu_count": 8, "cpu": "2 x EPYC 7763, 128 cores", "memory_gb": 1024},
    {"gpu_type": "RTX 4090", "gpu_count": 2, "cpu": "Ryzen 9 7950X, 16 cores", "memory_gb": 128},
    {"gpu_type": "", "gpu_count": 0, "cpu": "Xeon Gold 6338, 64 cores", "memory_gb": 512},
]
REQUESTED: list[list[str]] = [
    [Badge.AVAILABLE, Badge.REUSABLE, Badge.REPRODUCED],
    [Badge.AVAILABLE, Badge.FUNCTIONAL],
    [Badge.AVAILABLE, Badge.REUSABLE],
    [Badge.AVAILABLE, Badge.FUNCTIONAL, Badge.REPRODUCED],
]


def _moment(days: int) -> Any:
    return (timezone.now() + timedelta(days=days)).replace(hour=11, minute=59, second=59, microsecond=0)


def _edition(report: Any, chair: User) -> Edition:
    edition = demo_edition(
        report,
        chair,
        slug=ARTIFACTS_SLUG,
        name=ARTIFACTS_NAME,
        tagline="The demo edition in its artifact evaluation",
        starts_in_days=45,
    )
    for phase, days in TIMELINE.items():
        opens = _moment(-15) if phase in (Phase.ARTIFACT_REGISTRATION, Phase.ARTIFACT_EVALUATION) else None
        Deadline.objects.update_or_create(
            edition=edition, phase=phase, defaults={"closes_at": _moment(days), "opens_at": opens}
        )
    return edition


def _papers(report: Any, edition: Edition, records: list[dict], authors: list[User]) -> list[Submission]:
    """Registered when abstract registration was open (``now`` then), accepted but the last."""
    if not Submission.objects.filter(edition=edition).exists():
        then = _moment(TIMELINE[Phase.ABSTRACT_REGISTRATION] - 1)
        for index, record in enumerate(records[:PAPERS]):
            team = [authors[0], authors[5]] if index == 0 else [authors[index % len(authors)]]
            submission_register(
                edition=edition,
                title=record["title"],
                abstract=record["abstract"],
                topic=record["area"],
                keywords=record["keywords"],
                by=team[0],
                authors=[AuthorInput(a.display_name, a.email, a.affiliation, is_contact=(a == team[0])) for a in team],
                now=then,
            )
            report.created.append(f"submission {ARTIFACTS_SLUG} #{index + 1}")
        papers = Submission.objects.filter(edition=edition)
        released = _moment(TIMELINE[Phase.NOTIFICATION])
        papers.exclude(number=PAPERS).update(state=SubmissionState.ACCEPTED, decision_released_at=released)
        papers.filter(number=PAPERS).update(state=SubmissionState.REJECTED, decision_released_at=released)
    return list(Submission.objects.filter(edition=edition).select_related("edition").order_by("number"))


def _register(paper: Submission, requested: list[str]) -> Artifact:
    existing = Artifact.objects.filter(submission=paper).first()
    if existing is not None:
        return existing
    author = paper.authors.order_by("position").first()
    if author is None or author.user is None:  # not one of the demo's own papers
        raise ValueError(f"#{paper.number} has no author with an account")
    data = artifact_services.ArtifactInput(
        abstract=f"Code, data and scripts that reproduce the main results of “{paper.title}”.",
        repository_url=f"https://github.com/mlsys-demo/paper-{paper.number}",
        badges=requested,
        doi=f"10.5281/zenodo.{8000000 + paper.number}",
        hardware_needed="1 x A100 80 GB" if paper.number % 2 else "a laptop with 16 GB",
        time_needed=f"{2 * paper.number} h",
        access_instructions="Clone the repository and run ./reproduce.sh (details in the appendix).",
    )
    return artifact_services.artifact_save(submission=paper, data=data, by=author.user)


QUESTION = (
    "Kick-the-tires: `./reproduce.sh --quick` stops at the data download (HTTP 403 from the mirror). "
    "Is there another mirror, or should we use the archived copy on Zenodo?"
)
ANSWER = "The mirror moved; the script now falls back to the Zenodo copy. Pull the fix and run it again."


def _first_evaluator(artifact: Artifact) -> User | None:
    assignment = (
        Assignment.objects.filter(submission=artifact.submission, kind=AssignmentKind.ARTIFACT, is_committed=True)
        .select_related("user")
        .order_by("committed_at", "pk")
        .first()
    )
    return assignment.user if assignment else None


def _recommendations(artifact: Artifact, award: list[str], *, draft: bool = False) -> dict[str, Any]:
    """Per requested badge: award those in ``award``, deny the others (a draft leaves them open),
    with the checklist ticked for the awarded ones."""
    badges: dict[str, Any] = {}
    for badge, _, items in evaluation_services.checklist_for(artifact):
        awarded = badge in award
        recommendation = Recommendation.AWARD if awarded else ("" if draft else Recommendation.DENY)
        badges[badge] = {
            "recommendation": recommendation,
            "checked": [key for key, _ in items] if awarded else [],
            "claims": "Table 2 (throughput) within 5%; figure 4 not attempted." if badge == Badge.REPRODUCED else "",
        }
    return badges


def _evaluation_under_way(report: Any, edition: Edition, artifacts: list[Artifact], ae_chair: User) -> None:
    """The AE stage at the full evaluation, a thread with a question and its answer, one
    submitted and one draft evaluation (each only when none of its kind exists yet)."""
    if not EvaluationStage.objects.filter(edition=edition).exists():
        evaluation_services.stage_set(edition=edition, stage=AEStage.FULL_EVALUATION, by=ae_chair)
        report.created.append(f"artifact stage {ARTIFACTS_SLUG}")
    if not artifacts:
        return
    first, last = artifacts[0], artifacts[-1]
    evaluator = _first_evaluator(first)
    author = first.submission.authors.filter(user__isnull=False).order_by("position").first()
    stage_open = artifact_policy.ae_stage(edition) in artifact_policy.THREAD_STAGES
    if evaluator and author and stage_open and not ThreadMessage.objects.filter(artifact=first).exists():
        evaluation_services.message_post(artifact=first, body=QUESTION, by=evaluator)
        evaluation_services.message_post(
            artifact=first,
            body=ANSWER,
            fix_url=f"https://github.com/mlsys-demo/paper-{first.submission.number}/commit/4f2c9e1",
            by=author.user,
        )
        report.created.append(f"artifact thread {ARTIFACTS_SLUG} #{first.submission.number}")
    if Evaluation.objects.filter(artifact__submission__edition=edition).exists():
        return
    if evaluator and artifact_policy.can_save_evaluation(evaluator, first, submit=True):
        data = evaluation_services.EvaluationInput(
            badges=_recommendations(first, first.badges[:2]),
            comments_for_authors="The quick run reproduces table 2 after the mirror fix; the README is clear.",
            comments_for_committee="Solid artifact; the full run needs the 8-GPU machine.",
        )
        evaluation_services.evaluation_save(artifact=first, data=data, by=evaluator, submit=True)
        report.created.append(f"evaluation {ARTIFACTS_SLUG} #{first.submission.number} (submitted)")
    drafter = _first_evaluator(last) if last != first else None
    if drafter and artifact_policy.can_save_evaluation(drafter, last):
        data = evaluation_services.EvaluationInput(
            badges=_recommendations(last, last.badges[:1], draft=True),
            comments_for_authors="Started: the container builds; the experiments are still running.",
        )
        evaluation_services.evaluation_save(artifact=last, data=data, by=drafter)
        report.created.append(f"evaluation {ARTIFACTS_SLUG} #{last.submission.number} (draft)")


def seed_artifact_phase(
    report: Any, *, chair: User, ae_chair: User, members: list[User], authors: list[User], records: list[dict]
) -> Edition:
    """The artifact-evaluation edition. ``members`` are the AE members (three), ``authors`` the
    demo authors (the first is the demo author, an author of paper #1)."""
    edition = _edition(report, chair)
    role_grant(edition=edition, user=chair, kind=RoleKind.PC_CHAIR, by=chair)
    role_grant(edition=edition, user=ae_chair, kind=RoleKind.AE_CHAIR, by=chair)
    for member, hardware in zip(members, HARDWARE, strict=False):
        role_grant(edition=edition, user=member, kind=RoleKind.AE_MEMBER, by=chair)
        artifact_services.hardware_save(edition=edition, data=artifact_services.HardwareInput(**hardware), by=member)
    papers = _papers(report, edition, records, authors)
    artifacts = [_register(paper, requested) for paper, requested in zip(papers, REQUESTED, strict=False)]
    for index, artifact in enumerate(artifacts):
        conflicted = set(Conflict.objects.filter(submission=artifact.submission).values_list("user_id", flat=True))
        free = [m for m in members if m.pk not in conflicted]
        for evaluator in (free[index % len(free) :] + free[: index % len(free)])[:2] if free else []:
            _, created = Assignment.objects.get_or_create(
                submission=artifact.submission,
                user=evaluator,
                kind=AssignmentKind.ARTIFACT,
                defaults={
                    "source": AssignmentSource.MANUAL,
                    "is_committed": True,
                    "committed_at": timezone.now(),
                    "created_by": ae_chair,
                },
            )
            if created:
                report.created.append(f"assignment {ARTIFACTS_SLUG} #{artifact.submission.number} {evaluator.email}")
    _evaluation_under_way(report, edition, artifacts, ae_chair)
    if not BadgeDecision.objects.filter(artifact__submission__edition=edition).exists():
        decidable = [a for a in artifacts if artifact_policy.can_decide_badges(ae_chair, a)]
        for artifact in decidable[:2]:  # released: the authors, the committee and the public see them
            badge_services.badges_decide(
                artifact=artifact, badges=artifact.badges[:2], note="Thank you for a clean artifact.", by=ae_chair
            )
        if decidable[:2]:
            badge_services.badges_release(edition=edition, by=ae_chair)
        for artifact in decidable[2:3]:  # decided, not released: only the AE chair sees it
            badge_services.badges_decide(artifact=artifact, badges=[Badge.AVAILABLE], by=ae_chair)
        report.created.append(f"badges {ARTIFACTS_SLUG}")
    return edition

"""AE bidding and evaluator assignment (artifacts/bidding.py, artifacts/assignment.py): bids apart
from the PC's, the solver's hardware and conflict constraints, evaluators per artifact, commit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from actionlog.models import Action
from artifacts import assignment, bidding, policy
from artifacts.models import Artifact, ArtifactBid, EvaluatorHardware
from assignments.models import Assignment, AssignmentKind, AssignmentSource
from bidding.models import Bid, BidLevel
from conferences.access import forget_access
from conferences.models import Edition
from conferences.roles import RoleKind
from mlsys_conf.policy import PolicyDenied
from outbox.models import Mail
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission, SubmissionState
from tests.factories.committees import RoleFactory
from tests.factories.submissions import AuthorFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


def make_artifact(edition: Edition, number: int, hardware: str = "") -> Artifact:
    paper = SubmissionFactory(
        edition=edition, number=number, state=SubmissionState.ACCEPTED, decision_released_at=timezone.now()
    )
    return Artifact.objects.create(
        submission=paper,
        abstract="Scripts.",
        repository_url=f"https://example.org/a{number}",
        badges=["available"],
        hardware_needed=hardware,
        access_instructions=f"ssh eval@host{number}.example",
    )


def member(edition: Edition, name: str, *, gpus: int = 0, gpu_type: str = "") -> Any:
    user: Any = RoleFactory(edition=edition, kind=RoleKind.AE_MEMBER, user__email=f"{name}@ae.example").user
    EvaluatorHardware.objects.create(edition=edition, user=user, gpu_count=gpus, gpu_type=gpu_type)
    return user


@pytest.fixture
def committee(edition: Edition) -> dict[str, Any]:
    return {
        "a100": member(edition, "a100", gpus=8, gpu_type="A100 80 GB"),
        "h100": member(edition, "h100", gpus=8, gpu_type="H100"),
        "small": member(edition, "small", gpus=2, gpu_type="RTX 4090"),
        "cpu": member(edition, "cpu"),
    }


def evaluators_of(artifact: Artifact) -> set[int]:
    return set(
        Assignment.objects.filter(submission=artifact.submission, kind=AssignmentKind.ARTIFACT).values_list(
            "user_id", flat=True
        )
    )


def set_min(edition: Edition, by: Any, k: int, max_load: int = 0) -> None:
    assignment.ae_settings_save(edition=edition, min_evaluators=k, max_load=max_load, by=by)


@pytest.mark.parametrize(
    ("text", "count", "model"),
    [
        ("8 x A100, 80 GB each", 8, "a100"),
        ("2\u00d7H100", 2, "h100"),
        ("one GPU, 16 GB", 1, ""),
        ("4 GPUs", 4, ""),
        ("a laptop, 16 GB RAM, 8 cores", 0, ""),
        ("", 0, ""),
    ],
)
def test_hardware_needed_is_read_for_gpus(text: str, count: int, model: str) -> None:
    assert assignment.gpus_needed(text) == count
    assert assignment.gpu_model(text) == model


# --- Bids -------------------------------------------------------------------------------------


def test_ae_bids_are_kept_apart_from_pc_bids(edition: Edition, ae_member: Any) -> None:
    artifact = make_artifact(edition, 1)
    RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, user=ae_member)  # on both committees
    forget_access()
    Bid.objects.create(submission=artifact.submission, user=ae_member, level=BidLevel.VERY_LOW)
    assert [row.level for row in bidding.bidding_rows_for(ae_member, edition)] == [None]  # the PC bid is not it

    bidding.artifact_bid_set(artifact=artifact, level=BidLevel.VERY_HIGH, by=ae_member)
    assert Bid.objects.get(submission=artifact.submission, user=ae_member).level == BidLevel.VERY_LOW
    assert ArtifactBid.objects.get(artifact=artifact, user=ae_member).level == BidLevel.VERY_HIGH
    assert [row.level for row in bidding.bidding_rows_for(ae_member, edition)] == [BidLevel.VERY_HIGH]
    assert Action.objects.filter(action="artifact_bid.set", paper_id=artifact.submission_id).exists()

    bidding.artifact_bid_set(artifact=artifact, level=None, by=ae_member)
    assert not ArtifactBid.objects.exists()
    assert Bid.objects.filter(user=ae_member).count() == 1


def test_only_unconflicted_ae_members_bid(edition: Edition, ae_member: Any, outsider: Any) -> None:
    artifact = make_artifact(edition, 1)
    with pytest.raises(PolicyDenied, match="Only AE committee members"):
        bidding.artifact_bid_set(artifact=artifact, level=1, by=outsider)
    Conflict.objects.create(
        submission=artifact.submission, user=ae_member, reason=ConflictReason.OTHER, source=ConflictSource.CHAIR
    )
    forget_access()
    with pytest.raises(PolicyDenied, match="conflict"):
        bidding.artifact_bid_set(artifact=artifact, level=1, by=ae_member)
    assert bidding.bidding_rows_for(ae_member, edition) == []


def test_an_author_on_the_ae_does_not_bid_on_their_own_artifact(edition: Edition, ae_member: Any) -> None:
    artifact = make_artifact(edition, 1)
    AuthorFactory(submission=artifact.submission, position=1, email=ae_member.email, user=ae_member)
    forget_access()
    assert not policy.can_bid_on_artifact(ae_member, artifact)
    assert bidding.bidding_rows_for(ae_member, edition) == []


# --- The assignment ---------------------------------------------------------------------------


def test_gpus_are_a_hard_constraint_and_bids_do_not_override_it(
    edition: Edition, ae_chair: Any, committee: dict[str, Any]
) -> None:
    gpu = make_artifact(edition, 1, "8 x A100, 80 GB each")
    laptop = make_artifact(edition, 2, "a laptop")
    bidding.artifact_bid_set(artifact=gpu, level=BidLevel.VERY_HIGH, by=committee["small"])
    bidding.artifact_bid_set(artifact=gpu, level=BidLevel.VERY_HIGH, by=committee["cpu"])
    set_min(edition, ae_chair, 2)
    outcome = assignment.ae_assignment_run(edition=edition, by=ae_chair)
    assert outcome.drafts == 4
    assert evaluators_of(gpu) == {committee["a100"].pk, committee["h100"].pk}
    assert evaluators_of(laptop) == {committee["small"].pk, committee["cpu"].pk}
    assert not Assignment.objects.filter(is_committed=True).exists()  # a proposal until committed


def test_the_gpu_model_asked_for_is_a_bonus(edition: Edition, ae_chair: Any, committee: dict[str, Any]) -> None:
    gpu = make_artifact(edition, 1, "8 x A100")
    set_min(edition, ae_chair, 1)
    assignment.ae_assignment_run(edition=edition, by=ae_chair)
    assert evaluators_of(gpu) == {committee["a100"].pk}


def test_bids_steer_the_assignment(edition: Edition, ae_chair: Any, committee: dict[str, Any]) -> None:
    artifact = make_artifact(edition, 1, "2 GPUs")
    bidding.artifact_bid_set(artifact=artifact, level=BidLevel.VERY_HIGH, by=committee["small"])
    bidding.artifact_bid_set(artifact=artifact, level=BidLevel.VERY_LOW, by=committee["a100"])
    set_min(edition, ae_chair, 1)
    assignment.ae_assignment_run(edition=edition, by=ae_chair)
    assert evaluators_of(artifact) == {committee["small"].pk}


def test_conflicts_and_authors_are_never_assigned(edition: Edition, ae_chair: Any, committee: dict[str, Any]) -> None:
    artifact = make_artifact(edition, 1)
    Conflict.objects.create(
        submission=artifact.submission,
        user=committee["a100"],
        reason=ConflictReason.OTHER,
        source=ConflictSource.AUTHOR,
    )
    AuthorFactory(submission=artifact.submission, position=1, email=committee["h100"].email, user=committee["h100"])
    ArtifactBid.objects.create(artifact=artifact, user=committee["a100"], level=BidLevel.VERY_HIGH)
    set_min(edition, ae_chair, 2)
    assignment.ae_assignment_run(edition=edition, by=ae_chair)
    assert evaluators_of(artifact) == {committee["small"].pk, committee["cpu"].pk}


def test_every_artifact_gets_the_evaluators_asked_for(
    edition: Edition, ae_chair: Any, committee: dict[str, Any]
) -> None:
    artifacts = [make_artifact(edition, number) for number in range(1, 6)]
    assignment.ae_assignment_run(edition=edition, by=ae_chair)  # the default: 3 each
    assert [len(evaluators_of(a)) for a in artifacts] == [3] * 5
    loads = [Assignment.objects.filter(user=user).count() for user in committee.values()]
    assert sorted(loads) == [3, 4, 4, 4]  # 15 as even as possible over 4


def test_too_few_eligible_evaluators_is_refused_with_the_artifact(
    edition: Edition, ae_chair: Any, committee: dict[str, Any]
) -> None:
    make_artifact(edition, 7, "8 x H100")
    with pytest.raises(ValidationError) as refused:
        assignment.ae_assignment_run(edition=edition, by=ae_chair)  # 3 needed, 2 have 8 GPUs
    assert "the artifact of #7" in " ".join(refused.value.messages)
    assert "evaluator" in " ".join(refused.value.messages)
    assert not Assignment.objects.exists()


def test_a_rerun_replaces_drafts_and_keeps_committed_and_manual(
    edition: Edition, ae_chair: Any, committee: dict[str, Any]
) -> None:
    artifact = make_artifact(edition, 1)
    Assignment.objects.create(
        submission=artifact.submission,
        user=committee["cpu"],
        kind=AssignmentKind.ARTIFACT,
        source=AssignmentSource.MANUAL,
    )
    set_min(edition, ae_chair, 2)
    assignment.ae_assignment_run(edition=edition, by=ae_chair)
    assignment.ae_assignment_run(edition=edition, by=ae_chair)
    assert committee["cpu"].pk in evaluators_of(artifact)
    assert len(evaluators_of(artifact)) == 2


def test_only_ae_chairs_run_and_commit(edition: Edition, ae_member: Any, chair: Any) -> None:
    for who in (ae_member, chair):  # an AE member, and the PC chair (a PC role gives nothing here)
        with pytest.raises(PolicyDenied, match="AE chairs"):
            assignment.ae_assignment_run(edition=edition, by=who)
        with pytest.raises(PolicyDenied, match="AE chairs"):
            assignment.ae_assignments_commit(edition=edition, by=who)


def test_min_evaluators_is_bounded(edition: Edition, ae_chair: Any) -> None:
    with pytest.raises(ValidationError):
        set_min(edition, ae_chair, 0)
    assert assignment.ae_settings(edition).min_evaluators == 3


# --- Commit -----------------------------------------------------------------------------------


def test_commit_shows_access_instructions_and_mails_each_evaluator(
    edition: Edition, ae_chair: Any, committee: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    artifact = make_artifact(edition, 1)
    other = make_artifact(edition, 2)
    set_min(edition, ae_chair, 1)
    assignment.ae_assignment_run(edition=edition, by=ae_chair)
    (evaluator_id,) = evaluators_of(artifact)
    evaluator = next(user for user in committee.values() if user.pk == evaluator_id)
    assert not policy.can_see_access_instructions(evaluator, artifact)  # a draft shows nothing

    with django_capture_on_commit_callbacks(execute=True):
        assert assignment.ae_assignments_commit(edition=edition, by=ae_chair) == 2
    forget_access()
    assert policy.can_see_access_instructions(evaluator, artifact)
    (other_id,) = evaluators_of(other)
    if other_id != evaluator_id:
        assert not policy.can_see_access_instructions(evaluator, other)
    mails = Mail.objects.filter(to_email=evaluator.email)
    assert mails.count() == 1
    mail = mails.get()
    assert f"#{artifact.submission.number}" in mail.body
    assert artifact.submission_id in set(mail.papers.values_list("paper_id", flat=True))
    assert Action.objects.filter(action="assignment.committed", paper_id=artifact.submission_id).count() == 1


def test_a_conflicted_ae_chair_leaves_the_commit_to_another(
    edition: Edition, ae_chair: Any, committee: dict[str, Any]
) -> None:
    artifact = make_artifact(edition, 1)
    theirs = make_artifact(edition, 2)
    set_min(edition, ae_chair, 1)
    assignment.ae_assignment_run(edition=edition, by=ae_chair)
    Conflict.objects.create(
        submission=theirs.submission, user=ae_chair, reason=ConflictReason.OTHER, source=ConflictSource.AUTHOR
    )
    forget_access()
    assert [row.artifact for row in assignment.proposal_for(ae_chair, edition)] == [artifact]
    assert assignment.ae_assignments_commit(edition=edition, by=ae_chair) == 1
    assert not Assignment.objects.get(submission=theirs.submission).is_committed
    with pytest.raises(PolicyDenied, match="conflict"):
        assignment.ae_assignment_remove(assignment=Assignment.objects.get(submission=theirs.submission), by=ae_chair)


def test_pc_assignments_are_untouched(
    edition: Edition, ae_chair: Any, committee: dict[str, Any], submission: Submission, pc_systems: Any
) -> None:
    review = Assignment.objects.create(submission=submission, user=pc_systems, source=AssignmentSource.SOLVER)
    make_artifact(edition, 2)
    assignment.ae_assignment_run(edition=edition, by=ae_chair)
    assignment.ae_assignments_commit(edition=edition, by=ae_chair)
    review.refresh_from_db()
    assert not review.is_committed
    assert review.kind == AssignmentKind.REVIEW

"""Who may register, see and change artifacts, their access instructions, and the AE
committee's hardware. Only AE roles (and authorship) count here: a PC role, the PC chair's
included, gives nothing, so one person's PC and AE roles never leak into each other.

- Authors of a paper whose acceptance is released register and edit its artifact (and upload
  its appendix) until the artifact registration deadline, or their paper's extension of it;
  they see their own artifact, always.
- AE chairs see every artifact except those of papers they wrote or are conflicted with.
- AE members see the registered artifacts (not those they are conflicted with), without the
  access instructions, which only the evaluators assigned to the artifact (committed
  assignments of kind ``artifact``) and the AE chairs read.
- The author of paper A who sits on the AE committee sees A's artifact only as its author.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from artifacts.models import AEStage, Artifact, BadgeDecision, EvaluationStage
from assignments.models import AssignmentKind
from conferences.access import Access, access_of
from conferences.models import Edition, Phase
from conferences.roles import RoleKind
from mlsys_conf.policy import ALLOW, SIGN_IN_FIRST, Verdict, deny, rule, when_signed_in
from submissions.deadlines import why_closed
from submissions.models import Submission, SubmissionState
from submissions.states import decision_is_shown

NOT_YOURS = "You are not an author of this paper."


def acceptance_is_released(submission: Submission, now: datetime | None = None) -> bool:
    return submission.state == SubmissionState.ACCEPTED and decision_is_shown(submission, now)


@rule
def can_open_artifact_form(user: Any, submission: Submission) -> Verdict:
    """The paper's artifact page: its authors (registering may still be refused, with the reason)."""
    return when_signed_in(user, access_of(user, submission.edition).is_author(submission), NOT_YOURS)


@rule
def can_register_artifact(user: Any, submission: Submission, now: datetime | None = None) -> Verdict:
    """Register or edit the paper's artifact, or upload its appendix (``now``: when received)."""
    access = access_of(user, submission.edition)
    if not access.is_authenticated:
        return SIGN_IN_FIRST
    if not access.is_author(submission):
        return deny(NOT_YOURS)
    if not acceptance_is_released(submission, now):
        return deny("Artifacts are registered for accepted papers, once the decision is released.")
    closed = why_closed(submission, Phase.ARTIFACT_REGISTRATION, now=now)
    return deny(f"Artifact registration is closed. {closed}") if closed else ALLOW


def _ae_chair_handles(access: Access, submission: Submission) -> bool:
    return (
        access.has_role(RoleKind.AE_CHAIR) and not access.is_author(submission) and not access.is_conflicted(submission)
    )


@rule
def can_view_artifact(user: Any, artifact: Artifact) -> Verdict:
    submission = artifact.submission
    access = access_of(user, submission.edition)
    if access.is_author(submission) or _ae_chair_handles(access, submission):
        return when_signed_in(user, True, "")
    evaluator = access.has_role(RoleKind.AE_MEMBER) and not access.is_conflicted(submission)
    return when_signed_in(user, evaluator, "You may not see this artifact.")


@rule
def can_see_access_instructions(user: Any, artifact: Artifact) -> Verdict:
    submission = artifact.submission
    access = access_of(user, submission.edition)
    if access.is_author(submission) or _ae_chair_handles(access, submission):
        return when_signed_in(user, True, "")
    assigned = (
        access.has_role(RoleKind.AE_MEMBER)
        and access.is_assigned(submission, AssignmentKind.ARTIFACT)
        and not access.is_conflicted(submission)
    )
    return when_signed_in(user, assigned, "Only the evaluators assigned to this artifact read its access instructions.")


@rule
def can_list_artifacts(user: Any, edition: Edition) -> Verdict:
    """The AE committee's list of registered artifacts."""
    on_ae = access_of(user, edition).has_role(RoleKind.AE_CHAIR, RoleKind.AE_MEMBER)
    return when_signed_in(user, on_ae, "Only the artifact evaluation committee sees the registered artifacts.")


@rule
def can_edit_own_hardware(user: Any, edition: Edition) -> Verdict:
    evaluates = access_of(user, edition).has_role(*RoleKind.where("evaluates_artifacts"))
    return when_signed_in(user, evaluates, "Only AE committee members say which hardware they can offer.")


@rule
def can_list_hardware(user: Any, edition: Edition) -> Verdict:
    chairs = access_of(user, edition).has_role(RoleKind.AE_CHAIR)
    return when_signed_in(user, chairs, "Only the AE chairs see the committee's hardware.")


# --- Badges (the AE chairs' decisions, hidden until released) ------------------------------


def artifact_results_released(edition: Edition) -> bool:
    """Whether the AE chairs have released the artifact results of ``edition`` (at least once)."""
    return BadgeDecision.objects.filter(artifact__submission__edition=edition, released_at__isnull=False).exists()


def decision_of(artifact: Artifact) -> BadgeDecision | None:
    """The artifact's badge decision, if any (cached on the artifact, so asking again is free;
    ``select_related("badge_decision")`` loads it with the artifact)."""
    try:
        return artifact.badge_decision
    except BadgeDecision.DoesNotExist:
        return None


def artifact_result_released(artifact: Artifact) -> bool:
    """Whether the badge decision on ``artifact`` is released (then it is final and public)."""
    decision = decision_of(artifact)
    return decision is not None and decision.released_at is not None


def badges_visible(artifact: Artifact, user: Any) -> bool:
    """Whether ``user`` (anyone, signed in or not) sees the badges awarded to ``artifact``: once
    released, everyone; before, only the AE chairs handling the paper (not its authors, not the
    AE members, not an AE chair who wrote it or is conflicted with it)."""
    if artifact_result_released(artifact):
        return True
    submission = artifact.submission
    return bool(user.is_authenticated) and _ae_chair_handles(access_of(user, submission.edition), submission)


@rule
def can_see_badges(user: Any, artifact: Artifact) -> Verdict:
    return ALLOW if badges_visible(artifact, user) else deny("The badges are shown once the AE chairs release them.")


@rule
def can_decide_badges(user: Any, artifact: Artifact) -> Verdict:
    """Award badges to an artifact (or none): the AE chairs handling the paper, until released."""
    access = access_of(user, artifact.submission.edition)
    if not access.is_authenticated:
        return SIGN_IN_FIRST
    if not _ae_chair_handles(access, artifact.submission):
        return deny("Only the AE chairs decide badges, and not on papers they wrote or are conflicted with.")
    if artifact_result_released(artifact):
        return deny("The badges of this artifact are released: the decision is final.")
    return ALLOW


@rule
def can_manage_badges(user: Any, edition: Edition) -> Verdict:
    """The AE chairs' badge page: decide per artifact and release the results."""
    chairs = access_of(user, edition).has_role(RoleKind.AE_CHAIR)
    return when_signed_in(user, chairs, "Only the AE chairs decide and release badges.")


# --- AE bidding and evaluator assignment (artifacts/bidding.py, artifacts/assignment.py) ------


@rule
def can_bid_on_artifacts(user: Any, edition: Edition) -> Verdict:
    """The AE members' bidding page: bids on artifacts, apart from any PC bids."""
    evaluates = access_of(user, edition).has_role(*RoleKind.where("evaluates_artifacts"))
    return when_signed_in(user, evaluates, "Only AE committee members bid on artifacts.")


@rule
def can_bid_on_artifact(user: Any, artifact: Artifact) -> Verdict:
    """An AE member bids on an artifact of a paper they neither wrote nor are conflicted with."""
    submission = artifact.submission
    verdict = can_bid_on_artifacts(user, submission.edition)
    if not verdict:
        return verdict
    access = access_of(user, submission.edition)
    if access.is_author(submission) or access.is_conflicted(submission):
        return deny("You have a conflict of interest with this paper.")
    return ALLOW


@rule
def can_manage_ae_assignments(user: Any, edition: Edition) -> Verdict:
    """Run the evaluator assignment, see its proposal, commit it, set evaluators per artifact."""
    chairs = access_of(user, edition).has_role(RoleKind.AE_CHAIR)
    return when_signed_in(user, chairs, "Only the AE chairs assign evaluators to artifacts.")


@rule
def can_assign_artifact(user: Any, artifact: Artifact) -> Verdict:
    """Change or commit who evaluates one artifact: an AE chair who neither wrote the paper nor
    is conflicted with it."""
    submission = artifact.submission
    verdict = can_manage_ae_assignments(user, submission.edition)
    if verdict and not _ae_chair_handles(access_of(user, submission.edition), submission):
        return deny("You have a conflict of interest with this paper: another AE chair handles it.")
    return verdict


# --- Evaluation (artifacts/evaluations.py): the AE stage, the anonymous thread, the forms -----
# The thread of an artifact is read and written by its authors, its assigned evaluators and the
# AE chairs handling it, during kick-the-tires and the full evaluation. Authors never learn who
# evaluates: they read "Evaluator A/B/C". The evaluation form is the assigned evaluator's own;
# the AE chairs handling the paper read every evaluation whole, its authors only the
# recommendations and the comments for authors, once the results are released.

THREAD_STAGES = frozenset({AEStage.KICK_THE_TIRES, AEStage.FULL_EVALUATION})
DRAFT_STAGES = frozenset({AEStage.KICK_THE_TIRES, AEStage.FULL_EVALUATION})


def ae_stage(edition: Edition) -> AEStage:
    """The edition's AE stage (registration until the AE chairs move it on)."""
    row = EvaluationStage.objects.filter(edition=edition).only("stage").first()
    return AEStage(row.stage) if row else AEStage.REGISTRATION


def evaluates(access: Access, submission: Submission) -> bool:
    """An AE member assigned the paper's artifact (committed), neither conflicted nor its author."""
    return (
        access.has_role(RoleKind.AE_MEMBER)
        and access.is_assigned(submission, AssignmentKind.ARTIFACT)
        and not access.is_conflicted(submission)
        and not access.is_author(submission)
    )


def evaluations_visible_to_authors(artifact: Artifact) -> bool:
    """Whether the authors read the evaluations (their part of them): once the AE chairs released
    the results (``results_released_at`` on the artifact, or its badge decision's release)."""
    if getattr(artifact, "results_released_at", None) is not None:
        return True
    decision = getattr(artifact, "badge_decision", None)
    return getattr(decision, "released_at", None) is not None


def handles_evaluation(user: Any, artifact: Artifact) -> bool:
    """An AE chair handling the paper: sees evaluators' names and the committee-only parts."""
    return _ae_chair_handles(access_of(user, artifact.submission.edition), artifact.submission)


@rule
def can_set_ae_stage(user: Any, edition: Edition) -> Verdict:
    chairs = access_of(user, edition).has_role(RoleKind.AE_CHAIR)
    return when_signed_in(user, chairs, "Only the AE chairs move artifact evaluation to its next stage.")


@rule
def can_read_artifact_thread(user: Any, artifact: Artifact) -> Verdict:
    submission = artifact.submission
    access = access_of(user, submission.edition)
    reads = access.is_author(submission) or _ae_chair_handles(access, submission) or evaluates(access, submission)
    reason = "Only the artifact's authors, its evaluators and the AE chairs read its thread."
    return when_signed_in(user, reads, reason)


@rule
def can_post_to_artifact_thread(user: Any, artifact: Artifact) -> Verdict:
    readable = can_read_artifact_thread(user, artifact)
    if not readable:
        return readable
    stage = ae_stage(artifact.submission.edition)
    if stage not in THREAD_STAGES:
        now = stage.label.lower()
        return deny(f"The thread is open during kick-the-tires and the full evaluation; it is {now} now.")
    return ALLOW


@rule
def can_open_evaluation(user: Any, artifact: Artifact) -> Verdict:
    """The evaluation form: the evaluators assigned to the artifact, each their own."""
    assigned = evaluates(access_of(user, artifact.submission.edition), artifact.submission)
    return when_signed_in(user, assigned, "Only the evaluators assigned to this artifact evaluate it.")


@rule
def can_save_evaluation(user: Any, artifact: Artifact, submit: bool = False) -> Verdict:
    """Save a draft (kick-the-tires or full evaluation) or submit (full evaluation only)."""
    opens = can_open_evaluation(user, artifact)
    if not opens:
        return opens
    stage = ae_stage(artifact.submission.edition)
    if submit and stage != AEStage.FULL_EVALUATION:
        return deny(f"Evaluations are submitted during the full evaluation; it is {stage.label.lower()} now.")
    if stage not in DRAFT_STAGES:
        now = stage.label.lower()
        return deny(f"Evaluations are written during kick-the-tires and the full evaluation; it is {now} now.")
    return ALLOW


@rule
def can_view_evaluations(user: Any, artifact: Artifact) -> Verdict:
    """The evaluations of the artifact: the AE chairs handling it (whole), its authors (their
    part, once released; before that, the page says so)."""
    submission = artifact.submission
    access = access_of(user, submission.edition)
    reads = access.is_author(submission) or _ae_chair_handles(access, submission)
    return when_signed_in(user, reads, "Only the AE chairs and the artifact's authors read its evaluations.")

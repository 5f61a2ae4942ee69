"""Late changes get affinities at once: a paper registered (or changed) through the service is
scored with the PC members already there, and a member who joins is scored with the papers
already there, by a job started on commit, without the periodic job or a chair asking."""

from __future__ import annotations

from typing import Any

import pytest

from actionlog.models import Action
from bidding import tasks
from bidding.models import Affinity
from committees.services import invitation_accept, invitation_send, role_grant
from conferences.models import Area, Edition
from conferences.roles import RoleKind
from submissions.services import AuthorInput, SubmissionInput, submission_register, submission_update
from tests.bidding.helpers import add_paper, set_profile
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

KERNELS = "Sparse attention kernels for GPUs"


@pytest.fixture
def profiles(pc_systems: Any, pc_ml: Any) -> tuple[Any, Any]:
    set_profile(pc_systems, keywords="GPU kernels, attention", publications="Fast attention kernels on GPUs")
    set_profile(pc_ml, keywords="reinforcement learning", publications="Policy gradients for robot control")
    return pc_systems, pc_ml


def register(edition: Edition, author: Any, title: str = KERNELS) -> Any:
    return submission_register(
        edition=edition,
        title=title,
        abstract="We write fused sparse attention kernels that run fast on GPUs.",
        topic="systems",
        keywords="attention, GPU kernels",
        authors=[AuthorInput(author.display_name, author.email)],
        by=author,
    )


def scores(paper: Any) -> dict[Any, float]:
    return {a.user: a.score for a in Affinity.objects.filter(submission=paper).select_related("user")}


def test_a_registered_paper_is_scored_with_the_members_already_there(
    edition: Edition, author: Any, profiles: tuple[Any, Any], django_capture_on_commit_callbacks: Any
) -> None:
    pc_systems, pc_ml = profiles
    older = add_paper(edition, 7, title="A verified file system")
    Affinity.objects.create(submission=older, user=pc_systems, score=0.77, top_terms=[["file", 0.77]])
    with django_capture_on_commit_callbacks(execute=True):
        paper = register(edition, author)
    got = scores(paper)
    assert set(got) == {pc_systems, pc_ml}
    assert got[pc_systems] > 0.2 > got[pc_ml]
    terms = [t for t, _ in Affinity.objects.get(submission=paper, user=pc_systems).top_terms]
    assert "attention" in terms
    # Only the new paper's pairs: the other paper's stored score stays, its missing pair waits.
    assert scores(older) == {pc_systems: 0.77}
    assert not Action.objects.filter(action="affinity.computed").exists()  # not the whole job
    [done] = Action.objects.filter(action="affinity.completed")
    assert done.note.startswith("2 pairs stored at once")


def test_nothing_is_scored_before_the_registration_commits(
    edition: Edition, author: Any, profiles: tuple[Any, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        paper = register(edition, author)
    assert not Affinity.objects.filter(submission=paper).exists()
    for callback in callbacks:
        callback()
    assert Affinity.objects.filter(submission=paper).count() == 2


def test_a_changed_abstract_is_scored_again_and_a_second_run_stores_nothing(
    edition: Edition, author: Any, profiles: tuple[Any, Any], django_capture_on_commit_callbacks: Any
) -> None:
    pc_systems, pc_ml = profiles
    with django_capture_on_commit_callbacks(execute=True):
        paper = register(edition, author)
    assert tasks.complete_paper_affinity.delay(paper.pk).get() == 0  # nothing missing or stale
    before = scores(paper)
    data = SubmissionInput(
        title="Robot control with policy gradients",
        abstract="Reinforcement learning of robot control policies with policy gradients.",
        topic="ml",
        keywords="reinforcement learning",
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission_update(submission=paper, data=data, by=author)
    after = scores(paper)
    assert after[pc_ml] > before[pc_ml]
    assert after[pc_systems] < before[pc_systems]
    assert tasks.complete_paper_affinity.delay(paper.pk).get() == 0


def test_a_member_granted_a_role_is_scored_with_the_papers_already_there(
    edition: Edition, chair: Any, pc_ml: Any, django_capture_on_commit_callbacks: Any
) -> None:
    kernels = add_paper(edition, 1, title=KERNELS, keywords="attention, GPU kernels")
    storage = add_paper(edition, 2, title="A verified file system", keywords="verification, storage")
    Affinity.objects.create(submission=kernels, user=pc_ml, score=0.33)
    newcomer = set_profile(UserFactory(email="late@example.org"), publications="Attention kernels on GPUs")
    with django_capture_on_commit_callbacks(execute=True):
        role_grant(edition=edition, user=newcomer, kind=RoleKind.PC_MEMBER, area=Area.SYSTEMS, by=chair)
    mine = {a.submission: a.score for a in Affinity.objects.filter(user=newcomer)}
    assert set(mine) == {kernels, storage}
    assert mine[kernels] > mine[storage]
    assert scores(kernels)[pc_ml] == 0.33  # the others' pairs are left as they are
    assert not Affinity.objects.filter(submission=storage, user=pc_ml).exists()
    assert tasks.complete_member_affinity.delay(edition.pk, newcomer.pk).get() == 0


def test_a_member_who_accepts_an_invitation_is_scored_at_once(
    edition: Edition, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    kernels = add_paper(edition, 1, title=KERNELS)
    invitation = invitation_send(
        edition=edition, email="ines@example.org", name="Ines", kind=RoleKind.PC_MEMBER, area=Area.ML, by=chair
    )
    invitee = set_profile(UserFactory(email="ines@example.org"), keywords="GPU kernels")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=invitee)
    assert Affinity.objects.get(submission=kernels, user=invitee).score > 0


def test_a_role_that_does_not_bid_starts_no_job(
    edition: Edition, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    add_paper(edition, 1, title=KERNELS)
    evaluator = set_profile(UserFactory(email="ae@example.org"), keywords="GPU kernels")
    with django_capture_on_commit_callbacks(execute=True):
        role_grant(edition=edition, user=evaluator, kind=RoleKind.AE_MEMBER, by=chair)
    assert not Affinity.objects.filter(user=evaluator).exists()


def test_the_jobs_ignore_rows_that_are_gone(edition: Edition) -> None:
    assert tasks.complete_paper_affinity.delay(987654).get() == 0
    assert tasks.complete_member_affinity.delay(987654, 1).get() == 0

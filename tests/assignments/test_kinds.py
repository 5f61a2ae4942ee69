"""Assignments have a kind (issue 8, item 8): review (the solver's), meta-review and artifact
evaluation. Meta-reviewers are added and removed by hand through the same services; the solver,
the chairs' preview and the papers to review only ever count reviews."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from assignments import services
from assignments.instance import edition_instance
from assignments.models import Assignment, AssignmentKind, AssignmentSource
from assignments.selectors import assignment_preview, papers_to_review
from conferences.access import access_for
from conferences.models import Area
from conferences.roles import RoleKind
from mlsys_conf.policy import PolicyDenied
from outbox.models import Mail
from submissions.models import Submission
from tests.factories.committees import RoleFactory

pytestmark = pytest.mark.django_db

META = AssignmentKind.META_REVIEW


@pytest.fixture
def area_chair(edition: Any) -> Any:
    return RoleFactory(edition=edition, kind=RoleKind.AREA_CHAIR, area=Area.ML, user__email="ac@example.org").user


def test_one_assignment_per_pair_and_kind(pc: Any, papers: list[Submission]) -> None:
    member = pc[Area.ML][0]
    for kind in (AssignmentKind.REVIEW, META):
        Assignment.objects.create(submission=papers[0], user=member, kind=kind, source=AssignmentSource.MANUAL)
    with pytest.raises(IntegrityError), transaction.atomic():
        Assignment.objects.create(submission=papers[0], user=member, kind=META, source=AssignmentSource.MANUAL)


def test_a_meta_reviewer_is_added_and_removed_by_hand(
    edition: Any, pc: Any, papers: list[Submission], chair: Any, area_chair: Any
) -> None:
    change = services.assignment_add(submission=papers[0], user=area_chair, by=chair, kind=META)
    assert change.assignment is not None
    assert (change.assignment.kind, str(change.assignment)) == (META, f"{area_chair} meta-reviews #1 (draft)")
    with pytest.raises(ValidationError, match="already meta-reviews #1"):
        services.assignment_add(submission=papers[0], user=area_chair, by=chair, kind=META)
    services.assignment_remove(assignment=change.assignment, by=chair)
    assert not Assignment.objects.exists()


def test_each_kind_has_its_assignees(
    edition: Any, pc: Any, papers: list[Submission], chair: Any, area_chair: Any, ae_member: Any
) -> None:
    with pytest.raises(ValidationError, match="is not a PC member of"):
        services.assignment_add(submission=papers[0], user=area_chair, by=chair)
    with pytest.raises(ValidationError, match="is not an area chair or PC member of"):
        services.assignment_add(submission=papers[0], user=ae_member, by=chair, kind=META)
    services.assignment_add(submission=papers[0], user=pc[Area.ML][0], by=chair, kind=META)


def test_artifact_evaluators_are_the_ae_chairs_to_assign_not_the_pc_chairs(
    edition: Any, papers: list[Submission], chair: Any, ae_member: Any
) -> None:
    artifact = AssignmentKind.ARTIFACT
    with pytest.raises(PolicyDenied, match="assigned by the AE chairs"):
        services.assignment_add(submission=papers[0], user=ae_member, by=chair, kind=artifact)
    with pytest.raises(PolicyDenied, match="assigned by the AE chairs"):
        services.assignments_commit(edition=edition, by=chair, kind=artifact)
    draft = Assignment.objects.create(submission=papers[0], user=ae_member, kind=artifact)
    with pytest.raises(PolicyDenied, match="assigned by the AE chairs"):
        services.assignment_remove(assignment=draft, by=chair)
    assert Assignment.objects.filter(pk=draft.pk).exists()


def test_the_solver_and_the_preview_count_reviews_only(
    edition: Any, pc: Any, papers: list[Submission], chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    meta = services.assignment_add(submission=papers[0], user=pc[Area.ML][0], by=chair, kind=META).assignment
    assert edition_instance(edition).problem.pinned.size == 0  # not pinned as a review
    with django_capture_on_commit_callbacks(execute=True):
        services.run_start(edition=edition, by=chair, bid_weight=0)
    assert Assignment.objects.filter(pk=meta.pk if meta else 0).exists()  # a run leaves other kinds alone
    preview = assignment_preview(edition)
    assert (preview.drafts, preview.committed) == (12, 0)
    assert all(row.counts == {Area.SYSTEMS: 2, Area.ML: 2} for row in preview.papers)
    assert preview.warnings == []


def test_commit_is_per_kind_and_the_mail_names_it(
    edition: Any, pc: Any, papers: list[Submission], chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    member = pc[Area.ML][0]
    services.assignment_add(submission=papers[0], user=member, by=chair)
    services.assignment_add(submission=papers[1], user=member, by=chair, kind=META)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.assignments_commit(edition=edition, by=chair, kind=META) == 1
    mail = Mail.objects.get(to_email=member.email)
    assert mail.subject.endswith("Your 1 paper to meta-review")
    assert "#2 Paper 2" in mail.body
    assert "#1 Paper 1" not in mail.body
    assert list(papers_to_review(member, edition)) == []  # the review is still a draft
    assert access_for(member, edition).is_assigned(papers[1], kind=META)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.assignments_commit(edition=edition, by=chair) == 1
    review_mail = Mail.objects.exclude(pk=mail.pk).get(to_email=member.email)
    assert review_mail.subject.endswith("Your 1 paper to review")
    assert list(papers_to_review(member, edition)) == [papers[0]]


def test_the_api_adds_lists_and_commits_a_kind(
    client: Any, edition: Any, pc: Any, papers: list[Submission], chair: Any
) -> None:
    client.force_login(chair)
    base = f"/api/editions/{edition.slug}/assignments/"
    member = pc[Area.SYSTEMS][1]
    meta = {"number": 3, "user": member.pk, "kind": "meta_review"}
    created = client.post(base, meta, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["assignment"]["kind"] == "meta_review"
    assert client.post(base, {"number": 3, "user": member.pk, "kind": "poem"}).status_code == 400
    assert [row["kind"] for row in client.get(base).json()["results"]] == ["meta_review"]
    assert client.post(base + "commit/", {}, content_type="application/json").json() == {"committed": 0}
    commit = client.post(base + "commit/", {"kind": "meta_review"}, content_type="application/json")
    assert commit.json() == {"committed": 1}

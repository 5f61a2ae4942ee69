"""Every assignment service enforces its rule itself (issue 8, item 1): called directly, as a
user who may not, it refuses with the policy's reason and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from actionlog.models import Action
from assignments import services
from assignments.models import Assignment, AssignmentRun, AssignmentSource
from conferences.models import Area
from mlsys_conf.policy import PolicyDenied
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission

pytestmark = pytest.mark.django_db

CHAIRS_ONLY = "Only the PC chairs assign papers to reviewers."
NOT_CHAIRS = ("pc_systems", "ae_member", "author", "outsider")


@pytest.fixture
def draft(pc: Any, papers: list[Submission], chair: Any) -> Assignment:
    return Assignment.objects.create(
        submission=papers[0], user=pc[Area.SYSTEMS][0], source=AssignmentSource.MANUAL, created_by=chair
    )


@pytest.fixture
def other_draft(pc: Any, papers: list[Submission], chair: Any) -> Assignment:
    return Assignment.objects.create(
        submission=papers[1], user=pc[Area.SYSTEMS][1], source=AssignmentSource.MANUAL, created_by=chair
    )


Call = Callable[[Any, Any, list[Submission], Any, Assignment, Assignment], object]

ACTIONS: dict[str, Call] = {
    "run_start": lambda by, edition, papers, pc, draft, other: services.run_start(edition=edition, by=by),
    "commit": lambda by, edition, papers, pc, draft, other: services.assignments_commit(edition=edition, by=by),
    "add": lambda by, edition, papers, pc, draft, other: services.assignment_add(
        submission=papers[2], user=pc[Area.ML][2], by=by
    ),
    "remove": lambda by, edition, papers, pc, draft, other: services.assignment_remove(assignment=draft, by=by),
    "swap": lambda by, edition, papers, pc, draft, other: services.assignment_swap(first=draft, second=other, by=by),
    "forbid": lambda by, edition, papers, pc, draft, other: services.assignment_forbid(
        submission=papers[0], user=pc[Area.SYSTEMS][0], by=by
    ),
}


def state() -> tuple[Any, ...]:
    """Everything the assignment services may change."""
    return (
        sorted(Assignment.objects.values_list("submission_id", "user_id", "kind", "is_committed")),
        AssignmentRun.objects.count(),
        Conflict.objects.count(),
        Action.objects.count(),
    )


@pytest.mark.parametrize("persona", NOT_CHAIRS)
@pytest.mark.parametrize("action", sorted(ACTIONS))
def test_only_chairs_change_assignments(
    request: pytest.FixtureRequest,
    edition: Any,
    pc: Any,
    papers: list[Submission],
    draft: Assignment,
    other_draft: Assignment,
    persona: str,
    action: str,
) -> None:
    before = state()
    with pytest.raises(PolicyDenied) as refused:
        ACTIONS[action](request.getfixturevalue(persona), edition, papers, pc, draft, other_draft)
    assert refused.value.verdict.reason == CHAIRS_ONLY
    assert state() == before


@pytest.mark.parametrize("action", ["add", "remove", "swap", "forbid"])
def test_a_chair_conflicted_with_the_paper_does_not_assign_it(
    edition: Any,
    pc: Any,
    papers: list[Submission],
    chair: Any,
    draft: Assignment,
    other_draft: Assignment,
    action: str,
) -> None:
    for paper in papers:  # the chair wrote every paper: another chair handles them
        Conflict.objects.create(
            submission=paper, user=chair, reason=ConflictReason.AUTHOR, source=ConflictSource.AUTHOR
        )
    before = state()
    with pytest.raises(PolicyDenied, match="You have a conflict of interest with #"):
        ACTIONS[action](chair, edition, papers, pc, draft, other_draft)
    assert state() == before


def test_a_chair_may(edition: Any, pc: Any, papers: list[Submission], chair: Any, draft: Assignment) -> None:
    """The same calls go through for a chair (the refusals above are not for everyone)."""
    services.assignment_add(submission=papers[2], user=pc[Area.ML][2], by=chair)
    services.assignment_remove(assignment=draft, by=chair)
    assert services.assignments_commit(edition=edition, by=chair) == 1

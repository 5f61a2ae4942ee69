"""Every assignment service records what it did (issue 8, item 5): runs started and ended by
the job, and one entry per assignment added, removed, swapped or committed, tied to the paper
and the assignee so the chairs' log filters per paper and per person."""

from __future__ import annotations

from typing import Any

import pytest

from actionlog.models import Action
from assignments import services
from assignments.models import Assignment, AssignmentRun, RunStatus
from conferences.models import Area
from submissions.models import Submission

pytestmark = pytest.mark.django_db


def entries(prefix: str) -> list[Action]:
    return list(Action.objects.filter(action__startswith=prefix).order_by("pk"))


def test_a_run_logs_its_start_by_the_chair_and_its_end_by_the_job(
    edition: Any, pc: Any, papers: list[Submission], chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(edition=edition, by=chair, fair=True, bid_weight=0.5)
    started, finished = entries("assignment_run.")
    assert (started.action, started.actor, started.edition, started.target_id) == (
        "assignment_run.started",
        chair,
        edition,
        run.pk,
    )
    assert started.changes == {"fair": [None, True], "bid_weight": [None, 0.5]}
    assert (finished.action, finished.actor) == ("assignment_run.done", None)
    assert finished.changes == {"status": [RunStatus.RUNNING, RunStatus.DONE]}
    assert finished.note.startswith("12 draft assignments proposed")
    assert not entries("assignment.")  # drafts are proposals: logged when committed


def test_a_failed_run_logs_why(edition: Any, chair: Any, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(edition=edition, by=chair)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    failed = Action.objects.get(action="assignment_run.failed")
    assert failed.changes == {"status": [RunStatus.RUNNING, RunStatus.FAILED]}
    assert failed.note == run.message
    assert failed.target_id == AssignmentRun.objects.get().pk


def test_adding_removing_and_committing_log_one_entry_per_assignment(
    edition: Any, pc: Any, papers: list[Submission], chair: Any
) -> None:
    member = pc[Area.ML][0]
    added = services.assignment_add(submission=papers[0], user=member, by=chair).assignment
    assert added is not None
    services.assignment_add(submission=papers[1], user=member, by=chair)
    (entry, _) = entries("assignment.added")
    assert (entry.actor, entry.paper_id, entry.person, entry.target_id) == (chair, papers[0].pk, member, added.pk)
    assert entry.changes == {"kind": [None, "review"], "user": [None, member.pk]}

    assert services.assignments_commit(edition=edition, by=chair) == 2
    committed = entries("assignment.committed")
    assert sorted(e.paper_id for e in committed) == sorted([papers[0].pk, papers[1].pk])
    assert {(e.actor, e.person) for e in committed} == {(chair, member)}
    assert all(e.changes == {"is_committed": [False, True]} and "(committed)" in e.target_label for e in committed)

    services.assignment_remove(assignment=Assignment.objects.get(pk=added.pk), by=chair)
    (removed,) = entries("assignment.removed")
    assert (removed.paper_id, removed.person, removed.target_id) == (papers[0].pk, member, added.pk)
    assert removed.changes == {"user": [member.pk, None], "is_committed": [True, None]}


def test_a_swap_logs_the_new_assignee_of_each_paper(
    edition: Any, pc: Any, papers: list[Submission], chair: Any
) -> None:
    a, b = pc[Area.SYSTEMS][0], pc[Area.SYSTEMS][1]
    first = services.assignment_add(submission=papers[0], user=a, by=chair).assignment
    second = services.assignment_add(submission=papers[1], user=b, by=chair).assignment
    assert first is not None
    assert second is not None
    services.assignment_swap(first=first, second=second, by=chair)
    swapped = {e.paper_id: (e.person, e.changes) for e in entries("assignment.swapped")}
    assert swapped == {
        papers[0].pk: (b, {"user": [a.pk, b.pk]}),
        papers[1].pk: (a, {"user": [b.pk, a.pk]}),
    }


def test_forbidding_a_pair_logs_the_removed_draft_and_the_chairs_conflict(
    edition: Any, pc: Any, papers: list[Submission], chair: Any
) -> None:
    member = pc[Area.ML][1]
    services.assignment_add(submission=papers[2], user=member, by=chair)
    services.assignment_forbid(submission=papers[2], user=member, by=chair)
    assert [e.action for e in Action.objects.filter(paper_id=papers[2].pk).order_by("pk")] == [
        "assignment.added",
        "assignment.removed",
        "conflict.added",
    ]

"""Every chair action is in the action log (issue 11, audit): each one, performed through its
service, leaves an entry with the acting chair, the time and the before/after of what changed.

One parametrized case per action, so a service that stops logging is named by the failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from actionlog.models import Action
from assignments import services as assignments
from assignments.models import Assignment
from committees import services as committees
from conferences import releases
from conferences import services as conferences
from conferences.models import Area, Edition, Phase, ReleaseKind, Role
from conferences.roles import RoleKind
from decisions import services as decisions
from outbox import composer, sending
from outbox import services as outbox
from outbox.models import Mail
from reviews import configuration, review_types
from reviews.models import FieldType, FormKind
from submissions import services as submissions
from submissions.models import Conflict, SubmissionState
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.reviews import assign, open_reviewing
from tests.factories.submissions import AuthorFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


@dataclass
class World:
    edition: Edition
    chair: Any
    papers: list[Any]
    pc: list[Any]  # two PC members: one Systems, one ML


@pytest.fixture
def world(edition: Edition, chair: Any) -> World:
    papers = []
    for number in (1, 2):
        paper = SubmissionFactory(
            edition=edition, number=number, title=f"Audited paper {number}", state=SubmissionState.SUBMITTED
        )
        AuthorFactory(submission=paper, position=1, email=f"author{number}@uni{number}.example.org")
        papers.append(paper)
    pc = [
        RoleFactory(
            edition=edition, kind=RoleKind.PC_MEMBER, area=area, user__email=f"{area}@pc.example.net", max_load=4
        ).user
        for area in (Area.SYSTEMS, Area.ML)
    ]
    return World(edition, chair, papers, pc)


# Each action: do it as the chair, return the name of the entry it must leave.
Act = Callable[[World], str]


def _decision_set(w: World) -> str:
    open_reviewing(w.edition)
    decisions.decision_set(by=w.chair, submission=w.papers[0], category=decisions.categories_of(w.edition)[0])
    return "decision.set"


def _decision_bulk(w: World) -> str:
    open_reviewing(w.edition)
    decisions.decisions_bulk_set(
        by=w.chair, edition=w.edition, submissions=w.papers, category=decisions.categories_of(w.edition)[-1]
    )
    return "decision.set"


def _tag_add(w: World) -> str:
    decisions.tag_add(by=w.chair, submission=w.papers[0], name="borderline")
    return "decision.tag_added"


def _tag_remove(w: World) -> str:
    decisions.tag_add(by=w.chair, submission=w.papers[0], name="borderline")
    decisions.tag_remove(by=w.chair, submission=w.papers[0], name="borderline")
    return "decision.tag_removed"


def _order(w: World) -> str:
    decisions.order_set(by=w.chair, edition=w.edition, submissions=[w.papers[1], w.papers[0]])
    return "decision.order_set"


def _assignment_add(w: World) -> str:
    assignments.assignment_add(submission=w.papers[0], user=w.pc[0], by=w.chair)
    return "assignment.added"


def _assignment_remove(w: World) -> str:
    change = assignments.assignment_add(submission=w.papers[0], user=w.pc[0], by=w.chair)
    assert change.assignment is not None
    assignments.assignment_remove(assignment=change.assignment, by=w.chair)
    return "assignment.removed"


def _assignment_swap(w: World) -> str:
    first = assignments.assignment_add(submission=w.papers[0], user=w.pc[0], by=w.chair).assignment
    second = assignments.assignment_add(submission=w.papers[1], user=w.pc[1], by=w.chair).assignment
    assert first is not None
    assert second is not None
    assignments.assignment_swap(first=first, second=second, by=w.chair)
    return "assignment.swapped"


def _assignments_commit(w: World) -> str:
    assignments.assignment_add(submission=w.papers[0], user=w.pc[0], by=w.chair)
    assignments.assignments_commit(edition=w.edition, by=w.chair, override_reason="Late papers are few.")
    return "assignment.committed"


def _solver_run(w: World) -> str:
    assignments.run_start(edition=w.edition, by=w.chair, fair=True)
    return "assignment_run.started"


def _release_now(w: World) -> str:
    releases.release_now(by=w.chair, edition=w.edition, kind=ReleaseKind.REVIEWS_TO_AUTHORS)
    return "release.released"


def _release_schedule(w: World) -> str:
    at = timezone.now() + timedelta(days=40)
    releases.release_schedule(by=w.chair, edition=w.edition, kind=ReleaseKind.DECISIONS, at=at)
    return "release.scheduled"


def _held_batch(w: World) -> Any:
    batch = outbox.mail_batch_create(edition=w.edition, name="Reminders", by=w.chair)
    outbox.mail_queue(to_email="someone@example.org", subject="Hello", body="Hi.", batch=batch)
    return batch


def _batch_release(w: World) -> str:
    outbox.mail_batch_release(batch=_held_batch(w), by=w.chair)
    return "mail.batch_released"


def _batch_cancel(w: World) -> str:
    outbox.mail_batch_cancel(batch=_held_batch(w), by=w.chair)
    return "mail.batch_cancelled"


def _mail_sent(w: World) -> str:
    batch = _held_batch(w)
    outbox.mail_batch_release(batch=batch, by=w.chair)
    mail = Mail.objects.get(batch=batch)
    assert sending.mail_send(mail.pk)
    return "mail.sent"


def _composer_queue(w: World) -> str:
    composer.mail_compose_queue(
        edition=w.edition,
        recipient_set_key="submissions.active_authors",
        subject="About {{ paper.title }}",
        body="Dear {{ recipient.name }},\n\nThank you.",
        essential=True,
        by=w.chair,
    )
    return "mail.composed"


def _settings(w: World) -> str:
    conferences.edition_update(edition=w.edition, by=w.chair, venue="Santa Clara Convention Center")
    return "edition.settings_changed"


def _deadlines(w: World) -> str:
    closes = timezone.now() + timedelta(days=25)
    conferences.deadlines_set(
        edition=w.edition, windows={Phase.BIDDING: conferences.PhaseWindowInput(None, closes)}, by=w.chair
    )
    return "deadlines.changed"


def _review_form(w: World) -> str:
    configuration.field_add(by=w.chair, edition=w.edition, kind=FormKind.REVIEW, label="Novelty", type=FieldType.TEXT)
    return "review_form.field_added"


def _review_settings(w: World) -> str:
    current = configuration.settings_change(by=w.chair, edition=w.edition)
    days = current.reminder_days_before + 1
    configuration.settings_change(by=w.chair, edition=w.edition, reminder_days_before=days)
    return "review_settings.changed"


def _role_grant(w: World) -> str:
    newcomer: Any = UserFactory(email="newcomer@example.net")
    committees.role_grant(edition=w.edition, user=newcomer, kind=RoleKind.PC_MEMBER, area=Area.ML, by=w.chair)
    return "role.granted"


def _role_remove(w: World) -> str:
    committees.role_revoke(role=Role.objects.get(edition=w.edition, user=w.pc[1]), by=w.chair)
    return "role.revoked"


def _invitation(w: World) -> str:
    committees.invitation_send(
        edition=w.edition,
        email="invitee@example.net",
        name="In Vitee",
        kind=RoleKind.PC_MEMBER,
        area=Area.ML,
        by=w.chair,
    )
    return "invitation.sent"


def _extension(w: World) -> str:
    until = timezone.now() + timedelta(days=12)
    submissions.extension_grant(
        by=w.chair, edition=w.edition, phase=Phase.PAPER_SUBMISSION, until=until, submission=w.papers[0]
    )
    return "extension.granted"


def _desk_reject(w: World) -> str:
    submissions.submission_desk_reject(submission=w.papers[0], reason="Over the page limit.", by=w.chair)
    return "submission.desk_rejected"


def _conflict_waiver(w: World) -> str:
    member: Any = RoleFactory(
        edition=w.edition, kind=RoleKind.PC_MEMBER, area=Area.ML, user__affiliation="Waiver Institute of Technology"
    ).user
    w.papers[0].authors.update(affiliation=member.affiliation)
    submissions.conflicts_refresh_automatic(submission=w.papers[0])
    conflict = Conflict.objects.get(submission=w.papers[0], user=member)
    submissions.conflict_remove(conflict=conflict, by=w.chair, waive=True)
    return "conflict.waived"


def _review_type(w: World) -> str:
    assign(w.papers[0], w.pc[0])
    review_types.review_type_set(by=w.chair, submission=w.papers[0], user_id=w.pc[0].pk, secondary=True)
    return "review.type_changed"


ACTIONS: dict[str, Act] = {
    "decision set": _decision_set,
    "decisions set in bulk": _decision_bulk,
    "tag added": _tag_add,
    "tag removed": _tag_remove,
    "discussion order": _order,
    "assignment added": _assignment_add,
    "assignment removed": _assignment_remove,
    "assignments swapped": _assignment_swap,
    "assignments committed": _assignments_commit,
    "solver run": _solver_run,
    "release now": _release_now,
    "release scheduled": _release_schedule,
    "mail batch released": _batch_release,
    "mail batch cancelled": _batch_cancel,
    "mail sent": _mail_sent,
    "composer queued": _composer_queue,
    "settings changed": _settings,
    "deadlines changed": _deadlines,
    "review form changed": _review_form,
    "review settings changed": _review_settings,
    "role granted": _role_grant,
    "role removed": _role_remove,
    "invitation sent": _invitation,
    "extension granted": _extension,
    "desk rejection": _desk_reject,
    "conflict waived": _conflict_waiver,
    "review type set": _review_type,
}


@pytest.mark.parametrize("name", list(ACTIONS))
def test_every_chair_action_is_logged_with_who_when_and_before_after(name: str, world: World) -> None:
    started = timezone.now()
    expected = ACTIONS[name](world)
    entries = list(Action.objects.filter(action=expected, created_at__gte=started))
    assert entries, f"{name}: no {expected!r} entry in the action log"
    for entry in entries:
        assert entry.actor == world.chair, f"{name}: {expected} logged without the chair as its actor"
        assert entry.edition == world.edition
        assert started <= entry.created_at <= timezone.now()
        assert entry.changes, f"{name}: {expected} logged without before/after"
        for field, values in entry.changes.items():
            assert isinstance(values, list), f"{name}: {field} is not [before, after]"
            assert len(values) == 2, f"{name}: {field} is not [before, after]"
            assert values[0] != values[1], f"{name}: {field} logged as changed but did not change"


def test_a_bulk_decision_logs_one_entry_per_paper(world: World) -> None:
    _decision_bulk(world)
    logged = set(Action.objects.filter(action="decision.set").values_list("paper_id", flat=True))
    assert logged == {p.pk for p in world.papers}


def test_the_swap_logs_both_assignments(world: World) -> None:
    _assignment_swap(world)
    swapped = Action.objects.filter(action="assignment.swapped")
    assert {entry.person for entry in swapped} == set(world.pc)
    assert not Assignment.objects.filter(submission=world.papers[0], user=world.pc[0]).exists()

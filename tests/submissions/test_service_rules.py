"""Each state-changing submission service enforces its own rule (called directly, as a user
who may not, it refuses with the policy's reason) and logs who did what, with before/after."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.utils import timezone

from actionlog.models import Action
from conferences.models import Edition, Phase
from mlsys_conf.policy import PolicyDenied
from outbox.models import Mail
from submissions.models import ConflictSource, Submission, SubmissionState
from submissions.services import (
    AuthorInput,
    SubmissionInput,
    conflict_declare_own,
    conflicts_set_by_chair,
    conflicts_set_declared,
    paper_upload,
    submission_desk_reject,
    submission_register,
    submission_restore,
    submission_update,
    submission_withdraw,
    supplementary_upload,
)
from tests.factories.pdfs import make_pdf
from tests.submissions.helpers import deadline_of, move_deadline

pytestmark = pytest.mark.django_db


def actions(submission: Submission, name: str) -> list[Action]:
    return list(Action.objects.filter(paper_id=submission.pk, action=name).order_by("pk"))


def after_paper_deadline(submission: Submission) -> Any:
    return deadline_of(submission.edition, Phase.PAPER_SUBMISSION) + timedelta(seconds=1)


def _update(submission: Submission, by: Any, now: Any = None) -> Any:
    data = SubmissionInput("Changed", "Changed abstract.", "ml", "")
    return submission_update(submission=submission, data=data, by=by, now=now)


def _paper(submission: Submission, by: Any, now: Any = None) -> Any:
    return paper_upload(submission=submission, content=make_pdf(1), filename="p.pdf", by=by, now=now)


def _supplementary(submission: Submission, by: Any, now: Any = None) -> Any:
    return supplementary_upload(submission=submission, content=make_pdf(1), filename="s.pdf", by=by, now=now)


def _author_conflicts(submission: Submission, by: Any, now: Any = None) -> Any:
    return conflicts_set_declared(submission=submission, source=ConflictSource.AUTHOR, declared={}, by=by, now=now)


AUTHOR_ACTIONS: dict[str, Callable[..., Any]] = {
    "update": _update,
    "paper": _paper,
    "supplementary": _supplementary,
    "author conflicts": _author_conflicts,
}


@pytest.mark.parametrize("name", AUTHOR_ACTIONS)
@pytest.mark.parametrize("persona", ["outsider", "pc_systems"])
def test_authors_actions_refuse_anyone_else(
    request: pytest.FixtureRequest, submission: Submission, supplementary_deadline: Any, persona: str, name: str
) -> None:
    with pytest.raises(PolicyDenied, match="Only the authors can change this submission"):
        AUTHOR_ACTIONS[name](submission, request.getfixturevalue(persona))
    assert not Action.objects.filter(paper_id=submission.pk).exists()


@pytest.mark.parametrize("name", ["update", "paper", "author conflicts"])
def test_authors_actions_refuse_the_author_after_the_paper_deadline(
    submission: Submission, author: Any, name: str
) -> None:
    with pytest.raises(PolicyDenied, match="paper submission deadline passed"):
        AUTHOR_ACTIONS[name](submission, author, after_paper_deadline(submission))


def test_author_conflicts_are_refused_after_the_paper_deadline(
    submission: Submission, author: Any, pc_systems: Any
) -> None:
    """The authors' conflict deadline, which lived only in the policy, holds in the service."""
    move_deadline(submission.edition, Phase.PAPER_SUBMISSION, timezone.now() - timedelta(seconds=1))
    with pytest.raises(PolicyDenied, match="paper submission deadline passed"):
        conflicts_set_declared(
            submission=Submission.objects.get(pk=submission.pk),
            source=ConflictSource.AUTHOR,
            declared={pc_systems.pk: "advisor"},
            by=author,
        )
    assert not submission.conflicts.exists()


def test_a_pc_member_may_not_set_a_papers_conflicts_as_chair(submission: Submission, pc_systems: Any) -> None:
    with pytest.raises(PolicyDenied, match="Only the PC chairs manage"):
        conflicts_set_by_chair(submission=submission, conflicted={pc_systems.pk: "other"}, by=pc_systems)


def test_only_pc_members_declare_their_own_conflicts(submission: Submission, outsider: Any, author: Any) -> None:
    for someone in (outsider, author):
        with pytest.raises(PolicyDenied, match="Only members of the programme committee"):
            conflict_declare_own(submission=submission, user=someone, reason="other", conflicted=True)
    assert not submission.conflicts.exists()


def test_registration_is_refused_when_closed_and_to_anonymous(edition: Edition, author: Any) -> None:
    late = deadline_of(edition, Phase.ABSTRACT_REGISTRATION) + timedelta(seconds=1)
    authors = [AuthorInput("A", author.email)]
    with pytest.raises(PolicyDenied, match="Abstract registration is closed for this edition"):
        submission_register(edition=edition, title="T", abstract="A", topic="ml", authors=authors, by=author, now=late)
    with pytest.raises(PolicyDenied, match="Please sign in first"):
        submission_register(edition=edition, title="T", abstract="A", topic="ml", authors=authors, by=AnonymousUser())
    assert not Submission.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "pc_systems"])
def test_withdraw_refuses_anyone_but_authors_and_chairs(
    request: pytest.FixtureRequest, submission: Submission, persona: str
) -> None:
    with pytest.raises(PolicyDenied, match="Only the authors or the chairs can withdraw"):
        submission_withdraw(submission=submission, by=request.getfixturevalue(persona))
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.ABSTRACT


def test_restore_refuses_others_and_the_author_after_the_deadline(
    submission: Submission, author: Any, outsider: Any, pc_systems: Any
) -> None:
    submission_withdraw(submission=submission, by=author)
    for someone in (outsider, pc_systems):
        with pytest.raises(PolicyDenied, match="Only the authors or the chairs can restore"):
            submission_restore(submission=submission, by=someone)
    with pytest.raises(PolicyDenied, match="paper submission deadline passed"):
        submission_restore(submission=submission, by=author, now=after_paper_deadline(submission))
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.WITHDRAWN


def test_restore_of_a_paper_that_is_not_withdrawn_is_refused(submission: Submission, author: Any) -> None:
    with pytest.raises(PolicyDenied, match="not withdrawn"):
        submission_restore(submission=submission, by=author)


@pytest.mark.parametrize("persona", ["author", "pc_systems", "outsider"])
def test_desk_reject_refuses_anyone_but_the_chairs(
    request: pytest.FixtureRequest, submission: Submission, persona: str
) -> None:
    with pytest.raises(PolicyDenied, match="Only the PC chairs manage"):
        submission_desk_reject(submission=submission, reason="No.", by=request.getfixturevalue(persona))
    assert Submission.objects.get(pk=submission.pk).state == SubmissionState.ABSTRACT


def test_desk_reject_refuses_a_chair_conflicted_with_the_paper(submission: Submission, chair: Any) -> None:
    submission.conflicts.create(user=chair, reason="advisor", source=ConflictSource.CHAIR)
    with pytest.raises(PolicyDenied, match="conflict of interest"):
        submission_desk_reject(submission=submission, reason="No.", by=chair)


def test_desk_reject_needs_a_reason_and_a_paper_still_in_the_running(
    submission: Submission, chair: Any, author: Any
) -> None:
    with pytest.raises(ValidationError, match="reason"):
        submission_desk_reject(submission=submission, reason="  ", by=chair)
    submission_withdraw(submission=submission, by=author)
    with pytest.raises(PolicyDenied, match="withdrawn"):
        submission_desk_reject(submission=submission, reason="Too long.", by=chair)


def test_a_desk_rejected_paper_takes_no_more_changes(submission: Submission, chair: Any, author: Any) -> None:
    submission_desk_reject(submission=submission, reason="Not anonymous.", by=chair)
    with pytest.raises(PolicyDenied, match="desk rejected"):
        _update(submission, author)
    with pytest.raises(PolicyDenied, match="desk rejected"):
        _paper(submission, author)
    with pytest.raises(PolicyDenied):
        submission_withdraw(submission=submission, by=author)


# --- The action log ---------------------------------------------------------------------------


def test_register_and_update_log_the_fields_they_change(edition: Edition, author: Any) -> None:
    paper = submission_register(
        edition=edition,
        title="First",
        abstract="Abstract.",
        topic="ml",
        authors=[AuthorInput("Ada", author.email)],
        by=author,
    )
    [registered] = actions(paper, "submission.registered")
    assert registered.actor == author
    assert registered.changes["title"] == [None, "First"]
    assert registered.changes["authors"] == [None, [f"Ada <{author.email}>"]]

    submission_update(
        submission=paper,
        data=SubmissionInput("Second", "Abstract.", "ml", "fast"),
        authors=[AuthorInput("Ada", author.email), AuthorInput("Bo", "bo@example.net")],
        by=author,
    )
    [updated] = actions(paper, "submission.updated")
    assert updated.changes == {
        "title": ["First", "Second"],
        "keywords": ["", "fast"],
        "authors": [[f"Ada <{author.email}>"], [f"Ada <{author.email}>", "Bo <bo@example.net>"]],
    }


def test_an_update_that_changes_nothing_logs_nothing(submission: Submission, author: Any) -> None:
    row = Submission.objects.get(pk=submission.pk)
    data = SubmissionInput(row.title, row.abstract, row.topic, row.keywords)
    submission_update(submission=submission, data=data, by=author)
    assert not actions(submission, "submission.updated")


def test_withdraw_restore_and_uploads_log_state_and_hash(submission: Submission, author: Any) -> None:
    version = _paper(submission, author)
    rejected = paper_upload(submission=submission, content=b"junk", filename="j.pdf", by=author)
    [accepted_log] = actions(submission, "paper.passed_checks")
    assert accepted_log.changes == {"sha256": [None, version.sha256]}
    assert actions(submission, "paper.failed_checks")[0].changes == {"sha256": [None, rejected.sha256]}
    assert actions(submission, "submission.submitted")[0].changes["state"] == ["abstract", "submitted"]

    submission_withdraw(submission=submission, by=author)
    [withdrawn] = actions(submission, "submission.withdrawn")
    assert withdrawn.actor == author
    assert withdrawn.changes["state"] == ["submitted", "withdrawn"]
    assert withdrawn.changes["withdrawn_at"][0] is None

    submission_restore(submission=submission, by=author)
    assert actions(submission, "submission.restored")[0].changes["state"] == ["withdrawn", "submitted"]


def test_desk_reject_is_logged_and_mailed_to_the_authors(
    submission: Submission, chair: Any, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submission_desk_reject(submission=submission, reason="Over the page limit.", by=chair)
    [logged] = actions(submission, "submission.desk_rejected")
    assert logged.actor == chair
    assert logged.changes["state"] == ["abstract", "desk_rejected"]
    assert logged.changes["state_reason"] == ["", "Over the page limit."]
    mails = Mail.objects.filter(subject__contains="desk rejected").order_by("to_email")
    assert [m.to_email for m in mails] == [author.email, "coauthor@example.org"]
    assert all("Over the page limit." in m.body for m in mails)


def test_desk_reject_page_is_for_chairs_and_says_why(
    client: Any, submission: Submission, chair: Any, author: Any
) -> None:
    url = f"{submission.get_absolute_url()}desk-reject/"
    client.force_login(author)
    assert client.post(url, {"reason": "Mine."}).status_code == 403
    client.force_login(chair)
    assert client.post(url, {"reason": "Out of scope."}).status_code == 302
    client.force_login(author)
    page = client.get(submission.get_absolute_url()).content.decode()
    assert '<span class="badge closed">desk rejected</span>' in page
    assert "Desk rejected by the chairs: Out of scope." in page

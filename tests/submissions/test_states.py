"""A submission's state: the transition table, the queryset that knows it, the status each
viewer is shown (pages, CSV, API), and the migration of the rows that existed before."""

from __future__ import annotations

from datetime import timedelta
from importlib import import_module
from typing import Any

import pytest
from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conferences.models import Edition
from submissions.models import ACTIVE_STATES, FileKind, Submission, SubmissionFile, SubmissionState
from submissions.services import paper_upload, submission_desk_reject, submission_restore, submission_withdraw
from submissions.states import TRANSITIONS, Viewer, status_for, transition
from tests.factories.pdfs import make_pdf
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db

S = SubmissionState


def in_state(edition: Edition, number: int, state: SubmissionState, **fields: Any) -> Submission:
    return SubmissionFactory(edition=edition, number=number, state=state, **fields)


@pytest.mark.parametrize("start", list(S))
@pytest.mark.parametrize("to", list(S))
def test_transition_follows_the_table(edition: Edition, chair: Any, start: S, to: S) -> None:
    paper = in_state(edition, 1, start)
    if to in TRANSITIONS[start]:
        moved = transition(paper, to, by=chair, action="test.moved")
        assert moved.state == to
    else:
        with pytest.raises(ValidationError, match="can't become"):
            transition(paper, to, by=chair, action="test.moved")
        assert Submission.objects.get(pk=paper.pk).state == start


def test_a_transition_from_a_stale_copy_is_refused(edition: Edition, chair: Any) -> None:
    """Two requests racing: the second one moves from a state the paper has left."""
    paper = in_state(edition, 1, S.SUBMITTED)
    transition(paper, S.WITHDRAWN, by=chair, action="test.first")
    with pytest.raises(ValidationError):
        transition(paper, S.WITHDRAWN, by=chair, action="test.second")  # withdrawn -> withdrawn: not a move


def test_withdrawing_stamps_the_time_and_restoring_goes_back_to_abstract_or_submitted(
    submission: Submission, author: Any
) -> None:
    submission_withdraw(submission=submission, by=author)
    row = Submission.objects.get(pk=submission.pk)
    assert (row.state, row.withdrawn_at is not None) == (S.WITHDRAWN, True)
    assert submission_restore(submission=submission, by=author).state == S.ABSTRACT

    paper_upload(submission=submission, content=make_pdf(2), filename="p.pdf", by=author)
    assert Submission.objects.get(pk=submission.pk).state == S.SUBMITTED
    submission_withdraw(submission=submission, by=author)
    assert submission_restore(submission=submission, by=author).state == S.SUBMITTED


def test_only_an_accepted_paper_makes_a_submission_submitted(submission: Submission, author: Any) -> None:
    rejected = paper_upload(submission=submission, content=b"not a pdf", filename="p.pdf", by=author)
    assert not rejected.is_accepted
    assert Submission.objects.get(pk=submission.pk).state == S.ABSTRACT


def test_the_queryset_knows_the_states(edition: Edition) -> None:
    for number, state in enumerate(S, start=1):
        in_state(edition, number, state)
    qs = Submission.objects.filter(edition=edition)
    assert {s.state for s in qs.active()} == set(ACTIVE_STATES)
    assert {s.state for s in qs.submitted()} == {S.SUBMITTED, S.ACCEPTED, S.REJECTED}
    assert [s.state for s in qs.abstract_only()] == [S.ABSTRACT]
    assert [s.state for s in qs.withdrawn()] == [S.WITHDRAWN]
    assert [s.state for s in qs.desk_rejected()] == [S.DESK_REJECTED]


@pytest.mark.parametrize(
    ("state", "released", "author", "pc", "chair"),
    [
        (S.ABSTRACT, False, "abstract only: upload the PDF", "abstract only", "abstract"),
        (S.SUBMITTED, False, "PDF submitted", "submitted", "submitted"),
        (S.WITHDRAWN, False, "withdrawn", "withdrawn", "withdrawn"),
        (S.DESK_REJECTED, False, "desk rejected", "desk rejected", "desk rejected"),
        (S.ACCEPTED, False, "PDF submitted", "submitted", "accepted (not released)"),  # as if undecided
        (S.REJECTED, False, "PDF submitted", "submitted", "rejected (not released)"),
        (S.ACCEPTED, True, "accepted", "accepted", "accepted"),
        (S.REJECTED, True, "rejected", "rejected", "rejected"),
    ],
)
def test_each_viewer_sees_its_status(
    edition: Edition, state: S, released: bool, author: str, pc: str, chair: str
) -> None:
    paper = in_state(edition, 1, state, decision_released_at=timezone.now() if released else None)
    shown = {viewer: status_for(paper, viewer).label for viewer in Viewer}
    assert shown == {Viewer.AUTHOR: author, Viewer.PC: pc, Viewer.CHAIR: chair}


def test_an_unreleased_decision_shows_as_submitted_on_the_authors_pages_and_api(
    client: Any, submission: Submission, author: Any, chair: Any
) -> None:
    Submission.objects.filter(pk=submission.pk).update(state=S.ACCEPTED)
    client.force_login(author)
    detail = client.get(submission.get_absolute_url()).content.decode()
    assert '<span class="badge open">PDF submitted</span>' in detail
    assert "accepted" not in detail.lower()
    api = client.get(f"/api/editions/{submission.edition.slug}/submissions/1/").json()
    assert (api["status"], api["status_label"]) == ("submitted", "PDF submitted")

    client.force_login(chair)
    assert "accepted (not released)" in client.get(submission.get_absolute_url()).content.decode()
    assert client.get(f"/api/editions/{submission.edition.slug}/submissions/1/").json()["status"] == "accepted"


def test_the_chairs_list_and_csv_show_a_desk_rejection(
    client: Any, submission: Submission, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submission_desk_reject(submission=submission, reason="Over the page limit.", by=chair)
    client.force_login(chair)
    url = reverse("submissions:list", kwargs={"edition_slug": submission.edition.slug})
    assert '<span class="badge closed">desk rejected</span>' in client.get(url).content.decode()
    assert f">{submission.title}</a>" in client.get(url, {"status": "desk_rejected"}).content.decode()
    assert f">{submission.title}</a>" not in client.get(url, {"status": "abstract"}).content.decode()
    rows = client.get(url, {"format": "csv"}).content.decode().splitlines()
    assert ",desk_rejected," in rows[1]


def test_the_migration_gives_existing_rows_their_state(edition: Edition, author: Any) -> None:
    in_state(edition, 1, S.ABSTRACT, withdrawn_at=timezone.now() - timedelta(days=1))
    with_paper = in_state(edition, 2, S.ABSTRACT)
    SubmissionFile.objects.create(submission=with_paper, kind=FileKind.PAPER, sha256="a" * 64, size=1, is_accepted=True)
    rejected_only = in_state(edition, 3, S.SUBMITTED)  # its only upload failed the checks
    SubmissionFile.objects.create(
        submission=rejected_only, kind=FileKind.PAPER, sha256="b" * 64, size=1, is_accepted=False
    )
    migration = import_module("submissions.migrations.0007_submission_state")
    migration._states(global_apps, None)
    states = dict(Submission.objects.values_list("number", "state"))
    assert states == {1: S.WITHDRAWN, 2: S.SUBMITTED, 3: S.ABSTRACT}


def test_a_paper_is_withdrawn_while_its_decision_is_pending_but_not_once_released(
    submission: Submission, author: Any
) -> None:
    """Refusing the withdrawal of a paper with a pending decision would tell its authors that a
    decision exists (tests/security/test_differential.py); once released, only the chairs act."""
    from submissions.policy import can_withdraw_submission

    Submission.objects.filter(pk=submission.pk).update(state=S.REJECTED)
    assert can_withdraw_submission(author, Submission.objects.get(pk=submission.pk))
    Submission.objects.filter(pk=submission.pk).update(decision_released_at=timezone.now())
    verdict = can_withdraw_submission(author, Submission.objects.get(pk=submission.pk))
    assert not verdict
    assert verdict.reason == "The decision on this submission is out; ask the chairs."
    Submission.objects.filter(pk=submission.pk).update(decision_released_at=None)
    assert submission_withdraw(submission=submission, by=author).state == S.WITHDRAWN

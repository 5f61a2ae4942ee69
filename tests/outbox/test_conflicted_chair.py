"""Mail about a paper is hidden from the chairs conflicted with it: the outbox's pages and API,
the held batches and their counts, the failed-mail count, a mail's own address (a 404, as for
none) and the action log's entries about the mail. A digest about several papers is hidden from
a chair conflicted with any of them. Each check is also made as a chair who may read the mail,
so it can fail."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from actionlog.models import Action
from assignments.models import Assignment, AssignmentKind, AssignmentSource
from conferences.roles import RoleKind
from outbox.composer import mail_compose_queue
from outbox.models import Mail, MailBatch, MailPaper, MailStatus
from outbox.selectors import failed_mail_count
from outbox.sending import mail_send
from outbox.services import mail_batch_create, mail_queue, paper_ids_of
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from tests.factories.committees import RoleFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def other_paper(edition: Any) -> Submission:
    return SubmissionFactory(edition=edition, number=2, title="Quantized Gradient Exchange")


@pytest.fixture
def other_chair(edition: Any) -> Any:
    return RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair2@example.org").user


@pytest.fixture
def conflicted(chair: Any, submission: Submission) -> Any:
    """``chair``, conflicted with paper 1 (``submission``)."""
    Conflict.objects.create(
        submission=submission, user=chair, reason=ConflictReason.COLLABORATOR, source=ConflictSource.AUTHOR
    )
    return chair


@pytest.fixture
def mails(edition: Any, submission: Submission, other_paper: Submission) -> dict[str, Mail]:
    """A mail about paper 1, one about paper 2, a digest about both and one about no paper."""

    def queue(subject: str, about: Any) -> Mail:
        return mail_queue(to_email="pc@example.org", subject=subject, body=f"{subject}.", edition=edition, about=about)

    return {
        "p1": queue("Comment on paper one", submission),
        "p2": queue("Comment on paper two", other_paper),
        "digest": queue("Digest of both", [other_paper, submission]),
        "none": queue("Deadline soon", None),
    }


@pytest.fixture
def batch(edition: Any, other_chair: Any, submission: Submission, other_paper: Submission) -> MailBatch:
    batch = mail_batch_create(edition=edition, name="Decision letters", by=other_chair)
    for paper in (submission, other_paper):
        mail_queue(
            to_email=f"author{paper.number}@example.org",
            subject=f"Letter about paper #{paper.number}",
            body=f"Dear author of paper #{paper.number}.",
            batch=batch,
            about=paper,
        )
    return batch


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, edition: Any, **kwargs: Any) -> str:
    return reverse(name, kwargs={"edition_slug": edition.slug, **kwargs})


def test_the_links_are_stored_once_each(mails: dict[str, Mail], submission: Submission, other_paper: Any) -> None:
    links = sorted(MailPaper.objects.filter(mail=mails["digest"]).values_list("paper_id", flat=True))
    assert links == sorted([submission.pk, other_paper.pk])
    assert not MailPaper.objects.filter(mail=mails["none"]).exists()
    assert paper_ids_of([submission, submission.pk, None]) == [submission.pk]


@pytest.mark.parametrize(("who", "hidden"), [("conflicted", True), ("other_chair", False)])
def test_the_outbox_page_and_api_leave_out_mail_about_a_conflicted_paper(
    request: Any, edition: Any, mails: dict[str, Mail], who: str, hidden: bool
) -> None:
    client = _client(request.getfixturevalue(who))
    page = client.get(_url("outbox:mail", edition)).content.decode()
    api = client.get(_url("api:mail-list", edition)).json()
    subjects = {row["subject"] for row in api["results"]}
    assert api["count"] == len(api["results"])
    for subject in ("Comment on paper two", "Deadline soon"):
        assert subject in page
        assert subject in subjects
    for subject in ("Comment on paper one", "Digest of both"):
        assert (subject in page) is not hidden
        assert (subject in subjects) is not hidden
    assert api["count"] == (2 if hidden else 4)


@pytest.mark.parametrize(("who", "status"), [("conflicted", 404), ("other_chair", 200)])
def test_a_mail_about_a_conflicted_paper_has_no_address(
    request: Any, edition: Any, batch: MailBatch, submission: Submission, who: str, status: int
) -> None:
    client = _client(request.getfixturevalue(who))
    mail = batch.mails.get(papers__paper_id=submission.pk)
    assert client.get(_url("outbox:mail_edit", edition, mail_id=mail.pk)).status_code == status
    missing = client.get(_url("outbox:mail_edit", edition, mail_id=mail.pk + 1000))
    assert missing.status_code == 404
    if status == 404:  # as for a mail that does not exist: nothing changes
        assert client.post(_url("outbox:mail_remove", edition, mail_id=mail.pk)).status_code == 404
        mail.refresh_from_db()
        assert mail.status == MailStatus.HELD


@pytest.mark.parametrize(("who", "shown"), [("conflicted", 1), ("other_chair", 2)])
def test_the_held_batch_preview_and_counts_leave_out_mail_about_a_conflicted_paper(
    request: Any, edition: Any, batch: MailBatch, who: str, shown: int
) -> None:
    client = _client(request.getfixturevalue(who))
    page = client.get(_url("outbox:batch", edition, batch_id=batch.pk)).content.decode()
    assert "Dear author of paper #2." in page
    assert ("Dear author of paper #1." in page) is (shown == 2)
    detail = client.get(_url("api:mail-batch-detail", edition, batch_id=batch.pk)).json()
    assert [mail["body"] for mail in detail["mails"]][-1] == "Dear author of paper #2."
    assert len(detail["mails"]) == shown
    assert (detail["batch"]["mail_count"], detail["batch"]["held_count"]) == (shown, shown)
    listed = client.get(_url("api:mail-batch-list", edition)).json()
    (row,) = listed["results"] if isinstance(listed, dict) else listed
    assert (row["mail_count"], row["held_count"]) == (shown, shown)


@pytest.mark.parametrize(("who", "told"), [("conflicted", 1), ("other_chair", 2)])
def test_releasing_a_batch_tells_how_many_of_the_mails_the_chair_may_read(
    request: Any, edition: Any, batch: MailBatch, who: str, told: int
) -> None:
    client = _client(request.getfixturevalue(who))
    answer = client.post(_url("api:mail-batch-release", edition, batch_id=batch.pk))
    assert answer.json() == {"mails": told}
    assert set(batch.mails.values_list("status", flat=True)) == {MailStatus.QUEUED}  # all of them go out


def test_the_reminder_a_conflicted_chair_composes_leaves_their_paper_out(
    edition: Any, conflicted: Any, other_chair: Any, submission: Submission, other_paper: Submission, pc_ml: Any
) -> None:
    for paper in (submission, other_paper):
        Assignment.objects.create(
            submission=paper, user=pc_ml, kind=AssignmentKind.REVIEW, source=AssignmentSource.MANUAL, is_committed=True
        )
    mail = {"subject": "Reviews missing", "body": "{% for paper in missing %}#{{ paper.number }}\n{% endfor %}"}
    arguments = {"edition": edition, "recipient_set_key": "reviews.incomplete", "essential": True, **mail}
    theirs = mail_compose_queue(**arguments, by=conflicted).mails.get()
    assert (theirs.body.strip(), list(theirs.papers.values_list("paper_id", flat=True))) == ("#2", [other_paper.pk])
    mine = mail_compose_queue(**arguments, by=other_chair).mails.get()
    assert sorted(mine.papers.values_list("paper_id", flat=True)) == sorted([submission.pk, other_paper.pk])


def test_the_failed_mail_count_leaves_out_mail_about_a_conflicted_paper(
    edition: Any, mails: dict[str, Mail], submission: Submission, other_paper: Submission
) -> None:
    Mail.objects.filter(pk__in=[mails["p1"].pk, mails["digest"].pk, mails["none"].pk]).update(status=MailStatus.FAILED)
    assert failed_mail_count(edition, hidden_paper_ids=frozenset()) == 3
    assert failed_mail_count(edition, hidden_paper_ids=frozenset({submission.pk})) == 1
    assert failed_mail_count(edition, hidden_paper_ids=frozenset({other_paper.pk})) == 2  # the digest is about it


@pytest.mark.parametrize(("who", "hidden"), [("conflicted", True), ("other_chair", False)])
def test_the_action_log_leaves_out_entries_about_mail_about_a_conflicted_paper(
    request: Any, edition: Any, mails: dict[str, Mail], submission: Submission, who: str, hidden: bool
) -> None:
    for mail in mails.values():
        assert mail_send(mail.pk)
    sent = Action.objects.filter(action="mail.sent")
    assert sent.get(target_id=mails["p1"].pk).paper_id == submission.pk  # filed under its paper
    assert sent.get(target_id=mails["digest"].pk).paper_id is None  # about two: hidden all the same
    client = _client(request.getfixturevalue(who))
    page = client.get(_url("actionlog:log", edition)).content.decode()
    api = client.get(reverse("api:actions", kwargs={"edition_slug": edition.slug}), {"action": "mail."}).json()
    labels = {entry["target_label"] for entry in api["results"]}
    assert any("Comment on paper two" in label for label in labels)
    assert any("Deadline soon" in label for label in labels)
    for subject in ("Comment on paper one", "Digest of both"):
        assert (subject in page) is not hidden
        assert any(subject in label for label in labels) is not hidden


def _mail_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", "")) in {"mail_queue", "mail_queue_template"}
    ]


def test_every_mail_the_apps_queue_says_which_papers_it_is_about() -> None:
    """``about=`` at every call (``None`` for a mail about no paper): a new call can't forget."""
    from tests.test_layering import app_modules

    calls, missing = 0, []
    for name, path in app_modules():
        for call in _mail_calls(ast.parse(path.read_text())):
            keywords = {keyword.arg for keyword in call.keywords}
            if name == "outbox.services" or None in keywords:  # the definitions' own pass-through
                continue
            calls += 1
            if "about" not in keywords:
                missing.append(f"{name}:{call.lineno}")
    assert calls >= 15  # the walk found the call sites
    assert not missing, "Mail queued without saying which papers it is about (about=...):\n" + "\n".join(missing)

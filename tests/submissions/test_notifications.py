"""Mail about submissions: receipts after each accepted upload, notices to co-authors, the
reminder before the paper deadline and the chairs' summary when it passes. Every one is
sent once, however often the code that queues it runs."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from conferences.models import Deadline, Edition, Phase
from conferences.phases import in_aoe
from outbox.models import Mail
from site_pages import notifications as phase_mail
from submissions import tasks
from submissions.models import Submission, SubmissionFile
from submissions.services import (
    AuthorInput,
    SubmissionInput,
    paper_upload,
    submission_register,
    submission_update,
    submission_withdraw,
    supplementary_upload,
)
from tests.factories.accounts import UserFactory
from tests.factories.pdfs import make_pdf
from tests.factories.submissions import AuthorFactory, SubmissionFactory
from tests.submissions import corpus

pytestmark = pytest.mark.django_db


def mails_to(email: str) -> list[Mail]:
    return list(Mail.objects.filter(to_email=email).order_by("pk"))


def receipts() -> list[Mail]:
    return list(Mail.objects.filter(subject__contains="Received:").order_by("to_email"))


@pytest.fixture
def contact_submission(submission: Submission) -> Submission:
    """The persona submission with its first author as the contact."""
    submission.authors.filter(position=1).update(is_contact=True)
    return submission


@pytest.fixture
def coauthor(contact_submission: Submission) -> Any:
    """The account of the persona submission's second author, who is not a contact."""
    user = UserFactory(email="coauthor@example.org")
    contact_submission.authors.filter(position=2).update(user=user)
    return user


# --- Receipts ------------------------------------------------------------------------------


def test_an_accepted_upload_gets_a_receipt_with_title_times_and_sha256(
    contact_submission: Submission, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        version = paper_upload(submission=contact_submission, content=make_pdf(2), filename="p.pdf", by=author)
    version.refresh_from_db()
    [receipt] = receipts()
    assert receipt.to_email == author.email
    assert receipt.to_user == author
    assert receipt.subject == "[MLSys 2027] Received: paper pdf of #1"
    assert "#1 Fast Sparse Attention Kernels" in receipt.body
    uploaded = version.uploaded_at.astimezone(UTC)
    assert f"{uploaded:%a %d %b %Y, %H:%M:%S} UTC" in receipt.body  # as the pages write a moment
    assert f"{in_aoe(uploaded):%a %d %b %Y, %H:%M:%S} AoE" in receipt.body
    assert version.sha256 in receipt.body
    assert "Pages:     2" in receipt.body
    assert "It passed every check." in receipt.body
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [author.email]


def test_receipt_goes_to_contact_authors_and_the_uploader(
    contact_submission: Submission, coauthor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """A co-author who is not a contact gets no receipt, unless they uploaded the file."""
    AuthorFactory(submission=contact_submission, position=3, email="second-contact@example.org", is_contact=True)
    AuthorFactory(submission=contact_submission, position=4, email="quiet@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        paper_upload(submission=contact_submission, content=make_pdf(), filename="p.pdf", by=coauthor)
    assert [m.to_email for m in receipts()] == [
        "author@example.org",
        "coauthor@example.org",
        "second-contact@example.org",
    ]


def test_receipt_mentions_warnings(
    contact_submission: Submission, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        paper_upload(submission=contact_submission, content=corpus.reportlab_pdf(), filename="p.pdf", by=author)
    [receipt] = receipts()
    assert "It passed the checks with 1 warning; please look at them" in receipt.body


@pytest.mark.parametrize("content", [b"", b"not a pdf", corpus.pypdf_blank(1, password="pw"), corpus.pypdf_blank(11)])
def test_no_receipt_for_a_rejected_upload(
    contact_submission: Submission, author: Any, django_capture_on_commit_callbacks: Any, content: bytes
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        version = paper_upload(submission=contact_submission, content=content, filename="p.pdf", by=author)
    assert not version.is_accepted
    assert callbacks == []
    assert not Mail.objects.exists()
    assert mail.outbox == []


def test_supplementary_material_gets_a_receipt_too(
    contact_submission: Submission, author: Any, supplementary_deadline: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        version = supplementary_upload(
            submission=contact_submission,
            content=corpus.make_zip(corpus.GOOD_ZIP_MEMBERS),
            filename="artifact.zip",
            by=author,
        )
    [receipt] = receipts()
    assert receipt.subject == "[MLSys 2027] Received: supplementary material of #1"
    assert version.sha256 in receipt.body


def test_the_receipt_task_run_twice_mails_once_per_recipient(
    contact_submission: Submission, author: Any, coauthor: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        version = paper_upload(submission=contact_submission, content=make_pdf(), filename="p.pdf", by=coauthor)
        tasks.send_upload_receipt.delay(version.pk)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.send_upload_receipt(version.pk) == 2
    assert sorted(m.to_email for m in receipts()) == ["author@example.org", "coauthor@example.org"]
    assert sorted(m.to[0] for m in mail.outbox) == ["author@example.org", "coauthor@example.org"]


def test_each_version_gets_its_own_receipt(
    contact_submission: Submission, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = paper_upload(submission=contact_submission, content=make_pdf(1), filename="p.pdf", by=author)
        second = paper_upload(submission=contact_submission, content=make_pdf(2), filename="p.pdf", by=author)
    bodies = [m.body for m in mails_to(author.email)]
    assert len(bodies) == 2
    assert first.sha256 in bodies[0]
    assert second.sha256 in bodies[1]


def test_the_receipt_task_stops_quietly_when_the_file_is_gone(db: Any) -> None:
    assert tasks.send_upload_receipt(987654) == 0
    assert not Mail.objects.exists()


def test_a_title_with_html_stays_as_typed_in_the_plain_text_mail(
    contact_submission: Submission, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Submission.objects.filter(pk=contact_submission.pk).update(title="<b>Bold</b> & Fast")
    with django_capture_on_commit_callbacks(execute=True):
        paper_upload(submission=contact_submission, content=make_pdf(), filename="p.pdf", by=author)
    [receipt] = receipts()
    assert "#1 <b>Bold</b> & Fast" in receipt.body
    assert "&lt;" not in receipt.body
    assert "&amp;" not in receipt.body


# --- Co-authors ----------------------------------------------------------------------------


def register_with_coauthors(edition: Edition, by: Any, *emails: str) -> Submission:
    return submission_register(
        edition=edition,
        title="Shared Paper",
        abstract="Together.",
        topic="ml",
        authors=[AuthorInput(by.display_name, by.email), *(AuthorInput(f"Co {e}", e) for e in emails)],
        by=by,
    )


def test_co_authors_get_a_notice_but_not_the_registrant(
    edition: Edition, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submission = register_with_coauthors(edition, author, "bo@example.org", "Cy@Example.org")
    notices = Mail.objects.filter(subject__contains="You are an author")
    assert sorted(m.to_email for m in notices) == ["bo@example.org", "cy@example.org"]
    assert not mails_to(author.email)
    notice = notices.get(to_email="bo@example.org")
    assert notice.subject == f"[MLSys 2027] You are an author of submission #{submission.number}"
    assert "Dear Co bo@example.org" in notice.body
    assert "Shared Paper" in notice.body
    assert "add this one to your account" in notice.body
    assert sorted(m.to[0] for m in mail.outbox) == ["bo@example.org", "cy@example.org"]


def test_a_co_author_with_an_account_is_linked_in_the_notice(
    edition: Edition, author: Any, outsider: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        register_with_coauthors(edition, author, outsider.email)
    assert Mail.objects.get(to_email=outsider.email).to_user == outsider


def test_only_newly_added_co_authors_are_told_on_an_edit(
    edition: Edition, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submission = register_with_coauthors(edition, author, "bo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        submission_update(
            submission=submission,
            data=SubmissionInput("Shared Paper", "Together.", "ml"),
            authors=[
                AuthorInput("Me", author.email),
                AuthorInput("Bo", "bo@example.org"),
                AuthorInput("Di", "di@example.org"),
            ],
            by=author,
        )
    assert len(mails_to("bo@example.org")) == 1
    assert len(mails_to("di@example.org")) == 1


def test_the_notice_task_run_twice_mails_once(
    edition: Edition, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        submission = register_with_coauthors(edition, author, "bo@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.notify_new_authors(submission.pk, ["bo@example.org"]) == 1
    assert len(mails_to("bo@example.org")) == 1
    assert len(mail.outbox) == 1


def test_an_author_removed_before_the_task_ran_gets_no_notice(submission: Submission) -> None:
    assert tasks.notify_new_authors(submission.pk, ["removed@example.org"]) == 0
    assert tasks.notify_new_authors(987654, ["coauthor@example.org"]) == 0
    assert not Mail.objects.exists()


# --- The paper deadline: reminders and the chairs' summary ---------------------------------


def move(edition: Edition, phase: Phase, closes_in: timedelta) -> Deadline:
    deadline = Deadline.objects.get(edition=edition, phase=phase)
    deadline.closes_at = timezone.now() + closes_in
    deadline.save()
    return deadline


def test_reminder_24_hours_before_goes_to_contacts_of_incomplete_submissions_only(
    edition: Edition, contact_submission: Submission, author: Any, django_capture_on_commit_callbacks: Any
) -> None:
    complete = SubmissionFactory(edition=edition, number=2)
    AuthorFactory(submission=complete, email="done@example.org", is_contact=True, user=author)
    paper_upload(submission=complete, content=make_pdf(), filename="p.pdf", by=author)
    withdrawn = SubmissionFactory(edition=edition, number=3)
    AuthorFactory(submission=withdrawn, email="gone@example.org", is_contact=True, user=author)
    submission_withdraw(submission=withdrawn, by=author)
    not_contact = SubmissionFactory(edition=edition, number=4)
    AuthorFactory(submission=not_contact, email="lead@example.org", is_contact=True)
    AuthorFactory(submission=not_contact, email="quiet@example.org", is_contact=False)

    move(edition, Phase.PAPER_SUBMISSION, timedelta(hours=24))
    with django_capture_on_commit_callbacks(execute=True):
        assert phase_mail.send_deadline_reminders() == 2
        phase_mail.send_deadline_reminders()

    reminders = Mail.objects.filter(subject__contains="Reminder")
    assert sorted(m.to_email for m in reminders) == ["author@example.org", "lead@example.org"]
    assert reminders[0].subject == "[MLSys 2027] Reminder: paper submission closes in less than a day"
    assert "AoE" in reminders[0].body
    assert len(mail.outbox) == 2


def test_no_paper_reminder_more_than_24_hours_ahead(edition: Edition, contact_submission: Submission) -> None:
    move(edition, Phase.PAPER_SUBMISSION, timedelta(hours=24, seconds=1))
    assert phase_mail.send_deadline_reminders() == 0
    move(edition, Phase.PAPER_SUBMISSION, -timedelta(seconds=1))
    assert phase_mail.send_deadline_reminders() == 0


def test_a_rejected_paper_and_an_accepted_supplementary_still_count_as_incomplete(
    edition: Edition, contact_submission: Submission, author: Any, supplementary_deadline: Any
) -> None:
    paper_upload(submission=contact_submission, content=b"not a pdf", filename="p.pdf", by=author)
    supplementary_upload(
        submission=contact_submission, content=corpus.make_zip(corpus.GOOD_ZIP_MEMBERS), filename="a.zip", by=author
    )
    move(edition, Phase.PAPER_SUBMISSION, timedelta(hours=3))
    assert phase_mail.send_deadline_reminders() == 1
    assert [m.to_email for m in Mail.objects.filter(subject__contains="Reminder")] == [author.email]


def test_chairs_get_a_summary_with_counts_once_the_paper_deadline_passed(
    edition: Edition, contact_submission: Submission, author: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    paper_upload(submission=contact_submission, content=corpus.reportlab_pdf(), filename="p.pdf", by=author)
    ml = SubmissionFactory(edition=edition, number=2, topic="ml")
    AuthorFactory(submission=ml, is_contact=True)
    both = SubmissionFactory(edition=edition, number=3, topic="both")
    AuthorFactory(submission=both, is_contact=True)
    submission_withdraw(submission=both, by=chair)

    move(edition, Phase.PAPER_SUBMISSION, -timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        phase_mail.announce_closed_phases()
        phase_mail.announce_closed_phases()

    [summary] = Mail.objects.filter(subject__contains="Paper submission has closed")
    assert summary.to_email == chair.email
    body = summary.body
    assert "registered:       3" in body
    assert "with a paper PDF: 1" in body
    assert "abstract only:    1" in body
    assert "withdrawn:        1" in body
    assert "check warnings:   1" in body
    assert "topics:           1 Systems, 1 ML, 0 both" in body
    assert "AoE" in body
    assert len([m for m in mail.outbox if "has closed" in m.subject]) == 1


def test_no_summary_before_the_deadline(edition: Edition, chair: Any) -> None:
    move(edition, Phase.PAPER_SUBMISSION, timedelta(seconds=5))
    Deadline.objects.filter(edition=edition).exclude(phase=Phase.PAPER_SUBMISSION).delete()
    assert phase_mail.announce_closed_phases() == 0
    assert not Mail.objects.exists()


def test_uploads_after_the_summary_do_not_mail_the_chairs_again(
    edition: Edition, contact_submission: Submission, chair: Any
) -> None:
    deadline = move(edition, Phase.PAPER_SUBMISSION, -timedelta(minutes=1))
    assert phase_mail.announce_closed_phases() >= 1
    SubmissionFile.objects.create(
        submission=contact_submission, kind="paper", sha256="1" * 64, size=1, is_accepted=True, original_name="p"
    )
    phase_mail.announce_closed_phases(now=deadline.closes_at + timedelta(hours=1))
    assert Mail.objects.filter(to_email=chair.email, subject__contains="Paper submission").count() == 1

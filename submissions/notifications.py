"""Mail to authors about their submissions. Dedupe keys make every mail go out once."""

from __future__ import annotations

from datetime import UTC
from typing import Any

from django.conf import settings

from committees.selectors import committee_of
from conferences.phases import format_aoe, format_in
from conferences.roles import RoleKind
from outbox.services import mail_queue_template
from submissions.author_links import not_an_author_url
from submissions.models import AuthorDispute, Submission, SubmissionFile, SubmissionState
from submissions.selectors import disputed_emails, opted_out


def _recipients(submission: Submission) -> list[tuple[str, object]]:
    """Contact authors, and whoever uploaded: the people who must know a file arrived."""
    disputed = disputed_emails(submission)
    return [(a.email, a.user) for a in submission.authors.all() if a.is_contact and a.email not in disputed]


def upload_receipt(version: SubmissionFile) -> int:
    submission = version.submission
    recipients = dict(_recipients(submission))
    if version.uploaded_by is not None:
        recipients.setdefault(version.uploaded_by.email.lower(), version.uploaded_by)
    context = {
        "submission": submission,
        "edition": submission.edition,
        "version": version,
        "uploaded_utc": format_in(version.uploaded_at, UTC),
        "uploaded_aoe": format_aoe(version.uploaded_at),
        "site_url": settings.SITE_URL,
    }
    return _mail_each(recipients, "submissions/mail/receipt", context, submission, dedupe=f"receipt:{version.pk}")


def new_author_notice(submission: Submission, emails: list[str]) -> int:
    context = {"submission": submission, "edition": submission.edition, "site_url": settings.SITE_URL}
    listed = {a.email: a for a in submission.authors.all()}
    unwanted = disputed_emails(submission) | opted_out(emails)
    sent = 0
    for email in emails:
        author = listed.get(email)
        if author is None or email in unwanted:  # removed again before the task ran, or asked not to be
            continue
        mail_queue_template(
            "submissions/mail/new_author",
            {**context, "author": author, "not_an_author_url": not_an_author_url(submission, email)},
            to_email=email,
            about=submission,
            to_user=author.user,
            edition=submission.edition,
            dedupe_key=f"new-author:{submission.pk}:{email}",
        )
        sent += 1
    return sent


def author_dispute_notice(dispute: AuthorDispute) -> int:
    """Tell the chairs and the submitting author that an address listed as an author says
    it is not one (never the disputed address itself)."""
    submission = dispute.submission
    chairs = committee_of(submission.edition, RoleKind.PC_CHAIR)
    recipients: dict[str, object] = {role.user.email.lower(): role.user for role in chairs}
    submitter = submission.created_by
    if submitter is not None:
        recipients.setdefault(submitter.email.lower(), submitter)
    else:  # the account is gone: its contact authors stand in
        recipients.update((email, user) for email, user in _recipients(submission))
    recipients.pop(dispute.email, None)
    context = {
        "submission": submission,
        "edition": submission.edition,
        "dispute": dispute,
        "reported_utc": format_in(dispute.created_at, UTC),
        "site_url": settings.SITE_URL,
    }
    return _mail_each(
        recipients, "submissions/mail/author_dispute", context, submission, dedupe=f"author-dispute:{dispute.pk}"
    )


def desk_rejection_notice(submission: Submission) -> int:
    """Tell every listed author (but disputed addresses) that a chair desk rejected their
    paper, and why (once)."""
    if submission.state != SubmissionState.DESK_REJECTED:  # undone before the task ran
        return 0
    context = {"submission": submission, "edition": submission.edition, "site_url": settings.SITE_URL}
    disputed = disputed_emails(submission)
    recipients = {a.email: a.user for a in submission.authors.all() if a.email not in disputed}
    return _mail_each(
        recipients, "submissions/mail/desk_rejected", context, submission, dedupe=f"desk-rejected:{submission.pk}"
    )


def _mail_each(
    recipients: dict[str, Any], template: str, context: dict[str, Any], submission: Submission, *, dedupe: str
) -> int:
    """One mail per recipient (``{address: user or None}``), each once (``dedupe:address``)."""
    for email, user in recipients.items():
        mail_queue_template(
            template,
            context,
            to_email=email,
            about=submission,
            to_user=user,
            edition=submission.edition,
            dedupe_key=f"{dedupe}:{email}",
        )
    return len(recipients)

"""Mail to authors about their submissions. Dedupe keys make every mail go out once."""

from __future__ import annotations

from django.conf import settings

from conferences.phases import in_aoe
from outbox.services import mail_queue_template
from submissions.models import Submission, SubmissionFile


def _recipients(submission: Submission) -> list[tuple[str, object]]:
    """Contact authors, and whoever uploaded: the people who must know a file arrived."""
    return [(a.email, a.user) for a in submission.authors.all() if a.is_contact]


def upload_receipt(version: SubmissionFile) -> int:
    submission = version.submission
    recipients = dict(_recipients(submission))
    if version.uploaded_by is not None:
        recipients.setdefault(version.uploaded_by.email.lower(), version.uploaded_by)
    context = {
        "submission": submission,
        "edition": submission.edition,
        "version": version,
        "uploaded_utc": f"{version.uploaded_at:%Y-%m-%d %H:%M:%S} UTC",
        "uploaded_aoe": f"{in_aoe(version.uploaded_at):%Y-%m-%d %H:%M:%S} AoE",
        "site_url": settings.SITE_URL,
    }
    for email, user in recipients.items():
        mail_queue_template(
            "submissions/mail/receipt",
            context,
            to_email=email,
            to_user=user,
            edition=submission.edition,
            dedupe_key=f"receipt:{version.pk}:{email}",
        )
    return len(recipients)


def new_author_notice(submission: Submission, emails: list[str]) -> int:
    context = {"submission": submission, "edition": submission.edition, "site_url": settings.SITE_URL}
    listed = {a.email: a for a in submission.authors.all()}
    sent = 0
    for email in emails:
        author = listed.get(email)
        if author is None:  # removed again before the task ran
            continue
        mail_queue_template(
            "submissions/mail/new_author",
            {**context, "author": author},
            to_email=email,
            to_user=author.user,
            edition=submission.edition,
            dedupe_key=f"new-author:{submission.pk}:{email}",
        )
        sent += 1
    return sent

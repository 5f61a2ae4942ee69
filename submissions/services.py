"""Business actions on submissions. Each is atomic, checks its deadline to the second, and
queues its mail only once the transaction has committed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from conferences.models import Edition, Phase
from conferences.services import require_phase_open
from submissions.archive_checks import SupplementaryLimits, check_supplementary
from submissions.conflict_detection import AuthorFacts, MemberFacts, find_conflicts
from submissions.deadlines import require_open_for
from submissions.models import (
    Author,
    Conflict,
    ConflictReason,
    ConflictSource,
    FileKind,
    Submission,
    SubmissionFile,
)
from submissions.pdf_checks import AuthorIdentity, Limits, PdfReport, check_pdf

log = logging.getLogger(__name__)

SUPPLEMENTARY_MAX_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class AuthorInput:
    name: str
    email: str
    affiliation: str = ""
    is_contact: bool = False


@dataclass(frozen=True)
class SubmissionInput:
    title: str
    abstract: str
    topic: str
    keywords: str = ""


def _account_for(email: str) -> User | None:
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    return address.user if address else None


def _validate_authors(authors: Sequence[AuthorInput]) -> None:
    if not authors:
        raise ValidationError("List at least one author.")
    emails = [a.email.strip().lower() for a in authors]
    duplicates = sorted({e for e in emails if emails.count(e) > 1})
    if duplicates:
        raise ValidationError(f"Each author is listed once; {', '.join(duplicates)} appears twice.")


def _replace_authors(submission: Submission, authors: Sequence[AuthorInput]) -> list[str]:
    """Store the ordered author list; returns the addresses that were not listed before."""
    _validate_authors(authors)
    has_contact = any(a.is_contact for a in authors)  # none marked: the first author is the contact
    before = set(submission.authors.values_list("email", flat=True))
    submission.authors.all().delete()
    for position, author in enumerate(authors, start=1):
        row = Author(
            submission=submission,
            position=position,
            name=author.name.strip(),
            email=author.email.strip().lower(),
            affiliation=author.affiliation.strip(),
            is_contact=author.is_contact or (position == 1 and not has_contact),
            user=_account_for(author.email.strip()),
        )
        row.full_clean()
        row.save()
    return [a.email.strip().lower() for a in authors if a.email.strip().lower() not in before]


def _after_commit_notify_authors(submission: Submission, new_emails: list[str], by: Any) -> None:
    from submissions.tasks import notify_new_authors

    own = {by.email.lower()} if getattr(by, "email", None) else set()
    emails = [e for e in new_emails if e not in own]
    if emails:
        transaction.on_commit(lambda: notify_new_authors.delay(submission.pk, emails))


@transaction.atomic
def submission_register(
    *,
    edition: Edition,
    title: str,
    abstract: str,
    topic: str,
    keywords: str = "",
    authors: Sequence[AuthorInput],
    by: User,
    now: datetime | None = None,
) -> Submission:
    """Register an abstract with its ordered authors, before the abstract deadline."""
    require_phase_open(edition, Phase.ABSTRACT_REGISTRATION, now=now)
    # Lock the edition row so two registrations never get the same number.
    Edition.objects.select_for_update().filter(pk=edition.pk).first()
    number = (edition.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
    submission = Submission(
        edition=edition,
        number=number,
        title=title.strip(),
        abstract=abstract.strip(),
        topic=topic,
        keywords=keywords.strip(),
        created_by=by,
    )
    submission.full_clean()
    submission.save()
    new_emails = _replace_authors(submission, authors)
    conflicts_refresh_automatic(submission=submission)
    _after_commit_notify_authors(submission, new_emails, by)
    log.info("user %s registered submission #%s of %s", by.pk, number, edition.slug)
    return submission


@transaction.atomic
def submission_update(
    *,
    submission: Submission,
    data: SubmissionInput,
    authors: Sequence[AuthorInput] | None = None,
    by: User,
    now: datetime | None = None,
) -> Submission:
    """Change the abstract and the authors, until the paper deadline (or the paper's extension)."""
    submission = Submission.objects.select_for_update().select_related("edition").get(pk=submission.pk)
    require_open_for(submission, Phase.PAPER_SUBMISSION, now=now)
    if submission.is_withdrawn:
        raise ValidationError("This submission is withdrawn; restore it first.")
    submission.title, submission.abstract = data.title.strip(), data.abstract.strip()
    submission.topic, submission.keywords = data.topic, data.keywords.strip()
    submission.full_clean()
    submission.save()
    if authors is not None:
        new_emails = _replace_authors(submission, authors)
        conflicts_refresh_automatic(submission=submission)
        _after_commit_notify_authors(submission, new_emails, by)
    log.info("user %s updated submission #%s of %s", by.pk, submission.number, submission.edition.slug)
    return submission


@transaction.atomic
def submission_withdraw(*, submission: Submission, by: User) -> Submission:
    updated = Submission.objects.filter(pk=submission.pk, withdrawn_at__isnull=True).update(withdrawn_at=timezone.now())
    if not updated:
        raise ValidationError("This submission is already withdrawn.")
    submission.refresh_from_db()
    log.info("user %s withdrew submission #%s of %s", by.pk, submission.number, submission.edition.slug)
    return submission


@transaction.atomic
def submission_restore(*, submission: Submission, by: User, now: datetime | None = None) -> Submission:
    """Undo a withdrawal, while the paper deadline has not passed."""
    require_open_for(submission, Phase.PAPER_SUBMISSION, now=now)
    Submission.objects.filter(pk=submission.pk).update(withdrawn_at=None)
    submission.refresh_from_db()
    log.info("user %s restored submission #%s", by.pk, submission.number)
    return submission


@transaction.atomic
def extension_grant(*, submission: Submission, until: datetime | None, by: User) -> Submission:
    """Let one paper be uploaded until ``until`` (``None`` removes the extension)."""
    submission.extended_until = until
    submission.save(update_fields=["extended_until", "updated_at"])
    log.info("user %s extended #%s until %s", by.pk, submission.number, until)
    return submission


# --- Files --------------------------------------------------------------------------------


def read_upload(upload: IO[bytes], *, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of an upload: enough to tell that it is too large."""
    return upload.read(max_bytes + 1)


def _store_version(
    *, submission: Submission, kind: FileKind, content: bytes, filename: str, report: PdfReport, by: Any
) -> SubmissionFile:
    version = SubmissionFile(
        submission=submission,
        kind=kind,
        original_name=filename[-255:],
        sha256=report.sha256,
        size=report.size,
        page_count=report.page_count,
        is_accepted=report.accepted,
        checks=report.as_dict()["checks"],
        warning_count=len(report.warnings),
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    if report.accepted:  # a rejected upload is recorded, but its bytes are not kept
        version.file.save(filename, ContentFile(content), save=False)
    version.save()
    log.info(
        "user %s uploaded %s %s for #%s (%s)",
        getattr(by, "pk", None),
        kind,
        report.sha256[:12],
        submission.number,
        "accepted" if report.accepted else "rejected",
    )
    if report.accepted:
        from submissions.tasks import send_upload_receipt

        transaction.on_commit(lambda: send_upload_receipt.delay(version.pk))
    return version


def paper_limits(edition: Edition) -> Limits:
    return Limits(max_pages=edition.page_limit, max_bytes=edition.max_pdf_bytes)


@transaction.atomic
def paper_upload(
    *, submission: Submission, content: bytes, filename: str, by: Any, now: datetime | None = None
) -> SubmissionFile:
    """Check and store a paper PDF as a new version. Only an accepted version becomes the
    current one; a rejected upload leaves the previous version in place."""
    submission = Submission.objects.select_related("edition").get(pk=submission.pk)
    require_open_for(submission, Phase.PAPER_SUBMISSION, now=now)
    if submission.is_withdrawn:
        raise ValidationError("This submission is withdrawn.")
    identities = [AuthorIdentity(a.name, a.email) for a in submission.authors.all()]
    report = check_pdf(content, limits=paper_limits(submission.edition), authors=identities)
    return _store_version(
        submission=submission, kind=FileKind.PAPER, content=content, filename=filename, report=report, by=by
    )


@transaction.atomic
def supplementary_upload(
    *, submission: Submission, content: bytes, filename: str, by: Any, now: datetime | None = None
) -> SubmissionFile:
    submission = Submission.objects.select_related("edition").get(pk=submission.pk)
    require_open_for(submission, Phase.SUPPLEMENTARY_MATERIAL, now=now)
    if submission.is_withdrawn:
        raise ValidationError("This submission is withdrawn.")
    report = check_supplementary(content, filename, limits=SupplementaryLimits(max_bytes=SUPPLEMENTARY_MAX_BYTES))
    return _store_version(
        submission=submission, kind=FileKind.SUPPLEMENTARY, content=content, filename=filename, report=report, by=by
    )


# --- Conflicts ------------------------------------------------------------------------------


def _committee_facts(edition: Edition) -> list[MemberFacts]:
    from allauth.account.models import EmailAddress

    from committees.models import Role

    members = {r.user for r in Role.objects.filter(edition=edition).select_related("user")}
    emails: dict[int, set[str]] = {m.pk: {m.email.lower()} for m in members}
    for user_id, email in EmailAddress.objects.filter(user__in=members, verified=True).values_list("user_id", "email"):
        emails[user_id].add(email.lower())
    return [
        MemberFacts(
            user_id=m.pk,
            emails=frozenset(emails[m.pk]),
            institutional_domains=frozenset(m.domain_list),
            affiliation=m.affiliation,
        )
        for m in members
    ]


@transaction.atomic
def conflicts_refresh_automatic(*, submission: Submission, members: list[MemberFacts] | None = None) -> int:
    """Recompute the automatic conflicts of one submission; declared ones are never touched."""
    members = _committee_facts(submission.edition) if members is None else members
    authors = [AuthorFacts(a.name, a.email, a.affiliation) for a in submission.authors.all()]
    found = {c.user_id: c for c in find_conflicts(authors, members)}
    automatic = submission.conflicts.filter(source=ConflictSource.AUTOMATIC)
    automatic.exclude(user_id__in=found).delete()
    existing = set(submission.conflicts.values_list("user_id", flat=True))
    Conflict.objects.bulk_create(
        Conflict(
            submission=submission,
            user_id=user_id,
            reason=conflict.reason,
            source=ConflictSource.AUTOMATIC,
            detail=conflict.detail[:300],
        )
        for user_id, conflict in found.items()
        if user_id not in existing
    )
    return len(found)


def conflicts_refresh_edition(*, edition: Edition) -> int:
    """After the committee changed: recompute every submission's automatic conflicts."""
    members = _committee_facts(edition)
    return sum(
        conflicts_refresh_automatic(submission=s, members=members)
        for s in edition.submissions.prefetch_related("authors")
    )


@transaction.atomic
def conflicts_set_declared(
    *, submission: Submission, source: ConflictSource, declared: dict[int, str], by: User
) -> None:
    """Make the conflicts declared from one side (authors, or a chair) exactly ``declared``:
    ``{user_id: reason}``. Automatic conflicts and the other side's declarations stay."""
    valid = set(ConflictReason.values)
    if any(reason not in valid for reason in declared.values()):
        raise ValidationError("Unknown conflict reason.")
    submission.conflicts.filter(source=source).exclude(user_id__in=declared).delete()
    for user_id, reason in declared.items():
        conflict = submission.conflicts.filter(user_id=user_id).first()
        if conflict is None:
            Conflict.objects.create(submission=submission, user_id=user_id, reason=reason, source=source, created_by=by)
        elif conflict.source in (source, ConflictSource.AUTOMATIC):
            conflict.reason, conflict.source, conflict.created_by = reason, source, by
            conflict.save(update_fields=["reason", "source", "created_by"])
    # A declaration that replaced an automatic conflict and is now withdrawn must not take
    # the automatic conflict with it.
    conflicts_refresh_automatic(submission=submission)
    log.info("user %s set %s conflicts of #%s: %s", by.pk, source, submission.number, sorted(declared))


@transaction.atomic
def conflict_declare_own(*, submission: Submission, user: User, reason: str, conflicted: bool) -> None:
    """A PC member marks (or unmarks) a conflict of their own with a paper."""
    if conflicted and reason not in ConflictReason.values:
        raise ValidationError("Unknown conflict reason.")
    existing = submission.conflicts.filter(user=user).first()
    if conflicted and existing is None:
        Conflict.objects.create(
            submission=submission, user=user, reason=reason, source=ConflictSource.PC_MEMBER, created_by=user
        )
    elif not conflicted and existing is not None:
        if existing.source != ConflictSource.PC_MEMBER:
            raise ValidationError("This conflict was declared by the authors or found automatically; ask the chairs.")
        existing.delete()

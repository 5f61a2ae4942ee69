"""Business actions on submissions. Each is atomic (an upload: its check runs first, outside any
transaction, then one short transaction records it), takes the acting user (``by``) and refuses
with its policy's reason itself (:class:`~mlsys_conf.policy.PolicyDenied`, whose reason includes
a passed deadline, to the second), records who did what in the action log, moves the paper's
state only through :func:`submissions.states.transition`, and queues its mail only once the
transaction has committed."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from accounts.models import User
from actionlog.services import record_action, record_paper_action
from conferences.access import forget_access
from conferences.models import INPUT_PHASES, Edition, Phase, Role
from mlsys_conf.limits import AUTHORS_MAX
from mlsys_conf.policy import Verdict, require
from submissions import policy, tasks  # tasks import this module too: each uses the other only in calls
from submissions.archive_checks import SupplementaryLimits, check_supplementary
from submissions.conflict_detection import AuthorFacts, FoundConflict, MemberFacts, find_conflicts
from submissions.models import (
    AUTOMATIC_REASONS,
    IDEMPOTENCY_KEY_MAX,
    Author,
    AuthorDispute,
    AuthorMailOptOut,
    AuthorNotice,
    Conflict,
    ConflictReason,
    ConflictSource,
    ConflictWaiver,
    Extension,
    FileKind,
    ProvenType,
    Submission,
    SubmissionFile,
    SubmissionState,
)
from submissions.pdf_checks import AuthorIdentity, Limits, PdfReport, check_pdf
from submissions.sandbox import run_check
from submissions.selectors import (
    authors_not_mailed,
    current_paper,
    disputed_emails,
    opted_out,
    verified_emails_of,
    version_for_key,
)
from submissions.signals import paper_changed
from submissions.states import transition

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
    address = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    return address.user if address else None


def _validate_authors(authors: Sequence[AuthorInput]) -> None:
    if not authors:
        raise ValidationError("List at least one author.")
    if len(authors) > AUTHORS_MAX:
        raise ValidationError(f"List at most {AUTHORS_MAX} authors.")
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


def _require_verified(by: User) -> None:
    """Listing authors mails them in the name of ``by``: only a confirmed address may do that."""
    if not verified_emails_of(by):
        raise ValidationError(
            "Confirm your e-mail address first (follow the link in the mail we sent you), then register or "
            "edit the paper."
        )


def _mail_allowance(by: User, candidates: list[str], now: datetime) -> list[str]:
    """The candidates ``by`` may cause a co-author mail to now: at most COAUTHOR_MAIL_PER_HOUR
    distinct addresses in the last hour and COAUTHOR_MAIL_PER_DAY in the last day, counted
    from the notices in the database (an address already mailed in the window is free)."""
    mailed = AuthorNotice.objects.filter(requested_by=by, mailed=True, created_at__gt=now - timedelta(days=1))
    day = set(mailed.values_list("email", flat=True).distinct())
    hour = set(mailed.filter(created_at__gt=now - timedelta(hours=1)).values_list("email", flat=True).distinct())
    allowed = []
    for email in candidates:
        fits_hour = len(hour | {email}) <= settings.COAUTHOR_MAIL_PER_HOUR
        if fits_hour and len(day | {email}) <= settings.COAUTHOR_MAIL_PER_DAY:
            hour.add(email)
            day.add(email)
            allowed.append(email)
    return allowed


def not_mailed_message(emails: Sequence[str]) -> str:
    """What the author is told about co-authors whose notice was held back."""
    return (
        f"Not e-mailed: {', '.join(emails)}. Your account has reached its limit of new co-author addresses "
        f"({settings.COAUTHOR_MAIL_PER_HOUR} an hour, {settings.COAUTHOR_MAIL_PER_DAY} a day). They stay listed; "
        "save the paper again later to mail them, or tell them yourself."
    )


def _after_commit_notify_authors(submission: Submission, new_emails: list[str], by: User) -> None:
    """Mail the co-authors listed for the first time (and those held back before), within
    the account's limits; record every address as mailed or held back."""
    User.objects.select_for_update().filter(pk=by.pk).first()  # one account's changes count one at a time
    already_held = authors_not_mailed(submission)
    listed = list(dict.fromkeys([*new_emails, *already_held]))
    skip = verified_emails_of(by) | {by.email.lower()} | disputed_emails(submission) | opted_out(listed)
    candidates = [e for e in listed if e not in skip]
    if not candidates:
        return
    allowed = _mail_allowance(by, candidates, timezone.now())
    AuthorNotice.objects.bulk_create(
        [AuthorNotice(submission=submission, email=e, requested_by=by, mailed=True) for e in allowed]
        + [
            AuthorNotice(submission=submission, email=e, requested_by=by, mailed=False)
            for e in candidates
            if e not in allowed and e not in already_held
        ]
    )
    if len(allowed) < len(candidates):
        log.warning("user %s reached the co-author mail limit on #%s", by.pk, submission.number)
    if allowed:
        transaction.on_commit(lambda: tasks.notify_new_authors.delay(submission.pk, allowed))


@transaction.atomic
def author_dispute_record(*, submission: Submission, email: str, everywhere: bool = False) -> AuthorDispute:
    """Record that the owner of ``email`` is not an author of ``submission``: no more mail
    about it goes there, and the chairs and the submitting author are told (once). With
    ``everywhere``, no co-author notice about any paper goes there either, until the address
    belongs to a verified account."""
    email = email.strip().lower()
    if everywhere:
        AuthorMailOptOut.objects.get_or_create(email=email)
    dispute, created = AuthorDispute.objects.get_or_create(submission=submission, email=email)
    if created:
        transaction.on_commit(lambda: tasks.notify_author_dispute.delay(dispute.pk))
        log.info("%s is not an author of #%s (%s), they say", dispute.email, submission.number, submission.edition.slug)
    return dispute


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
    require(policy.can_register_submission(by, edition, now))
    _require_verified(by)
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
    record_paper_action(
        submission,
        actor=by,
        action="submission.registered",
        changes={f: (None, v) for f, v in _text_of(submission).items()},
    )
    paper_changed.send(sender=Submission, submission=submission)
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
    require(policy.can_edit_submission(by, submission, now))
    _require_verified(by)
    before = _text_of(submission)
    submission.title, submission.abstract = data.title.strip(), data.abstract.strip()
    submission.topic, submission.keywords = data.topic, data.keywords.strip()
    submission.full_clean()
    submission.save()
    if authors is not None:
        new_emails = _replace_authors(submission, authors)
        conflicts_refresh_automatic(submission=submission)
        _after_commit_notify_authors(submission, new_emails, by)
    changes = {f: (before[f], after) for f, after in _text_of(submission).items() if before[f] != after}
    if changes:
        record_paper_action(submission, actor=by, action="submission.updated", changes=changes)
        paper_changed.send(sender=Submission, submission=submission)
    log.info("user %s updated submission #%s of %s", by.pk, submission.number, submission.edition.slug)
    return submission


def _text_of(submission: Submission) -> dict[str, Any]:
    """What the authors write, as the action log compares it before and after a change."""
    return {
        "title": submission.title,
        "abstract": submission.abstract,
        "topic": submission.topic,
        "keywords": submission.keywords,
        "authors": [f"{a.name} <{a.email}>" for a in submission.authors.order_by("position")],
    }


def _refreshed(submission: Submission, moved: Submission) -> Submission:
    """Give the caller's instance the moved row's state fields too."""
    for field in ("state", "state_reason", "withdrawn_at", "updated_at"):
        setattr(submission, field, getattr(moved, field))
    return submission


@transaction.atomic
def submission_withdraw(*, submission: Submission, by: User) -> Submission:
    require(policy.can_withdraw_submission(by, submission))
    moved = transition(submission, SubmissionState.WITHDRAWN, by=by, action="submission.withdrawn")
    log.info("user %s withdrew submission #%s of %s", by.pk, submission.number, submission.edition.slug)
    return _refreshed(submission, moved)


@transaction.atomic
def submission_restore(*, submission: Submission, by: User, now: datetime | None = None) -> Submission:
    """Undo a withdrawal, while the paper deadline has not passed: the paper is submitted again
    if it has an accepted PDF, else back to its abstract."""
    require(policy.can_restore_submission(by, submission, now))
    back = SubmissionState.SUBMITTED if current_paper(submission) else SubmissionState.ABSTRACT
    moved = transition(submission, back, by=by, action="submission.restored")
    paper_changed.send(sender=Submission, submission=submission)
    log.info("user %s restored submission #%s", by.pk, submission.number)
    return _refreshed(submission, moved)


@transaction.atomic
def submission_desk_reject(*, submission: Submission, reason: str, by: User) -> Submission:
    """A chair takes a paper out of the running (out of scope, over length, not anonymous) with
    a reason the authors are sent through the outbox."""
    require(policy.can_desk_reject_submission(by, submission))
    if not reason.strip():
        raise ValidationError("Give the authors a reason for the desk rejection.")
    moved = transition(
        submission, SubmissionState.DESK_REJECTED, by=by, action="submission.desk_rejected", reason=reason.strip()
    )
    transaction.on_commit(lambda: tasks.notify_desk_rejection.delay(moved.pk))
    log.info("chair %s desk rejected submission #%s", by.pk, submission.number)
    return _refreshed(submission, moved)


@transaction.atomic
def extension_grant(
    *,
    by: Any,
    edition: Edition,
    phase: Phase,
    until: datetime | None,
    submission: Submission | None = None,
    user: Any = None,
    reason: str = "",
) -> Extension | None:
    """Give one paper (``submission``) or one person (``user``) until ``until`` for an input
    ``phase``, add, move or (``until=None``) remove the extension. Chairs only; logged."""
    require(policy.can_grant_extensions(by, edition))
    phase = Phase(phase)
    if (submission is None) == (user is None):
        raise ValidationError("An extension is for one paper or for one person.")
    if phase not in INPUT_PHASES:
        raise ValidationError(f"{phase.label} is not an input deadline; it cannot be extended.")
    if submission is not None and submission.edition_id != edition.pk:
        raise ValidationError("This paper belongs to another edition.")
    whom: dict[str, Any] = {"submission": submission} if submission is not None else {"user": user}
    current = Extension.objects.select_for_update().filter(edition=edition, phase=phase, **whom).first()
    before = current.until if current else None
    if until is None:
        if current:
            current.delete()
    else:
        current = current or Extension(edition=edition, phase=phase, **whom)
        current.until, current.reason, current.granted_by = until, reason.strip(), by
        current.full_clean()
        current.save()
    if before != until:
        record_action(
            edition=edition,
            actor=by,
            action="extension.removed" if until is None else "extension.granted",
            target=submission if submission is not None else current,
            paper_id=submission.pk if submission is not None else None,
            person=user,
            changes={f"{phase.value}_until": (before, until)},
            note=reason.strip(),
        )
    log.info("user %s extended %s for %s until %s", by.pk, phase, submission or user, until)
    return current if until is not None else None


# --- Files --------------------------------------------------------------------------------


def read_upload(upload: IO[bytes], *, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of an upload: enough to tell that it is too large."""
    return upload.read(max_bytes + 1)


def _replayed(*, submission: Submission, kind: FileKind, by: Any, key: str, content: bytes) -> SubmissionFile | None:
    """The version an earlier upload with ``key`` recorded, if any: a retry gets it back. The
    key is the uploader's, for one file: the same key with other bytes is refused."""
    version = version_for_key(submission, by, key)
    if version is None:
        return None
    if version.kind != kind or version.size != len(content) or version.sha256 != hashlib.sha256(content).hexdigest():
        raise ValidationError(
            "This form was already used to upload another file. Reload the page and choose the file again."
        )
    return version


def _require_key(key: str) -> None:
    if len(key) > IDEMPOTENCY_KEY_MAX or not key.isprintable():
        raise ValidationError(f"The idempotency key must be printable and at most {IDEMPOTENCY_KEY_MAX} characters.")


def _discard_file(name: str) -> None:
    """Remove a stored file no committed version uses (after its version failed to record).
    Names are fresh for every upload, so if the database can't even be asked, none does."""
    if not name:
        return
    try:
        used = SubmissionFile.objects.filter(file=name).exists()
    except DatabaseError:
        used = False
    if not used:
        default_storage.delete(name)


Allowed = Callable[[Any, Submission, datetime | None], Verdict]


def _upload(
    *,
    submission: Submission,
    kind: FileKind,
    content: bytes,
    filename: str,
    by: Any,
    received: datetime,
    key: str,
    allowed: Allowed,
    check: Callable[[Submission], PdfReport],
) -> SubmissionFile:
    """Check an upload, store its bytes, then record its version in one short transaction.

    The check runs outside any transaction (no lock is held while it works), and so does the
    writing of the file. The transaction locks the paper, asks the policy again *about the time
    of receipt* (a chair may have moved the deadline, or the paper been withdrawn, while the
    check ran: an upload received before the deadline counts even if its check ends after it),
    and records the version. If recording fails, the stored file goes with it."""
    _require_key(key)
    submission = Submission.objects.select_related("edition").get(pk=submission.pk)
    replayed = _replayed(submission=submission, kind=kind, by=by, key=key, content=content)
    if replayed is not None:
        return replayed
    require(allowed(by, submission, received))
    report = check(submission)
    proven = report.content_type if report.content_type in ProvenType.values else ""
    accepted = report.accepted and bool(proven)
    version = SubmissionFile(
        submission=submission,
        kind=kind,
        content_type=proven if accepted else "",
        original_name=filename[-255:],
        sha256=report.sha256,
        size=report.size,
        page_count=report.page_count,
        is_accepted=accepted,
        checks=report.as_dict()["checks"],
        warning_count=len(report.warnings),
        uploaded_by=by if getattr(by, "pk", None) else None,
        idempotency_key=key if getattr(by, "pk", None) else "",
    )
    if accepted:  # a rejected upload is recorded, but its bytes are not kept
        version.file.save(f"{report.sha256}.{ProvenType(proven).extension}", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            version.submission = _record_version(version, by=by, received=received, allowed=allowed)
    except IntegrityError:
        _discard_file(version.file.name or "")
        # Another request with the same key recorded its version first (a double-click, a
        # retry while the first was still running): that one is the answer to both.
        replayed = _replayed(submission=submission, kind=kind, by=by, key=key, content=content)
        if replayed is None:
            raise
        return replayed
    except BaseException:
        _discard_file(version.file.name or "")
        raise
    log.info(
        "user %s uploaded %s %s for #%s (%s)",
        getattr(by, "pk", None),
        kind,
        report.sha256[:12],
        submission.number,
        "accepted" if accepted else "rejected",
    )
    return version


def _record_version(version: SubmissionFile, *, by: Any, received: datetime, allowed: Allowed) -> Submission:
    submission = Submission.objects.select_for_update().select_related("edition").get(pk=version.submission_id)
    require(allowed(by, submission, received))
    version.submission = submission
    version.save()
    kind, accepted = version.kind, version.is_accepted
    action = f"{kind}.{'passed_checks' if accepted else 'failed_checks'}"
    record_paper_action(
        submission, actor=by, action=action, changes={"sha256": (None, version.sha256)}, note=version.original_name
    )
    if accepted and FileKind(kind).of_the_paper:
        paper_changed.send(sender=Submission, submission=submission)
    if accepted and kind == FileKind.PAPER and submission.state == SubmissionState.ABSTRACT:
        transition(submission, SubmissionState.SUBMITTED, by=by, action="submission.submitted")
    if accepted:
        transaction.on_commit(lambda: tasks.send_upload_receipt.delay(version.pk))
    return submission


def checked_upload(
    *,
    submission: Submission,
    kind: FileKind,
    content: bytes,
    filename: str,
    by: Any,
    allowed: Allowed,
    check: Callable[[Submission], PdfReport],
    now: datetime | None = None,
    idempotency_key: str = "",
) -> SubmissionFile:
    """A new version of another kind of the paper's files (the artifact appendix), checked,
    stored and versioned as the paper is: ``allowed`` is the uploader's policy rule (asked again
    at the time of receipt), ``check`` runs the file's checks (:func:`run_check`)."""
    return _upload(
        submission=submission,
        kind=kind,
        content=content,
        filename=filename,
        by=by,
        received=now or timezone.now(),
        key=idempotency_key,
        allowed=allowed,
        check=check,
    )


def paper_limits(edition: Edition) -> Limits:
    return Limits(max_pages=edition.page_limit, max_bytes=edition.max_pdf_bytes)


def paper_upload(
    *,
    submission: Submission,
    content: bytes,
    filename: str,
    by: Any,
    now: datetime | None = None,
    idempotency_key: str = "",
) -> SubmissionFile:
    """Check and store a paper PDF as a new version. Only an accepted version becomes the
    current one; a rejected upload leaves the previous version in place. ``now`` is the time
    the upload was received (the deadline is compared with it); an ``idempotency_key`` makes a
    retry return the version the first attempt recorded."""

    def check(paper: Submission) -> PdfReport:
        identities = [AuthorIdentity(a.name, a.email) for a in paper.authors.all()]
        return run_check(check_pdf, content, limits=paper_limits(paper.edition), authors=identities)

    return _upload(
        submission=submission,
        kind=FileKind.PAPER,
        content=content,
        filename=filename,
        by=by,
        received=now or timezone.now(),
        key=idempotency_key,
        allowed=policy.can_upload_paper,
        check=check,
    )


def supplementary_upload(
    *,
    submission: Submission,
    content: bytes,
    filename: str,
    by: Any,
    now: datetime | None = None,
    idempotency_key: str = "",
) -> SubmissionFile:
    def check(_: Submission) -> PdfReport:
        limits = SupplementaryLimits(max_bytes=SUPPLEMENTARY_MAX_BYTES)
        return run_check(check_supplementary, content, filename=filename, limits=limits)

    return _upload(
        submission=submission,
        kind=FileKind.SUPPLEMENTARY,
        content=content,
        filename=filename,
        by=by,
        received=now or timezone.now(),
        key=idempotency_key,
        allowed=policy.can_upload_supplementary,
        check=check,
    )


# --- Conflicts ------------------------------------------------------------------------------
#
# A conflict never ends in an assignment, whoever recorded it. Automatic detection only adds:
# a conflict found once stays until a chair removes it, and the chair's removal leaves a waiver
# so that detection does not find the pair again. Conflicts that appear after a member's own
# change (profile, e-mail addresses) are recorded hidden from that member, so that trying
# institutions one by one tells them nothing about who wrote which paper; the chairs see them,
# and the action log says why each one appeared.


OWN_CHANGE_NOTE = "Found after a change of the member's own profile or addresses; not shown to them."


def require_declarable_reason(reason: str) -> None:
    """People give a reason of their own; the automatic ones are for detection only."""
    if reason in AUTOMATIC_REASONS:
        raise ValidationError(
            f"The reason “{ConflictReason(reason).label}” is recorded by automatic detection only; "
            f"choose one of: {', '.join(sorted(set(ConflictReason.values) - AUTOMATIC_REASONS))}."
        )
    if reason not in ConflictReason.values:
        raise ValidationError("Unknown conflict reason.")


def _log(action: str, submission: Submission, user_id: int, by: Any, note: str = "", **changes: Any) -> None:
    person = User.objects.filter(pk=user_id).first()
    record_paper_action(submission, actor=by, action=action, person=person, changes=changes or None, note=note)


def _committee_facts(edition: Edition, user_ids: Collection[int] | None = None) -> list[MemberFacts]:
    roles = Role.objects.filter(edition=edition).select_related("user")
    if user_ids is not None:
        roles = roles.filter(user_id__in=user_ids)
    return _member_facts({r.user for r in roles})


def _member_facts(members: set[User]) -> list[MemberFacts]:
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


def _found(submission: Submission, members: list[MemberFacts]) -> dict[int, FoundConflict]:
    authors = [AuthorFacts(a.name, a.email, a.affiliation) for a in submission.authors.all()]
    return {c.user_id: c for c in find_conflicts(authors, members)}


def _record_found(new: list[tuple[Submission, FoundConflict]], *, hidden: bool) -> None:
    Conflict.objects.bulk_create(
        [
            Conflict(
                submission=submission,
                user_id=c.user_id,
                reason=c.reason,
                source=ConflictSource.AUTOMATIC,
                detail=c.detail[:300],
                hidden_from_member=hidden,
            )
            for submission, c in new
        ],
        ignore_conflicts=True,  # a concurrent refresh may have recorded the same pair
    )
    forget_access()  # a bulk insert sends no signal: the members' Access objects are stale
    note = OWN_CHANGE_NOTE if hidden else "Found automatically."
    for submission, c in new:
        _log("conflict.found", submission, c.user_id, None, note=note, reason=(None, c.reason))


def _known_pairs(submissions: QuerySet[Submission]) -> set[tuple[int, int]]:
    """(submission, user) pairs with a conflict or a chair's waiver: detection leaves them alone."""
    pairs = set(Conflict.objects.filter(submission__in=submissions).values_list("submission_id", "user_id"))
    waived = ConflictWaiver.objects.filter(submission__in=submissions).values_list("submission_id", "user_id")
    return pairs | set(waived)


def _refresh(submissions: QuerySet[Submission], members: list[MemberFacts], *, hidden: bool) -> int:
    """Record the automatic conflicts not recorded yet (nothing is removed), in a fixed number of
    queries; returns how many conflicts detection finds."""
    known = _known_pairs(submissions)
    found = [(s, c) for s in submissions.prefetch_related("authors") for c in _found(s, members).values()]
    _record_found([(s, c) for s, c in found if (s.pk, c.user_id) not in known], hidden=hidden)
    return len(found)


@transaction.atomic
def conflicts_refresh_automatic(
    *, submission: Submission, members: list[MemberFacts] | None = None, hide_from_members: bool = False
) -> int:
    """Record the automatic conflicts of one submission not recorded yet (nothing is removed).
    ``hide_from_members``: the new ones are hidden from their member, because they may come from
    the member's own change. Returns how many conflicts detection finds."""
    members = _committee_facts(submission.edition) if members is None else members
    return _refresh(Submission.objects.filter(pk=submission.pk), members, hidden=hide_from_members)


@transaction.atomic
def conflicts_detect_for_newcomer(*, submission: Submission, user: User) -> Conflict | None:
    """Before ``user`` joins to review ``submission`` alone (an external reviewer, who holds no
    role yet): run detection for them on the paper, record what it finds (shown to them: nothing
    of theirs changed) and return the pair's conflict, found now or recorded before; None when
    there is none, or a chair waived it."""
    _refresh(Submission.objects.filter(pk=submission.pk), _member_facts({user}), hidden=False)
    return Conflict.objects.filter(submission=submission, user=user).first()


@transaction.atomic
def conflicts_refresh_edition(
    *, edition: Edition, user_ids: Collection[int] | None = None, hide_from_members: bool = True
) -> int:
    """Recompute the automatic conflicts of every submission, for the whole committee or only
    the members ``user_ids``. New ones are hidden from their member unless ``hide_from_members``
    is False (the member has just joined, so nothing of theirs changed)."""
    members = _committee_facts(edition, user_ids)
    if not members:
        return 0
    return _refresh(edition.submissions.all(), members, hidden=hide_from_members)


def _rejoin_detection(submission: Submission, user_id: int) -> None:
    """After a declaration on the pair is removed, detection may still find it: record that
    again, hidden (the declaration was all the member was shown)."""
    members = _committee_facts(submission.edition, [user_id])
    conflicts_refresh_automatic(submission=submission, members=members, hide_from_members=True)


@transaction.atomic
def conflict_declare(
    *, submission: Submission, user_id: int, reason: str, source: ConflictSource, by: User
) -> Conflict:
    """A person declares a conflict: the authors, the PC member, or a chair. On a pair already
    conflicted, a chair's declaration makes the conflict the chair's; a member's own declaration
    takes over a conflict hidden from them; other declarations leave the existing one alone."""
    require_declarable_reason(reason)
    conflict = Conflict.objects.select_for_update().filter(submission=submission, user_id=user_id).first()
    if conflict is None:
        conflict = Conflict.objects.create(
            submission=submission, user_id=user_id, reason=reason, source=source, created_by=by
        )
        _log("conflict.added", submission, user_id, by, reason=(None, reason), source=(None, source))
        return conflict
    takes_over = (
        conflict.source == source
        or source == ConflictSource.CHAIR
        or (source == ConflictSource.PC_MEMBER and conflict.hidden_from_member)
    )
    if takes_over and (conflict.source, conflict.reason) != (source, reason):
        before = (conflict.source, conflict.reason)
        conflict.source, conflict.reason, conflict.created_by = source, reason, by
        if source == ConflictSource.PC_MEMBER:
            conflict.hidden_from_member = False
        conflict.save(update_fields=["source", "reason", "created_by", "hidden_from_member"])
        _log("conflict.changed", submission, user_id, by, reason=(before[1], reason), source=(before[0], source))
    return conflict


@transaction.atomic
def conflict_remove(*, conflict: Conflict, by: User, waive: bool = False) -> None:
    """Remove a conflict (the caller asked :func:`policy.can_remove_conflict`). With ``waive``
    (a chair's decision), a pair that detection finds is waived, so it stays free; otherwise
    detection records it again."""
    submission, user_id = conflict.submission, conflict.user_id
    found = _found(submission, _committee_facts(submission.edition, [user_id])).get(user_id)
    conflict.delete()
    if found is not None and waive:
        ConflictWaiver.objects.get_or_create(
            submission=submission,
            user_id=user_id,
            defaults={"waived_by": by, "reason": found.reason, "detail": found.detail[:300]},
        )
        _log("conflict.waived", submission, user_id, by, reason=(conflict.reason, None), source=(conflict.source, None))
        return
    _log("conflict.removed", submission, user_id, by, reason=(conflict.reason, None), source=(conflict.source, None))
    _rejoin_detection(submission, user_id)


@transaction.atomic
def conflicts_set_declared(
    *, submission: Submission, source: ConflictSource, declared: dict[int, str], by: User, now: datetime | None = None
) -> None:
    """Make the conflicts declared from one side (authors, or a chair) exactly ``declared``:
    ``{user_id: reason}``. Conflicts of other sources stay."""
    if source == ConflictSource.CHAIR:
        require(policy.can_manage_submission(by, submission))
    else:
        require(policy.can_declare_author_conflicts(by, submission, now))
    for reason in declared.values():
        require_declarable_reason(reason)
    for conflict in submission.conflicts.filter(source=source).exclude(user_id__in=declared):
        conflict_remove(conflict=conflict, by=by, waive=source == ConflictSource.CHAIR)
    for user_id, reason in declared.items():
        conflict_declare(submission=submission, user_id=user_id, reason=reason, source=source, by=by)
    log.info("user %s set %s conflicts of #%s: %s", by.pk, source, submission.number, sorted(declared))


@transaction.atomic
def conflicts_set_by_chair(*, submission: Submission, conflicted: dict[int, str], by: User) -> None:
    """A chair makes the paper's conflicts exactly ``conflicted`` (``{user_id: reason}``): the
    ones left out are removed (waived when detection finds them), new ones are the chair's."""
    require(policy.can_manage_submission(by, submission))
    for reason in conflicted.values():
        require_declarable_reason(reason)
    for conflict in submission.conflicts.exclude(user_id__in=conflicted):
        conflict_remove(conflict=conflict, by=by, waive=True)
    existing = dict(submission.conflicts.values_list("user_id", "source"))
    for user_id, reason in conflicted.items():
        if existing.get(user_id) in (None, ConflictSource.CHAIR):
            conflict_declare(submission=submission, user_id=user_id, reason=reason, source=ConflictSource.CHAIR, by=by)
    log.info("chair %s set the conflicts of #%s: %s", by.pk, submission.number, sorted(conflicted))


@transaction.atomic
def conflict_declare_own(
    *, submission: Submission, user: User, reason: str, conflicted: bool, now: datetime | None = None
) -> None:
    """A PC member marks a conflict of their own with a paper (at any time), or takes their own
    declaration back (only before bidding opens)."""
    require(policy.can_declare_own_conflicts(user, submission.edition))
    if conflicted:
        conflict_declare(
            submission=submission, user_id=user.pk, reason=reason, source=ConflictSource.PC_MEMBER, by=user
        )
        return
    existing = submission.conflicts.filter(user=user, hidden_from_member=False).first()
    if existing is None:
        return
    if existing.source != ConflictSource.PC_MEMBER:
        raise ValidationError(
            "This conflict was declared by the authors or a chair, or found automatically; ask the chairs."
        )
    if policy.bidding_has_opened(submission.edition, now):
        raise ValidationError("Bidding has opened: you can still add conflicts, but only the chairs remove one.")
    conflict_remove(conflict=existing, by=user)

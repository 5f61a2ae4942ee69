"""Business actions of the camera-ready phase: the authors start their paper's final version
(prefilled from the submission), change and confirm its metadata, accept the licence and upload
the final PDF; the chairs set the final page limit and the instructions. Each takes the acting
user (``by``), refuses with the policy's reason itself, runs in a transaction and records its
action in the action log. ``now`` is the time the request was received (the deadline is
compared with it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actionlog.services import record_action, record_paper_action
from camera_ready import policy
from camera_ready.models import CameraReadySettings, FinalAuthor, FinalVersion, Licence, orcid_checksum_ok
from conferences.models import Edition
from mlsys_conf.policy import require
from submissions.models import FileKind, Submission, SubmissionFile
from submissions.pdf_checks import Limits, PdfReport, check_pdf
from submissions.sandbox import run_check
from submissions.services import checked_upload

MAX_AUTHORS = 100


@dataclass(frozen=True)
class AuthorLine:
    name: str
    email: str
    affiliation: str = ""
    orcid: str = ""
    is_presenter: bool = False


@dataclass(frozen=True)
class MetadataInput:
    title: str
    abstract: str
    keywords: str
    authors: list[AuthorLine]


METADATA_FIELDS = ("title", "abstract", "keywords")
AUTHOR_FIELDS = tuple(AuthorLine.__dataclass_fields__)


def settings_of(edition: Edition) -> CameraReadySettings:
    """The edition's camera-ready settings (unsaved defaults until the chairs save theirs)."""
    return CameraReadySettings.objects.filter(edition=edition).first() or CameraReadySettings(edition=edition)


def _locked(submission: Submission) -> Submission:
    return Submission.objects.select_for_update().select_related("edition").get(pk=submission.pk)


def _prefilled_authors(submission: Submission) -> list[AuthorLine]:
    lines = []
    for index, author in enumerate(submission.authors.select_related("user").order_by("position")):
        orcid = getattr(author.user, "orcid", "") or ""
        valid = bool(orcid) and len(orcid) == 19 and orcid_checksum_ok(orcid)
        lines.append(AuthorLine(author.name, author.email, author.affiliation, orcid if valid else "", index == 0))
    return lines


def draft_of(submission: Submission) -> tuple[FinalVersion, list[FinalAuthor]]:
    """The paper's final version and its authors: the stored ones, or (not started yet) unsaved
    ones prefilled from the submission, to show."""
    final = FinalVersion.objects.filter(submission=submission).first()
    if final is not None:
        return final, list(final.authors.order_by("position"))
    final = FinalVersion(
        submission=submission, title=submission.title, abstract=submission.abstract, keywords=submission.keywords
    )
    authors = [
        FinalAuthor(final_version=final, position=position, **asdict(line))
        for position, line in enumerate(_prefilled_authors(submission), start=1)
    ]
    return final, authors


def _start(submission: Submission, by: Any) -> FinalVersion:
    """The stored final version of the (locked) paper, made from the submission if there is none."""
    existing = FinalVersion.objects.filter(submission=submission).first()
    if existing is not None:
        return existing
    final, authors = draft_of(submission)
    final.full_clean()
    final.save()
    for author in authors:
        author.final_version = final
    FinalAuthor.objects.bulk_create(authors)
    record_paper_action(submission, actor=by, action="camera_ready.started")
    return final


@transaction.atomic
def final_version_start(*, submission: Submission, by: Any, now: datetime | None = None) -> FinalVersion:
    """Start the paper's final version from its submission (title, abstract, keywords, authors
    with their affiliations, the first author presenting); an existing one is returned as is."""
    submission = _locked(submission)
    require(policy.can_edit_final_version(by, submission, now))
    return _start(submission, by)


def _author_rows(final: FinalVersion, lines: list[AuthorLine]) -> list[FinalAuthor]:
    if not lines:
        raise ValidationError("Name at least one author.")
    if len(lines) > MAX_AUTHORS:
        raise ValidationError(f"At most {MAX_AUTHORS} authors.")
    presenters = sum(1 for line in lines if line.is_presenter)
    if presenters != 1:
        raise ValidationError(f"Name exactly one presenter (you named {presenters}).")
    emails = [line.email.strip().lower() for line in lines]
    if len(set(emails)) != len(emails):
        raise ValidationError("Each author's e-mail address must appear once.")
    rows = []
    errors = []
    for position, line in enumerate(lines, start=1):
        row = FinalAuthor(
            final_version=final,
            position=position,
            name=line.name.strip(),
            email=line.email.strip(),
            affiliation=line.affiliation.strip(),
            orcid=line.orcid.strip().upper(),
            is_presenter=line.is_presenter,
        )
        try:
            row.full_clean(exclude=["final_version"], validate_constraints=False)
        except ValidationError as error:
            errors += [f"Author {position}: {message}" for message in error.messages]
        rows.append(row)
    if errors:
        raise ValidationError(errors)
    return rows


def _author_values(rows: list[Any]) -> list[dict[str, Any]]:
    return [{name: getattr(row, name) for name in AUTHOR_FIELDS} for row in rows]


@transaction.atomic
def final_metadata_save(
    *, submission: Submission, data: MetadataInput, by: Any, now: datetime | None = None
) -> FinalVersion:
    """Change the final title, abstract, keywords and the ordered authors (added, removed,
    reordered; exactly one presenting). A change clears the authors' confirmation."""
    submission = _locked(submission)
    require(policy.can_edit_final_version(by, submission, now))
    final = _start(submission, by)
    before = {name: getattr(final, name) for name in METADATA_FIELDS}
    before_authors = _author_values(list(final.authors.order_by("position")))
    for name in METADATA_FIELDS:
        setattr(final, name, str(getattr(data, name)).strip())
    final.full_clean()
    rows = _author_rows(final, data.authors)
    after = {name: getattr(final, name) for name in METADATA_FIELDS}
    after_authors = _author_values(rows)
    changes: dict[str, tuple[Any, Any]] = {n: (before[n], after[n]) for n in METADATA_FIELDS if before[n] != after[n]}
    if before_authors != after_authors:
        changes["authors"] = ([a["name"] for a in before_authors], [a["name"] for a in after_authors])
        final.authors.all().delete()
        FinalAuthor.objects.bulk_create(rows)
    if changes:
        final.confirmed_at = None
        final.save()
        record_paper_action(submission, actor=by, action="camera_ready.metadata_changed", changes=changes)
    return final


@transaction.atomic
def final_metadata_confirm(*, submission: Submission, by: Any, now: datetime | None = None) -> FinalVersion:
    """An author confirms the final metadata as it stands (starting it from the submission)."""
    submission = _locked(submission)
    require(policy.can_edit_final_version(by, submission, now))
    final = _start(submission, by)
    if not final.authors.filter(is_presenter=True).exists():
        raise ValidationError("Name a presenter before confirming.")
    final.confirmed_at = now or timezone.now()
    final.save(update_fields=["confirmed_at", "updated_at"])
    record_paper_action(submission, actor=by, action="camera_ready.metadata_confirmed")
    return final


@transaction.atomic
def licence_accept(*, submission: Submission, licence: str, by: Any, now: datetime | None = None) -> FinalVersion:
    """An author accepts ``licence`` for the paper, on behalf of its authors (who and when are kept)."""
    submission = _locked(submission)
    require(policy.can_edit_final_version(by, submission, now))
    if licence not in Licence.values:
        raise ValidationError("Choose one of the licences offered.")
    final = _start(submission, by)
    before = final.licence
    final.licence = licence
    final.licence_accepted_at = now or timezone.now()
    final.licence_accepted_by = by
    final.save(update_fields=["licence", "licence_accepted_at", "licence_accepted_by", "updated_at"])
    record_paper_action(
        submission, actor=by, action="camera_ready.licence_accepted", changes={"licence": (before or None, licence)}
    )
    return final


def final_pdf_upload(
    *,
    submission: Submission,
    content: bytes,
    filename: str,
    by: Any,
    now: datetime | None = None,
    idempotency_key: str = "",
) -> SubmissionFile:
    """Check and store the final PDF as a new version: the paper's checks with the final page
    limit and without the double-blind check (the final version names its authors). A rejected
    upload is recorded with its checks and leaves the previous version current."""

    def check(paper: Submission) -> PdfReport:
        limits = Limits(max_pages=settings_of(paper.edition).final_page_limit(), max_bytes=paper.edition.max_pdf_bytes)
        return run_check(check_pdf, content, limits=limits)  # no authors: no anonymity check

    return checked_upload(
        submission=submission,
        kind=FileKind.CAMERA_READY,
        content=content,
        filename=filename,
        by=by,
        allowed=policy.can_edit_final_version,
        check=check,
        now=now or timezone.now(),
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def camera_ready_settings_save(
    *, edition: Edition, page_limit: int | None, instructions: str, by: Any
) -> CameraReadySettings:
    """The chairs set the final page limit (None: the submission limit plus one) and the instructions."""
    require(policy.can_manage_camera_ready(by, edition))
    row = CameraReadySettings.objects.select_for_update().filter(edition=edition).first()
    row = row or CameraReadySettings(edition=edition)
    before = {"page_limit": row.page_limit, "instructions": row.instructions}
    row.page_limit = page_limit
    row.instructions = instructions.strip()
    row.full_clean()
    row.save()
    after = {"page_limit": row.page_limit, "instructions": row.instructions}
    changes = {name: (before[name], value) for name, value in after.items() if before[name] != value}
    record_action(edition=edition, actor=by, action="camera_ready.settings_saved", target=row, changes=changes)
    return row

"""Business actions of artifact evaluation: registering or editing an artifact, uploading its
appendix, and an AE member's hardware. Each takes the acting user (``by``), refuses with the
policy's reason itself, runs in a transaction and records its action in the action log."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from actionlog.services import record_action, record_paper_action
from artifacts import policy, tasks
from artifacts.models import Artifact, EvaluatorHardware, normalized_badges
from conferences.models import Edition
from mlsys_conf.policy import require
from submissions.models import FileKind, Submission, SubmissionFile
from submissions.pdf_checks import Limits, PdfReport, check_pdf
from submissions.sandbox import run_check
from submissions.services import checked_upload

APPENDIX_MAX_PAGES = 6  # an artifact appendix (MLSys's template takes two to four)


@dataclass(frozen=True)
class ArtifactInput:
    abstract: str
    repository_url: str
    badges: list[str]
    doi: str = ""
    hardware_needed: str = ""
    time_needed: str = ""
    access_instructions: str = ""


@dataclass(frozen=True)
class HardwareInput:
    gpu_type: str = ""
    gpu_count: int = 0
    cpu: str = ""
    memory_gb: int = 0
    notes: str = field(default="")


ARTIFACT_FIELDS = tuple(ArtifactInput.__dataclass_fields__)
LINK_FIELDS = ("repository_url", "doi")  # what the link check (artifacts/link_check.py) checks
LINK_CHECK_CLEARED = {
    "link_checked_at": None,
    "repository_status": "",
    "repository_detail": "",
    "doi_status": "",
    "doi_detail": "",
}
HARDWARE_FIELDS = tuple(HardwareInput.__dataclass_fields__)


def _values(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {name: (before.get(name), value) for name, value in after.items() if before.get(name) != value}


@transaction.atomic
def artifact_save(*, submission: Submission, data: ArtifactInput, by: Any, now: datetime | None = None) -> Artifact:
    """Register the paper's artifact, or change it: its authors, while registration is open."""
    submission = Submission.objects.select_for_update().select_related("edition").get(pk=submission.pk)
    require(policy.can_register_artifact(by, submission, now))
    values = asdict(data)
    values.update(
        badges=normalized_badges(data.badges),
        **{name: str(values[name]).strip() for name in ARTIFACT_FIELDS if name != "badges"},
    )
    artifact = Artifact.objects.filter(submission=submission).first()
    before = _values(artifact, ARTIFACT_FIELDS) if artifact else {}
    if artifact is None:
        artifact = Artifact(submission=submission, registered_by=by)
    for name, value in values.items():
        setattr(artifact, name, value)
    links_changed = any(before.get(name) != values[name] for name in LINK_FIELDS)
    if links_changed:  # the last check was of other links: forget it, check the new ones
        for name, value in LINK_CHECK_CLEARED.items():
            setattr(artifact, name, value)
    artifact.full_clean()
    artifact.save()
    record_paper_action(
        submission,
        actor=by,
        action="artifact.updated" if before else "artifact.registered",
        changes=_changes(before, values),
    )
    if links_changed:
        transaction.on_commit(partial(tasks.check_artifact_links.delay, artifact.pk))
    return artifact


def appendix_upload(
    *,
    submission: Submission,
    content: bytes,
    filename: str,
    by: Any,
    now: datetime | None = None,
    idempotency_key: str = "",
) -> SubmissionFile:
    """Check and store the artifact appendix (a PDF of at most :data:`APPENDIX_MAX_PAGES`
    pages) as the paper's files are: a rejected upload is recorded and leaves the previous
    version in place."""
    if not Artifact.objects.filter(submission=submission).exists():
        require(policy.can_register_artifact(by, submission, now))  # the reason first, if there is one
        raise ValidationError("Register the artifact first, then upload its appendix.")

    def check(paper: Submission) -> PdfReport:
        limits = Limits(max_pages=APPENDIX_MAX_PAGES, max_bytes=paper.edition.max_pdf_bytes)
        return run_check(check_pdf, content, limits=limits)

    return checked_upload(
        submission=submission,
        kind=FileKind.ARTIFACT_APPENDIX,
        content=content,
        filename=filename,
        by=by,
        allowed=policy.can_register_artifact,
        check=check,
        now=now or timezone.now(),
        idempotency_key=idempotency_key,
    )


@transaction.atomic
def hardware_save(*, edition: Edition, data: HardwareInput, by: Any) -> EvaluatorHardware:
    """An AE member says which hardware they can offer (their own only)."""
    require(policy.can_edit_own_hardware(by, edition))
    hardware = EvaluatorHardware.objects.select_for_update().filter(edition=edition, user=by).first()
    before = _values(hardware, HARDWARE_FIELDS) if hardware else {}
    hardware = hardware or EvaluatorHardware(edition=edition, user=by)
    values = asdict(data)
    values.update(gpu_type=data.gpu_type.strip(), cpu=data.cpu.strip(), notes=data.notes.strip())
    for name, value in values.items():
        setattr(hardware, name, value)
    hardware.full_clean()
    hardware.save()
    record_action(
        edition=edition,
        actor=by,
        action="artifact_hardware.saved",
        target=hardware,
        person=by,
        changes=_changes(before, values),
    )
    return hardware

"""Backups: ``export_edition`` writes the edition's rows, the users they name and every stored file
with its hash; ``import_edition`` restores them after the edition is gone and a canonical dump of
rows and file hashes is the same; ``verify_files`` reports a changed and a missing file."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from io import StringIO
from pathlib import Path
from typing import Any, cast

import pytest
from allauth.account.models import EmailAddress
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from accounts.models import User
from conferences.models import Edition, Role
from conferences.roles import RoleKind
from decisions.models import Decision, PaperTag
from decisions.services import categories_of, decision_set, tag_add
from reviews.models import Comment, Review
from site_pages import backups
from site_pages.demo import DEMO_PASSWORD, seed_demo
from site_pages.demo_review import REVIEW_SLUG
from submissions.models import Submission, SubmissionFile
from tests.factories.pdfs import make_pdf
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition() -> Edition:
    seed_demo(papers=2, review_phase=True)
    edition = Edition.objects.get(slug=REVIEW_SLUG)
    chair = Role.objects.get(edition=edition, kind=RoleKind.PC_CHAIR).user
    paper = Submission.objects.filter(edition=edition, files__isnull=False).order_by("number").first()
    assert paper is not None
    decision_set(by=chair, submission=paper, category=categories_of(edition)[0], note="Strong accept.")
    tag_add(by=chair, submission=paper, name="oral")
    return edition


def canonical(edition: Edition) -> dict[str, Any]:
    """Every row of the edition, the users they name and the stored files' hashes."""
    rows: list[Any] = []
    for model in backups.edition_models():
        rows += list(backups.edition_rows(model, edition))
    users = User.objects.filter(pk__in=backups._referenced_user_ids(rows)).order_by("email")
    files = {}
    for f in SubmissionFile.objects.filter(submission__edition=edition).exclude(file=""):
        with default_storage.open(f.file.name, "rb") as handle:
            files[f.file.name] = hashlib.sha256(handle.read()).hexdigest()
    data = serializers.serialize("python", [*users, *rows], use_natural_foreign_keys=True)
    return {"rows": data, "files": files}


def delete_edition(edition: Edition) -> None:
    """Every row of the edition, latest first, and its files."""
    for f in SubmissionFile.objects.filter(submission__edition=edition).exclude(file=""):
        default_storage.delete(f.file.name)
    for model in reversed(backups.edition_models()):
        backups.edition_rows(model, edition)._raw_delete(model._default_manager.db)  # type: ignore[attr-defined]


def with_format_version(archive: Path, version: int, other: Path) -> Path:
    with tarfile.open(archive) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]
    manifest = json.loads(members["manifest.json"])
    manifest["format_version"] = version
    members["manifest.json"] = json.dumps(manifest).encode()
    with tarfile.open(other, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return other


def test_every_model_is_exported_or_excluded_with_a_reason() -> None:
    assert backups.unlisted_models() == []


def test_round_trip_restores_every_row_and_file(edition: Edition, tmp_path: Path) -> None:
    assert Review.objects.filter(submission__edition=edition).exists()
    assert Comment.objects.filter(submission__edition=edition).exists()
    assert Decision.objects.filter(submission__edition=edition).exists()
    assert PaperTag.objects.filter(submission__edition=edition).exists()
    assert SubmissionFile.objects.filter(submission__edition=edition).exclude(file="").exists()
    before = canonical(edition)
    archive = tmp_path / "backup.tar.gz"
    call_command("export_edition", REVIEW_SLUG, str(archive), stdout=StringIO())

    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["format_version"] == backups.FORMAT_VERSION
    assert manifest["edition"] == REVIEW_SLUG
    assert manifest["counts"]["reviews.Review"] == Review.objects.filter(submission__edition=edition).count()
    assert {f"files/{name}" for name in before["files"]} <= names
    assert "submissions" in manifest["migration_heads"]

    with pytest.raises(CommandError, match="already exists"):
        call_command("import_edition", str(archive))

    delete_edition(edition)
    assert not Edition.objects.filter(slug=REVIEW_SLUG).exists()
    with pytest.raises(backups.BackupError, match="format version"):
        backups.import_edition(with_format_version(archive, backups.FORMAT_VERSION + 1, tmp_path / "other.tar.gz"))
    assert not Edition.objects.filter(slug=REVIEW_SLUG).exists()
    # A user missing from the target is created again by the restore.
    author = User.objects.get(email__startswith="pc-sys-02@")
    author_email = author.email
    author.delete()

    out = StringIO()
    call_command("import_edition", str(archive), stdout=out)
    assert "users created" in out.getvalue()
    restored = Edition.objects.get(slug=REVIEW_SLUG)
    after = canonical(restored)
    assert after["files"] == before["files"]
    # The re-created user has a new primary key; everything else is the same.
    for dump in (before, after):
        for row in dump["rows"]:
            if row["model"] == "accounts.user" and row["fields"]["email"] == author_email:
                row.pop("pk")
                row["fields"].pop("groups")
                row["fields"].pop("user_permissions")
    diff = [
        (b["model"], b["pk"], name, value, a["fields"][name])
        for b, a in zip(before["rows"], after["rows"], strict=True)
        for name, value in b["fields"].items()
        if a["fields"][name] != value
    ]
    assert diff == []
    assert EmailAddress.objects.filter(email__iexact=author_email, verified=True).exists()
    assert Client().login(email=author_email, password=DEMO_PASSWORD)


def stored_file(submission: Submission, content: bytes) -> SubmissionFile:
    return SubmissionFile.objects.create(
        submission=submission,
        kind="paper",
        content_type="application/pdf",
        original_name="paper.pdf",
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        file=ContentFile(content, name="paper.pdf"),
    )


def test_verify_files_reports_changed_and_missing_files() -> None:
    submission = cast(Submission, SubmissionFactory())
    stored = [stored_file(submission, make_pdf(pages)) for pages in (1, 2, 3)]
    out = StringIO()
    call_command("verify_files", stdout=out)
    assert "Every stored file matches" in out.getvalue()

    changed, missing = stored[0], stored[1]
    path = Path(default_storage.path(changed.file.name))
    path.write_bytes(path.read_bytes() + b"%tampered")
    default_storage.delete(missing.file.name)

    out = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("verify_files", stdout=out)
    assert raised.value.returncode == 1
    report = out.getvalue()
    assert f"changed: {changed.file.name}" in report
    assert f"missing: {missing.file.name}" in report
    assert report.count("\n") == 2

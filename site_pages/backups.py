"""Backups of one edition: an archive with its rows as JSON and every stored file with its hash,
a restore into a database that does not hold the edition, and a check of every stored file.

The archive is a ``.tar.gz`` with ``manifest.json`` (format version, migration heads, created_at,
the edition's slug, row counts per model, the SHA-256 of every other member), ``data.json``
(Django's ``json`` serializer, natural keys for users and content types) and ``files/<storage
name>`` for every file a row's ``FileField`` names.

Which rows belong to the edition is the table :data:`EDITION_FILTERS`: a lookup from each model to
the edition. Every model of the project's apps is either there or in :data:`NOT_EXPORTED` with its
reason; a test keeps the two complete. The users those rows refer to are included with their
password hashes and their verified addresses, so that after a restore people sign in as before:
treat an archive like the database itself. A user who already exists in the target database (same
e-mail) is kept as it is there.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from accounts.models import User
from conferences.models import Edition
from submissions.models import SubmissionFile

FORMAT_VERSION = 1


# model label -> the lookup from its rows to the edition ("" is the edition itself). In an order
# where a row's references come before it.
EDITION_FILTERS: dict[str, str] = {
    "conferences.Edition": "",
    "conferences.Deadline": "edition",
    "conferences.Release": "edition",
    "conferences.Role": "edition",
    "outbox.MailTemplate": "edition",
    "outbox.MailBatch": "edition",
    "outbox.Mail": "edition",
    "outbox.MailPaper": "mail__edition",
    "committees.Invitation": "edition",
    "submissions.Submission": "edition",
    "submissions.Author": "submission__edition",
    "submissions.SubmissionFile": "submission__edition",
    "submissions.Conflict": "submission__edition",
    "submissions.ConflictWaiver": "submission__edition",
    "submissions.AuthorNotice": "submission__edition",
    "submissions.AuthorDispute": "submission__edition",
    "submissions.Extension": "edition",
    "bidding.Bid": "submission__edition",
    "bidding.Affinity": "submission__edition",
    "assignments.AssignmentRun": "edition",
    "assignments.Assignment": "submission__edition",
    "reviews.ReviewSettings": "edition",
    "reviews.ReviewForm": "edition",
    "reviews.ReviewField": "form__edition",
    "reviews.ReviewRound": "edition",
    "reviews.Review": "submission__edition",
    "reviews.ReviewVersion": "review__submission__edition",
    "reviews.ReviewRating": "review__submission__edition",
    "reviews.Comment": "submission__edition",
    "reviews.CommentVersion": "comment__submission__edition",
    "reviews.AuthorResponse": "submission__edition",
    "reviews.NotificationPreference": "edition",
    "reviews.PaperFollow": "submission__edition",
    "reviews.ExternalRequest": "submission__edition",
    "decisions.DecisionCategory": "edition",
    "decisions.Decision": "submission__edition",
    "decisions.Tag": "edition",
    "decisions.PaperTag": "submission__edition",
    "decisions.DiscussionPosition": "submission__edition",
    "decisions.Meeting": "edition",
    "artifacts.Artifact": "submission__edition",
    "artifacts.EvaluatorHardware": "edition",
    "artifacts.ArtifactBid": "artifact__submission__edition",
    "artifacts.ArtifactEvaluationSettings": "edition",
    "artifacts.BadgeDecision": "artifact__submission__edition",
    "artifacts.EvaluationStage": "edition",
    "artifacts.ThreadMessage": "artifact__submission__edition",
    "artifacts.Evaluation": "artifact__submission__edition",
    "camera_ready.CameraReadySettings": "edition",
    "camera_ready.FinalVersion": "submission__edition",
    "camera_ready.FinalAuthor": "final_version__submission__edition",
    "program.Room": "edition",
    "program.ProgramSession": "edition",
    "program.Slot": "session__edition",
    "program.ProgramVersion": "edition",
    # The action log's rows of the edition (rows without an edition belong to no edition).
    "actionlog.Action": "edition",
}

NOT_EXPORTED: dict[str, str] = {
    "accounts.User": "the users the edition's rows refer to are exported with them",
    "accounts.ApiToken": "a person's secret credential, not the edition's",
    "proceedings.Build": "made again from the program version by the chairs' button (files are not exported)",
    "outbox.MailOptOut": "a person's choice across editions",
    "submissions.AuthorMailOptOut": "an address's choice across editions",
}


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why."""


def edition_models() -> list[type[models.Model]]:
    return [apps.get_model(label) for label in EDITION_FILTERS]


def unlisted_models() -> list[str]:
    """Models of the project's apps that are neither exported nor excluded with a reason."""
    known = set(EDITION_FILTERS) | set(NOT_EXPORTED)
    return sorted(
        model._meta.label
        for app in settings.PROJECT_APPS
        for model in apps.get_app_config(app).get_models()
        if model._meta.label not in known
    )


def edition_rows(model: type[models.Model], edition: Edition) -> models.QuerySet[Any]:
    lookup = EDITION_FILTERS[model._meta.label]
    return model._default_manager.filter(**{lookup or "pk": edition.pk}).order_by("pk")


def migration_heads() -> dict[str, list[str]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    heads: dict[str, list[str]] = {}
    for app, name in loader.graph.leaf_nodes():
        heads.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(heads.items())}


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _referenced_user_ids(objects: list[models.Model]) -> set[int]:
    ids: set[int] = set()
    for obj in objects:
        for f in obj._meta.concrete_fields:
            if f.is_relation and f.related_model is User:
                value = getattr(obj, f.attname)
                if value is not None:
                    ids.add(value)
    return ids


class _FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's ``json`` format, but times keep their microseconds (Django's encoder cuts them
    to milliseconds, and a restore must give back every row as it was)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


def _serialize(objects: list[models.Model]) -> list[dict[str, Any]]:
    """Rows in the form of Django's ``json`` serializer (``loaddata`` reads ``data.json`` too)."""
    data = serializers.serialize("python", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True)
    return json.loads(json.dumps(data, cls=_FullPrecisionEncoder))


@dataclass
class ExportReport:
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0


def export_edition(slug: str, archive: Path) -> ExportReport:
    """Write the edition ``slug`` to ``archive`` (a ``.tar.gz``); refuses when a stored file is missing."""
    edition = Edition.objects.filter(slug=slug).first()
    if edition is None:
        raise BackupError(f"No edition {slug!r}.")
    report = ExportReport()
    rows: list[models.Model] = []
    for model in edition_models():
        objects = list(edition_rows(model, edition))
        report.counts[model._meta.label] = len(objects)
        rows += objects
    users = list(User.objects.filter(pk__in=_referenced_user_ids(rows)).order_by("pk"))
    addresses = list(EmailAddress.objects.filter(user__in=users).order_by("pk"))
    report.counts["accounts.User"] = len(users)
    report.counts["account.EmailAddress"] = len(addresses)
    records = _serialize([*users, *addresses, *rows])
    for record in records:
        if record["model"] == "accounts.user":
            # Groups and permissions are the site's, not the edition's.
            record["fields"].pop("groups", None)
            record["fields"].pop("user_permissions", None)

    members: dict[str, bytes] = {"data.json": json.dumps(records, indent=1, sort_keys=True).encode()}
    files: list[dict[str, Any]] = []
    for obj in rows:
        for f in _file_fields(type(obj)):
            name = getattr(obj, f.attname).name
            if not name:
                continue
            if not default_storage.exists(name):
                raise BackupError(f"Stored file missing: {name} ({obj._meta.label} {obj.pk}); run verify_files.")
            with default_storage.open(name, "rb") as handle:
                content = handle.read()
            digest = sha256_of(content)
            expected = getattr(obj, "sha256", None) if isinstance(obj, SubmissionFile) else None
            if expected and expected != digest:
                raise BackupError(f"Stored file changed: {name} ({obj._meta.label} {obj.pk}); run verify_files.")
            members[f"files/{name}"] = content
            files.append({"model": obj._meta.label, "pk": obj.pk, "field": f.name, "name": name, "sha256": digest})
    report.files = len(files)
    manifest = {
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "edition": edition.slug,
        "migration_heads": migration_heads(),
        "counts": report.counts,
        "files": files,
        "members": {name: sha256_of(content) for name, content in members.items()},
    }
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in [("manifest.json", json.dumps(manifest, indent=1).encode()), *members.items()]:
            info = tarfile.TarInfo(name)
            info.size = len(content)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(content))
    return report


def read_archive(archive: Path) -> tuple[dict[str, Any], dict[str, bytes]]:
    """The manifest and the members, each member checked against its hash in the manifest."""
    members: dict[str, bytes] = {}
    with tarfile.open(archive, "r:gz") as tar:
        for info in tar.getmembers():
            if not info.isfile():
                continue
            handle = tar.extractfile(info)
            if handle is not None:
                members[info.name] = handle.read()
    if "manifest.json" not in members:
        raise BackupError("Not an edition archive: no manifest.json.")
    manifest = json.loads(members.pop("manifest.json"))
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"Archive format version {manifest.get('format_version')!r}; this code reads version {FORMAT_VERSION}."
        )
    listed = manifest.get("members", {})
    if set(listed) != set(members):
        raise BackupError("The archive's members differ from its manifest.")
    for name, digest in listed.items():
        if sha256_of(members[name]) != digest:
            raise BackupError(f"Member {name} does not match its SHA-256 in the manifest.")
    return manifest, members


@dataclass
class ImportReport:
    edition: str
    counts: dict[str, int] = field(default_factory=dict)
    users_created: int = 0
    users_kept: int = 0
    files: int = 0


def _check_empty_target(manifest: dict[str, Any], records: list[dict[str, Any]]) -> None:
    if Edition.objects.filter(slug=manifest["edition"]).exists():
        raise BackupError(f"The edition {manifest['edition']!r} already exists here: restore into an empty database.")
    pks: dict[str, list[Any]] = {}
    for record in records:
        pks.setdefault(record["model"], []).append(record.get("pk"))
    for model in edition_models():
        wanted = pks.get(model._meta.label_lower, [])
        if wanted and model._default_manager.filter(pk__in=wanted).exists():
            raise BackupError(f"The target already holds {model._meta.label} rows of the archive: not empty.")


def _check_migrations(manifest: dict[str, Any]) -> None:
    known = MigrationLoader(None, ignore_no_migrations=True).graph.nodes
    for app, names in manifest.get("migration_heads", {}).items():
        for name in names:
            if (app, name) not in known:
                raise BackupError(f"The archive was written after migration {app}.{name}, unknown to this code.")


def import_edition(archive: Path) -> ImportReport:
    manifest, members = read_archive(archive)
    _check_migrations(manifest)
    records = json.loads(members["data.json"])
    _check_empty_target(manifest, records)
    report = ImportReport(edition=manifest["edition"])
    written: list[str] = []
    try:
        with transaction.atomic():
            with connection.constraint_checks_disabled():
                report.files = _load(records, manifest, members, report, written)
            connection.check_constraints()
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return report


def _load(
    records: list[dict[str, Any]],
    manifest: dict[str, Any],
    members: dict[str, bytes],
    report: ImportReport,
    written: list[str],
) -> int:
    files = 0
    new_users: set[str] = set()
    touched: set[type[models.Model]] = {User, EmailAddress}
    stream = serializers.deserialize("json", json.dumps(records), handle_forward_references=True)
    for item in stream:
        obj = item.object
        if isinstance(obj, User):
            if obj.pk is not None and User.objects.filter(pk=obj.pk).exists():
                report.users_kept += 1
                continue
            item.save()
            new_users.add(obj.email.lower())
            report.users_created += 1
            continue
        if isinstance(obj, EmailAddress):
            if obj.user.email.lower() in new_users:
                obj.pk = None
                obj.save()
            continue
        item.save()
        touched.add(type(obj))
        label = obj._meta.label
        report.counts[label] = report.counts.get(label, 0) + 1
    for entry in manifest["files"]:
        content = members[f"files/{entry['name']}"]
        if sha256_of(content) != entry["sha256"]:
            raise BackupError(f"File {entry['name']} does not match its SHA-256.")
        if default_storage.exists(entry["name"]):
            with default_storage.open(entry["name"], "rb") as handle:
                if sha256_of(handle.read()) != entry["sha256"]:
                    raise BackupError(f"A different file is already stored as {entry['name']}.")
            continue
        saved = default_storage.save(entry["name"], ContentFile(content))
        written.append(saved)
        if saved != entry["name"]:
            raise BackupError(f"The storage renamed {entry['name']} to {saved}.")
        with default_storage.open(saved, "rb") as handle:
            if sha256_of(handle.read()) != entry["sha256"]:
                raise BackupError(f"File {saved} does not match its SHA-256 once stored.")
        files += 1
    for sql in connection.ops.sequence_reset_sql(no_style(), list(touched)):
        with connection.cursor() as cursor:
            cursor.execute(sql)
    return files


@dataclass
class FileProblem:
    file_id: int
    name: str
    problem: str  # "missing" or "changed"


def verify_files() -> list[FileProblem]:
    """Every stored ``SubmissionFile`` whose bytes are missing or no longer match its SHA-256."""
    problems: list[FileProblem] = []
    for row in SubmissionFile.objects.exclude(file="").only("pk", "file", "sha256").order_by("pk").iterator():
        name = row.file.name
        if not default_storage.exists(name):
            problems.append(FileProblem(row.pk, name, "missing"))
            continue
        digest = hashlib.sha256()
        with default_storage.open(name, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
        if digest.hexdigest() != row.sha256:
            problems.append(FileProblem(row.pk, name, "changed"))
    return problems

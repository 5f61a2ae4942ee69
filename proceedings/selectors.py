"""Reading builds: the latest of each kind for the chairs' page, and one build of an edition."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse

from conferences.models import Edition
from proceedings.models import Build, BuildKind, BuildStatus

LATEST = 5  # builds of each kind on the chairs' page

ACTIVE = (BuildStatus.QUEUED, BuildStatus.RUNNING)


def builds_of(edition: Edition) -> QuerySet[Build]:
    return Build.objects.filter(edition=edition).select_related("version", "edition").order_by("-requested_at", "-pk")


def latest_builds(edition: Edition, per_kind: int = LATEST) -> dict[str, list[Build]]:
    """Each kind's newest builds (every kind listed, even with none)."""
    return {kind.value: list(builds_of(edition).filter(kind=kind)[:per_kind]) for kind in BuildKind}


def build_of(edition: Edition, build_id: int) -> Build:
    """The edition's build ``build_id``, or the 404 of a missing one."""
    return get_object_or_404(builds_of(edition), pk=build_id)


def download_name(build: Build) -> str:
    """E.g. ``mlsys2027-proceedings-v3.pdf``."""
    extension = "zip" if build.kind == BuildKind.ARCHIVE else "pdf"
    return f"{build.edition.slug}-{build.kind}-v{build.version.number}.{extension}"


def content_type(build: Build) -> str:
    return "application/zip" if build.kind == BuildKind.ARCHIVE else "application/pdf"


def build_state(build: Build) -> dict[str, Any]:
    """What the chairs' page polls and the API answers about one build."""
    done = build.status == BuildStatus.DONE and bool(build.file)
    edition_slug = build.edition.slug
    return {
        "id": build.pk,
        "kind": build.kind,
        "version": build.version.number,
        "status": build.status,
        "steps_done": build.steps_done,
        "steps_total": build.steps_total,
        "percent": build.percent,
        "error": build.error,
        "size": build.size,
        "sha256": build.sha256,
        "requested_at": build.requested_at,
        "finished_at": build.finished_at,
        "download_url": reverse("proceedings:download", args=[edition_slug, build.pk]) if done else None,
    }

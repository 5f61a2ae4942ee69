"""Read queries about editions and their timelines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from committees.models import RoleKind
from conferences.models import Edition, Phase
from conferences.phases import Timeline


def visible_editions_for(user: Any) -> QuerySet[Edition]:
    qs = Edition.objects.prefetch_related("deadlines")
    if getattr(user, "is_superuser", False):
        return qs
    if getattr(user, "is_authenticated", False):
        return qs.filter(Q(is_public=True) | Q(roles__user=user, roles__kind=RoleKind.PC_CHAIR)).distinct()
    return qs.filter(is_public=True)


def edition_by_slug(user: Any, slug: str) -> Edition:
    """The edition, or 404 when it does not exist or ``user`` may not see it."""
    return get_object_or_404(visible_editions_for(user), slug=slug)


def edition_timeline(edition: Edition) -> Timeline:
    """The edition's phase windows, computed once per edition object."""
    cached: Timeline | None = edition.__dict__.get("_timeline")
    if cached is None:
        cached = Timeline.from_deadlines(edition.deadlines.all())
        edition.__dict__["_timeline"] = cached
    return cached


def phase_is_open(edition: Edition, phase: Phase, now: datetime | None = None) -> bool:
    return edition_timeline(edition).is_open(phase, now or timezone.now())

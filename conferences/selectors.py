"""Read queries about editions and their timelines."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from conferences.access import scope_values
from conferences.models import Edition, Phase, Release, ReleaseKind, Role
from conferences.phases import Timeline
from conferences.roles import RoleKind


def visible_editions_for(user: Any) -> QuerySet[Edition]:
    qs = Edition.objects.prefetch_related("deadlines")
    if getattr(user, "is_superuser", False):
        return qs
    if getattr(user, "is_authenticated", False):
        return qs.filter(Q(is_public=True) | Q(roles__user=user, roles__kind=RoleKind.PC_CHAIR)).distinct()
    return qs.filter(is_public=True)


def edition_of_latest_role(user: Any) -> Edition | None:
    """The edition, among those ``user`` may see, in which they were most recently given a role;
    None if they hold none there."""
    role = (
        Role.objects.filter(user=user, edition__in=visible_editions_for(user).values("pk"))
        .select_related("edition")
        .order_by("-created_at", "-pk")
        .first()
    )
    return role.edition if role else None


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


def phase_is_late(edition: Edition, phase: Phase, now: datetime | None = None) -> bool:
    """Open, but past the announced (soft) deadline: input taken now is to be flagged late."""
    return edition_timeline(edition).is_late(phase, now or timezone.now())


def is_released(edition: Edition, kind: ReleaseKind, now: datetime | None = None) -> bool:
    """Whether the chairs' release of ``kind`` (reviews to authors, decisions, the program) has
    happened by ``now``: released at once, or scheduled for a moment now past. Like a deadline,
    this is exact to the second and does not wait for the job that records the release."""
    now = now or timezone.now()
    due = Q(released_at__lte=now) | Q(released_at__isnull=True, scheduled_at__lte=now)
    return Release.objects.filter(due, edition=edition, kind=kind).exists()


def release_moments(edition: Edition) -> dict[str, datetime]:
    """When each planned release of the edition shows (the moment it was released, else the
    moment it is scheduled for), read once per edition object and once per request (the
    access scope): for pages that ask about many papers of one edition, each row with its own
    edition object. Compare with the clock at each use (:func:`shows_released`)."""
    scope, key = scope_values(), f"release_moments:{edition.pk}"
    cached: dict[str, datetime] | None = edition.__dict__.get("_release_moments")
    if cached is None and scope is not None:
        cached = scope.get(key)  # another object of the same edition in this request read them
    if cached is None:
        cached = {}
        for kind, released_at, scheduled_at in Release.objects.filter(edition=edition).values_list(
            "kind", "released_at", "scheduled_at"
        ):
            moment = released_at or scheduled_at
            if moment is not None:
                cached[kind] = moment
        if scope is not None:
            scope[key] = cached
    edition.__dict__["_release_moments"] = cached
    return cached


def forget_release_moments(edition: Edition) -> None:
    edition.__dict__.pop("_release_moments", None)
    scope = scope_values()
    if scope is not None:
        scope.pop(f"release_moments:{edition.pk}", None)


def shows_released(edition: Edition, kind: ReleaseKind, now: datetime | None = None) -> bool:
    """:func:`is_released`, from the edition object's :func:`release_moments` (one query per
    edition object, not per paper): exact to the second as well."""
    moment = release_moments(edition).get(kind)
    return moment is not None and moment <= (now or timezone.now())


def releases_of(edition: Edition) -> list[Release]:
    """One release per kind, in the order of :class:`ReleaseKind` (unsaved when never planned)."""
    stored = {r.kind: r for r in Release.objects.filter(edition=edition).select_related("by")}
    return [stored.get(kind) or Release(edition=edition, kind=kind) for kind in ReleaseKind]

"""Chair-triggered releases (reviews to authors, decisions, the program): schedule one for a time,
release it at once, and the job that releases the due ones. Releases are not deadlines: nothing
here closes input, and no deadline ever makes something visible.

A release happens once: every way in claims the row with one conditional UPDATE
(``released_at IS NULL``), so two workers, or a chair and the job, never release it twice.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from conferences.models import Edition, Release, ReleaseKind
from conferences.policy import can_manage_edition
from conferences.selectors import forget_release_moments
from conferences.services import format_moment
from conferences.signals import announce_action
from mlsys_conf.limits import check_moment
from mlsys_conf.policy import require

log = logging.getLogger(__name__)


def _release_row(edition: Edition, kind: ReleaseKind) -> Release:
    release, _ = Release.objects.select_for_update().get_or_create(edition=edition, kind=kind)
    return release


def _claim(release: Release, now: datetime, *, due_only: bool) -> bool:
    """Mark ``release`` released at ``now`` if nobody has yet; True if this call did it."""
    unreleased = Release.objects.filter(pk=release.pk, released_at__isnull=True)
    if due_only:
        unreleased = unreleased.filter(scheduled_at__lte=now)
    return unreleased.update(released_at=now) == 1


@transaction.atomic
def release_schedule(*, by: Any, edition: Edition, kind: ReleaseKind, at: datetime | None) -> Release:
    """Plan the release of ``kind`` for ``at`` (``None`` takes the plan back)."""
    require(can_manage_edition(by, edition))
    kind = ReleaseKind(kind)
    release = _release_row(edition, kind)
    if release.released_at is not None:
        raise ValidationError(f"The release of {kind.label.lower()} has already happened; it cannot be taken back.")
    if at is not None and at <= timezone.now():
        raise ValidationError("Schedule a release for a time still ahead, or release it now.")
    check_moment(at)
    before = release.scheduled_at
    release.scheduled_at, release.by = at, by
    release.save(update_fields=["scheduled_at", "by"])
    forget_release_moments(edition)
    announce_action(
        edition=edition,
        actor=by,
        action="release.scheduled" if at else "release.unscheduled",
        target=release,
        changes={"scheduled_at": (before, at)},
        note=f"for {format_moment(at, edition)}" if at else "",
    )
    log.info("user %s scheduled %s of %s for %s", by.pk, kind, edition.slug, at)
    return release


@transaction.atomic
def release_now(*, by: Any, edition: Edition, kind: ReleaseKind, now: datetime | None = None) -> Release:
    """Release ``kind`` at once."""
    require(can_manage_edition(by, edition))
    kind, now = ReleaseKind(kind), now or timezone.now()
    release = _release_row(edition, kind)
    if not _claim(release, now, due_only=False):
        raise ValidationError(f"The release of {kind.label.lower()} has already happened.")
    Release.objects.filter(pk=release.pk).update(by=by)
    release.refresh_from_db()
    forget_release_moments(edition)
    announce_action(
        edition=edition, actor=by, action="release.released", target=release, changes={"released_at": (None, now)}
    )
    log.info("user %s released %s of %s", by.pk, kind, edition.slug)
    return release


def releases_release_due(*, now: datetime | None = None) -> list[Release]:
    """The job: release every scheduled release whose time has come. Safe to run twice or in
    parallel; each release is claimed (and logged) by exactly one run."""
    now = now or timezone.now()
    due = Release.objects.filter(released_at__isnull=True, scheduled_at__lte=now).select_related("edition")
    released = []
    for release in due:
        with transaction.atomic():
            if not _claim(release, now, due_only=True):
                continue
            announce_action(
                edition=release.edition,
                actor=None,
                action="release.released",
                target=release,
                changes={"released_at": (None, now)},
                note="at the scheduled time",
            )
        log.info("released %s of %s as scheduled", release.kind, release.edition.slug)
        released.append(release)
    return released

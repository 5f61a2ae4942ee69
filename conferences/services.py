"""Changes to editions and their deadlines, and the deadline check every service uses."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from conferences.models import Deadline, Edition, Phase
from conferences.phases import WindowState, in_aoe
from conferences.selectors import edition_timeline

log = logging.getLogger(__name__)

EDITION_FIELDS = (  # what chairs may change, in the order forms and the API show it
    "name",
    "tagline",
    "call_for_papers",
    "venue",
    "starts_on",
    "ends_on",
    "time_zone",
    "contact_email",
    "is_public",
    "page_limit",
    "max_pdf_mb",
    "systems_reviewers_per_paper",
    "ml_reviewers_per_paper",
    "default_max_load",
    "default_min_load",
)


class DeadlinePassed(ValidationError):
    """A request that came too late (or too early) for its phase."""


@dataclass(frozen=True)
class PhaseWindowInput:
    opens_at: datetime | None
    closes_at: datetime


def format_moment(moment: datetime, edition: Edition) -> str:
    local = moment.astimezone(edition.zone)
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()} ({in_aoe(moment):%Y-%m-%d %H:%M:%S} AoE)"


def require_phase_open(edition: Edition, phase: Phase, *, now: datetime | None = None) -> None:
    """Raise :class:`DeadlinePassed` with a clear message unless ``phase`` is open now.

    This comparison of times, to the second, is the only thing that enforces a deadline.
    """
    now = now or timezone.now()
    window = edition_timeline(edition).window(phase)
    if window is None:
        raise DeadlinePassed(f"{phase.label} has no deadline set for {edition.name} yet.")
    state = window.state(now)
    if state is WindowState.UPCOMING and window.opens_at is not None:
        raise DeadlinePassed(f"{phase.label} opens at {format_moment(window.opens_at, edition)}.")
    if state is WindowState.CLOSED:
        raise DeadlinePassed(
            f"The {phase.label.lower()} deadline passed at {format_moment(window.closes_at, edition)}."
        )


@transaction.atomic
def edition_create(*, slug: str, name: str, **fields: Any) -> Edition:
    edition = Edition(slug=slug, name=name, **fields)
    edition.full_clean()
    edition.save()
    log.info("edition %s created", slug)
    return edition


@transaction.atomic
def edition_update(*, edition: Edition, by: Any, **changes: Any) -> Edition:
    unknown = set(changes) - set(EDITION_FIELDS)
    if unknown:
        raise ValueError(f"Not edition settings: {', '.join(sorted(unknown))}")
    for field, value in changes.items():
        setattr(edition, field, value)
    edition.full_clean()
    edition.save()
    log.info(
        "user %s changed %s of edition %s",
        getattr(by, "pk", None),
        sorted(changes),
        edition.slug,
    )
    return edition


@transaction.atomic
def deadlines_set(*, edition: Edition, windows: dict[Phase, PhaseWindowInput | None], by: Any) -> list[Deadline]:
    """Set, move or clear (``None``) the deadlines of the given phases, all or nothing."""
    errors = {
        phase.value: f"{phase.label} must open before it closes."
        for phase, window in windows.items()
        if window and window.opens_at and window.opens_at >= window.closes_at
    }
    if errors:
        raise ValidationError(list(errors.values()))
    for phase, window in windows.items():
        if window is None:
            Deadline.objects.filter(edition=edition, phase=phase).delete()
        else:
            Deadline.objects.update_or_create(
                edition=edition,
                phase=phase,
                defaults={"opens_at": window.opens_at, "closes_at": window.closes_at},
            )
    edition.__dict__.pop("_timeline", None)
    # Editions are usually loaded with their deadlines prefetched: forget the old ones.
    getattr(edition, "_prefetched_objects_cache", {}).pop("deadlines", None)
    log.info(
        "user %s set deadlines %s of edition %s",
        getattr(by, "pk", None),
        [p.value for p in windows],
        edition.slug,
    )
    return list(edition.deadlines.all())

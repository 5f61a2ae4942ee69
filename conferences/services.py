"""Changes to editions and their deadlines, and the deadline check every service uses."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from conferences.models import Deadline, Edition, Phase
from conferences.phases import WindowState, format_aoe, format_in
from conferences.policy import can_manage_edition
from conferences.selectors import edition_timeline
from conferences.signals import announce_action
from mlsys_conf.limits import MOMENT_OUT_OF_RANGE, moment_in_range
from mlsys_conf.policy import require

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
    closes_at: datetime  # the hard close
    soft_closes_at: datetime | None = None  # the announced deadline; late input is taken until the hard close

    def problem(self, phase: Phase) -> str | None:
        if not all(moment_in_range(m) for m in (self.opens_at, self.soft_closes_at, self.closes_at)):
            return f"{phase.label}: {MOMENT_OUT_OF_RANGE[0].lower()}{MOMENT_OUT_OF_RANGE[1:]}"
        if self.opens_at and self.opens_at >= self.closes_at:
            return f"{phase.label} must open before it closes."
        if self.soft_closes_at and self.soft_closes_at > self.closes_at:
            return f"The announced deadline of {phase.label.lower()} cannot be after its hard deadline."
        if self.soft_closes_at and self.opens_at and self.soft_closes_at <= self.opens_at:
            return f"The announced deadline of {phase.label.lower()} must be after it opens."
        return None


def format_moment(moment: datetime, edition: Edition) -> str:
    """``moment`` in the edition's zone and in AoE, as the pages show it (MOMENT_FORMAT)."""
    return f"{format_in(moment, edition.zone)} ({format_aoe(moment)})"


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
def edition_create(*, slug: str, name: str, by: Any = None, **fields: Any) -> Edition:
    """A new edition, by the site's administrators (the admin) or a command (``by`` None)."""
    edition = Edition(slug=slug, name=name, **fields)
    edition.full_clean()
    edition.save()
    announce_action(edition=edition, actor=by, action="edition.created", target=edition)
    log.info("edition %s created", slug)
    return edition


@transaction.atomic
def edition_update(*, edition: Edition, by: Any, **changes: Any) -> Edition:
    """A chair changes settings of the edition; the log keeps each changed value before and after."""
    require(can_manage_edition(by, edition))
    unknown = set(changes) - set(EDITION_FIELDS)
    if unknown:
        raise ValueError(f"Not edition settings: {', '.join(sorted(unknown))}")
    before = {field: getattr(edition, field) for field in changes}
    for field, value in changes.items():
        setattr(edition, field, value)
    edition.full_clean()
    edition.save()
    changed = {field: (before[field], value) for field, value in changes.items() if before[field] != value}
    if changed:
        announce_action(edition=edition, actor=by, action="edition.settings_changed", target=edition, changes=changed)
    log.info(
        "user %s changed %s of edition %s",
        getattr(by, "pk", None),
        sorted(changes),
        edition.slug,
    )
    return edition


WINDOW_FIELDS = ("opens_at", "soft_closes_at", "closes_at")


def _windows_of(edition: Edition, phases: Iterable[Phase]) -> dict[str, dict[str, Any] | None]:
    """The stored window of each phase (``None``: no deadline), as the action log shows it."""
    stored = {d.phase: d for d in Deadline.objects.filter(edition=edition, phase__in=[p.value for p in phases])}
    return {
        phase.value: {f: getattr(stored[phase.value], f) for f in WINDOW_FIELDS} if phase.value in stored else None
        for phase in phases
    }


@transaction.atomic
def deadlines_set(*, edition: Edition, windows: dict[Phase, PhaseWindowInput | None], by: Any) -> list[Deadline]:
    """A chair sets, moves or clears (``None``) the deadlines of the given phases, all or nothing;
    the log keeps each changed window before and after."""
    require(can_manage_edition(by, edition))
    errors = [problem for phase, window in windows.items() if window and (problem := window.problem(phase))]
    if errors:
        raise ValidationError(errors)
    before = _windows_of(edition, windows)
    for phase, window in windows.items():
        if window is None:
            Deadline.objects.filter(edition=edition, phase=phase).delete()
        else:
            Deadline.objects.update_or_create(
                edition=edition,
                phase=phase,
                defaults={
                    "opens_at": window.opens_at,
                    "soft_closes_at": window.soft_closes_at,
                    "closes_at": window.closes_at,
                },
            )
    edition.__dict__.pop("_timeline", None)
    # Editions are usually loaded with their deadlines prefetched: forget the old ones.
    getattr(edition, "_prefetched_objects_cache", {}).pop("deadlines", None)
    after = _windows_of(edition, windows)
    changed = {phase: (before[phase], after[phase]) for phase in after if before[phase] != after[phase]}
    if changed:
        announce_action(edition=edition, actor=by, action="deadlines.changed", target=edition, changes=changed)
    log.info(
        "user %s set deadlines %s of edition %s",
        getattr(by, "pk", None),
        [p.value for p in windows],
        edition.slug,
    )
    return list(edition.deadlines.all())

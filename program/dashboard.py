"""The edition page's program panel for the PC chairs: sessions, placed and unplaced papers,
conflicts, and the published version."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from conferences.models import Edition
from conferences.panels import register_panel
from program import conflicts, policy
from program.models import Slot
from program.selectors import published_version


def program_panel(user: Any, edition: Edition, now: datetime) -> Iterable[dict[str, Any]]:
    if not policy.can_build_program(user, edition):
        return
    sessions = conflicts.program_sessions(edition)
    version = published_version(edition)
    yield {
        "sessions": len(sessions),
        "placed": Slot.objects.filter(session__edition=edition).values("submission").distinct().count(),
        "unplaced": len(conflicts.unplaced_papers(edition)),
        "conflicts": len(conflicts.program_conflicts(edition, sessions)),
        "version": version.number if version else None,
    }


def register_panels() -> None:
    register_panel("program_builder", template="program/builder/panel.html", build=program_panel, order=32)

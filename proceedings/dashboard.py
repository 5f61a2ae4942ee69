"""The edition page's proceedings panel, for the PC chairs: the published version the builds
are made from, the newest build of each kind, and the link to the proceedings page."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from conferences.models import Edition
from conferences.panels import register_panel
from proceedings import policy, selectors
from proceedings.models import BuildKind
from program.selectors import published_version


def proceedings_panel(user: Any, edition: Edition, now: datetime) -> Iterable[dict[str, Any]]:
    if not policy.can_manage_proceedings(user, edition):
        return
    version = published_version(edition)
    newest = selectors.latest_builds(edition, per_kind=1)
    latest = [
        {"label": kind.label, "status": newest[kind.value][0].get_status_display().lower()}
        for kind in BuildKind
        if newest[kind.value]
    ]
    yield {"version": version.number if version else None, "latest": latest}


def register_panels() -> None:
    register_panel("proceedings", template="proceedings/panel.html", build=proceedings_panel, order=32)

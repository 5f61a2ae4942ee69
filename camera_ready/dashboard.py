"""The edition page's camera-ready panel: the authors' accepted papers (acceptance released)
with what each still lacks, and the chairs' counts of complete and incomplete papers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from artifacts.selectors import accepted_papers_of
from camera_ready import policy
from camera_ready.status import paper_statuses
from conferences.models import Edition
from conferences.panels import register_panel


def camera_ready_panel(user: Any, edition: Edition, now: datetime) -> Iterable[dict[str, Any]]:
    mine = accepted_papers_of(user, edition)
    papers = [
        {"number": row.submission.number, "title": row.submission.title, "missing": row.missing_labels}
        for row in (paper_statuses(edition, mine) if mine else [])
    ]
    chairs = None
    if policy.can_manage_camera_ready(user, edition):
        handled = [row for row in paper_statuses(edition) if policy.handles_paper(user, row.submission)]
        complete = sum(1 for row in handled if row.complete)
        chairs = {"complete": complete, "incomplete": len(handled) - complete} if handled else None
    if papers or chairs:
        yield {"papers": papers, "chairs": chairs}


def register_panels() -> None:
    register_panel("camera_ready", template="camera_ready/panel.html", build=camera_ready_panel, order=26)

"""The edition page's artifact panel: authors of accepted papers while they may register an
artifact (or once they have), and the AE committee's links."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from artifacts import policy, selectors
from artifacts.models import Artifact
from conferences.models import Edition
from conferences.panels import register_panel


def artifact_panel(user: Any, edition: Edition, now: datetime) -> Iterable[dict[str, Any]]:
    accepted = selectors.accepted_papers_of(user, edition)
    registered = set(Artifact.objects.filter(submission__in=accepted).values_list("submission_id", flat=True))
    papers = [
        {"number": paper.number, "title": paper.title, "has_artifact": paper.pk in registered}
        for paper in accepted
        if paper.pk in registered or policy.can_register_artifact(user, paper, now)
    ]
    on_ae = bool(policy.can_list_artifacts(user, edition))
    if papers or on_ae:
        yield {"papers": papers, "on_ae": on_ae, "evaluates": bool(policy.can_edit_own_hardware(user, edition))}


def register_panels() -> None:
    register_panel("artifacts", template="artifacts/panel.html", build=artifact_panel, order=27)

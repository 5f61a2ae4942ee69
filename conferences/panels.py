"""The extension point of the edition page: the panels of "Your dashboard".

The core knows no app above it. An app that owns part of the dashboard registers a panel
builder in its ``AppConfig.ready()``; the edition page shows, in order, every panel a builder
returns for the signed-in user (none, one, or one per role).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from conferences.models import Edition

PanelBuilder = Callable[[Any, Edition, datetime], Iterable[dict[str, Any]]]


@dataclass(frozen=True)
class Panel:
    template: str
    context: dict[str, Any]


@dataclass(frozen=True)
class _Registered:
    order: int
    template: str
    build: PanelBuilder


_PANELS: dict[str, _Registered] = {}


def register_panel(name: str, *, template: str, build: PanelBuilder, order: int) -> None:
    """Show ``template`` with each context ``build(user, edition, now)`` returns; registering a
    name again replaces it."""
    _PANELS[name] = _Registered(order=order, template=template, build=build)


def dashboard_panels(user: Any, edition: Edition, now: datetime) -> list[Panel]:
    """The panels of ``user`` (signed in) in ``edition``, in the registered order."""
    if not getattr(user, "is_authenticated", False):
        return []
    registered = sorted(_PANELS.values(), key=lambda panel: panel.order)
    return [Panel(panel.template, context) for panel in registered for context in panel.build(user, edition, now)]

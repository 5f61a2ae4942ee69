"""What the core announces to the apps above it, which it may not import.

``action_done`` carries each state change the core's services make, with the keyword arguments
of ``actionlog.services.record_action`` (edition, actor, action, target, changes, note); the
action log records it in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import Signal

action_done = Signal()


def announce_action(**details: Any) -> None:
    """Have the action log record a change made by a service of the core."""
    action_done.send(sender=announce_action, **details)

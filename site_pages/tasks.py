"""Periodic jobs about the phases of editions. They notify; they never decide whether a phase is open."""

from __future__ import annotations

from celery import shared_task

from site_pages import notifications


@shared_task
def announce_phase_changes() -> int:
    """Tell the chairs, once, of each phase that closed in the last two days."""
    return notifications.announce_closed_phases()


@shared_task
def send_deadline_reminders() -> int:
    """Remind, once, everyone a deadline less than a day away concerns."""
    return notifications.send_deadline_reminders()

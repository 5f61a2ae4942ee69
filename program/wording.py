"""How the builder, its conflict warnings and the change log write a moment: in the edition's
time zone, short ("Tue 10:30"), as chairs read a schedule."""

from __future__ import annotations

from datetime import datetime, tzinfo


def short(moment: datetime, zone: tzinfo) -> str:
    """``Tue 10:30`` in ``zone``."""
    return moment.astimezone(zone).strftime("%a %H:%M")


def span(starts_at: datetime, ends_at: datetime, zone: tzinfo) -> str:
    """``Tue 10:30-12:00`` (the end's day too when it differs)."""
    start, end = starts_at.astimezone(zone), ends_at.astimezone(zone)
    end_text = end.strftime("%H:%M" if end.date() == start.date() else "%a %H:%M")
    return f"{start.strftime('%a %H:%M')}-{end_text}"


def quoted(title: str) -> str:
    return f'"{title}"'

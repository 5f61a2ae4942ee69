"""Show a moment in the edition's zone (the active one) and in AoE, side by side."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from conferences.phases import DAY_FORMAT, Timeline, Window, format_aoe, format_in

register = template.Library()


@register.filter
def aoe(moment: datetime | None) -> str:
    return format_aoe(moment) if moment else ""


@register.filter
def local(moment: datetime | None) -> str:
    if not moment:
        return ""
    return format_in(moment, timezone.get_current_timezone())


@register.filter
def day(value: date | None) -> str:
    """A calendar day, as the moments write theirs ("Tue 01 Jun 2027")."""
    return value.strftime(DAY_FORMAT) if value else ""


@register.simple_tag
def countdown(moment: datetime) -> str:
    """A span that static/js/countdown.js turns into a live countdown."""
    return format_html('<span class="countdown" data-deadline="{}"></span>', moment.isoformat())


@register.filter
def status_at(timeline: Timeline, now: datetime) -> str:
    return timeline.status(now)


@register.filter
def next_deadline_at(timeline: Timeline, now: datetime) -> Window | None:
    return timeline.next_deadline(now)


@register.filter
def next_close_at(window: Window, now: datetime) -> datetime:
    return window.next_close(now)


@register.simple_tag
def your_time(moment: datetime) -> str:
    """A <time> that static/js/countdown.js shows in the reader's own time zone."""
    return format_html('<time class="yours" datetime="{}"></time>', moment.isoformat())

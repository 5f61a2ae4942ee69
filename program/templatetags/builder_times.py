"""The builder's short times, in the edition's zone (the active one): ``{{ moment|schedule_time }}``
gives "Tue 10:30" (see program.wording)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from program.wording import short

register = template.Library()


@register.filter
def schedule_time(moment: datetime | None) -> str:
    return short(moment, timezone.get_current_timezone()) if moment else ""

"""``{% status_badge submission "author" %}``: every page shows a paper's status through
:func:`submissions.states.status_for`, as the viewer ("author", "pc" or "chair") may see it."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from submissions.models import Submission
from submissions.states import Viewer, status_for

register = template.Library()


@register.simple_tag
def status_badge(submission: Submission, viewer: str) -> SafeString:
    status = status_for(submission, Viewer(viewer))
    return format_html('<span class="{}">{}</span>', status.badge, status.label)

"""``{% chair_menu %}``: the chair menu (:mod:`conferences.chair_menu`) for the current page,
shown only to those who may manage the edition."""

from __future__ import annotations

from typing import Any

from django import template

from conferences.chair_menu import chair_menu_for
from conferences.policy import can_manage_edition

register = template.Library()


@register.inclusion_tag("conferences/_chair_menu.html", takes_context=True)
def chair_menu(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    edition = context.get("edition")
    if request is None or edition is None or not can_manage_edition(request.user, edition):
        return {"items": []}
    return {"items": chair_menu_for(edition, request.path)}

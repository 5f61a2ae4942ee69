"""``{% allowed "can_manage_edition" edition as ok %}``: templates ask the same policy."""

from __future__ import annotations

from typing import Any

from django import template

from mlsys_conf.policy import Verdict, check

register = template.Library()


@register.simple_tag(takes_context=True)
def allowed(context: template.Context, rule_name: str, *args: Any) -> Verdict:
    return check(rule_name, context["request"].user, *args)

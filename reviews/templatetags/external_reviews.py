"""``{% external_reviewers submission as external %}``: what the paper page's box of external
reviewers shows the signed-in person: whether they may ask for one, and the requests they may
see (all of the paper's for a chair handling it, their own for a reviewer)."""

from __future__ import annotations

from typing import Any

from django import template

from reviews.external import may_request_on_page, requests_of_paper
from submissions.models import Submission

register = template.Library()


@register.simple_tag(takes_context=True)
def external_reviewers(context: dict[str, Any], submission: Submission) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not may_request_on_page(user, submission):
        return {"may_request": False, "requests": []}
    return {"may_request": True, "requests": list(requests_of_paper(user, submission))}

"""``{% your_reviews submission as mine %}``: the reviews the signed-in person is to write of a
paper (review and/or meta-review), each with its page's link and state, for the paper page."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from conferences.access import access_for
from reviews.models import FormKind, Review, ReviewKind
from reviews.policy import can_start_review
from reviews.selectors import current_round
from reviews.writing import FORM_SLUGS, NEEDS_ASSIGNMENT
from submissions.models import Submission

register = template.Library()


@register.simple_tag(takes_context=True)
def your_reviews(context: dict[str, Any], submission: Submission) -> list[dict[str, Any]]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not can_start_review(user, submission):
        return []
    access = access_for(user, submission.edition)
    forms = [
        form for form in (FormKind.REVIEW, FormKind.META) if access.is_assigned(submission, NEEDS_ASSIGNMENT[form])
    ]
    if not forms:
        return []
    mine = list(
        Review.objects.filter(submission=submission, reviewer=user, round=current_round(submission.edition)).order_by(
            "pk"
        )
    )
    out = []
    for form in forms:
        review = next((r for r in mine if (r.kind == ReviewKind.META) == (form == FormKind.META)), None)
        name = "reviews:write_meta_review" if form == FormKind.META else "reviews:write_review"
        started = review is not None and (review.answers or review.is_submitted)
        out.append(
            {
                "form": FORM_SLUGS[form],
                "url": reverse(name, kwargs={"edition_slug": submission.edition.slug, "number": submission.number}),
                "label": f"{'Edit' if started else 'Write'} your {FORM_SLUGS[form]}",
                "state": (
                    f"Submitted (version {review.version})"
                    if review is not None and review.is_submitted
                    else ("Draft" if started else "Not started")
                ),
            }
        )
    return out

"""The reviews' recipient set for the chairs' mail composer (registered in
``ReviewsConfig.ready``): reviewers with incomplete reviews, each with the papers they owe (but
those the composing chair is conflicted with). No author placeholder is offered: the mail goes
to reviewers."""

from __future__ import annotations

from typing import Any

from conferences.access import access_of
from conferences.models import Edition
from conferences.services import format_moment
from outbox.recipients import Recipient, common_context, register_recipient_set
from reviews.reminders import _paper_url, missing_reviews

MISSING_PLACEHOLDERS = {
    "missing_count": "How many reviews the reviewer still owes",
    "missing": "The papers they owe a review of (loop over it: {% for paper in missing %})",
    "missing.number": "In the loop: the paper's number ({{ paper.number }})",
    "missing.title": "In the loop: the paper's title ({{ paper.title }})",
    "missing.url": "In the loop: the paper's review page ({{ paper.url }})",
    "missing.deadline": "In the loop: when the review is due ({{ paper.deadline }})",
}


def reviewers_with_incomplete_reviews(edition: Edition, by: Any) -> list[Recipient]:
    conflicted = access_of(by, edition).conflicted
    owed: dict[int, tuple[Any, list[dict[str, Any]], list[int]]] = {}
    for item in missing_reviews(edition):
        if item.submission.pk in conflicted:  # who reviews it is not the composing chair's to know
            continue
        line = {
            "number": item.submission.number,
            "title": item.submission.title,
            "url": _paper_url(edition, item.submission),
            "deadline": format_moment(item.closes_at, edition),
        }
        _reviewer, lines, papers = owed.setdefault(item.reviewer.pk, (item.reviewer, [], []))
        lines.append(line)
        papers.append(item.submission.pk)
    recipients = []
    for reviewer, lines, papers in sorted(owed.values(), key=lambda owing: (owing[0].display_name, owing[0].email)):
        context = {
            **common_context(edition, name=reviewer.display_name, email=reviewer.email),
            "missing": lines,
            "missing_count": len(lines),
        }
        recipients.append(
            Recipient(
                email=reviewer.email,
                name=reviewer.display_name,
                context=context,
                user=reviewer,
                other_papers=tuple(papers),
            )
        )
    return recipients


def register() -> None:
    register_recipient_set(
        "reviews.incomplete",
        "Reviewers with incomplete reviews",
        reviewers_with_incomplete_reviews,
        placeholders=MISSING_PLACEHOLDERS,
        description="Every reviewer with a committed assignment whose review is not submitted, one mail each.",
    )

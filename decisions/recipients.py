"""The decisions' recipient sets for the chairs' mail composer (registered in
``DecisionsConfig.ready``): the authors of the decided papers, one mail per (paper, author).

The registry is global while decision categories are per edition, so the sets go by outcome
(accept, reject, and every decided paper), not by category: they exist in every edition, and
the category's own name is a placeholder (``{{ decision.name }}``, e.g. "Accept (poster)"), so
one letter serves the oral and the poster papers alike, and ``{% if decision.outcome ==
"accept" %}`` lets one letter serve every decided paper.

Pending decisions are included: the chairs compose the letters before they release decisions,
and the mails wait in a held batch until a chair releases it. A paper the composing chair is
conflicted with is left out (another chair mails its authors), as it is on the dashboard.

Each mail shows the paper's reviews as its authors will read them once the chairs release
them (:func:`reviews.responses.reviews_for_authors` with an author's view of the paper): only
the fields meant for authors, the reviewers as "Reviewer A", never a name or an area.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from conferences.access import Access, access_of
from conferences.models import Edition, Phase
from conferences.selectors import edition_timeline
from conferences.services import format_moment
from decisions.models import Decision, Outcome
from outbox.recipients import Recipient, StartingText, register_recipient_set
from reviews.reading import edition_fields
from reviews.responses import ReviewForAuthors, reviews_for_authors
from reviews.selectors import papers_reviews
from reviews.visibility import PaperReviews
from submissions.models import Submission, SubmissionState
from submissions.recipients import PAPER_PLACEHOLDERS, per_author

DECIDED = (SubmissionState.ACCEPTED, SubmissionState.REJECTED)

DECISION_PLACEHOLDERS = {
    **PAPER_PLACEHOLDERS,
    "decision.name": 'The decision, as the category is named (e.g. "Accept (poster)")',
    "decision.outcome": 'The outcome: "accept" or "reject"',
    "decision.outcome_label": 'The outcome in words: "Accept" or "Reject"',
    "reviews.text": 'The reviews, each under its label ("Reviewer A"), with only the fields meant for authors',
    "reviews.count": "How many reviews the paper has (meta-reviews aside)",
    "reviews.list": "The reviews, for a {% for %} loop: each has label and answers (each with label and text)",
    "meta_review.text": "The meta-review's fields meant for authors (empty when there is none)",
    "camera_ready.deadline": "The camera-ready deadline (empty when none is set)",
}


class _AnAuthor:
    """Who the mail is for: a signed-in author of the paper (no account of theirs is needed to
    know what an author may read)."""

    is_authenticated = True
    pk = None


def _author_view(edition: Edition, paper: PaperReviews) -> tuple[Access, PaperReviews]:
    """An author's Access to ``paper``, and the paper as it reads once its reviews are released
    (the mails leave only when a chair releases their batch)."""
    access = Access(user=_AnAuthor(), edition=edition, authored=frozenset({paper.submission.pk}))
    return access, dataclasses.replace(paper, released_to_authors=True, labels={})


def _review(item: ReviewForAuthors) -> dict[str, Any]:
    return {
        "label": item.label,
        "answers": [{"label": answer.label, "text": answer.display} for answer in item.answers],
    }


def _text(review: dict[str, Any], *, heading: bool = True) -> str:
    lines = [review["label"], "-" * len(review["label"])] if heading else []
    answers = review["answers"]
    if not heading and len(answers) == 1:  # a meta-review of one field: its text alone
        return str(answers[0]["text"]).strip()
    for answer in answers:
        label = answer["label"] if answer["label"].endswith(("?", ":")) else f"{answer['label']}:"
        lines += [label, str(answer["text"]).strip(), ""]
    return "\n".join(lines).strip()


def _camera_ready(edition: Edition) -> str:
    window = edition_timeline(edition).window(Phase.CAMERA_READY)
    if window is None:
        return ""
    return format_moment(window.soft_closes_at or window.closes_at, edition)


def decision_context(edition: Edition, papers: list[Submission]) -> dict[int, dict[str, Any]]:
    """The decision placeholders' values of each paper (by pk), in a fixed number of queries."""
    if not papers:
        return {}
    decisions = {
        d.submission_id: d
        for d in Decision.objects.filter(submission__in=[p.pk for p in papers]).select_related("category")
    }
    fields = edition_fields(edition)
    facts = papers_reviews(papers)
    camera_ready = _camera_ready(edition)
    contexts = {}
    for paper in papers:
        decision = decisions[paper.pk]
        access, shown = _author_view(edition, facts[paper.pk])
        for_authors = reviews_for_authors(access, shown, fields)
        reviews = [_review(item) for item in for_authors if not item.is_meta]
        metas = [_review(item) for item in for_authors if item.is_meta]
        outcome = Outcome(decision.category.outcome)
        contexts[paper.pk] = {
            "decision": {"name": decision.category.name, "outcome": outcome.value, "outcome_label": outcome.label},
            "reviews": {
                "text": "\n\n".join(_text(review) for review in reviews),
                "count": len(reviews),
                "list": reviews,
            },
            "meta_review": {"text": "\n\n".join(_text(meta, heading=False) for meta in metas)},
            "camera_ready": {"deadline": camera_ready},
        }
    return contexts


def authors_of_decided(edition: Edition, by: Any, outcome: Outcome | None = None) -> list[Recipient]:
    """One recipient per (paper, author) of the decided papers (of ``outcome``), pending
    decisions included, the papers ``by`` is conflicted with left out."""
    access = access_of(by, edition)
    papers = Submission.objects.filter(edition=edition, state__in=DECIDED, decision__isnull=False).exclude(
        pk__in=access.conflicted
    )
    if outcome is not None:
        papers = papers.filter(decision__category__outcome=outcome)
    papers = papers.select_related("edition").order_by("number")
    recipients = per_author(edition, papers)
    contexts = decision_context(edition, list(papers))
    for recipient in recipients:
        assert recipient.paper_id is not None
        recipient.context.update(contexts[recipient.paper_id])
    return recipients


def authors_of_accepted(edition: Edition, by: Any) -> list[Recipient]:
    return authors_of_decided(edition, by, Outcome.ACCEPT)


def authors_of_rejected(edition: Edition, by: Any) -> list[Recipient]:
    return authors_of_decided(edition, by, Outcome.REJECT)


def authors_of_all_decided(edition: Edition, by: Any) -> list[Recipient]:
    return authors_of_decided(edition, by)


LETTERS = Path(__file__).resolve().parent / "letters"


def letter(name: str, label: str, subject: str) -> StartingText:
    """A decision letter the composer offers to start from (``letters/<name>.txt``)."""
    return StartingText(key=name, label=label, subject=subject, body=(LETTERS / f"{name}.txt").read_text())


def register() -> None:
    common = " Pending decisions are included (the batch is held until a chair releases it)."
    accept = letter("accept", "Acceptance letter", "{{ edition.name }}: your paper #{{ paper.number }} is accepted")
    reject = letter("reject", "Rejection letter", "{{ edition.name }}: the decision on your paper #{{ paper.number }}")
    register_recipient_set(
        "decisions.accepted_authors",
        "Authors of accepted papers",
        authors_of_accepted,
        placeholders=DECISION_PLACEHOLDERS,
        description="One mail per paper and author, for every paper with an accept decision (any category)." + common,
        starting_texts=(accept,),
    )
    register_recipient_set(
        "decisions.rejected_authors",
        "Authors of rejected papers",
        authors_of_rejected,
        placeholders=DECISION_PLACEHOLDERS,
        description="One mail per paper and author, for every paper with a reject decision." + common,
        starting_texts=(reject,),
    )
    register_recipient_set(
        "decisions.decided_authors",
        "Authors of decided papers",
        authors_of_all_decided,
        placeholders=DECISION_PLACEHOLDERS,
        description="One mail per paper and author, for every decided paper (accept or reject)." + common,
        starting_texts=(accept, reject),
    )

"""The submissions' recipient sets for the chairs' mail composer (registered in
``SubmissionsConfig.ready``): one mail per (paper, author), with the paper in the context."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from conferences.models import Edition
from outbox.recipients import Recipient, common_context, register_recipient_set
from submissions.models import Submission, SubmissionState
from submissions.states import decision_is_shown

PAPER_PLACEHOLDERS = {
    "paper.number": "The paper's number",
    "paper.title": "The paper's title",
    "paper.authors": "The paper's authors, in order, comma-separated",
    "paper.state": "Where the paper stands (e.g. PDF submitted)",
    "paper.url": "The address of the paper's page",
}


def _paper(submission: Submission) -> dict[str, Any]:
    state = SubmissionState(submission.state)
    if state in (SubmissionState.ACCEPTED, SubmissionState.REJECTED) and not decision_is_shown(submission):
        state = SubmissionState.SUBMITTED  # a decision not released yet is not shown
    return {
        "number": submission.number,
        "title": submission.title,
        "authors": ", ".join(author.name for author in submission.authors.all()),
        "state": state.label,
        "url": settings.SITE_URL + submission.get_absolute_url(),
    }


def per_author(edition: Edition, papers: Any) -> list[Recipient]:
    """One recipient per (paper, author) of ``papers``, in paper and author order."""
    recipients = []
    for submission in papers.select_related("edition").prefetch_related("authors__user").order_by("number"):
        submission.edition = edition  # one edition object: its releases are read once, not per paper
        paper = _paper(submission)
        for author in submission.authors.all():
            context = {**common_context(edition, name=author.name, email=author.email), "paper": paper}
            recipients.append(
                Recipient(
                    email=author.email,
                    name=author.name,
                    context=context,
                    user=author.user,
                    paper_id=submission.pk,
                )
            )
    return recipients


def authors_of_active_papers(edition: Edition, by: Any) -> list[Recipient]:
    return per_author(edition, Submission.objects.filter(edition=edition).active())


def authors_of_papers_without_pdf(edition: Edition, by: Any) -> list[Recipient]:
    return per_author(edition, Submission.objects.filter(edition=edition).abstract_only())


def register() -> None:
    register_recipient_set(
        "submissions.active_authors",
        "Authors of all active papers",
        authors_of_active_papers,
        placeholders=PAPER_PLACEHOLDERS,
        description="One mail per paper and author, for every paper not withdrawn or desk rejected.",
    )
    register_recipient_set(
        "submissions.authors_without_pdf",
        "Authors of papers with no PDF",
        authors_of_papers_without_pdf,
        placeholders=PAPER_PLACEHOLDERS,
        description="One mail per paper and author, for every paper with an abstract but no PDF yet.",
    )

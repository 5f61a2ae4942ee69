"""Telling a paper's followers that a review was submitted or updated (edits after submission
re-notify). Each follower who wants one mail per event and may read the review gets one, naming
the reviewer as that recipient may know them; the mail carries no answers, only the link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse

from accounts.models import User
from conferences.access import access_for
from outbox.services import mail_queue_template
from reviews.discussion import followers, mode_of
from reviews.models import NotifyMode, Review
from reviews.selectors import paper_reviews
from reviews.visibility import can_view_review, is_author_view, reviewer_shown_as


def notify_review_changed(review: Review, *, updated: bool) -> int:
    """Queue the mails about ``review``'s (re)submission; returns how many. Idempotent per
    review version and recipient (the outbox's dedupe key)."""
    submission = review.submission
    edition = submission.edition
    paper = paper_reviews(submission)
    review = next((row for row in paper.reviews if row.pk == review.pk), review)
    recipients = followers(paper) - {review.reviewer_id}
    url = settings.SITE_URL + reverse("reviews:paper", args=[edition.slug, submission.number]) + f"#review-{review.pk}"
    sent = 0
    for user in User.objects.filter(pk__in=recipients).order_by("pk"):
        if mode_of(user, edition) != NotifyMode.EACH:
            continue
        access = access_for(user, edition)
        if is_author_view(access, paper) or not can_view_review(access, paper, review):
            continue  # authors hear of changes after their response from reviews.responses
        mail_queue_template(
            "reviews/mail/review_changed",
            {
                "edition": edition,
                "submission": submission,
                "shown_as": reviewer_shown_as(access, paper, review),
                "updated": updated,
                "review_version": review.version,
                "url": url,
            },
            to_email=user.email,
            about=submission,
            to_user=user,
            edition=edition,
            dedupe_key=f"review:{review.pk}:v{review.version}:{user.pk}",
        )
        sent += 1
    return sent


def on_review_submitted(sender: Any, review: Review, **kwargs: Any) -> None:
    notify_review_changed(review, updated=False)


def on_review_updated(sender: Any, review: Review, **kwargs: Any) -> None:
    notify_review_changed(review, updated=True)

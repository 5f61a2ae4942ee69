"""The signed "I am not an author of this paper" link of the co-author mail.

The token names the paper and the address it was mailed to, signed with the site's secret:
it works without an account and can't be changed to report for another address or paper.
It names the address within the paper, not the author row, because the rows are rewritten
whenever the authors edit their list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from submissions.models import Submission

SALT = "submissions.not-an-author"
MAX_AGE = timedelta(days=400)  # a mail read late still works, for a whole submission cycle


@dataclass(frozen=True)
class NotAnAuthorClaim:
    submission_id: int
    email: str


def not_an_author_token(submission: Submission, email: str) -> str:
    return signing.dumps({"s": submission.pk, "e": email.strip().lower()}, salt=SALT, compress=True)


def read_not_an_author_token(token: str) -> NotAnAuthorClaim | None:
    """The claim of a token, or None when it is forged, damaged or too old."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is one too
        return None
    if not (isinstance(data, dict) and isinstance(data.get("s"), int) and isinstance(data.get("e"), str)):
        return None
    return NotAnAuthorClaim(data["s"], data["e"])


def not_an_author_url(submission: Submission, email: str) -> str:
    path = reverse(
        "submissions:not_an_author",
        kwargs={"edition_slug": submission.edition.slug, "token": not_an_author_token(submission, email)},
    )
    return f"{settings.SITE_URL}{path}"

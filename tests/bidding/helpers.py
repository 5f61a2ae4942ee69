"""Helpers of the bidding tests: move the persona edition into its bidding phase, real paper
texts from the demo data, papers with (hidden) authors, and PC members' profiles."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from django.utils import timezone

from conferences.models import Deadline, Edition, Phase
from site_pages.demo import PAPERS_FILE
from submissions.models import Submission
from tests.factories.submissions import AuthorFactory, SubmissionFactory


def demo_papers() -> list[dict[str, str]]:
    """36 real titles and abstracts: 18 Systems, 18 ML (site_pages/demo_data/README.md)."""
    return json.loads(PAPERS_FILE.read_text())


def forget_timeline(edition: Edition) -> None:
    edition.__dict__.pop("_timeline", None)
    getattr(edition, "_prefetched_objects_cache", {}).pop("deadlines", None)


def open_bidding(edition: Edition, *, closes_in: timedelta = timedelta(days=20)) -> Deadline:
    """Close submissions an hour ago (bidding opens then) and close bidding ``closes_in``
    from now. Returns the bidding deadline."""
    now = timezone.now()
    Deadline.objects.filter(edition=edition, phase=Phase.ABSTRACT_REGISTRATION).update(
        closes_at=now - timedelta(hours=2)
    )
    Deadline.objects.filter(edition=edition, phase=Phase.PAPER_SUBMISSION).update(closes_at=now - timedelta(hours=1))
    Deadline.objects.filter(edition=edition, phase=Phase.BIDDING).update(closes_at=now + closes_in)
    forget_timeline(edition)
    return Deadline.objects.get(edition=edition, phase=Phase.BIDDING)


def add_paper(
    edition: Edition, number: int, *, title: str, abstract: str = "", topic: str = "systems", keywords: str = ""
) -> Submission:
    submission = SubmissionFactory(
        edition=edition,
        number=number,
        title=title,
        abstract=abstract or f"An abstract about {title.lower()}.",
        topic=topic,
        keywords=keywords,
    )
    AuthorFactory(
        submission=submission, position=1, name=f"Hidden Author {number}", email=f"hidden{number}@uni.example"
    )
    return submission


def set_profile(user: Any, *, keywords: str = "", publications: str = "") -> Any:
    user.keywords, user.publications = keywords, publications
    user.save(update_fields=["keywords", "publications"])
    return user

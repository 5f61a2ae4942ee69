"""What a reviewer's page of a paper reads: the paper (no authors), its files and deadlines."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from conferences.models import Deadline, Edition, Phase
from mlsys_conf.policy import visible_or_404
from reviews.policy import can_open_paper_for_review
from submissions.models import Submission

REVIEWER_PHASES = (Phase.REVIEWING, Phase.AUTHOR_RESPONSE, Phase.DISCUSSION)


def paper_for_reviewer(user: Any, edition: Edition, number: int) -> Submission:
    """The paper of the URL, or the 404 of a missing one for anyone who may not review it."""
    submission = get_object_or_404(Submission.objects.select_related("edition"), edition=edition, number=number)
    visible_or_404(can_open_paper_for_review(user, submission))
    return submission


def reviewer_deadlines(edition: Edition) -> QuerySet[Deadline]:
    return edition.deadlines.filter(phase__in=REVIEWER_PHASES).order_by("closes_at")

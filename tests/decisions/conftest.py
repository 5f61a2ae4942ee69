"""Three submitted papers under review, two reviewers each with their merit scores, a second
chair conflicted with paper #1, and the author of #1."""

from __future__ import annotations

from typing import Any

import pytest

from conferences.models import Area, Edition
from conferences.roles import RoleKind
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission, SubmissionState
from tests.factories.committees import RoleFactory
from tests.factories.reviews import assign, open_reviewing, write_review
from tests.factories.submissions import AuthorFactory, SubmissionFactory

SCORES = {1: (5, 6), 2: (2, 5), 3: (1, 2)}  # paper -> (systems, ml) merit


@pytest.fixture
def conflicted_chair(edition: Edition) -> Any:
    return RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="chair2@example.org").user


@pytest.fixture
def decided_papers(
    edition: Edition, chair: Any, conflicted_chair: Any, pc_systems: Any, pc_ml: Any, author: Any
) -> list[Submission]:
    result: list[Any] = []
    for number in SCORES:
        paper: Any = SubmissionFactory(
            edition=edition,
            number=number,
            title=f"Paper {number} on {'sparse kernels' if number == 1 else 'compilers'}",
            state=SubmissionState.SUBMITTED,
            topic=Area.SYSTEMS if number != 2 else Area.ML,
        )
        AuthorFactory(
            submission=paper,
            position=1,
            name="Zebulon Quixotewright" if number == 1 else f"Author {number}",
            email=author.email if number == 1 else f"a{number}@example.org",
            user=author if number == 1 else None,
        )
        result.append(paper)
    Conflict.objects.create(
        submission=result[0], user=conflicted_chair, reason=ConflictReason.COLLABORATOR, source=ConflictSource.CHAIR
    )
    open_reviewing(edition)
    for paper in result:
        assign(paper, pc_systems)
        assign(paper, pc_ml)
        systems, ml = SCORES[paper.number]
        write_review(paper, pc_systems, merit=systems)
        write_review(paper, pc_ml, merit=ml)
    return result

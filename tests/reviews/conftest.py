"""Fixtures shared by the review tests."""

from __future__ import annotations

from typing import Any

import pytest

from conferences.models import Edition
from submissions.models import Submission
from tests.factories.reviews import assign, open_reviewing


@pytest.fixture
def reviewing(edition: Edition, submission: Submission, pc_systems: Any, pc_ml: Any) -> Submission:
    """Paper #1 in its reviewing phase, committed to a Systems and an ML reviewer."""
    open_reviewing(edition)
    assign(submission, pc_systems)
    assign(submission, pc_ml)
    return submission

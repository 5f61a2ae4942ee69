"""Bidding fixtures: the persona edition in its bidding phase."""

from __future__ import annotations

import pytest

from conferences.models import Edition
from tests.bidding.helpers import open_bidding


@pytest.fixture
def bidding(edition: Edition) -> Edition:
    """The persona edition, in its bidding phase (closing in 20 days)."""
    open_bidding(edition)
    return edition

from __future__ import annotations

from typing import Any

import pytest

from conferences.models import Edition
from tests.proceedings.factories import Published, committee, publish_program


@pytest.fixture
def members(edition: Edition) -> dict[str, Any]:
    return committee(edition)


@pytest.fixture
def published(edition: Edition, members: dict[str, Any]) -> Published:
    return publish_program(edition)


@pytest.fixture
def pc_chair(members: dict[str, Any]) -> Any:
    return members["chair"]

"""Assignments are committed once abstract registration has closed: the shared ``edition``
fixture still takes abstracts, so here it is closed (tests of the override reopen it)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from conferences.models import Deadline, Phase


def set_abstract_registration(edition: Any, *, is_open: bool) -> None:
    closes_at = timezone.now() + (timedelta(days=3) if is_open else -timedelta(hours=1))
    Deadline.objects.filter(edition=edition, phase=Phase.ABSTRACT_REGISTRATION).update(closes_at=closes_at)
    edition.__dict__.pop("_timeline", None)


@pytest.fixture(autouse=True)
def abstract_registration_closed(request: pytest.FixtureRequest) -> None:
    if "edition" in request.fixturenames:
        set_abstract_registration(request.getfixturevalue("edition"), is_open=False)

"""The edition page shows the panels the apps above the core register, in their order, and
none to anonymous visitors: the core itself knows no app above it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from conferences import panels
from conferences.models import Edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def extra_panel() -> Iterator[None]:
    def build(user: Any, edition: Edition, now: Any) -> Iterator[dict[str, Any]]:
        if user.email.startswith("author"):
            yield {"role": None, "bids": False}  # the role panel's template, with no role

    panels.register_panel("test-extra", template="site_pages/panels/role.html", build=build, order=15)
    try:
        yield
    finally:
        panels._PANELS.pop("test-extra")


def test_a_registered_panel_shows_for_whom_it_builds_and_in_order(
    client: Any, edition: Edition, author: Any, outsider: Any, extra_panel: None
) -> None:
    client.force_login(author)
    html = client.get(edition.get_absolute_url()).content.decode()
    assert html.index('id="author-panel"') < html.index("Artifact evaluation starts") < html.index("Timeline")
    client.force_login(outsider)
    assert "Artifact evaluation starts" not in client.get(edition.get_absolute_url()).content.decode()


def test_anonymous_visitors_get_no_panels(edition: Edition, extra_panel: None) -> None:
    assert panels.dashboard_panels(AnonymousUser(), edition, timezone.now()) == []

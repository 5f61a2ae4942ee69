"""Loads are fair by default: without an explicit minimum, each PC member takes at least the even
share of their area, so close affinities cannot pile the papers on one member."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from assignments.models import Assignment, AssignmentRun, RunStatus
from bidding.models import Affinity
from conferences.models import Area, Role
from conferences.roles import RoleKind
from submissions.models import Conflict
from tests.factories.accounts import PASSWORD
from tests.factories.committees import RoleFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db

PAPERS = 12
MEMBERS_PER_AREA = 4
EVEN_SHARE = PAPERS * 2 // MEMBERS_PER_AREA  # 2 reviewers of each area per paper


@pytest.fixture
def close_affinities(edition: Any) -> dict[str, list[Any]]:
    """Member 0 of each area is a hair better on every paper; everyone could take all 12."""
    members: dict[str, list[Any]] = {}
    for area in (Area.SYSTEMS, Area.ML):
        members[area] = [
            RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, area=area, max_load=PAPERS, min_load=None).user
            for _ in range(MEMBERS_PER_AREA)
        ]
    edition.default_min_load = 0
    edition.save(update_fields=["default_min_load"])
    for number in range(1, PAPERS + 1):
        paper = SubmissionFactory(edition=edition, number=number)
        for area_members in members.values():
            for i, member in enumerate(area_members):
                Affinity.objects.create(submission=paper, user=member, score=0.51 if i == 0 else 0.50)
    return members


def test_default_minimum_is_the_even_share_and_the_page_shows_the_spread(
    client: Any, edition: Any, chair: Any, close_affinities: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client.login(email=chair.email, password=PASSWORD)
    kwargs = {"edition_slug": edition.slug}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:run", kwargs=kwargs), {"bid_weight": "0"})
    for area_members in close_affinities.values():
        loads = [Assignment.objects.filter(submission__edition=edition, user=m).count() for m in area_members]
        assert sum(loads) == PAPERS * 2
        assert all(EVEN_SHARE <= load <= EVEN_SHARE + 1 for load in loads), loads
    page = client.get(reverse("assignments:dashboard", kwargs=kwargs)).content.decode()
    assert f"Systems {EVEN_SHARE} to {EVEN_SHARE}" in page
    assert f"{EVEN_SHARE} of {EVEN_SHARE} to {PAPERS}" in page


def test_an_explicit_minimum_still_wins(
    client: Any, edition: Any, chair: Any, close_affinities: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Role.objects.filter(user=close_affinities[Area.ML][1], edition=edition).update(min_load=0, max_load=0)
    client.login(email=chair.email, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:run", kwargs={"edition_slug": edition.slug}), {"bid_weight": "0"})
    ml = [Assignment.objects.filter(submission__edition=edition, user=m).count() for m in close_affinities[Area.ML]]
    assert ml[1] == 0
    assert sum(ml) == PAPERS * 2


def test_a_conflict_declared_after_commit_is_proposed_for_removal_not_a_failure(
    client: Any, edition: Any, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Role.objects.filter(edition=edition, kind=RoleKind.PC_MEMBER).update(max_load=3)
    client.login(email=chair.email, password=PASSWORD)
    kwargs = {"edition_slug": edition.slug}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:run", kwargs=kwargs), {"bid_weight": "0"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:commit", kwargs=kwargs), {"confirmed": "yes"})
    late = Assignment.objects.get(submission=papers[0], user=pc[Area.SYSTEMS][0], is_committed=True)
    Conflict.objects.create(submission=papers[0], user=late.user, reason="advisor", source="author")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:run", kwargs=kwargs), {"bid_weight": "0"})
    run = AssignmentRun.objects.filter(edition=edition).first()
    assert run is not None
    assert run.status == RunStatus.DONE, run.message
    assert f"#1: {late.user.email}" in run.message
    assert Assignment.objects.filter(pk=late.pk).exists()  # committed: the chairs remove it, not the run
    systems = [a for a in Assignment.objects.filter(submission=papers[0]) if a.user in pc[Area.SYSTEMS]]
    replacements = [a for a in systems if not a.is_committed]
    assert len(replacements) == 1
    assert replacements[0].user != late.user
    page = client.get(reverse("assignments:dashboard", kwargs=kwargs)).content.decode()
    assert "Proposed removals" in page
    assert "conflicted: remove" in page


def test_a_paper_without_affinity_is_flagged_not_shown_as_fine(
    client: Any, edition: Any, chair: Any, pc: Any, papers: Any
) -> None:
    late = SubmissionFactory(edition=edition, number=4)
    client.login(email=chair.email, password=PASSWORD)
    page = client.get(reverse("assignments:dashboard", kwargs={"edition_slug": edition.slug})).content.decode()
    assert f"#{late.number} has no computed affinity" in page
    assert "#1 has no computed affinity" not in page
    assert "Every paper is balanced" not in page

"""After a commit, a paper registered late and members who join late are scored at once (see
tests/bidding/test_affinity_at_once.py), so the next solver run proposes reviewers for the late
paper, using the late members, instead of failing or scoring them 0 for everyone."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from assignments.models import Assignment, AssignmentRun, RunStatus
from bidding.models import Affinity
from committees.services import role_grant
from conferences.models import Area, Role
from conferences.roles import RoleKind
from submissions.services import AuthorInput, submission_register
from tests.assignments.conftest import set_abstract_registration
from tests.bidding.helpers import set_profile
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_a_late_paper_and_late_members_are_in_the_next_run_not_a_failure(
    client: Any,
    edition: Any,
    pc: Any,
    papers: Any,
    chair: Any,
    author: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    client.login(email=chair.email, password=PASSWORD)
    kwargs = {"edition_slug": edition.slug}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:run", kwargs=kwargs), {"bid_weight": "0"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:commit", kwargs=kwargs), {"confirmed": "yes"})
    committed = set(Assignment.objects.filter(is_committed=True).values_list("pk", flat=True))
    assert len(committed) == 12  # 3 papers x (2 Systems + 2 ML): every member at their maximum of 2

    set_abstract_registration(edition, is_open=True)  # the chairs let one more paper in
    with django_capture_on_commit_callbacks(execute=True):
        late_paper = submission_register(
            edition=edition,
            title="Quantum annealing schedulers",
            abstract="Scheduling quantum annealing jobs on shared hardware.",
            topic="both",
            keywords="quantum annealing",
            authors=[AuthorInput(author.display_name, author.email)],
            by=author,
        )
    set_abstract_registration(edition, is_open=False)
    late_members: list[Any] = []  # two per area: the others are full, so the late paper needs them
    for area in (Area.SYSTEMS, Area.SYSTEMS, Area.ML, Area.ML):
        user = set_profile(UserFactory(email=f"late{len(late_members)}@example.org"), keywords="quantum annealing")
        with django_capture_on_commit_callbacks(execute=True):
            role_grant(edition=edition, user=user, kind=RoleKind.PC_MEMBER, area=area, max_load=2, by=chair)
        late_members.append(user)
    # Scored at once, without the periodic job: the late paper with all 10 members, the late
    # members with all 4 papers; the hand-made scores of the others are untouched.
    assert Affinity.objects.filter(submission=late_paper).count() == 10
    assert all(Affinity.objects.filter(user=u).count() == 4 for u in late_members)
    assert Affinity.objects.get(submission=papers[0], user=pc[Area.SYSTEMS][0]).score == 0.9
    assert Affinity.objects.get(submission=late_paper, user=late_members[0]).score > 0.3

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("assignments:run", kwargs=kwargs), {"bid_weight": "0"})
    run = AssignmentRun.objects.filter(edition=edition).first()
    assert run is not None
    assert run.status == RunStatus.DONE, run.message
    assert set(Assignment.objects.filter(is_committed=True).values_list("pk", flat=True)) == committed
    proposed = Assignment.objects.filter(submission=late_paper, is_committed=False).select_related("user")
    areas = {a.user_id: Role.objects.get(edition=edition, user=a.user, kind=RoleKind.PC_MEMBER).area for a in proposed}
    assert sorted(areas.values()) == [Area.ML, Area.ML, Area.SYSTEMS, Area.SYSTEMS]
    assert set(areas) == {u.pk for u in late_members}  # the old members are full (2 of 2)
    page = client.get(reverse("assignments:dashboard", kwargs=kwargs)).content.decode()
    assert f"#{late_paper.number} has no computed affinity" not in page

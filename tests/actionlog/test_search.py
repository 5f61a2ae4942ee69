"""Searching the action log (issue 11): free text over the action, its note, the people and the
papers, and a date range; never an entry about a paper the chair is conflicted with; bounded
input (a 400 that says why); one query whatever the search."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionlog.models import Action
from actionlog.services import record_action, record_paper_action
from conferences.models import Edition
from conferences.roles import RoleKind
from mlsys_conf.limits import SEARCH_MAX_CHARS, SEARCH_MAX_WORDS
from submissions.models import Conflict, ConflictReason, ConflictSource
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.submissions import SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def log(edition: Edition, chair: Any) -> dict[str, Any]:
    """Entries about two papers (#1 conflicted with the second chair) and about nobody's paper."""
    second: Any = RoleFactory(edition=edition, kind=RoleKind.PC_CHAIR, user__email="second@example.org").user
    member: Any = UserFactory(email="grace@example.net", first_name="Grace", last_name="Hopper")
    kernels: Any = SubmissionFactory(edition=edition, number=1, title="Sparse attention kernels")
    compilers: Any = SubmissionFactory(edition=edition, number=2, title="Tensor compilers at scale")
    Conflict.objects.create(
        submission=kernels, user=second, reason=ConflictReason.COLLABORATOR, source=ConflictSource.CHAIR
    )
    # An assignment entry is labelled with the assignment, not the paper: found by the paper's title all the same.
    record_action(
        edition=edition, actor=chair, action="assignment.added", target=member, paper_id=kernels.pk, person=member
    )
    record_paper_action(kernels, actor=chair, action="decision.set", changes={"category": (None, "Accept")})
    record_paper_action(compilers, actor=chair, action="decision.set", changes={"category": (None, "Reject")})
    record_paper_action(compilers, actor=second, action="decision.tag_added", note="borderline kernels")
    record_action(edition=edition, actor=chair, action="role.granted", person=member, note="Systems half")
    return {"second": second, "member": member, "kernels": kernels, "compilers": compilers}


def log_url(edition: Edition) -> str:
    return reverse("actionlog:log", kwargs={"edition_slug": edition.slug})


def api_url(edition: Edition) -> str:
    return reverse("api:actions", kwargs={"edition_slug": edition.slug})


def found(client: Any, edition: Edition, **params: Any) -> list[tuple[str, int | None]]:
    response = client.get(api_url(edition), params)
    assert response.status_code == 200, response.content
    return sorted((entry["action"], entry["paper_id"]) for entry in response.json()["results"])


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("decision", [("decision.set", "compilers"), ("decision.set", "kernels"), ("decision.tag_added", "compilers")]),
        ("borderline", [("decision.tag_added", "compilers")]),  # the note
        ("grace", [("assignment.added", "kernels"), ("role.granted", None)]),  # the concerned person
        ("HOPPER role", [("role.granted", None)]),  # every word, any case
        ("#1", [("assignment.added", "kernels"), ("decision.set", "kernels")]),  # a paper's number
        ("attention", [("assignment.added", "kernels"), ("decision.set", "kernels")]),  # a paper's title
        ("compilers set", [("decision.set", "compilers")]),
        ("nothing-like-this", []),
    ],
)
def test_the_search_finds_actions_notes_people_and_papers(
    client: Any, edition: Edition, chair: Any, log: dict[str, Any], q: str, expected: list[tuple[str, str | None]]
) -> None:
    client.force_login(chair)
    wanted = sorted((action, log[paper].pk if paper else None) for action, paper in expected)
    assert found(client, edition, q=q) == wanted
    page = client.get(log_url(edition), {"q": q})
    assert page.status_code == 200
    assert page.content.decode().count('<td data-label="Action">') == len(wanted)


SEARCHES = ["", "decision", "#1", "attention", "kernels", "grace", "chair", "1", "borderline kernels"]


@pytest.mark.parametrize("q", SEARCHES)
def test_a_conflicted_chair_finds_only_what_they_may_see(
    client: Any, edition: Edition, chair: Any, log: dict[str, Any], q: str
) -> None:
    second, kernels = log["second"], log["kernels"]
    client.force_login(second)
    visible = {(a.action, a.paper_id) for a in Action.objects.filter(edition=edition).exclude(paper_id=kernels.pk)}
    results = found(client, edition, q=q)
    assert set(results) <= visible
    assert all(paper_id != kernels.pk for _action, paper_id in results)
    page = client.get(log_url(edition), {"q": q}).content.decode()
    assert "Sparse attention kernels" not in page
    client.force_login(chair)  # the chair who is not conflicted finds the paper's entries
    if q in ("#1", "attention"):
        assert {paper_id for _action, paper_id in found(client, edition, q=q)} == {kernels.pk}


def test_the_date_range_is_inclusive_days_in_the_editions_zone(
    client: Any, edition: Edition, chair: Any, log: dict[str, Any]
) -> None:
    old = Action.objects.get(action="role.granted")
    Action.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    today = timezone.now().astimezone(edition.zone).date()
    client.force_login(chair)
    recent = found(client, edition, since=today.isoformat(), until=today.isoformat())
    assert ("role.granted", None) not in recent
    assert len(recent) == 4
    earlier = (today - timedelta(days=10)).isoformat()
    assert found(client, edition, since=earlier, until=earlier) == [("role.granted", None)]
    response = client.get(api_url(edition), {"since": today.isoformat(), "until": earlier})
    assert response.status_code == 400
    assert "until" in response.json()


@pytest.mark.parametrize(
    ("q", "message"),
    [
        ("x" * (SEARCH_MAX_CHARS + 1), f"at most {SEARCH_MAX_CHARS} characters"),
        (" ".join(f"w{i}" for i in range(SEARCH_MAX_WORDS + 1)), f"at most {SEARCH_MAX_WORDS} words"),
    ],
)
def test_a_search_over_the_limit_is_a_clear_400(
    client: Any, edition: Edition, chair: Any, q: str, message: str
) -> None:
    client.force_login(chair)
    page = client.get(log_url(edition), {"q": q})
    assert page.status_code == 400
    assert "These filters were not applied" in page.content.decode()
    assert message in page.content.decode()
    response = client.get(api_url(edition), {"q": q})
    assert response.status_code == 400
    assert message in str(response.json()["q"])


def test_the_search_is_a_fixed_number_of_queries(
    client: Any, edition: Edition, chair: Any, log: dict[str, Any]
) -> None:
    client.force_login(chair)
    client.get(log_url(edition))  # warm the per-process caches (content types, sessions)

    def queries(q: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(log_url(edition), {"q": q, "since": "2020-01-01"}).status_code == 200
        return len(captured)

    one = queries("role")
    for number in range(3, 30):
        SubmissionFactory(edition=edition, number=number, title=f"Paper {number}")
        record_action(edition=edition, actor=chair, action="role.granted", note=f"entry {number}")
    # Twenty words (the most), each one more condition, all matching the role entries.
    words = [
        "r",
        "ro",
        "rol",
        "role",
        "ole",
        "le",
        "e.",
        ".g",
        "gr",
        "gra",
        "ran",
        "ant",
        "nte",
        "ted",
        "role.",
        "granted",
        "ed",
        "o",
        "l",
        "g",
    ]
    assert len(words) == SEARCH_MAX_WORDS
    assert queries(" ".join(words)) == one
    assert queries("#2 compilers") == one


def test_the_chairs_dashboards_search_the_log(client: Any, edition: Edition, chair: Any, log: dict[str, Any]) -> None:
    client.force_login(chair)
    action = f'action="{log_url(edition)}"'
    dashboard = client.get(reverse("decisions:dashboard", args=[edition.slug])).content.decode()
    assert 'id="decisions-log-search"' in dashboard
    assert action in dashboard
    edition_page = client.get(reverse("conferences:edition", args=[edition.slug])).content.decode()
    assert 'id="chair-log-search"' in edition_page
    assert action in edition_page

"""The PC meeting: the grouping of the discussion order by conflicted members, moving through
it, and what each person present is shown (page and JSON alike): a conflicted member is told
to leave and shown nothing else of the paper, a hidden conflict is not named as one, only the
chairs handling the paper see who leaves, and a conflicted chair cannot type its decision."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.test import Client

from conferences.models import Edition
from conferences.roles import RoleKind
from decisions.meeting import (
    group_by_conflicts,
    meeting_decide,
    meeting_end,
    meeting_group_order,
    meeting_next,
    meeting_previous,
    meeting_start,
    meeting_state,
    room_changes,
)
from decisions.models import Decision, DiscussionPosition, Meeting
from decisions.services import categories_of, order_set
from mlsys_conf.policy import PolicyDenied
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from tests.factories.committees import RoleFactory

A, B, C = 1, 2, 3  # members' ids, for the pure function


def test_grouping_puts_papers_with_the_same_conflicted_members_together() -> None:
    papers = [
        ("p1", frozenset({A})),
        ("p2", frozenset()),
        ("p3", frozenset({A})),
        ("p4", frozenset({B})),
        ("p5", frozenset()),
        ("p6", frozenset({A, B})),
    ]
    order = group_by_conflicts(papers)
    assert order == ["p2", "p5", "p1", "p3", "p6", "p4"]
    sets = dict(papers)
    assert room_changes([sets[key] for key in order]) < room_changes([conflicted for _, conflicted in papers])


def test_grouping_keeps_the_order_when_nobody_is_conflicted_and_handles_nothing() -> None:
    assert group_by_conflicts([(n, frozenset()) for n in (3, 1, 2)]) == [3, 1, 2]
    assert group_by_conflicts([]) == []


def test_grouping_follows_overlapping_sets() -> None:
    order = group_by_conflicts([("x", frozenset({C})), ("ab", frozenset({A, B})), ("a", frozenset({A}))])
    assert order == ["x", "a", "ab"]  # from C alone to A, then B joins A: 1 + 2 + 1 changes


# --- The meeting of three papers --------------------------------------------------------------


@pytest.fixture
def room(edition: Edition, chair: Any, conflicted_chair: Any, decided_papers: list) -> dict[str, Any]:
    """The discussion order #1, #2, #3; on #2 a PC member with a conflict they are shown and
    one with a conflict hidden from them; a PC member who reviews nothing; the meeting on #1."""
    seen: Any = RoleFactory(
        edition=edition, kind=RoleKind.PC_MEMBER, user__email="seen@example.org", user__first_name="Seen"
    ).user
    hidden: Any = RoleFactory(
        edition=edition, kind=RoleKind.PC_MEMBER, user__email="hidden@example.org", user__first_name="Hidden"
    ).user
    free: Any = RoleFactory(edition=edition, kind=RoleKind.PC_MEMBER, user__email="free@example.org").user
    paper2 = decided_papers[1]
    Conflict.objects.create(submission=paper2, user=seen, reason=ConflictReason.OTHER, source=ConflictSource.PC_MEMBER)
    Conflict.objects.create(
        submission=paper2,
        user=hidden,
        reason=ConflictReason.DOMAIN,
        source=ConflictSource.AUTOMATIC,
        hidden_from_member=True,
    )
    order_set(by=chair, edition=edition, submissions=decided_papers)
    meeting = meeting_start(by=chair, edition=edition)
    return {"seen": seen, "hidden": hidden, "free": free, "meeting": meeting, "papers": decided_papers}


def on_paper_2(room: dict[str, Any], chair: Any) -> Meeting:
    return meeting_next(by=chair, meeting=room["meeting"])


def everything_shown(user: Any, edition: Edition, client: Client) -> str:
    """The page and the JSON (of the site and of the API) the user is shown, as one text."""
    client.force_login(user)
    texts = []
    for url in (
        f"/{edition.slug}/decisions/meeting/",
        f"/{edition.slug}/decisions/meeting/state/",
        f"/api/editions/{edition.slug}/decisions/meeting/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        texts.append(response.content.decode())
    return "\n".join(texts)


@pytest.mark.django_db
def test_the_chairs_move_through_the_order(edition: Edition, chair: Any, room: dict[str, Any]) -> None:
    meeting = room["meeting"]
    assert meeting.current == room["papers"][0]
    assert meeting_start(by=chair, edition=edition) == meeting  # one open meeting
    version = meeting.version

    def number(moved: Meeting) -> int | None:
        return moved.current.number if moved.current else None

    meeting = meeting_next(by=chair, meeting=meeting)
    assert number(meeting) == 2
    assert meeting.version > version
    assert number(meeting_next(by=chair, meeting=meeting)) == 3
    assert number(meeting_next(by=chair, meeting=meeting)) == 3  # the last stays
    assert number(meeting_previous(by=chair, meeting=meeting)) == 2


@pytest.mark.django_db
def test_only_chairs_run_the_meeting(edition: Edition, room: dict[str, Any], pc_systems: Any) -> None:
    with pytest.raises(PolicyDenied):
        meeting_next(by=pc_systems, meeting=room["meeting"])
    with pytest.raises(PolicyDenied):
        meeting_start(by=pc_systems, edition=edition)


@pytest.mark.django_db
def test_a_conflicted_member_is_told_to_leave_and_sees_nothing_else(
    edition: Edition, chair: Any, room: dict[str, Any], client: Client
) -> None:
    on_paper_2(room, chair)
    state = meeting_state(room["seen"], edition)["current"]
    assert state["must_leave"]
    assert "conflict of interest" in state["message"]
    assert (state["area"], state["scores"], state["leaving"], state["decision"]) == (None, None, None, None)
    assert not state["can_decide"]
    shown = everything_shown(room["seen"], edition, client)
    assert "You must leave the room" in shown
    assert "Hidden" not in shown  # who else leaves
    assert "Reviewer" not in shown
    assert "Scores" not in shown
    assert 'scores": [' not in shown


@pytest.mark.django_db
def test_a_hidden_conflict_is_not_named_but_its_member_leaves(
    edition: Edition, chair: Any, room: dict[str, Any], client: Client
) -> None:
    on_paper_2(room, chair)
    state = meeting_state(room["hidden"], edition)["current"]
    assert state["must_leave"]
    assert "conflict" not in state["message"]
    shown = everything_shown(room["hidden"], edition, client)
    assert "You must leave the room while this paper is discussed." in shown
    assert "conflict of interest" not in shown
    assert "Seen" not in shown


@pytest.mark.django_db
def test_members_present_do_not_learn_who_leaves(
    edition: Edition, chair: Any, room: dict[str, Any], client: Client, pc_ml: Any
) -> None:
    on_paper_2(room, chair)
    for member in (room["free"], pc_ml):
        state = meeting_state(member, edition)["current"]
        assert not state["must_leave"]
        assert state["leaving"] is None
        shown = everything_shown(member, edition, client)
        assert "Seen" not in shown
        assert "Hidden" not in shown
        assert "leave the room" not in shown
    assert meeting_state(room["free"], edition)["current"]["scores"] is None  # no review of #2: none shown
    assert len(meeting_state(pc_ml, edition)["current"]["scores"]) == 2  # reviewed it: sees both


@pytest.mark.django_db
def test_chairs_see_the_list_of_who_leaves(edition: Edition, chair: Any, room: dict[str, Any], client: Client) -> None:
    on_paper_2(room, chair)
    state = meeting_state(chair, edition)["current"]
    names = [room["seen"].display_name, room["hidden"].display_name]
    assert state["leaving"] == sorted(names)
    assert state["can_decide"]
    assert len(state["scores"]) == 2
    shown = everything_shown(chair, edition, client)
    assert all(name in shown for name in names)


@pytest.mark.django_db
def test_a_conflicted_chair_is_told_to_leave_and_cannot_decide(
    edition: Edition, chair: Any, conflicted_chair: Any, room: dict[str, Any], client: Client
) -> None:
    meeting = room["meeting"]  # on #1, which conflicted_chair is conflicted with
    state = meeting_state(conflicted_chair, edition)
    current = state["current"]
    assert current["must_leave"]
    assert not current["can_decide"]
    assert (current["number"], current["title"]) == (None, None)  # never sees the paper, as on the dashboard
    assert state["order"][0]["number"] is None
    shown = everything_shown(conflicted_chair, edition, client)
    assert "sparse kernels" not in shown
    assert 'id="meeting-decide"' in shown
    assert 'meeting-decide" hidden' in shown.replace("'", '"')
    reject = next(c for c in categories_of(edition) if c.name == "Reject")
    with pytest.raises(Http404):
        meeting_decide(by=conflicted_chair, meeting=meeting, category=reject)
    client.force_login(conflicted_chair)
    response = client.post(f"/{edition.slug}/decisions/meeting/decide/", {"number": "1", "category": reject.pk})
    assert response.status_code == 404
    response = client.post(
        f"/api/editions/{edition.slug}/decisions/meeting/decide/",
        json.dumps({"number": 1, "category": reject.pk}),
        content_type="application/json",
    )
    assert response.status_code == 404
    assert not Decision.objects.filter(submission=room["papers"][0]).exists()


@pytest.mark.django_db
def test_the_chair_types_the_decision_in(edition: Edition, chair: Any, room: dict[str, Any], client: Client) -> None:
    accept = next(c for c in categories_of(edition) if c.name == "Accept (oral)")
    client.force_login(chair)
    stale = client.post(f"/{edition.slug}/decisions/meeting/decide/", {"number": "2", "category": accept.pk})
    assert stale.status_code == 302
    assert not Decision.objects.exists()
    client.post(f"/{edition.slug}/decisions/meeting/decide/", {"number": "1", "category": accept.pk})
    assert Decision.objects.get().submission == room["papers"][0]
    assert meeting_state(chair, edition)["current"]["decision"] == "Accept (oral)"
    assert meeting_state(room["free"], edition)["current"]["decision"] is None  # pending: chairs only


@pytest.mark.django_db
def test_the_json_answers_304_when_nothing_changed(
    edition: Edition, chair: Any, room: dict[str, Any], client: Client
) -> None:
    client.force_login(room["free"])
    url = f"/{edition.slug}/decisions/meeting/state/"
    first = client.get(url)
    etag = first["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    on_paper_2(room, chair)
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed.json()["current"]["number"] == 2


@pytest.mark.django_db
def test_grouping_the_order_by_conflicts(
    edition: Edition, chair: Any, room: dict[str, Any], decided_papers: list[Submission]
) -> None:
    paper1, paper2, paper3 = decided_papers
    Conflict.objects.create(
        submission=paper3, user=room["seen"], reason=ConflictReason.OTHER, source=ConflictSource.PC_MEMBER
    )
    Conflict.objects.create(
        submission=paper3, user=room["hidden"], reason=ConflictReason.OTHER, source=ConflictSource.PC_MEMBER
    )
    order_set(by=chair, edition=edition, submissions=[paper2, paper1, paper3])
    meeting_group_order(by=chair, edition=edition)
    numbers = list(DiscussionPosition.objects.order_by("position").values_list("submission__number", flat=True))
    assert numbers == [1, 2, 3]  # #2 and #3: the same two members leave once, for both


@pytest.mark.django_db
def test_an_empty_order_cannot_be_grouped(edition: Edition, chair: Any) -> None:
    with pytest.raises(ValidationError):
        meeting_group_order(by=chair, edition=edition)


def test_pc_members_find_the_open_meeting_on_their_dashboard(
    edition: Edition, chair: Any, room: dict[str, Any], pc_systems: Any, client: Client
) -> None:
    client.force_login(pc_systems)
    assert 'id="meeting-open"' in client.get(f"/{edition.slug}/").content.decode()
    meeting_end(by=chair, meeting=Meeting.objects.get(edition=edition, ended_at__isnull=True))
    assert 'id="meeting-open"' not in client.get(f"/{edition.slug}/").content.decode()

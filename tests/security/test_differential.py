"""Differential double-blind tests (issue 12): changing a fact a viewer may not know leaves
everything that viewer can observe byte-identical (every page, API answer and export the
permission matrix lets them GET, with list and filter variants, and every mail to them), once
CSRF tokens, nonces and moments are masked (``tests/security/differential.py``).

The viewers are P's author, the PC member conflicted with P and the chair conflicted with P, in
the security world moved into its reviewing phase: pc_assigned has submitted a review of P,
the chair has started P's discussion, reviews and decisions are not released. Each fact is
changed through the real services, their mails sent (on-commit callbacks run). A meta-test
changes what the viewers may see and finds the difference, so the comparison can fail.

The second half checks every search, filter, list, count and export (``LISTINGS``) for each
role: the papers it names are a subset of those the role may see there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.utils import timezone

from tests.security.differential import Request, body_of, differences, requests_for, snapshot
from tests.security.world import World

pytestmark = pytest.mark.django_db

VIEWERS = ("author", "pc_conflicted", "conflicted_chair")


@dataclass
class Scene:
    world: World
    requests: list[Request]
    before: dict[str, dict[str, str]]  # each viewer's snapshot of the scene as built


def _all_snapshots(world: World, requests: list[Request]) -> dict[str, dict[str, str]]:
    return {viewer: snapshot(world, viewer, requests) for viewer in VIEWERS}


@pytest.fixture(scope="module")
def scene(world: World, django_db_blocker: Any, world_media: Path) -> Scene:
    """The security world in review, and its snapshots, made once (inside the module's
    transaction, rolled back with it): each test rolls back to exactly this state."""
    from conferences.models import Deadline, Phase
    from decisions.services import categories_of
    from reviews.discussion import comment_post
    from submissions.models import Submission, SubmissionState
    from tests.factories.reviews import open_reviewing, write_review

    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=world_media):
        edition = world.edition
        # Bidding ran from 15 days ago to 5 days ago (a bid "then" goes through the service).
        Deadline.objects.filter(edition=edition).update(opens_at=None)
        Deadline.objects.filter(edition=edition, phase=Phase.BIDDING).update(
            opens_at=timezone.now() - timedelta(days=15)
        )
        open_reviewing(edition)
        # P was submitted with its PDF (the state the deadline's job leaves it in).
        Submission.objects.filter(pk=world.paper.pk).update(state=SubmissionState.SUBMITTED)
        world.paper.refresh_from_db()
        world.review = write_review(world.paper, world.users["pc_assigned"])  # type: ignore[attr-defined]
        categories_of(edition)
        comment_post(
            by=world.users["chair"], submission=world.paper, body="Reviewers, please weigh in.", audience="reviewers"
        )
        requests = requests_for(world)
        cache.clear()
        before = _all_snapshots(world, requests)
    return Scene(world, requests, before)


# --- Hidden facts: changed through the services -------------------------------------------------


def add_assignment(world: World) -> None:
    from assignments.models import AssignmentKind
    from assignments.services import assignment_add_committed

    assignment_add_committed(
        submission=world.paper, user=world.users["pc_unassigned"], kind=AssignmentKind.REVIEW, by=world.users["chair"]
    )


def remove_assignment(world: World) -> None:
    from assignments.services import assignment_remove

    assignment_remove(assignment=world.assignment, by=world.users["chair"])


def _resubmit(world: World, **answers: Any) -> None:
    from reviews.services import review_save
    from tests.factories.reviews import COMPLETE_REVIEW

    review = world.review  # type: ignore[attr-defined]
    review.refresh_from_db()
    review_save(by=world.users["pc_assigned"], review=review, answers={**COMPLETE_REVIEW, **answers}, submit=True)


def change_score(world: World) -> None:
    _resubmit(world, merit=1)


def change_review_text(world: World) -> None:
    _resubmit(world, strengths="Nothing at all, on reflection.", summary=COMPLETE_SUMMARY)


COMPLETE_SUMMARY = (
    "On a second reading the kernel is a minor variation of block-sparse attention, evaluated on a single GPU "
    "generation; the claims of generality are not supported by the experiments."
)


def _category(world: World, outcome: str) -> Any:
    from decisions.models import DecisionCategory

    return DecisionCategory.objects.filter(edition=world.edition, outcome=outcome).order_by("position").first()


def set_pending_decision(world: World) -> None:
    from decisions.services import decision_set

    decision_set(by=world.users["chair"], submission=world.paper, category=_category(world, "accept"))


def change_pending_decision(world: World) -> None:
    from decisions.services import decision_set

    decision_set(by=world.users["chair"], submission=world.paper, category=_category(world, "reject"))


def add_comment(world: World) -> None:
    from reviews.discussion import comment_post

    comment_post(
        by=world.users["pc_assigned"],
        submission=world.paper,
        body="I now think the baselines are weak, @chair.",
        audience="reviewers",
    )


def add_pc_comment(world: World) -> None:
    from reviews.discussion import comment_post

    comment_post(by=world.users["chair"], submission=world.paper, body="PC, what do you think?", audience="pc")


def add_conflict_of_another_member(world: World) -> None:
    from submissions.models import ConflictReason
    from submissions.services import conflict_declare_own

    conflict_declare_own(
        submission=world.paper, user=world.users["pc_unassigned"], reason=ConflictReason.COLLABORATOR, conflicted=True
    )


def add_bid(world: World) -> None:
    from bidding.services import bid_set

    bid_set(
        submission=world.paper, user=world.users["pc_unassigned"], level=2, now=timezone.now() - timedelta(days=6)
    )


def change_bid(world: World) -> None:
    from bidding.services import bid_set

    bid_set(submission=world.paper, user=world.users["pc_assigned"], level=-2, now=timezone.now() - timedelta(days=6))


def add_tag(world: World) -> None:
    from decisions.services import tag_add

    tag_add(by=world.users["chair"], submission=world.paper, name="discuss")


def save_review_draft(world: World) -> None:
    from reviews.services import review_open, review_save
    from tests.factories.reviews import COMPLETE_REVIEW

    review = review_open(by=world.users["pc_assigned"], submission=world.paper)
    review_save(by=world.users["pc_assigned"], review=review, answers={**COMPLETE_REVIEW, "merit": 1}, submit=False)


def request_external_reviewer(world: World) -> None:
    from reviews.external import external_request

    external_request(
        by=world.users["pc_assigned"], submission=world.paper, name="Erin Elsewhere", email="erin@external.example"
    )


def rate_review(world: World) -> None:
    from reviews.quality import rating_set

    rating_set(by=world.users["chair"], review=world.review, rating="helpful")  # type: ignore[attr-defined]


Change = Callable[[World], None]
# Each fact: the changes (in order), and the viewers who may see it after all (by design).
HIDDEN_FACTS: dict[str, tuple[tuple[Change, ...], frozenset[str]]] = {
    "assignment added on P": ((add_assignment,), frozenset()),
    "assignment removed from P": ((remove_assignment,), frozenset()),
    "review's score and text changed": ((change_score, change_review_text), frozenset()),
    "review draft saved": ((save_review_draft,), frozenset()),
    "pending decision set, then changed": ((set_pending_decision, change_pending_decision), frozenset()),
    "comments on P to its reviewers and to the PC": ((add_comment, add_pc_comment), frozenset()),
    # P's authors see every conflict recorded on P (they declare them); nobody else here does.
    "another member's conflict with P": ((add_conflict_of_another_member,), frozenset({"author"})),
    "bids on P added and changed": ((add_bid, change_bid), frozenset()),
    "tag on P": ((add_tag,), frozenset()),
    "external reviewer requested for P": ((request_external_reviewer,), frozenset()),
    "review rated": ((rate_review,), frozenset()),
}


def _changed(scene: Scene, changes: tuple[Change, ...], capture: Any) -> dict[str, dict[str, str]]:
    with capture(execute=True):  # the services' mails are sent, as after a real commit
        for change in changes:
            change(scene.world)
    cache.clear()
    return _all_snapshots(scene.world, scene.requests)


def _differences(scene: Scene, after: dict[str, dict[str, str]]) -> dict[str, list[str]]:
    """What each viewer sees differently, on every page, API answer and export they may GET (the
    chairs' outbox and action log included: mail about P is hidden from P's conflicted chair)."""
    return {viewer: differences(scene.before[viewer], after[viewer]) for viewer in VIEWERS}


@pytest.mark.parametrize("fact", list(HIDDEN_FACTS))
def test_a_hidden_fact_changes_nothing_the_viewers_see(
    scene: Scene, django_capture_on_commit_callbacks: Any, fact: str
) -> None:
    changes, seen_by = HIDDEN_FACTS[fact]
    found = _differences(scene, _changed(scene, changes, django_capture_on_commit_callbacks))
    leaks = {viewer: lines for viewer, lines in found.items() if lines and viewer not in seen_by}
    shown = (f"{viewer} sees:\n" + "\n".join(lines) for viewer, lines in leaks.items())
    assert not leaks, f"{fact}:\n" + "\n".join(shown)


# --- The test can fail: facts the viewers may see ---------------------------------------------


def change_title(world: World) -> None:
    """(Through the model: the deadline to edit P has passed in this scene.)"""
    from submissions.models import Submission

    Submission.objects.filter(pk=world.paper.pk).update(title="Dense Attention Kernels, Revisited")


def release_decision(world: World) -> None:
    from conferences.models import ReleaseKind
    from conferences.releases import release_now

    set_pending_decision(world)
    release_now(by=world.users["chair"], edition=world.edition, kind=ReleaseKind.DECISIONS)


VISIBLE_FACTS: dict[str, tuple[tuple[Change, ...], frozenset[str]]] = {
    # Its authors, the PC (titles on the conflicts page) and every chair see P's title.
    "P's title changed by its author": ((change_title,), frozenset(VIEWERS)),
    "P's decision released": ((release_decision,), frozenset({"author"})),
}


@pytest.mark.parametrize("fact", list(VISIBLE_FACTS))
def test_a_fact_the_viewer_may_see_does_show(scene: Scene, django_capture_on_commit_callbacks: Any, fact: str) -> None:
    """The masks leave real differences visible: the comparison above can fail."""
    changes, seen_by = VISIBLE_FACTS[fact]
    found = _differences(scene, _changed(scene, changes, django_capture_on_commit_callbacks))
    assert {viewer for viewer, lines in found.items() if lines} >= seen_by


# --- Searches, filters, lists, counts and exports: a subset of what the viewer may see ---------


def _may_view(access: Any, user: Any, paper: Any) -> bool:
    from submissions.policy import can_view_submission

    return bool(can_view_submission(user, paper))


def _may_review(access: Any, user: Any, paper: Any) -> bool:
    from reviews.policy import can_open_paper_for_review

    return bool(can_open_paper_for_review(user, paper))


def _manages(access: Any, user: Any, paper: Any) -> bool:
    return bool(access.manages(paper))


def _not_conflicted(access: Any, user: Any, paper: Any) -> bool:
    return not access.is_conflicted(paper)


def _any(access: Any, user: Any, paper: Any) -> bool:
    return True


@dataclass(frozen=True)
class Listing:
    route: str  # a route of the matrix (GET), with the world's URL parameters
    query: str  # its search or filter, or ""
    may_see: Callable[[Any, Any, Any], bool]  # (access, user, paper): may this paper be listed
    names_authors: bool = False  # the query names P's authors: only who may see them may find P


AUTHOR = "Quixotewright"
AUTHOR_AT = "authors-only.example"
# Every search, filter, list, count and export of the app that names papers. A new one: add a row.
LISTINGS = (
    Listing("submissions:mine", "", _may_view),
    Listing("api:submission-list", "", _may_view),
    Listing("submissions:list", "", _may_view),
    Listing("submissions:list", "q=sparse", _may_view),
    Listing("submissions:list", f"q={AUTHOR}", _may_view, names_authors=True),
    Listing("submissions:list", "format=csv", _may_view),
    Listing("submissions:pc_conflicts", "", _any),  # the PC reads every title there, to declare conflicts
    Listing("bidding:bids", "", _not_conflicted),
    Listing("bidding:bids", "q=sparse", _not_conflicted),
    Listing("bidding:bids", f"q={AUTHOR}", _not_conflicted, names_authors=True),
    Listing("bidding:bids", f"keyword={AUTHOR}", _not_conflicted, names_authors=True),
    Listing("bidding:bids", f"q={AUTHOR_AT}", _not_conflicted, names_authors=True),
    Listing("api:bidding-bids", "", _not_conflicted),
    Listing("api:bidding-bids", f"q={AUTHOR}", _not_conflicted, names_authors=True),
    Listing("api:bidding-bids", f"keyword={AUTHOR}", _not_conflicted, names_authors=True),
    Listing("bidding:stats", "", _manages),
    Listing("api:paper-to-review-list", "", _may_review),
    Listing("reviews:mine", "", _may_review),
    Listing("api:reviewer-dashboard", "", _may_review),
    Listing("reviews:progress", "", _manages),
    Listing("api:review-progress", "", _manages),
    Listing("reviews:export", "", _manages),
    Listing("api:review-export", "", _manages),
    Listing("reviews:external_requests", "", _manages),
    Listing("api:external-request-list", "", _manages),
    Listing("api:assignment-list", "", _manages),
    Listing("decisions:dashboard", "", _manages),
    Listing("decisions:dashboard", "q=sparse", _manages),
    Listing("decisions:dashboard", f"q={AUTHOR}", _manages, names_authors=True),
    Listing("api:decision-list", "", _manages),
    Listing("api:decision-list", "q=sparse", _manages),
    Listing("decisions:export_csv", "", _manages),
    Listing("decisions:export_json", "", _manages),
    Listing("api:decision-export", "", _manages),
    Listing("decisions:meeting_state", "", _manages),
    Listing("api:decision-meeting", "", _manages),
    Listing("actionlog:log", "q=sparse", _manages),
    Listing("actionlog:log", "paper=1", _manages),
    Listing("api:actions", "q=sparse", _manages),
)
LISTING_ROLES = ("author", "coauthor", "pc_unassigned", "pc_assigned", "pc_conflicted", "chair", "conflicted_chair")


def _listing_url(scene: Scene, listing: Listing) -> str:
    found = [r.url for r in scene.requests if r.key == listing.route and "?" not in r.url]
    assert found, f"{listing.route} is not a GET route of the matrix"
    return f"{found[0]}?{listing.query}" if listing.query else found[0]


def _named(body: str, papers: list[Any]) -> set[int]:
    return {paper.number for paper in papers if paper.title in body}


@pytest.mark.parametrize("role", LISTING_ROLES)
def test_every_list_search_and_export_names_only_papers_the_viewer_may_see(scene: Scene, role: str) -> None:
    from conferences.access import access_of
    from submissions.models import Submission
    from submissions.policy import can_see_authors

    world = scene.world
    user = world.users[role]
    access = access_of(user, world.edition)
    papers = list(Submission.objects.filter(edition=world.edition))
    client = Client()
    client.force_login(user)
    wrong, reached = [], 0
    for listing in LISTINGS:
        response = client.get(_listing_url(scene, listing))
        if response.status_code != 200:  # who may use the route at all is the matrix's question
            continue
        reached += 1
        body = body_of(response)
        allowed = {
            paper.number
            for paper in papers
            if listing.may_see(access, user, paper) and (not listing.names_authors or can_see_authors(user, paper))
        }
        if extra := _named(body, papers) - allowed:
            wrong.append(f"{listing.route}?{listing.query}: papers {sorted(extra)}")
        if response.get("Content-Type", "").startswith("application/json"):
            data = json.loads(body)
            paged = isinstance(data, dict) and "count" in data and data.get("next", "") is None
            if paged and data["count"] != len(data["results"]):
                wrong.append(f"{listing.route}?{listing.query}: count {data['count']} for {len(data['results'])}")
    assert reached, f"{role} reaches none of the listings"
    assert not wrong, f"{role} is shown papers they may not see:\n" + "\n".join(wrong)


def test_the_listing_check_finds_papers_where_they_are_listed(scene: Scene) -> None:
    """The check can fail: the chair handling P finds it where the conflicted chair may not."""
    client = Client()
    client.force_login(scene.world.users["chair"])
    for listing in (
        Listing("submissions:list", f"q={AUTHOR}", _may_view),
        Listing("decisions:dashboard", "", _manages),
    ):
        body = client.get(_listing_url(scene, listing)).content.decode()
        assert _named(body, [scene.world.paper]) == {1}, listing

"""The Access object: the facts of each persona, a fixed number of queries to build it, one
build per request, forgetting it when the facts change, and list pages whose number of queries
does not grow with the number of papers."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assignments.models import Assignment
from committees.services import role_grant
from conferences import access as access_module
from conferences.access import Access, access_for, access_of, access_scope, forget_access
from conferences.middleware import AccessMiddleware
from conferences.models import Edition
from conferences.roles import RoleKind
from mlsys_conf.policy import RULES, Rule
from submissions.models import Conflict, ConflictReason, ConflictSource, Submission
from submissions.policy import can_manage_submission, can_see_authors, can_view_submission
from tests.bidding.helpers import open_bidding
from tests.factories.accounts import UserFactory
from tests.factories.committees import RoleFactory
from tests.factories.submissions import AuthorFactory, SubmissionFactory


def conflict(user: Any, paper: Submission, *, hidden: bool = False) -> Conflict:
    return Conflict.objects.create(
        submission=paper,
        user=user,
        reason=ConflictReason.INSTITUTION,
        source=ConflictSource.CHAIR,
        hidden_from_member=hidden,
    )


def assign(user: Any, paper: Submission, kind: str = "review", *, committed: bool = True) -> Assignment:
    return Assignment.objects.create(submission=paper, user=user, source="manual", kind=kind, is_committed=committed)


def add_papers(edition: Edition, count: int, start: int = 10) -> list[Submission]:
    papers = []
    for number in range(start, start + count):
        paper = SubmissionFactory(edition=edition, number=number, title=f"Paper {number}")
        AuthorFactory(submission=paper, position=1, email=f"someone{number}@uni.example.org")
        papers.append(paper)
    return papers


def queries_of(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


# --- The facts of each persona ---------------------------------------------------------------


def test_a_chair_chairs_and_manages_papers_except_conflicted_ones(edition: Edition, chair: Any) -> None:
    mine, theirs = add_papers(edition, 2)
    conflict(chair, mine)
    access = access_for(chair, edition)
    assert access.roles == {RoleKind.PC_CHAIR}
    assert access.is_chair
    assert access.is_conflicted(mine)
    assert not access.is_conflicted(theirs)
    assert not access.manages(mine)
    assert access.manages(theirs)


def test_a_pc_member_has_roles_conflicts_and_assignments_by_kind(edition: Edition, pc_systems: Any) -> None:
    shown, hidden, reviewed, meta, draft = add_papers(edition, 5)
    conflict(pc_systems, shown)
    conflict(pc_systems, hidden, hidden=True)
    assign(pc_systems, reviewed)
    assign(pc_systems, meta, kind="meta_review")
    assign(pc_systems, draft, committed=False)
    access = access_for(pc_systems, edition)
    assert access.roles == {RoleKind.PC_MEMBER}
    assert not access.is_chair
    assert access.has_role(RoleKind.PC_MEMBER, RoleKind.AREA_CHAIR)
    assert access.conflicted == {shown.pk, hidden.pk}
    assert access.conflicted_visible == {shown.pk}
    assert access.sees_conflict(shown)
    assert not access.sees_conflict(hidden)
    assert access.is_assigned(reviewed, kind="review")
    assert not access.is_assigned(reviewed, kind="meta_review")
    assert access.is_assigned(meta, kind="meta_review")
    assert access.is_assigned(meta)
    assert not access.is_assigned(draft), "a draft assignment is not the member's until committed"
    assert not access.manages(reviewed)


def test_an_author_wrote_papers_listed_by_account_or_by_a_verified_address(
    edition: Edition, author: Any, submission: Submission
) -> None:
    by_address, unverified, other = add_papers(edition, 3)
    AuthorFactory(submission=by_address, position=2, email="Author.Second@Example.org")
    EmailAddress.objects.create(user=author, email="author.second@example.org", verified=True)
    AuthorFactory(submission=unverified, position=2, email="not-yet@example.org")
    EmailAddress.objects.create(user=author, email="not-yet@example.org", verified=False)
    access = access_for(author, edition)
    assert access.authored == {submission.pk, by_address.pk}
    assert access.is_author(submission)
    assert access.is_author(by_address)
    assert not access.is_author(unverified)
    assert not access.is_author(other)
    assert access.roles == frozenset()
    assert not access.is_chair


def test_the_facts_belong_to_one_edition(edition: Edition, pc_systems: Any) -> None:
    other = RoleFactory(kind=RoleKind.PC_CHAIR, user=pc_systems).edition
    assert access_for(pc_systems, other).is_chair
    assert not access_for(pc_systems, edition).is_chair


def test_an_outsider_has_no_facts(edition: Edition, outsider: Any, submission: Submission) -> None:
    access = access_for(outsider, edition)
    assert (access.roles, access.authored, access.conflicted, dict(access.assigned)) == (set(), set(), set(), {})
    assert not access.is_chair
    assert not access.manages(submission)


def test_a_superuser_chairs_every_edition(edition: Edition, admin_user: Any) -> None:
    assert access_for(admin_user, edition).is_chair


def test_anonymous_users_get_an_empty_access_without_queries(
    edition: Edition, submission: Submission, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(0):
        access = access_for(AnonymousUser(), edition)
    assert not access.is_authenticated
    assert not access.is_author(submission)
    assert not access.is_chair


def test_policies_take_an_access_or_a_user_alike(
    edition: Edition, author: Any, chair: Any, submission: Submission
) -> None:
    for subject in (author, access_for(author, edition)):
        assert can_view_submission(subject, submission)
        assert can_see_authors(subject, submission)
        assert not can_manage_submission(subject, submission)
    assert can_manage_submission(access_for(chair, edition), submission)


def rules_about(annotation: str) -> list[Rule]:
    return [
        func for func in RULES.values() if list(inspect.signature(func).parameters.values())[1].annotation == annotation
    ]


@pytest.mark.parametrize("persona", ["chair", "pc_systems", "ae_member", "author", "outsider"])
def test_every_rule_answers_an_access_as_it_answers_its_user(
    edition: Edition, submission: Submission, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    if persona == "pc_systems":
        conflict(user, submission)
    edition_rules, paper_rules = rules_about("Edition"), rules_about("Submission")
    assert len(edition_rules) >= 10
    assert len(paper_rules) >= 10
    access = access_for(user, edition)
    for func in edition_rules:
        assert func(access, edition) == func(user, edition), func.__name__
    for func in paper_rules:
        assert func(access, submission) == func(user, submission), func.__name__


def test_an_access_for_another_edition_is_rebuilt_for_the_papers_edition(
    edition: Edition, chair: Any, submission: Submission
) -> None:
    elsewhere = RoleFactory(kind=RoleKind.PC_MEMBER, user=chair).edition
    assert access_of(access_for(chair, elsewhere), edition).is_chair
    assert can_manage_submission(access_for(chair, elsewhere), submission)


# --- A fixed number of queries ---------------------------------------------------------------


def test_building_an_access_costs_the_same_at_1_and_at_30_papers_roles_and_conflicts(edition: Edition) -> None:
    def loaded(count: int) -> tuple[Any, int]:
        user = UserFactory()
        editions = [edition] + [RoleFactory(kind=RoleKind.PC_MEMBER).edition for _ in range(count - 1)]
        for each in editions:
            RoleFactory(edition=each, user=user, kind=RoleKind.PC_MEMBER)
        RoleFactory(edition=edition, user=user, kind=RoleKind.AREA_CHAIR)
        for paper in add_papers(edition, count, start=100 * count):
            AuthorFactory(submission=paper, position=2, email=user.email, user=user)
            conflict(user, paper)
            assign(user, paper)
        return user, queries_of(lambda: access_for(user, edition))

    _one_user, one = loaded(1)
    many_user, many = loaded(30)
    assert len(access_for(many_user, edition).authored) == 30
    assert one == many == 1 + len(access_module._PROVIDERS)  # the core's roles, then one per provider


# --- One build per request; forgotten when the facts change ----------------------------------


def test_two_policy_checks_in_one_scope_build_the_access_once(
    edition: Edition, chair: Any, submission: Submission, django_assert_num_queries: Any
) -> None:
    with access_scope():
        access_for(chair, edition)
        with django_assert_num_queries(0):
            assert can_manage_submission(chair, submission)
            assert can_see_authors(chair, submission)
            assert access_for(chair, edition) is access_for(chair, edition)


def test_outside_a_scope_each_call_loads_fresh_facts(edition: Edition, outsider: Any) -> None:
    assert not access_for(outsider, edition).roles
    RoleFactory(edition=edition, user=outsider, kind=RoleKind.AE_MEMBER)
    assert access_for(outsider, edition).roles == {RoleKind.AE_MEMBER}


@pytest.mark.parametrize("persona", ["chair", "pc_systems", "author"])
def test_one_request_builds_each_access_once(
    client: Any,
    edition: Edition,
    submission: Submission,
    persona: str,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    user = request.getfixturevalue(persona)
    built: list[tuple[int, int]] = []
    real_build = access_module._build

    def counting_build(user: Any, edition: Edition) -> Access:
        built.append((user.pk, edition.pk))
        return real_build(user, edition)

    monkeypatch.setattr(access_module, "_build", counting_build)
    client.force_login(user)
    response = client.get(reverse("conferences:edition", kwargs={"edition_slug": edition.slug}))
    assert response.status_code == 200
    assert built == [(user.pk, edition.pk)]  # the page's panels asked several rules; one load


def test_a_role_grant_is_seen_at_once_in_the_same_scope(edition: Edition, chair: Any, outsider: Any) -> None:
    with access_scope():
        assert not access_for(outsider, edition).roles
        role_grant(edition=edition, user=outsider, kind=RoleKind.AE_MEMBER, by=chair)
        assert access_for(outsider, edition).roles == {RoleKind.AE_MEMBER}


def test_a_new_conflict_or_authorship_is_seen_at_once_in_the_same_scope(
    edition: Edition, pc_systems: Any, submission: Submission
) -> None:
    with access_scope():
        assert not access_for(pc_systems, edition).is_conflicted(submission)
        conflict(pc_systems, submission)
        assert access_for(pc_systems, edition).is_conflicted(submission)
        AuthorFactory(submission=submission, position=3, email=pc_systems.email, user=pc_systems)
        assert access_for(pc_systems, edition).is_author(submission)


def test_forget_access_drops_only_that_users_facts(edition: Edition, chair: Any, outsider: Any) -> None:
    with access_scope():
        kept, dropped = access_for(chair, edition), access_for(outsider, edition)
        forget_access(outsider)
        assert access_for(chair, edition) is kept
        assert access_for(outsider, edition) is not dropped


# --- List pages at 1 and at 20 papers ---------------------------------------------------------


def page_queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def grows(client: Any, edition: Edition, url: str, make: Callable[[Submission], Any] = lambda paper: None) -> int:
    for paper in add_papers(edition, 1, start=1):
        make(paper)
    at_one = page_queries(client, url)
    for paper in add_papers(edition, 19, start=2):
        make(paper)
    return page_queries(client, url) - at_one


@pytest.mark.parametrize("persona", ["chair", "pc_systems", "author", "outsider"])
def test_the_edition_page_costs_the_same_at_1_and_20_papers(
    client: Any, edition: Edition, persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    client.force_login(user)

    def involve(paper: Submission) -> None:
        AuthorFactory(submission=paper, position=2, email=user.email, user=user)
        conflict(user, paper)
        assign(user, paper)

    assert grows(client, edition, reverse("conferences:edition", kwargs={"edition_slug": edition.slug}), involve) == 0


def test_the_chairs_submission_list_costs_the_same_at_1_and_20_papers(
    client: Any, edition: Edition, chair: Any
) -> None:
    client.force_login(chair)
    url = reverse("submissions:list", kwargs={"edition_slug": edition.slug})
    assert grows(client, edition, url, lambda paper: conflict(chair, paper)) == 0


def test_the_bidding_page_costs_the_same_at_1_and_20_papers(client: Any, edition: Edition, pc_systems: Any) -> None:
    open_bidding(edition)
    client.force_login(pc_systems)
    url = reverse("bidding:bids", kwargs={"edition_slug": edition.slug})
    assert grows(client, edition, url, lambda paper: conflict(pc_systems, paper)) == 0


def test_the_middleware_offers_the_requests_access_and_closes_its_scope(
    rf: Any, edition: Edition, chair: Any, django_assert_num_queries: Any
) -> None:
    seen: list[Access] = []

    def view(request: Any) -> HttpResponse:
        seen.append(request.access(edition))
        with django_assert_num_queries(0):
            seen.append(access_for(request.user, edition))
        return HttpResponse("ok")

    request = rf.get("/")
    request.user = chair
    AccessMiddleware(view)(request)
    assert seen[0] is seen[1]
    assert seen[0].is_chair
    assert access_for(chair, edition) is not seen[0]  # the scope ended with the request

"""A conflict never ends in an assignment, whatever its source: each source is recorded through
its own way in, then a real solver run (its Celery task, run eagerly) and a chair's assignment
by hand through the API are both refused the pair.

The persona committee (tests/conftest.py: ``pc``, ``papers``) makes Systems member 0 the best
match for paper 1 by far, and every member's load is exactly two papers: without the conflict
the solver puts that member on paper 1, so a source left out of the solver's input fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.services import profile_update
from assignments import services
from assignments.models import Assignment, RunStatus
from conferences.models import Area
from submissions.models import Conflict, ConflictSource, Submission
from submissions.services import (
    conflict_declare_own,
    conflicts_refresh_automatic,
    conflicts_set_by_chair,
    conflicts_set_declared,
)
from tests.factories.accounts import UserFactory
from tests.factories.submissions import AuthorFactory

pytestmark = pytest.mark.django_db

Source = Callable[[Submission, Any, Any, Any], None]  # (paper, member, chair, capture) -> None


def by_domain(paper: Submission, member: Any, chair: Any, capture: Any) -> None:
    paper.authors.update(email="ada@" + member.email.split("@")[1])  # the member's institution
    conflicts_refresh_automatic(submission=paper)


def by_email(paper: Submission, member: Any, chair: Any, capture: Any) -> None:
    paper.authors.update(email=member.email)  # the member is an author
    conflicts_refresh_automatic(submission=paper)


def by_affiliation_after_own_change(paper: Submission, member: Any, chair: Any, capture: Any) -> None:
    paper.authors.update(affiliation="Institute of Obscure Studies")
    with capture(execute=True):
        profile_update(user=member, affiliation="Institute of Obscure Studies")


def by_the_authors(paper: Submission, member: Any, chair: Any, capture: Any) -> None:
    author: Any = UserFactory(email="writer@uni.example.edu")
    AuthorFactory(submission=paper, position=2, name=author.display_name, email=author.email, user=author)
    conflicts_set_declared(submission=paper, source=ConflictSource.AUTHOR, declared={member.pk: "advisor"}, by=author)


def by_the_member(paper: Submission, member: Any, chair: Any, capture: Any) -> None:
    conflict_declare_own(submission=paper, user=member, reason="collaborator", conflicted=True)


def by_a_chair(paper: Submission, member: Any, chair: Any, capture: Any) -> None:
    conflicts_set_by_chair(submission=paper, conflicted={member.pk: "personal"}, by=chair)


def forbidden_by_a_chair(paper: Submission, member: Any, chair: Any, capture: Any) -> None:
    services.assignment_forbid(submission=paper, user=member, by=chair)


SOURCES: dict[str, tuple[Source, str, str, bool]] = {
    # name: (how it is recorded, source, reason, hidden from the member)
    "automatic-domain": (by_domain, ConflictSource.AUTOMATIC, "domain", False),
    "automatic-email": (by_email, ConflictSource.AUTOMATIC, "author", False),
    "automatic-after-own-change": (by_affiliation_after_own_change, ConflictSource.AUTOMATIC, "affiliation", True),
    "author": (by_the_authors, ConflictSource.AUTHOR, "advisor", False),
    "pc-member": (by_the_member, ConflictSource.PC_MEMBER, "collaborator", False),
    "chair": (by_a_chair, ConflictSource.CHAIR, "personal", False),
    "chair-forbidden-pair": (forbidden_by_a_chair, ConflictSource.CHAIR, "other", False),
}


@pytest.fixture(params=sorted(SOURCES))
def conflicted(
    request: pytest.FixtureRequest, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> tuple[Submission, Any]:
    """Paper 1 and its best Systems match, conflicted through one source."""
    record, source, reason, hidden = SOURCES[request.param]
    paper, member = papers[0], pc[Area.SYSTEMS][0]
    record(paper, member, chair, django_capture_on_commit_callbacks)
    conflict = Conflict.objects.get(submission=paper, user=member)
    assert (conflict.source, conflict.reason, conflict.hidden_from_member) == (source, reason, hidden)
    return paper, member


def test_without_a_conflict_the_solver_puts_the_best_match_on_paper_1(
    edition: Any, pc: Any, papers: Any, chair: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The control: the tests below fail if the conflict is not in the solver's input."""
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(edition=edition, by=chair, bid_weight=0)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert Assignment.objects.filter(submission=papers[0], user=pc[Area.SYSTEMS][0]).exists()


def test_the_solver_never_assigns_a_conflicted_pair(
    edition: Any, chair: Any, conflicted: tuple[Submission, Any], django_capture_on_commit_callbacks: Any
) -> None:
    paper, member = conflicted
    with django_capture_on_commit_callbacks(execute=True):
        run = services.run_start(edition=edition, by=chair, bid_weight=0)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.message
    assert Assignment.objects.filter(submission__edition=edition).count() == 12  # a full assignment
    assert not Assignment.objects.filter(submission=paper, user=member).exists()


def test_a_chair_cannot_assign_a_conflicted_pair_by_hand(
    client: Any, edition: Any, chair: Any, conflicted: tuple[Submission, Any]
) -> None:
    paper, member = conflicted
    client.force_login(chair)
    url = reverse("api:assignment-list", kwargs={"edition_slug": edition.slug})
    response = client.post(url, {"number": paper.number, "user": member.pk}, content_type="application/json")
    assert response.status_code == 400
    assert "has a conflict of interest with #1" in response.content.decode()
    page = reverse("assignments:add", kwargs={"edition_slug": edition.slug})
    response = client.post(page, {"number": paper.number, "user": member.pk}, follow=True)
    assert "has a conflict of interest with #1" in response.content.decode()
    assert not Assignment.objects.filter(submission=paper, user=member).exists()


def test_a_swap_cannot_end_in_a_conflicted_pair(
    edition: Any, pc: Any, papers: Any, chair: Any, conflicted: tuple[Submission, Any]
) -> None:
    paper, member = conflicted
    other = pc[Area.SYSTEMS][1]
    mine = services.assignment_add(submission=papers[1], user=member, by=chair).assignment
    theirs = services.assignment_add(submission=paper, user=other, by=chair).assignment
    assert mine is not None
    assert theirs is not None
    with pytest.raises(ValidationError, match="conflict of interest"):
        services.assignment_swap(first=mine, second=theirs, by=chair)
    assert not Assignment.objects.filter(submission=paper, user=member).exists()
